package gen

// endKind is how a task attempt ends.
type endKind uint8

const (
	endSuccess endKind = iota
	endException
	endFetchFailed
	endExecutorLost
	endKilled
)

// task is one task attempt with all of its metrics. Times are epoch ms,
// CPU and shuffle write times ns, sizes bytes.
type task struct {
	id                    int64
	index, attempt        int
	stageAttempt          int
	exec                  int // index into gen.execs
	launch, finish        int64
	gettingResult         int64 // 0 unless the result was fetched from the block manager
	end                   endKind
	locality              string
	deser, deserCPU       int64
	run, cpu, gc          int64
	resultSize, resultSer int64
	memSpill, diskSpill   int64
	peakMem               int64

	srRemoteBlocks, srLocalBlocks, srRemoteBytes, srLocalBytes int64
	srRecords, srFetchWait, srReqDuration                      int64
	swBytes, swTime, swRecords                                 int64
	inBytes, inRecords, outBytes, outRecords                   int64
	outFiles                                                   int64
}

// shuffleRead is local + remote bytes, as the History Server sums them.
func (t *task) shuffleRead() int64 { return t.srLocalBytes + t.srRemoteBytes }

// taskShape is what the stage decides about one task before its metrics.
type taskShape struct {
	factor  float64 // data and time multiplier around 1
	dataMul float64 // extra data multiplier (shuffle skew)
	timeMul float64 // extra time multiplier (task skew, spill)
}

// shapeFor draws a task's size. A clean task is within ±25% of the median
// so a clean stage's max/median duration stays below 1.5.
func (g *gen) shapeFor(st *stagePlan, index int) taskShape {
	r := g.r
	sh := taskShape{factor: 0.75 + 0.25*(r.Float64()+r.Float64()), dataMul: 1, timeMul: 1}
	hot := skewIndex(st)
	if st.skew > 0 && index == hot {
		sh.factor, sh.timeMul = 1, st.skew
	}
	if st.shuffleSkew > 0 && index == (hot+1)%st.tasks {
		sh.factor, sh.dataMul, sh.timeMul = 1, st.shuffleSkew, st.shuffleSkew
	}
	if st.spill > 0 {
		sh.timeMul *= 1 + st.spill/2
	}
	return sh
}

// skewIndex is the partition that carries a stage's planted skew.
func skewIndex(st *stagePlan) int { return (st.id*7919 + 13) % st.tasks }

// newTask fills t with a successful attempt of st's partition index that
// starts at launch; the caller may cut it short afterwards.
func (g *gen) newTask(t *task, st *stagePlan, index, attempt int, launch int64) {
	*t = task{index: index, attempt: attempt, launch: launch, end: endSuccess}
	sh := g.shapeFor(st, index)
	g.times(t, st, sh)
	g.bytes(t, st, sh)
	g.memory(t, st)
	t.locality = g.locality(st, attempt)
}

// times sets the duration and its parts: duration = run + deserialize +
// result serialization + scheduler delay + getting-result time.
func (g *gen) times(t *task, st *stagePlan, sh taskShape) {
	r := g.r
	dur := max(int64(float64(st.medianMS)*sh.factor*sh.timeMul), 3)
	small := st.medianMS < 200
	t.deser, t.resultSer = 3+r.Int64N(30), r.Int64N(3)
	sched := 2 + r.Int64N(20)
	if small {
		t.deser, t.resultSer, sched = 1+r.Int64N(2), 0, 1+r.Int64N(2)
	}
	var fetch int64
	if st.resultPerTask > 1<<20 { // over spark.task.maxDirectResultSize
		fetch = 5 + st.resultPerTask/(200<<10) // ~200 MB/s from the block manager
	}
	t.run = max(dur-t.deser-t.resultSer-sched-fetch, 1)
	t.finish = t.launch + t.run + t.deser + t.resultSer + sched + fetch
	if fetch > 0 {
		t.gettingResult = t.finish - fetch
	}
	t.deserCPU = t.deser * int64(500_000+r.IntN(400_000))
	gcFrac := st.gc
	if gcFrac == 0 {
		gcFrac = 0.004 + 0.02*r.Float64()
	}
	t.gc = int64(float64(t.run) * gcFrac)
	cpuFrac := 0.55 + 0.4*r.Float64()
	t.cpu = int64(float64((t.run-t.gc)*1_000_000) * cpuFrac)
}

// bytes sets input, shuffle and output sizes and records.
func (g *gen) bytes(t *task, st *stagePlan, sh taskShape) {
	r := g.r
	f := sh.factor * sh.dataMul
	t.inBytes = int64(float64(st.inputPerTask) * f)
	t.inRecords = t.inBytes / 92
	t.swBytes = int64(float64(st.shuffleWritePerTask) * f)
	t.swRecords = t.swBytes / 61
	t.swTime = t.swBytes * int64(8+r.IntN(8)) / 10
	if st.shuffleReadPerTask > 0 {
		g.shuffleRead(t, st, int64(float64(st.shuffleReadPerTask)*f))
	}
	t.outBytes = int64(float64(st.outputPerTask) * f)
	t.outRecords = t.outBytes / 73
	if t.outBytes > 0 {
		t.outFiles = 1
	}
	t.resultSize = g.resultSize(st)
}

func (g *gen) shuffleRead(t *task, st *stagePlan, total int64) {
	r := g.r
	blocks := int64(0)
	for _, p := range st.parents {
		blocks += int64(g.plan.stages[p].tasks)
	}
	e := int64(len(g.alive))
	remoteFrac := float64(e-1) / float64(max(e, 1)) * (0.9 + 0.1*r.Float64())
	t.srRemoteBytes = int64(float64(total) * remoteFrac)
	t.srLocalBytes = total - t.srRemoteBytes
	t.srRemoteBlocks = int64(float64(blocks) * remoteFrac)
	t.srLocalBlocks = blocks - t.srRemoteBlocks
	t.srRecords = total / 61
	t.srFetchWait = r.Int64N(max(1, t.run/40))
	t.srReqDuration = min(t.run, 1+total/(400<<10)/max(1, blocks/50))
}

func (g *gen) resultSize(st *stagePlan) int64 {
	r := g.r
	switch {
	case st.resultPerTask > 0:
		return st.resultPerTask
	case st.kind == kindScan:
		return 1900 + r.Int64N(700) // a MapStatus
	case st.writes:
		return 3800 + r.Int64N(1500) // commit message and metrics
	default:
		return 2100 + r.Int64N(3000)
	}
}

// memory sets peak execution memory and spills.
func (g *gen) memory(t *task, st *stagePlan) {
	perTask := int64(g.spec.ExecutorMemoryMB) << 20 * 6 / 10 / int64(g.spec.ExecutorCores)
	data := t.shuffleRead() + t.inBytes
	switch {
	case st.kind == kindReduce:
		t.peakMem = min(t.shuffleRead()*11/10, perTask)
	case st.kind == kindScan:
		t.peakMem = min(16<<20+g.r.Int64N(48<<20), perTask)
	}
	if st.spill > 0 {
		t.memSpill = int64(float64(data) * st.spill)
		t.diskSpill = t.memSpill * int64(30+g.r.IntN(15)) / 100
		t.peakMem = perTask
	}
}

func (g *gen) locality(st *stagePlan, attempt int) string {
	if attempt > 0 {
		return "ANY"
	}
	switch n := g.r.IntN(100); {
	case n < 2:
		return "ANY"
	case n < 12 && st.kind == kindReduce:
		return "NODE_LOCAL"
	case n < 30 && st.kind != kindReduce:
		return "NODE_LOCAL"
	}
	return "PROCESS_LOCAL"
}

// cut ends t early at time at with the given end kind, scaling the work
// done so far; lost and fetch-failed attempts report no metrics.
func (t *task) cut(at int64, end endKind) {
	total := max(t.finish-t.launch, 1)
	done := max(at-t.launch, 0)
	scale := func(v int64) int64 { return int64(float64(v) * float64(done) / float64(total)) }
	t.finish, t.end, t.gettingResult = at, end, 0
	t.run, t.cpu, t.gc = max(scale(t.run), 0), scale(t.cpu), scale(t.gc)
	t.inBytes, t.inRecords = scale(t.inBytes), scale(t.inRecords)
	t.swBytes, t.swRecords, t.swTime = 0, 0, 0
	t.srRemoteBytes, t.srLocalBytes, t.srRecords = scale(t.srRemoteBytes), scale(t.srLocalBytes), scale(t.srRecords)
	t.outBytes, t.outRecords, t.outFiles = 0, 0, 0
	t.memSpill, t.diskSpill = scale(t.memSpill), scale(t.diskSpill)
	t.resultSize = 0
	t.deser = min(t.deser, done)
	t.resultSer = min(t.resultSer, done-t.deser)
	t.deserCPU = min(t.deserCPU, t.deser*1_000_000)
	if t.run+t.deser+t.resultSer > done {
		t.run = max(done-t.deser-t.resultSer, 0)
	}
	t.cpu = min(t.cpu, t.run*1_000_000) // rounding must not lift CPU over run time
	t.gc = min(t.gc, t.run)
}

// hasMetrics reports whether Spark writes Task Metrics for the attempt.
func (t *task) hasMetrics() bool {
	return t.end != endFetchFailed && t.end != endExecutorLost
}
