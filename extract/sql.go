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
	e := b.sqlExecution(v.GetInt64("executionId"))
	e.started = true
	e.Description = Clip(str(v, "description"), 1024)
	e.StartTime = optInt64(v, "time")
	e.RootExecutionID = optInt64(v, "rootExecutionId")
	b.touch(e.StartTime)
	e.PlanExcerpt = planExcerpt(v.GetStringBytes("physicalPlanDescription"))
	b.setPlan(e, v.Get("sparkPlanInfo"), false)
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
	if p := v.GetStringBytes("physicalPlanDescription"); len(p) > 0 {
		e.PlanExcerpt = planExcerpt(p) // the last adaptive update wins
	}
	b.setPlan(e, v.Get("sparkPlanInfo"), true)
}

// setPlan replaces the execution's plan with the one in v; a malformed
// plan keeps the previous one and is noted. The plan replaced lends its
// storage to the next one read. An adaptive update that says it is not
// AQE's final plan (root "AdaptiveSparkPlan isFinalPlan=false") is not
// read: AQE sends one per new query stage, each repeating the whole plan,
// and the final one follows (a query that fails before it keeps the plan
// it started with, whose operators carry the same accumulators).
func (b *Builder) setPlan(e *sqlExec, v *fastjson.Value, adaptive bool) {
	if v == nil {
		return
	}
	final := !bytes.Contains(v.GetStringBytes("simpleString"), []byte("isFinalPlan=false"))
	if adaptive && !final && e.final != nil {
		return
	}
	e.FinalPlan = final
	p, err := plan.FromJSON(v, &b.names, b.sparePlan)
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
