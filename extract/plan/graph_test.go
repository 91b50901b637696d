package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fastjson"
)

// nd writes a sparkPlanInfo node.
func nd(name, simple string, kids ...string) string {
	return fmt.Sprintf(`{"nodeName":%q,"simpleString":%q,"children":[%s],"metadata":{},"metrics":[]}`,
		name, simple, strings.Join(kids, ","))
}

// TestGraphIDs: the ids SparkPlanGraph gives each rule's plan, worked out
// by hand from SparkPlanGraph.buildSparkPlanGraphNode; -1 is not drawn.
func TestGraphIDs(t *testing.T) {
	scan := nd("Scan parquet t", "FileScan parquet t[a#1]")
	exch := nd("Exchange", "Exchange hashpartitioning(a#1, 200)", scan)
	sub := nd("Subquery", "Subquery subquery#5", nd("Project", "Project [max(b)#9]"))
	for _, c := range []struct {
		name string
		plan string
		want []int
	}{
		{"codegen cluster, InputAdapter not drawn",
			nd("WholeStageCodegen (1)", "WholeStageCodegen (1)", nd("Project", "Project [a#1]", nd("InputAdapter", "InputAdapter", scan))),
			[]int{0, 1, -1, 2}},
		{"query stage of an exchange drawn before",
			nd("AdaptiveSparkPlan", "AdaptiveSparkPlan isFinalPlan=true", nd("SortMergeJoin", "SortMergeJoin [a#1], [a#1], Inner",
				nd("ShuffleQueryStage", "ShuffleQueryStage 0", exch), nd("ShuffleQueryStage", "ShuffleQueryStage 1", exch))),
			[]int{0, 1, -1, 2, 3, -1, -1, -1}},
		{"reused exchange",
			nd("Union", "Union", exch, nd("ReusedExchange", "ReusedExchange [a#2], Exchange hashpartitioning(a#1, 200)", exch)),
			[]int{0, 1, 2, -1, -1, -1}},
		{"reused exchange of nothing drawn",
			nd("Union", "Union", nd("ReusedExchange", "ReusedExchange [a#2]", exch)),
			[]int{0, 1, 2, 3}},
		{"subquery in a cluster, then reused",
			nd("WholeStageCodegen (2)", "WholeStageCodegen (2)", nd("Filter", "Filter (b#2 > scalar-subquery#5)",
				nd("InputAdapter", "InputAdapter", scan), sub, nd("ReusedSubquery", "ReusedSubquery subquery#5", sub))),
			[]int{0, 1, -1, 2, 3, 4, -1, -1, -1}},
	} {
		v, err := fastjson.Parse(c.plan)
		if err != nil {
			t.Fatal(err)
		}
		p, err := FromJSON(v, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, n := range p.Nodes {
			got = append(got, n.GraphID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: graph ids %v, want %v", c.name, got, c.want)
		}
	}
}
