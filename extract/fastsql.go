package extract

import (
	"bytes"

	"github.com/sparkmine/sparkmine/extract/plan"
)

// The fast path of SQL executions' starts and adaptive plan updates
//
// A SQLExecutionStart carries the execution's first plan, and AQE writes
// a SQLAdaptiveExecutionUpdate for every new query stage, each repeating
// the whole plan (up to megabytes; the shared Photon NDS log: 11 updates
// of ~1 MB per query, two thirds of its bytes outside task events). Both
// are read here in one pass of the validating scanner: the members
// onSQLStart and onSQLAdaptive use, and the plan tree streamed node by
// node into a plan.Builder (fastplan.go), never held as JSON. An update
// whose root says isFinalPlan=false, for an execution that already has a
// plan, is only checked past that point: setPlan would not read it (its
// description still becomes the excerpt). Anything unusual (a member
// missing, duplicated or of another type, an escaped key, a number that
// is not a plain integer, a plan node without a nodeName or with its
// simpleString first) goes to the fastjson path unchanged.

// Members of the SQL events the fast path reads.
const (
	sqEvent = iota + 1
	sqExecution
	sqRoot
	sqDescription
	sqPlanDesc
	sqPlan
	sqTime
)

func sqlMember(k []byte) int {
	switch string(k) {
	case "Event":
		return sqEvent
	case "executionId":
		return sqExecution
	case "rootExecutionId":
		return sqRoot
	case "description":
		return sqDescription
	case "physicalPlanDescription":
		return sqPlanDesc
	case "sparkPlanInfo":
		return sqPlan
	case "time":
		return sqTime
	}
	return 0
}

var (
	adaptiveOrder = newOrder(sqlMember, "Event", "executionId", "physicalPlanDescription", "sparkPlanInfo")
	startOrder    = newOrder(sqlMember, "Event", "executionId", "rootExecutionId", "description", "details",
		"physicalPlanDescription", "sparkPlanInfo", "time", "modifiedConfigs")
)

// sqlScan is what the fast path reads of a SQL event.
type sqlScan struct {
	b          *Builder
	adaptive   bool
	seen       fields // the members read so far
	execution  int64
	root, time int64
	desc       []byte // the description's string token, quotes included
	descEsc    bool
	planDesc   []byte // physicalPlanDescription's string token
	planEsc    bool
	plans      planScan
}

// fastAdaptive handles an adaptive update whose members follow "Event" at i.
func (b *Builder) fastAdaptive(line []byte, i int) bool {
	s := sqlScan{b: b, adaptive: true}
	if !scanEvent(line, i, adaptiveOrder, s.value, sqExecution, sqPlan) {
		return false
	}
	e := b.sqlExecution(s.execution)
	if len(s.planDesc) > 2 {
		b.adaptiveExcerpt(e, b.excerptBytes(s.planDesc, s.planEsc))
	}
	if e.takesPlan(s.plans.final, true) {
		b.putPlan(e, s.plans.final, s.plans.plan, nil)
	}
	return true
}

// fastSQLStart handles a SQLExecutionStart whose members follow "Event" at i.
func (b *Builder) fastSQLStart(line []byte, i int) bool {
	s := sqlScan{b: b}
	if !scanEvent(line, i, startOrder, s.value, sqExecution) {
		return false
	}
	st := sqlStart{id: s.execution, time: s.opt(sqTime, s.time), root: s.opt(sqRoot, s.root)}
	if s.desc != nil {
		st.desc = Clip(string(b.unquote(s.desc, s.descEsc)), 1024)
	}
	if s.planDesc != nil {
		st.excerpt = planExcerpt(b.excerptBytes(s.planDesc, s.planEsc))
	}
	e := b.startSQL(st)
	if s.seen.has(sqPlan) {
		b.putPlan(e, s.plans.final, s.plans.plan, nil)
	}
	e.noteInitialJoins()
	return true
}

// opt is a pointer to n when member m was read, else nil.
func (s *sqlScan) opt(m int, n int64) *int64 {
	if !s.seen.has(m) {
		return nil
	}
	return &n
}

// value reads the value of member m at i.
func (s *sqlScan) value(b []byte, i, m int) int {
	s.seen.add(m)
	switch m {
	case sqExecution:
		s.execution, i = readInt(b, i)
	case sqRoot:
		s.root, i = readInt(b, i)
	case sqTime:
		s.time, i = readInt(b, i)
	case sqDescription:
		s.desc, s.descEsc, i = readToken(b, i)
	case sqPlanDesc:
		if s.adaptive && (i >= len(b) || b[i] != '"') {
			return skipValue(b, i, 1) // onSQLAdaptive ignores any other value
		}
		s.planDesc, s.planEsc, i = readToken(b, i)
	case sqPlan:
		s.plans = planScan{b: s.b, skip: s.skipsPlan}
		i = s.plans.scan(b, i)
	default:
		i = skipValue(b, i, 1)
	}
	return i
}

// skipsPlan reports, once the plan root's simpleString is read, whether
// setPlan would leave the plan unread.
func (s *sqlScan) skipsPlan(final bool) bool {
	if !s.adaptive || !s.seen.has(sqExecution) {
		return false
	}
	e := s.b.sql[s.execution]
	return e != nil && !e.takesPlan(final, true)
}

// readToken reads a string token at i (quotes included) and whether it
// holds an escape.
func readToken(b []byte, i int) ([]byte, bool, int) {
	if i >= len(b) || b[i] != '"' {
		return nil, false, -1
	}
	j, esc := scanString(b, i+1)
	if j < 0 {
		return nil, false, -1
	}
	return b[i:j], esc, j
}

// unquote returns the bytes of a JSON string token the scanner checked,
// unescaped exactly as fastjson unescapes them; they are valid until the
// next unquote.
func (b *Builder) unquote(tok []byte, esc bool) []byte {
	if !esc {
		return tok[1 : len(tok)-1]
	}
	v, err := b.parser.ParseBytes(tok)
	if err != nil {
		return nil // not reached: the scanner checked the token
	}
	return v.GetStringBytes()
}

// excerptBytes returns what planExcerpt reads of the plan description
// token tok: its bytes, unescaped, or a prefix of them of at least
// PlanExcerptLimit+1 bytes. A description can be megabytes; only the raw
// prefix of PlanExcerptLimit+1 units (a byte or an escape, each giving at
// least one byte) is unescaped.
func (b *Builder) excerptBytes(tok []byte, esc bool) []byte {
	raw := tok[1 : len(tok)-1]
	cut := escapeUnits(raw, PlanExcerptLimit+1)
	if !esc || cut == len(raw) {
		return b.unquote(tok, esc)
	}
	t := append(append(append(make([]byte, 0, cut+2), '"'), raw[:cut]...), '"')
	return b.unquote(t, bytes.IndexByte(raw[:cut], '\\') >= 0)
}

// escapeUnits returns the length of the first n units of the checked
// string body raw, where fastjson's unescaping never looks across a unit's
// end: a byte, an escape, or a surrogate's \u escape with the \u escape
// after it (which fastjson decodes as a pair, valid or not).
func escapeUnits(raw []byte, n int) int {
	i := 0
	for ; n > 0 && i < len(raw); n-- {
		switch {
		case raw[i] != '\\':
			i++
		case raw[i+1] != 'u':
			i += 2
		case surrogate(raw[i+2:i+6]) && i+8 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u':
			i += 12
		default:
			i += 6
		}
	}
	return i
}

// surrogate reports whether the four hex digits h are a UTF-16 surrogate
// (D800-DFFF).
func surrogate(h []byte) bool {
	return h[0]|0x20 == 'd' && (h[1] >= '8' && h[1] <= '9' || h[1]|0x20 >= 'a' && h[1]|0x20 <= 'f')
}

// newPlanBuilder starts a plan that takes the storage of the spare one.
func (b *Builder) newPlanBuilder() *plan.Builder {
	return plan.NewBuilder(&b.names, b.sparePlan)
}
