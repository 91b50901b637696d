// Package plan reads the physical plans Spark writes in its SQL events
// (sparkPlanInfo of SQLExecutionStart and SQLAdaptiveExecutionUpdate) into a
// compact operator list, maps each operator to the stages that ran it
// through the accumulator ids of its metrics, as the History Server's SQL
// tab and spark-rapids-tools do, numbers them as the SQL tab's graph does,
// and sums a plan up per query (joins, exchanges, scans, adaptive changes).
//
// A plan is kept as its nodes' names, bounded descriptions, a few scan
// metadata values and metric ids, never as the raw JSON: plans can be
// megabytes and AQE repeats them. Builder builds one node by node for a
// streaming reader (the extract package's fast path); FromJSON reads one
// from a fastjson tree through the same Builder.
package plan

import (
	"errors"

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
	b := NewBuilder(in, reuse)
	if err := add(b, v, -1, 0); err != nil {
		return nil, err
	}
	return b.Plan(), nil
}

// add appends the node v and its subtree.
func add(b *Builder, v *fastjson.Value, parent, depth int) error {
	if depth > maxDepth {
		return errors.New("plan nested deeper than 256 operators")
	}
	if v.Type() != fastjson.TypeObject {
		return errors.New("plan node is not an object")
	}
	id := b.Open(parent)
	b.Name(id, v.GetStringBytes("nodeName"))
	b.Desc(id, v.GetStringBytes("simpleString"))
	readMeta(v.GetObject("metadata"), b, id)
	for _, m := range v.GetArray("metrics") {
		b.Metric(id, m.GetStringBytes("name"), m.GetInt64("accumulatorId"), m.GetStringBytes("metricType"))
	}
	for _, c := range v.GetArray("children") {
		if err := add(b, c, id, depth+1); err != nil {
			return err
		}
	}
	b.Close(id)
	return nil
}

// readMeta keeps the scan metadata the summary uses.
func readMeta(o *fastjson.Object, b *Builder, id int) {
	o.Visit(func(k []byte, x *fastjson.Value) {
		if s, err := x.StringBytes(); err == nil {
			b.Meta(id, k, s)
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
