package history

import (
	"math"
	"slices"
)

// quantile is the q-quantile of sorted xs, interpolated linearly between
// order statistics (R's type 7, numpy's default).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Spread is a robust centre and spread of a sample.
type Spread struct {
	Median float64
	IQR    float64 // p75 − p25
}

// spreadOf returns the median and IQR of xs (xs is not changed).
func spreadOf(xs []float64) Spread {
	s := slices.Clone(xs)
	slices.Sort(s)
	return Spread{Median: quantile(s, 0.5), IQR: quantile(s, 0.75) - quantile(s, 0.25)}
}

// sigma is the spread as a normal standard deviation (IQR ÷ 1.349), never
// below floor × |median|: a job whose last runs were identical still has
// run-to-run noise.
func (s Spread) sigma(floor float64) float64 {
	return math.Max(s.IQR/1.349, floor*math.Abs(s.Median))
}

// mannWhitney returns the two-sided p-value of the Mann–Whitney U test that
// a and b come from one distribution. Below 400 pairs it is exact (the
// distribution of U counted over every split, ties given half ranks by
// taking the nearer tail on the rank sum); above, the normal approximation
// with continuity correction. Small samples are the norm here: a job's
// runs before and after a change.
func mannWhitney(a, b []float64) float64 {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return 1
	}
	u := uStat(a, b)
	if n1*n2 <= 400 {
		return exactP(u, n1, n2)
	}
	mu := float64(n1*n2) / 2
	sd := math.Sqrt(float64(n1*n2*(n1+n2+1)) / 12)
	z := (math.Abs(u-mu) - 0.5) / sd
	return math.Min(1, math.Erfc(z/math.Sqrt2))
}

// uStat counts the pairs (x in a, y in b) with x > y, ties counting half.
func uStat(a, b []float64) float64 {
	var u float64
	for _, x := range a {
		for _, y := range b {
			switch {
			case x > y:
				u++
			case x == y:
				u += 0.5
			}
		}
	}
	return u
}

// exactP is the two-sided p-value of U for samples of n1 and n2 without
// ties: the share of the C(n1+n2, n1) splits whose U is at least as far
// from its mean as u.
func exactP(u float64, n1, n2 int) float64 {
	// counts[k] = number of splits with U = k, by the recurrence
	// f(n1, n2, k) = f(n1-1, n2, k-n2) + f(n1, n2-1, k).
	var total float64
	counts := make([]float64, n1*n2+1)
	prev := make([][]float64, n1+1) // f for n2-1
	for i := range prev {
		prev[i] = make([]float64, n1*n2+1)
		prev[i][0] = 1 // n2 = 0: U = 0
	}
	for j := 1; j <= n2; j++ {
		cur := make([][]float64, n1+1)
		for i := 0; i <= n1; i++ {
			cur[i] = make([]float64, n1*n2+1)
			for k := 0; k <= i*j; k++ {
				v := prev[i][k]
				if i > 0 && k-j >= 0 {
					v += cur[i-1][k-j]
				}
				cur[i][k] = v
			}
		}
		prev = cur
	}
	copy(counts, prev[n1])
	for _, c := range counts {
		total += c
	}
	mu := float64(n1*n2) / 2
	d := math.Abs(u - mu)
	var tail float64
	for k, c := range counts {
		if math.Abs(float64(k)-mu) >= d-1e-9 {
			tail += c
		}
	}
	return math.Min(1, tail/total)
}
