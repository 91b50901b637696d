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

	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
)

// Dataset reads every table of out (dataset.Tables) as sorted JSON rows
// with run_id blanked. A diagnoses row also carries the time and latency
// of its call, so datasets compare equal only between runs that made the
// same calls at the same times: in practice, runs with the LLM off.
func Dataset(tb testing.TB, out store.Store) map[string][]string {
	tb.Helper()
	got := map[string][]string{}
	for _, t := range dataset.Tables {
		rs, err := t.ReadAny(context.Background(), out)
		if err != nil {
			tb.Fatalf("read %s: %v", t.Name(), err)
		}
		got[t.Name()] = jsonLines(tb, rs)
	}
	return got
}

// jsonLines returns rows as sorted JSON lines without run_id.
func jsonLines(tb testing.TB, rs []any) []string {
	tb.Helper()
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
	for _, t := range dataset.Tables {
		tbl := t.Name()
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
