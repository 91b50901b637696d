// Package plan reads the physical plans Spark writes in its SQL events
// (sparkPlanInfo of SQLExecutionStart and SQLAdaptiveExecutionUpdate) into a
// compact operator list, maps each operator to the stages that ran it
// through the accumulator ids of its metrics, as the History Server's SQL
// tab and spark-rapids-tools do, numbers them as the SQL tab's graph does,
// and sums a plan up per query (joins, exchanges, scans, adaptive changes).
//
// A plan is kept as its nodes' names, bounded descriptions, a few scan
// metadata values and metric ids, never as the raw JSON: plans can be
// megabytes and AQE repeats them.
package plan

import (
	"errors"
	"strings"

	"github.com/valyala/fastjson"
)

// DescLimit bounds Node.Desc (a node's simpleString) in bytes: enough for
// an operator's keys and condition, not a scan's full column list.
const DescLimit = 256

// MetaLimit bounds each kept metadata value in bytes.
const MetaLimit = 256

// maxDepth bounds the plan's nesting (fastjson's own limit is 300).
const maxDepth = 256

// Metric is one SQL metric of an operator: its name, accumulator id and
// Spark's metric type (sum, size, timing, nsTiming, average).
type Metric struct {
	Name    string
	AccumID int64
	Type    string
}

// Node is one operator of a plan, in the order Spark writes them (pre-order).
type Node struct {
	ID     int // position in pre-order, the root 0
	Parent int // -1 for the root
	Name   string
	Desc   string // simpleString, bounded to DescLimit
	// Scan metadata (empty for other nodes), each bounded to MetaLimit.
	Format, Location, PartitionFilters, PushedFilters string
	Metrics                                           []Metric
	// Codegen is the ID of the WholeStageCodegen node whose generated code
	// runs this operator, -1 for none.
	Codegen int
	// GraphID is the node's id in the History Server's SQL tab graph, -1
	// when the graph does not draw it (graph.go).
	GraphID int
}

// Plan is a physical plan's operators, root first.
type Plan struct {
	Nodes   []Node
	metrics []Metric // the nodes' metrics' backing array
}

// ErrNotPlan is returned for a value that is not a sparkPlanInfo object.
var ErrNotPlan = errors.New("not a sparkPlanInfo object")

// Strings interns what a log's plans repeat (operator and metric names,
// metric types, the descriptions of operators AQE re-plans), so an
// adaptive update that changes little allocates little; the zero value is
// ready to use. It holds at most stringsLimit bytes, then starts over. Not
// safe for concurrent use.
type Strings struct {
	m     map[string]string
	bytes int
}

const stringsLimit = 4 << 20

// of returns b as a string, the same one for equal bytes.
func (in *Strings) of(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	if in.m == nil || in.bytes+len(b) > stringsLimit {
		in.m, in.bytes = make(map[string]string), 0
	}
	s := string(b)
	in.m[s] = s
	in.bytes += len(s)
	return s
}

// FromJSON reads a sparkPlanInfo object; in (nil for none) interns its
// strings; reuse (nil for none) is a plan no longer used whose storage the
// new one may take.
func FromJSON(v *fastjson.Value, in *Strings, reuse *Plan) (*Plan, error) {
	if v == nil || v.Type() != fastjson.TypeObject || v.Get("nodeName") == nil {
		return nil, ErrNotPlan
	}
	if in == nil {
		in = &Strings{}
	}
	b := &builder{in: in}
	if reuse != nil {
		b.p.Nodes, b.metrics = reuse.Nodes[:0], reuse.metrics[:0]
	}
	if err := b.add(v, -1, -1, 0); err != nil {
		return nil, err
	}
	b.p.metrics = b.metrics
	b.p.graphIDs(b.hash)
	return &b.p, nil
}

// builder reads one plan, its nodes' metrics sharing one backing array.
type builder struct {
	p       Plan
	in      *Strings
	metrics []Metric
	hash    []uint64 // each node's subtree hash, for graphIDs
}

// add appends the node v and its subtree.
func (b *builder) add(v *fastjson.Value, parent, codegen, depth int) error {
	if depth > maxDepth {
		return errors.New("plan nested deeper than 256 operators")
	}
	if v.Type() != fastjson.TypeObject {
		return errors.New("plan node is not an object")
	}
	id := len(b.p.Nodes)
	name, simple := v.GetStringBytes("nodeName"), v.GetStringBytes("simpleString")
	n := Node{ID: id, Parent: parent, Codegen: codegen,
		Name: b.in.of(boundedBytes(name, DescLimit)),
		Desc: b.in.of(boundedBytes(simple, DescLimit))}
	b.hash = append(b.hash, fnv64(fnv64(fnv64(fnvBasis, name), []byte{0}), simple))
	readMeta(v.GetObject("metadata"), &n, b.in)
	start := len(b.metrics)
	for _, m := range v.GetArray("metrics") {
		b.metrics = append(b.metrics, Metric{Name: b.in.of(m.GetStringBytes("name")),
			AccumID: m.GetInt64("accumulatorId"), Type: b.in.of(m.GetStringBytes("metricType"))})
	}
	n.Metrics = b.metrics[start:len(b.metrics):len(b.metrics)]
	if len(n.Metrics) == 0 {
		n.Metrics = nil
	}
	b.p.Nodes = append(b.p.Nodes, n)
	childCG := codegen
	switch {
	case strings.HasPrefix(n.Name, "WholeStageCodegen"):
		childCG = id
	case n.Name == "InputAdapter":
		childCG = -1 // the boundary of generated code
	}
	for _, c := range v.GetArray("children") {
		k := len(b.p.Nodes)
		if err := b.add(c, id, childCG, depth+1); err != nil {
			return err
		}
		b.hash[id] = fnvWord(b.hash[id], b.hash[k])
	}
	return nil
}

// readMeta keeps the scan metadata the summary uses.
func readMeta(o *fastjson.Object, n *Node, in *Strings) {
	if o == nil {
		return
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		s, err := x.StringBytes()
		if err != nil {
			return
		}
		switch string(k) {
		case "Format":
			n.Format = in.of(boundedBytes(s, MetaLimit))
		case "Location":
			n.Location = in.of(boundedBytes(s, MetaLimit))
		case "PartitionFilters":
			n.PartitionFilters = in.of(boundedBytes(s, MetaLimit))
		case "PushedFilters":
			n.PushedFilters = in.of(boundedBytes(s, MetaLimit))
		}
	})
}

// boundedBytes is at most n bytes of s, not splitting a UTF-8 sequence.
func boundedBytes(s []byte, n int) []byte {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Children returns the ids of each node's children.
func (p *Plan) Children() [][]int {
	out := make([][]int, len(p.Nodes))
	for _, n := range p.Nodes {
		if n.Parent >= 0 {
			out[n.Parent] = append(out[n.Parent], n.ID)
		}
	}
	return out
}
