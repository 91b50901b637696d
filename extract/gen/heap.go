package gen

import "container/heap"

// slot is one executor core; freeAt is when its current task ends.
type slot struct {
	exec, core int
	freeAt     int64
	seq        int64
}

// slotHeap orders free cores by time, then by the order they were offered,
// which spreads a wave's tasks round-robin over the executors.
type slotHeap struct {
	items []slot
	seq   int64
}

func (h *slotHeap) Len() int { return len(h.items) }
func (h *slotHeap) Less(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	if a.freeAt != b.freeAt {
		return a.freeAt < b.freeAt
	}
	return a.seq < b.seq
}
func (h *slotHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *slotHeap) Push(x any)    { h.items = append(h.items, x.(slot)) }
func (h *slotHeap) Pop() any {
	n := len(h.items) - 1
	s := h.items[n]
	h.items = h.items[:n]
	return s
}

func (h *slotHeap) push(s slot) {
	h.seq++
	s.seq = h.seq
	// interleave executors: core c of every executor before core c+1
	s.seq += int64(s.core) << 32
	heap.Push(h, s)
}

func (h *slotHeap) pop() slot { return heap.Pop(h).(slot) }

// evKind orders events that happen in the same millisecond.
type evKind uint8

const (
	evExecRemoved evKind = iota
	evTaskEnd
	evExecAdded
)

type event struct {
	at   int64
	kind evKind
	seq  int64
	exec int
	t    *task
}

// evHeap holds the events that are decided but not yet written: running
// tasks' ends and executor removals and additions.
type evHeap struct {
	items []event
	seq   int64
	tasks int // task ends queued
}

func (h *evHeap) Len() int { return len(h.items) }
func (h *evHeap) Less(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.seq < b.seq
}
func (h *evHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *evHeap) Push(x any)    { h.items = append(h.items, x.(event)) }
func (h *evHeap) Pop() any {
	n := len(h.items) - 1
	e := h.items[n]
	h.items = h.items[:n]
	return e
}

func (h *evHeap) push(e event) {
	h.seq++
	e.seq = h.seq
	if e.kind == evTaskEnd {
		h.tasks++
	}
	heap.Push(h, e)
}

func (h *evHeap) pop() event {
	e := heap.Pop(h).(event)
	if e.kind == evTaskEnd {
		h.tasks--
	}
	return e
}

func (h *evHeap) init() { heap.Init(h) }

func (h *evHeap) peek() (event, bool) {
	if len(h.items) == 0 {
		return event{}, false
	}
	return h.items[0], true
}
