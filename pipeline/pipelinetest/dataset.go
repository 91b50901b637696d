// Package pipelinetest compares sparkmine datasets in tests: two runs that
// should leave the same rows (a rerun, a crash and a rerun, N shards) must
// read back equal, whatever runs made them.
package pipelinetest

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// Tables are the per-log tables compared (diagnoses are per run).
var Tables = []string{"apps", "stages", "executors", "findings"}

// Dataset reads every per-log table of out as sorted JSON rows with
// run_id blanked.
func Dataset(tb testing.TB, out store.Store) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	return map[string][]string{
		"apps":      rows[extract.AppRow](tb, ctx, out, "apps"),
		"stages":    rows[extract.StageRow](tb, ctx, out, "stages"),
		"executors": rows[extract.ExecutorRow](tb, ctx, out, "executors"),
		"findings":  rows[analyze.FindingRow](tb, ctx, out, "findings"),
	}
}

func rows[T any](tb testing.TB, ctx context.Context, out store.Store, tbl string) []string {
	tb.Helper()
	rs, err := table.ReadTable[T](ctx, out, tbl, nil)
	if err != nil {
		tb.Fatalf("read %s: %v", tbl, err)
	}
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			tb.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			tb.Fatal(err)
		}
		delete(m, "run_id")
		b, _ = json.Marshal(m)
		lines = append(lines, string(b))
	}
	sort.Strings(lines)
	return lines
}

// Equal reports every table in which got and want differ.
func Equal(tb testing.TB, what string, got, want map[string][]string) {
	tb.Helper()
	for _, tbl := range Tables {
		g, w := got[tbl], want[tbl]
		if len(g) != len(w) {
			tb.Errorf("%s: table %s has %d rows, want %d", what, tbl, len(g), len(w))
			continue
		}
		if strings.Join(g, "\n") == strings.Join(w, "\n") {
			continue
		}
		for i := range g {
			if g[i] != w[i] {
				tb.Errorf("%s: table %s row %d differs:\n got %s\nwant %s", what, tbl, i, g[i], w[i])
				break
			}
		}
	}
}
