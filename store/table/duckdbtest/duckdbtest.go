// Package duckdbtest lets tests read sparkmine's Parquet the way users do:
// through DuckDB, run by node with @duckdb/node-api (installed into .tools/
// by scripts/install-test-deps.sh) and scripts/duckdb/query.mjs.
//
// When node or DuckDB is missing, Open skips the test, or fails it when the
// CI environment variable is set, so CI never passes without the check.
package duckdbtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// DB runs SQL through DuckDB. Each Query is a fresh in-memory database.
type DB struct {
	node   string // the node binary
	script string // scripts/duckdb/query.mjs
	tools  string // the tools folder holding node/node_modules
}

// Row is one result row as DuckDB's getRowObjectsJson gives it: BIGINT,
// HUGEINT and timestamps as strings, DOUBLE as float64, lists as []any,
// structs as map[string]any, NULL as nil.
type Row = map[string]any

const installHint = "run scripts/install-test-deps.sh"

// Open finds node, the query script and DuckDB, or skips t (fails it under CI).
func Open(t testing.TB) *DB {
	t.Helper()
	db, err := find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("duckdb: %v (%s)", err, installHint)
		}
		t.Skipf("duckdb: %v (%s)", err, installHint)
	}
	return db
}

func find() (*DB, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found: %w", err)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tools := os.Getenv("SPARKMINE_TOOLS")
	if tools == "" {
		tools = filepath.Join(root, ".tools")
	}
	if _, err := os.Stat(filepath.Join(tools, "node", "node_modules", "@duckdb", "node-api")); err != nil {
		return nil, fmt.Errorf("@duckdb/node-api not installed under %s: %w", tools, err)
	}
	return &DB{node: node, script: filepath.Join(root, "scripts", "duckdb", "query.mjs"), tools: tools}, nil
}

// repoRoot walks up from the working directory (a package folder under go
// test) to the folder holding scripts/duckdb/query.mjs.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "duckdb", "query.mjs")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("scripts/duckdb/query.mjs not found above the working directory")
		}
		dir = parent
	}
}

// Query runs the statements in order on one in-memory database and returns
// each one's rows. It fails t on any error, with DuckDB's message.
func (db *DB) Query(t testing.TB, statements ...string) [][]Row {
	t.Helper()
	res, err := db.Run(context.Background(), statements...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Run is Query returning the error.
func (db *DB) Run(ctx context.Context, statements ...string) ([][]Row, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, db.node, append([]string{db.script}, statements...)...)
	cmd.Env = append(os.Environ(), "SPARKMINE_TOOLS="+db.tools)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("duckdb: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return decode(&stdout, len(statements))
}

func decode(out *bytes.Buffer, n int) ([][]Row, error) {
	dec := json.NewDecoder(out)
	res := make([][]Row, 0, n)
	for range n {
		var rows []Row
		if err := dec.Decode(&rows); err != nil {
			return nil, fmt.Errorf("duckdb: decode result %d: %w", len(res)+1, err)
		}
		res = append(res, rows)
	}
	return res, nil
}
