package plan

import (
	"os"
	"testing"

	"github.com/valyala/fastjson"
)

// FuzzPlan feeds arbitrary JSON to FromJSON, then maps and sums up what it
// accepts against accumulators on a few stages. Nothing may panic, and an
// accepted plan is a tree in pre-order with every stage a known one.
// Seeds: testdata/smj.json and testdata/fuzz/FuzzPlan.
func FuzzPlan(f *testing.F) {
	if b, err := os.ReadFile("testdata/smj.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"nodeName":"WholeStageCodegen (1)","children":[{"nodeName":"InputAdapter","children":[{"nodeName":"Exchange","metrics":[{"accumulatorId":1}]}]}]}`))
	f.Add([]byte(`{"nodeName":"BroadcastNestedLoopJoin","children":[{"nodeName":"x"},{"nodeName":"y"},{"nodeName":"z"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := fastjson.ParseBytes(b)
		if err != nil {
			return
		}
		p, err := FromJSON(v, nil, nil)
		if err != nil {
			return
		}
		a := &Accums{}
		for id := int64(0); id < 40; id++ {
			a.Stage(id, id%3, id*1000)
		}
		stages := p.StageIDs(a)
		for i, n := range p.Nodes {
			if n.ID != i || n.Parent >= i || n.Codegen >= i || (i > 0) != (n.Parent >= 0) {
				t.Fatalf("node %d: id %d parent %d codegen %d", i, n.ID, n.Parent, n.Codegen)
			}
			for _, s := range stages[i] {
				if s < 0 || s > 2 {
					t.Fatalf("node %d: stage %d", i, s)
				}
			}
		}
		s := p.Summarize(a, p.AllValues(a), stages, map[string]int{SortMerge: 1})
		if s.Nodes != len(p.Nodes) {
			t.Fatalf("summary of %d nodes, plan has %d", s.Nodes, len(p.Nodes))
		}
	})
}
