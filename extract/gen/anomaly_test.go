package gen

import (
	"strings"
	"testing"
)

// planted generates s and returns the parsed app and the attempt-0 stage
// AnomalyStages names for anomaly.
func planted(t *testing.T, s Spec, anomaly string) (*tApp, *tStage) {
	t.Helper()
	log, _ := gen1(t, s)
	a := parseApp(t, log)
	ids := AnomalyStages(s)[anomaly]
	if len(ids) == 0 {
		t.Fatalf("%s: not planted", anomaly)
	}
	st := a.stages[stageKey{int64(ids[0]), 0}]
	if st == nil {
		t.Fatalf("%s: stage %d not in the log", anomaly, ids[0])
	}
	return a, st
}

func sum(s *tStage, f func(tTask) int64) int64 {
	var n int64
	for _, t := range s.tasks {
		n += f(t)
	}
	return n
}

func shuffleRead(t tTask) int64 { return t.srLocal + t.srRemote }

func TestAnomalySignatures(t *testing.T) {
	cases := []struct {
		name  string
		set   func(*Anomalies)
		check func(t *testing.T, a *tApp, s *tStage)
	}{
		{"shuffle_skew", func(a *Anomalies) { a.ShuffleSkew = 6 }, func(t *testing.T, a *tApp, s *tStage) {
			maxRead := int64(0)
			for _, tk := range s.successful() {
				maxRead = max(maxRead, shuffleRead(tk))
			}
			if k := s.skew(shuffleRead); k < 5.4 || k > 6.6 || maxRead <= 256<<20 {
				t.Errorf("shuffle skew %.2f, max read %d MiB", k, maxRead>>20)
			}
		}},
		{"spill", func(a *Anomalies) { a.Spill = 0.4 }, func(t *testing.T, a *tApp, s *tStage) {
			data := sum(s, func(t tTask) int64 { return shuffleRead(t) + t.inBytes })
			ratio := float64(sum(s, func(t tTask) int64 { return t.spill })) / float64(data)
			if ratio < 0.36 || ratio > 0.44 || sum(s, func(t tTask) int64 { return t.diskSp }) == 0 {
				t.Errorf("spill ratio %.3f, disk spill %d", ratio, sum(s, func(t tTask) int64 { return t.diskSp }))
			}
		}},
		{"gc_pressure", func(a *Anomalies) { a.GCPressure = 0.25 }, func(t *testing.T, a *tApp, s *tStage) {
			r := float64(sum(s, func(t tTask) int64 { return t.gc })) / float64(sum(s, func(t tTask) int64 { return t.run }))
			if r < 0.23 || r > 0.26 {
				t.Errorf("GC ÷ run time %.3f", r)
			}
		}},
		{"task_failures", func(a *Anomalies) { a.TaskFailures = 0.2 }, func(t *testing.T, a *tApp, s *tStage) {
			failed := 0
			for _, tk := range s.tasks {
				if tk.reason == "ExceptionFailure" {
					failed++
				}
			}
			if r := float64(failed) / float64(s.numTasks); r < 0.1 || r > 0.3 || len(s.successful()) != int(s.numTasks) {
				t.Errorf("failure rate %.2f, %d successes of %d", r, len(s.successful()), s.numTasks)
			}
		}},
		{"fetch_failures", func(a *Anomalies) { a.FetchFailures = 3 }, func(t *testing.T, a *tApp, s *tStage) {
			retry := a.stages[stageKey{s.key.id, 1}]
			n := 0
			for _, tk := range s.tasks {
				if tk.reason == "FetchFailed" {
					n++
				}
			}
			if n != 3 || s.failure == "" || retry == nil || len(retry.successful()) != 3 {
				t.Errorf("%d fetch failures, stage failure %q, retry %+v", n, s.failure, retry)
			}
		}},
		{"executor_loss", func(a *Anomalies) { a.ExecutorLoss = 2 }, func(t *testing.T, a *tApp, s *tStage) {
			lost := 0
			for _, st := range a.stages {
				for _, tk := range st.tasks {
					if tk.reason == "ExecutorLostFailure" {
						lost++
					}
				}
			}
			if a.counts["SparkListenerExecutorRemoved"] != 2 || lost < 2 {
				t.Errorf("%d executors removed, %d lost tasks", a.counts["SparkListenerExecutorRemoved"], lost)
			}
		}},
		{"failed_job", func(a *Anomalies) { a.FailedJob = true }, func(t *testing.T, a *tApp, s *tStage) {
			last := a.jobs[len(a.jobs)-1]
			if !strings.HasPrefix(s.failure, "Job aborted") || last.result != "JobFailed" || a.exitCode != 1 {
				t.Errorf("stage failure %q, job %q, exit code %d", s.failure, last.result, a.exitCode)
			}
		}},
		{"tiny_tasks", func(a *Anomalies) { a.TinyTasks = true }, func(t *testing.T, a *tApp, s *tStage) {
			var d []int64
			for _, tk := range s.successful() {
				d = append(d, tk.duration())
			}
			if m := median(d); len(d) < 2000 || m < 5 || m > 20 {
				t.Errorf("%d tiny tasks, median %d ms", len(d), m)
			}
		}},
		{"under_parallel", func(a *Anomalies) { a.UnderParallel = true }, func(t *testing.T, a *tApp, s *tStage) {
			if s.numTasks >= 8 || s.complete-s.submit < 10_000 || sum(s, shuffleRead)/s.numTasks < 10*48<<20 { // 10× the default per-task shuffle
				t.Errorf("%d tasks for 8 cores, %d ms, %d MiB per task", s.numTasks, s.complete-s.submit, sum(s, shuffleRead)/s.numTasks>>20)
			}
		}},
		{"large_result", func(a *Anomalies) { a.LargeResult = 2 << 30 }, func(t *testing.T, a *tApp, s *tStage) {
			got := sum(s, func(t tTask) int64 { return t.resultSize })
			if got < 2<<30-int64(s.numTasks) || got > 2<<30 || s.tasks[0].gettingRes == 0 {
				t.Errorf("result bytes %d, getting result time %d", got, s.tasks[0].gettingRes)
			}
		}},
		{"long_stage", func(a *Anomalies) { a.LongStage = true }, func(t *testing.T, a *tApp, s *tStage) {
			var others int64
			for _, o := range a.stages {
				others += o.complete - o.submit
			}
			others -= s.complete - s.submit
			if s.complete-s.submit < others {
				t.Errorf("long stage %d ms, others %d ms", s.complete-s.submit, others)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := small(51)
			s.Stages = 8
			c.set(&s.Anomalies)
			a, st := planted(t, s, c.name)
			c.check(t, a, st)
			checkInvariants(t, a)
		})
	}
}
