package extract

import "github.com/sparkmine/sparkmine/extract/plan"

// planScan streams a sparkPlanInfo tree through the validating scanner
// into a plan.Builder: each node's name, simpleString, the metadata
// plan.Builder keeps and its metrics, reading exactly what plan.FromJSON
// reads of fastjson's tree; every other byte is only checked. The root's
// simpleString decides (skip) whether the rest is read at all.
type planScan struct {
	b     *Builder
	skip  func(final bool) bool
	pb    *plan.Builder // nil once skip said so
	final bool          // the root's simpleString does not say isFinalPlan=false
	plan  *plan.Plan    // the plan read, nil if skipped
}

// Members of a plan node and of a metric the fast path reads.
const (
	pnName = iota + 1
	pnSimple
	pnChildren
	pnMeta
	pnMetrics
)

const (
	pmName = iota + 1
	pmAccum
	pmType
)

var (
	nodeOrder = newOrder(func(k []byte) int {
		switch string(k) {
		case "nodeName":
			return pnName
		case "simpleString":
			return pnSimple
		case "children":
			return pnChildren
		case "metadata":
			return pnMeta
		case "metrics":
			return pnMetrics
		}
		return 0
	}, "nodeName", "simpleString", "children", "metadata", "metrics")
	metricOrder = newOrder(func(k []byte) int {
		switch string(k) {
		case "name":
			return pmName
		case "accumulatorId":
			return pmAccum
		case "metricType":
			return pmType
		}
		return 0
	}, "name", "accumulatorId", "metricType")
)

// planDepth bounds the nesting the fast path reads in a plan (each
// operator nests two levels: its children array and itself; NDS plans
// reach 74), below fastjson's limit of 300 so a line deeper than fastjson
// reads is never accepted, and below plan.FromJSON's 256 operators.
// skipValue's depth counts up to maxScanDepth, so a value inside an
// object or array at nesting n is skipped from depth n−depthOff.
const (
	planDepth = 256
	depthOff  = planDepth - maxScanDepth
)

// scan reads the sparkPlanInfo object at i (nesting 2) and returns the
// index past it, or -1.
func (s *planScan) scan(b []byte, i int) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	s.final, s.pb = true, s.b.newPlanBuilder()
	if i = s.node(b, i+1, -1, 2); i > 0 && s.pb != nil {
		s.plan = s.pb.Plan()
	}
	return i
}

// node reads the node whose '{' is at i-1, at nesting nest, under parent.
func (s *planScan) node(b []byte, i, parent, nest int) int {
	if nest > planDepth {
		return -1
	}
	id := -1
	if s.pb != nil {
		id = s.pb.Open(parent)
	}
	it := objIter{}
	it.init(b, i)
	it.ord = nodeOrder
	var seen fields
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && !seen.add(it.m) || it.m == pnSimple && !seen.has(pnName) {
			return -1
		}
		if s.pb == nil {
			it.i = skipValue(b, it.i, nest-depthOff)
			continue
		}
		it.i = s.nodeValue(b, it.i, it.m, id, nest)
	}
	if !seen.has(pnName) {
		return -1
	}
	if s.pb != nil {
		s.pb.Close(id)
	}
	return it.end()
}

// nodeValue reads member m of node id at i.
func (s *planScan) nodeValue(b []byte, i, m, id, nest int) int {
	switch m {
	case pnName:
		tok, esc, j := readToken(b, i)
		if j > 0 {
			s.pb.Name(id, s.b.unquote(tok, esc))
		}
		return j
	case pnSimple:
		tok, esc, j := readToken(b, i)
		if j > 0 {
			s.simple(id, s.b.unquote(tok, esc))
		}
		return j
	case pnChildren:
		return s.children(b, i, id, nest+1)
	case pnMeta:
		return s.metadata(b, i, id, nest+1)
	case pnMetrics:
		return s.metrics(b, i, id, nest+1)
	}
	return skipValue(b, i, nest-depthOff)
}

// simple sets node id's simpleString; the root's may end the reading.
func (s *planScan) simple(id int, simple []byte) {
	s.pb.Desc(id, simple)
	if id == 0 {
		s.final = finalPlan(simple)
		if s.skip(s.final) {
			s.pb = nil
		}
	}
}

// children reads the children array at i, at nesting nest.
func (s *planScan) children(b []byte, i, id, nest int) int {
	return s.array(b, i, nest, func(j int) int { return s.node(b, j, id, nest+1) })
}

// metrics reads the metrics array at i, at nesting nest.
func (s *planScan) metrics(b []byte, i, id, nest int) int {
	return s.array(b, i, nest, func(j int) int { return s.metric(b, j, id, nest+1) })
}

// array reads an array of objects at i, at nesting nest, calling elem
// with the index past each object's '{'.
func (s *planScan) array(b []byte, i, nest int, elem func(int) int) int {
	if i >= len(b) || b[i] != '[' || nest > planDepth {
		return -1
	}
	if i = ws(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		if i >= len(b) || b[i] != '{' {
			return -1
		}
		var end bool
		if i, end = afterElement(b, elem(i+1)); i < 0 || end {
			return i
		}
	}
}

// metric reads the metric object whose '{' is at i-1, at nesting nest.
func (s *planScan) metric(b []byte, i, id, nest int) int {
	it := objIter{}
	it.init(b, i)
	it.ord = metricOrder
	var seen fields
	var name, typ []byte
	var accum int64
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && !seen.add(it.m) {
			return -1
		}
		switch it.m {
		case pmName:
			name, it.i = s.text(b, it.i)
		case pmType:
			typ, it.i = s.text(b, it.i)
		case pmAccum:
			accum, it.i = readInt(b, it.i)
		default:
			it.i = skipValue(b, it.i, nest-depthOff)
		}
	}
	s.pb.Metric(id, name, accum, typ)
	return it.end()
}

// text reads a string at i: its bytes alias b, or are a copy when
// unescaped.
func (s *planScan) text(b []byte, i int) ([]byte, int) {
	tok, esc, j := readToken(b, i)
	if j < 0 || !esc {
		return tok[min(1, len(tok)):max(0, len(tok)-1)], j
	}
	return append([]byte(nil), s.b.unquote(tok, esc)...), j
}

// metadata reads the metadata object at i, at nesting nest: the string
// members plan.Builder keeps (the last of duplicates, as fastjson's
// Visit gives them), every other member checked.
func (s *planScan) metadata(b []byte, i, id, nest int) int {
	if i >= len(b) || b[i] != '{' || nest > planDepth {
		return -1
	}
	it := objIter{}
	it.init(b, i+1)
	for it.next() {
		if it.keyEsc {
			return -1
		}
		if it.i >= len(b) || b[it.i] != '"' {
			it.i = skipValue(b, it.i, nest-depthOff)
			continue
		}
		tok, esc, j := readToken(b, it.i)
		if j > 0 && plan.MetaKey(it.key) {
			s.pb.Meta(id, it.key, s.b.unquote(tok, esc))
		}
		it.i = j
	}
	return it.end()
}
