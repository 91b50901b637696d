package simulate

import "container/heap"

// item is a runnable unit of a group.
type item struct {
	unit  int
	ready int64
	job   int
	stage int64
}

// queue orders a group's runnable units by the time they became runnable,
// then job, then stage id (Spark's FIFO scheduler), and releases units
// whose parents have all finished. Its storage is reused from group to
// group and run to run.
type queue struct {
	items   []item
	g       *Group
	start   int64 // the group's start
	pending []int // unfinished parents per unit
	done    []int64
}

// reset readies the queue for group g starting at start, with the units
// that wait for nothing runnable.
func (q *queue) reset(g *Group, start int64) {
	q.g, q.start, q.items = g, start, q.items[:0]
	q.pending = resize(q.pending, len(g.Units))
	q.done = resize(q.done, len(g.Units))
	for i, u := range g.Units {
		q.pending[i] = len(u.Parents)
	}
	for i := range g.Units {
		if q.pending[i] == 0 {
			q.push(i)
		}
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// push makes unit i runnable: its job has started and its parents are done.
func (q *queue) push(i int) {
	u := &q.g.Units[i]
	ready := q.start + q.g.Jobs[u.job].OffsetMS
	for _, p := range u.Parents {
		ready = max(ready, q.done[p])
	}
	q.items = append(q.items, item{unit: i, ready: ready + u.DelayMS, job: u.job, stage: u.StageID})
	heap.Fix(q, len(q.items)-1)
}

// pop takes the first runnable unit (the queue must not be empty).
func (q *queue) pop() item {
	it, n := q.items[0], len(q.items)-1
	q.Swap(0, n)
	q.items = q.items[:n]
	if n > 0 {
		heap.Fix(q, 0)
	}
	return it
}

// finish records unit i's end and pushes the children it unblocks.
func (q *queue) finish(i int, end int64) {
	q.done[i] = end
	for _, c := range q.g.waiters()[i] {
		if q.pending[c]--; q.pending[c] == 0 {
			q.push(c)
		}
	}
}

func (q *queue) Len() int { return len(q.items) }
func (q *queue) Less(a, b int) bool {
	x, y := q.items[a], q.items[b]
	if x.ready != y.ready {
		return x.ready < y.ready
	}
	if x.job != y.job {
		return x.job < y.job
	}
	if x.stage != y.stage {
		return x.stage < y.stage
	}
	return x.unit < y.unit
}
func (q *queue) Swap(a, b int) { q.items[a], q.items[b] = q.items[b], q.items[a] }

// Push and Pop complete heap.Interface; the queue itself uses push and pop,
// which do not box items.
func (q *queue) Push(x any) { q.items = append(q.items, x.(item)) }
func (q *queue) Pop() any {
	n := len(q.items) - 1
	it := q.items[n]
	q.items = q.items[:n]
	return it
}
