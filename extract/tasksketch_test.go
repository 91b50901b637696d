package extract

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSketchOf checks both forms of a TaskSketch: exact in launch order up
// to SketchExact, else a systematic sample in launch order; sum and max
// exact in both.
func TestSketchOf(t *testing.T) {
	for _, n := range []int{0, 1, SketchExact, SketchExact + 1, 1000, 5003} {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		recs := make([]taskRecord, n+1)
		var want []int64
		for i := range n {
			v := int64(rng.ExpFloat64() * 1000)
			recs[i].m[mDuration] = v
			want = append(want, v)
		}
		recs[n].m[mDuration] = -1 // no duration: not a task that held a slot
		s := sketchOf(recs)
		if s.Count != int64(n) {
			t.Fatalf("n=%d: Count %d", n, s.Count)
		}
		var sum, mx int64
		for _, v := range want {
			sum += v
			mx = max(mx, v)
		}
		if s.SumMS != sum || s.MaxMS != mx {
			t.Errorf("n=%d: sum %d max %d, want %d %d", n, s.SumMS, s.MaxMS, sum, mx)
		}
		if n <= SketchExact {
			for i, v := range want {
				if int64(s.Durations[i]) != v {
					t.Fatalf("n=%d: task %d = %d, want %d (launch order)", n, i, s.Durations[i], v)
				}
			}
			continue
		}
		checkSample(t, n, s, want)
	}
}

// checkSample checks a sampled sketch: SketchSample durations, the i-th
// being task (2i+1)·n ÷ (2·SketchSample)'s, but the sample holding the
// longest task, which holds it.
func checkSample(t *testing.T, n int, s TaskSketch, d []int64) {
	t.Helper()
	if len(s.Durations) != SketchSample {
		t.Fatalf("n=%d: %d samples", n, len(s.Durations))
	}
	top := slices.Index(d, slices.Max(d))
	for i, got := range s.Durations {
		want := d[(2*i+1)*n/(2*SketchSample)]
		if i == top*SketchSample/n {
			want = d[top]
		}
		if int64(got) != want {
			t.Fatalf("n=%d: sample %d = %d, want %d", n, i, got, want)
		}
	}
	for j := range n {
		if got, want := s.At(int64(j)), int64(s.Durations[j*SketchSample/n]); got != want {
			t.Fatalf("n=%d: At(%d) = %d, want sample %d's %d", n, j, got, j*SketchSample/n, want)
		}
	}
}

// BenchmarkSketchOf measures the sketch a stage attempt's reduction adds,
// for a stage of 5,000 tasks (the benchmark logs' size).
func BenchmarkSketchOf(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	recs := make([]taskRecord, 5000)
	for i := range recs {
		recs[i].m[mDuration] = int64(rng.ExpFloat64() * 2500)
	}
	b.ReportAllocs()
	for b.Loop() {
		sketchOf(recs)
	}
}
