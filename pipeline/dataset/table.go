package dataset

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// Table is the descriptor of a table whose rows are of type T.
type Table[T any] struct {
	name  string
	rows  func(*Log) []T // nil: a run table
	bytes func(*T) int   // estimated memory of a row, for batching
	key   [2][]int       // index paths of T's app_id and attempt_id fields (through embedded structs)
}

// PerLog describes a table whose rows each log gives (rows returns them;
// it may return none). bytes estimates a row's memory, which decides when a
// batch is full; nil takes the size of T. T must have app_id and attempt_id
// string columns: they name the log's rows inside a shared part file.
func PerLog[T any](name string, rows func(*Log) []T, bytes func(*T) int) *Table[T] {
	if bytes == nil {
		bytes = fixed[T](int(reflect.TypeFor[T]().Size()))
	}
	return &Table[T]{name: name, rows: rows, bytes: bytes, key: keyFields[T](name)}
}

// PerRun describes a table whose rows a run writes itself (Write), not
// row by row from its logs.
func PerRun[T any](name string) *Table[T] {
	return &Table[T]{name: name, key: keyFields[T](name)}
}

// Schema returns the Parquet schema of the table's part files.
func (t *Table[T]) Schema() *parquet.Schema { return table.SchemaOf[T]() }

// RowType is the table's row type.
func (t *Table[T]) RowType() reflect.Type { return reflect.TypeFor[T]() }

// fixed estimates every row of T at n bytes.
func fixed[T any](n int) func(*T) int { return func(*T) int { return n } }

// keyFields finds T's app_id and attempt_id columns, also inside embedded
// structs (the apps row is extract's columns and analyze's). A table
// without them is a programming error, caught when the package loads.
func keyFields[T any](name string) [2][]int {
	t := reflect.TypeFor[T]()
	var idx [2][]int
	for _, f := range reflect.VisibleFields(t) {
		col, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		for k, want := range []string{"app_id", "attempt_id"} {
			if col == want && f.Type.Kind() == reflect.String {
				idx[k] = f.Index
			}
		}
	}
	if idx[0] == nil || idx[1] == nil {
		panic(fmt.Sprintf("dataset: table %s: row type %v has no app_id and attempt_id string columns", name, t))
	}
	return idx
}

// Name is the table's folder name.
func (t *Table[T]) Name() string { return t.name }

// PerLog reports whether each log gives rows of the table.
func (t *Table[T]) PerLog() bool { return t.rows != nil }

// appKey returns the AppKey of a row.
func (t *Table[T]) appKey(r *T) string {
	v := reflect.ValueOf(r).Elem()
	return AppKey(v.FieldByIndex(t.key[0]).String(), v.FieldByIndex(t.key[1]).String())
}

// Stager stages part files for a writer: pipeline.Tx, the run transaction.
type Stager interface {
	// Stage calls write with the store to write parts into (keys are the
	// parts' final keys) and the name of the writer's next part, and
	// records the keys write returns, also on error, as the writer's.
	Stage(ctx context.Context, write func(st store.Store, name table.PartName) ([]string, error)) ([]string, error)
}

// Write stages rows as part files of day (YYYY-MM-DD) and returns their keys
// (none for no rows).
func (t *Table[T]) Write(ctx context.Context, s Stager, day string, rows []T) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	return s.Stage(ctx, func(st store.Store, name table.PartName) ([]string, error) {
		return table.WriteTable(ctx, st, t.name, rows, func(T) string { return day }, name)
	})
}

// Read reads the rows of the days that pass the filter (nil: every day).
func (t *Table[T]) Read(ctx context.Context, src store.Store, days func(day string) bool) ([]T, error) {
	return table.ReadTable[T](ctx, src, t.name, days)
}

// ReadAny reads every row, each as a T.
func (t *Table[T]) ReadAny(ctx context.Context, src store.Store) ([]any, error) {
	rows, err := t.Read(ctx, src, nil)
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, err
}

// Rewrite implements Descriptor.
func (t *Table[T]) Rewrite(ctx context.Context, s Stager, src store.Store, parts []string, keep func(string) bool) ([]string, error) {
	if len(parts) == 0 {
		return nil, nil
	}
	day, ok := table.PartDay(parts[0])
	if !ok {
		return nil, fmt.Errorf("%s: not a part file", parts[0])
	}
	var rows []T
	for _, p := range parts {
		if d, _ := table.PartDay(p); d != day {
			return nil, fmt.Errorf("rewrite %s: parts of days %s and %s", t.name, day, d)
		}
		got, err := table.ReadPart[T](ctx, src, p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, slices.DeleteFunc(got, func(r T) bool { return !keep(t.appKey(&r)) })...)
	}
	return t.Write(ctx, s, day, rows)
}
