package plan

import "strings"

// The History Server's SQL tab draws a plan as SparkPlanGraph builds it
// (sql/core/.../ui/SparkPlanGraph.scala, Spark 3.x), numbering its nodes
// in pre-order from 0: a WholeStageCodegen node is a cluster with an id
// of its own; InputAdapter, ShuffleQueryStage, BroadcastQueryStage and
// ReusedSubquery are not drawn (their child takes their place); a
// Subquery inside a codegen cluster is drawn outside it; a ReusedExchange,
// a query stage or a Subquery whose plan the graph already holds (an
// Exchange or Subquery equal by name, simpleString and children) points
// to that node and gets neither an id nor its subtree drawn again.
// Node.GraphID is that id, -1 for an operator the graph does not draw.

// graphIDs sets every node's GraphID; hash is each node's subtree hash
// (name, full simpleString, children), standing for SparkPlanInfo's
// equality.
func (p *Plan) graphIDs(hash []uint64) {
	for i := range p.Nodes {
		p.Nodes[i].GraphID = -1
	}
	if len(p.Nodes) == 0 {
		return
	}
	g := graph{p: p, hash: hash, kids: p.Children(), drawn: map[uint64]int{}}
	g.visit(0, false)
}

type graph struct {
	p     *Plan
	hash  []uint64
	kids  [][]int
	drawn map[uint64]int // Exchanges and Subqueries drawn, by subtree hash
	next  int
}

// visit draws node i and its subtree; inCluster says a codegen cluster
// holds it.
func (g *graph) visit(i int, inCluster bool) {
	name, kids := g.p.Nodes[i].Name, g.kids[i]
	first := func() int { return kids[0] } // Spark's children.head
	switch {
	case strings.HasPrefix(name, "WholeStageCodegen") && len(kids) > 0:
		g.assign(i)
		g.visit(first(), true)
	case (name == "InputAdapter" || name == "ReusedSubquery") && len(kids) > 0:
		g.visit(first(), inCluster && name == "ReusedSubquery")
	case (name == "BroadcastQueryStage" || name == "ShuffleQueryStage") && len(kids) > 0:
		if !g.reused(first()) {
			g.visit(first(), false)
		}
	case name == "Subquery" && inCluster:
		g.visit(i, false)
	case name == "Subquery" && g.reused(i):
	case name == "ReusedExchange" && len(kids) > 0 && g.reused(first()):
	default:
		g.assign(i)
		if strings.Contains(name, "Exchange") || name == "Subquery" {
			g.drawn[g.hash[i]] = i
		}
		for _, c := range kids {
			g.visit(c, inCluster)
		}
	}
}

func (g *graph) assign(i int) {
	g.p.Nodes[i].GraphID = g.next
	g.next++
}

// reused reports whether the graph already holds node i's plan.
func (g *graph) reused(i int) bool {
	_, ok := g.drawn[g.hash[i]]
	return ok
}

// fnvWord folds the eight bytes of x into h.
func fnvWord(h, x uint64) uint64 {
	for range 8 {
		h = (h ^ x&0xff) * 1099511628211
		x >>= 8
	}
	return h
}

const fnvBasis = 14695981039346656037
