package extract

import (
	"bytes"

	"github.com/valyala/fastjson"
)

// Stage statuses, as the History Server spells them.
const (
	StatusActive   = "ACTIVE"
	StatusComplete = "COMPLETE"
	StatusFailed   = "FAILED"
	StatusPending  = "PENDING"
	StatusSkipped  = "SKIPPED"
)

type stageKey struct{ id, attempt int64 }

// stageInfo is the part of a Stage Info object the row needs; the latest
// one seen while the stage attempt is live wins, as in the History Server.
type stageInfo struct {
	name          string
	numTasks      int64
	submission    *int64
	completion    *int64
	failureReason string
}

func stageInfoFromJSON(si *fastjson.Value) (stageKey, stageInfo) {
	k := stageKey{si.GetInt64("Stage ID"), si.GetInt64("Stage Attempt ID")}
	return k, stageInfo{
		name:          str(si, "Stage Name"),
		numTasks:      si.GetInt64("Number of Tasks"),
		submission:    optInt64(si, "Submission Time"),
		completion:    optInt64(si, "Completion Time"),
		failureReason: str(si, "Failure Reason"),
	}
}

// stageInfoEvent is what the model reads of a Stage Info in a JobStart or
// a StageSubmitted, on either path.
type stageInfoEvent struct {
	key     stageKey
	info    stageInfo
	parents []int64 // nil when none
	details text
}

func stageInfoEventFromJSON(si *fastjson.Value) stageInfoEvent {
	e := stageInfoEvent{details: text{s: si.GetStringBytes("Details")}}
	e.key, e.info = stageInfoFromJSON(si)
	for _, p := range si.GetArray("Parent IDs") {
		e.parents = append(e.parents, p.GetInt64())
	}
	return e
}

// text is a string member as a decoder read it: its bytes (unescaped, on
// the fastjson path) or, from the fast path, its JSON token when it holds
// an escape, unescaped only when used (textOf).
type text struct {
	s   []byte
	tok bool // s is a JSON token with an escape
}

// firstLineOf returns the unescaped bytes of t up to at least its first
// line break: a token's bytes before its first escape when that escape is
// \n or \r (a stack trace's Details), else textOf(t).
func (b *Builder) firstLineOf(t text) []byte {
	if t.tok {
		raw := t.s[1 : len(t.s)-1]
		if k := bytes.IndexByte(raw, '\\'); k >= 0 && (raw[k+1] == 'n' || raw[k+1] == 'r') {
			return raw[:k]
		}
	}
	return b.textOf(t)
}

// textOf returns the unescaped bytes of t, valid until the next unquote.
func (b *Builder) textOf(t text) []byte {
	if t.tok {
		return b.unquote(t.s, true)
	}
	return t.s
}

// stageCounters are the numbers the History Server changes only while the
// stage attempt is in its live set.
type stageCounters struct {
	status                      string
	active                      int64
	complete, failed, killed    int64
	fetchFailures, executorLost int64
	exceptions, resubmitted     int64 // TaskEnds with reason ExceptionFailure, Resubmitted
	commitDenied                int64 // TaskEnds with reason TaskCommitDenied
	speculative                 int64
	firstLaunch                 *int64
	completedIndices            bitset
	sums                        [numMetrics]int64
	peakExecMax                 int64
}

// stageAttempt is a stage attempt not yet reduced to its row. It holds the
// records of its tasks until it has left the live set and none of its tasks
// is still running; then it becomes a stageResult and the records go.
type stageAttempt struct {
	key     stageKey
	info    stageInfo
	c       stageCounters
	live    bool // in the History Server's live set
	tasks   []taskRecord
	running int // records started and not ended
}

func newStageAttempt(k stageKey, info stageInfo) *stageAttempt {
	return &stageAttempt{key: k, info: info, live: true, c: stageCounters{status: StatusPending}}
}

// revive gives a stage attempt a fresh live object, as the History Server
// does when a later job lists a stage attempt that has left its live set:
// PENDING, zero counters (it becomes SKIPPED when that job ends).
func (s *stageAttempt) revive(info stageInfo) {
	s.info = info
	s.c = stageCounters{status: StatusPending}
	s.live = true
}

// stage returns b.stages[k], remembering the last one found: a stage's
// tasks come in runs of lines.
func (b *Builder) stage(k stageKey) *stageAttempt {
	if s := b.lastStage; s != nil && s.key == k {
		return s
	}
	s := b.stages[k]
	if s != nil {
		b.lastStage = s
	}
	return s
}

// liveStage returns the live stage attempt for k, creating it (or a fresh
// live object for one that left the live set) as getOrCreateStage does.
func (b *Builder) liveStage(k stageKey, info stageInfo) *stageAttempt {
	s := b.stages[k]
	switch {
	case s == nil:
		s = newStageAttempt(k, info)
		b.stages[k] = s
	case !s.live:
		s.revive(info)
	default:
		s.info = info
	}
	return s
}

func (b *Builder) onStageSubmitted(v *fastjson.Value) {
	si := v.Get("Stage Info")
	if si == nil {
		return
	}
	e := stageSubmittedEvent{info: stageInfoEventFromJSON(si), props: propsFromJSON(v.Get("Properties"))}
	b.stageSubmitted(&e)
}

func (b *Builder) stageSubmitted(e *stageSubmittedEvent) {
	s := b.liveStage(e.info.key, e.info.info)
	s.c.status = StatusActive
	b.noteStageSubmitted(e)
	b.touch(e.info.info.submission)
}

func (b *Builder) onStageCompleted(v *fastjson.Value) {
	si := v.Get("Stage Info")
	if si == nil {
		return
	}
	k, info := stageInfoFromJSON(si)
	b.touch(info.completion)
	b.stageAccums(k.id, si)
	b.stageCompleted(k, info)
}

// stageCompleted applies a StageCompleted's Stage Info (its accumulables
// already recorded).
func (b *Builder) stageCompleted(k stageKey, info stageInfo) {
	s := b.stages[k]
	if s == nil || !s.live {
		return // the History Server ignores a completion of a stage it does not hold live
	}
	s.info = info
	switch {
	case info.failureReason != "":
		s.c.status = StatusFailed
	case info.submission != nil:
		s.c.status = StatusComplete
	default:
		s.c.status = StatusSkipped
	}
	if s.c.active == 0 {
		b.leaveLive(s)
	}
}

// leaveLive freezes a stage attempt's counters and reduces it once none of
// its tasks is running.
func (b *Builder) leaveLive(s *stageAttempt) {
	s.live = false
	if s.running <= 0 {
		b.reduce(s)
	}
}

func (b *Builder) onTaskStart(v *fastjson.Value) {
	e := taskStartFromJSON(v)
	b.taskStart(&e)
}

func (b *Builder) taskStart(ev *taskStartEvent) {
	k, ti := ev.key, &ev.ti
	b.touchValue(ti.launch)
	if e := b.execs[string(ti.executor)]; e != nil && e.live {
		e.active++
		e.totalTasks++
	}
	s := b.stage(k)
	if s == nil {
		return // no stage object: the History Server shows no row for it
	}
	if s.live {
		s.c.active++
		if s.c.firstLaunch == nil || ti.launch < *s.c.firstLaunch {
			l := ti.launch
			s.c.firstLaunch = &l
		}
		if ti.speculative {
			s.c.speculative++
		}
	}
	if _, dup := b.tasks[ti.id]; dup {
		return
	}
	b.tasks[ti.id] = liveTask{key: k, pos: len(s.tasks)}
	if s.tasks == nil {
		s.tasks = b.newTasks()
	}
	s.tasks = append(s.tasks, taskRecord{launch: ti.launch})
	s.running++
}

// liveTask locates the record of a task that has started and not ended.
type liveTask struct {
	key stageKey
	pos int
}

// endDeltas classifies a Task End Reason as the History Server does.
func endDeltas(reason []byte) (complete, failed, killed int64) {
	switch string(reason) {
	case "Success":
		return 1, 0, 0
	case "TaskKilled", "TaskCommitDenied":
		return 0, 0, 1
	}
	return 0, 1, 0
}

func (b *Builder) onTaskEnd(v *fastjson.Value) {
	e := &b.scratch
	e.reset()
	taskEndFromJSON(v, e)
	b.taskEnd(e)
}

func (b *Builder) taskEnd(e *taskEndEvent) {
	ti := &e.ti
	b.touchValue(ti.finish)
	if e.hasMetrics {
		for i := range e.m {
			b.app.sums[i] += e.m[i]
		}
	}
	lt, started := b.tasks[ti.id]
	var rec *taskRecord
	var owner *stageAttempt
	if started {
		delete(b.tasks, ti.id)
		if s := b.stage(lt.key); s != nil && lt.pos < len(s.tasks) {
			rec = &s.tasks[lt.pos]
			finishRecord(rec, *ti, &e.m)
			s.running--
			owner = s
		}
	}
	b.app.countTaskEnd(e.reason)
	b.stageTaskEnd(e.key, e.reason, *ti, rec, started && e.hasMetrics)
	b.executorTaskEnd(e)
	if owner != nil {
		b.maybeReduce(owner)
	}
}

// stageTaskEnd applies a TaskEnd to the counters of its live stage attempt.
// withMetrics says the task was live and carried Task Metrics: only then
// does the History Server add its metrics to the stage sums.
func (b *Builder) stageTaskEnd(k stageKey, reason []byte, ti taskInfo, rec *taskRecord, withMetrics bool) {
	s := b.stage(k)
	if s == nil || !s.live {
		return
	}
	c := &s.c
	complete, failed, killed := endDeltas(reason)
	c.active--
	c.complete += complete
	c.failed += failed
	c.killed += killed
	if complete > 0 {
		c.completedIndices.set(ti.index)
	}
	switch string(reason) {
	case "FetchFailed":
		c.fetchFailures++
	case "ExecutorLostFailure":
		c.executorLost++
	case "ExceptionFailure":
		c.exceptions++
	case "Resubmitted":
		c.resubmitted++
	case "TaskCommitDenied":
		c.commitDenied++
	}
	if withMetrics && rec != nil {
		for i := range c.sums {
			c.sums[i] += rec.m[i]
		}
		c.peakExecMax = max(c.peakExecMax, rec.m[mPeakExecMemory])
	}
	if c.active == 0 && (c.status == StatusComplete || c.status == StatusFailed) {
		b.leaveLive(s)
	}
}

// maybeReduce reduces a stage attempt that has left the live set once its
// last running task has ended.
func (b *Builder) maybeReduce(s *stageAttempt) {
	if !s.live && s.running <= 0 && b.stage(s.key) == s {
		b.reduce(s)
	}
}

// bitset is a growable set of small non-negative integers (task indices).
type bitset struct {
	words []uint64
	n     int64
}

func (s *bitset) set(i int64) {
	if i < 0 || i > 1<<31 {
		return
	}
	w := int(i >> 6)
	if w >= len(s.words) {
		s.words = append(s.words, make([]uint64, w+1-len(s.words))...)
	}
	bit := uint64(1) << (uint(i) & 63)
	if s.words[w]&bit == 0 {
		s.words[w] |= bit
		s.n++
	}
}
