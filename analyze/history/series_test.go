package history

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// series makes nights of one job: input GiB growing by growth per night,
// core time proportional to input with log-normal noise (sd noise), a
// fixed share of the time independent of input, and from night step on
// the core time multiplied by factor.
type series struct {
	nights       int
	inputGiB     float64
	growth       float64
	noise        float64
	fixedShare   float64
	step         int // -1: none
	factor       float64
	executors    int64
	costPerCoreH float64
}

func (s series) runs(rng *rand.Rand) []Run {
	out := make([]Run, s.nights)
	for n := range out {
		in := s.inputGiB * math.Pow(1+s.growth, float64(n))
		base := 3.6e6 * 10 * (s.fixedShare + (1-s.fixedShare)*in/s.inputGiB) // core ms at night 0 = 10 core hours
		core := base * math.Exp(rng.NormFloat64()*s.noise)
		if s.step >= 0 && n >= s.step {
			core *= s.factor
		}
		dur := core / float64(s.executors*4)
		out[n] = Run{
			AppID: "app", AttemptID: string(rune('a' + n%26)), RunID: "r", JobKey: "job",
			EndMS: int64(n) * 24 * 3600 * 1000, DurationMS: int64(dur),
			ExecutorTimeMS: int64(core), TaskTimeMS: int64(core * 0.7),
			CostUSD: core / 3.6e6 * s.costPerCoreH, InputBytes: int64(in * gib),
			Executors: s.executors, SparkVersion: "3.5.1",
			Conf: map[string]string{"spark.executor.cores": "4"},
		}
		out[n].AppID = "app-" + string(rune('A'+n/26)) + out[n].AttemptID
	}
	return out
}

// flagged judges night n of runs against the nights before it.
func flagged(runs []Run, n int, cfg Config) *Change {
	b, ok := NewBaseline(runs[n], runs[:n], cfg)
	if !ok {
		return nil
	}
	return Judge(runs[n], b, cfg)
}

// TestRegressionRecall: a 1.5× step in core time is flagged on the night it
// starts in at least 90 % of noisy series, flat or with growing input.
func TestRegressionRecall(t *testing.T) {
	cfg := DefaultConfig()
	rng := rand.New(rand.NewPCG(1, 2))
	hits, total := 0, 400
	for i := range total {
		s := series{nights: 40, inputGiB: 50, noise: 0.08, fixedShare: 0.2, factor: 1.5, executors: 10, costPerCoreH: 0.05}
		s.step = 10 + rng.IntN(30)
		if i%2 == 1 {
			s.growth = 0.02
		}
		runs := s.runs(rng)
		if c := flagged(runs, s.step, cfg); c != nil && c.Kind == "regression" {
			hits++
		}
	}
	recall := float64(hits) / float64(total)
	t.Logf("recall %.3f (%d of %d)", recall, hits, total)
	if recall < 0.9 {
		t.Errorf("recall %.3f, want ≥ 0.9", recall)
	}
}

// TestRegressionFalsePositives: flat series and series whose input grows
// 2 % a night (30 % of the time fixed) raise a regression on at most 5 % of
// series over 40 nights.
func TestRegressionFalsePositives(t *testing.T) {
	cfg := DefaultConfig()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, growth := range []float64{0, 0.02, 0.05} {
		series_, nightsFlagged, judged := 0, 0, 0
		const total = 400
		for range total {
			s := series{nights: 40, inputGiB: 50, growth: growth, noise: 0.08, fixedShare: 0.3, step: -1, executors: 10, costPerCoreH: 0.05}
			runs := s.runs(rng)
			any := false
			for n := cfg.MinRuns; n < len(runs); n++ {
				judged++
				if c := flagged(runs, n, cfg); c != nil && c.Kind == "regression" {
					nightsFlagged++
					any = true
				}
			}
			if any {
				series_++
			}
		}
		perSeries := float64(series_) / total
		t.Logf("growth %.2f: %d of %d series (%.3f), %d of %d nights flagged", growth, series_, total, perSeries, nightsFlagged, judged)
		if perSeries > 0.05 {
			t.Errorf("growth %.2f: %.3f of series raised a regression, want ≤ 0.05", growth, perSeries)
		}
	}
}

// TestRegressionEvidence: the change names what moved since the last run.
func TestRegressionEvidence(t *testing.T) {
	cfg := DefaultConfig()
	s := series{nights: 12, inputGiB: 50, noise: 0.05, fixedShare: 0.2, step: 11, factor: 2, executors: 10, costPerCoreH: 0.05}
	runs := s.runs(rand.New(rand.NewPCG(5, 6)))
	runs[11].Conf = map[string]string{"spark.executor.cores": "4", "spark.sql.shuffle.partitions": "4000"}
	runs[11].SparkVersion = "3.5.2"
	c := flagged(runs, 11, cfg)
	if c == nil || c.Kind != "regression" {
		t.Fatalf("doubled core time: %+v, want a regression", c)
	}
	want := []Diff{{"conf spark.sql.shuffle.partitions", "", "4000"}, {"spark_version", "3.5.1", "3.5.2"}}
	if len(c.Diffs) != len(want) {
		t.Fatalf("diffs %+v, want %+v", c.Diffs, want)
	}
	for i := range want {
		if c.Diffs[i] != want[i] {
			t.Errorf("diff %d = %+v, want %+v", i, c.Diffs[i], want[i])
		}
	}
	if c.ExtraCostUSD <= 0 {
		t.Errorf("extra cost %v, want > 0", c.ExtraCostUSD)
	}
	// an improvement the other way
	runs[11].ExecutorTimeMS /= 4
	runs[11].DurationMS /= 4
	if c := flagged(runs, 11, cfg); c == nil || c.Kind != "improvement" {
		t.Errorf("halved core time: %+v, want an improvement", c)
	}
	// too few runs: no baseline
	if _, ok := NewBaseline(runs[3], runs[:3], cfg); ok {
		t.Error("a baseline of 3 runs with min_runs 5")
	}
}

// TestBaselineHoldsOnlyRunsEndedBeforeTheStart: runs of the same job still
// going when the judged run started are its siblings (scenarios of a test
// suite sharing one name), not its history.
func TestBaselineHoldsOnlyRunsEndedBeforeTheStart(t *testing.T) {
	cfg := DefaultConfig()
	const start, dur = int64(1_700_000_000_000), int64(60_000)
	cur := Run{AppID: "cur", JobKey: "suite", EndMS: start + 3*dur, DurationMS: 3 * dur, ExecutorTimeMS: 300_000}
	var runs []Run
	for i := range 7 { // started with it, ended before it
		runs = append(runs, Run{AppID: fmt.Sprint("sib", i), JobKey: "suite", EndMS: start + dur + int64(i), DurationMS: dur, ExecutorTimeMS: 100_000})
	}
	if _, ok := NewBaseline(cur, runs, cfg); ok {
		t.Error("a baseline of runs that were still going when the judged run started")
	}
	for i := range runs { // the same runs a day earlier: history
		runs[i].EndMS -= 24 * 3600 * 1000
	}
	if b, ok := NewBaseline(cur, runs, cfg); !ok || len(b.Runs) != 7 {
		t.Errorf("a day earlier: baseline of %d runs (%v), want 7", len(b.Runs), ok)
	}
}
