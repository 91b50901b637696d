package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/valyala/fastjson"
)

// The fast path must give exactly what the fastjson path (the reference)
// gives: per line, the decoded event; per log, the whole model.

// lineStats counts how lines went.
type lineStats struct{ task, taskFast, ignored, ignoredFast int }

// checkLine decodes one line both ways and fails t on any difference.
func checkLine(t testing.TB, line []byte, st *lineStats) {
	t.Helper()
	var p fastjson.Parser
	v, perr := p.ParseBytes(line)
	name := ""
	if perr == nil {
		name = string(v.GetStringBytes("Event"))
	}
	i, fastName, ok := fastPrefix(line)
	if !ok {
		return
	}
	switch {
	case fastName == "SparkListenerTaskEnd":
		st.task++
		var got, want taskEndEvent
		if !scanTaskEnd(line, i, &got) {
			return
		}
		st.taskFast++
		mustBeValid(t, line, perr, name, fastName)
		taskEndFromJSON(v, &want)
		if !reflect.DeepEqual(eventView(&got), eventView(&want)) {
			t.Fatalf("TaskEnd differs:\nfast %+v\nref  %+v\nline %s", eventView(&got), eventView(&want), line)
		}
	case fastName == "SparkListenerTaskStart":
		st.task++
		var got taskStartEvent
		if !scanTaskStart(line, i, &got) {
			return
		}
		st.taskFast++
		mustBeValid(t, line, perr, name, fastName)
		if want := taskStartFromJSON(v); !reflect.DeepEqual(startView(got), startView(want)) {
			t.Fatalf("TaskStart differs:\nfast %+v\nref  %+v\nline %s", startView(got), startView(want), line)
		}
	case fastName == sqlPrefix+"SparkListenerSQLAdaptiveExecutionUpdate", fastName == sqlPrefix+"SparkListenerSQLExecutionStart":
		checkSQL(t, line, i, v, perr, name, fastName)
	case jobEvents[fastName]:
		checkJobLine(t, NewBuilder(Options{}), line, i, v, perr, name, fastName)
	case knownIgnored[fastName]:
		st.ignored++
		if validObjectTail(line, i) {
			st.ignoredFast++
			mustBeValid(t, line, perr, name, fastName)
		}
	}
}

// fastPrefix is fastLine's dispatch, for tests.
func fastPrefix(line []byte) (int, string, bool) {
	if !bytes.HasPrefix(line, eventPrefix) {
		return 0, "", false
	}
	i := len(eventPrefix)
	j := bytes.IndexByte(line[i:], '"')
	if j < 0 || bytes.IndexByte(line[i:i+j], '\\') >= 0 {
		return 0, "", false
	}
	return i + j + 1, string(line[i : i+j]), true
}

// mustBeValid fails when the fast path accepted a line that fastjson or
// encoding/json (strict RFC 8259) rejects, or whose event fastjson names
// differently.
func mustBeValid(t testing.TB, line []byte, perr error, name, fastName string) {
	t.Helper()
	if perr != nil || !json.Valid(line) || name != fastName {
		t.Fatalf("fast path accepted a line fastjson reads as %q (err %v, json.Valid %v): %q", name, perr, json.Valid(line), line)
	}
}

type eventCmp struct {
	Key        stageKey
	Reason     string
	ReasonNil  bool
	TI         taskInfoCmp
	HasMetrics bool
	M          [numMetrics]int64
	Peaks      []string
}

type taskInfoCmp struct {
	ID, Index, Launch, Finish, GettingResult int64
	Executor                                 string
	ExecutorNil                              bool
	Failed, Killed, Speculative              bool
}

func infoView(ti taskInfo) taskInfoCmp {
	return taskInfoCmp{ti.id, ti.index, ti.launch, ti.finish, ti.gettingResult,
		string(ti.executor), ti.executor == nil, ti.failed, ti.killed, ti.speculative}
}

func eventView(e *taskEndEvent) eventCmp {
	c := eventCmp{Key: e.key, Reason: string(e.reason), ReasonNil: e.reason == nil,
		TI: infoView(e.ti), HasMetrics: e.hasMetrics, M: e.m}
	for _, p := range e.peaks {
		c.Peaks = append(c.Peaks, string(p.name)+"="+itoa(p.v))
	}
	return c
}

func startView(s taskStartEvent) any {
	return struct {
		Key stageKey
		TI  taskInfoCmp
	}{s.key, infoView(s.ti)}
}

// buildBoth builds the model of lines on both paths.
func buildBoth(lines [][]byte, opts Options) (fast, ref *App) {
	bf, br := NewBuilder(opts), NewBuilder(opts)
	br.noFast = true
	for i, l := range lines {
		bf.Line(l, "log", int64(i+1))
		br.Line(l, "log", int64(i+1))
	}
	return bf.Finish(false), br.Finish(false)
}

// buildKeepDist builds the model on the fastjson path, sorting every
// metric's distribution (as the conformance tests do).
func buildKeepDist(lines [][]byte, opts Options) *App {
	b := NewBuilder(opts)
	b.noFast, b.keepDist = true, true
	for i, l := range lines {
		b.Line(l, "log", int64(i+1))
	}
	return b.Finish(false)
}

// sameApp fails t when the two models differ anywhere.
func sameApp(t testing.TB, what string, fast, ref *App) {
	t.Helper()
	if reflect.DeepEqual(fast, ref) {
		return
	}
	parts := map[string][2]any{"Row": {fast.Row, ref.Row}, "Stages": {fast.Stages, ref.Stages},
		"Executors": {fast.Executors, ref.Executors}, "Jobs": {fast.Jobs, ref.Jobs},
		"SQL": {fast.SQL, ref.SQL}, "Conf": {fast.Conf, ref.Conf}, "Warnings": {fast.Warnings, ref.Warnings}}
	for k, p := range parts {
		if !reflect.DeepEqual(p[0], p[1]) {
			f, _ := json.Marshal(p[0])
			r, _ := json.Marshal(p[1])
			t.Errorf("%s: %s differ:\nfast %.2000s\nref  %.2000s", what, k, f, r)
		}
	}
}

// readLines reads the lines of a log file in any codec.
func readLines(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, filepath.Base(path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	var out [][]byte
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			out = append(out, bytes.TrimSuffix(line, []byte("\n")))
		}
		if err != nil {
			return out
		}
	}
}

// TestFastPathDifferential compares the two paths line by line and model
// by model over every file of every shared log, in any codec (among them
// the Photon NDS log whose accumulables the memo is built for), and
// generated logs with anomalies.
func TestFastPathDifferential(t *testing.T) {
	logs := map[string][][]byte{}
	if _, err := os.Stat(eventlogs); err == nil {
		for _, p := range everyLogFile(t) {
			rel, _ := filepath.Rel(eventlogs, p)
			logs[rel] = readLines(t, p)
		}
	}
	logs["gen/clean"] = genLines(t, 6, 300, gen.Anomalies{})
	logs["gen/anomalies"] = genLines(t, 8, 200, gen.Anomalies{TaskSkew: 8, ShuffleSkew: 10, Spill: 0.5,
		GCPressure: 0.3, ExecutorLoss: 2, FetchFailures: 2, TaskFailures: 0.05, FailedJob: true})
	var total lineStats
	for name, lines := range logs {
		t.Run(name, func(t *testing.T) {
			var st lineStats
			for _, l := range lines {
				checkLine(t, l, &st)
			}
			fast, ref := buildBoth(lines, Options{LastUpdated: 1, AppID: "x"})
			sameApp(t, name, fast, ref)
			if full := buildKeepDist(lines, Options{LastUpdated: 1, AppID: "x"}); !reflect.DeepEqual(full.Stages, fast.Stages) {
				t.Errorf("stage rows differ when every metric's distribution is kept")
			}
			total.task += st.task
			total.taskFast += st.taskFast
			total.ignored += st.ignored
			total.ignoredFast += st.ignoredFast
			if strings.HasPrefix(name, "gen/") && st.taskFast != st.task {
				t.Errorf("only %d of %d generated task lines took the fast path", st.taskFast, st.task)
			}
		})
	}
	t.Logf("task lines on the fast path: %d of %d; ignored events validated: %d of %d",
		total.taskFast, total.task, total.ignoredFast, total.ignored)
}

// everyLogFile lists every file of the shared logs but the History
// Server's expectations, the notes and the rolling logs' status files.
func everyLogFile(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(eventlogs, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "expectations":
			return filepath.SkipDir
		case !d.IsDir() && !strings.HasSuffix(p, ".md") && !strings.HasPrefix(d.Name(), "appstatus_"):
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list %s: %v", eventlogs, err)
	}
	return out
}

// TestFastPathFallback checks lines the fast path must hand to fastjson:
// the model equals the reference, malformed lines are counted with
// fastjson's own warning.
func TestFastPathFallback(t *testing.T) {
	end := `{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":1,"Index":0,"Launch Time":1000,"Executor ID":"1","Finish Time":3000,"Failed":false,"Killed":false,"Accumulables":[{"ID":1,"Update":"7","Value":[1,2]}]},"Task Executor Metrics":{"JVMHeapMemory":5},"Task Metrics":{"Executor Run Time":1500,"Shuffle Read Metrics":{"Remote Bytes Read":10,"Local Bytes Read":1}}}`
	cases := map[string]string{
		"valid":              end,
		"escaped key":        strings.Replace(end, `"Stage ID"`, `"Stage\u0020ID"`, 1),
		"escaped executor":   strings.Replace(end, `"Executor ID":"1"`, `"Executor ID":"\u0031"`, 1),
		"float metric":       strings.Replace(end, `1500`, `1.5e3`, 1),
		"string id":          strings.Replace(end, `"Task ID":1`, `"Task ID":"1"`, 1),
		"duplicate key":      strings.Replace(end, `"Stage ID":0`, `"Stage ID":0,"Stage ID":7`, 1),
		"null metrics":       strings.Replace(end, `"Task Metrics":{"Executor Run Time":1500,`, `"Task Metrics":null,"x":{`, 1),
		"bad escape skipped": strings.Replace(end, `"Update":"7"`, `"Update":"\x"`, 1),
		"ctrl char skipped":  strings.Replace(end, `"Update":"7"`, "\"Update\":\"\t\"", 1),
		"bad number skipped": strings.Replace(end, `"Update":"7"`, `"Update":1-2`, 1),
		"leading zero":       strings.Replace(end, `"Update":"7"`, `"Update":07`, 1),
		"bad literal":        strings.Replace(end, `"Failed":false`, `"Failed":fals`, 1),
		"trailing garbage":   end + `}`,
		"truncated":          end[:len(end)-40],
		"missing comma":      strings.Replace(end, `"ID":1,`, `"ID":1 `, 1),
		"peak float":         strings.Replace(end, `"JVMHeapMemory":5`, `"JVMHeapMemory":5.5,"X":"y"`, 1),
		"huge number":        strings.Replace(end, `"Launch Time":1000`, `"Launch Time":123456789012345678901`, 1),
		"whitespace":         strings.Replace(end, `"Stage ID":0,`, "\"Stage ID\" : 0 ,\t", 1),
		"ignored valid":      `{"Event":"SparkListenerBlockUpdated","Block Updated Info":{"Block ID":"rdd_1_2","Memory Size":1}}`,
		"ignored broken":     `{"Event":"SparkListenerBlockUpdated","Block Updated Info":{"Block ID":"rdd_1_2","Memory Size":}}`,
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			var st lineStats
			checkLine(t, []byte(line), &st)
			lines := [][]byte{[]byte(appStart), []byte(`{"Event":"SparkListenerExecutorAdded","Timestamp":2,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2}}`),
				[]byte(jobStart(0, 0)), []byte(stageSubmitted(0, 0, 2)), []byte(taskStart(0, 1, 1000)), []byte(line)}
			fast, ref := buildBoth(lines, Options{LastUpdated: 1})
			sameApp(t, name, fast, ref)
		})
	}
}

// TestPeakOrderLearned checks the Task Executor Metrics of tasks written in
// an order peaksOrder does not predict (Databricks adds members among
// Spark's), read by prediction from the second task on: every peak, known
// or not, must be what the fastjson path reads.
func TestPeakOrderLearned(t *testing.T) {
	names := []string{"JVMHeapMemory", "JVMOffHeapMemory", "NettyDirectMemory", "JvmDirectMemory",
		"OnHeapExecutionMemory", "TotalOffHeapMemory", "ProcessTreeJVMVMemory", "MinorGCCount", "MajorGCTime"}
	lines := [][]byte{[]byte(appStart), []byte(`{"Event":"SparkListenerExecutorAdded","Timestamp":2,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2}}`),
		[]byte(jobStart(0, 0)), []byte(stageSubmitted(0, 0, 4))}
	for task := int64(1); task <= 4; task++ {
		lines = append(lines, []byte(taskStart(0, task, 1000)))
		var peaks []string
		for k, n := range names {
			if task == 3 && k == 2 { // one task without a member: the order is learned again
				continue
			}
			peaks = append(peaks, fmt.Sprintf(`"%s":%d`, n, 1000*task+int64(len(names)-k)*7919*task)) // falling: a value under the wrong known name shows
		}
		lines = append(lines, []byte(fmt.Sprintf(`{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{"Reason":"Success"},`+
			`"Task Info":{"Task ID":%d,"Index":%d,"Launch Time":1000,"Executor ID":"1","Finish Time":3000,"Failed":false,"Killed":false,"Accumulables":[]},`+
			`"Task Executor Metrics":{%s},"Task Metrics":{"Executor Run Time":1500}}`, task, task-1, strings.Join(peaks, ","))))
	}
	var st lineStats
	for _, l := range lines {
		checkLine(t, l, &st)
	}
	if st.taskFast != st.task {
		t.Fatalf("%d of %d task lines on the fast path", st.taskFast, st.task)
	}
	fast, ref := buildBoth(lines, Options{LastUpdated: 1})
	sameApp(t, "learned peak order", fast, ref)
}

// FuzzFastPath checks, for arbitrary lines, that the fast path never
// panics, accepts only lines fastjson and encoding/json accept, decodes
// them as the fastjson path does, and leaves the model identical.
// Seeds: testdata/fuzz/FuzzFastPath and the FuzzLine corpus's lines.
func FuzzFastPath(f *testing.F) {
	for _, l := range genLines(f, 2, 3, gen.Anomalies{TaskFailures: 0.5}) {
		if bytes.Contains(l[:min(len(l), 40)], []byte("Task")) {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"Event":"SparkListenerTaskEnd","Task Info":{"Task ID":1,"Executor ID":"1"},"Task Metrics":{"Input Metrics":{"Bytes Read":-0}}}`))
	f.Add([]byte(`{"Event":"SparkListenerBlockUpdated","x":[1,{"a":"\u00e9"}]}`))
	f.Add([]byte(adaptiveUpdate0))
	f.Add([]byte(finalUpdate0))
	f.Add([]byte(sqlStart0))
	prelude := [][]byte{[]byte(appStart),
		[]byte(`{"Event":"SparkListenerExecutorAdded","Timestamp":2,"Executor ID":"1","Executor Info":{"Host":"h","Total Cores":2}}`),
		[]byte(jobStart(0, 0, 1)), []byte(stageSubmitted(0, 0, 2)), []byte(taskStart(0, 1, 1000)), []byte(taskStart(0, 2, 1000)),
		[]byte(sqlStart0)}
	f.Fuzz(func(t *testing.T, line []byte) {
		var st lineStats
		checkLine(t, line, &st)
		lines := append(append([][]byte{}, prelude...), line, line)
		fast, ref := buildBoth(lines, Options{MaxWarnings: 3})
		sameApp(t, "fuzz", fast, ref)
	})
}
