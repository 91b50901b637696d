package extract

import "testing"

// FuzzLine feeds arbitrary bytes to Builder.Line, after a few real events so
// the model has live stages, tasks and executors to corrupt, then Finish.
// Neither may panic. Seeds: testdata/fuzz/FuzzLine (lines of real logs).
func FuzzLine(f *testing.F) {
	f.Add([]byte(`{"Event":"SparkListenerTaskEnd","Stage ID":0,"Task Info":{"Task ID":1},"Task Metrics":[]}`))
	f.Add([]byte(`{"Event":"SparkListenerExecutorMetricsUpdate","Executor ID":"driver","Executor Metrics Updated":[{"Executor Metrics":{"JVMHeapMemory":"x"}}]}`))
	f.Add([]byte(`{"Event":"SparkListenerJobStart","Job ID":1,"Stage Infos":[{"Stage ID":0}],"Properties":{"spark.sql.execution.id":"-1"}}`))
	f.Add([]byte("{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"\xff\"}\r"))
	f.Add([]byte(`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0,"rootExecutionId":0,"time":5,"sparkPlanInfo":{"nodeName":"WholeStageCodegen (1)","simpleString":"x","children":[{"nodeName":"SortMergeJoin","children":[],"metadata":{"Format":"Parquet"},"metrics":[{"name":"number of output rows","accumulatorId":7,"metricType":"sum"}]}],"metadata":{},"metrics":[]}}`))
	f.Add([]byte(`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate","executionId":0,"sparkPlanInfo":{"nodeName":"Exchange","children":[{"nodeName":"x"}],"metrics":[{"accumulatorId":"7"}]}}`))
	f.Add([]byte(`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates","executionId":0,"accumUpdates":[[7,12],[8]]}`))
	f.Add([]byte(`{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Accumulables":[{"ID":7,"Name":"number of output rows","Value":"12","Metadata":"sql"},{"ID":"x","Name":"n","Value":[]}]}}`))
	prelude := []string{
		appStart,
		`{"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"h","Port":1},"Maximum Memory":10,"Timestamp":1}`,
		`{"Event":"SparkListenerExecutorAdded","Timestamp":2,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2}}`,
		jobStart(0, 0, 1), stageSubmitted(0, 0, 2), taskStart(0, 1, 1000), taskStart(0, 2, 1000),
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		b := NewBuilder(Options{MaxWarnings: 2})
		for i, l := range prelude {
			b.Line([]byte(l), "prelude", int64(i+1))
		}
		b.Line(line, "fuzz", 100)
		b.Line(line, "fuzz", 101)
		app := b.Finish(true)
		if app.Row.Status != AppIncomplete {
			t.Fatalf("truncated log has status %s", app.Row.Status)
		}
	})
}
