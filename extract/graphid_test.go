package extract

import (
	"path/filepath"
	"testing"
)

// TestGraphNodeIDsOfRealLog: on a shared GPU log, the ids the SQL tab
// (SparkPlanGraph) gives execution 0's operators, named by an accumulator
// of each: pre-order with InputAdapter not drawn (spark-rapids-tools'
// profiler, which builds the same graph, reports the same ids for this
// plan).
func TestGraphNodeIDsOfRealLog(t *testing.T) {
	needEventlogs(t)
	b := NewBuilder(Options{})
	for i, l := range codecLines(t, filepath.Join(eventlogs, "rapids-tools/spark-events-profiling/rapids_join_eventlog2.zstd")) {
		b.Line(l, "log", int64(i+1))
	}
	e := b.sql[0]
	if e == nil || e.final == nil {
		t.Fatal("no plan for execution 0")
	}
	app := b.Finish(false)
	want := map[int64]int64{ // accumulator id → graph node id
		33: 0, 34: 1, 39: 2, 44: 3, 59: 4, 64: 5, 65: 6, 74: 7, 79: 8, 94: 9, 95: 10, 96: 11,
		97: 13, 98: 14, 107: 15, 112: 16, 127: 17, 128: 18, 129: 19, 130: 21,
	}
	got := map[int64]int64{}
	drawn := 0
	for _, n := range e.final.Nodes {
		if n.GraphID >= 0 {
			drawn++
		}
		for _, m := range n.Metrics {
			if _, ok := want[m.AccumID]; ok {
				got[m.AccumID] = int64(n.GraphID)
			}
		}
	}
	for acc, id := range want {
		if got[acc] != id {
			t.Errorf("operator with accumulator %d: graph id %d, want %d", acc, got[acc], id)
		}
	}
	if n := len(e.final.Nodes); drawn != 22 || n != 24 {
		t.Errorf("%d of %d operators drawn, want 22 of 24 (two InputAdapters)", drawn, n)
	}
	rows := 0
	for _, r := range app.PlanNodes {
		if r.ExecutionID == 0 && r.GraphNodeID != nil && *r.GraphNodeID == 21 && r.Name == "Scan" {
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("plan_nodes: %d rows of execution 0 with graph_node_id 21 naming the second Scan, want 1", rows)
	}
}
