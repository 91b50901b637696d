package sqldb

import (
	"errors"
	"time"
)

// Limits bound what one query may cost.
type Limits struct {
	MaxRows  int           // rows returned; more make the result Truncated
	MaxBytes int64         // bytes of values returned (strings by length, others 8)
	Timeout  time.Duration // wall time of one query
	Memory   string        // DuckDB memory_limit, e.g. "2GB"
	Threads  int           // DuckDB threads (0: DuckDB's default)
}

// DefaultLimits are the limits where the caller sets none.
func DefaultLimits() Limits {
	return Limits{MaxRows: 10_000, MaxBytes: 16 << 20, Timeout: 30 * time.Second, Memory: "2GB"}
}

// ErrNoEngine is Open's error in a binary built without cgo.
var ErrNoEngine = errors.New("this sparkmine was built without its SQL engine (CGO_ENABLED=0); mcp and ask need a build with cgo (make build)")

// ErrNotReadOnly is the reason a statement other than one SELECT is refused.
var ErrNotReadOnly = errors.New("only a single read-only SELECT statement is allowed")

// Result is a query's answer.
type Result struct {
	Columns   []string
	Types     []string // DuckDB's type names
	Rows      [][]any
	Truncated bool // the row or byte limit cut the result
}
