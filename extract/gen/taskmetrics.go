package gen

// endReason writes the Task End Reason object.
func (g *gen) endReason(sr *stageRun, t *task, v *[numInternal]int64) {
	l := &g.l
	l.obj("Task End Reason")
	switch t.end {
	case endSuccess:
		l.str("Reason", "Success")
	case endException:
		l.str("Reason", "ExceptionFailure")
		l.str("Class Name", exceptionClass)
		l.str("Description", exceptionDesc)
		l.arr("Stack Trace")
		for _, f := range executorTrace {
			l.elemOpen('{')
			l.str("Declaring Class", f.class)
			l.str("Method Name", f.method)
			l.str("File Name", f.file)
			l.int("Line Number", f.line)
			l.close('}')
		}
		l.close(']')
		l.str("Full Stack Trace", exceptionTrace(sr.st))
		g.accumulatorUpdates(sr, v)
	case endFetchFailed:
		g.fetchFailed(sr, t)
	case endExecutorLost:
		e := &g.execs[t.exec]
		l.str("Reason", "ExecutorLostFailure")
		l.str("Executor ID", e.id)
		l.bool("Exit Caused By App", true)
		l.str("Loss Reason", g.lossReason(e, t.exec))
	case endKilled:
		l.str("Reason", "TaskKilled")
		l.str("Kill Reason", "Stage cancelled: "+sr.abortMsg)
		g.accumulatorUpdates(sr, v)
	}
	l.close('}')
}

// accumulatorUpdates lists a failed task's internal metric updates.
func (g *gen) accumulatorUpdates(sr *stageRun, v *[numInternal]int64) {
	g.l.arr("Accumulator Updates")
	for i := 0; i < numInternal; i++ {
		if internalPresent(sr.st, v, i) {
			g.accumulable(sr.accBase+int64(i), internalNames[i], v[i], 0, false)
		}
	}
	g.l.close(']')
}

func (g *gen) fetchFailed(sr *stageRun, t *task) {
	l := &g.l
	parent := sr.st.parents[len(sr.st.parents)-1]
	mapIndex := t.index % g.plan.stages[parent].tasks
	src := &g.execs[(t.index+1)%len(g.execs)]
	l.str("Reason", "FetchFailed")
	l.obj("Block Manager Address")
	l.str("Executor ID", src.id)
	l.str("Host", src.host)
	l.int("Port", 7337)
	l.close('}')
	l.int("Shuffle ID", int64(parent))
	l.int("Map ID", g.firstTask[parent]+int64(mapIndex))
	l.int("Map Index", int64(mapIndex))
	l.int("Reduce ID", int64(t.index))
	l.str("Message", "org.apache.spark.shuffle.FetchFailedException: Failed to connect to "+src.host+":7337\n"+
		"\tat org.apache.spark.errors.SparkCoreErrors$.fetchFailedError(SparkCoreErrors.scala:437)\n"+
		"\tat org.apache.spark.storage.ShuffleBlockFetcherIterator.throwFetchFailedException(ShuffleBlockFetcherIterator.scala:1239)\n"+
		"\tat org.apache.spark.storage.ShuffleBlockFetcherIterator.next(ShuffleBlockFetcherIterator.scala:971)\n"+
		"Caused by: java.io.IOException: Connection reset by peer\n")
}

var execMetricNames = [...]string{
	"JVMHeapMemory", "JVMOffHeapMemory", "OnHeapExecutionMemory", "OffHeapExecutionMemory",
	"OnHeapStorageMemory", "OffHeapStorageMemory", "OnHeapUnifiedMemory", "OffHeapUnifiedMemory",
	"DirectPoolMemory", "MappedPoolMemory", "ProcessTreeJVMVMemory", "ProcessTreeJVMRSSMemory",
	"ProcessTreePythonVMemory", "ProcessTreePythonRSSMemory", "ProcessTreeOtherVMemory",
	"ProcessTreeOtherRSSMemory", "MinorGCCount", "MinorGCTime", "MajorGCCount", "MajorGCTime", "TotalGCTime",
}

// executorMetrics writes the executor's peaks during the task, advancing
// its GC counters by the task's GC time. Lost tasks report zeros.
func (g *gen) executorMetrics(t *task) {
	var v [len(execMetricNames)]int64
	if t.hasMetrics() {
		e := &g.execs[t.exec]
		heap := int64(g.spec.ExecutorMemoryMB) << 20
		e.heapPeak = max(e.heapPeak, heap*int64(25+g.r.IntN(50))/100)
		e.minorGCCount += 1 + t.gc/25
		e.minorGCTime += t.gc * 8 / 10
		if t.gc > 200 {
			e.majorGCCount++
		}
		e.majorGCTime += t.gc - t.gc*8/10
		exec := min(t.peakMem*int64(1+g.r.IntN(e.cores)), heap*6/10)
		storage := int64(200_000 + g.r.IntN(4_000_000))
		v = [len(execMetricNames)]int64{
			e.heapPeak, 90<<20 + g.r.Int64N(50<<20), exec, 0, storage, 0, exec + storage, 0,
			8<<20 + g.r.Int64N(24<<20), 0, 0, 0, 0, 0, 0, 0,
			e.minorGCCount, e.minorGCTime, e.majorGCCount, e.majorGCTime, e.minorGCTime + e.majorGCTime,
		}
	}
	l := &g.l
	l.obj("Task Executor Metrics")
	for i, n := range execMetricNames {
		l.int(n, v[i])
	}
	l.close('}')
}

// taskMetrics writes the Task Metrics object in Spark 3.5's field order.
func (g *gen) taskMetrics(t *task) {
	l := &g.l
	l.obj("Task Metrics")
	l.int("Executor Deserialize Time", t.deser)
	l.int("Executor Deserialize CPU Time", t.deserCPU)
	l.int("Executor Run Time", t.run)
	l.int("Executor CPU Time", t.cpu)
	l.int("Peak Execution Memory", t.peakMem)
	l.int("Result Size", t.resultSize)
	l.int("JVM GC Time", t.gc)
	l.int("Result Serialization Time", t.resultSer)
	l.int("Memory Bytes Spilled", t.memSpill)
	l.int("Disk Bytes Spilled", t.diskSpill)
	l.obj("Shuffle Read Metrics")
	l.int("Remote Blocks Fetched", t.srRemoteBlocks)
	l.int("Local Blocks Fetched", t.srLocalBlocks)
	l.int("Fetch Wait Time", t.srFetchWait)
	l.int("Remote Bytes Read", t.srRemoteBytes)
	l.int("Remote Bytes Read To Disk", 0)
	l.int("Local Bytes Read", t.srLocalBytes)
	l.int("Total Records Read", t.srRecords)
	l.int("Remote Requests Duration", t.srReqDuration)
	l.b = append(l.b, pushBasedShuffle...)
	l.close('}')
	l.obj("Shuffle Write Metrics")
	l.int("Shuffle Bytes Written", t.swBytes)
	l.int("Shuffle Write Time", t.swTime)
	l.int("Shuffle Records Written", t.swRecords)
	l.close('}')
	l.obj("Input Metrics")
	l.int("Bytes Read", t.inBytes)
	l.int("Records Read", t.inRecords)
	l.close('}')
	l.obj("Output Metrics")
	l.int("Bytes Written", t.outBytes)
	l.int("Records Written", t.outRecords)
	l.close('}')
	l.arr("Updated Blocks")
	l.close(']')
	l.close('}')
}

// pushBasedShuffle is the push-based shuffle read object as Spark 3.5.3
// writes it (under this key, all zeros without push-based shuffle).
const pushBasedShuffle = `,"Push Based Shuffle":{"Corrupt Merged Block Chunks":0,"Merged Fetch Fallback Count":0,` +
	`"Merged Remote Blocks Fetched":0,"Merged Local Blocks Fetched":0,"Merged Remote Chunks Fetched":0,` +
	`"Merged Local Chunks Fetched":0,"Merged Remote Bytes Read":0,"Merged Local Bytes Read":0,` +
	`"Merged Remote Requests Duration":0}`
