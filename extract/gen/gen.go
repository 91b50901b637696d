package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// lineSink receives complete lines, newline included. The slice is reused
// after the call returns. flush says Spark flushes its stream after this
// line (every event but task events and StageSubmitted), which ends a
// zstd frame or cuts a snappy or lzf chunk.
type lineSink interface {
	writeLine(b []byte, flush bool) error
}

// gen holds the state of one generation run.
type gen struct {
	spec  Spec
	plan  *appPlan
	r     *rand.Rand
	sink  lineSink
	l     line
	flush bool // Spark flushes after the line being built
	stats Stats
	err   error

	execs []executor
	alive []int // indices of live executors
	slots slotHeap
	queue evHeap // task ends and executor events, by time
	pool  []*task

	now        int64 // time of the last event written
	nextTask   int64
	nextAcc    int64
	nextRDD    int
	nextExecID int

	busyMS    int64 // Σ Executor Run Time over tasks with metrics
	noJobMS   int64 // wall time with no job running
	lastJobAt int64 // end of the last job (or app start)

	sql       sqlState
	planPad   string // the wide-schema padding of big plans, built once
	stageRun  *stageRun
	firstTask []int64 // first task id of each stage's attempt 0
}

// Write generates the log s describes into w, one line at a time.
func Write(w io.Writer, s Spec) (Stats, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	fl, _ := w.(flusher)
	st, err := generate(s, writerSink{bw, fl})
	if err != nil {
		return st, err
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("gen: write: %w", err)
	}
	return st, nil
}

// flusher is a stream that can end a compressed block on demand, as
// codec.Flusher does.
type flusher interface{ Flush() error }

// writerSink buffers lines for w; on Spark's flush points it flushes the
// buffer and then w, when w can flush.
type writerSink struct {
	w  *bufio.Writer
	fl flusher
}

func (s writerSink) writeLine(b []byte, flush bool) error {
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	if !flush || s.fl == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.fl.Flush()
}

func generate(s Spec, sink lineSink) (Stats, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return Stats{}, err
	}
	g := &gen{
		spec: s,
		plan: newPlan(s, planRand(s)),
		r:    rand.New(rand.NewPCG(uint64(s.Seed), 0xe7e7)),
		sink: sink,
		l:    line{b: make([]byte, 0, 64<<10)},
	}
	g.firstTask = make([]int64, len(g.plan.stages))
	g.run()
	if g.err != nil {
		return g.stats, fmt.Errorf("gen: write %s: %w", s.AppID, g.err)
	}
	return g.stats, nil
}

// run writes the whole app.
func (g *gen) run() {
	start := g.spec.Start.UnixMilli()
	g.stats.Start = g.spec.Start
	g.now, g.lastJobAt = start, start
	g.writePreamble(start)
	g.startExecutors(start)
	failed := false
	for i := range g.plan.jobs {
		if g.err != nil {
			return
		}
		if !g.runJob(&g.plan.jobs[i]) {
			failed = true
			break
		}
	}
	end := g.now + g.gapBeforeNextJob()
	g.flushQueue(end)
	end = max(end, g.now)
	g.noJobMS += end - g.lastJobAt
	g.stats.End = time.UnixMilli(end).UTC()
	if !g.spec.Incomplete {
		g.appEnd(end, failed)
	}
}

// emit writes the built line.
func (g *gen) emit() {
	if g.err != nil {
		return
	}
	g.l.b = append(g.l.b, '\n')
	g.stats.Lines++
	g.stats.Bytes += int64(len(g.l.b))
	g.err = g.sink.writeLine(g.l.b, g.flush)
}

// begin starts a line for event name after writing every queued event
// that happens at or before t.
func (g *gen) begin(name string, t int64) {
	g.flushQueue(t)
	g.now = max(g.now, t)
	g.l.reset()
	g.l.open('{')
	g.l.str("Event", name)
	g.flush = name != "SparkListenerStageSubmitted"
}

func (g *gen) end() {
	g.l.close('}')
	g.emit()
}

// gapBeforeNextJob is the driver time before the next job (or the app
// end): a short planning pause, stretched to plant IdleExecutors and
// DriverBound at their target fractions.
func (g *gen) gapBeforeNextJob() int64 {
	gap := 300 + g.r.Int64N(2500)
	a := g.spec.Anomalies
	t := g.now
	if a.IdleExecutors > 0 {
		u := 1 - a.IdleExecutors
		cores := int64(len(g.alive) * g.spec.ExecutorCores)
		need := (float64(g.busyMS)/u - float64(g.allocatedCoreMS(t))) / float64(cores)
		gap = max(gap, int64(need))
	}
	if d := a.DriverBound; d > 0 {
		wall := float64(t - g.spec.Start.UnixMilli())
		need := (d*wall - float64(g.noJobMS+t-g.lastJobAt)) / (1 - d)
		gap = max(gap, int64(need))
	}
	return gap
}

// allocatedCoreMS is Σ executor cores × time alive up to t.
func (g *gen) allocatedCoreMS(t int64) int64 {
	var sum int64
	for _, e := range g.execs {
		end := t
		if e.deathAt > 0 {
			end = min(end, e.deathAt)
		}
		if end > e.added {
			sum += int64(e.cores) * (end - e.added)
		}
	}
	return sum
}
