package extract

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/extract/plan"
	"github.com/valyala/fastjson"
)

// sqlExec is an SQL execution being built: its final plan (the latest
// adaptive update wins) and the join kinds of the plan it started with.
type sqlExec struct {
	SQLExecution
	final        *plan.Plan
	initialJoins map[string]int
	planErr      string
	started      bool // a SQLExecutionStart was seen
}

func (b *Builder) sqlExecution(id int64) *sqlExec {
	e := b.sql[id]
	if e == nil {
		e = &sqlExec{SQLExecution: SQLExecution{ExecutionID: id}}
		b.sql[id] = e
		b.sqlOrder = append(b.sqlOrder, id)
	}
	return e
}

func (b *Builder) onSQLStart(v *fastjson.Value) {
	e := b.startSQL(sqlStart{id: v.GetInt64("executionId"), desc: Clip(str(v, "description"), 1024),
		time: optInt64(v, "time"), root: optInt64(v, "rootExecutionId"),
		excerpt: planExcerpt(v.GetStringBytes("physicalPlanDescription"))})
	b.setPlan(e, v.Get("sparkPlanInfo"), false)
	e.noteInitialJoins()
}

// sqlStart is what a SQLExecutionStart says but its plan.
type sqlStart struct {
	id            int64
	desc, excerpt string // bounded
	time, root    *int64
}

// startSQL records a SQLExecutionStart but its plan.
func (b *Builder) startSQL(s sqlStart) *sqlExec {
	e := b.sqlExecution(s.id)
	e.started = true
	e.Description = s.desc
	e.StartTime = s.time
	e.RootExecutionID = s.root
	b.touch(e.StartTime)
	e.PlanExcerpt = s.excerpt
	return e
}

// noteInitialJoins keeps the join kinds of the plan the execution
// started with.
func (e *sqlExec) noteInitialJoins() {
	if e.final != nil && e.initialJoins == nil {
		e.initialJoins = e.final.JoinKinds()
	}
}

func (b *Builder) onSQLEnd(v *fastjson.Value) {
	e := b.sqlExecution(v.GetInt64("executionId"))
	e.EndTime = optInt64(v, "time")
	b.touch(e.EndTime)
	e.ErrorMessage = firstLine(str(v, "errorMessage"), 1024)
}

func (b *Builder) onSQLAdaptive(v *fastjson.Value) {
	e := b.sqlExecution(v.GetInt64("executionId"))
	b.adaptiveExcerpt(e, v.GetStringBytes("physicalPlanDescription"))
	b.setPlan(e, v.Get("sparkPlanInfo"), true)
}

// adaptiveExcerpt makes an adaptive update's plan description the
// execution's excerpt: the last adaptive update wins.
func (b *Builder) adaptiveExcerpt(e *sqlExec, desc []byte) {
	if len(desc) > 0 {
		e.PlanExcerpt = planExcerpt(desc)
	}
}

// setPlan replaces the execution's plan with the one in v; a malformed
// plan keeps the previous one and is noted. The plan replaced lends its
// storage to the next one read.
func (b *Builder) setPlan(e *sqlExec, v *fastjson.Value, adaptive bool) {
	if v == nil {
		return
	}
	final := finalPlan(v.GetStringBytes("simpleString"))
	if !e.takesPlan(final, adaptive) {
		return
	}
	p, err := plan.FromJSON(v, &b.names, b.sparePlan)
	b.putPlan(e, final, p, err)
}

var notFinalPlan = []byte("isFinalPlan=false")

// finalPlan reports whether a plan whose root's simpleString is simple is
// AQE's final plan (or a plan without AQE).
func finalPlan(simple []byte) bool {
	return !bytes.Contains(simple, notFinalPlan)
}

// takesPlan reports whether a plan replaces e's. An adaptive update that
// says it is not AQE's final plan (root "AdaptiveSparkPlan
// isFinalPlan=false") does not: AQE sends one per new query stage, each
// repeating the whole plan, and the final one follows (a query that fails
// before it keeps the plan it started with, whose operators carry the same
// accumulators).
func (e *sqlExec) takesPlan(final, adaptive bool) bool {
	return final || !adaptive || e.final == nil
}

// putPlan makes p (read with error err) the execution's plan.
func (b *Builder) putPlan(e *sqlExec, final bool, p *plan.Plan, err error) {
	e.FinalPlan = final
	if err != nil {
		e.planErr = err.Error()
		return
	}
	b.sparePlan, e.final, e.planErr = e.final, p, ""
}

// onDriverAccumUpdates records the driver-side SQL metric values
// ([[accumulatorId, value], ...]).
func (b *Builder) onDriverAccumUpdates(v *fastjson.Value) {
	for _, u := range v.GetArray("accumUpdates") {
		pair := u.GetArray()
		if len(pair) == 2 && pair[0].Type() == fastjson.TypeNumber && pair[1].Type() == fastjson.TypeNumber {
			b.accums.Driver(pair[0].GetInt64(), pair[1].GetInt64())
		}
	}
}

// stageAccums records the SQL metrics among a completed stage's
// accumulables: their values and that the stage carried them.
func (b *Builder) stageAccums(stage int64, si *fastjson.Value) {
	for _, a := range si.GetArray("Accumulables") {
		name := a.GetStringBytes("Name")
		if len(name) == 0 || strings.HasPrefix(string(name), "internal.") {
			continue
		}
		id := a.Get("ID")
		if id == nil || id.Type() != fastjson.TypeNumber {
			continue
		}
		if n, ok := accumValue(a.Get("Value")); ok {
			b.accums.Stage(id.GetInt64(), stage, n)
		}
	}
}

// accumValue reads an accumulable's value: SQL metrics are written as
// strings of an integer, others as numbers.
func accumValue(v *fastjson.Value) (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		return v.GetInt64(), true
	case fastjson.TypeString:
		n, err := strconv.ParseInt(string(v.GetStringBytes()), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// planExcerpt copies the bounded start of a plan description.
func planExcerpt(p []byte) string {
	if len(p) > PlanExcerptLimit {
		return Clip(string(p[:PlanExcerptLimit+1]), PlanExcerptLimit)
	}
	return string(p)
}
