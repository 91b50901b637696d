package extract

// The fast path's decoders of TaskStart and TaskEnd lines (see fastpath.go).
// Each returns false, with the line left to the fastjson path, on anything
// it does not read exactly as fastjson's getters would.

// Members of a TaskEnd or TaskStart the model reads.
const (
	mbStageID = iota + 1
	mbStageAttempt
	mbReason
	mbTaskInfo
	mbTaskMetrics
	mbExecMetrics
	mbEvent
)

func taskMember(key []byte) int {
	switch string(key) {
	case "Stage ID":
		return mbStageID
	case "Stage Attempt ID":
		return mbStageAttempt
	case "Task End Reason":
		return mbReason
	case "Task Info":
		return mbTaskInfo
	case "Task Metrics":
		return mbTaskMetrics
	case "Task Executor Metrics":
		return mbExecMetrics
	case "Event":
		return mbEvent
	}
	return 0
}

// The members of task events, Task Info, Task Metrics and Task Executor
// Metrics in the order Spark writes them (JsonProtocol): objIter.predict
// predicts them (memberOrder). A peak's member number is its index in
// peakNames plus one (0: a name Spark does not know).
var (
	taskEndOrder = newOrder(taskMember, "Event", "Stage ID", "Stage Attempt ID", "Task Type",
		"Task End Reason", "Task Info", "Task Executor Metrics", "Task Metrics")
	taskStartOrder = newOrder(taskMember, "Event", "Stage ID", "Stage Attempt ID", "Task Info")
	taskInfoOrder  = newOrder(taskInfoMember, "Task ID", "Index", "Attempt", "Partition ID",
		"Launch Time", "Executor ID", "Host", "Locality", "Speculative", "Getting Result Time",
		"Finish Time", "Failed", "Killed", "Accumulables")
	peaksOrder       = newOrder(func(k []byte) int { return peakIndex(0, k) + 1 }, peakNames[:]...)
	taskMetricsOrder = newOrder(taskMetricMember, "Executor Deserialize Time",
		"Executor Deserialize CPU Time", "Executor Run Time", "Executor CPU Time",
		"Peak Execution Memory", "Result Size", "JVM GC Time", "Result Serialization Time",
		"Memory Bytes Spilled", "Disk Bytes Spilled", "Shuffle Read Metrics",
		"Shuffle Write Metrics", "Input Metrics", "Output Metrics", "Updated Blocks")
	shuffleReadOrder = newOrder(shuffleReadMember, "Remote Blocks Fetched", "Local Blocks Fetched",
		"Fetch Wait Time", "Remote Bytes Read", "Remote Bytes Read To Disk", "Local Bytes Read",
		"Total Records Read", "Remote Requests Duration", "Push Based Shuffle")
	shuffleWriteOrder = newOrder(shuffleWriteMember, "Shuffle Bytes Written", "Shuffle Write Time",
		"Shuffle Records Written")
	pushOrder = newOrder(func([]byte) int { return 0 }, "Corrupt Merged Block Chunks",
		"Merged Fetch Fallback Count", "Merged Remote Blocks Fetched", "Merged Local Blocks Fetched",
		"Merged Remote Chunks Fetched", "Merged Local Chunks Fetched", "Merged Remote Bytes Read",
		"Merged Local Bytes Read", "Merged Remote Requests Duration")
	inputOrder  = newOrder(inputMember, "Bytes Read", "Records Read")
	outputOrder = newOrder(outputMember, "Bytes Written", "Records Written")
)

// scanEvent reads the members of an event after "Event" (i just past the
// event name; "Event" is ord's first member), handing each value, with
// its member number, to value. It reports false on an escaped or duplicate
// member, a member of required missing (the fastjson path names the
// damage), or anything but whitespace after the object.
func scanEvent(b []byte, i int, ord *memberOrder, value func(b []byte, i, m int) int, required ...int) bool {
	it := objIter{b: b, i: i, ord: ord, pos: 1}
	seen := fields(1) << ord.ids[0]
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && !seen.add(it.m) {
			return false
		}
		it.i = value(b, it.i, it.m)
	}
	return seen.has(required...) && atEnd(b, it.end())
}

// scanTaskEnd decodes the members of a TaskEnd after "Event" into e.
func scanTaskEnd(b []byte, i int, e *taskEndEvent) bool {
	return scanEvent(b, i, taskEndOrder, func(b []byte, i, m int) int { return taskEndValue(b, i, m, e) },
		mbStageID, mbReason, mbTaskInfo)
}

func taskEndValue(b []byte, i, m int, e *taskEndEvent) int {
	switch m {
	case mbStageID:
		e.key.id, i = readInt(b, i)
	case mbStageAttempt:
		e.key.attempt, i = readInt(b, i)
	case mbReason:
		i = scanEndReason(b, i, e)
	case mbTaskInfo:
		i = scanTaskInfo(b, i, &e.ti, &e.memo)
	case mbTaskMetrics:
		i = scanTaskMetrics(b, i, e)
	case mbExecMetrics:
		i = scanPeaks(b, i, e)
	default:
		i = skipValue(b, i, 1)
	}
	return i
}

// scanTaskStart decodes the members of a TaskStart after "Event".
func scanTaskStart(b []byte, i int, s *taskStartEvent) bool {
	return scanEvent(b, i, taskStartOrder, func(b []byte, i, m int) int { return taskStartValue(b, i, m, s) },
		mbStageID, mbTaskInfo)
}

func taskStartValue(b []byte, i, m int, s *taskStartEvent) int {
	switch m {
	case mbStageID:
		s.key.id, i = readInt(b, i)
	case mbStageAttempt:
		s.key.attempt, i = readInt(b, i)
	case mbTaskInfo:
		i = scanTaskInfo(b, i, &s.ti, nil)
	default:
		i = skipValue(b, i, 1)
	}
	return i
}

// readInt reads a plain integer at i; -1 for anything else.
func readInt(b []byte, i int) (int64, int) {
	n, next, ok := scanInt(b, i)
	if !ok {
		return 0, -1
	}
	return n, next
}

// readString reads a string without escapes at i (its bytes alias b).
func readString(b []byte, i int) ([]byte, int) {
	if i >= len(b) || b[i] != '"' {
		return nil, -1
	}
	j, esc := scanString(b, i+1)
	if j < 0 || esc {
		return nil, -1
	}
	return b[i+1 : j-1], j
}

// readBool reads true or false at i.
func readBool(b []byte, i int) (bool, int) {
	if i < len(b) && b[i] == 't' {
		return true, skipLiteral(b, i, "true")
	}
	return false, skipLiteral(b, i, "false")
}

// openObject returns the index past the '{' at i, or -1.
func openObject(b []byte, i int) int {
	if i < len(b) && b[i] == '{' {
		return i + 1
	}
	return -1
}

func scanEndReason(b []byte, i int, e *taskEndEvent) int {
	const success = `{"Reason":"Success"}`
	if len(b)-i >= len(success) && string(b[i:i+len(success)]) == success {
		e.reason = b[i+11 : i+18]
		return i + len(success)
	}
	it := objIter{}
	it.init(b, openObject(b, i))
	seen := false
	for it.next() {
		if it.keyEsc {
			return -1
		}
		if string(it.key) != "Reason" {
			it.i = skipValue(b, it.i, 2)
			continue
		}
		if seen {
			return -1
		}
		seen = true
		e.reason, it.i = readString(b, it.i)
	}
	return it.end()
}

// Task Info members the model reads.
const (
	tiTaskID = iota + 1
	tiIndex
	tiLaunch
	tiFinish
	tiGettingResult
	tiExecutor
	tiFailed
	tiKilled
	tiSpeculative
	tiAccumulables // skipped, with skipAccumulables; may repeat
)

func taskInfoMember(key []byte) int {
	switch string(key) {
	case "Task ID":
		return tiTaskID
	case "Index":
		return tiIndex
	case "Launch Time":
		return tiLaunch
	case "Finish Time":
		return tiFinish
	case "Getting Result Time":
		return tiGettingResult
	case "Executor ID":
		return tiExecutor
	case "Failed":
		return tiFailed
	case "Killed":
		return tiKilled
	case "Speculative":
		return tiSpeculative
	case "Accumulables":
		return tiAccumulables
	}
	return 0
}

func scanTaskInfo(b []byte, i int, ti *taskInfo, memo *accumMemo) int {
	it := objIter{}
	it.init(b, openObject(b, i))
	it.ord = taskInfoOrder
	var seen fields
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && it.m != tiAccumulables && !seen.add(it.m) {
			return -1
		}
		it.i = taskInfoValue(b, it.i, it.m, ti, memo)
	}
	return it.end()
}

// taskInfoValue reads the value of Task Info member m at i into ti.
func taskInfoValue(b []byte, i, m int, ti *taskInfo, memo *accumMemo) int {
	switch m {
	case tiTaskID:
		ti.id, i = readInt(b, i)
	case tiIndex:
		ti.index, i = readInt(b, i)
	case tiLaunch:
		ti.launch, i = readInt(b, i)
	case tiFinish:
		ti.finish, i = readInt(b, i)
	case tiGettingResult:
		ti.gettingResult, i = readInt(b, i)
	case tiExecutor:
		ti.executor, i = readString(b, i)
	case tiFailed:
		ti.failed, i = readBool(b, i)
	case tiKilled:
		ti.killed, i = readBool(b, i)
	case tiSpeculative:
		ti.speculative, i = readBool(b, i)
	case tiAccumulables:
		i = skipAccumulables(b, i, 2, memo)
	default:
		i = skipScalar(b, i, 2)
	}
	return i
}

// peakNameBytes are peakNames as bytes.
var peakNameBytes = func() (out [len(peakNames)][]byte) {
	for i, n := range peakNames {
		out[i] = []byte(n)
	}
	return out
}()

// scanPeaks reads Task Executor Metrics: integer members become peaks,
// other non-numbers are skipped (fastjson's Int64 fails on them), null is
// an empty set.
func scanPeaks(b []byte, i int, e *taskEndEvent) int {
	if j := skipLiteral(b, i, "null"); j > 0 {
		return j
	}
	it := objIter{}
	it.init(b, openObject(b, i))
	it.ord = e.peakOrder
	if it.ord == nil {
		it.ord = peaksOrder
	}
	missed := false
	for {
		predicted := it.predict()
		if !predicted {
			if !it.next() {
				break
			}
			missed = true
		}
		if it.keyEsc || it.i >= len(b) {
			return -1
		}
		if c := b[it.i]; c != '-' && (c < '0' || c > '9') {
			it.i = skipValue(b, it.i, 2)
			continue
		}
		var n int64
		if n, it.i = readInt(b, it.i); it.i > 0 {
			name := it.key // set by next; after predict, it.m names the peak
			if it.m > 0 {
				name = peakNameBytes[it.m-1]
			} else if predicted {
				name = it.ord.names[it.pos-1]
			}
			e.peaks = append(e.peaks, peakValue{name: name, v: n, idx: it.m - 1})
		}
	}
	j := it.end()
	if missed && j >= 0 {
		e.learnPeakOrder()
	}
	return j
}

// learnPeakOrder makes the order of e's peaks the one predicted next:
// executors on one platform write the same members (Databricks adds four
// to Spark's) in the same order on every task.
func (e *taskEndEvent) learnPeakOrder() {
	if o := e.peakOrder; o != nil && len(o.names) == len(e.peaks) {
		same := true
		for k, p := range e.peaks {
			same = same && string(o.names[k]) == string(p.name)
		}
		if same {
			return
		}
	}
	keys := make([]string, len(e.peaks))
	for k, p := range e.peaks {
		keys[k] = string(p.name)
	}
	e.peakOrder = newOrder(peaksOrder.lookup, keys...)
}

// Nested objects of Task Metrics, numbered after the metrics.
const (
	tmInput = int(numMetrics) + iota + 1
	tmOutput
	tmShuffleRead
	tmShuffleWrite
	tmPush = -2 // Push Based Shuffle, skipped
)

// taskMetricMember maps a Task Metrics member to its metric (or nested
// object); -1 for members the model does not read.
func taskMetricMember(key []byte) int {
	switch string(key) {
	case "Executor Run Time":
		return int(mRunTime)
	case "Executor CPU Time":
		return int(mCPUTime)
	case "Executor Deserialize Time":
		return int(mDeserTime)
	case "Executor Deserialize CPU Time":
		return int(mDeserCPUTime)
	case "Result Size":
		return int(mResultSize)
	case "JVM GC Time":
		return int(mGCTime)
	case "Result Serialization Time":
		return int(mResultSerTime)
	case "Peak Execution Memory":
		return int(mPeakExecMemory)
	case "Memory Bytes Spilled":
		return int(mMemorySpilled)
	case "Disk Bytes Spilled":
		return int(mDiskSpilled)
	case "Input Metrics":
		return tmInput
	case "Output Metrics":
		return tmOutput
	case "Shuffle Read Metrics":
		return tmShuffleRead
	case "Shuffle Write Metrics":
		return tmShuffleWrite
	}
	return -1
}

func inputMember(key []byte) int {
	switch string(key) {
	case "Bytes Read":
		return int(mInputBytes)
	case "Records Read":
		return int(mInputRecords)
	}
	return -1
}

func outputMember(key []byte) int {
	switch string(key) {
	case "Bytes Written":
		return int(mOutputBytes)
	case "Records Written":
		return int(mOutputRecords)
	}
	return -1
}

func shuffleReadMember(key []byte) int {
	switch string(key) {
	case "Remote Blocks Fetched":
		return int(mShuffleRemoteBlocks)
	case "Local Blocks Fetched":
		return int(mShuffleLocalBlocks)
	case "Fetch Wait Time":
		return int(mShuffleFetchWait)
	case "Remote Bytes Read":
		return int(mShuffleRemoteBytes)
	case "Remote Bytes Read To Disk":
		return int(mShuffleRemoteToDisk)
	case "Local Bytes Read":
		return int(mShuffleLocalBytes)
	case "Total Records Read":
		return int(mShuffleReadRecords)
	case "Remote Requests Duration":
		return int(mShuffleRemoteReqsDuration)
	case "Push Based Shuffle":
		return tmPush
	}
	return -1
}

func shuffleWriteMember(key []byte) int {
	switch string(key) {
	case "Shuffle Bytes Written":
		return int(mShuffleWriteBytes)
	case "Shuffle Records Written":
		return int(mShuffleWriteRecords)
	case "Shuffle Write Time":
		return int(mShuffleWriteTime)
	}
	return -1
}

// scanTaskMetrics reads Task Metrics (null: none) into e.m.
func scanTaskMetrics(b []byte, i int, e *taskEndEvent) int {
	if j := skipLiteral(b, i, "null"); j > 0 {
		return j
	}
	var seen fields
	i = scanMetricObject(b, i, taskMetricsOrder, e, &seen)
	m := &e.m
	m[mShuffleReadBytes] = m[mShuffleLocalBytes] + m[mShuffleRemoteBytes]
	m[mShuffleTotalBlocks] = m[mShuffleLocalBlocks] + m[mShuffleRemoteBlocks]
	e.hasMetrics = true
	return i
}

// scanMetricObject reads an object of integer metrics named by member,
// recursing into the nested metric objects.
func scanMetricObject(b []byte, i int, ord *memberOrder, e *taskEndEvent, seen *fields) int {
	it := objIter{}
	it.init(b, openObject(b, i))
	it.ord = ord
	for it.predict() || it.next() {
		m := it.m
		if it.keyEsc || m >= 0 && !seen.add(m) {
			return -1
		}
		switch {
		case m == tmPush:
			it.i = skipNumbersObject(b, it.i, 3, pushOrder)
		case m < 0:
			it.i = skipValue(b, it.i, 3)
		case m < int(numMetrics):
			e.m[m], it.i = readInt(b, it.i)
		default:
			it.i = scanMetricObject(b, it.i, nestedMember(m), e, seen)
		}
	}
	return it.end()
}

func nestedMember(m int) *memberOrder {
	switch m {
	case tmInput:
		return inputOrder
	case tmOutput:
		return outputOrder
	case tmShuffleRead:
		return shuffleReadOrder
	}
	return shuffleWriteOrder
}
