package extract

import (
	"cmp"
	"slices"
)

// App statuses.
const (
	AppSucceeded  = "succeeded"
	AppFailed     = "failed"
	AppIncomplete = "incomplete"
)

// Finish reduces what the Builder has seen to the App. truncated says the
// stream ended mid-line or mid-block.
//
// Status: incomplete when the log is in progress by its name, truncated,
// or has no ApplicationEnd (the History Server's 2.3+ rule: complete ⇔ not
// in progress by name AND an ApplicationEnd). A complete app failed when
// its ApplicationEnd carries a non-zero ExitCode, or when the last job to
// end failed (its final action did not deliver; earlier failed jobs may
// have been caught and retried by the program). Otherwise it succeeded.
//
// Tasks still running get duration = Options.LastUpdated − Launch Time
// (the newest timestamp in the log when LastUpdated is 0); stage attempts
// still live keep their ACTIVE or PENDING status, as the History Server
// shows them. Finish must be called once.
func (b *Builder) Finish(truncated bool) *App {
	b.reduceAll()
	a := &App{Conf: b.conf(), Warnings: b.warnings, Damage: b.damages, Damaged: b.damaged}
	a.Row = b.appRow(truncated)
	a.Row.SparkConf = confJSON(a.Conf)
	a.Stages, a.StageTasks = b.stageRows()
	b.fillContext(a.Stages)
	a.Executors = b.executorRows()
	a.Jobs = b.jobList()
	a.SQL = b.sqlList()
	b.fillQueries(a)
	b.fillUsage(&a.Row, a.Executors, a.Jobs)
	redactText(a, b.opts.Redactor)
	summariesJSON(a)
	a.Row.PlanExcerpt = slowestPlan(a.SQL)
	for i := range a.Stages {
		a.Stages[i].AppID, a.Stages[i].AttemptID, a.Stages[i].RunID = a.Row.AppID, a.Row.AttemptID, a.Row.RunID
		a.Stages[i].SourceURI = a.Row.SourceURI
	}
	for i := range a.Executors {
		a.Executors[i].AppID, a.Executors[i].AttemptID, a.Executors[i].RunID = a.Row.AppID, a.Row.AttemptID, a.Row.RunID
	}
	for i := range a.Queries {
		a.Queries[i].AppID, a.Queries[i].AttemptID, a.Queries[i].RunID = a.Row.AppID, a.Row.AttemptID, a.Row.RunID
	}
	for i := range a.PlanNodes {
		a.PlanNodes[i].AppID, a.PlanNodes[i].AttemptID, a.PlanNodes[i].RunID = a.Row.AppID, a.Row.AttemptID, a.Row.RunID
	}
	return a
}

// lastUpdated is the time the History Server's replay ends at.
func (b *Builder) lastUpdated() int64 {
	if b.opts.LastUpdated > 0 {
		return b.opts.LastUpdated
	}
	return b.app.lastEvent
}

// reduceAll closes every stage attempt not yet reduced, giving its running
// tasks their time-running duration.
func (b *Builder) reduceAll() {
	now := b.lastUpdated()
	open := make([]*stageAttempt, 0, len(b.stages))
	for _, s := range b.stages {
		open = append(open, s)
	}
	for _, s := range open {
		for i := range s.tasks {
			if t := &s.tasks[i]; t.state == taskRunning {
				t.m[mDuration] = now - t.launch
			}
		}
		b.reduce(s)
	}
	clear(b.tasks)
}

// stageRows returns the stage rows in stage id, then attempt id order, and
// their task sketches in the same order.
func (b *Builder) stageRows() ([]StageRow, []TaskSketch) {
	res := make([]*stageResult, 0, len(b.rows))
	for _, r := range b.rows {
		res = append(res, r)
	}
	slices.SortFunc(res, func(x, y *stageResult) int {
		return cmp.Or(cmp.Compare(x.row.StageID, y.row.StageID), cmp.Compare(x.row.StageAttemptID, y.row.StageAttemptID))
	})
	rows, sketches := make([]StageRow, len(res)), make([]TaskSketch, len(res))
	for i, r := range res {
		rows[i], sketches[i] = r.row, r.tasks
	}
	return rows, sketches
}

// executorRows orders executors by add time, the driver first.
func (b *Builder) executorRows() []ExecutorRow {
	end := b.appEnd()
	out := make([]ExecutorRow, 0, len(b.execList))
	for _, e := range b.execList {
		out = append(out, e.row(end))
	}
	slices.SortStableFunc(out, func(x, y ExecutorRow) int {
		if dx, dy := x.ExecutorID == "driver", y.ExecutorID == "driver"; dx != dy {
			if dx {
				return -1
			}
			return 1
		}
		return cmp.Compare(*x.AddedTime, *y.AddedTime)
	})
	return out
}

// appEnd is ApplicationEnd's time, else the newest timestamp in the log.
func (b *Builder) appEnd() int64 {
	if b.app.end != nil {
		return *b.app.end
	}
	return b.app.lastEvent
}

func (b *Builder) jobList() []Job {
	out := make([]Job, 0, len(b.jobOrder))
	for _, id := range b.jobOrder {
		out = append(out, *b.jobs[id])
	}
	return out
}

func (b *Builder) sqlList() []SQLExecution {
	out := make([]SQLExecution, 0, len(b.sqlOrder))
	for _, id := range b.sqlOrder {
		out = append(out, b.sql[id].SQLExecution)
	}
	return out
}

// slowestPlan is the plan excerpt of the longest ended SQL execution
// (the earliest one on ties).
func slowestPlan(sql []SQLExecution) string {
	best, plan := int64(-1), ""
	for _, e := range sql {
		if e.StartTime == nil || e.EndTime == nil || e.PlanExcerpt == "" {
			continue
		}
		if d := *e.EndTime - *e.StartTime; d > best {
			best, plan = d, e.PlanExcerpt
		}
	}
	return plan
}

func (b *Builder) appRow(truncated bool) AppRow {
	a := &b.app
	r := AppRow{
		AppID: cmp.Or(a.id, b.opts.AppID), AttemptID: cmp.Or(a.attempt, b.opts.AttemptID),
		RunID: b.opts.RunID, AppName: a.name, User: a.user,
		Queue: a.props["spark.yarn.queue"], SparkVersion: a.sparkVersion,
		StartTime: a.start, EndTime: a.end, ExitCode: a.exitCode,
		Tasks: a.tasks, FailedTasks: a.failedTasks, KilledTasks: a.killedTasks,
		SourceURI: b.opts.SourceURI, InProgress: b.opts.InProgress, Truncated: truncated,
		MalformedLines: b.malformed, UnknownEvents: b.unknown, LogBytes: b.logBytes,
	}
	if a.lastEvent > 0 {
		t := a.lastEvent
		r.LastEventTime = &t
	}
	if a.start != nil {
		r.DurationMS = max(0, b.appEnd()-*a.start)
	}
	r.Status = b.status(truncated)
	r.TaskTimeMS = a.sums[mRunTime]
	r.InputBytes, r.OutputBytes = a.sums[mInputBytes], a.sums[mOutputBytes]
	r.ShuffleReadBytes, r.ShuffleWriteBytes = a.sums[mShuffleReadBytes], a.sums[mShuffleWriteBytes]
	r.MemorySpilledBytes, r.DiskSpilledBytes = a.sums[mMemorySpilled], a.sums[mDiskSpilled]
	r.GCTimeMS, r.ResultSizeBytes = a.sums[mGCTime], a.sums[mResultSize]
	for _, s := range b.rows {
		r.Stages++
		if s.row.Status == StatusFailed {
			r.FailedStages++
		}
	}
	b.fillResources(&r)
	return r
}

// status applies the rule documented on Finish.
func (b *Builder) status(truncated bool) string {
	if b.opts.InProgress || truncated || b.app.end == nil {
		return AppIncomplete
	}
	if b.app.exitCode != nil && *b.app.exitCode != 0 {
		return AppFailed
	}
	var last *Job
	for _, id := range b.jobOrder {
		j := b.jobs[id]
		if j.CompletionTime == nil || j.Result == "" {
			continue
		}
		if last == nil || *j.CompletionTime >= *last.CompletionTime {
			last = j
		}
	}
	if last != nil && last.Result == "JobFailed" {
		return AppFailed
	}
	return AppSucceeded
}

// fillUsage sets the job, executor and utilisation columns.
func (b *Builder) fillUsage(r *AppRow, execs []ExecutorRow, jobs []Job) {
	for _, e := range execs {
		if e.ExecutorID == "driver" {
			continue
		}
		r.TotalExecutors++
		r.ExecutorLifetimeMS += e.LifetimeMS
		cores := e.Cores
		if cores == 0 {
			cores = r.ExecutorCores
		}
		r.ExecutorTimeMS += e.LifetimeMS * cores
	}
	r.MaxExecutors = maxConcurrent(execs)
	if r.ExecutorTimeMS > 0 { // else undefined: NULL
		u := float64(r.TaskTimeMS) / float64(r.ExecutorTimeMS)
		r.Utilization = &u
	}
	for _, j := range jobs {
		r.Jobs++
		if j.Result == "JobFailed" {
			r.FailedJobs++
		}
	}
	r.JobTimeMS = jobTime(jobs, b.appEnd())
	r.DriverTimeMS = max(0, r.DurationMS-r.JobTimeMS)
}

// maxConcurrent is the largest number of executors (driver excluded) alive
// at once; a removal at the same instant as an add counts first.
func maxConcurrent(execs []ExecutorRow) int64 {
	type ev struct{ t, d int64 }
	var evs []ev
	for _, e := range execs {
		if e.ExecutorID == "driver" {
			continue
		}
		evs = append(evs, ev{*e.AddedTime, 1})
		if e.RemovedTime != nil {
			evs = append(evs, ev{*e.RemovedTime, -1})
		}
	}
	slices.SortFunc(evs, func(x, y ev) int { return cmp.Or(cmp.Compare(x.t, y.t), cmp.Compare(x.d, y.d)) })
	var cur, best int64
	for _, e := range evs {
		cur += e.d
		best = max(best, cur)
	}
	return best
}

// jobTime is the length of the union of the jobs' [submission, completion]
// intervals; a job still running ends at end.
func jobTime(jobs []Job, end int64) int64 {
	type iv struct{ s, e int64 }
	var ivs []iv
	for _, j := range jobs {
		if j.SubmissionTime == nil {
			continue
		}
		e := end
		if j.CompletionTime != nil {
			e = *j.CompletionTime
		}
		if e > *j.SubmissionTime {
			ivs = append(ivs, iv{*j.SubmissionTime, e})
		}
	}
	slices.SortFunc(ivs, func(x, y iv) int { return cmp.Compare(x.s, y.s) })
	var total, curS, curE int64
	open := false
	for _, v := range ivs {
		if open && v.s <= curE {
			curE = max(curE, v.e)
			continue
		}
		if open {
			total += curE - curS
		}
		curS, curE, open = v.s, v.e, true
	}
	if open {
		total += curE - curS
	}
	return total
}
