package analyze

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/gen"
)

// The planted test generates logs with one anomaly at a time (extract/gen),
// builds the app model the way the pipeline does (extract.Builder), runs
// Analyze with the default config and checks recall (the planted anomaly's
// detector fires), that severity never falls as the anomaly grows, and that
// a clean control log gives no finding at all. It logs a precision table:
// the other detectors that fired beside the planted one (side effects such
// as the task failures an executor loss causes are expected there).

// plant is one anomaly at increasing strengths.
type plant struct {
	detector string
	base     gen.Spec // sizes that make the anomaly material (see each comment)
	levels   []gen.Anomalies
}

func plants() []plant {
	long := gen.Spec{MedianTaskMS: 20_000}
	return []plant{
		// task_skew requires the straggler to run ≥ 60 s: 20 s median tasks.
		{"task_skew", long, []gen.Anomalies{{TaskSkew: 3.5}, {TaskSkew: 6}, {TaskSkew: 20}}},
		{"shuffle_skew", gen.Spec{}, []gen.Anomalies{{ShuffleSkew: 6}, {ShuffleSkew: 12}, {ShuffleSkew: 45}}},
		// spill ignores under 256 MiB on disk, and spill adding under 1 %
		// of the app's wall time: 1 GiB shuffle partitions.
		{"spill", gen.Spec{ShuffleBytesPerTask: 1 << 30}, []gen.Anomalies{{Spill: 0.05}, {Spill: 0.3}, {Spill: 0.8}}},
		// gc_pressure judges a stage from 10 core-minutes of run time: 10 s tasks.
		{"gc_pressure", gen.Spec{MedianTaskMS: 10_000}, []gen.Anomalies{{GCPressure: 0.09}, {GCPressure: 0.16}, {GCPressure: 0.3}}},
		// The generator's lost executors are memory kills: out_of_memory's.
		{"out_of_memory", long, []gen.Anomalies{{ExecutorLoss: 1}, {ExecutorLoss: 2}, {ExecutorLoss: 5}}},
		{"fetch_failure", gen.Spec{}, []gen.Anomalies{{FetchFailures: 1}, {FetchFailures: 6}, {FetchFailures: 25}}},
		// task_failures and executor_loss must lose material time: 20 s tasks.
		{"task_failures", gen.Spec{MedianTaskMS: 20_000, TasksPerStage: 800}, []gen.Anomalies{{TaskFailures: 0.06}, {TaskFailures: 0.3}, {FailedJob: true}}},
		{"tiny_tasks", gen.Spec{}, []gen.Anomalies{{TinyTasks: true}}},
		// under_parallel, long_stage and driver_bound judge stages or apps of
		// minutes: 20 s median tasks.
		{"under_parallel", long, []gen.Anomalies{{UnderParallel: true}}},
		{"idle_executors", gen.Spec{}, []gen.Anomalies{{IdleExecutors: 0.55}, {IdleExecutors: 0.75}, {IdleExecutors: 0.95}}},
		{"driver_bound", long, []gen.Anomalies{{DriverBound: 0.35}, {DriverBound: 0.55}, {DriverBound: 0.8}}},
		{"large_result", gen.Spec{}, []gen.Anomalies{{LargeResult: 300 << 20}, {LargeResult: 600 << 20}, {LargeResult: 3 << 30}}},
		{"long_stage", long, []gen.Anomalies{{LongStage: true}}},
	}
}

// buildApp generates a log and builds its model line by line.
func buildApp(t *testing.T, s gen.Spec) *extract.App {
	t.Helper()
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, s); err != nil {
		t.Fatalf("generate %+v: %v", s.Anomalies, err)
	}
	b := extract.NewBuilder(extract.Options{RunID: "planted"})
	sc := bufio.NewReader(&buf)
	for n := int64(1); ; n++ {
		line, err := sc.ReadBytes('\n')
		if len(line) > 0 {
			b.Line(bytes.TrimSuffix(line, []byte("\n")), "planted.log", n)
		}
		if err != nil {
			break
		}
	}
	return b.Finish(false)
}

// severities returns the worst severity per detector.
func severities(fs []FindingRow) map[string]Severity {
	m := map[string]Severity{}
	for _, f := range fs {
		s, _ := ParseSeverity(f.Severity)
		m[f.Detector] = max(m[f.Detector], s)
	}
	return m
}

// replacedBy names the detector whose finding stands in for a planted
// detector's when it is more precise: a trusted oversized finding replaces
// idle_executors' (see replaceGuesswork).
var replacedBy = map[string]string{"idle_executors": detOversized}

func TestPlantedAnomalies(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and parses some 40 logs")
	}
	const seed = 11
	control, _ := Analyze(buildApp(t, gen.Spec{Seed: seed}), DefaultConfig())
	for _, f := range control {
		t.Errorf("control log: unexpected %s %s finding: %s", f.Severity, f.Detector, f.Title)
	}
	var found, planted int
	var table strings.Builder
	for _, p := range plants() {
		prev := None
		for i, a := range p.levels {
			s := p.base
			s.Seed, s.Anomalies = seed, a
			fs, _ := Analyze(buildApp(t, s), DefaultConfig())
			sev := severities(fs)
			planted++
			got := max(sev[p.detector], sev[replacedBy[p.detector]])
			if got > None {
				found++
			} else {
				t.Errorf("%s level %d (%+v): not found", p.detector, i+1, a)
			}
			if got < prev {
				t.Errorf("%s level %d: severity %v fell below %v", p.detector, i+1, got, prev)
			}
			prev = got
			delete(sev, p.detector)
			delete(sev, replacedBy[p.detector])
			fmt.Fprintf(&table, "%-15s level %d: %-9v others %v\n", p.detector, i+1, got, sev)
		}
	}
	t.Logf("recall %d/%d; control findings %d\n%s", found, planted, len(control), table.String())
}
