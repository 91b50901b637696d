// Package fleet answers questions about the whole fleet from the stored
// dataset: the read-only tools an agent calls over the Model Context
// Protocol (mcp.go) and the checked SQL of plain-English questions. Every
// answer is a query through store/sqldb, so the same limits and the same
// lock hold for a tool and for SQL an agent writes itself.
package fleet

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/sqldb"
)

// Tables returns the names of the dataset's tables (pipeline/dataset), in
// its order: the tables a fleet reads and describes to models.
func Tables() []string {
	names := make([]string, len(dataset.Tables))
	for i, d := range dataset.Tables {
		names[i] = d.Name()
	}
	return names
}

// Fleet is an open dataset.
type Fleet struct {
	DB      *sqldb.DB
	columns map[string]map[string]string // table → column → DuckDB type
}

// Open opens the dataset under root (a local folder) read-only.
func Open(ctx context.Context, root string, lim sqldb.Limits) (*Fleet, error) {
	db, err := sqldb.Open(ctx, root, Tables(), lim)
	if err != nil {
		return nil, err
	}
	f := &Fleet{DB: db, columns: map[string]map[string]string{}}
	for _, t := range db.Tables() {
		res, err := db.Query(ctx, "SELECT column_name, column_type FROM (DESCRIBE "+t+")")
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("describe %s: %w", t, err)
		}
		f.columns[t] = map[string]string{}
		for _, r := range res.Rows {
			f.columns[t][fmt.Sprint(r[0])] = fmt.Sprint(r[1])
		}
	}
	return f, nil
}

// Close closes the dataset.
func (f *Fleet) Close() error { return f.DB.Close() }

// has reports whether table has column.
func (f *Fleet) has(table, column string) bool {
	_, ok := f.columns[table][column]
	return ok
}

// jobColumn is the column naming a recurring job: job_key where the
// dataset has it, the app name before.
func (f *Fleet) jobColumn() string {
	if f.has("apps", "job_key") {
		return "job_key"
	}
	return "app_name"
}

// rows runs query and returns its rows as maps by column name.
func (f *Fleet) rows(ctx context.Context, query string, args ...any) ([]map[string]any, error) {
	res, err := f.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(res.Rows))
	for i, r := range res.Rows {
		m := make(map[string]any, len(r))
		for j, c := range res.Columns {
			m[c] = jsonable(r[j])
		}
		out[i] = m
	}
	return out, nil
}

// jsonable turns driver values into what encodes as plain JSON.
func jsonable(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(v)
	case []any:
		for i := range v {
			v[i] = jsonable(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = jsonable(v[k])
		}
		return v
	}
	return v
}

// where builds a WHERE clause from conditions whose value is set.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, v any) {
	if s, ok := v.(string); ok && s == "" {
		return
	}
	w.conds = append(w.conds, cond)
	w.args = append(w.args, v)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
