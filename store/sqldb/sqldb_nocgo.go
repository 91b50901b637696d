//go:build !cgo

package sqldb

import (
	"context"
	"io"
)

// HasEngine reports whether this binary has the SQL engine: not without
// cgo.
const HasEngine = false

// DB is a read-only view of one dataset; without cgo there is none.
type DB struct{}

// Open returns ErrNoEngine: this binary was built without cgo.
func Open(context.Context, string, []string, Limits) (*DB, error) { return nil, ErrNoEngine }

// Tables returns nothing.
func (*DB) Tables() []string { return nil }

// Close does nothing.
func (*DB) Close() error { return nil }

// Check returns ErrNoEngine.
func (*DB) Check(context.Context, string) error { return ErrNoEngine }

// Query returns ErrNoEngine.
func (*DB) Query(context.Context, string, ...any) (*Result, error) { return nil, ErrNoEngine }

// WriteArrow returns ErrNoEngine: Arrow output serves query results,
// which need the engine, so a build without it leaves Arrow out.
func (*Result) WriteArrow(io.Writer) error { return ErrNoEngine }
