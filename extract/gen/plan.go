package gen

import (
	"math/rand/v2"
)

// stageKind says what a stage reads and writes.
type stageKind int

const (
	kindScan       stageKind = iota // reads files, writes shuffle (ShuffleMapTask)
	kindScanResult                  // reads files, final stage of its job (ResultTask)
	kindReduce                      // reads shuffle, final stage of its job (ResultTask)
)

// stagePlan is everything decided about a stage before it runs.
type stagePlan struct {
	id, job  int
	kind     stageKind
	parents  []int // stage ids
	tasks    int
	medianMS int64
	writes   bool // a final stage that writes files (else it collects to the driver)

	inputPerTask, shuffleReadPerTask, shuffleWritePerTask, outputPerTask int64
	resultPerTask                                                        int64

	// planted anomalies
	skew, shuffleSkew, spill, gc, failRate float64
	fetchFailures, executorKills           int
	failJob                                bool
}

type jobPlan struct {
	id     int
	stages []int // stage ids, in run order
	exec   int   // SQL execution id, -1 for none
}

// appPlan is the whole app's structure: O(stages) in size.
type appPlan struct {
	stages  []stagePlan
	jobs    []jobPlan
	execs   int // SQL executions
	planted map[string][]int
}

func newPlan(s Spec, r *rand.Rand) *appPlan {
	p := &appPlan{planted: map[string][]int{}}
	p.buildJobs(s, r)
	p.assignSQL(s)
	p.placeAnomalies(s, r)
	return p
}

// buildJobs cuts the stages into jobs of 1-3 stages shaped like SQL
// queries: scans that write shuffle, then a final stage that reads it.
func (p *appPlan) buildJobs(s Spec, r *rand.Rand) {
	sizes := []int{2, 2, 3, 1, 2, 3}
	for sid := 0; sid < s.Stages; {
		n := min(sizes[r.IntN(len(sizes))], s.Stages-sid)
		j := jobPlan{id: len(p.jobs), exec: -1}
		for k := 0; k < n; k++ {
			st := p.newStage(s, r, sid, j.id, n, k)
			p.stages = append(p.stages, st)
			j.stages = append(j.stages, sid)
			sid++
		}
		p.jobs = append(p.jobs, j)
	}
}

func (p *appPlan) newStage(s Spec, r *rand.Rand, sid, job, n, k int) stagePlan {
	st := stagePlan{id: sid, job: job, tasks: s.TasksPerStage}
	st.medianMS = s.MedianTaskMS * int64(70+r.IntN(61)) / 100
	last := k == n-1
	switch {
	case n == 1:
		st.kind = kindScanResult
	case !last:
		st.kind = kindScan
	default:
		st.kind = kindReduce
		st.parents = []int{sid - 1}
		if n == 3 {
			st.parents = []int{sid - 2, sid - 1}
		}
	}
	st.writes = last && r.IntN(3) > 0
	if st.kind != kindReduce {
		st.inputPerTask = s.InputBytesPerTask * int64(60+r.IntN(81)) / 100
	}
	if st.kind == kindScan {
		st.shuffleWritePerTask = s.ShuffleBytesPerTask * int64(80+r.IntN(41)) / 100
	}
	if st.kind == kindReduce {
		st.shuffleReadPerTask = s.ShuffleBytesPerTask * int64(80+r.IntN(41)) / 100
	}
	if st.writes {
		st.outputPerTask = max(st.inputPerTask, st.shuffleReadPerTask) * int64(30+r.IntN(40)) / 100
	}
	return st
}

// assignSQL spreads the jobs over the SQL executions.
func (p *appPlan) assignSQL(s Spec) {
	switch {
	case s.SQLQueries < 0:
		return
	case s.SQLQueries == 0 || s.SQLQueries > len(p.jobs):
		p.execs = len(p.jobs)
	default:
		p.execs = s.SQLQueries
	}
	for i := range p.jobs {
		p.jobs[i].exec = i * p.execs / len(p.jobs)
	}
}

// placeAnomalies plants each requested anomaly in its own stage where the
// app has enough stages, preferring stages of the right kind.
func (p *appPlan) placeAnomalies(s Spec, r *rand.Rand) {
	a := s.Anomalies
	used := make([]bool, len(p.stages))
	order := r.Perm(len(p.stages))
	pick := func(name string, want func(*stagePlan) bool) *stagePlan {
		st := p.pickStage(order, used, want)
		p.planted[name] = append(p.planted[name], st.id)
		return st
	}
	isReduce := func(st *stagePlan) bool { return st.kind == kindReduce }
	isScan := func(st *stagePlan) bool { return st.kind != kindReduce }
	isFinal := func(st *stagePlan) bool { return st.kind != kindScan }
	any := func(*stagePlan) bool { return true }
	if a.FailedJob {
		last := p.jobs[len(p.jobs)-1]
		st := &p.stages[last.stages[len(last.stages)-1]]
		used[st.id] = true
		st.failJob = true
		p.planted["failed_job"] = []int{st.id}
	}
	if a.TaskSkew > 0 {
		pick("task_skew", any).skew = a.TaskSkew
	}
	if a.ShuffleSkew > 0 {
		st := pick("shuffle_skew", isReduce)
		st.shuffleSkew = a.ShuffleSkew
		if st.kind == kindReduce {
			// the skewed partition must exceed AQE's 256 MiB floor
			floor := int64(260<<20/a.ShuffleSkew) + 1
			st.shuffleReadPerTask = max(st.shuffleReadPerTask, floor)
		}
	}
	if a.Spill > 0 {
		pick("spill", isReduce).spill = a.Spill
	}
	if a.GCPressure > 0 {
		pick("gc_pressure", any).gc = a.GCPressure
	}
	if a.TaskFailures > 0 {
		pick("task_failures", any).failRate = a.TaskFailures
	}
	if a.FetchFailures > 0 {
		st := pick("fetch_failures", isReduce)
		if st.kind == kindReduce { // only a stage reading shuffle can fail fetching
			st.fetchFailures = min(a.FetchFailures, st.tasks)
		}
	}
	if a.TinyTasks {
		st := pick("tiny_tasks", isScan)
		st.tasks = max(2000, 4*s.TasksPerStage)
		st.medianMS = 12
		st.inputPerTask = max(1, st.inputPerTask/200)
		st.shuffleWritePerTask /= 200
		st.outputPerTask /= 200
	}
	if a.UnderParallel {
		p.planUnderParallel(s, pick("under_parallel", isReduce))
	}
	if a.LargeResult > 0 {
		st := pick("large_result", isFinal)
		st.writes, st.outputPerTask = false, 0
		st.resultPerTask = a.LargeResult / int64(st.tasks)
	}
	for i := 0; i < a.ExecutorLoss; i++ {
		st := p.pickStage(order, used, func(st *stagePlan) bool { return !st.failJob && st.medianMS >= 100 })
		st.executorKills++
		p.planted["executor_loss"] = append(p.planted["executor_loss"], st.id)
	}
	if a.LongStage {
		p.planLongStage(s, pick("long_stage", func(st *stagePlan) bool { return st.medianMS >= 100 }))
	}
}

// pickStage returns the first unused stage (in the seed's order) that want
// accepts, else the first unused one, else the first one want accepts.
func (p *appPlan) pickStage(order []int, used []bool, want func(*stagePlan) bool) *stagePlan {
	for pass := 0; pass < 3; pass++ {
		for _, i := range order {
			st := &p.stages[i]
			ok := (pass == 1 || want(st)) && (pass == 2 || !used[i])
			if ok && !(pass < 2 && st.failJob) {
				used[i] = true
				return st
			}
		}
	}
	return &p.stages[order[0]]
}

// planUnderParallel turns st into a long stage with a quarter as many
// tasks as cores, each reading a huge shuffle partition.
func (p *appPlan) planUnderParallel(s Spec, st *stagePlan) {
	cores := s.Executors * s.ExecutorCores
	n := max(1, cores/4)
	total := int64(st.tasks) * max(st.shuffleReadPerTask, st.inputPerTask)
	factor := min(int64(st.tasks)/int64(n), 100)
	st.tasks = n
	st.medianMS = st.medianMS * max(factor, 4)
	if st.kind == kindReduce {
		st.shuffleReadPerTask = total / int64(n)
	} else {
		st.inputPerTask = total / int64(n)
	}
	if st.writes {
		st.outputPerTask = total / int64(n) / 2
	}
}

// planLongStage gives st tasks long enough that it takes about 1.5 times
// the time of all other stages together.
func (p *appPlan) planLongStage(s Spec, st *stagePlan) {
	slots := int64(s.Executors * s.ExecutorCores)
	var others int64
	for i := range p.stages {
		o := &p.stages[i]
		if o.id != st.id {
			others += (int64(o.tasks) + slots - 1) / slots * o.medianMS
		}
	}
	waves := (int64(st.tasks) + slots - 1) / slots
	st.medianMS = max(st.medianMS*4, others*3/2/waves)
}

// AnomalyStages returns, for each anomaly the Spec plants, the ids of the
// stages it is planted in (for executor_loss, one entry per killed
// executor). Keys: task_skew, shuffle_skew, spill, gc_pressure,
// task_failures, fetch_failures, tiny_tasks, under_parallel, large_result,
// executor_loss, long_stage, failed_job. App-level anomalies
// (IdleExecutors, DriverBound) have no stage.
func AnomalyStages(s Spec) map[string][]int {
	s = s.withDefaults()
	return newPlan(s, planRand(s)).planted
}

func planRand(s Spec) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(s.Seed), 0x91a2))
}
