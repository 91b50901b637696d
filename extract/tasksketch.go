package extract

import "math"

// TaskSketch is a bounded summary of one stage attempt's task durations
// (launch to end, every task that held a slot: successful, failed, killed
// and speculative, and tasks still running at the end of the log): the
// input of the right-sizing simulator.
//
// Up to SketchExact tasks, Durations holds every duration in launch order.
// Past that it holds SketchSample of them, a systematic sample in launch
// order (task ⌊(2i+1)·Count ÷ (2·SketchSample)⌋ for i = 0, 1, …), with the
// longest task put in place of its sample: the sum and the maximum stay
// exact (SumMS, MaxMS). A duration is bounded to 2³¹−1 ms (24 days). A sample of 256 places any quantile within about
// ±3 % of the ranks (one standard error, 1 ÷ (2√256)) for tasks in random
// order; building it costs one pass over the tasks, no sorting. Memory is at
// most 1 KiB a stage attempt.
type TaskSketch struct {
	Count     int64 // tasks with a duration
	SumMS     int64
	MaxMS     int64
	Durations []int32
}

// Sketch sizes: exact durations up to SketchExact tasks, else a sample of
// SketchSample.
const (
	SketchExact  = 256
	SketchSample = 256
)

// Exact reports whether Durations holds every task's duration.
func (s TaskSketch) Exact() bool { return int64(len(s.Durations)) == s.Count }

// At is the duration the sketch gives the task launched j-th (0 ≤ j < Count):
// its own when exact, else its sample's.
func (s TaskSketch) At(j int64) int64 {
	if s.Exact() {
		return int64(s.Durations[j])
	}
	return int64(s.Durations[j*int64(len(s.Durations))/s.Count])
}

// sketchOf summarises the durations of a stage attempt's task records, in
// one pass.
func sketchOf(tasks []taskRecord) TaskSketch {
	var s TaskSketch
	argMax := int64(-1)
	for i := range tasks {
		if v := tasks[i].m[mDuration]; v >= 0 {
			v = int64(clamp32(v))
			s.SumMS += v
			if v > s.MaxMS || argMax < 0 {
				s.MaxMS, argMax = v, s.Count
			}
			s.Count++
		}
	}
	k := min(s.Count, SketchExact)
	if s.Count > SketchExact {
		k = SketchSample
	}
	s.Durations = make([]int32, 0, k)
	j, next := int64(0), s.Count/(2*max(1, k)) // j counts tasks with a duration; next is the next one sampled
	for i := range tasks {
		v := tasks[i].m[mDuration]
		if v < 0 {
			continue
		}
		if j == next && int64(len(s.Durations)) < k {
			s.Durations = append(s.Durations, clamp32(v))
			next = (2*int64(len(s.Durations)) + 1) * s.Count / (2 * k)
		}
		j++
	}
	if argMax >= 0 && k > 0 {
		s.Durations[argMax*k/s.Count] = clamp32(s.MaxMS)
	}
	return s
}

func clamp32(v int64) int32 {
	return int32(min(max(v, 0), math.MaxInt32))
}

// SketchDurations summarises task durations as the Builder does for a stage
// attempt (for tests and tools that build models by hand).
func SketchDurations(d []int64) TaskSketch {
	recs := make([]taskRecord, len(d))
	for i, v := range d {
		recs[i].m[mDuration] = v
	}
	return sketchOf(recs)
}
