package gen

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func gen1(t testing.TB, s Spec) ([]byte, Stats) {
	t.Helper()
	var b bytes.Buffer
	st, err := Write(&b, s)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if st.Bytes != int64(b.Len()) {
		t.Fatalf("Stats.Bytes = %d, wrote %d", st.Bytes, b.Len())
	}
	return b.Bytes(), st
}

func small(seed int64) Spec {
	return Spec{Seed: seed, Executors: 4, ExecutorCores: 2, Stages: 6, TasksPerStage: 40, MedianTaskMS: 800}
}

func allAnomalies(seed int64) Spec {
	s := small(seed)
	s.Stages = 16
	s.Anomalies = Anomalies{TaskSkew: 8, ShuffleSkew: 10, Spill: 0.5, GCPressure: 0.3, ExecutorLoss: 2,
		FetchFailures: 3, TaskFailures: 0.1, FailedJob: true, TinyTasks: true, UnderParallel: true,
		IdleExecutors: 0.7, LargeResult: 2 << 30, LongStage: true}
	return s
}

func TestDeterministic(t *testing.T) {
	for _, s := range []Spec{small(1), allAnomalies(2), {Seed: 3, PlanBytes: 50000}} {
		a, _ := gen1(t, s)
		b, _ := gen1(t, s)
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: two runs differ", s.Seed)
		}
		s.Seed += 100
		c, _ := gen1(t, s)
		if bytes.Equal(a, c) {
			t.Errorf("seed %d and %d give the same bytes", s.Seed-100, s.Seed)
		}
	}
}

func TestEveryLineValidEventFirst(t *testing.T) {
	for name, s := range map[string]Spec{"clean": small(1), "anomalies": allAnomalies(3), "rdd-only": {Seed: 4, SQLQueries: -1}} {
		log, st := gen1(t, s)
		a := parseApp(t, log)
		if a.eventFirstBad != 0 {
			t.Errorf("%s: %d lines do not start with \"Event\"", name, a.eventFirstBad)
		}
		if int64(a.lines) != st.Lines {
			t.Errorf("%s: Stats.Lines = %d, log has %d", name, st.Lines, a.lines)
		}
	}
}

func TestCountsMatchSpec(t *testing.T) {
	cases := []struct {
		s              Spec
		stages, tasks  int
		sqlExecs, jobs int // sqlExecs -1: one per job; jobs -1: not checked
	}{
		{Spec{Seed: 1, Stages: 1, TasksPerStage: 1}, 1, 1, 1, 1},
		{small(2), 6, 240, -1, -1},
		{Spec{Seed: 5, Stages: 30, TasksPerStage: 100, SQLQueries: 4}, 30, 3000, 4, -1},
		{Spec{Seed: 6, Stages: 10, TasksPerStage: 10, SQLQueries: -1}, 10, 100, 0, -1},
	}
	for _, c := range cases {
		log, st := gen1(t, c.s)
		a := parseApp(t, log)
		ids := map[int64]bool{}
		for k := range a.stages {
			ids[k.id] = true
		}
		if len(ids) != c.stages || st.Stages != int64(c.stages) {
			t.Errorf("seed %d: %d stages in log, Stats %d, want %d", c.s.Seed, len(ids), st.Stages, c.stages)
		}
		if a.counts["SparkListenerTaskEnd"] != c.tasks || a.counts["SparkListenerTaskStart"] != c.tasks || st.Tasks != int64(c.tasks) {
			t.Errorf("seed %d: %d task ends, %d starts, Stats %d, want %d", c.s.Seed,
				a.counts["SparkListenerTaskEnd"], a.counts["SparkListenerTaskStart"], st.Tasks, c.tasks)
		}
		if a.counts["SparkListenerJobStart"] != int(st.Jobs) || a.counts["SparkListenerJobEnd"] != int(st.Jobs) {
			t.Errorf("seed %d: job starts %d, ends %d, Stats.Jobs %d", c.s.Seed,
				a.counts["SparkListenerJobStart"], a.counts["SparkListenerJobEnd"], st.Jobs)
		}
		if c.jobs >= 0 && int(st.Jobs) != c.jobs {
			t.Errorf("seed %d: %d jobs, want %d", c.s.Seed, st.Jobs, c.jobs)
		}
		if c.sqlExecs < 0 {
			c.sqlExecs = int(st.Jobs)
		}
		if len(a.sqlStarts) != c.sqlExecs || len(a.sqlEnds) != c.sqlExecs {
			t.Errorf("seed %d: %d SQL starts, %d ends, want %d", c.s.Seed, len(a.sqlStarts), len(a.sqlEnds), c.sqlExecs)
		}
		for _, ev := range []string{"SparkListenerLogStart", "SparkListenerApplicationStart", "SparkListenerApplicationEnd",
			"SparkListenerEnvironmentUpdate", "SparkListenerResourceProfileAdded"} {
			if a.counts[ev] != 1 {
				t.Errorf("seed %d: %d %s, want 1", c.s.Seed, a.counts[ev], ev)
			}
		}
	}
}

func TestIncomplete(t *testing.T) {
	s := small(7)
	s.Incomplete = true
	log, _ := gen1(t, s)
	if a := parseApp(t, log); a.hasEnd {
		t.Error("incomplete log has an ApplicationEnd")
	}
}

// TestInvariants checks the identities every log must keep, with and
// without anomalies.
func TestInvariants(t *testing.T) {
	for name, s := range map[string]Spec{"clean": small(11), "anomalies": allAnomalies(12), "defaults": {Seed: 13},
		"driver-bound": {Seed: 14, Anomalies: Anomalies{DriverBound: 0.6, ExecutorLoss: 3}}} {
		t.Run(name, func(t *testing.T) {
			log, _ := gen1(t, s)
			checkInvariants(t, parseApp(t, log))
		})
	}
}

func checkInvariants(t *testing.T, a *tApp) {
	for i := 1; i < len(a.taskStartIDs); i++ {
		if a.taskStartIDs[i] != a.taskStartIDs[i-1]+1 {
			t.Fatalf("task ids not consecutive: %d after %d", a.taskStartIDs[i], a.taskStartIDs[i-1])
		}
	}
	for _, k := range a.stageOrder {
		s := a.stages[k]
		if int(s.numTasks) > len(s.tasks) && s.failure == "" {
			t.Errorf("stage %v: %d tasks ended of %d", k, len(s.tasks), s.numTasks)
		}
		for _, tk := range s.tasks {
			checkTask(t, a, s, tk)
		}
	}
	for _, j := range a.jobs {
		for _, sid := range j.stages {
			for k, s := range a.stages {
				if k.id == sid && (s.submit < j.start || s.complete > j.end) {
					t.Errorf("job %d [%d,%d] does not cover stage %v [%d,%d]", j.id, j.start, j.end, k, s.submit, s.complete)
				}
			}
		}
		if j.sqlExec != "" && (a.sqlStarts[j.sqlExec] > j.start || a.sqlEnds[j.sqlExec] < j.end) {
			t.Errorf("SQL execution %s does not cover job %d", j.sqlExec, j.id)
		}
	}
}

func checkTask(t *testing.T, a *tApp, s *tStage, tk tTask) {
	t.Helper()
	k := s.key
	switch {
	case tk.launch < s.submit || tk.finish > s.complete:
		t.Errorf("stage %v [%d,%d] does not cover task %d [%d,%d]", k, s.submit, s.complete, tk.id, tk.launch, tk.finish)
	case tk.duration() < 0 || tk.run+tk.deser+tk.ser > tk.duration():
		t.Errorf("task %d: run %d + deser %d + ser %d > duration %d", tk.id, tk.run, tk.deser, tk.ser, tk.duration())
	case tk.cpu > tk.run*1_000_000 || tk.gc > tk.run:
		t.Errorf("task %d: cpu %d ns or gc %d ms over run %d ms", tk.id, tk.cpu, tk.gc, tk.run)
	case tk.hasMetrics && tk.reason == "Success" && tk.accRunPresent == 1 && tk.accRunUpdate != tk.run:
		t.Errorf("task %d: accumulable run time %d != metric %d", tk.id, tk.accRunUpdate, tk.run)
	case (tk.reason == "Success") == (tk.failed || tk.killed):
		t.Errorf("task %d: reason %s with Failed=%v Killed=%v", tk.id, tk.reason, tk.failed, tk.killed)
	case tk.reason != "Success" && tk.reason != "FetchFailed" && tk.reason != "TaskKilled" && !retried(s, tk):
		t.Errorf("task %d (index %d attempt %d) failed with %s and was not retried", tk.id, tk.index, tk.attempt, tk.reason)
	}
	e := a.execs[tk.exec]
	if e == nil || tk.launch < e.added || (e.removed > 0 && tk.finish > e.removed) {
		t.Errorf("task %d runs [%d,%d] outside executor %s's life %+v", tk.id, tk.launch, tk.finish, tk.exec, e)
	}
}

// retried reports whether a later attempt of tk's partition ran, or the
// stage failed (which ends retries).
func retried(s *tStage, tk tTask) bool {
	if s.failure != "" {
		return true
	}
	for _, o := range s.tasks {
		if o.index == tk.index && o.attempt == tk.attempt+1 {
			return true
		}
	}
	return false
}

// TestTaskSkew: a planted skew k gives max/median duration ≈ k in the
// stage AnomalyStages names, computed from the parsed log.
func TestTaskSkew(t *testing.T) {
	for _, k := range []float64{3, 6, 12, 30} {
		s := small(21)
		s.TasksPerStage = 101
		s.Anomalies.TaskSkew = k
		log, _ := gen1(t, s)
		a := parseApp(t, log)
		sid := int64(AnomalyStages(s)["task_skew"][0])
		got := a.stages[stageKey{sid, 0}].skew(tTask.duration)
		if math.Abs(got-k)/k > 0.1 {
			t.Errorf("TaskSkew %v: stage %d max/median duration = %.2f", k, sid, got)
		}
		for key, st := range a.stages {
			if key.id != sid && st.skew(tTask.duration) > 1.5 {
				t.Errorf("TaskSkew %v: unplanted stage %v has skew %.2f", k, key, st.skew(tTask.duration))
			}
		}
	}
}

func TestIdleExecutors(t *testing.T) {
	for _, f := range []float64{0.5, 0.7, 0.9, 0.95} {
		s := small(31)
		s.Anomalies.IdleExecutors = f
		log, _ := gen1(t, s)
		got := parseApp(t, log).utilization()
		if math.Abs(got-(1-f)) > 0.02 {
			t.Errorf("IdleExecutors %v: utilization %.3f, want %.3f", f, got, 1-f)
		}
	}
}

func TestDriverBound(t *testing.T) {
	for _, d := range []float64{0.3, 0.5, 0.8} {
		s := small(41)
		s.Anomalies.DriverBound = d
		log, _ := gen1(t, s)
		got := parseApp(t, log).noJobFraction()
		if math.Abs(got-d) > 0.02 {
			t.Errorf("DriverBound %v: no-job fraction %.3f", d, got)
		}
	}
}

func TestCleanSpecIsClean(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		log, _ := gen1(t, Spec{Seed: seed})
		a := parseApp(t, log)
		for k, s := range a.stages {
			if sk := s.skew(tTask.duration); sk > 1.5 {
				t.Errorf("seed %d stage %v: duration skew %.2f", seed, k, sk)
			}
			if sk := s.skew(func(t tTask) int64 { return t.srLocal + t.srRemote }); sk > 1.5 {
				t.Errorf("seed %d stage %v: shuffle skew %.2f", seed, k, sk)
			}
			for _, tk := range s.tasks {
				if tk.reason != "Success" || tk.spill > 0 || tk.diskSp > 0 || float64(tk.gc) > 0.05*float64(tk.run) {
					t.Fatalf("seed %d task %d: reason %s spill %d/%d gc %d of %d", seed, tk.id, tk.reason, tk.spill, tk.diskSp, tk.gc, tk.run)
				}
			}
			if k.attempt != 0 || s.failure != "" {
				t.Errorf("seed %d: stage %v attempt or failure %q", seed, k, s.failure)
			}
		}
		if u := a.utilization(); u < 0.5 {
			t.Errorf("seed %d: clean utilization %.2f", seed, u)
		}
		if a.counts["SparkListenerExecutorRemoved"] != 0 || a.exitCode != 0 {
			t.Errorf("seed %d: executors removed or exit code %d", seed, a.exitCode)
		}
	}
}

func TestPlanBytes(t *testing.T) {
	for _, n := range []int{0, 100_000, 3_000_000} {
		log, _ := gen1(t, Spec{Seed: 1, Stages: 2, TasksPerStage: 2, PlanBytes: n})
		a := parseApp(t, log)
		got := a.planSizes[0]
		if n == 0 && got > 5000 || n > 0 && math.Abs(float64(got-n))/float64(n) > 0.05 {
			t.Errorf("PlanBytes %d: plan is %d bytes", n, got)
		}
	}
}

func TestTaskEndSize(t *testing.T) {
	log, _ := gen1(t, Spec{Seed: 1})
	a := parseApp(t, log)
	var sum int
	for _, n := range a.taskEndLens {
		sum += n
	}
	// real Spark 3.5.3 SQL task ends: about 4.7 KB (map) to 6.7 KB (reduce)
	if avg := sum / len(a.taskEndLens); avg < 1500 || avg > 8000 {
		t.Errorf("average TaskEnd line %d bytes", avg)
	}
}

func TestValidate(t *testing.T) {
	for name, s := range map[string]Spec{
		"neg-idle":     {Anomalies: Anomalies{IdleExecutors: -1}},
		"idle-1":       {Anomalies: Anomalies{IdleExecutors: 1}},
		"fail-rate":    {Anomalies: Anomalies{TaskFailures: 0.95}},
		"neg-stages":   {Stages: -2},
		"tiny-median":  {MedianTaskMS: 5},
		"neg-plan":     {PlanBytes: -1},
		"neg-exec":     {Executors: -1},
		"neg-shuffles": {ShuffleBytesPerTask: -1},
	} {
		if _, err := Write(&bytes.Buffer{}, s); err == nil || !strings.HasPrefix(err.Error(), "gen: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestTinyShapes: every anomaly on the smallest apps must still give a
// consistent log (no panics, no impossible times).
func TestTinyShapes(t *testing.T) {
	for _, shape := range []struct{ stages, tasks, execs, cores int }{{1, 1, 1, 1}, {2, 1, 1, 2}, {3, 3, 2, 1}, {1, 50, 3, 2}} {
		s := allAnomalies(91)
		s.Stages, s.TasksPerStage, s.Executors, s.ExecutorCores = shape.stages, shape.tasks, shape.execs, shape.cores
		s.Anomalies.DriverBound = 0.5
		log, _ := gen1(t, s)
		checkInvariants(t, parseApp(t, log))
	}
}
