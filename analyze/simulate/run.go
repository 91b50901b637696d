package simulate

import (
	"cmp"
	"math"
	"slices"

	"github.com/sparkmine/sparkmine/extract"
)

// Config is an executor configuration to replay on.
type Config struct {
	Executors int64
	Cores     int64 // per executor
}

// Slots is the number of tasks the configuration runs at once (at most
// math.MaxInt64).
func (c Config) Slots(taskCPUs int64) int64 {
	per := c.Cores / max(1, taskCPUs)
	if c.Executors < 1 || per < 1 {
		return 0
	}
	if per > math.MaxInt64/c.Executors {
		return math.MaxInt64
	}
	return c.Executors * per
}

// Run replays the model on the configuration c, its executors registering
// from the first one's time (Model.ExecStartMS) one every
// Model.ExecSpacingMS as in the log, and returns the estimated app duration
// in ms (math.MaxInt64 when c has no slot).
func Run(m *Model, c Config) int64 {
	per := c.Cores / max(1, m.TaskCPUs)
	if c.Executors < 1 || per < 1 {
		return math.MaxInt64
	}
	n := min(c.Slots(m.TaskCPUs), max(1, m.Tasks())) // more slots than tasks stay idle
	free := make([]slot, n)
	for i := range free {
		free[i] = slot{free: m.ExecStartMS + int64(i)/per*m.ExecSpacingMS, until: math.MaxInt64}
	}
	return replayOn(m, free)
}

// RunTimeline replays the model on the slots the app's executors gave as
// they came and went (Model.Timeline), or as Run at the app's own
// configuration when the model has no timeline.
func RunTimeline(m *Model) int64 {
	var free []slot
	for _, e := range m.Timeline {
		for range e.Slots {
			free = append(free, slot{free: e.FromMS, until: e.UntilMS})
		}
	}
	if len(free) == 0 {
		return Run(m, Config{m.Executors, m.ExecutorCores})
	}
	slices.SortFunc(free, func(x, y slot) int { return cmp.Compare(x.free, y.free) }) // a valid min-heap
	return replayOn(m, free)
}

func replayOn(m *Model, free []slot) int64 {
	r := &replay{free: free}
	t := int64(0)
	for i := range m.Groups {
		g := &m.Groups[i]
		t = r.group(g, t+g.GapMS)
	}
	return t + m.TailMS
}

// slot is one task slot: free from free, taking no task from until on.
type slot struct{ free, until int64 }

// replay is the state of one Run: the slots as a min-heap on free time.
type replay struct {
	free   []slot
	sorts  []slot // scratch for the fluid fill
	q      queue
	jobEnd []int64
}

// group replays one group starting at t and returns its end.
func (r *replay) group(g *Group, t int64) int64 {
	for i := range r.free {
		r.free[i].free = max(r.free[i].free, t)
	}
	end := t
	jobEnd := resize(r.jobEnd, len(g.Jobs))
	r.jobEnd = jobEnd
	for k, j := range g.Jobs {
		jobEnd[k] = t + j.OffsetMS
	}
	q := &r.q
	q.reset(g, t)
	for q.Len() > 0 {
		it := q.pop()
		u := &g.Units[it.unit]
		e := r.stage(&u.Tasks, it.ready)
		jobEnd[u.job] = max(jobEnd[u.job], e)
		q.finish(it.unit, e)
	}
	for k, j := range g.Jobs {
		end = max(end, jobEnd[k]+j.PostMS)
	}
	return end
}

// stage places a stage's tasks, runnable at ready, and returns when its
// last task ends (ready when it has none).
func (r *replay) stage(s *extract.TaskSketch, ready int64) int64 {
	end := ready
	if s.Exact() {
		for _, d := range s.Durations {
			end = max(end, r.place(ready, int64(d)))
		}
		return end
	}
	n, slots := s.Count, int64(len(r.free))
	tail := n
	if n > 2*slots {
		tail = n - (n-2*slots)/slots*slots // the bulk is whole waves
	}
	var tailSum int64
	for j := n - tail; j < n; j++ {
		tailSum += s.At(j)
	}
	if tail < n {
		end = r.fill(ready, max(0, s.SumMS-tailSum))
	}
	for j := n - tail; j < n; j++ {
		end = max(end, r.place(ready, s.At(j)))
	}
	end = max(end, ready+s.MaxMS) // the longest task may have been poured
	return end
}

// place runs one task of d ms, runnable at ready, on the earliest free slot
// that is still alive and returns its end.
func (r *replay) place(ready, d int64) int64 {
	for len(r.free) > 1 && max(r.free[0].free, ready) >= r.free[0].until {
		n := len(r.free) - 1
		r.free[0] = r.free[n]
		r.free = r.free[:n]
		siftDown(r.free)
	}
	end := max(r.free[0].free, ready) + d
	r.free[0].free = end
	siftDown(r.free)
	return end
}

// fill pours work ms of tasks runnable at ready onto the live slots as a
// fluid: the least busy are raised to one level, which it returns.
func (r *replay) fill(ready, work int64) int64 {
	f := r.sorts[:0]
	for _, s := range r.free {
		if s.free = max(s.free, ready); s.free < s.until {
			f = append(f, s)
		}
	}
	if len(f) == 0 {
		return r.place(ready, work)
	}
	slices.SortFunc(f, func(x, y slot) int { return cmp.Compare(x.free, y.free) })
	var sum, level int64
	for k := 1; k <= len(f); k++ {
		sum += f[k-1].free
		level = (work + sum + int64(k) - 1) / int64(k)
		if k == len(f) || level <= f[k].free {
			break
		}
	}
	for i := range f {
		f[i].free = max(f[i].free, level) // still ascending: a valid min-heap
	}
	r.free, r.sorts = f, r.free
	return level
}

// siftDown restores the min-heap property of h after h[0] grew.
func siftDown(h []slot) {
	i, n := 0, len(h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h[c+1].free < h[c].free {
			c++
		}
		if h[i].free <= h[c].free {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
