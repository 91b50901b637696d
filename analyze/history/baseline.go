package history

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/valyala/fastjson"

	"github.com/sparkmine/sparkmine/extract"
)

// Config holds the history settings (config file section "history").
type Config struct {
	Key KeyConfig `yaml:"job_key"`
	// Window is how many of a job's previous runs make its baseline, and
	// Days how far back they may lie.
	Window int `yaml:"window"`
	Days   int `yaml:"days"`
	// MinRuns is the fewest previous runs a baseline needs.
	MinRuns int `yaml:"min_runs"`
	// Threshold is how many robust standard deviations (IQR ÷ 1.349) a run
	// must lie from the baseline's median, and MinChange by what share of
	// the median, to be a regression or an improvement.
	Threshold float64 `yaml:"threshold"`
	MinChange float64 `yaml:"min_change"`
	// NoiseFloor is the least spread assumed, as a share of the median.
	NoiseFloor float64 `yaml:"noise_floor"`
	// MinInputGiB: below this median input a job's core time is compared
	// as it is, above it per GiB of input (so growing input is no regression).
	MinInputGiB float64 `yaml:"min_input_gib"`
	// MinRunsAfter is the fewest runs after advice was applied before its
	// outcome is judged, and Alpha the significance level of that judgement.
	MinRunsAfter int     `yaml:"min_runs_after"`
	Alpha        float64 `yaml:"alpha"`
}

// DefaultConfig is the configuration used where the config file says nothing.
func DefaultConfig() Config {
	return Config{
		Key: DefaultKeyConfig(), Window: 30, Days: 90, MinRuns: 5,
		Threshold: 3.5, MinChange: 0.3, NoiseFloor: 0.03, MinInputGiB: 1,
		MinRunsAfter: 3, Alpha: 0.05,
	}
}

// Validate reports the first setting out of range.
func (c Config) Validate() error {
	switch {
	case c.Window < c.MinRuns:
		return fmt.Errorf("history: window %d is below min_runs %d", c.Window, c.MinRuns)
	case c.MinRuns < 3:
		return fmt.Errorf("history: min_runs %d: a baseline needs at least 3 runs", c.MinRuns)
	case c.Days <= 0:
		return fmt.Errorf("history: days %d must be positive", c.Days)
	case c.Threshold <= 0 || c.MinChange < 0 || c.NoiseFloor < 0 || c.MinInputGiB < 0:
		return fmt.Errorf("history: threshold, min_change, noise_floor and min_input_gib must be positive")
	case c.MinRunsAfter < 2 || c.Alpha <= 0 || c.Alpha >= 1:
		return fmt.Errorf("history: min_runs_after must be at least 2 and alpha in (0, 1)")
	}
	return nil
}

// Run is what history needs of one run of a job (an apps row).
type Run struct {
	AppID, AttemptID, RunID string
	JobKey                  string
	EndMS                   int64 // end time (or last event) in epoch ms
	DurationMS              int64
	CostUSD                 float64
	ExecutorTimeMS          int64 // allocated core time
	TaskTimeMS              int64 // used core time
	InputBytes              int64
	ShuffleBytes            int64 // read + write
	Executors               int64
	SparkVersion            string
	Conf                    map[string]string
	// Plan is the shape of the run's SQL plans (analyze.PlanShape), ""
	// when unknown: apps rows do not hold it, the pipeline fills it where a
	// regression needs it.
	Plan string
}

// RunOf takes a Run from extract's columns of an apps row, the run's
// estimated cost and its job key.
func RunOf(a extract.AppRow, costUSD float64, jobKey string) Run {
	r := Run{
		AppID: a.AppID, AttemptID: a.AttemptID, RunID: a.RunID, JobKey: jobKey,
		DurationMS: a.DurationMS, CostUSD: costUSD,
		ExecutorTimeMS: a.ExecutorTimeMS, TaskTimeMS: a.TaskTimeMS,
		InputBytes: a.InputBytes, ShuffleBytes: a.ShuffleReadBytes + a.ShuffleWriteBytes,
		Executors: a.MaxExecutors, SparkVersion: a.SparkVersion,
	}
	switch {
	case a.EndTime != nil:
		r.EndMS = *a.EndTime
	case a.LastEventTime != nil:
		r.EndMS = *a.LastEventTime
	}
	r.Conf = confOf(a.SparkConf) // a row without conf compares as empty
	return r
}

var confParsers fastjson.ParserPool

// confOf reads a spark_conf column: a JSON object of string values (others
// are left out); nil when it is not one. fastjson, as the history of a
// night decodes thousands.
func confOf(js string) map[string]string {
	p := confParsers.Get()
	defer confParsers.Put(p)
	v, err := p.Parse(js)
	if err != nil {
		return nil
	}
	o, err := v.Object()
	if err != nil {
		return nil
	}
	m := make(map[string]string, o.Len())
	o.Visit(func(k []byte, v *fastjson.Value) {
		if s, err := v.StringBytes(); err == nil {
			m[string(k)] = string(s)
		}
	})
	return m
}

// Metric names a number compared against a baseline.
type Metric string

// The metrics of a baseline.
const (
	Duration      Metric = "duration_ms"
	Cost          Metric = "est_cost_usd"
	CoreTime      Metric = "executor_time_ms"
	UsedCoreTime  Metric = "task_time_ms"
	Input         Metric = "input_bytes"
	Shuffle       Metric = "shuffle_bytes"
	CorePerGiB    Metric = "core_ms_per_input_gib"
	CostPerGiB    Metric = "cost_usd_per_input_gib"
	DurationPerGB Metric = "duration_ms_per_input_gib"
)

const gib = 1 << 30

// value is the run's number for m (per-GiB metrics are NaN-free: a run
// with no input counts as reading 1 byte).
func (r Run) value(m Metric) float64 {
	perGiB := func(x float64) float64 { return x / (float64(max(r.InputBytes, 1)) / gib) }
	switch m {
	case Duration:
		return float64(r.DurationMS)
	case Cost:
		return r.CostUSD
	case CoreTime:
		return float64(r.ExecutorTimeMS)
	case UsedCoreTime:
		return float64(r.TaskTimeMS)
	case Input:
		return float64(r.InputBytes)
	case Shuffle:
		return float64(r.ShuffleBytes)
	case CorePerGiB:
		return perGiB(float64(r.ExecutorTimeMS))
	case CostPerGiB:
		return perGiB(r.CostUSD)
	case DurationPerGB:
		return perGiB(float64(r.DurationMS))
	}
	panic("history: unknown metric " + string(m))
}

// Baseline is a job's normal: the robust centre and spread of its previous
// runs' metrics.
type Baseline struct {
	JobKey string
	Runs   []Run // oldest first; the last is the run just before the judged one
	Stats  map[Metric]Spread
	// PerGiB says whether the job reads enough input for its core time,
	// cost and duration to be compared per GiB.
	PerGiB bool
}

var baselineMetrics = []Metric{Duration, Cost, CoreTime, UsedCoreTime, Input, Shuffle, CorePerGiB, CostPerGiB, DurationPerGB}

// NewBaseline makes the baseline of the runs before cur: the same job's
// runs that ended before cur started (a run still going then is a sibling,
// such as another scenario of a test suite under one name, not history),
// within cfg.Days, at most cfg.Window of them.
// ok is false with fewer than cfg.MinRuns, and for a job that is not
// Recurring (an interactive shell's sessions).
func NewBaseline(cur Run, runs []Run, cfg Config) (b Baseline, ok bool) {
	if !Recurring(cur.JobKey) {
		return Baseline{}, false
	}
	from := cur.EndMS - int64(cfg.Days)*24*3600*1000
	started := cur.EndMS - max(cur.DurationMS, 0) // runs still going then are siblings, not history
	var prev []Run
	for _, r := range runs {
		if r.JobKey == cur.JobKey && r.EndMS < cur.EndMS && r.EndMS <= started && r.EndMS >= from && !(r.AppID == cur.AppID && r.AttemptID == cur.AttemptID) {
			prev = append(prev, r)
		}
	}
	slices.SortStableFunc(prev, func(a, b Run) int { return cmp.Compare(a.EndMS, b.EndMS) })
	if len(prev) > cfg.Window {
		prev = prev[len(prev)-cfg.Window:]
	}
	if len(prev) < cfg.MinRuns {
		return Baseline{}, false
	}
	b = Baseline{JobKey: cur.JobKey, Runs: prev, Stats: map[Metric]Spread{}}
	for _, m := range baselineMetrics {
		xs := make([]float64, len(prev))
		for i, r := range prev {
			xs[i] = r.value(m)
		}
		b.Stats[m] = spreadOf(xs)
	}
	b.PerGiB = b.Stats[Input].Median >= cfg.MinInputGiB*gib
	return b, true
}
