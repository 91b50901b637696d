package fleet

import (
	"bytes"
	"os"
	"testing"

	"github.com/sparkmine/sparkmine/pipeline/fleet/internal/coldoc"
)

// TestFieldDocsGenerated: columns_gen.go says what the row types' comments
// say now (go generate ./pipeline/fleet rewrites it).
func TestFieldDocsGenerated(t *testing.T) {
	docs, err := coldoc.Read("../../extract", "../../analyze")
	if err != nil {
		t.Fatal(err)
	}
	want, err := docs.Source("fleet", "pipeline/fleet/internal/coldoc/cmd")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("columns_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("columns_gen.go is stale: run go generate ./pipeline/fleet")
	}
}

// TestFieldDocs: a column's meaning comes from the comment of the field
// that defines it, through embedded structs (apps joins two), and a
// comment over a block of fields explains each of them.
func TestFieldDocs(t *testing.T) {
	for _, c := range []struct{ table, column, want string }{
		{"apps", "utilization", "task_time_ms ÷ executor_time_ms; NULL with no executor time"}, // extract.AppRow, line comment
		{"apps", "plan_excerpt", "the bounded start of the physical plan"},                     // "PlanExcerpt is …"
		{"apps", "sim_error", "sim_error is |sim_duration_ms − duration_ms|"},                  // analyze.AppResult, block comment
		{"stages", "task_run_time_ms_p95", "Per-task quantiles"},                               // block comment
		{"findings", "title", "what went wrong"},
		{"findings", "detector", ""}, // no comment: not the node_id's above it
	} {
		got := fieldDoc(c.table, c.column)
		if (c.want == "" && got != "") || !bytes.Contains([]byte(got), []byte(c.want)) {
			t.Errorf("%s.%s: %q, want it to hold %q", c.table, c.column, got, c.want)
		}
	}
}
