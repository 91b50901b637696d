package gen

import (
	"strconv"
)

// sqlMetric is one SQL plan metric: its node, name and type.
type sqlMetric struct {
	node  int // index into planNodes
	name  string
	mtype string
}

// The plan template every SQL execution uses, and the metric slots of its
// nodes. Metric ids are allocated per execution in this order.
const (
	smScanRows = iota
	smScanFiles
	smScanMetaTime
	smScanSize
	smScanTime
	smPartialRows
	smPartialPeak
	smPartialSpill
	smPartialBuild
	smExRecordsWritten
	smExWriteTime
	smExRecordsRead
	smExLocalBytes
	smExFetchWait
	smExRemoteBytes
	smExLocalBlocks
	smExRemoteBlocks
	smExDataSize
	smExRemoteReqs
	smExBytesWritten
	smFinalRows
	smFinalPeak
	smFinalSpill
	smFinalBuild
	smWriteFiles
	smWriteBytes
	smWriteRows
	smWriteCommit
	numSQLMetrics
)

var sqlMetrics = [numSQLMetrics]sqlMetric{
	{5, "number of output rows", "sum"}, {5, "number of files read", "sum"}, {5, "metadata time", "timing"},
	{5, "size of files read", "size"}, {5, "scan time", "timing"},
	{4, "number of output rows", "sum"}, {4, "peak memory", "size"}, {4, "spill size", "size"},
	{4, "time in aggregation build", "timing"},
	{3, "shuffle records written", "sum"}, {3, "shuffle write time", "nsTiming"}, {3, "records read", "sum"},
	{3, "local bytes read", "size"}, {3, "fetch wait time", "timing"}, {3, "remote bytes read", "size"},
	{3, "local blocks read", "sum"}, {3, "remote blocks read", "sum"}, {3, "data size", "size"},
	{3, "remote reqs duration", "timing"}, {3, "shuffle bytes written", "size"},
	{2, "number of output rows", "sum"}, {2, "peak memory", "size"}, {2, "spill size", "size"},
	{2, "time in aggregation build", "timing"},
	{1, "number of written files", "sum"}, {1, "written output", "size"}, {1, "number of output rows", "sum"},
	{1, "task commit time", "timing"},
}

// sqlState is the current SQL execution's accumulators.
type sqlState struct {
	exec int   // current execution, -1 for none
	base int64 // its first metric id
	sums [numSQLMetrics]int64
	set  [numSQLMetrics]bool
}

// sqlValues lays out a successful task's SQL metric updates; ok[i] says
// the task's plan nodes report metric i.
func (g *gen) sqlValues(st *stagePlan, t *task, v *[numSQLMetrics]int64, ok *[numSQLMetrics]bool) {
	put := func(i int, x int64) { v[i], ok[i] = x, true }
	if st.inputPerTask > 0 {
		put(smScanRows, t.inRecords)
		put(smScanTime, t.run*35/100)
	}
	if st.kind == kindScan {
		put(smPartialRows, t.swRecords)
		put(smPartialPeak, t.peakMem)
		put(smPartialSpill, t.memSpill)
		put(smPartialBuild, t.run/5)
		put(smExRecordsWritten, t.swRecords)
		put(smExWriteTime, t.swTime)
		put(smExDataSize, t.swBytes*26/10)
		put(smExBytesWritten, t.swBytes)
	}
	if st.shuffleReadPerTask > 0 {
		put(smExRecordsRead, t.srRecords)
		put(smExLocalBytes, t.srLocalBytes)
		put(smExFetchWait, t.srFetchWait)
		put(smExRemoteBytes, t.srRemoteBytes)
		put(smExLocalBlocks, t.srLocalBlocks)
		put(smExRemoteBlocks, t.srRemoteBlocks)
		put(smExRemoteReqs, t.srReqDuration)
		put(smFinalRows, t.srRecords/20)
		put(smFinalPeak, t.peakMem)
		put(smFinalSpill, t.memSpill)
		put(smFinalBuild, t.run/4)
	}
	if st.outputPerTask > 0 {
		put(smWriteFiles, t.outFiles)
		put(smWriteBytes, t.outBytes)
		put(smWriteRows, t.outRecords)
		put(smWriteCommit, 20+t.outBytes/(50<<20))
	}
}

// sqlAccumulables writes a successful task's SQL metrics (string values).
func (g *gen) sqlAccumulables(sr *stageRun, t *task) {
	if g.plan.jobs[sr.st.job].exec < 0 {
		return
	}
	var v [numSQLMetrics]int64
	var ok [numSQLMetrics]bool
	g.sqlValues(sr.st, t, &v, &ok)
	s, l := &g.sql, &g.l
	for i := range v {
		if !ok[i] {
			continue
		}
		s.sums[i] += v[i]
		s.set[i] = true
		l.sep()
		l.b = append(l.b, `{"ID":`...)
		l.b = strconv.AppendInt(l.b, s.base+int64(i), 10)
		l.b = append(l.b, `,"Name":"`...)
		l.b = append(l.b, sqlMetrics[i].name...) // metric names need no escaping
		l.b = append(l.b, `","Update":"`...)
		l.b = strconv.AppendInt(l.b, v[i], 10)
		l.b = append(l.b, `","Value":"`...)
		l.b = strconv.AppendInt(l.b, s.sums[i], 10)
		l.b = append(l.b, `","Internal":true,"Count Failed Values":true,"Metadata":"sql"}`...)
	}
}

// sqlStageAccumulables writes the SQL metrics' totals at stage completion.
func (g *gen) sqlStageAccumulables(sr *stageRun) {
	if g.plan.jobs[sr.st.job].exec < 0 {
		return
	}
	s, l := &g.sql, &g.l
	for i := range s.sums {
		if !s.set[i] {
			continue
		}
		l.elemOpen('{')
		l.int("ID", s.base+int64(i))
		l.str("Name", sqlMetrics[i].name)
		l.numStr("Value", s.sums[i])
		l.bool("Internal", true)
		l.bool("Count Failed Values", true)
		l.str("Metadata", "sql")
		l.close('}')
	}
}

func (g *gen) writeSQLStart(exec int, at int64) {
	g.sql = sqlState{exec: exec, base: g.nextAcc}
	g.nextAcc += numSQLMetrics
	l := &g.l
	g.begin("org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart", at)
	l.int("executionId", int64(exec))
	l.int("rootExecutionId", int64(exec))
	desc := sqlDescription(g.spec, exec)
	l.str("description", desc)
	l.str("details", sqlDetails(g.spec, exec))
	l.key("physicalPlanDescription")
	l.b = appendStr(l.b, g.physicalPlan(exec))
	g.sparkPlanInfo(exec)
	l.int("time", at)
	l.obj("modifiedConfigs")
	l.close('}')
	l.arr("jobTags")
	l.close(']')
	g.end()
}

func (g *gen) writeSQLEnd(exec int, at int64, failure string) {
	l := &g.l
	g.begin("org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates", at-1)
	l.int("executionId", int64(exec))
	l.arr("accumUpdates")
	for _, m := range []int{smScanFiles, smScanMetaTime, smScanSize} {
		l.elemOpen('[')
		l.elemInt(g.sql.base + int64(m))
		l.elemInt(g.driverMetric(m))
		l.close(']')
	}
	l.close(']')
	g.end()
	g.begin("org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd", at)
	l.int("executionId", int64(exec))
	l.int("time", at)
	l.str("errorMessage", failure)
	g.end()
}

func (g *gen) driverMetric(m int) int64 {
	switch m {
	case smScanFiles:
		return int64(g.spec.TasksPerStage)
	case smScanMetaTime:
		return 40 + g.r.Int64N(400)
	}
	return g.sql.sums[smScanRows] * 92 / 3
}

func sqlDetails(s Spec, exec int) string {
	c := className(s.AppName)
	return "org.apache.spark.sql.DataFrameWriter.insertInto(DataFrameWriter.scala:404)\ncom.acme.jobs." + c + "$.run(" + c +
		".scala:" + strconv.Itoa(callLine(exec)) + ")\ncom.acme.jobs." + c + "$.main(" + c + ".scala:31)\ncom.acme.jobs." + c +
		".main(" + c + ".scala)\njava.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)"
}
