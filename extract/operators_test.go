package extract

import "testing"

func TestStageOperators(t *testing.T) {
	one := func(ids ...int64) []int64 { return ids }
	a := &App{PlanNodes: []PlanNodeRow{
		{ExecutionID: 3, NodeID: 0, Name: "AdaptiveSparkPlan", StageIDs: one(1)},
		{ExecutionID: 3, NodeID: 1, Name: "WholeStageCodegen (1)", StageIDs: one(1), Metrics: 1},
		{ExecutionID: 3, NodeID: 2, Name: "SortMergeJoin", StageIDs: one(1), Rows: 1200, Metrics: 1},
		{ExecutionID: 3, NodeID: 3, Name: "Exchange", StageIDs: one(0, 1), Bytes: 3 << 30, Rows: 50, Metrics: 3},
		{ExecutionID: 3, NodeID: 4, Name: "Scan parquet db.t", StageIDs: one(0), Bytes: 1 << 30, FilesRead: 400, Metrics: 4},
		{ExecutionID: 4, NodeID: 1, Name: "Sort", StageIDs: one(1), SpillBytes: 1 << 29, Metrics: 2},
	}}
	for _, c := range []struct {
		stage int64
		limit int
		want  string
	}{
		{1, 1000, "query 3: SortMergeJoin (node 2) 1200 rows; Exchange (node 3) 3.0 GiB 50 rows\nquery 4: Sort (node 1) 0.5 GiB spilled"},
		{0, 1000, "query 3: Exchange (node 3) 3.0 GiB 50 rows; Scan parquet db.t (node 4) 1.0 GiB 400 files"},
		{0, 20, "query 3: Exchange (n"},
		{7, 1000, ""},
	} {
		if got := a.StageOperators(c.stage, c.limit); got != c.want {
			t.Errorf("stage %d: %q, want %q", c.stage, got, c.want)
		}
	}
}
