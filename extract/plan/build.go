package plan

import (
	"strings"

	"github.com/zeebo/xxh3"
)

// Builder builds a plan node by node, for a reader that meets the nodes of
// a sparkPlanInfo tree in the order of its JSON (FromJSON, and the
// extract package's streaming scanner): Open a node (pre-order), give it
// its name before its description, its metadata and metrics in any order
// relative to its children, and Close it after its children. What it keeps
// equals what FromJSON keeps, for any such order.
type Builder struct {
	p       Plan
	in      *Strings
	metrics []Metric
	hash    []uint64 // each node's subtree hash, for graphIDs
	closed  []int    // closed nodes whose parent is still open, in order
	last    int      // the node whose metrics end b.metrics, or -1
	start   int      // where that node's metrics start in b.metrics
}

// NewBuilder returns a Builder; in (nil for none) interns the plan's
// strings; reuse (nil for none) is a plan no longer used whose storage the
// new one may take.
func NewBuilder(in *Strings, reuse *Plan) *Builder {
	if in == nil {
		in = &Strings{}
	}
	b := &Builder{in: in, last: -1}
	if reuse != nil {
		b.p.Nodes, b.metrics = reuse.Nodes[:0], reuse.metrics[:0]
	}
	return b
}

// Open adds a node under parent (-1 for the root) and returns its id.
func (b *Builder) Open(parent int) int {
	id := len(b.p.Nodes)
	b.p.Nodes = append(b.p.Nodes, Node{ID: id, Parent: parent})
	b.hash = append(b.hash, fnvBasis)
	return id
}

// Name sets node id's name (nodeName); it comes before Desc.
func (b *Builder) Name(id int, name []byte) {
	b.p.Nodes[id].Name = b.in.of(boundedBytes(name, DescLimit))
	b.hash[id] = fnvWord(fnvBasis, xxh3.Hash(name))
}

// Desc sets node id's description (simpleString), which can be
// megabytes: xxh3 hashes it at memory speed.
func (b *Builder) Desc(id int, simple []byte) {
	b.p.Nodes[id].Desc = b.in.of(boundedBytes(simple, DescLimit))
	b.hash[id] = fnvWord(b.hash[id], xxh3.Hash(simple))
}

// MetaKey reports whether Meta keeps the metadata member key.
func MetaKey(key []byte) bool {
	switch string(key) {
	case "Format", "Location", "PartitionFilters", "PushedFilters":
		return true
	}
	return false
}

// Meta keeps the metadata member key of node id when the summary uses it.
func (b *Builder) Meta(id int, key, val []byte) {
	n := &b.p.Nodes[id]
	var f *string
	switch string(key) {
	case "Format":
		f = &n.Format
	case "Location":
		f = &n.Location
	case "PartitionFilters":
		f = &n.PartitionFilters
	case "PushedFilters":
		f = &n.PushedFilters
	default:
		return
	}
	*f = b.in.of(boundedBytes(val, MetaLimit))
}

// Metric appends a metric to node id's (one node's metrics in a row).
func (b *Builder) Metric(id int, name []byte, accum int64, typ []byte) {
	if b.last != id {
		b.last, b.start = id, len(b.metrics)
	}
	b.metrics = append(b.metrics, Metric{Name: b.in.of(name), AccumID: accum, Type: b.in.of(typ)})
	b.p.Nodes[id].Metrics = b.metrics[b.start:len(b.metrics):len(b.metrics)]
}

// Close ends node id, whose children are all closed.
func (b *Builder) Close(id int) {
	k := len(b.closed)
	for k > 0 && b.p.Nodes[b.closed[k-1]].Parent == id {
		k--
	}
	for _, c := range b.closed[k:] {
		b.hash[id] = fnvWord(b.hash[id], b.hash[c])
	}
	b.closed = append(b.closed[:k], id)
}

// Plan returns the plan built, once every node is closed.
func (b *Builder) Plan() *Plan {
	b.p.metrics = b.metrics
	b.p.codegen()
	b.p.graphIDs(b.hash)
	return &b.p
}

// codegen sets each node's Codegen from its parent's (pre-order: parents
// first): a WholeStageCodegen's children run in its code, an InputAdapter
// is the boundary of generated code.
func (p *Plan) codegen() {
	for i := range p.Nodes {
		n := &p.Nodes[i]
		n.Codegen = -1
		if n.Parent < 0 {
			continue
		}
		switch par := &p.Nodes[n.Parent]; {
		case strings.HasPrefix(par.Name, "WholeStageCodegen"):
			n.Codegen = par.ID
		case par.Name != "InputAdapter":
			n.Codegen = par.Codegen
		}
	}
}
