package gen

import "strconv"

// numInternal is the number of internal.metrics.* accumulators a stage
// attempt registers; the offsets below are Spark 3.5's registration order.
const numInternal = 35

var internalNames = [numInternal]string{
	"internal.metrics.executorDeserializeTime",
	"internal.metrics.executorDeserializeCpuTime",
	"internal.metrics.executorRunTime",
	"internal.metrics.executorCpuTime",
	"internal.metrics.resultSize",
	"internal.metrics.jvmGCTime",
	"internal.metrics.resultSerializationTime",
	"internal.metrics.memoryBytesSpilled",
	"internal.metrics.diskBytesSpilled",
	"internal.metrics.peakExecutionMemory",
	"internal.metrics.updatedBlockStatuses",
	"internal.metrics.shuffle.read.remoteBlocksFetched",
	"internal.metrics.shuffle.read.localBlocksFetched",
	"internal.metrics.shuffle.read.remoteBytesRead",
	"internal.metrics.shuffle.read.remoteBytesReadToDisk",
	"internal.metrics.shuffle.read.localBytesRead",
	"internal.metrics.shuffle.read.fetchWaitTime",
	"internal.metrics.shuffle.read.recordsRead",
	"internal.metrics.shuffle.push.read.corruptMergedBlockChunks",
	"internal.metrics.shuffle.push.read.mergedFetchFallbackCount",
	"internal.metrics.shuffle.push.read.remoteMergedBlocksFetched",
	"internal.metrics.shuffle.push.read.localMergedBlocksFetched",
	"internal.metrics.shuffle.push.read.remoteMergedChunksFetched",
	"internal.metrics.shuffle.push.read.localMergedChunksFetched",
	"internal.metrics.shuffle.push.read.remoteMergedBytesRead",
	"internal.metrics.shuffle.push.read.localMergedBytesRead",
	"internal.metrics.shuffle.read.remoteReqsDuration",
	"internal.metrics.shuffle.push.read.remoteMergedReqsDuration",
	"internal.metrics.shuffle.write.bytesWritten",
	"internal.metrics.shuffle.write.recordsWritten",
	"internal.metrics.shuffle.write.writeTime",
	"internal.metrics.input.bytesRead",
	"internal.metrics.input.recordsRead",
	"internal.metrics.output.bytesWritten",
	"internal.metrics.output.recordsWritten",
}

const (
	imSpill, imDiskSpill, imPeak   = 7, 8, 9
	imReadFirst, imReadLast        = 11, 27
	imWriteFirst, imWriteLast      = 28, 30
	imInputFirst, imInputLast      = 31, 32
	imOutputFirst, imOutputLast    = 33, 34
	imCoreLast                     = 6
	imUpdatedBlocks                = 10
	imRemoteReqs, imRemoteMergedRq = 26, 27
)

// internalValues lays out t's metrics at their accumulator offsets.
func (t *task) internalValues(v *[numInternal]int64) {
	*v = [numInternal]int64{
		t.deser, t.deserCPU, t.run, t.cpu, t.resultSize, t.gc, t.resultSer,
		t.memSpill, t.diskSpill, t.peakMem, 0,
		t.srRemoteBlocks, t.srLocalBlocks, t.srRemoteBytes, 0, t.srLocalBytes, t.srFetchWait, t.srRecords,
		0, 0, 0, 0, 0, 0, 0, 0, t.srReqDuration, 0,
		t.swBytes, t.swRecords, t.swTime,
		t.inBytes, t.inRecords, t.outBytes, t.outRecords,
	}
}

// internalPresent says which accumulators a task of st reports: Spark
// sends the non-zero ones and every metric of the groups the task used.
func internalPresent(st *stagePlan, v *[numInternal]int64, i int) bool {
	switch {
	case i <= imCoreLast:
		return true
	case i == imUpdatedBlocks:
		return false
	case i <= imPeak:
		return v[i] != 0
	case i <= imReadLast:
		return st.shuffleReadPerTask > 0
	case i <= imWriteLast:
		return st.kind == kindScan
	case i <= imInputLast:
		return st.inputPerTask > 0
	default:
		return st.outputPerTask > 0
	}
}

func taskType(st *stagePlan) string {
	if st.kind == kindScan {
		return "ShuffleMapTask"
	}
	return "ResultTask"
}

func (g *gen) writeTaskStart(sr *stageRun, t *task) {
	l := &g.l
	g.l.reset()
	g.flush = false
	l.open('{')
	l.str("Event", "SparkListenerTaskStart")
	l.int("Stage ID", int64(sr.st.id))
	l.int("Stage Attempt ID", int64(sr.attempt))
	g.taskInfo(t, false, nil)
	g.end()
}

// taskInfo writes the Task Info object; ended adds the finish fields and
// the accumulables, running sums updated by v.
func (g *gen) taskInfo(t *task, ended bool, v *[numInternal]int64) {
	l, e := &g.l, &g.execs[t.exec]
	l.obj("Task Info")
	l.int("Task ID", t.id)
	l.int("Index", int64(t.index))
	l.int("Attempt", int64(t.attempt))
	l.int("Partition ID", int64(t.index))
	l.int("Launch Time", t.launch)
	l.str("Executor ID", e.id)
	l.str("Host", e.host)
	l.str("Locality", t.locality)
	l.bool("Speculative", false)
	finish, gr := int64(0), int64(0)
	if ended {
		finish, gr = t.finish, t.gettingResult
	}
	l.int("Getting Result Time", gr)
	l.int("Finish Time", finish)
	l.bool("Failed", ended && t.end != endSuccess && t.end != endKilled)
	l.bool("Killed", ended && t.end == endKilled)
	l.arr("Accumulables")
	if ended && t.hasMetrics() {
		g.taskAccumulables(t, v)
	}
	l.close(']')
	l.close('}')
}

// writeTaskEnd writes a task's end (and, for results fetched from the
// block manager, its getting-result event first).
func (g *gen) writeTaskEnd(sr *stageRun, t *task) {
	if t.gettingResult > 0 {
		g.writeGettingResult(t)
	}
	var v [numInternal]int64
	t.internalValues(&v)
	l := &g.l
	l.reset()
	g.flush = false
	l.open('{')
	l.str("Event", "SparkListenerTaskEnd")
	l.int("Stage ID", int64(sr.st.id))
	l.int("Stage Attempt ID", int64(sr.attempt))
	l.str("Task Type", taskType(sr.st))
	g.endReason(sr, t, &v)
	g.taskInfo(t, true, &v)
	g.executorMetrics(t)
	if t.hasMetrics() {
		g.taskMetrics(t)
	}
	g.end()
}

func (g *gen) writeGettingResult(t *task) {
	l := &g.l
	l.reset()
	g.flush = false
	l.open('{')
	l.str("Event", "SparkListenerTaskGettingResult")
	g.taskInfo(t, false, nil)
	g.end()
}

// taskAccumulables writes the SQL metrics of the task's plan nodes
// (string values) then its internal metrics (numbers), by id, with the
// running totals as Value.
func (g *gen) taskAccumulables(t *task, v *[numInternal]int64) {
	sr := g.stageRun
	if t.end == endSuccess {
		g.sqlAccumulables(sr, t)
	}
	for i := 0; i < numInternal; i++ {
		if !internalPresent(sr.st, v, i) {
			continue
		}
		sr.sums[i] += v[i]
		g.accumulable(sr.accBase+int64(i), internalNames[i], v[i], sr.sums[i], true)
	}
}

// accumulable writes one internal accumulable; withValue adds "Value".
func (g *gen) accumulable(id int64, name string, update, value int64, withValue bool) {
	l := &g.l
	l.sep()
	l.b = append(l.b, `{"ID":`...)
	l.b = strconv.AppendInt(l.b, id, 10)
	l.b = append(l.b, `,"Name":"`...)
	l.b = append(l.b, name...) // internal names need no escaping
	l.b = append(l.b, `","Update":`...)
	l.b = strconv.AppendInt(l.b, update, 10)
	if withValue {
		l.b = append(l.b, `,"Value":`...)
		l.b = strconv.AppendInt(l.b, value, 10)
	}
	l.b = append(l.b, `,"Internal":true,"Count Failed Values":true}`...)
}

// stageAccumulables writes a completed stage attempt's totals.
func (g *gen) stageAccumulables(sr *stageRun) {
	l := &g.l
	g.sqlStageAccumulables(sr)
	for i := 0; i < numInternal; i++ {
		if i == imUpdatedBlocks || (i > imCoreLast && sr.sums[i] == 0 && !internalPresent(sr.st, &sr.sums, i)) {
			continue
		}
		l.elemOpen('{')
		l.int("ID", sr.accBase+int64(i))
		l.str("Name", internalNames[i])
		l.int("Value", sr.sums[i])
		l.bool("Internal", true)
		l.bool("Count Failed Values", true)
		l.close('}')
	}
}
