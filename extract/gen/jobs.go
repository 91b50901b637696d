package gen

import (
	"fmt"
	"slices"
	"strconv"
)

// runJob writes one job with its stages (and its SQL execution's start and
// end around it). It reports false when the job failed.
func (g *gen) runJob(j *jobPlan) bool {
	start := g.now + g.gapBeforeNextJob()
	g.flushQueue(start)
	first, last := g.execBounds(j)
	if first {
		g.writeSQLStart(j.exec, start-20-g.r.Int64N(150))
	}
	g.noJobMS += start - g.lastJobAt
	g.writeJobStart(j, start)
	g.stats.Jobs++
	ok, reason := true, ""
	for _, sid := range j.stages {
		if ok, reason = g.runStageAttempts(&g.plan.stages[sid]); !ok {
			break
		}
	}
	end := g.now + 2 + g.r.Int64N(10)
	g.writeJobEnd(j, end, reason)
	g.lastJobAt = end
	if last || !ok {
		g.writeSQLEnd(j.exec, end+3+g.r.Int64N(60), reason)
	}
	return ok
}

// execBounds reports whether j is the first and the last job of its SQL
// execution.
func (g *gen) execBounds(j *jobPlan) (first, last bool) {
	if j.exec < 0 {
		return false, false
	}
	jobs := g.plan.jobs
	first = j.id == 0 || jobs[j.id-1].exec != j.exec
	last = j.id == len(jobs)-1 || jobs[j.id+1].exec != j.exec
	return first, last
}

// runStageAttempts runs a stage, and after fetch failures its parent's
// lost outputs and its own failed partitions as attempt 1.
func (g *gen) runStageAttempts(st *stagePlan) (bool, string) {
	g.stats.Stages++
	sr := &stageRun{st: st, submit: g.now + 10 + g.r.Int64N(50)}
	if st.fetchFailures > 0 {
		sr.fetchFail = map[int]bool{}
		for i := 0; i < st.fetchFailures; i++ {
			sr.fetchFail[(i*st.tasks/st.fetchFailures+1)%st.tasks] = true
		}
	}
	g.runStage(sr)
	if sr.aborted {
		return false, sr.abortMsg
	}
	if len(sr.failedIdx) == 0 {
		return true, ""
	}
	parent := &g.plan.stages[st.parents[len(st.parents)-1]]
	lost := spread(len(sr.failedIdx), parent.tasks)
	g.runStage(&stageRun{st: parent, attempt: 1, indices: lost, submit: g.now + 50 + g.r.Int64N(200)})
	slices.Sort(sr.failedIdx)
	g.runStage(&stageRun{st: st, attempt: 1, indices: sr.failedIdx, submit: g.now + 10 + g.r.Int64N(50)})
	return true, ""
}

// spread picks n partitions of total, evenly spaced.
func spread(n, total int) []int {
	n = min(n, total)
	out := make([]int, n)
	for i := range out {
		out[i] = i * total / n
	}
	return out
}

// runStage writes one stage attempt: submitted, its tasks, completed.
func (g *gen) runStage(sr *stageRun) {
	sr.accBase = g.nextAcc
	g.nextAcc += numInternal
	g.writeStageSubmitted(sr)
	g.runTasks(sr)
	done := max(sr.lastEnd, sr.submit) + 3 + g.r.Int64N(20)
	g.writeStageCompleted(sr, done, g.stageFailure(sr))
}

func (g *gen) stageFailure(sr *stageRun) string {
	switch {
	case sr.aborted:
		return sr.abortMsg
	case len(sr.failedIdx) > 0:
		return fmt.Sprintf("%s %d (%s) has failed due to a fetch failure: org.apache.spark.shuffle.FetchFailedException: Failed to connect to %s/%s:7337",
			stageType(sr.st), sr.st.id, g.stageName(sr.st), g.execs[0].host, "10.16.32.10")
	}
	return ""
}

func abortMessage(sr *stageRun, tk *task, e executor) string {
	return fmt.Sprintf("Job aborted due to stage failure: Task %d in stage %d.%d failed %d times, most recent failure: Lost task %d.%d in stage %d.%d (TID %d) (%s executor %s): %s",
		tk.index, sr.st.id, sr.attempt, maxTaskFailures, tk.index, tk.attempt, sr.st.id, sr.attempt, tk.id, e.host, e.id, exceptionTrace(sr.st))
}

func stageType(st *stagePlan) string {
	if st.kind == kindScan {
		return "ShuffleMapStage"
	}
	return "ResultStage"
}

func (g *gen) writeJobStart(j *jobPlan, at int64) {
	l := &g.l
	g.begin("SparkListenerJobStart", at)
	l.int("Job ID", int64(j.id))
	l.int("Submission Time", at)
	l.arr("Stage Infos")
	for _, sid := range j.stages {
		l.elemOpen('{')
		g.stageInfo(&stageRun{st: &g.plan.stages[sid]}, 0, 0, "", false)
		l.close('}')
	}
	l.close(']')
	l.arr("Stage IDs")
	for _, sid := range j.stages {
		l.elemInt(int64(sid))
	}
	l.close(']')
	g.properties(j)
	g.end()
}

func (g *gen) writeJobEnd(j *jobPlan, at int64, failure string) {
	l := &g.l
	g.begin("SparkListenerJobEnd", at)
	l.int("Job ID", int64(j.id))
	l.int("Completion Time", at)
	l.obj("Job Result")
	if failure == "" {
		l.str("Result", "JobSucceeded")
	} else {
		l.str("Result", "JobFailed")
		l.obj("Exception")
		l.str("Message", failure)
		l.arr("Stack Trace")
		for _, f := range driverTrace {
			l.elemOpen('{')
			l.str("Declaring Class", f.class)
			l.str("Method Name", f.method)
			l.str("File Name", f.file)
			l.int("Line Number", f.line)
			l.close('}')
		}
		l.close(']')
		l.close('}')
	}
	l.close('}')
	g.end()
}

func (g *gen) writeStageSubmitted(sr *stageRun) {
	g.begin("SparkListenerStageSubmitted", sr.submit)
	g.l.obj("Stage Info")
	g.stageInfo(sr, sr.submit, 0, "", false)
	g.l.close('}')
	g.properties(&g.plan.jobs[sr.st.job])
	g.end()
}

func (g *gen) writeStageCompleted(sr *stageRun, at int64, failure string) {
	g.begin("SparkListenerStageCompleted", at)
	g.l.obj("Stage Info")
	g.stageInfo(sr, sr.submit, at, failure, true)
	g.l.close('}')
	g.end()
}

// stageInfo writes a Stage Info object's fields. Zero submit or complete
// times are left out, as Spark does for stages not yet run.
func (g *gen) stageInfo(sr *stageRun, submit, complete int64, failure string, accums bool) {
	l, st := &g.l, sr.st
	l.int("Stage ID", int64(st.id))
	l.int("Stage Attempt ID", int64(sr.attempt))
	name := g.stageName(st)
	l.str("Stage Name", name)
	l.int("Number of Tasks", int64(sr.total()))
	g.rddInfos(st, name)
	l.arr("Parent IDs")
	for _, p := range st.parents {
		l.elemInt(int64(p))
	}
	l.close(']')
	l.str("Details", g.stageDetails(st))
	if submit > 0 {
		l.int("Submission Time", submit)
	}
	if complete > 0 {
		l.int("Completion Time", complete)
	}
	if failure != "" {
		l.str("Failure Reason", failure)
	}
	l.arr("Accumulables")
	if accums {
		g.stageAccumulables(sr)
	}
	l.close(']')
	l.int("Resource Profile Id", 0)
	l.bool("Shuffle Push Enabled", false)
	l.int("Shuffle Push Mergers Count", 0)
}

// rddInfos writes the stage's RDD chain, newest first as Spark does.
func (g *gen) rddInfos(st *stagePlan, callsite string) {
	l := &g.l
	base := st.id * 3
	names := [3]string{"FileScanRDD", "MapPartitionsRDD", "MapPartitionsRDD"}
	scopes := [3]string{"WholeStageCodegen (1)", "WholeStageCodegen (1)", "Exchange"}
	if st.kind == kindReduce {
		names = [3]string{"ShuffledRowRDD", "MapPartitionsRDD", "MapPartitionsRDD"}
		scopes = [3]string{"Exchange", "WholeStageCodegen (2)", "WriteFiles"}
	}
	l.arr("RDD Info")
	for i := 2; i >= 0; i-- {
		l.elemOpen('{')
		l.int("RDD ID", int64(base+i))
		l.str("Name", names[i])
		l.str("Scope", `{"id":"`+strconv.Itoa(base*4+i)+`","name":"`+scopes[i]+`"}`)
		l.str("Callsite", callsite)
		l.arr("Parent IDs")
		if i > 0 {
			l.elemInt(int64(base + i - 1))
		}
		l.close(']')
		g.storageLevel()
		l.bool("Barrier", false)
		l.str("DeterministicLevel", "DETERMINATE")
		l.int("Number of Partitions", int64(st.tasks))
		l.int("Number of Cached Partitions", 0)
		l.int("Memory Size", 0)
		l.int("Disk Size", 0)
		l.close('}')
	}
	l.close(']')
}

func (g *gen) storageLevel() {
	l := &g.l
	l.obj("Storage Level")
	l.bool("Use Disk", false)
	l.bool("Use Memory", false)
	l.bool("Use Off Heap", false)
	l.bool("Deserialized", false)
	l.int("Replication", 1)
	l.close('}')
}

// properties writes a job's Properties: the job's own keys, then the
// SparkContext's configuration as Spark copies it into every job.
func (g *gen) properties(j *jobPlan) {
	l := &g.l
	l.obj("Properties")
	if j.exec >= 0 {
		id := strconv.Itoa(j.exec)
		l.str("spark.sql.execution.root.id", id)
		l.str("spark.sql.execution.id", id)
		l.str("spark.job.description", sqlDescription(g.spec, j.exec))
	}
	l.str("spark.rdd.scope", `{"id":"`+strconv.Itoa(j.id*10+7)+`","name":"collect"}`)
	l.str("spark.rdd.scope.noOverride", "true")
	l.str("callSite.short", g.stageName(&g.plan.stages[j.stages[len(j.stages)-1]]))
	for _, p := range g.sparkProperties() {
		l.key2(p.k)
		l.b = appendStr(l.b, p.v)
	}
	l.close('}')
}
