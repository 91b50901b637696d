package history

import (
	"fmt"
	"math"
)

// Change is a run outside its job's band: a regression or an improvement.
type Change struct {
	Kind   string // "regression" | "improvement"
	Metric Metric // the judged metric that moved most
	Value  float64
	Spread Spread  // the baseline's median and IQR of Metric
	Ratio  float64 // Value ÷ median
	Z      float64 // (Value − median) ÷ robust sd
	// ExtraCostUSD is the run's cost above (below, for an improvement:
	// negative) the baseline's median cost at this run's input.
	ExtraCostUSD float64
	Diffs        []Diff // what changed since the baseline's last run
	Runs         int    // runs in the baseline
}

// Diff is one thing that differs between the baseline's last run and the
// judged run.
type Diff struct {
	What          string // "conf spark.sql.shuffle.partitions", "plan", "spark_version", "executors", "input_bytes"
	Before, After string
}

// judged are the metrics a run is judged on: core time (the cost) and wall
// time, per GiB of input where the job reads enough for that to be stable.
func (b Baseline) judged() []Metric {
	if b.PerGiB {
		return []Metric{CorePerGiB, DurationPerGB}
	}
	return []Metric{CoreTime, Duration}
}

// Judge compares cur with its baseline and returns the change, or nil when
// the run is within its job's band on every judged metric. Of two metrics
// out of band, the one further out is named.
func Judge(cur Run, b Baseline, cfg Config) *Change {
	var best *Change
	for _, m := range b.judged() {
		s := b.Stats[m]
		v := cur.value(m)
		sd := s.sigma(cfg.NoiseFloor)
		if s.Median <= 0 || sd <= 0 {
			continue
		}
		c := Change{Metric: m, Value: v, Spread: s, Ratio: v / s.Median, Z: (v - s.Median) / sd, Runs: len(b.Runs)}
		switch {
		case c.Z >= cfg.Threshold && c.Ratio >= 1+cfg.MinChange:
			c.Kind = "regression"
		case c.Z <= -cfg.Threshold && c.Ratio <= 1/(1+cfg.MinChange):
			c.Kind = "improvement"
		default:
			continue
		}
		if best == nil || math.Abs(c.Z) > math.Abs(best.Z) {
			best = &c
		}
	}
	if best != nil {
		best.ExtraCostUSD = cur.CostUSD - b.expectedCost(cur)
		best.Diffs = diffs(b.Runs[len(b.Runs)-1], cur, b)
	}
	return best
}

// expectedCost is the baseline's median cost scaled to cur's input where
// the job is judged per GiB.
func (b Baseline) expectedCost(cur Run) float64 {
	if b.PerGiB {
		return b.Stats[CostPerGiB].Median * float64(max(cur.InputBytes, 1)) / gib
	}
	return b.Stats[Cost].Median
}

// diffs lists what changed from last to cur: configuration keys (sorted),
// the plans' shape (when both are known), Spark version, executor count,
// and input size against the baseline.
func diffs(last, cur Run, b Baseline) []Diff {
	var d []Diff
	keys := map[string]bool{}
	for k := range last.Conf {
		keys[k] = true
	}
	for k := range cur.Conf {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		if last.Conf[k] != cur.Conf[k] {
			d = append(d, Diff{"conf " + k, last.Conf[k], cur.Conf[k]})
		}
	}
	if last.Plan != "" && cur.Plan != "" && last.Plan != cur.Plan {
		d = append(d, Diff{"plan", last.Plan, cur.Plan})
	}
	if last.SparkVersion != cur.SparkVersion {
		d = append(d, Diff{"spark_version", last.SparkVersion, cur.SparkVersion})
	}
	if last.Executors != cur.Executors {
		d = append(d, Diff{"executors", fmt.Sprint(last.Executors), fmt.Sprint(cur.Executors)})
	}
	if med := b.Stats[Input].Median; med > 0 {
		if r := float64(cur.InputBytes) / med; r > 1.25 || r < 0.8 {
			d = append(d, Diff{"input_bytes", fmt.Sprintf("%.0f (median)", med), fmt.Sprintf("%d (×%.2f)", cur.InputBytes, r)})
		}
	}
	return d
}
