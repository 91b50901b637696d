package extract

import (
	"fmt"
	"strings"
	"testing"
)

// Synthetic event lines for rules the shared expectations do not exercise.
// Expected values are worked out by hand from the History Server rules in
// eventlog-format.md §4, never taken from this package's output.

func stageSubmitted(id, att, n int64) string {
	return fmt.Sprintf(`{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":%d,"Stage Attempt ID":%d,"Stage Name":"s%d","Number of Tasks":%d,"Submission Time":1000}}`, id, att, id, n)
}

func stageCompleted(id, att, n int64) string {
	return fmt.Sprintf(`{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":%d,"Stage Attempt ID":%d,"Stage Name":"s%d","Number of Tasks":%d,"Submission Time":1000,"Completion Time":5000}}`, id, att, id, n)
}

func taskStart(stage, task, launch int64) string {
	return fmt.Sprintf(`{"Event":"SparkListenerTaskStart","Stage ID":%d,"Stage Attempt ID":0,"Task Info":{"Task ID":%d,"Index":%d,"Launch Time":%d,"Executor ID":"1","Finish Time":0}}`, stage, task, task, launch)
}

// taskEnd ends a task; reason Success gives a successful Task Info, any
// other reason a failed one (TaskKilled a killed one).
func taskEnd(stage, task, launch, finish, runTime int64, reason string) string {
	failed, killed := reason != "Success" && reason != "TaskKilled", reason == "TaskKilled"
	return fmt.Sprintf(`{"Event":"SparkListenerTaskEnd","Stage ID":%d,"Stage Attempt ID":0,"Task End Reason":{"Reason":%q},`+
		`"Task Info":{"Task ID":%d,"Index":%d,"Launch Time":%d,"Executor ID":"1","Finish Time":%d,"Failed":%t,"Killed":%t,"Accumulables":[{"ID":1,"Update":"7","Value":[1,2]}]},`+
		`"Task Metrics":{"Executor Run Time":%d,"Executor CPU Time":2500000,"Shuffle Read Metrics":{"Remote Bytes Read":%d,"Local Bytes Read":1}}}`,
		stage, reason, task, task, launch, finish, failed, killed, runTime, runTime*10)
}

func jobStart(job int64, stages ...int64) string {
	var infos, ids []string
	for _, s := range stages {
		infos = append(infos, fmt.Sprintf(`{"Stage ID":%d,"Stage Attempt ID":0,"Stage Name":"s%d","Number of Tasks":2}`, s, s))
		ids = append(ids, fmt.Sprint(s))
	}
	return fmt.Sprintf(`{"Event":"SparkListenerJobStart","Job ID":%d,"Submission Time":%d,"Stage Infos":[%s],"Stage IDs":[%s]}`,
		job, 900+job*1000, strings.Join(infos, ","), strings.Join(ids, ","))
}

func jobEnd(job int64, result string) string {
	return fmt.Sprintf(`{"Event":"SparkListenerJobEnd","Job ID":%d,"Completion Time":%d,"Job Result":{"Result":%q}}`, job, 1800+job*1000, result)
}

const (
	appStart = `{"Event":"SparkListenerApplicationStart","App Name":"t","App ID":"app-1","Timestamp":500,"User":"u"}`
	appEnd   = `{"Event":"SparkListenerApplicationEnd","Timestamp":9000}`
)

func run(opts Options, lines ...string) (*Builder, *App) {
	b := NewBuilder(opts)
	b.keepDist = true
	for i, l := range lines {
		b.Line([]byte(l), "test", int64(i+1))
	}
	return b, b.Finish(false)
}

func TestDurationQuirk(t *testing.T) {
	// Two successful tasks (durations 100, 200), two failed (10, 20) and one
	// never ended (launched at 1000, LastUpdated 2000: 1000). N = 2, so
	// idx(q) = min(int(2q), 1); the duration list holds all five values
	// [10 20 100 200 1000], the run-time list only [50 60].
	b, app := run(Options{LastUpdated: 2000},
		jobStart(0, 0), stageSubmitted(0, 0, 5),
		taskStart(0, 1, 1000), taskStart(0, 2, 1000), taskStart(0, 3, 1000), taskStart(0, 4, 1000), taskStart(0, 5, 1000),
		taskEnd(0, 1, 1000, 1100, 50, "Success"), taskEnd(0, 2, 1000, 1200, 60, "Success"),
		taskEnd(0, 3, 1000, 1010, 5, "ExceptionFailure"), taskEnd(0, 4, 1000, 1020, 6, "ExecutorLostFailure"),
	)
	s := app.Stages[0]
	tests := []struct {
		name      string
		got, want float64
	}{
		{"duration min", s.TaskDurationMSMin, 10},
		{"duration p50", s.TaskDurationMSP50, 20},
		{"duration max", s.TaskDurationMSMax, 20},
		{"run time min", s.TaskRunTimeMSMin, 50},
		{"run time max", s.TaskRunTimeMSMax, 60},
		{"duration skew", s.DurationSkew, 1},
		{"quantile tasks", float64(s.QuantileTasks), 2},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if got := b.rows[stageKey{0, 0}].dist.quantiles(mDuration, 0.99); got[0] != 20 {
		t.Errorf("duration q0.99 = %v, want 20", got)
	}
	if s.Status != StatusActive || s.ExecutorCPUTimeNS != 4*2500000 || s.ExecutorCPUTimeMS != 10 {
		t.Errorf("status %s, cpu ns %d ms %d; want ACTIVE, 10000000, 10", s.Status, s.ExecutorCPUTimeNS, s.ExecutorCPUTimeMS)
	}
}

func TestStageCounters(t *testing.T) {
	// Success, Resubmitted (failed), TaskKilled and TaskCommitDenied
	// (killed); a task ending after the stage left the live set changes
	// nothing in the row. Task 5 never ends: the Resubmitted end of task 1
	// brings the active count to 0 anyway (the History Server's drift), so
	// the stage leaves the live set at StageCompleted.
	_, app := run(Options{},
		jobStart(0, 0), stageSubmitted(0, 0, 4),
		taskStart(0, 1, 1000), taskStart(0, 2, 1000), taskStart(0, 3, 1000), taskStart(0, 4, 1000), taskStart(0, 5, 1000),
		taskEnd(0, 1, 1000, 1100, 50, "Success"), taskEnd(0, 2, 1000, 1100, 50, "TaskKilled"),
		taskEnd(0, 3, 1000, 1100, 50, "TaskCommitDenied"), taskEnd(0, 4, 1000, 1100, 50, "Success"),
		taskEnd(0, 1, 1000, 1100, 50, "Resubmitted"),
		stageCompleted(0, 0, 4),
		taskEnd(0, 9, 1000, 1100, 50, "Success"), // after the stage left: ignored
		jobEnd(0, "JobSucceeded"),
	)
	s := app.Stages[0]
	got := [6]int64{s.CompleteTasks, s.FailedTasks, s.KilledTasks, s.CompletedIndices, s.ExecutorRunTimeMS, s.ShuffleReadBytes}
	want := [6]int64{2, 1, 2, 2, 200, 4 * 501}
	if got != want || s.Status != StatusComplete {
		t.Errorf("complete/failed/killed/indices/run/shuffle = %v %s, want %v COMPLETE", got, s.Status, want)
	}
	// The failed end is a Resubmitted (a consequence, not a crash); the
	// killed ones a TaskKilled and a TaskCommitDenied.
	if r := [3]int64{s.ResubmittedTasks, s.CommitDeniedTasks, s.ExceptionFailures}; r != [3]int64{1, 1, 0} {
		t.Errorf("resubmitted/commit denied/exceptions = %v, want [1 1 0]", r)
	}
}

func TestSkippedOverwrite(t *testing.T) {
	// Job 1 lists stage 0 attempt 0, already complete: a fresh PENDING
	// object replaces it and becomes SKIPPED with zero counters at job end.
	_, app := run(Options{},
		jobStart(0, 0), stageSubmitted(0, 0, 1), taskStart(0, 1, 1000),
		taskEnd(0, 1, 1000, 1100, 50, "Success"), stageCompleted(0, 0, 1), jobEnd(0, "JobSucceeded"),
		jobStart(1, 0, 1), stageSubmitted(1, 0, 1), stageCompleted(1, 0, 1), jobEnd(1, "JobSucceeded"),
	)
	s := app.Stages[0]
	if s.Status != StatusSkipped || s.CompleteTasks != 0 || s.ExecutorRunTimeMS != 0 {
		t.Errorf("stage 0: %s, complete %d, run %d; want SKIPPED, 0, 0", s.Status, s.CompleteTasks, s.ExecutorRunTimeMS)
	}
	if s.QuantileTasks != 1 || s.TaskRunTimeMSMax != 50 {
		t.Errorf("stage 0 summary: %d tasks, run max %v; want the task store kept: 1, 50", s.QuantileTasks, s.TaskRunTimeMSMax)
	}
	if app.Row.Stages != 2 || app.Stages[1].Status != StatusComplete {
		t.Errorf("stages %d, stage 1 %s; want 2, COMPLETE", app.Row.Stages, app.Stages[1].Status)
	}
}

func TestWarningsAndStatus(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		lines     []string
		status    string
		malformed int64
		unknown   int64
		firstWarn string
	}{
		{"succeeded", Options{}, []string{appStart, jobStart(0), jobEnd(0, "JobSucceeded"), appEnd}, AppSucceeded, 0, 0, ""},
		{"no end", Options{}, []string{appStart}, AppIncomplete, 0, 0, ""},
		{"in progress", Options{InProgress: true}, []string{appStart, appEnd}, AppIncomplete, 0, 0, ""},
		{"exit code", Options{}, []string{appStart, `{"Event":"SparkListenerApplicationEnd","Timestamp":9000,"ExitCode":1}`}, AppFailed, 0, 0, ""},
		{"last job failed", Options{}, []string{appStart, jobStart(0), jobEnd(0, "JobFailed"), appEnd}, AppFailed, 0, 0, ""},
		{"bad lines", Options{MaxWarnings: 1}, []string{appStart, `{"Event":`, `{"x":1}`, `{"Event":"Custom"}`, appEnd}, AppSucceeded, 2, 1, "test:2: malformed JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, app := run(tc.opts, tc.lines...)
			r := app.Row
			if r.Status != tc.status || r.MalformedLines != tc.malformed || r.UnknownEvents != tc.unknown {
				t.Errorf("status %s malformed %d unknown %d, want %s %d %d", r.Status, r.MalformedLines, r.UnknownEvents, tc.status, tc.malformed, tc.unknown)
			}
			if tc.firstWarn != "" && (len(app.Warnings) != 1 || !strings.HasPrefix(app.Warnings[0].String(), tc.firstWarn)) {
				t.Errorf("warnings %v, want one starting %q", app.Warnings, tc.firstWarn)
			}
		})
	}
}

func TestQuantileIndex(t *testing.T) {
	// Floating-point artefacts the History Server has too (§4.1).
	tests := []struct {
		q    float64
		n    int64
		want int64
	}{
		{0.29, 100, 28}, {0.55, 100, 55}, {0.57, 100, 56}, {0, 5, 0}, {1, 5, 4}, {0.95, 1, 0},
	}
	for _, tc := range tests {
		if got := QuantileIndex(tc.q, tc.n); got != tc.want {
			t.Errorf("QuantileIndex(%v, %d) = %d, want %d", tc.q, tc.n, got, tc.want)
		}
	}
}

func TestConfAndMemory(t *testing.T) {
	env := `{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.executor.memory":"4g","spark.executor.cores":"2",` +
		`"spark.yarn.queue":"etl","spark.app.name":"x","spark.executor.extraJavaOptions":"-Dtoken=abc",` +
		`"spark.driver.memory":"2048","spark.driver.memoryOverhead":"512"}}`
	_, app := run(Options{}, appStart, env, appEnd)
	r := app.Row
	if r.ExecutorMemoryMB != 4096+409 || r.DriverMemoryMB != 2560 || r.ExecutorCores != 2 || r.Queue != "etl" {
		t.Errorf("exec mem %d, driver mem %d, cores %d, queue %q; want 4505, 2560, 2, etl", r.ExecutorMemoryMB, r.DriverMemoryMB, r.ExecutorCores, r.Queue)
	}
	if _, ok := app.Conf["spark.app.name"]; ok {
		t.Errorf("spark.app.name kept in conf")
	}
	if v := app.Conf["spark.executor.extraJavaOptions"]; !strings.Contains(v, "redacted") {
		t.Errorf("extraJavaOptions = %q, want redacted", v)
	}
}
