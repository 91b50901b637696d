package report

import (
	"cmp"
	"math"
	"slices"
)

// Metric is what a trend follows, per run.
type Metric string

// The metrics trends follow.
const (
	Duration Metric = "duration" // duration_ms per run
	Shuffle  Metric = "shuffle"  // shuffle_read_bytes per run
	Cost     Metric = "cost"     // allocated USD per run
)

var metrics = []Metric{Duration, Shuffle, Cost}

// Trend is a recurring job whose metric grew over the weeks available.
type Trend struct {
	AppName string
	Metric  Metric
	Points  []Point // weeks with runs, oldest first; the last is the report week
	// The least-squares line value = Intercept + Slope × x, x the week's
	// offset from the report week (0 the report week, −1 the one before).
	Slope, Intercept float64
	R2               float64
	Current          float64 // the report week's value
	Threshold        float64 // the round value above Current the line is heading for
	// WeeksToThreshold counts weeks from the report week until the line
	// reaches Threshold, rounded up (at least 1); Reach is that week.
	WeeksToThreshold int
	Reach            Week
}

// Point is a week's mean value per run.
type Point struct {
	Week  Week
	X     int // offset from the report week
	Value float64
	Runs  int
}

// Fitted returns the line's value at offset x.
func (t Trend) Fitted(x float64) float64 { return t.Intercept + t.Slope*x }

// Trend rules (see the package doc).
const (
	minTrendWeeks  = 3
	minTrendGrowth = 0.2
	minTrendR2     = 0.5
	gib            = 1 << 30
)

// trends finds the growing jobs among runs, soonest threshold first.
func trends(runs []run, week Week) []Trend {
	byJob := map[string][]run{}
	for _, r := range runs {
		byJob[job(r.row)] = append(byJob[job(r.row)], r)
	}
	var out []Trend
	for job, rs := range byJob {
		for _, m := range metrics {
			if t, ok := trendOf(job, m, weeklyMeans(rs, m), week); ok {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b Trend) int {
		return cmp.Or(cmp.Compare(a.WeeksToThreshold, b.WeeksToThreshold),
			cmp.Compare(a.AppName, b.AppName), cmp.Compare(a.Metric, b.Metric))
	})
	return out[:min(len(out), maxTrends)]
}

// weeklyMeans returns a job's mean value per run of each week with runs.
func weeklyMeans(runs []run, m Metric) []Point {
	var pts []Point
	for _, r := range runs { // runs are in time order, so weeks ascend
		if len(pts) == 0 || pts[len(pts)-1].X != r.off {
			pts = append(pts, Point{Week: r.week, X: r.off})
		}
		p := &pts[len(pts)-1]
		p.Value += value(r, m)
		p.Runs++
	}
	for i := range pts {
		pts[i].Value /= float64(pts[i].Runs)
	}
	return pts
}

func value(r run, m Metric) float64 {
	switch m {
	case Duration:
		return float64(max(r.row.DurationMS, 0))
	case Shuffle:
		return float64(max(r.row.ShuffleReadBytes, 0))
	}
	return r.cost.AllocatedUSD
}

// trendOf fits a line to pts and keeps it when the job is growing.
func trendOf(job string, m Metric, pts []Point, week Week) (Trend, bool) {
	if len(pts) < minTrendWeeks || pts[len(pts)-1].X != 0 {
		return Trend{}, false
	}
	t := Trend{AppName: job, Metric: m, Points: pts, Current: pts[len(pts)-1].Value}
	t.Slope, t.Intercept, t.R2 = fit(pts)
	first := t.Fitted(float64(pts[0].X))
	if t.Slope <= 0 || t.R2 < minTrendR2 || t.Current <= 0 ||
		(first > 0 && t.Fitted(0) < first*(1+minTrendGrowth)) {
		return Trend{}, false
	}
	t.Threshold = threshold(m, t.Current)
	x := (t.Threshold - t.Intercept) / t.Slope
	t.WeeksToThreshold = max(1, int(math.Ceil(x-1e-9)))
	t.Reach = week.Add(t.WeeksToThreshold)
	return t, true
}

// fit returns the least-squares line through pts and its R².
func fit(pts []Point) (slope, intercept, r2 float64) {
	n := float64(len(pts))
	var sx, sy float64
	for _, p := range pts {
		sx += float64(p.X)
		sy += p.Value
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	for _, p := range pts {
		dx, dy := float64(p.X)-mx, p.Value-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return 0, my, 0
	}
	slope = sxy / sxx
	r2 = 1.0
	if syy > 0 {
		r2 = sxy * sxy / (sxx * syy)
	}
	return slope, my - slope*mx, r2
}

// threshold is the round value above v a metric is projected to reach:
// the next power of two of bytes (from 1 GiB) for shuffle, 2 × v otherwise.
func threshold(m Metric, v float64) float64 {
	if m != Shuffle {
		return 2 * v
	}
	t := float64(gib)
	for t <= v {
		t *= 2
	}
	return t
}
