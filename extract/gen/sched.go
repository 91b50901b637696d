package gen

// stageRun is the state of one running stage attempt.
type stageRun struct {
	st       *stagePlan
	attempt  int
	submit   int64
	accBase  int64 // first of its internal accumulator ids
	sums     [numInternal]int64
	indices  []int // partitions to run; nil = all of st.tasks
	next     int   // next position in indices (or next partition)
	retries  []retry
	launched int // attempt-0 launches, for planted kills

	fetchFail map[int]bool // partitions that fail fetching (attempt 0)
	failedIdx []int        // partitions that ended FetchFailed
	hotFails  int          // failures of the job-failing partition
	aborted   bool
	abortMsg  string
	lastEnd   int64
}

type retry struct {
	index, attempt int
	ready          int64
}

const maxTaskFailures = 4 // spark.task.maxFailures

func (sr *stageRun) total() int {
	if sr.indices != nil {
		return len(sr.indices)
	}
	return sr.st.tasks
}

func (sr *stageRun) hasWork() bool {
	return !sr.aborted && (len(sr.retries) > 0 || sr.next < sr.total())
}

// take returns the next partition to launch, retries first.
func (sr *stageRun) take() retry {
	if len(sr.retries) > 0 {
		r := sr.retries[0]
		sr.retries = sr.retries[1:]
		return r
	}
	i := sr.next
	sr.next++
	if sr.indices != nil {
		i = sr.indices[i]
	}
	return retry{index: i}
}

// runTasks schedules every task of sr over the executor cores and writes
// their start and end events in time order. It returns when all ended.
func (g *gen) runTasks(sr *stageRun) {
	g.stageRun = sr
	if sr.attempt == 0 {
		g.firstTask[sr.st.id] = g.nextTask
	}
	kills := killOrdinals(sr)
	for g.err == nil {
		if !sr.hasWork() {
			if g.queue.tasks == 0 {
				break
			}
			g.handle(g.queue.pop())
			continue
		}
		if g.slots.Len() == 0 { // every executor lost: wait for a replacement
			g.handle(g.queue.pop())
			continue
		}
		s := g.slots.pop()
		e := &g.execs[s.exec]
		t := max(s.freeAt, sr.submit, g.now) + 1 + g.r.Int64N(3)
		if len(sr.retries) > 0 && sr.retries[0].ready > t {
			t = sr.retries[0].ready + 1 + g.r.Int64N(3)
		}
		if e.deathAt > 0 && t >= e.deathAt {
			continue // the executor is gone; drop its core
		}
		g.flushQueue(t)
		if !sr.hasWork() || (e.deathAt > 0 && t >= e.deathAt) {
			if e.deathAt == 0 || t < e.deathAt {
				g.slots.push(s)
			}
			continue
		}
		tk := g.launch(sr, s.exec, t)
		if sr.attempt == 0 && tk.attempt == 0 {
			sr.launched++
			if len(kills) > 0 && sr.launched == kills[0] {
				kills = kills[1:]
				g.killExecutor(s.exec, tk.launch+max(1, (tk.finish-tk.launch)/2))
			}
		}
		s.freeAt = tk.finish
		if e.deathAt > 0 && s.freeAt >= e.deathAt {
			continue
		}
		g.slots.push(s)
	}
	g.stageRun = nil
}

// killOrdinals are the attempt-0 launches at which planted executor kills
// happen, spread over the stage.
func killOrdinals(sr *stageRun) []int {
	k := sr.st.executorKills
	if sr.attempt > 0 || k == 0 {
		return nil
	}
	out := make([]int, 0, k)
	for i := 1; i <= k; i++ {
		out = append(out, max(1, i*sr.st.tasks/(k+1)))
	}
	return out
}

// launch starts a task on executor exec at time t and queues its end.
func (g *gen) launch(sr *stageRun, exec int, t int64) *task {
	r := sr.take()
	tk := g.newTaskObj()
	g.newTask(tk, sr.st, r.index, r.attempt, t)
	tk.id = g.nextTask
	g.nextTask++
	tk.exec, tk.stageAttempt = exec, sr.attempt
	g.now = max(g.now, t)
	g.planFailure(sr, tk)
	if d := g.execs[exec].deathAt; d > 0 && tk.finish > d {
		tk.cut(d, endExecutorLost)
	}
	g.writeTaskStart(sr, tk)
	g.queue.push(event{at: tk.finish, kind: evTaskEnd, t: tk})
	return tk
}

// planFailure decides whether the attempt fails (planted failures).
func (g *gen) planFailure(sr *stageRun, tk *task) {
	st := sr.st
	dur := tk.finish - tk.launch
	switch {
	case st.failJob && tk.index == failIndex(st):
		tk.cut(tk.launch+dur*(30+int64(g.r.IntN(40)))/100, endException)
	case sr.fetchFail[tk.index] && sr.attempt == 0:
		tk.cut(tk.launch+max(1, dur/5), endFetchFailed)
	case st.failRate > 0 && tk.attempt == 0 && g.r.Float64() < st.failRate:
		tk.cut(tk.launch+dur*(40+int64(g.r.IntN(50)))/100, endException)
	}
}

// failIndex is the partition that fails every attempt in a failing job.
func failIndex(st *stagePlan) int { return min(2, st.tasks-1) }

// flushQueue writes every queued event that happens at or before t.
func (g *gen) flushQueue(t int64) {
	for g.err == nil {
		ev, ok := g.queue.peek()
		if !ok || ev.at > t {
			return
		}
		g.handle(g.queue.pop())
	}
}

// handle writes one queued event.
func (g *gen) handle(ev event) {
	switch ev.kind {
	case evExecRemoved:
		g.writeExecutorRemoved(ev.exec, ev.at)
	case evExecAdded:
		g.addExecutor(ev.at)
	case evTaskEnd:
		g.taskEnded(ev.t)
	}
}

// taskEnded writes a task's end and reacts to its failure.
func (g *gen) taskEnded(tk *task) {
	sr := g.stageRun
	g.now = max(g.now, tk.finish)
	sr.lastEnd = max(sr.lastEnd, tk.finish)
	if tk.hasMetrics() {
		g.busyMS += tk.run
	}
	g.writeTaskEnd(sr, tk)
	g.stats.Tasks++
	switch tk.end {
	case endException, endExecutorLost:
		g.retryOrAbort(sr, tk)
	case endFetchFailed:
		sr.failedIdx = append(sr.failedIdx, tk.index)
	}
	g.pool = append(g.pool, tk)
}

func (g *gen) retryOrAbort(sr *stageRun, tk *task) {
	if sr.aborted {
		return
	}
	if sr.st.failJob && tk.index == failIndex(sr.st) {
		sr.hotFails++
		if sr.hotFails >= maxTaskFailures {
			g.abortStage(sr, tk)
			return
		}
	}
	sr.retries = append(sr.retries, retry{index: tk.index, attempt: tk.attempt + 1, ready: tk.finish})
}

// abortStage fails the stage after a task failed maxTaskFailures times:
// no more launches, running tasks are killed.
func (g *gen) abortStage(sr *stageRun, tk *task) {
	sr.aborted = true
	sr.abortMsg = abortMessage(sr, tk, g.execs[tk.exec])
	at := tk.finish + 5
	for i := range g.queue.items {
		it := &g.queue.items[i]
		if it.kind == evTaskEnd && it.at > at {
			it.t.cut(at+g.r.Int64N(40), endKilled)
			it.at = it.t.finish
		}
	}
	g.queue.init()
}

func (g *gen) newTaskObj() *task {
	if n := len(g.pool); n > 0 {
		t := g.pool[n-1]
		g.pool = g.pool[:n-1]
		return t
	}
	return new(task)
}
