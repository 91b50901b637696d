package extract

import "bytes"

// The fast path of adaptive plan updates
//
// AQE writes a SQLAdaptiveExecutionUpdate for every new query stage, each
// repeating the whole plan (up to megabytes), and setPlan reads only the
// final one (the shared Photon NDS log: 10 of its 11 updates, two thirds of
// its bytes outside task events, are not final). fastAdaptive takes
// the others off the fastjson path: it checks the whole line with the
// validating scanner, reads executionId, the description's span and the
// plan root's simpleString, and, when the update says isFinalPlan=false
// for an execution that already has a plan, does what onSQLAdaptive does
// with it (the description becomes the excerpt; the plan is not read).
// Any other update (final, first of its execution, a member missing,
// duplicated or of another type) goes to the fastjson path unchanged.

// Members of an adaptive update the fast path reads.
const (
	auEvent = iota + 1
	auExecution
	auDescription
	auPlan
)

var adaptiveOrder = newOrder(func(k []byte) int {
	switch string(k) {
	case "Event":
		return auEvent
	case "executionId":
		return auExecution
	case "physicalPlanDescription":
		return auDescription
	case "sparkPlanInfo":
		return auPlan
	}
	return 0
}, "Event", "executionId", "physicalPlanDescription", "sparkPlanInfo")

// adaptiveUpdate is what the fast path reads of an adaptive update.
type adaptiveUpdate struct {
	execution int64
	desc      []byte // the description's JSON string token, quotes included; nil if not a string
	descEsc   bool   // desc holds an escape
	notFinal  bool   // the plan root's simpleString says isFinalPlan=false
}

// fastAdaptive handles an adaptive update whose members follow "Event" at
// i, when it is not the final plan of an execution with a plan.
func (b *Builder) fastAdaptive(line []byte, i int) bool {
	var u adaptiveUpdate
	if !scanAdaptive(line, i, &u) || !u.notFinal {
		return false
	}
	e := b.sql[u.execution]
	if e == nil || e.final == nil {
		return false
	}
	if len(u.desc) > 2 {
		e.PlanExcerpt = planExcerpt(b.unquote(u.desc, u.descEsc))
	}
	return true
}

// unquote returns the bytes of a JSON string token the scanner checked,
// unescaped exactly as fastjson unescapes them.
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

// scanAdaptive reads the members of an adaptive update after "Event".
func scanAdaptive(b []byte, i int, u *adaptiveUpdate) bool {
	return scanEvent(b, i, adaptiveOrder, func(b []byte, i, m int) int { return adaptiveValue(b, i, m, u) },
		auExecution, auPlan)
}

func adaptiveValue(b []byte, i, m int, u *adaptiveUpdate) int {
	switch m {
	case auExecution:
		u.execution, i = readInt(b, i)
	case auDescription:
		start := i
		if i < len(b) && b[i] == '"' {
			i, u.descEsc = scanString(b, i+1)
			if i > 0 {
				u.desc = b[start:i]
			}
			return i
		}
		i = skipValue(b, i, 1)
	case auPlan:
		i = scanPlanRoot(b, i, u)
	default:
		i = skipValue(b, i, 1)
	}
	return i
}

var notFinalPlan = []byte("isFinalPlan=false")

// planDepth bounds the nesting the fast path checks in a plan (each
// operator nests two levels: its children array and itself; NDS plans
// reach 74), below fastjson's limit of 300 so a line deeper than fastjson
// reads is never accepted. skipValue's depth counts up to maxScanDepth, so
// the plan's members start it planDepth−maxScanDepth below their depth.
const planDepth = 256

const planDepthBase = 2 - (planDepth - maxScanDepth)

// scanPlanRoot checks a sparkPlanInfo object at i and notes whether its
// simpleString says isFinalPlan=false (a raw match is an unescaped one:
// the pattern holds no byte an escape ends with). Anything but an object
// with one simpleString string leaves u.notFinal false.
func scanPlanRoot(b []byte, i int, u *adaptiveUpdate) int {
	if i >= len(b) || b[i] != '{' {
		return skipValue(b, i, 1)
	}
	it := objIter{}
	it.init(b, i+1)
	simple := 0
	for it.next() {
		if string(it.key) != "simpleString" || it.keyEsc {
			it.i = skipValue(b, it.i, planDepthBase)
			continue
		}
		simple++
		s, j := it.i, skipValue(b, it.i, planDepthBase)
		u.notFinal = j > 0 && b[s] == '"' && bytes.Contains(b[s:j], notFinalPlan)
		it.i = j
	}
	if simple != 1 {
		u.notFinal = false
	}
	return it.end()
}
