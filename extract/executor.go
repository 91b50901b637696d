package extract

import (
	"strings"

	"github.com/valyala/fastjson"
)

// executor mirrors the History Server's LiveExecutor: created by the first
// ExecutorAdded or BlockManagerAdded, live until ExecutorRemoved.
type executor struct {
	id            string
	host          string // Executor Info Host
	hostPort      string // Block Manager host:port
	cores         int64
	maxMemory     int64
	added         int64
	removed       *int64
	removedReason string
	live          bool

	active, totalTasks, completed, failed int64
	duration, gc, input, shuffleRead      int64
	shuffleWrite, memSpill, diskSpill     int64

	// peaks are the executor-level peak memory metrics; nil until any
	// TaskEnd, stage executor metrics or metrics update set them (the
	// History Server's peakMemoryMetrics then appears, zeros included).
	// Values are pointers so that a new maximum is stored without
	// allocating the key again.
	peaks map[string]*int64
}

func (b *Builder) executor(id string, t int64) *executor {
	if e := b.execs[id]; e != nil {
		return e
	}
	e := &executor{id: id, added: t, live: true}
	b.execs[id] = e
	b.execList = append(b.execList, e)
	return e
}

// driverID normalises Spark 1.x's "<driver>" to "driver".
func driverID(id string) string {
	if id == "<driver>" {
		return "driver"
	}
	return id
}

func (b *Builder) onExecutorAdded(v *fastjson.Value) {
	t := v.GetInt64("Timestamp")
	b.touchValue(t)
	e := b.executor(driverID(str(v, "Executor ID")), t)
	e.live = true
	if info := v.Get("Executor Info"); info != nil {
		e.host = str(info, "Host")
		e.cores = info.GetInt64("Total Cores")
	}
}

func (b *Builder) onExecutorRemoved(v *fastjson.Value) {
	t := v.GetInt64("Timestamp")
	b.touchValue(t)
	e := b.execs[driverID(str(v, "Executor ID"))]
	if e == nil || !e.live {
		return
	}
	e.live = false
	e.removed = &t
	e.removedReason = str(v, "Removed Reason")
}

func (b *Builder) onBlockManagerAdded(v *fastjson.Value) {
	t := v.GetInt64("Timestamp")
	b.touchValue(t)
	bm := v.Get("Block Manager ID")
	if bm == nil {
		return
	}
	e := b.executor(driverID(str(bm, "Executor ID")), t)
	e.hostPort = str(bm, "Host") + ":" + itoa(bm.GetInt64("Port"))
	e.maxMemory = v.GetInt64("Maximum Memory")
}

// executorTaskEnd applies a TaskEnd to its executor's totals as
// AppStatusListener.onTaskEnd does: only while the executor is live; the
// metric totals skip Resubmitted ends and ends without Task Metrics.
func (b *Builder) executorTaskEnd(ev *taskEndEvent) {
	ti, m := &ev.ti, &ev.m
	e := b.execs[driverID(string(ti.executor))]
	if e == nil || !e.live {
		return
	}
	complete, failed, _ := endDeltas(ev.reason)
	e.active--
	e.completed += complete
	e.failed += failed
	if ti.finish != 0 {
		e.duration += ti.finish - ti.launch
	}
	if string(ev.reason) != "Resubmitted" && ev.hasMetrics {
		e.gc += m[mGCTime]
		e.input += m[mInputBytes]
		e.shuffleRead += m[mShuffleReadBytes]
		e.shuffleWrite += m[mShuffleWriteBytes]
		e.memSpill += m[mMemorySpilled]
		e.diskSpill += m[mDiskSpilled]
	}
	// A missing Task Executor Metrics reads as an empty (all-zero) set,
	// which still marks the peaks as present.
	e.ensurePeaks()
	for _, p := range ev.peaks {
		e.setPeak(p.name, p.v)
	}
}

func (e *executor) ensurePeaks() {
	if e.peaks == nil {
		e.peaks = make(map[string]*int64, 24)
	}
}

// setPeak keeps the maximum of an executor metric (the first value seen
// sets it). Only a new name allocates.
func (e *executor) setPeak(name []byte, n int64) {
	switch p := e.peaks[string(name)]; {
	case p == nil:
		v := new(int64)
		*v = n
		e.peaks[string(name)] = v
	case n > *p:
		*p = n
	}
}

// peakValue returns an executor metric's peak, 0 when never reported.
func (e *executor) peakValue(name string) int64 {
	if p := e.peaks[name]; p != nil {
		return *p
	}
	return 0
}

// updatePeaks keeps the maximum of each executor metric.
func (e *executor) updatePeaks(m *fastjson.Value) {
	e.ensurePeaks()
	if m == nil {
		return
	}
	o, err := m.Object()
	if err != nil {
		return
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		if n, err := x.Int64(); err == nil {
			e.setPeak(k, n)
		}
	})
}

func (b *Builder) onStageExecutorMetrics(v *fastjson.Value) {
	// Dead executors count too (AppStatusListener.onStageExecutorMetrics).
	if e := b.execs[driverID(str(v, "Executor ID"))]; e != nil {
		e.updatePeaks(v.Get("Executor Metrics"))
	}
}

func (b *Builder) onExecutorMetricsUpdate(v *fastjson.Value) {
	e := b.execs[driverID(str(v, "Executor ID"))]
	if e == nil || !e.live {
		return
	}
	for _, u := range v.GetArray("Executor Metrics Updated") {
		e.updatePeaks(u.Get("Executor Metrics"))
	}
}

// hostOf returns the host of an executor: Executor Info Host, else the host
// part of the block manager's host:port.
func (e *executor) hostOf() string {
	if e.host != "" {
		return e.host
	}
	if i := strings.LastIndexByte(e.hostPort, ':'); i >= 0 {
		return e.hostPort[:i]
	}
	return e.hostPort
}

func (e *executor) peak(name string) *int64 {
	if e.peaks == nil {
		return nil
	}
	n := e.peakValue(name)
	return &n
}

// row builds the executor's row; end closes the lifetime of an executor
// never removed.
func (e *executor) row(end int64) ExecutorRow {
	r := ExecutorRow{
		ExecutorID: e.id, Host: e.hostOf(), Cores: e.cores, MaxMemory: e.maxMemory,
		RemovedTime: e.removed, RemovedReason: e.removedReason,
		Tasks: e.totalTasks, CompletedTasks: e.completed, FailedTasks: e.failed,
		TaskTimeMS: e.duration, GCTimeMS: e.gc, InputBytes: e.input,
		ShuffleReadBytes: e.shuffleRead, ShuffleWriteBytes: e.shuffleWrite,
		MemorySpilledBytes: e.memSpill, DiskSpilledBytes: e.diskSpill,
		PeakJVMHeapMemory:           e.peak("JVMHeapMemory"),
		PeakJVMOffHeapMemory:        e.peak("JVMOffHeapMemory"),
		PeakOnHeapExecutionMemory:   e.peak("OnHeapExecutionMemory"),
		PeakOffHeapExecutionMemory:  e.peak("OffHeapExecutionMemory"),
		PeakProcessTreeJVMRSSMemory: e.peak("ProcessTreeJVMRSSMemory"),
		MajorGCTimeMS:               e.peak("MajorGCTime"),
	}
	added := e.added
	r.AddedTime = &added
	stop := end
	if e.removed != nil {
		stop = *e.removed
	}
	r.LifetimeMS = max(0, stop-e.added)
	return r
}
