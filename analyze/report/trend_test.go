package report

import (
	"math"
	"testing"
)

func TestFit(t *testing.T) {
	tests := []struct {
		name                 string
		xs                   []int
		ys                   []float64
		slope, intercept, r2 float64
	}{
		// y = 10 + 3x exactly.
		{"line", []int{-3, -2, -1, 0}, []float64{1, 4, 7, 10}, 3, 10, 1},
		// Points (−2, 0), (−1, 3), (0, 3): x̄ = −1, ȳ = 2, Sxy = 3, Sxx = 2,
		// Syy = 6: slope 1.5, intercept 2 + 1.5 = 3.5, R² = 9 / 12.
		{"noisy", []int{-2, -1, 0}, []float64{0, 3, 3}, 1.5, 3.5, 0.75},
		// A gap week: x = −4, −1, 0 with y = 2x + 8.
		{"gap", []int{-4, -1, 0}, []float64{0, 6, 8}, 2, 8, 1},
		{"flat", []int{-2, -1, 0}, []float64{5, 5, 5}, 0, 5, 1},
	}
	for _, tc := range tests {
		var pts []Point
		for i, x := range tc.xs {
			pts = append(pts, Point{X: x, Value: tc.ys[i]})
		}
		s, i, r2 := fit(pts)
		if math.Abs(s-tc.slope) > 1e-12 || math.Abs(i-tc.intercept) > 1e-12 || math.Abs(r2-tc.r2) > 1e-12 {
			t.Errorf("%s: fit = %v, %v, R² %v; want %v, %v, %v", tc.name, s, i, r2, tc.slope, tc.intercept, tc.r2)
		}
	}
}

func TestThreshold(t *testing.T) {
	const gi, ti = 1 << 30, 1 << 40
	tests := []struct {
		m    Metric
		v    float64
		want float64
	}{
		{Shuffle, 10 << 20, gi}, // from 1 GiB up
		{Shuffle, gi, 2 * gi},   // strictly above
		{Shuffle, 300 * gi, 512 * gi},
		{Shuffle, 700 * gi, ti},
		{Shuffle, 1.5 * ti, 2 * ti},
		{Duration, 3_600_000, 7_200_000},
		{Cost, 12.5, 25},
	}
	for _, tc := range tests {
		if got := threshold(tc.m, tc.v); got != tc.want {
			t.Errorf("threshold(%s, %v) = %v, want %v", tc.m, tc.v, got, tc.want)
		}
	}
}

func TestTrendOf(t *testing.T) {
	w := Week{2026, 47}
	pts := func(ys ...float64) []Point {
		var out []Point
		for i, y := range ys {
			x := i - len(ys) + 1
			out = append(out, Point{Week: w.Add(x), X: x, Value: y, Runs: 7})
		}
		return out
	}
	gb := float64(1 << 30)
	tests := []struct {
		name  string
		pts   []Point
		ok    bool
		weeks int // weeks to the threshold when ok
	}{
		// 100, 200, 300 GiB: slope 100, reaches 512 GiB at x = 2.12: 3 weeks.
		{"shuffle grows", pts(100*gb, 200*gb, 300*gb), true, 3},
		{"two weeks only", pts(100*gb, 300*gb), false, 0},
		{"flat", pts(100*gb, 101*gb, 100*gb), false, 0},
		{"shrinks", pts(300*gb, 200*gb, 100*gb), false, 0},
		{"noise", pts(100*gb, 300*gb, 90*gb, 310*gb, 95*gb), false, 0},
		{"grows 10 % only", pts(100*gb, 105*gb, 110*gb), false, 0},
	}
	for _, tc := range tests {
		tr, ok := trendOf("job", Shuffle, tc.pts, w)
		if ok != tc.ok || ok && (tr.WeeksToThreshold != tc.weeks || tr.Reach != w.Add(tc.weeks) || tr.Threshold != 512*gb) {
			t.Errorf("%s: ok %v, %d weeks to %v by %v; want ok %v, %d weeks", tc.name, ok, tr.WeeksToThreshold, tr.Threshold, tr.Reach, tc.ok, tc.weeks)
		}
	}
	// Not run in the report week: no trend.
	p := pts(100*gb, 200*gb, 300*gb)
	for i := range p {
		p[i].X--
	}
	if _, ok := trendOf("job", Shuffle, p, w); ok {
		t.Error("a job that did not run in the report week trends")
	}
}
