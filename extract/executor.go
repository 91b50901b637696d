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

	// hasPeaks says any TaskEnd, stage executor metrics or metrics update
	// set the executor-level peak memory metrics (the History Server's
	// peakMemoryMetrics then appears, zeros included). The metrics Spark
	// knows (peakNames) are kept in peakKnown, peakHave marking the ones
	// seen; any other name goes to peakOther, whose values are pointers so
	// that a new maximum is stored without allocating the key again.
	hasPeaks  bool
	peakHave  uint32
	peakKnown [len(peakNames)]int64
	peakOther map[string]*int64
}

// peakNames are Spark's ExecutorMetricType names, in the order Spark
// writes them.
var peakNames = [...]string{"JVMHeapMemory", "JVMOffHeapMemory",
	"OnHeapExecutionMemory", "OffHeapExecutionMemory", "OnHeapStorageMemory", "OffHeapStorageMemory",
	"OnHeapUnifiedMemory", "OffHeapUnifiedMemory", "DirectPoolMemory", "MappedPoolMemory",
	"ProcessTreeJVMVMemory", "ProcessTreeJVMRSSMemory", "ProcessTreePythonVMemory",
	"ProcessTreePythonRSSMemory", "ProcessTreeOtherVMemory", "ProcessTreeOtherRSSMemory",
	"MinorGCCount", "MinorGCTime", "MajorGCCount", "MajorGCTime", "TotalGCTime"}

// peakIndex is name's index in peakNames, -1 when Spark does not know it;
// hint is the member's position, where Spark writes it.
func peakIndex(hint int, name []byte) int {
	if uint(hint) < uint(len(peakNames)) && string(name) == peakNames[hint] {
		return hint
	}
	for i := range peakNames {
		if string(name) == peakNames[i] {
			return i
		}
	}
	return -1
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
	e.hasPeaks = true
	for _, p := range ev.peaks {
		if p.idx >= 0 {
			e.setKnownPeak(p.idx, p.v)
		} else {
			e.setOtherPeak(p.name, p.v)
		}
	}
}

// setPeak keeps the maximum of an executor metric (the first value seen
// sets it); hint is the member's position in its object. Only a new name
// Spark does not know allocates.
func (e *executor) setPeak(hint int, name []byte, n int64) {
	if i := peakIndex(hint, name); i >= 0 {
		e.setKnownPeak(i, n)
		return
	}
	e.setOtherPeak(name, n)
}

// setOtherPeak is setPeak of a name Spark does not know.
func (e *executor) setOtherPeak(name []byte, n int64) {
	switch p := e.peakOther[string(name)]; {
	case p == nil:
		if e.peakOther == nil {
			e.peakOther = make(map[string]*int64)
		}
		v := new(int64)
		*v = n
		e.peakOther[string(name)] = v
	case n > *p:
		*p = n
	}
}

// setKnownPeak is setPeak of peakNames[i].
func (e *executor) setKnownPeak(i int, n int64) {
	bit := uint32(1) << uint(i)
	if e.peakHave&bit == 0 || n > e.peakKnown[i] {
		e.peakKnown[i] = n
		e.peakHave |= bit
	}
}

// peakValue returns an executor metric's peak, 0 when never reported.
func (e *executor) peakValue(name string) int64 {
	if i := peakIndex(-1, []byte(name)); i >= 0 {
		return e.peakKnown[i]
	}
	if p := e.peakOther[name]; p != nil {
		return *p
	}
	return 0
}

// updatePeaks keeps the maximum of each executor metric.
func (e *executor) updatePeaks(m *fastjson.Value) {
	e.hasPeaks = true
	if m == nil {
		return
	}
	o, err := m.Object()
	if err != nil {
		return
	}
	i := 0
	o.Visit(func(k []byte, x *fastjson.Value) {
		if n, err := x.Int64(); err == nil {
			e.setPeak(i, k, n)
		}
		i++
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
	if !e.hasPeaks {
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
