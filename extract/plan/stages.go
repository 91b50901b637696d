package plan

import (
	"slices"
	"strings"
)

// StageIDs maps each node of p to the stages that ran it (ascending), the
// way the History Server's SQL tab and spark-rapids-tools connect
// operators to stages:
//
//  1. a node runs in every stage whose accumulables carried one of its
//     metrics' accumulators;
//  2. a node without such metrics, inside generated code, runs where its
//     WholeStageCodegen node runs;
//  3. what remains follows its neighbours: a node takes its parent's
//     stages unless the parent is an exchange (whose two sides run in
//     different stages), else the stages of its children; repeated until
//     nothing changes.
//
// A node nothing reaches (a plan whose jobs ran no task) has no stage.
func (p *Plan) StageIDs(a *Accums) [][]int64 {
	out := make([][]int64, len(p.Nodes))
	for i, n := range p.Nodes {
		for _, m := range n.Metrics {
			for _, s := range a.Stages(m.AccumID) {
				if !slices.Contains(out[i], s) {
					out[i] = append(out[i], s)
				}
			}
		}
	}
	for i, n := range p.Nodes {
		if len(out[i]) == 0 && n.Codegen >= 0 {
			out[i] = out[n.Codegen]
		}
	}
	p.followNeighbours(out)
	for i := range out {
		out[i] = slices.Clone(out[i])
		slices.Sort(out[i])
	}
	return out
}

// followNeighbours applies rule 3 of StageIDs.
func (p *Plan) followNeighbours(out [][]int64) {
	kids := p.Children()
	for changed := true; changed; {
		changed = false
		for i, n := range p.Nodes {
			if len(out[i]) > 0 {
				continue
			}
			if n.Parent >= 0 && len(out[n.Parent]) > 0 && !IsExchange(p.Nodes[n.Parent].Name) {
				out[i], changed = out[n.Parent], true
				continue
			}
			for _, c := range kids[i] {
				for _, s := range out[c] {
					if !slices.Contains(out[i], s) {
						out[i], changed = append(out[i], s), true
					}
				}
			}
		}
	}
}

// IsExchange reports whether an operator name is a shuffle or broadcast
// exchange (Spark's, Photon's or RAPIDS').
func IsExchange(name string) bool {
	return strings.Contains(name, "Exchange") && !strings.HasPrefix(name, "Reused")
}
