package history

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// applyAt sets key to value on runs from night n on, and scales their core
// time, duration and cost by effect (the change's real effect).
func applyAt(runs []Run, n int, key, value string, effect float64) {
	for i := n; i < len(runs); i++ {
		conf := map[string]string{}
		for k, v := range runs[i].Conf {
			conf[k] = v
		}
		conf[key] = value
		runs[i].Conf = conf
		runs[i].ExecutorTimeMS = int64(float64(runs[i].ExecutorTimeMS) * effect)
		runs[i].DurationMS = int64(float64(runs[i].DurationMS) * effect)
		runs[i].CostUSD *= effect
	}
}

// TestOutcomeVerdicts: advice given on night 10 and applied on night 12
// that cuts cost by 30 %, does nothing, or adds 40 % is judged helped, no
// change and regressed once enough runs follow, too early before; advice
// never applied is not applied. Over many noisy series, each verdict is
// right in at least 90 % of them.
func TestOutcomeVerdicts(t *testing.T) {
	cfg := DefaultConfig()
	advice := Advice{JobKey: "job", Source: "f1", Key: "spark.sql.shuffle.partitions", Current: "200", Proposed: "800", AtMS: 10 * 24 * 3600 * 1000}
	cases := []struct {
		name   string
		effect float64
		apply  bool
		nights int
		want   string
	}{
		{"helped", 0.7, true, 22, Helped},
		{"no change", 1, true, 22, NoChange},
		{"regressed", 1.4, true, 22, Regressed},
		{"too early", 0.7, true, 14, TooEarly},
		{"not applied", 0.7, false, 22, NotApplied},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range cases {
		right := 0
		const total = 200
		for i := range total {
			s := series{nights: c.nights, inputGiB: 50, noise: 0.08, fixedShare: 0.2, step: -1, executors: 10, costPerCoreH: 0.05}
			if i%2 == 1 {
				s.growth = 0.02
			}
			runs := s.runs(rng)
			if c.apply {
				applyAt(runs, 12, advice.Key, "800", c.effect)
			}
			if o := Watch(advice, runs, cfg); o.Verdict == c.want {
				right++
			}
		}
		t.Logf("%s: %d of %d right", c.name, right, total)
		if float64(right) < 0.9*total {
			t.Errorf("%s: verdict right in %d of %d series, want ≥ 90 %%", c.name, right, total)
		}
	}
}

// TestOutcomeApplied: what counts as applying advice, and a revert.
func TestOutcomeApplied(t *testing.T) {
	a := Advice{Key: "spark.executor.memory", Current: "4g", Proposed: "8g"}
	for value, want := range map[string]bool{"8g": true, "8G": true, "8192m": true, "6g": true, "16g": true, "4g": false, "2g": false, "": false} {
		if got := applied(a, value); got != want {
			t.Errorf("applied(4g → 8g, %q) = %v, want %v", value, got, want)
		}
	}
	b := Advice{Key: "spark.dynamicAllocation.enabled", Current: "false", Proposed: "true"}
	if !applied(b, "TRUE") || applied(b, "false") {
		t.Error("boolean advice")
	}
	// applied on night 12, moved back on night 13: reverted, too early
	s := series{nights: 20, inputGiB: 50, noise: 0.05, step: -1, executors: 10, costPerCoreH: 0.05}
	runs := s.runs(rand.New(rand.NewPCG(9, 10)))
	applyAt(runs, 12, a.Key, "8g", 1)
	applyAt(runs, 13, a.Key, "4g", 1)
	a.JobKey, a.AtMS = "job", 10*24*3600*1000
	o := Watch(a, runs, DefaultConfig())
	if o.Applied != "reverted" || o.Verdict != TooEarly || o.RunsAfter != 1 || *o.AppliedRun != runs[12].AppID {
		t.Errorf("revert: %+v", o)
	}
}

func TestDistinct(t *testing.T) {
	in := []Advice{
		{JobKey: "b", Key: "k", Current: "1", Proposed: "2", AtMS: 5, Source: "late"},
		{JobKey: "b", Key: "k", Current: "1", Proposed: "2", AtMS: 1, Source: "early"},
		{JobKey: "b", Key: "k", Current: "1", Proposed: "3", AtMS: 9, Source: "further up"},
		{JobKey: "b", Key: "k", Current: "4", Proposed: "3", AtMS: 8, Source: "down"},
		{JobKey: "a", Key: "k", Current: "1", Proposed: "2", AtMS: 7, Source: "other job"},
		{JobKey: "b", Key: "s", Proposed: " ON ", AtMS: 3, Source: "on, spaced"},
		{JobKey: "b", Key: "s", Proposed: "on", AtMS: 4, Source: "on"},
		{JobKey: "b", Key: "s", Proposed: "off", AtMS: 2, Source: "off"},
		{JobKey: "b", Key: "m", Current: "1g", Proposed: "2048m", AtMS: 6, Source: "size up"},
		{JobKey: "b", Key: "m", Current: "1g", Proposed: "4g", AtMS: 2, Source: "size up, earlier"},
	}
	var got []string
	for _, a := range Distinct(in) {
		got = append(got, a.Source)
	}
	if want := "other job,down,early,size up, earlier,off,on, spaced"; strings.Join(got, ",") != want {
		t.Errorf("Distinct kept %v, want %s", got, want)
	}
}
