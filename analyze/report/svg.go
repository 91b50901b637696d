package report

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// The charts are hand-drawn SVG, inlined in the HTML page: no scripts, no
// fonts or styles from the network.

// Colours of the charts (colour-blind safe, Tableau 10).
const (
	colUsed   = "#4e79a7"
	colWaste  = "#e15759"
	colTrend  = "#59a14f"
	colAxis   = "#666"
	colGrid   = "#e4e4e4"
	fontStack = "font-family=\"system-ui, sans-serif\""
)

type svg struct{ b strings.Builder }

func (s *svg) f(format string, a ...any) { fmt.Fprintf(&s.b, format, a...) }

func (s *svg) open(w, h int, title string) {
	s.f(`<svg width="%d" height="%d" viewBox="0 0 %d %d" role="img" %s font-size="12">`, w, h, w, h, fontStack)
	s.f(`<title>%s</title>`, esc(title))
}

func (s *svg) text(x, y float64, anchor, fill, txt string) {
	s.f(`<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%s</text>`, x, y, anchor, fill, esc(txt))
}

func (s *svg) rect(x, y, w, h float64, fill, tip string) {
	s.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`, x, y, max(w, 0), max(h, 0), fill, esc(tip))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	s.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`, x1, y1, x2, y2, stroke, width, d)
}

func (s *svg) legend(x, y float64, items ...[2]string) {
	for _, it := range items {
		s.rect(x, y-10, 12, 12, it[1], it[0])
		s.text(x+16, y, "start", "#333", it[0])
		x += 24 + 7*float64(len(it[0]))
	}
}

func (s *svg) String() string { return s.b.String() + "</svg>" }

func esc(t string) string { return html.EscapeString(t) }

// niceTicks returns round tick values from 0 covering top.
func niceTicks(top float64, n int) []float64 {
	if top <= 0 || math.IsNaN(top) || math.IsInf(top, 0) {
		return []float64{0, 1}
	}
	raw := top / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := 0.0; v < top+step*0.999; v += step {
		ticks = append(ticks, v)
	}
	return ticks
}

// yAxis draws horizontal grid lines and labels; it returns the y of a value.
func (s *svg) yAxis(left, right, top, bottom float64, ticks []float64, label func(float64) string) func(float64) float64 {
	hi := ticks[len(ticks)-1]
	y := func(v float64) float64 { return bottom - (bottom-top)*v/hi }
	for _, t := range ticks {
		s.line(left, y(t), right, y(t), colGrid, 1, "")
		s.text(left-6, y(t)+4, "end", colAxis, label(t))
	}
	s.line(left, bottom, right, bottom, colAxis, 1, "")
	return y
}

// stackedChart draws one bar per label: used below, waste on top.
func stackedChart(title string, labels []string, used, waste []float64) string {
	const w, h, left, right, top, bottom = 720, 280, 70, 710, 36, 244
	var s svg
	s.open(w, h, title)
	s.legend(left, 18, [2]string{"used", colUsed}, [2]string{"waste (allocated, idle)", colWaste})
	peak := 0.0
	for i := range labels {
		peak = max(peak, used[i]+waste[i])
	}
	y := s.yAxis(left, right, top, bottom, niceTicks(peak, 5), usdTick)
	slot := (right - left) / float64(len(labels))
	bw := math.Min(slot*0.6, 60)
	for i, l := range labels {
		x := left + slot*float64(i) + (slot-bw)/2
		s.rect(x, y(used[i]), bw, bottom-y(used[i]), colUsed, fmt.Sprintf("%s used %s", l, usd(used[i])))
		s.rect(x, y(used[i]+waste[i]), bw, y(used[i])-y(used[i]+waste[i]), colWaste, fmt.Sprintf("%s waste %s", l, usd(waste[i])))
		if used[i]+waste[i] > 0 {
			s.text(x+bw/2, y(used[i]+waste[i])-4, "middle", "#333", usd(used[i]+waste[i]))
		}
		s.text(x+bw/2, bottom+16, "middle", colAxis, l)
	}
	return s.String()
}

func usdTick(v float64) string {
	if v >= 1000 {
		return "$" + thousands(int64(v))
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("$%.2f", v), "0"), ".0")
}

// maxBars bounds the waste-by-job chart.
const maxBars = 15

// wasteBars draws the jobs with most waste as horizontal bars.
func wasteBars(groups []Group) string {
	gs := slices.Clone(groups)
	slices.SortStableFunc(gs, func(a, b Group) int { return cmp.Compare(b.WasteUSD, a.WasteUSD) })
	gs = gs[:min(len(gs), maxBars)]
	const w, left, right, top, row = 720, 230, 590, 30, 24
	h := top + row*len(gs) + 10
	var s svg
	s.open(w, h, "Waste by job")
	s.legend(left, 18, [2]string{"waste this week (share of the job's cost)", colWaste})
	peak := 0.0
	for _, g := range gs {
		peak = max(peak, g.WasteUSD)
	}
	for i, g := range gs {
		yy := float64(top + row*i)
		bw := (right - left) * ratio(g.WasteUSD, peak)
		s.text(left-8, yy+row/2+4, "end", "#333", shorten(orNone(g.Key), 32))
		s.rect(left, yy+4, bw, row-8, colWaste, fmt.Sprintf("%s: waste %s of %s", g.Key, usd(g.WasteUSD), usd(g.CostUSD)))
		s.text(left+bw+6, yy+row/2+4, "start", "#333", fmt.Sprintf("%s (%s)", usd(g.WasteUSD), pct(ratio(g.WasteUSD, g.CostUSD))))
	}
	return s.String()
}

func shorten(t string, n int) string {
	r := []rune(t)
	if len(r) <= n {
		return t
	}
	return string(r[:n-1]) + "…"
}
