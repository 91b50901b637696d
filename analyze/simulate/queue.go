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
// whose parents have all finished.
type queue struct {
	items    []item
	g        *Group
	start    int64 // the group's start
	pending  []int // unfinished parents per unit
	children [][]int
}

func newQueue(g *Group, start int64, done []int64) *queue {
	q := &queue{g: g, start: start, pending: make([]int, len(g.Units)), children: make([][]int, len(g.Units))}
	for i, u := range g.Units {
		q.pending[i] = len(u.Parents)
		for _, p := range u.Parents {
			q.children[p] = append(q.children[p], i)
		}
	}
	for i := range g.Units {
		if q.pending[i] == 0 {
			q.push(i, done)
		}
	}
	return q
}

// push makes unit i runnable: its job has started and its parents are done.
func (q *queue) push(i int, done []int64) {
	u := &q.g.Units[i]
	ready := q.start + q.g.Jobs[u.job].OffsetMS
	for _, p := range u.Parents {
		ready = max(ready, done[p])
	}
	heap.Push(q, item{unit: i, ready: ready + u.DelayMS, job: u.job, stage: u.StageID})
}

// release marks unit i finished and pushes the children it unblocks.
func (q *queue) release(i int, done []int64) {
	for _, c := range q.children[i] {
		if q.pending[c]--; q.pending[c] == 0 {
			q.push(c, done)
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
func (q *queue) Push(x any)    { q.items = append(q.items, x.(item)) }
func (q *queue) Pop() any {
	n := len(q.items) - 1
	it := q.items[n]
	q.items = q.items[:n]
	return it
}
