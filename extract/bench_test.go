package extract

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
)

// benchLines returns n realistic TaskStart/TaskEnd pairs over stages of
// 1000 tasks each, with StageSubmitted/StageCompleted around them.
func benchLines(n int) [][]byte {
	const perStage = 1000
	var out [][]byte
	add := func(s string) { out = append(out, []byte(s)) }
	for t := 0; t < n; t++ {
		stage := int64(t / perStage)
		if t%perStage == 0 {
			add(jobStart(stage, stage))
			add(stageSubmitted(stage, 0, perStage))
		}
		id := int64(t)
		add(taskStart(stage, id, 1000+id))
		add(fmt.Sprintf(`{"Event":"SparkListenerTaskEnd","Stage ID":%d,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":{"Reason":"Success"},`+
			`"Task Info":{"Task ID":%d,"Index":%d,"Attempt":0,"Partition ID":%d,"Launch Time":%d,"Executor ID":"2","Host":"ip-10-0-0-5","Locality":"NODE_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":%d,"Failed":false,"Killed":false,`+
			`"Accumulables":[{"ID":7,"Name":"internal.metrics.executorRunTime","Update":2050,"Value":9120,"Internal":true,"Count Failed Values":true},{"ID":88,"Name":"number of output rows","Update":"1000","Value":"4000","Internal":false,"Count Failed Values":false,"Metadata":"sql"}]},`+
			`"Task Executor Metrics":{"JVMHeapMemory":123456789,"JVMOffHeapMemory":5000000,"OnHeapExecutionMemory":0,"OffHeapExecutionMemory":0,"MinorGCCount":3,"MinorGCTime":12,"MajorGCCount":0,"MajorGCTime":0},`+
			`"Task Metrics":{"Executor Deserialize Time":40,"Executor Deserialize CPU Time":21000000,"Executor Run Time":%d,"Executor CPU Time":1800000000,"Peak Execution Memory":0,"Result Size":2100,"JVM GC Time":12,"Result Serialization Time":1,"Memory Bytes Spilled":0,"Disk Bytes Spilled":0,`+
			`"Shuffle Read Metrics":{"Remote Blocks Fetched":4,"Local Blocks Fetched":2,"Fetch Wait Time":3,"Remote Bytes Read":40000,"Remote Bytes Read To Disk":0,"Local Bytes Read":20000,"Total Records Read":1000,"Remote Requests Duration":9,"Shuffle Push Read Metrics":{}},`+
			`"Shuffle Write Metrics":{"Shuffle Bytes Written":30000,"Shuffle Write Time":4500000,"Shuffle Records Written":1000},"Input Metrics":{"Bytes Read":0,"Records Read":0},"Output Metrics":{"Bytes Written":0,"Records Written":0},"Updated Blocks":[]}}`,
			stage, id, id%perStage, id%perStage, 1000+id, 3000+id, 1900+id%97))
		if t%perStage == perStage-1 {
			add(stageCompleted(stage, 0, perStage))
			add(jobEnd(stage, "JobSucceeded"))
		}
	}
	return out
}

// BenchmarkBuilder measures decode + model over synthetic task events
// (MB/s of event lines, allocations per pass of 10,000 tasks).
func BenchmarkBuilder(b *testing.B) {
	lines := benchLines(10000)
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 1
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder(Options{LastUpdated: 1})
		for i, l := range lines {
			bl.Line(l, "bench", int64(i+1))
		}
		if app := bl.Finish(false); len(app.Stages) != 10 {
			b.Fatalf("%d stages", len(app.Stages))
		}
	}
}

// TestTaskDataDropped checks that completed stage attempts keep no per-task
// data: after five stages of 1000 tasks end, no record and no live-task
// entry remains before Finish.
func TestTaskDataDropped(t *testing.T) {
	b := NewBuilder(Options{})
	for i, l := range benchLines(5000) {
		b.Line(l, "gen", int64(i+1))
	}
	if len(b.stages) != 0 || len(b.tasks) != 0 || len(b.rows) != 5 {
		t.Fatalf("open stages %d, live tasks %d, rows %d; want 0, 0, 5", len(b.stages), len(b.tasks), len(b.rows))
	}
	for k, r := range b.rows {
		if r.dist != nil {
			t.Errorf("stage %v kept its distribution", k)
		}
	}
}

// genLines returns the lines of a realistic generated log (extract/gen):
// stages × tasks tasks, ~5 KB TaskEnd lines with accumulables and executor
// metrics, SQL events, executors; anomalies plant failed and killed tasks.
func genLines(tb testing.TB, stages, tasks int, anomalies gen.Anomalies) [][]byte {
	tb.Helper()
	lines, err := generate(stages, tasks, anomalies)
	if err != nil {
		tb.Fatalf("gen: %v", err)
	}
	return lines
}

func generate(stages, tasks int, anomalies gen.Anomalies) ([][]byte, error) {
	var buf bytes.Buffer
	spec := gen.Spec{Seed: 5, Stages: stages, TasksPerStage: tasks, Anomalies: anomalies}
	if _, err := gen.Write(&buf, spec); err != nil {
		return nil, err
	}
	return bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")), nil
}

// BenchmarkBuilderGen measures Line + Finish over a realistic generated log
// of 10 stages × 1000 tasks (MB/s of event lines).
// Sub-benchmarks: fast (the fast path) and fastjson (every line parsed by
// fastjson, as before the fast path), so their ratio comes from one run.
func BenchmarkBuilderGen(b *testing.B) {
	for _, path := range []string{"fast", "fastjson"} {
		b.Run(path, func(b *testing.B) { benchBuilderGen(b, path == "fastjson") })
	}
}

func benchBuilderGen(b *testing.B, noFast bool) {
	lines := benchGen()
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 1
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		bl := NewBuilder(Options{LastUpdated: 1})
		bl.noFast = noFast
		for i, l := range lines {
			bl.Line(l, "bench", int64(i+1))
		}
		if app := bl.Finish(false); len(app.Stages) != 10 {
			b.Fatalf("%d stages", len(app.Stages))
		}
	}
}
