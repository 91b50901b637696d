package simulate

import (
	"math/rand/v2"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
)

// randomModel is a random app: groups of jobs whose stages form a DAG
// (parents are earlier units), some stages with many tasks (sketched).
func randomModel(rng *rand.Rand, zeroDriver bool) *Model {
	m := &Model{TaskCPUs: 1, Executors: 1 + rng.Int64N(20), ExecutorCores: 1 + rng.Int64N(8)}
	for range 1 + rng.IntN(4) {
		g := Group{Jobs: make([]Job, 1+rng.IntN(3))}
		for k := range g.Jobs {
			if !zeroDriver {
				g.Jobs[k] = Job{OffsetMS: rng.Int64N(500), PostMS: rng.Int64N(100)}
				g.GapMS = rng.Int64N(3000)
			}
		}
		for i := range 1 + rng.IntN(6) {
			u := Unit{StageID: int64(i), job: rng.IntN(len(g.Jobs)), Tasks: randomTasks(rng)}
			for p := range i {
				if rng.IntN(3) == 0 {
					u.Parents = append(u.Parents, p)
				}
			}
			if !zeroDriver {
				u.DelayMS = rng.Int64N(200)
			}
			g.Units = append(g.Units, u)
		}
		m.Groups = append(m.Groups, g)
	}
	if !zeroDriver {
		m.TailMS = rng.Int64N(5000)
	}
	return m
}

func randomTasks(rng *rand.Rand) extract.TaskSketch {
	n := 1 + rng.IntN(40)
	if rng.IntN(4) == 0 {
		n = 300 + rng.IntN(3000)
	}
	d := make([]int64, n)
	for i := range d {
		d[i] = 1 + int64(rng.ExpFloat64()*2000)
	}
	return extract.SketchDurations(d)
}

// TestMonotone: the estimate never grows as executors grow, at every cores
// value of the sweep.
func TestMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		m := randomModel(rng, false)
		res := Simulate(m, Options{})
		for j := 1; j < len(res.Points); j++ {
			a, b := res.Points[j-1], res.Points[j]
			if a.Cores == b.Cores && b.DurationMS > a.DurationMS {
				t.Fatalf("model %d: %d×%d takes %d ms, more than %d×%d's %d ms", i, b.Executors, b.Cores, b.DurationMS, a.Executors, a.Cores, a.DurationMS)
			}
		}
	}
}

// TestOneSlot: with one slot the estimate is the total task time plus the
// driver's time, when no driver delay can overlap a task.
func TestOneSlot(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		m := randomModel(rng, true)
		m.TailMS, m.Groups[0].GapMS = 1234, 777 // driver time outside every group overlaps nothing
		var sum int64
		for _, g := range m.Groups {
			for _, u := range g.Units {
				sum += u.Tasks.SumMS
			}
		}
		if got, want := Run(m, Config{1, 1}), sum+1234+777; got != want {
			t.Fatalf("model %d: one slot %d ms, want %d", i, got, want)
		}
	}
}

// TestUnlimitedSlots: with a slot per task the estimate is at least the
// critical path (which holds the driver's time).
func TestUnlimitedSlots(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 200 {
		m := randomModel(rng, false)
		cp := CriticalPathMS(m)
		if got := Run(m, Config{m.Tasks(), 1}); got < cp {
			t.Fatalf("model %d: unlimited slots %d ms, under the critical path %d", i, got, cp)
		}
		if cp < m.DriverMS() {
			t.Fatalf("model %d: critical path %d ms under the driver's time %d", i, cp, m.DriverMS())
		}
	}
}

// TestClosedForm: one stage of n equal tasks of d ms on s slots takes
// ⌈n/s⌉·d plus the driver's time; past extract.SketchExact tasks the
// fluid replay may be off by at most one task.
func TestClosedForm(t *testing.T) {
	cases := []struct{ n, d, slots int64 }{
		{1, 100, 1}, {10, 100, 3}, {10, 100, 10}, {10, 100, 64}, {256, 7, 16}, {255, 1000, 4},
		{257, 100, 16}, {5000, 250, 40}, {5000, 250, 37}, {100000, 10, 800}, {3000, 50, 2000},
	}
	for _, c := range cases {
		d := make([]int64, c.n)
		for i := range d {
			d[i] = c.d
		}
		m := &Model{TaskCPUs: 1, TailMS: 50, Groups: []Group{{GapMS: 200, Jobs: []Job{{}},
			Units: []Unit{{Tasks: extract.SketchDurations(d)}}}}}
		want := (c.n+c.slots-1)/c.slots*c.d + 250
		got := Run(m, Config{c.slots, 1})
		tol := int64(0)
		if c.n > extract.SketchExact {
			tol = c.d
		}
		if got < want-tol || got > want+tol {
			t.Errorf("%d tasks × %d ms on %d slots: %d ms, want %d (± %d)", c.n, c.d, c.slots, got, want, tol)
		}
	}
}
