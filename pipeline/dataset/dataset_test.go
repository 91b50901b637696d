package dataset_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// The tables of the design's dataset that exist today, per-log first.
func TestTablesAreTheDesignsTables(t *testing.T) {
	var got []string
	for _, tb := range dataset.Tables {
		got = append(got, fmt.Sprintf("%s per-log=%v", tb.Name(), tb.PerLog()))
		if d, ok := dataset.ByName(tb.Name()); !ok || d != tb {
			t.Errorf("ByName(%q) = %v, %v", tb.Name(), d, ok)
		}
	}
	want := []string{"apps per-log=true", "stages per-log=true", "executors per-log=true",
		"findings per-log=true", "simulations per-log=true", "diagnoses per-log=false"}
	if !slices.Equal(got, want) {
		t.Errorf("Tables = %q, want %q", got, want)
	}
	if _, ok := dataset.ByName("nope"); ok {
		t.Error("ByName found a table that does not exist")
	}
}

func TestTableWithoutKeyColumnsPanics(t *testing.T) {
	type noKey struct {
		ID string `parquet:"id"`
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "app_id and attempt_id") {
			t.Errorf("recover() = %v, want a panic naming the missing columns", r)
		}
	}()
	dataset.PerRun[noKey]("nokey")
}

// stager stages into a plain store, as the run transaction does into its
// staging folder.
type stager struct {
	st  store.Store
	seq int
}

func (s *stager) Stage(ctx context.Context, write func(store.Store, table.PartName) ([]string, error)) ([]string, error) {
	s.seq++
	return write(s.st, table.PartName{RunID: "20261125T020000Z-abcdef", Shard: "0of1", Seq: s.seq})
}

func logOf(id string, stages, execs, findings int) *dataset.Log {
	l := &dataset.Log{App: &extract.App{Row: extract.AppRow{AppID: id, AttemptID: "1", SparkConf: `{"a":"b"}`, PlanExcerpt: "plan"}}}
	for i := range stages {
		l.App.Stages = append(l.App.Stages, extract.StageRow{AppID: id, AttemptID: "1", StageID: int64(i)})
	}
	for i := range execs {
		l.App.Executors = append(l.App.Executors, extract.ExecutorRow{AppID: id, AttemptID: "1", ExecutorID: fmt.Sprint(i)})
	}
	for range findings {
		l.Findings = append(l.Findings, analyze.FindingRow{AppID: id, AttemptID: "1", Detector: "spill"})
	}
	return l
}

// Rows of two logs are written as one part per table, and Rewrite cuts one
// log's rows out of each part again.
func TestRowsWriteAndRewrite(t *testing.T) {
	ctx := context.Background()
	st, err := local.Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rows := dataset.NewRows()
	// The batching estimate of a log: 1024 + conf + plan, then 900 per
	// stage, 400 per executor, 800 per finding.
	if n := rows.Add(logOf("app-a", 3, 2, 1)); n != 1024+9+4+3*900+2*400+800 {
		t.Errorf("Add estimated %d bytes", n)
	}
	rows.Add(logOf("app-b", 1, 1, 2))
	s := &stager{st: st}
	keys, err := rows.Write(ctx, s, "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for _, k := range keys {
		tables = append(tables, strings.SplitN(k, "/", 2)[0])
	}
	if want := []string{"apps", "stages", "executors", "findings"}; !slices.Equal(tables, want) {
		t.Fatalf("wrote parts of %v, want one of each of %v", tables, want)
	}
	wantRows := map[string]int{"apps": 1, "stages": 1, "executors": 1, "findings": 2}
	dst, err := local.Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		tb, _ := dataset.ByName(tables[slices.Index(keys, k)])
		nk, err := tb.Rewrite(ctx, &stager{st: dst}, st, []string{k}, func(app string) bool { return app == "app-b/1" })
		if err != nil || len(nk) != 1 {
			t.Fatalf("rewrite %s: %v, %v", k, nk, err)
		}
		all, err := tb.ReadAny(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		if n := countApp(all, "app-b"); n != wantRows[tb.Name()] || n != len(all) {
			t.Errorf("%s rewritten: %d rows, %d of app-b; want %d, all of app-b", tb.Name(), len(all), n, wantRows[tb.Name()])
		}
		none, err := tb.Rewrite(ctx, &stager{st: dst}, st, []string{k}, func(string) bool { return false })
		if err != nil || len(none) != 0 {
			t.Errorf("rewrite %s keeping nothing: %v, %v; want no part", k, none, err)
		}
	}
}

// countApp counts the rows of app id.
func countApp(rows []any, id string) int {
	n := 0
	for _, r := range rows {
		if strings.Contains(fmt.Sprintf("%+v", r), "AppID:"+id+" ") {
			n++
		}
	}
	return n
}
