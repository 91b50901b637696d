package plan

import "slices"

// Accums gathers what a log says of its SQL accumulators: the value each
// stage attempt's accumulables report at its completion (the accumulator's
// running total on the driver), the driver-side updates
// (SQLDriverAccumUpdates), and the stages whose accumulables carried it.
// It holds one small entry per accumulator, whatever the plan sizes.
type Accums struct {
	m map[int64]*accum
}

type accum struct {
	stage, driver int64
	stages        []int64
}

func (a *Accums) get(id int64) *accum {
	if a.m == nil {
		a.m = make(map[int64]*accum)
	}
	x := a.m[id]
	if x == nil {
		x = &accum{}
		a.m[id] = x
	}
	return x
}

// Stage records accumulator id in a completed stage's accumulables with
// its value then; the latest value wins (it is the running total).
func (a *Accums) Stage(id, stage, value int64) {
	x := a.get(id)
	x.stage = value
	if !slices.Contains(x.stages, stage) {
		x.stages = append(x.stages, stage)
	}
}

// Driver records a driver-side update of accumulator id; the latest one
// wins, as in the History Server's SQL listener.
func (a *Accums) Driver(id, value int64) {
	a.get(id).driver = value
}

// Value is the accumulator's value: its stage total plus its driver-side
// value; ok is false when the log never reported it.
func (a *Accums) Value(id int64) (v int64, ok bool) {
	x := a.m[id]
	if x == nil {
		return 0, false
	}
	return max(0, x.stage) + max(0, x.driver), true
}

// Stages are the stages whose accumulables carried accumulator id.
func (a *Accums) Stages(id int64) []int64 {
	if x := a.m[id]; x != nil {
		return x.stages
	}
	return nil
}

// Len is the number of accumulators seen.
func (a *Accums) Len() int { return len(a.m) }
