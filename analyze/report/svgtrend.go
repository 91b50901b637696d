package report

import (
	"fmt"
	"math"
)

// maxProjection bounds how far a trend chart draws the projection, in weeks.
const maxProjection = 26

// unit converts a metric's values to the unit its chart axis shows.
type unit struct {
	div  float64
	name string
}

func axisUnit(m Metric, top float64) unit {
	switch m {
	case Duration:
		if top >= 2*msPerHour {
			return unit{msPerHour, "h"}
		}
		return unit{60e3, "min"}
	case Shuffle:
		if top >= 1<<40 {
			return unit{1 << 40, "TiB"}
		}
		return unit{gib, "GiB"}
	}
	return unit{1, "USD"}
}

func (u unit) tick(v float64) string {
	if u.name == "USD" {
		return usdTick(v)
	}
	return fmt.Sprintf("%g %s", math.Round(v*100)/100, u.name)
}

// trendChart draws a trend: weekly points, the fitted line, its projection
// dashed up to the threshold (drawn dotted).
func trendChart(t Trend) string {
	const w, h, left, right, top, bottom = 340, 230, 62, 322, 44, 200
	x0 := float64(t.Points[0].X)
	x1 := float64(min(t.WeeksToThreshold+1, maxProjection))
	peak := max(t.Threshold, t.Fitted(x1))
	for _, p := range t.Points {
		peak = max(peak, p.Value)
	}
	u := axisUnit(t.Metric, peak)
	var s svg
	s.open(w, h, fmt.Sprintf("%s: %s", t.AppName, t.Metric.label()))
	s.f(`<text x="8" y="16" font-weight="600" fill="#222">%s</text>`, esc(shorten(t.AppName, 44)))
	s.text(8, 32, "start", colAxis, fmt.Sprintf("%s, %+.1f %% a week", t.Metric.label(), 100*t.Growth()))
	ticks := niceTicks(peak/u.div, 4)
	yv := s.yAxis(left, right, top, bottom, ticks, u.tick)
	y := func(v float64) float64 { return yv(v / u.div) }
	x := func(v float64) float64 { return left + (right-left)*(v-x0)/math.Max(x1-x0, 1) }
	s.weekLabels(t, x0, x1, x, bottom)
	s.line(left, y(t.Threshold), right, y(t.Threshold), colWaste, 1.2, "2 3")
	s.text(left+4, y(t.Threshold)-5, "start", colWaste, metricValue(t.Metric, t.Threshold))
	s.line(x(x0), y(t.Fitted(x0)), x(0), y(t.Fitted(0)), colTrend, 2, "")
	s.line(x(0), y(t.Fitted(0)), x(x1), y(t.Fitted(x1)), colTrend, 2, "6 4")
	if xr := float64(t.WeeksToThreshold); xr <= x1 {
		s.f(`<circle cx="%.1f" cy="%.1f" r="4" fill="none" stroke="%s" stroke-width="1.5"><title>%s</title></circle>`,
			x(xr), y(t.Fitted(xr)), colWaste, esc(t.Sentence()))
	}
	for _, p := range t.Points {
		s.f(`<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s (%d runs)</title></circle>`,
			x(float64(p.X)), y(p.Value), colUsed, p.Week, esc(metricValue(t.Metric, p.Value)), p.Runs)
	}
	return s.String()
}

// weekLabels labels the x axis with week numbers, at most about eight.
func (s *svg) weekLabels(t Trend, x0, x1 float64, x func(float64) float64, bottom float64) {
	step := int(math.Ceil((x1 - x0 + 1) / 8))
	for v := int(x0); v <= int(x1); v++ {
		if v%step != 0 {
			continue
		}
		wk := t.Points[len(t.Points)-1].Week.Add(v)
		fill := colAxis
		if v == 0 {
			fill = "#222"
		}
		s.line(x(float64(v)), bottom, x(float64(v)), bottom+4, colAxis, 1, "")
		s.text(x(float64(v)), bottom+17, "middle", fill, fmt.Sprintf("W%02d", wk.Week))
	}
}
