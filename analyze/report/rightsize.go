package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/sparkmine/sparkmine/analyze"
)

// maxSimError is the largest sim_error of a run whose right-sizing saving
// the report counts (analyze.RightsizeConfig's default max_error).
const maxSimError = 0.25

// maxCurves bounds the cost-versus-duration charts.
const maxCurves = 3

// Rightsized is a job's compute saved if its runs of the week had run on
// the configuration the simulation recommends for each.
type Rightsized struct {
	Job       string
	Runs      int // runs with a trusted simulation
	CostUSD   float64
	SavingUSD float64
	From, To  string       // the largest saver's configuration and the recommended one ("40×4", "12×4")
	Curve     []CurvePoint // the largest saver's simulated cost versus duration at its cores per executor
}

// CurvePoint is one simulated configuration of a run.
type CurvePoint struct {
	Executors, Cores   int64
	DurationMS         int64
	CostUSD            float64
	Actual, Rightsized bool
}

// rightsizing sums the week's right-sizing savings per job, largest first,
// counting runs whose simulation is trusted (complete, sim_error at most
// maxSimError). Savings are rescaled to the report's rates like findings'
// waste.
func rightsizing(cur []run, sims []analyze.SimulationRow) ([]Rightsized, float64) {
	byJob := map[string]*Rightsized{}
	best := map[string]run{}
	var total float64
	for _, r := range cur {
		a := r.row
		if a.RightsizeSavingUSD == nil || a.SimError == nil || *a.SimError > maxSimError || a.Status == "incomplete" {
			continue
		}
		s := *a.RightsizeSavingUSD
		if a.EstCostUSD > 0 {
			s *= r.cost.AllocatedUSD / a.EstCostUSD
		}
		s = max(0, min(s, r.cost.ExecutorUSD))
		name := job(a)
		j := byJob[name]
		if j == nil {
			j = &Rightsized{Job: name}
			byJob[name] = j
		}
		j.Runs++
		j.CostUSD += r.cost.AllocatedUSD
		j.SavingUSD += s
		total += s
		if b, ok := best[name]; !ok || s > savingOf(b) {
			best[name] = r
		}
	}
	out := make([]Rightsized, 0, len(byJob))
	for name, j := range byJob {
		b := best[name].row
		j.From = fmt.Sprintf("%d×%d", b.MaxExecutors, b.ExecutorCores)
		j.To = fmt.Sprintf("%d×%d", *b.RightsizedExecutors, *b.RightsizedExecutorCores)
		out = append(out, *j)
	}
	slices.SortFunc(out, func(x, y Rightsized) int {
		return cmp.Or(cmp.Compare(y.SavingUSD, x.SavingUSD), cmp.Compare(x.Job, y.Job))
	})
	out = out[:min(len(out), maxGroupRows)]
	for i := range out[:min(len(out), maxCurves)] {
		out[i].Curve = curve(best[out[i].Job], sims)
	}
	return out, total
}

func savingOf(r run) float64 {
	if r.row.RightsizeSavingUSD == nil {
		return 0
	}
	return *r.row.RightsizeSavingUSD
}

// curve is a run's simulated configurations at its own cores per executor,
// plus the recommended one, by duration.
func curve(r run, sims []analyze.SimulationRow) []CurvePoint {
	var out []CurvePoint
	for _, s := range sims {
		if s.AppID != r.row.AppID || s.AttemptID != r.row.AttemptID || s.ExecutorCores != r.row.ExecutorCores && !s.Rightsized {
			continue
		}
		out = append(out, CurvePoint{s.Executors, s.ExecutorCores, s.EstDurationMS, s.EstCostUSD, s.Actual, s.Rightsized})
	}
	slices.SortFunc(out, func(x, y CurvePoint) int { return cmp.Compare(x.DurationMS, y.DurationMS) })
	return out
}

func (r *Report) rightsizeSection(charts bool) section {
	s := section{ID: "rightsize", Title: "Compute saved if right-sized", Grid: r.rightsizeGrid(),
		Intro: fmt.Sprintf("Each run replayed on other executor counts (a tenth to four times its peak, its cores per executor and one step either side); "+
			"the saving is that of the cheapest configuration within 10 %% of its replayed duration (or its SLA). Runs whose replay misses their real duration by over %.0f %% are left out. "+
			"In all: %s this week.", 100*maxSimError, usd(r.RightsizeSavingUSD)),
		Empty: "No run of this week has a trusted right-sizing simulation."}
	if charts {
		for _, j := range r.Rightsizing {
			if len(j.Curve) > 1 {
				s.Charts = append(s.Charts, curveChart(j))
			}
		}
	}
	return s
}

func (r *Report) rightsizeGrid() grid {
	g := grid{Head: []string{"Job", "Runs", "Cost", "Saved if right-sized", "Share", "Largest saver: executors×cores"},
		Right: []bool{false, true, true, true, true, false}}
	for _, j := range r.Rightsizing {
		g.Rows = append(g.Rows, []string{orNone(j.Job), thousands(int64(j.Runs)), usd(j.CostUSD), usd(j.SavingUSD),
			pct(ratio(j.SavingUSD, j.CostUSD)), j.From + " → " + j.To})
	}
	if len(g.Rows) > 0 {
		g.Note = "Total saved if right-sized: " + usd(r.RightsizeSavingUSD)
	}
	return g
}

// curveChart draws a run's simulated cost against its duration: one point
// per executor count, the actual configuration and the recommended one
// marked.
func curveChart(j Rightsized) string {
	const w, h, left, right, top, bottom = 340, 230, 62, 322, 44, 196
	var s svg
	s.open(w, h, "Cost versus duration: "+j.Job)
	s.f(`<text x="8" y="16" font-weight="600" fill="#222">%s</text>`, esc(shorten(j.Job, 44)))
	s.text(8, 32, "start", colAxis, "simulated cost vs duration, "+j.From+" → "+j.To)
	peakCost, peakDur := 0.0, 0.0
	for _, p := range j.Curve {
		peakCost, peakDur = max(peakCost, p.CostUSD), max(peakDur, float64(p.DurationMS))
	}
	y := s.yAxis(left, right, top, bottom, niceTicks(peakCost, 4), usdTick)
	u := axisUnit(Duration, peakDur)
	xt := niceTicks(peakDur/u.div, 4)
	x := func(ms float64) float64 { return left + (right-left)*ms/u.div/xt[len(xt)-1] }
	for _, t := range xt {
		s.text(x(t*u.div), bottom+16, "middle", colAxis, u.tick(t))
	}
	for i := 1; i < len(j.Curve); i++ {
		a, b := j.Curve[i-1], j.Curve[i]
		if a.Cores == b.Cores {
			s.line(x(float64(a.DurationMS)), y(a.CostUSD), x(float64(b.DurationMS)), y(b.CostUSD), colUsed, 1.5, "")
		}
	}
	for _, p := range j.Curve {
		fill, r := colUsed, 2.5
		switch {
		case p.Rightsized:
			fill, r = colTrend, 5
		case p.Actual:
			fill, r = colWaste, 5
		}
		s.f(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%d×%d: %s, %s</title></circle>`,
			x(float64(p.DurationMS)), y(p.CostUSD), r, fill, p.Executors, p.Cores, esc(duration(float64(p.DurationMS))), usd(p.CostUSD))
	}
	s.legend(left, h-8, [2]string{"actual", colWaste}, [2]string{"right-sized", colTrend})
	return s.String()
}
