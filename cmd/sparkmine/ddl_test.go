package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// TestDDLGolden pins the statements for the engines this test cannot run.
// Athena takes Hive's DDL: hive's statements are athena's golden.
func TestDDLGolden(t *testing.T) {
	for _, engine := range []string{"athena", "spark", "hive"} {
		code, stdout, stderr := sparkmine(t, "ddl", "--engine", engine, "--out", "s3://findings/sparkmine/")
		if code != 0 {
			t.Fatalf("ddl --engine %s: exit %d: %s", engine, code, stderr)
		}
		golden := filepath.Join("testdata", "ddl", engine+".sql")
		if engine == "hive" {
			golden = filepath.Join("testdata", "ddl", "athena.sql")
			stdout = strings.Replace(stdout, "for hive\n", "for athena\n", 1)
		}
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			os.WriteFile(golden, []byte(stdout), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), stdout); diff != "" {
			t.Errorf("ddl --engine %s differs from %s (-golden +now; go test -run TestDDLGolden -update rewrites it):\n%s", engine, golden, diff)
		}
	}
	if code, _, _ := sparkmine(t, "ddl", "--engine", "oracle"); code != 2 {
		t.Errorf("unknown engine: exit %d, want 2", code)
	}
}

// TestDDLDuckDB runs DuckDB's statements against the demo dataset: every
// view reads as many rows as the table holds, and dt is a DATE.
func TestDDLDuckDB(t *testing.T) {
	db := duckdbtest.Open(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out, "--llm", "dry-run"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	st, err := local.New(out)
	if err != nil {
		t.Fatal(err)
	}
	// A question asked of the dataset (sparkmine ask), so questions has a row.
	if err := pipeline.RecordQuestion(context.Background(), st, "test", analyze.QuestionRow{Time: 1764000000000,
		Question: "how many apps?", Status: "dry_run", Assumptions: []string{}}); err != nil {
		t.Fatal(err)
	}
	code, ddl, stderr := sparkmine(t, "ddl", "--engine", "duckdb", "--out", out)
	if code != 0 {
		t.Fatalf("ddl: exit %d: %s", code, stderr)
	}
	// DuckDB cannot make a view over no file: the demo has no recurring
	// job, so no outcome (pipeline's TestNightlySeries reads outcomes with DuckDB).
	tables := slices.DeleteFunc(slices.Clone(dataset.Tables), func(d dataset.Descriptor) bool { return d == dataset.Outcomes })
	ddl = strings.Replace(ddl, outcomesView(t, ddl), "", 1)
	stmts := []string{ddl}
	for _, tbl := range tables {
		stmts = append(stmts, fmt.Sprintf("SELECT count(*)::INTEGER AS n, any_value(typeof(dt)) AS dt FROM %q", tbl.Name()))
	}
	res := db.Query(t, stmts...)
	for i, tbl := range tables {
		rows, err := tbl.ReadAny(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		got := res[i+1][0]
		if got["n"] != float64(len(rows)) || len(rows) == 0 || got["dt"] != "DATE" {
			t.Errorf("%s: DuckDB's view reads %v rows, dt %v; the table holds %d, dt must be a DATE", tbl.Name(), got["n"], got["dt"], len(rows))
		}
	}
}

// outcomesView returns the outcomes view's statement of a DuckDB DDL.
func outcomesView(t *testing.T, ddl string) string {
	t.Helper()
	for _, stmt := range strings.SplitAfter(ddl, ";\n") {
		if strings.Contains(stmt, `VIEW "outcomes"`) {
			return stmt
		}
	}
	t.Fatal("the DDL has no outcomes view")
	return ""
}
