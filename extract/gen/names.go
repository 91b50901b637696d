package gen

import (
	"strconv"
	"strings"
)

// className turns "etl_orders_daily" into "EtlOrdersDaily".
func className(app string) string {
	var b strings.Builder
	up := true
	for _, c := range app {
		switch {
		case c == '_' || c == '-' || c == ' ' || c == '.':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			up = false
		default:
			b.WriteRune(c)
			up = false
		}
	}
	if b.Len() == 0 {
		return "SparkJob"
	}
	return b.String()
}

type frame struct {
	class, method, file string
	line                int64
}

var readActions = []string{"collect", "count", "showString", "toLocalIterator"}
var writeActions = []string{"save", "insertInto", "saveAsTable", "parquet"}

// jobWrites reports whether st's job ends by writing files.
func (g *gen) jobWrites(st *stagePlan) bool {
	j := &g.plan.jobs[st.job]
	return g.plan.stages[j.stages[len(j.stages)-1]].writes
}

// jobAction is the Dataset action that started the job of st.
func (g *gen) jobAction(st *stagePlan) string {
	if g.jobWrites(st) {
		return writeActions[st.job%len(writeActions)]
	}
	return readActions[st.job%len(readActions)]
}

func callLine(job int) int { return 40 + job*7%300 }

// stageName is Spark's short call site of the job's action.
func (g *gen) stageName(st *stagePlan) string {
	return g.jobAction(st) + " at " + className(g.spec.AppName) + ".scala:" + strconv.Itoa(callLine(st.job))
}

// stageDetails is the long call site: the action's stack from user code
// down to YARN's ApplicationMaster thread.
func (g *gen) stageDetails(st *stagePlan) string {
	c := className(g.spec.AppName)
	act := g.jobAction(st)
	api := "org.apache.spark.sql.Dataset." + act + "(Dataset.scala:3615)"
	if g.jobWrites(st) {
		api = "org.apache.spark.sql.DataFrameWriter." + act + "(DataFrameWriter.scala:251)"
	}
	lines := []string{
		api,
		"com.acme.jobs." + c + "$.run(" + c + ".scala:" + strconv.Itoa(callLine(st.job)) + ")",
		"com.acme.jobs." + c + "$.main(" + c + ".scala:31)",
		"com.acme.jobs." + c + ".main(" + c + ".scala)",
		"java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
		"java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:77)",
		"java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
		"java.base/java.lang.reflect.Method.invoke(Method.java:569)",
		"org.apache.spark.deploy.yarn.ApplicationMaster$$anon$2.run(ApplicationMaster.scala:741)",
	}
	return strings.Join(lines, "\n")
}

// sqlDescription is the description of SQL execution id.
func sqlDescription(s Spec, exec int) string {
	return "insertInto at " + className(s.AppName) + ".scala:" + strconv.Itoa(callLine(exec))
}

var executorTrace = []frame{
	{"com.acme.jobs.udf.ParseOrder$", "apply", "ParseOrder.scala", 57},
	{"org.apache.spark.sql.catalyst.expressions.GeneratedClass$GeneratedIteratorForCodegenStage1", "processNext", "", -1},
	{"org.apache.spark.sql.execution.BufferedRowIterator", "hasNext", "BufferedRowIterator.java", 43},
	{"org.apache.spark.sql.execution.WholeStageCodegenEvaluatorFactory$WholeStageCodegenPartitionEvaluator$$anon$1", "hasNext", "WholeStageCodegenEvaluatorFactory.scala", 43},
	{"scala.collection.Iterator$$anon$10", "hasNext", "Iterator.scala", 460},
	{"org.apache.spark.shuffle.sort.BypassMergeSortShuffleWriter", "write", "BypassMergeSortShuffleWriter.java", 140},
	{"org.apache.spark.shuffle.ShuffleWriteProcessor", "write", "ShuffleWriteProcessor.scala", 59},
	{"org.apache.spark.scheduler.ShuffleMapTask", "runTask", "ShuffleMapTask.scala", 104},
	{"org.apache.spark.scheduler.ShuffleMapTask", "runTask", "ShuffleMapTask.scala", 54},
	{"org.apache.spark.TaskContext", "runTaskWithListeners", "TaskContext.scala", 161},
	{"org.apache.spark.scheduler.Task", "run", "Task.scala", 141},
	{"org.apache.spark.executor.Executor$TaskRunner", "$anonfun$run$4", "Executor.scala", 620},
	{"org.apache.spark.util.Utils$", "tryWithSafeFinally", "Utils.scala", 1554},
	{"org.apache.spark.executor.Executor$TaskRunner", "run", "Executor.scala", 623},
	{"java.util.concurrent.ThreadPoolExecutor", "runWorker", "ThreadPoolExecutor.java", 1136},
	{"java.util.concurrent.ThreadPoolExecutor$Worker", "run", "ThreadPoolExecutor.java", 635},
	{"java.lang.Thread", "run", "Thread.java", 840},
}

var driverTrace = []frame{
	{"org.apache.spark.scheduler.DAGScheduler", "failJobAndIndependentStages", "DAGScheduler.scala", 2856},
	{"org.apache.spark.scheduler.DAGScheduler", "$anonfun$abortStage$2", "DAGScheduler.scala", 2792},
	{"org.apache.spark.scheduler.DAGScheduler", "abortStage", "DAGScheduler.scala", 2791},
	{"org.apache.spark.scheduler.DAGScheduler", "handleTaskSetFailed", "DAGScheduler.scala", 1247},
	{"org.apache.spark.scheduler.DAGSchedulerEventProcessLoop", "onReceive", "DAGScheduler.scala", 3060},
	{"org.apache.spark.util.EventLoop$$anon$1", "run", "EventLoop.scala", 49},
}

const exceptionClass = "java.lang.IllegalStateException"
const exceptionDesc = "Unexpected null order_id in partition; input file may be corrupt"

// exceptionTrace is an ExceptionFailure's Full Stack Trace text.
func exceptionTrace(*stagePlan) string {
	var b strings.Builder
	b.WriteString(exceptionClass + ": " + exceptionDesc + "\n")
	for _, f := range executorTrace {
		b.WriteString("\tat " + f.class + "." + f.method + "(")
		if f.file == "" {
			b.WriteString("Unknown Source")
		} else {
			b.WriteString(f.file + ":" + strconv.FormatInt(f.line, 10))
		}
		b.WriteString(")\n")
	}
	return b.String()
}
