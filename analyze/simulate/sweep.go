package simulate

import (
	"fmt"
	"math"
	"slices"
)

// Point is one simulated configuration.
type Point struct {
	Config
	DurationMS     int64   // estimated app duration
	ExecutorTimeMS int64   // allocated core-time: executors × cores × duration
	Utilization    float64 // task slot time × spark.task.cpus ÷ ExecutorTimeMS
}

// Result is an app's right-sizing simulation.
type Result struct {
	Actual         Config // the app's peak executors and its cores per executor
	ActualMS       int64  // the estimate on the app's own executors as they came and went
	StaticMS       int64  // the estimate at Actual, all executors up from the start (the sweep's baseline)
	Static         Point  // the sweep's point at Actual
	CriticalPathMS int64  // the longest chain of stages, each at its longest task, plus driver time
	IdealMS        int64  // total task time ÷ Actual's slots, plus driver time
	DriverMS       int64  // the driver's own time the replay keeps
	Error          float64
	// Untrusted is why the estimates should not be acted on ("" when they
	// may be): a large Error, dynamic allocation, …
	Untrusted string
	Points    []Point // by cores, then executors ascending
}

// Bounds of a configuration Simulate believes (larger ones are a broken log).
const (
	maxExecutors = 100_000
	maxCores     = 1024
)

// Options tune Simulate.
type Options struct {
	// MaxError is the largest |estimate − actual| ÷ actual at the app's own
	// configuration for which the sweep is trusted (default 0.25).
	MaxError float64
	// GridPoints bounds the executor counts tried per cores value
	// (default 40).
	GridPoints int
}

func (o Options) withDefaults() Options {
	if o.MaxError <= 0 {
		o.MaxError = 0.25
	}
	if o.GridPoints <= 0 {
		o.GridPoints = 40
	}
	return o
}

// Simulate replays the model at the app's own configuration and over the
// sweep: executor counts from a tenth to four times the app's peak, at its
// cores per executor and one step either side. It returns nil when the
// model has no executors or cores to start from.
func Simulate(m *Model, opt Options) *Result {
	opt = opt.withDefaults()
	if m == nil || m.Executors < 1 || m.ExecutorCores < 1 || m.ExecutorCores < m.TaskCPUs ||
		m.Executors > maxExecutors || m.ExecutorCores > maxCores {
		return nil
	}
	act := Config{m.Executors, m.ExecutorCores}
	res := &Result{Actual: act, DriverMS: m.DriverMS(), CriticalPathMS: CriticalPathMS(m)}
	res.ActualMS = RunTimeline(m)
	res.StaticMS = Run(m, act)
	res.Static = point(m, act, res.StaticMS)
	res.IdealMS = IdealMS(m, act.Slots(m.TaskCPUs))
	res.Error = relErr(res.ActualMS, m.DurationMS)
	res.Untrusted = untrusted(m, res.Error, opt.MaxError)
	for _, c := range coreSteps(m.ExecutorCores, m.TaskCPUs) {
		res.Points = append(res.Points, sweep(m, c, executorGrid(m.Executors, opt.GridPoints))...)
	}
	return res
}

// sweep replays the model over executor counts at cores per executor. An
// estimate never exceeds the one for fewer executors: extra executors can
// be left idle, so list scheduling's rare anomalies (Graham's) are smoothed.
func sweep(m *Model, cores int64, grid []int64) []Point {
	out := make([]Point, 0, len(grid))
	best := int64(math.MaxInt64)
	for _, e := range grid {
		c := Config{e, cores}
		best = min(best, Run(m, c))
		out = append(out, point(m, c, best))
	}
	return out
}

func point(m *Model, c Config, d int64) Point {
	p := Point{Config: c, DurationMS: d, ExecutorTimeMS: c.Executors * c.Cores * d}
	if p.ExecutorTimeMS > 0 {
		p.Utilization = math.Min(1, float64(m.TaskMS()*m.TaskCPUs)/float64(p.ExecutorTimeMS))
	}
	return p
}

// executorGrid is the executor counts tried: every count from a tenth to
// four times peak when that is at most n counts, else n counts spaced
// evenly in log scale; peak itself is always in.
func executorGrid(peak int64, n int) []int64 {
	lo, hi := max(1, peak/10), 4*peak
	out := []int64{peak}
	if hi-lo+1 <= int64(n) {
		for e := lo; e <= hi; e++ {
			out = append(out, e)
		}
	} else {
		r := math.Log(float64(hi)/float64(lo)) / float64(n-1)
		for i := range n {
			out = append(out, int64(math.Round(float64(lo)*math.Exp(r*float64(i)))))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// steps are the executor sizes the sweep moves between (one step either
// side of the app's own).
var steps = []int64{1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64}

// coreSteps is the app's cores per executor and the steps either side
// that still fit a task.
func coreSteps(cores, taskCPUs int64) []int64 {
	var below, above int64
	for _, s := range steps {
		if s < cores && s >= taskCPUs {
			below = s
		}
		if s > cores && above == 0 {
			above = s
		}
	}
	out := []int64{cores}
	if below > 0 {
		out = append([]int64{below}, out...)
	}
	if above > 0 {
		out = append(out, above)
	}
	return out
}

// CriticalPathMS is the app's duration with unlimited slots: the longest
// chain of stages, each at its longest task, plus the driver's time.
func CriticalPathMS(m *Model) int64 {
	t := m.TailMS
	for _, g := range m.Groups {
		fin := make([]int64, len(g.Units))
		jobEnd := make([]int64, len(g.Jobs))
		for k, j := range g.Jobs {
			jobEnd[k] = j.OffsetMS
		}
		for i, u := range g.Units {
			s := g.Jobs[u.job].OffsetMS
			for _, p := range u.Parents {
				s = max(s, fin[p])
			}
			fin[i] = s + u.DelayMS + u.Tasks.MaxMS
			jobEnd[u.job] = max(jobEnd[u.job], fin[i])
		}
		span := int64(0)
		for k, j := range g.Jobs {
			span = max(span, jobEnd[k]+j.PostMS)
		}
		t += g.GapMS + span
	}
	return t
}

// IdealMS is the perfect-parallelism bound: total task time spread evenly
// over slots, plus the driver's time.
func IdealMS(m *Model, slots int64) int64 {
	if slots < 1 {
		return math.MaxInt64
	}
	return (m.TaskMS()+slots-1)/slots + m.DriverMS()
}

func relErr(est, actual int64) float64 {
	if actual <= 0 {
		return 0
	}
	return math.Abs(float64(est-actual)) / float64(actual)
}

// untrusted says why an app's simulation should not be acted on.
func untrusted(m *Model, err, maxErr float64) string {
	switch {
	case m.Incomplete:
		return "the log is incomplete: its duration is not the app's"
	case m.MissingTasks*10 > m.Tasks():
		return fmt.Sprintf("the log lacks %d tasks of its completed stages", m.MissingTasks)
	case err > maxErr:
		return fmt.Sprintf("the estimate at the app's own configuration is %.0f %% off its duration (over %.0f %%)", 100*err, 100*maxErr)
	case m.Dynamic:
		return "dynamic allocation: the replay's executors are static, the app's were not"
	}
	return ""
}
