//go:build cgo

package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// HasEngine reports whether this binary has the SQL engine (was built
// with cgo).
const HasEngine = true

// DB is a read-only view of one dataset.
type DB struct {
	db     *sql.DB
	lim    Limits
	tables []string
}

// Open makes a view for each table of root that holds Parquet files, then
// locks the database (see the package doc). Tables without files are left
// out; Tables says which were made.
func Open(ctx context.Context, root string, tables []string, lim Limits) (*DB, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: %w", root, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open dataset %s: not a folder", root)
	}
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: start duckdb: %w", root, err)
	}
	d := &DB{db: sql.OpenDB(conn), lim: lim}
	if err := d.setup(ctx, abs, tables); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("open dataset %s: %w", root, err)
	}
	return d, nil
}

func (d *DB) setup(ctx context.Context, root string, tables []string) error {
	stmts := []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET parquet_metadata_cache = true", // footers read once, not per query
	}
	if d.lim.Memory != "" {
		stmts = append(stmts, "SET memory_limit = "+quote(d.lim.Memory))
	}
	if d.lim.Threads > 0 {
		stmts = append(stmts, fmt.Sprintf("SET threads = %d", d.lim.Threads))
	}
	for _, t := range tables {
		glob := filepath.Join(root, t, "*", "*.parquet")
		if m, _ := filepath.Glob(glob); len(m) == 0 {
			continue
		}
		stmts = append(stmts, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet(%s, hive_partitioning = true, union_by_name = true)", ident(t), quote(glob)))
		d.tables = append(d.tables, t)
	}
	stmts = append(stmts,
		"SET allowed_directories = ["+quote(root+string(filepath.Separator))+"]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	)
	for _, s := range stmts {
		if _, err := d.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// Tables returns the tables that have a view, in the order given to Open.
func (d *DB) Tables() []string { return d.tables }

// Close releases the database.
func (d *DB) Close() error { return d.db.Close() }

// Check prepares query without running it: it must parse, bind against the
// views (every table and column must exist), and be one SELECT. The error
// is DuckDB's message, fit to hand back to whoever wrote the query.
func (d *DB) Check(ctx context.Context, query string) error {
	// The driver's Prepare runs every statement but the last, so the
	// statements are counted first, by DuckDB's own parser.
	if err := d.single(ctx, query); err != nil {
		return err
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("duckdb connection cannot prepare")
		}
		st, err := c.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		typ, err := st.(*duckdb.Stmt).StatementType()
		if err != nil {
			return err
		}
		if typ != duckdb.STATEMENT_TYPE_SELECT {
			return ErrNotReadOnly
		}
		return nil
	})
}

// single checks with DuckDB's parser (json_serialize_sql, which serializes
// SELECT statements only) that query is exactly one SELECT.
func (d *DB) single(ctx context.Context, query string) error {
	var out string
	if err := d.db.QueryRowContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", query).Scan(&out); err != nil {
		return err
	}
	var parsed struct {
		Error      bool              `json:"error"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &parsed); err != nil {
		return fmt.Errorf("check query: %w", err)
	}
	switch {
	case parsed.Error && strings.Contains(parsed.Message, "Only SELECT"):
		return ErrNotReadOnly
	case parsed.Error:
		return errors.New(parsed.Message)
	case len(parsed.Statements) != 1:
		return fmt.Errorf("%w: %d statements", ErrNotReadOnly, len(parsed.Statements))
	}
	return nil
}

// Query checks query (see Check) and runs it with args under the limits.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*Result, error) {
	if err := d.Check(ctx, query); err != nil {
		return nil, err
	}
	if d.lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.lim.Timeout)
		defer cancel()
	}
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, timeoutErr(ctx, err, d.lim.Timeout)
	}
	defer rows.Close()
	res, err := d.collect(rows)
	if err != nil {
		return nil, timeoutErr(ctx, err, d.lim.Timeout)
	}
	return res, nil
}

func (d *DB) collect(rows *sql.Rows) (*Result, error) {
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, c := range cols {
		res.Columns = append(res.Columns, c.Name())
		res.Types = append(res.Types, c.DatabaseTypeName())
	}
	var size int64
	for rows.Next() {
		if d.lim.MaxRows > 0 && len(res.Rows) >= d.lim.MaxRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		size += sizeOf(vals)
		if d.lim.MaxBytes > 0 && size > d.lim.MaxBytes {
			res.Truncated = true
			break
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

func sizeOf(vals []any) int64 {
	var n int64
	for _, v := range vals {
		switch v := v.(type) {
		case string:
			n += int64(len(v))
		case []byte:
			n += int64(len(v))
		default:
			n += 8
		}
	}
	return n
}

func timeoutErr(ctx context.Context, err error, limit time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("query stopped after its time limit of %s: %w", limit, context.DeadlineExceeded)
	}
	return err
}

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident is a quoted SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
