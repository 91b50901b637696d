package extract

import "github.com/valyala/fastjson"

// metric names one per-task value, in the History Server's units (CPU and
// shuffle write times in ns, the rest in ms or bytes).
type metric int

const (
	mDuration metric = iota // Finish − Launch (or LastUpdated − Launch while running)
	mRunTime
	mCPUTime // ns
	mDeserTime
	mDeserCPUTime // ns
	mResultSize
	mGCTime
	mResultSerTime
	mGettingResultTime
	mSchedulerDelay
	mPeakExecMemory
	mMemorySpilled
	mDiskSpilled
	mInputBytes
	mInputRecords
	mOutputBytes
	mOutputRecords
	mShuffleReadBytes // local + remote
	mShuffleReadRecords
	mShuffleRemoteBlocks
	mShuffleLocalBlocks
	mShuffleFetchWait
	mShuffleRemoteBytes
	mShuffleRemoteToDisk
	mShuffleTotalBlocks
	mShuffleLocalBytes
	mShuffleRemoteReqsDuration
	mShuffleWriteBytes
	mShuffleWriteRecords
	mShuffleWriteTime // ns
	numMetrics
)

// unfiltered reports whether the History Server indexes the metric without
// its successful-only trick, so failed, killed and (for duration) running
// tasks sit in its sorted list (eventlog-format.md §4.2, "Quirk").
func (m metric) unfiltered() bool {
	return m == mDuration || m == mGettingResultTime || m == mSchedulerDelay
}

// task states of a record.
const (
	taskRunning uint8 = iota
	taskSucceeded
	taskFailed // failed or killed, by its Task Info
)

// taskRecord is what a stage attempt keeps per task until it is reduced.
type taskRecord struct {
	launch     int64
	m          [numMetrics]int64
	state      uint8
	hasMetrics bool
}

// metricsFromJSON reads Task Metrics into m (only the metric fields; the
// duration-derived ones are filled by finishRecord).
func metricsFromJSON(tm *fastjson.Value, m *[numMetrics]int64) {
	m[mRunTime] = tm.GetInt64("Executor Run Time")
	m[mCPUTime] = tm.GetInt64("Executor CPU Time")
	m[mDeserTime] = tm.GetInt64("Executor Deserialize Time")
	m[mDeserCPUTime] = tm.GetInt64("Executor Deserialize CPU Time")
	m[mResultSize] = tm.GetInt64("Result Size")
	m[mGCTime] = tm.GetInt64("JVM GC Time")
	m[mResultSerTime] = tm.GetInt64("Result Serialization Time")
	m[mPeakExecMemory] = tm.GetInt64("Peak Execution Memory")
	m[mMemorySpilled] = tm.GetInt64("Memory Bytes Spilled")
	m[mDiskSpilled] = tm.GetInt64("Disk Bytes Spilled")
	if in := tm.Get("Input Metrics"); in != nil {
		m[mInputBytes] = in.GetInt64("Bytes Read")
		m[mInputRecords] = in.GetInt64("Records Read")
	}
	if out := tm.Get("Output Metrics"); out != nil {
		m[mOutputBytes] = out.GetInt64("Bytes Written")
		m[mOutputRecords] = out.GetInt64("Records Written")
	}
	if sr := tm.Get("Shuffle Read Metrics"); sr != nil {
		shuffleReadFromJSON(sr, m)
	}
	if sw := tm.Get("Shuffle Write Metrics"); sw != nil {
		m[mShuffleWriteBytes] = sw.GetInt64("Shuffle Bytes Written")
		m[mShuffleWriteRecords] = sw.GetInt64("Shuffle Records Written")
		m[mShuffleWriteTime] = sw.GetInt64("Shuffle Write Time")
	}
}

func shuffleReadFromJSON(sr *fastjson.Value, m *[numMetrics]int64) {
	m[mShuffleRemoteBlocks] = sr.GetInt64("Remote Blocks Fetched")
	m[mShuffleLocalBlocks] = sr.GetInt64("Local Blocks Fetched")
	m[mShuffleFetchWait] = sr.GetInt64("Fetch Wait Time")
	m[mShuffleRemoteBytes] = sr.GetInt64("Remote Bytes Read")
	m[mShuffleRemoteToDisk] = sr.GetInt64("Remote Bytes Read To Disk")
	m[mShuffleLocalBytes] = sr.GetInt64("Local Bytes Read")
	m[mShuffleReadRecords] = sr.GetInt64("Total Records Read")
	m[mShuffleRemoteReqsDuration] = sr.GetInt64("Remote Requests Duration")
	m[mShuffleReadBytes] = m[mShuffleLocalBytes] + m[mShuffleRemoteBytes]
	m[mShuffleTotalBlocks] = m[mShuffleLocalBlocks] + m[mShuffleRemoteBlocks]
}

// taskEndEvent is the part of a TaskEnd the model uses, decoded by either
// the fast path (scanTaskEnd) or the fastjson path (taskEndFromJSON).
type taskEndEvent struct {
	key        stageKey
	reason     []byte // Task End Reason.Reason; valid until the next line
	ti         taskInfo
	hasMetrics bool // Task Metrics is an object
	m          [numMetrics]int64
	// peaks are the integer members of Task Executor Metrics, in order
	// (names valid until the next line).
	peaks []peakValue
	// memo speeds up the next line's Accumulables (kept by reset).
	memo accumMemo
	// peakOrder is the member order of the last Task Executor Metrics
	// whose order peaksOrder did not predict (kept by reset; nil: none).
	peakOrder *memberOrder
}

type peakValue struct {
	name []byte
	v    int64
	idx  int // name's index in peakNames, -1 when Spark does not know it
}

// reset clears e for the next line, keeping the peaks' storage, the memo
// and the peaks' order.
func (e *taskEndEvent) reset() {
	p, m, o := e.peaks[:0], e.memo, e.peakOrder
	*e = taskEndEvent{peaks: p, memo: m, peakOrder: o}
}

// taskEndFromJSON fills a reset e from a parsed TaskEnd.
func taskEndFromJSON(v *fastjson.Value, e *taskEndEvent) {
	e.key = stageKey{v.GetInt64("Stage ID"), v.GetInt64("Stage Attempt ID")}
	e.reason = v.GetStringBytes("Task End Reason", "Reason")
	e.ti = taskInfoFromJSON(v.Get("Task Info"))
	if tm := v.Get("Task Metrics"); tm != nil && tm.Type() == fastjson.TypeObject {
		e.hasMetrics = true
		metricsFromJSON(tm, &e.m)
	}
	if o := v.GetObject("Task Executor Metrics"); o != nil {
		o.Visit(func(k []byte, x *fastjson.Value) {
			if n, err := x.Int64(); err == nil {
				e.peaks = append(e.peaks, peakValue{name: k, v: n, idx: peakIndex(len(e.peaks), k)})
			}
		})
	}
}

// taskStartEvent is the part of a TaskStart the model uses.
type taskStartEvent struct {
	key stageKey
	ti  taskInfo
}

func taskStartFromJSON(v *fastjson.Value) taskStartEvent {
	return taskStartEvent{
		key: stageKey{v.GetInt64("Stage ID"), v.GetInt64("Stage Attempt ID")},
		ti:  taskInfoFromJSON(v.Get("Task Info")),
	}
}

// taskInfo is the part of a Task Info object the model uses.
type taskInfo struct {
	id, index, launch, finish, gettingResult int64
	executor                                 []byte // valid until the next line
	failed, killed, speculative              bool
}

func taskInfoFromJSON(ti *fastjson.Value) taskInfo {
	if ti == nil {
		return taskInfo{}
	}
	return taskInfo{
		id:            ti.GetInt64("Task ID"),
		index:         ti.GetInt64("Index"),
		launch:        ti.GetInt64("Launch Time"),
		finish:        ti.GetInt64("Finish Time"),
		gettingResult: ti.GetInt64("Getting Result Time"),
		executor:      ti.GetStringBytes("Executor ID"),
		failed:        ti.GetBool("Failed"),
		killed:        ti.GetBool("Killed"),
		speculative:   ti.GetBool("Speculative"),
	}
}

// succeeded is the History Server's derived task status SUCCESS.
func (t taskInfo) succeeded() bool { return t.finish != 0 && !t.failed && !t.killed }

// finishRecord fills a record from a TaskEnd: status, duration and the
// derived values (AppStatusUtils.gettingResultTime and schedulerDelay).
func finishRecord(r *taskRecord, ti taskInfo, m *[numMetrics]int64) {
	r.launch = ti.launch
	r.state = taskFailed
	if ti.succeeded() {
		r.state = taskSucceeded
	}
	r.m = *m
	// Spark 3.4+ reads a missing Task Metrics as all zeros, so every ended
	// task has metrics for the summaries.
	r.hasMetrics = true
	if ti.finish != 0 {
		r.m[mDuration] = ti.finish - ti.launch
	}
	if ti.gettingResult > 0 && ti.finish != 0 {
		r.m[mGettingResultTime] = ti.finish - ti.gettingResult
	}
	d := r.m[mDuration] - r.m[mRunTime] - r.m[mDeserTime] - r.m[mResultSerTime] - r.m[mGettingResultTime]
	r.m[mSchedulerDelay] = max(0, d)
}
