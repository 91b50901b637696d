package extract

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/sparkmine/sparkmine/extract/plan"
	"github.com/valyala/fastjson"
)

// jobEvents are the events fastjob.go decodes.
var jobEvents = map[string]bool{
	"SparkListenerJobStart":       true,
	"SparkListenerStageSubmitted": true,
	"SparkListenerStageCompleted": true,

	"SparkListenerEnvironmentUpdate": true,
}

// checkJobLine decodes a job or stage event both ways, on the fast path
// with fb (and the values it remembers), and fails t on any difference; it
// reports whether the fast path took the line.
func checkJobLine(t testing.TB, fb *Builder, line []byte, i int, v *fastjson.Value, perr error, name, fastName string) bool {
	t.Helper()
	rb := NewBuilder(Options{})
	var got, want any
	switch fastName {
	case "SparkListenerJobStart":
		var e jobStartEvent
		if !fb.scanJobStart(line, i, &e) {
			return false
		}
		mustBeValid(t, line, perr, name, fastName)
		w := jobStartFromJSON(v)
		got, want = jobStartView(fb, e), jobStartView(rb, w)
	case "SparkListenerStageSubmitted":
		var e stageSubmittedEvent
		if !fb.scanStageSubmitted(line, i, &e) {
			return false
		}
		mustBeValid(t, line, perr, name, fastName)
		w := stageSubmittedEvent{info: stageInfoEventFromJSON(v.Get("Stage Info")), props: propsFromJSON(v.Get("Properties"))}
		e.info, w.info = resolveDetails(fb, e.info), resolveDetails(rb, w.info)
		got, want = e, w
	case "SparkListenerStageCompleted":
		var e stageCompletedEvent
		if !fb.scanStageCompleted(line, i, &e) {
			return false
		}
		mustBeValid(t, line, perr, name, fastName)
		si := v.Get("Stage Info")
		k, info := stageInfoFromJSON(si)
		rb.stageAccums(k.id, si)
		var fa plan.Accums
		for _, a := range e.accums {
			fa.Stage(a.id, e.info.key.id, a.value)
		}
		got, want = []any{e.info.key, e.info.info, fa}, []any{k, info, rb.accums}
	case "SparkListenerEnvironmentUpdate":
		fb.app.props = nil
		if !fb.fastEnvironmentUpdate(line, i) {
			return false
		}
		mustBeValid(t, line, perr, name, fastName)
		rb.onEnvironmentUpdate(v)
		got, want = fb.app.props, rb.app.props
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s differs:\nfast %+v\nref  %+v\nline %s", fastName, got, want, line)
	}
	return true
}

// resolveDetails resolves a Stage Info's lazily unescaped Details.
func resolveDetails(b *Builder, si stageInfoEvent) stageInfoEvent {
	si.details = text{s: append([]byte(nil), b.textOf(si.details)...)}
	return si
}

func jobStartView(b *Builder, e jobStartEvent) jobStartEvent {
	infos := make([]stageInfoEvent, len(e.infos))
	for i, si := range e.infos {
		infos[i] = resolveDetails(b, si)
	}
	e.infos = infos
	return e
}

// jobLinesTaken counts a log's job and stage events and those the fast
// path takes, checking each as checkJobLine does with one Builder.
func jobLinesTaken(t *testing.T, lines [][]byte) (n, fast int) {
	var p fastjson.Parser
	fb := NewBuilder(Options{})
	for _, l := range lines {
		i, fastName, ok := fastPrefix(l)
		if !ok || !jobEvents[fastName] {
			continue
		}
		n++
		v, perr := p.ParseBytes(l)
		name := ""
		if perr == nil {
			name = string(v.GetStringBytes("Event"))
		}
		if checkJobLine(t, fb, l, i, v, perr, name, fastName) {
			fast++
		}
	}
	return n, fast
}

// TestFastJobLines: every job and stage event of the generated logs and
// of the shared SQL logs (Spark 3, Databricks, Photon) takes the fast path
// and decodes as on the fastjson path; on the other shared logs, the count
// that takes it is logged (the model of every log is compared by
// TestFastPathDifferential and TestFastAdaptiveDifferential).
func TestFastJobLines(t *testing.T) {
	logs := map[string][][]byte{
		"gen/clean": genLines(t, 6, 30, gen.Anomalies{}),
		"gen/anomalies": genLines(t, 8, 20, gen.Anomalies{TaskSkew: 8, ShuffleSkew: 10, Spill: 0.5,
			GCPressure: 0.3, ExecutorLoss: 2, FetchFailures: 2, TaskFailures: 0.05, FailedJob: true}),
	}
	for _, rel := range adaptiveLogs {
		logs[rel] = codecLines(t, filepath.Join(eventlogs, rel))
	}
	for name, lines := range logs {
		n, fast := jobLinesTaken(t, lines)
		if n == 0 || fast != n {
			t.Errorf("%s: %d of %d job and stage events took the fast path", name, fast, n)
		}
	}
	if testing.Short() {
		return
	}
	needEventlogs(t)
	var n, fast int
	for _, p := range plainLogs(t) {
		a, b := jobLinesTaken(t, readLines(t, p))
		n, fast = n+a, fast+b
	}
	t.Logf("shared plain logs: %d of %d job and stage events took the fast path", fast, n)
}

// TestFastJobFallback: for each variant of a job or stage event, the
// model equals the fastjson path's, and the fast path takes the line or
// leaves it to fastjson as the table says.
func TestFastJobFallback(t *testing.T) {
	job := `{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":900,"Stage Infos":[{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"load at x:1","Number of Tasks":2,"RDD Info":[{"RDD ID":1,"Name":"r","Parent IDs":[],"Storage Level":{"Use Disk":false}}],"Parent IDs":[],"Details":"org.apache.spark.sql.DataFrameReader.load(DataFrameReader.scala:241)\nx.y(z:1)","Accumulables":[]},{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"Parent IDs":[0],"Details":"c"}],"Stage IDs":[0,1],"Properties":{"spark.rdd.scope":"{\"id\":\"2\"}","spark.job.description":"q1 \"a\"\nselect","spark.sql.execution.id":"7","callSite.short":"collect at x:2","spark.job.tags":"t"}}`
	sub := `{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"Parent IDs":[0],"Details":"d\ne","Submission Time":1000,"Accumulables":[]},"Properties":{"spark.job.description":"q2","spark.sql.execution.id":"8"}}`
	done := `{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"collect","Number of Tasks":2,"Submission Time":1000,"Completion Time":5000,"Accumulables":[{"ID":7,"Name":"number of output rows","Value":"12","Internal":false,"Count Failed Values":true,"Metadata":"sql"},{"ID":8,"Name":"internal.metrics.x","Value":3},{"ID":9,"Name":"peak memory","Value":40}]}}`
	env := `{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Version":"1.8"},"Spark Properties":{"spark.app.name":"a","spark.executor.memory":"4g"},"System Properties":{"k":"v"},"Classpath Entries":{"/a.jar":"System Classpath"}}`
	cases := []struct {
		name, line string
		fast       bool
	}{
		{"job valid", job, true},
		{"job members out of order", strings.Replace(job, `"Job ID":0,"Submission Time":900,`, `"Submission Time":900,"x":[{}],"Job ID":0,`, 1), true},
		{"job whitespace", strings.Replace(job, `"Stage IDs":[0,1]`, "\"Stage IDs\" : [ 0 , 1 ] ", 1), true},
		{"job null submission", strings.Replace(job, `"Submission Time":900`, `"Submission Time":null`, 1), true},
		{"job negative submission", strings.Replace(job, `"Submission Time":900`, `"Submission Time":-1`, 1), true},
		{"job no properties", strings.Replace(job, `,"Properties":{`, `,"Other":{`, 1), true},
		{"job null properties", strings.Replace(job, `"Properties":{`, `"Properties":null,"P":{`, 1), true},
		{"job properties string", strings.Replace(job, `"Properties":{`, `"Properties":"x","P":{`, 1), true},
		{"job description number", strings.Replace(job, `"spark.job.description":"q1 \"a\"\nselect"`, `"spark.job.description":5`, 1), true},
		{"job execution id bad", strings.Replace(job, `"spark.sql.execution.id":"7"`, `"spark.sql.execution.id":"7x"`, 1), true},
		{"job escaped execution id", strings.Replace(job, `"spark.sql.execution.id":"7"`, `"spark.sql.execution.id":"\u0037"`, 1), true},
		{"job no description", strings.Replace(job, `"spark.job.description"`, `"spark.job.other"`, 1), true},
		{"job null stage infos", strings.Replace(job, `"Stage Infos":[`, `"Stage Infos":null,"X":[`, 1), true},
		{"job null details", strings.Replace(job, `"Details":"c"`, `"Details":null`, 1), true},
		{"job escaped details", strings.Replace(job, `"Details":"c"`, `"Details":"\u0063\r\nd"`, 1), true},
		{"job details quote first", strings.Replace(job, `"Details":"c"`, `"Details":"c\"d\ne"`, 1), true},
		{"job details backslash n", strings.Replace(job, `"Details":"c"`, `"Details":"c\\nd\ne"`, 1), true},
		{"job details carriage return", strings.Replace(job, `"Details":"c"`, `"Details":"cd\r\ne"`, 1), true},
		{"job null stage name", strings.Replace(job, `"Stage Name":"collect"`, `"Stage Name":null`, 1), true},
		{"job escaped key in properties", strings.Replace(job, `"spark.job.tags"`, `"spark.job\u002etags"`, 1), false},
		{"job escaped key in stage info", strings.Replace(job, `"Stage Name":"collect"`, `"Stage\u0020Name":"collect"`, 1), false},
		{"job duplicate property", strings.Replace(job, `"spark.job.tags":"t"`, `"spark.job.tags":"t","spark.job.tags":"u"`, 1), false},
		{"job duplicate stage id", strings.Replace(job, `"Stage ID":1,`, `"Stage ID":1,"Stage ID":2,`, 1), false},
		{"job float stage id", strings.Replace(job, `"Stage ID":1,`, `"Stage ID":1.0,`, 1), false},
		{"job string job id", strings.Replace(job, `"Job ID":0`, `"Job ID":"0"`, 1), false},
		{"job no job id", strings.Replace(job, `"Job ID":0`, `"Job":0`, 1), false},
		{"job stage info not object", strings.Replace(job, `"Stage Infos":[`, `"Stage Infos":[3,`, 1), false},
		{"job stage ids strings", strings.Replace(job, `"Stage IDs":[0,1]`, `"Stage IDs":["0",1]`, 1), false},
		{"job null stage id", strings.Replace(job, `"Stage ID":1,`, `"Stage ID":null,`, 1), false},
		{"job huge submission", strings.Replace(job, `"Submission Time":900`, `"Submission Time":1234567890123456789012`, 1), false},
		{"job bad escape in rdd info", strings.Replace(job, `"Name":"r"`, `"Name":"\q"`, 1), false},
		{"job truncated", job[:len(job)-30], false},
		{"job trailing garbage", job + `]`, false},
		{"submitted valid", sub, true},
		{"submitted no properties", strings.Replace(sub, `,"Properties":{"spark.job.description":"q2","spark.sql.execution.id":"8"}`, ``, 1), true},
		{"submitted null properties", strings.Replace(sub, `"Properties":{`, `"Properties":null,"P":{`, 1), true},
		{"submitted properties array", strings.Replace(sub, `"Properties":{`, `"Properties":[],"P":{`, 1), true},
		{"submitted stage info null", strings.Replace(sub, `"Stage Info":{`, `"Stage Info":null,"S":{`, 1), false},
		{"submitted no stage info", strings.Replace(sub, `"Stage Info":{`, `"S":{`, 1), false},
		{"submitted float tasks", strings.Replace(sub, `"Number of Tasks":2`, `"Number of Tasks":2e0`, 1), false},
		{"submitted truncated", sub[:len(sub)-5], false},
		{"completed valid", done, true},
		{"completed failed", strings.Replace(done, `"Completion Time":5000`, `"Completion Time":5000,"Failure Reason":"boom\n\tat x"`, 1), true},
		{"completed no submission", strings.Replace(done, `"Submission Time":1000,`, ``, 1), true},
		{"completed null accumulables", strings.Replace(done, `"Accumulables":[`, `"Accumulables":null,"A":[`, 1), true},
		{"completed value number", strings.Replace(done, `"Value":"12"`, `"Value":12`, 1), true},
		{"completed value not integer", strings.Replace(done, `"Value":"12"`, `"Value":"12x"`, 1), true},
		{"completed value negative", strings.Replace(done, `"Value":"12"`, `"Value":"-12"`, 1), true},
		{"completed value plus sign", strings.Replace(done, `"Value":"12"`, `"Value":"+12"`, 1), true},
		{"completed value huge string", strings.Replace(done, `"Value":"12"`, `"Value":"123456789012345678901"`, 1), true},
		{"completed value null", strings.Replace(done, `"Value":"12"`, `"Value":null`, 1), true},
		{"completed value array", strings.Replace(done, `"Value":"12"`, `"Value":[1]`, 1), true},
		{"completed no value", strings.Replace(done, `,"Value":"12"`, ``, 1), true},
		{"completed id string", strings.Replace(done, `"ID":7,`, `"ID":"7",`, 1), true},
		{"completed no name", strings.Replace(done, `"Name":"number of output rows",`, ``, 1), true},
		{"completed name number", strings.Replace(done, `"Name":"number of output rows"`, `"Name":1`, 1), true},
		{"completed accumulable not object", strings.Replace(done, `"Accumulables":[`, `"Accumulables":[1,[2],"x",`, 1), true},
		{"completed members out of order", strings.Replace(done, `{"ID":7,"Name":"number of output rows","Value":"12",`, `{"Value":"12","Name":"number of output rows","ID":7,`, 1), true},
		{"completed float value internal", strings.Replace(done, `"Value":3}`, `"Value":3.5}`, 1), true},
		{"completed escaped name", strings.Replace(done, `"Name":"number of output rows"`, `"Name":"number of output r\u006fws"`, 1), false},
		{"completed escaped value", strings.Replace(done, `"Value":"12"`, `"Value":"1\u0032"`, 1), false},
		{"completed float value", strings.Replace(done, `"Value":40`, `"Value":40.5`, 1), false},
		{"completed float id", strings.Replace(done, `"ID":7,`, `"ID":7.0,`, 1), false},
		{"completed duplicate value", strings.Replace(done, `"Value":40`, `"Value":40,"Value":41`, 1), false},
		{"completed escaped key", strings.Replace(done, `"Value":40`, `"V\u0061lue":40`, 1), false},
		{"completed truncated", done[:len(done)-3], false},
		{"env valid", env, true},
		{"env escaped value", strings.Replace(env, `"spark.app.name":"a"`, `"spark.app.name":"\u00e9\n"`, 1), true},
		{"env duplicate property", strings.Replace(env, `"spark.app.name":"a"`, `"spark.app.name":"a","spark.app.name":"b"`, 1), true},
		{"env non-string property", strings.Replace(env, `"spark.app.name":"a"`, `"spark.app.name":1,"spark.x":null,"spark.y":{}`, 1), true},
		{"env empty properties", strings.Replace(env, `"Spark Properties":{"spark.app.name":"a","spark.executor.memory":"4g"}`, `"Spark Properties":{}`, 1), true},
		{"env escaped property key", strings.Replace(env, `"spark.app.name"`, `"spark.app\u002ename"`, 1), false},
		{"env properties array", strings.Replace(env, `"Spark Properties":{`, `"Spark Properties":[],"S":{`, 1), false},
		{"env properties null", strings.Replace(env, `"Spark Properties":{`, `"Spark Properties":null,"S":{`, 1), false},
		{"env no properties", strings.Replace(env, `"Spark Properties":{`, `"S":{`, 1), false},
		{"env duplicate properties", strings.Replace(env, `"Spark Properties":{`, `"Spark Properties":{},"Spark Properties":{`, 1), false},
		{"env bad escape in classpath", strings.Replace(env, `"/a.jar":"System Classpath"`, `"/a.jar":"\x"`, 1), false},
		{"env truncated", env[:len(env)-2], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.HasSuffix(c.name, " valid") && (c.line == job || c.line == sub || c.line == done || c.line == env) {
				t.Fatalf("the case does not change the line")
			}
			var st lineStats
			checkLine(t, []byte(c.line), &st)
			lines := [][]byte{[]byte(appStart), []byte(jobStart(5, 0)), []byte(stageSubmitted(0, 0, 2)),
				[]byte(taskStart(0, 1, 1000)), []byte(c.line), []byte(c.line)}
			fast, ref := buildBoth(lines, Options{LastUpdated: 1})
			sameApp(t, c.name, fast, ref)
			b := NewBuilder(Options{})
			for _, l := range lines[:4] {
				b.Line(l, "log", 1)
			}
			if took := b.fastLine([]byte(c.line)); took != c.fast {
				t.Errorf("fast path took the line: %v, want %v", took, c.fast)
			}
		})
	}
}

// BenchmarkJobLines measures the job, stage and environment events of the
// shared NDS log (114 lines of 25 KB JobStarts with their StageSubmitted
// and StageCompleted, and its EnvironmentUpdates), on the fast path and on
// fastjson's.
func BenchmarkJobLines(b *testing.B) {
	benchNDSLines(b, func(name string) bool { return jobEvents[name] })
}
