//go:build cgo

package sqldb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

type appRow struct {
	AppID  string  `parquet:"app_id"`
	Cost   float64 `parquet:"cost"`
	Stages int64   `parquet:"stages"`
	Day    string  `parquet:"-"`
}

// dataset writes apps rows over two days with the store's own writer, and
// a secret file beside the dataset that no query may read.
func dataset(t *testing.T) (root string, rows []appRow) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "out")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := local.New(root)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		rows = append(rows, appRow{AppID: fmt.Sprintf("app-%02d", i), Cost: float64(i) / 4, Stages: int64(i % 7), Day: []string{"2026-11-24", "2026-11-25"}[i%2]})
	}
	_, err = table.WriteTable(context.Background(), st, "apps", rows, func(r appRow) string { return r.Day }, table.PartName{RunID: "r1", Shard: "0of1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.csv"), []byte("password\nhunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, rows
}

func open(t *testing.T, root string, lim Limits) *DB {
	t.Helper()
	db, err := Open(context.Background(), root, []string{"apps", "stages"}, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestQuery: the views read every row, with the dt partition, and the
// answers equal what the rows say.
func TestQuery(t *testing.T) {
	root, rows := dataset(t)
	db := open(t, root, DefaultLimits())
	if got := db.Tables(); len(got) != 1 || got[0] != "apps" {
		t.Fatalf("Tables() = %v, want [apps] (stages has no files)", got)
	}
	res, err := db.Query(context.Background(), "SELECT count(*) AS n, sum(cost) AS cost, count(DISTINCT dt) AS days FROM apps")
	if err != nil {
		t.Fatal(err)
	}
	var cost float64
	for _, r := range rows {
		cost += r.Cost
	}
	want := []any{int64(len(rows)), cost, int64(2)}
	for i, w := range want {
		if fmt.Sprint(res.Rows[0][i]) != fmt.Sprint(w) {
			t.Errorf("column %s = %v, want %v", res.Columns[i], res.Rows[0][i], w)
		}
	}
	res, err = db.Query(context.Background(), "SELECT app_id FROM apps WHERE dt = DATE '2026-11-25' AND stages = ? ORDER BY app_id", 3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		if r.Day == "2026-11-25" && r.Stages == 3 {
			ids = append(ids, r.AppID)
		}
	}
	if fmt.Sprint(res.Rows) != fmt.Sprint(wrap(ids)) {
		t.Errorf("rows %v, want %v", res.Rows, ids)
	}
}

func wrap(ids []string) [][]any {
	out := [][]any{}
	for _, id := range ids {
		out = append(out, []any{id})
	}
	return out
}

// TestRefused: writes, COPY, ATTACH, INSTALL/LOAD, files outside the
// dataset, settings and several statements are refused, each with an
// error; the dataset is unchanged after.
func TestRefused(t *testing.T) {
	root, rows := dataset(t)
	db := open(t, root, DefaultLimits())
	secret := filepath.Join(filepath.Dir(root), "secret.csv")
	cases := map[string]string{
		"create":             "CREATE TABLE x AS SELECT 1",
		"insert":             "INSERT INTO apps VALUES ('x', 1, 1, DATE '2026-01-01')",
		"drop view":          "DROP VIEW apps",
		"copy out":           "COPY (SELECT * FROM apps) TO '" + root + "/apps/dt=2026-11-25/x.parquet'",
		"copy in":            "COPY apps FROM '" + secret + "'",
		"attach":             "ATTACH '" + filepath.Join(filepath.Dir(root), "x.db") + "' AS x",
		"install":            "INSTALL httpfs",
		"load":               "LOAD httpfs",
		"read_csv":           "SELECT * FROM read_csv('" + secret + "')",
		"read_csv etc":       "SELECT * FROM read_csv('/etc/passwd')",
		"read_text":          "SELECT * FROM read_text('/etc/hostname')",
		"glob outside":       "SELECT * FROM glob('/etc/*')",
		"parquet ../":        "SELECT * FROM read_parquet('" + root + "/../secret.csv')",
		"set":                "SET enable_external_access = true",
		"reset":              "RESET lock_configuration",
		"pragma":             "PRAGMA enable_profiling",
		"two statements":     "SELECT 1; SELECT 2",
		"select then drop":   "SELECT 1; DROP VIEW apps",
		"drop then select":   "DROP VIEW apps; SELECT 1",
		"insert then select": "INSERT INTO apps SELECT * FROM apps; SELECT 1",
		"export":             "EXPORT DATABASE '" + filepath.Dir(root) + "/exp'",
		"http":               "SELECT * FROM read_parquet('https://example.com/x.parquet')",
		"unknown column":     "SELECT no_such_column FROM apps",
		"unknown table":      "SELECT * FROM no_such_table",
	}
	for name, q := range cases {
		if _, err := db.Query(context.Background(), q); err == nil {
			t.Errorf("%s: %q ran, want refused", name, q)
		} else {
			t.Logf("%s: %v", name, firstLine(err))
		}
	}
	res, err := db.Query(context.Background(), "SELECT count(*) FROM apps")
	if err != nil || fmt.Sprint(res.Rows[0][0]) != fmt.Sprint(len(rows)) {
		t.Errorf("after the attempts: %v, %v; want %d rows", res, err, len(rows))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(root), "x.db")); err == nil {
		t.Error("ATTACH created a file")
	}
}

func firstLine(err error) string { s, _, _ := strings.Cut(err.Error(), "\n"); return s }

// TestLimits: a query running past its time limit is stopped with a clear
// error; rows and bytes past their limits are cut and said.
func TestLimits(t *testing.T) {
	root, _ := dataset(t)
	db := open(t, root, Limits{MaxRows: 10, MaxBytes: 1 << 20, Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := db.Query(context.Background(), "SELECT count(*) FROM range(1000000000000) a")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("long query: %v, want the time limit", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("long query stopped after %s", d)
	}
	res, err := db.Query(context.Background(), "SELECT * FROM apps")
	if err != nil || len(res.Rows) != 10 || !res.Truncated {
		t.Errorf("row limit: %d rows, truncated %v, %v; want 10, true", len(res.Rows), res != nil && res.Truncated, err)
	}
	small := open(t, root, Limits{MaxRows: 1000, MaxBytes: 100})
	res, err = small.Query(context.Background(), "SELECT app_id FROM apps")
	if err != nil || !res.Truncated || len(res.Rows) >= 50 {
		t.Errorf("byte limit: %d rows, %v", len(res.Rows), err)
	}
}
