package analyze

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

// outOfMemory (out_of_memory) reports memory failures by the side that
// failed, each with the setting that governs that side:
//
//   - executor heap: a task failed with java.lang.OutOfMemoryError
//     (spark.executor.memory, 1.5 × the larger of the heap and the peak
//     JVM heap the executors logged);
//   - container: YARN killed a container "for exceeding memory limits" or
//     "running beyond physical memory limits", exit code 137 (SIGKILL) or
//     143 (SIGTERM) on a memory kill, Kubernetes OOMKilled
//     (spark.executor.memoryOverhead, spark.yarn.executor.memoryOverhead
//     before Spark 2.3, raised by half);
//   - GPU: the RAPIDS Accelerator ran out of GPU memory (GpuRetryOOM,
//     GpuSplitAndRetryOOM, "GPU OutOfMemory"): fewer concurrent GPU tasks
//     (spark.rapids.sql.concurrentGpuTasks), not more heap;
//   - driver: a job aborted because results exceeded
//     spark.driver.maxResultSize (twice the size it names), or the driver
//     itself threw OutOfMemoryError (spark.driver.memory × 1.5).
//
// A memory failure is reported whatever it cost (it fails the app once
// the data grows); it is critical when the app failed, else severe.
type outOfMemory struct{ c OutOfMemoryConfig }

// OutOfMemoryConfig configures out_of_memory.
type OutOfMemoryConfig struct {
	Switch `yaml:",inline"`
	Growth float64 `yaml:"growth" check:"nonneg" doc:"memory proposals grow the failed side's size (or its observed peak) by this factor"`
}

func (OutOfMemoryConfig) defaults() detectorConfig {
	return OutOfMemoryConfig{Switch: enabled, Growth: 1.5}
}

func (c OutOfMemoryConfig) detector() Detector { return outOfMemory{c} }

func (outOfMemory) Name() string { return "out_of_memory" }

// The sides that run out of memory.
const (
	sideHeap      = "executor heap"
	sideContainer = "executor container"
	sideGPU       = "GPU"
	sideResult    = "driver result size"
	sideDriver    = "driver heap"
)

var (
	gpuOOMRE       = regexp.MustCompile(`GpuRetryOOM|GpuSplitAndRetryOOM|GPU OutOfMemory|RMM .*out of memory|GpuOOM`)
	containerOOMRE = regexp.MustCompile(`(?i)exceeding (physical )?memory limits|beyond physical memory limits|OOMKilled|exit (code|status):? ?137|exitcode:? ?137|exit (code|status):? ?143`)
	heapOOMRE      = regexp.MustCompile(`java\.lang\.OutOfMemoryError`)
	resultSizeRE   = regexp.MustCompile(`Total size of serialized results of \d+ tasks \(([\d.]+) ([KMGT]i?B)\) is bigger than spark\.driver\.maxResultSize`)
)

// sideOf classifies one failure message ("" when it is no memory failure).
func sideOf(msg string) string {
	switch {
	case gpuOOMRE.MatchString(msg):
		return sideGPU
	case resultSizeRE.MatchString(msg):
		return sideResult
	case containerOOMRE.MatchString(msg):
		return sideContainer
	case heapOOMRE.MatchString(msg):
		return sideHeap
	}
	return ""
}

// oomHit is the first evidence of one side.
type oomHit struct {
	side  string
	stage *extract.StageRow // the stage whose tasks failed, when known
	msg   string
	count int
}

func (d outOfMemory) Detect(app *extract.App) []FindingRow {
	hits := memoryFailures(app)
	var out []FindingRow
	for _, side := range []string{sideHeap, sideContainer, sideGPU, sideResult, sideDriver} {
		if h, ok := hits[side]; ok {
			out = append(out, d.finding(app, h))
		}
	}
	return out
}

// memoryFailures gathers memory failures by side from stage failures,
// executor removals and job failures (a heap OOM named only by a job is
// the driver's).
func memoryFailures(app *extract.App) map[string]*oomHit {
	hits := map[string]*oomHit{}
	note := func(side string, st *extract.StageRow, msg string) {
		if h := hits[side]; h != nil {
			h.count++
			return
		}
		hits[side] = &oomHit{side: side, stage: st, msg: msg, count: 1}
	}
	for i := range app.Stages {
		if st := &app.Stages[i]; sideOf(st.FailureReason) != "" {
			note(sideOf(st.FailureReason), st, st.FailureReason)
		}
	}
	for _, e := range app.Executors {
		if s := sideOf(e.RemovedReason); s != "" && e.ExecutorID != "driver" {
			note(s, nil, e.RemovedReason)
		}
	}
	for _, j := range app.Jobs {
		s := sideOf(j.FailureMessage)
		if s == sideHeap && hits[sideHeap] == nil {
			s = sideDriver
		}
		if s != "" {
			note(s, nil, j.FailureMessage)
		}
	}
	return hits
}

func (d outOfMemory) finding(app *extract.App, h *oomHit) FindingRow {
	sev := Severe
	if app.Row.Status == "failed" {
		sev = Critical
	}
	title := fmt.Sprintf("Out of memory: %s", h.side)
	f := appFinding(d.Name(), sev, float64(h.count), title)
	if h.stage != nil {
		f = stageFinding(d.Name(), h.stage, sev, float64(h.count), fmt.Sprintf("Stage %d: out of memory (%s)", h.stage.StageID, h.side))
	}
	f.Detail = fmt.Sprintf("%d failure(s) ran out of %s memory. First: %s", h.count, h.side, truncate(firstLine(h.msg), 300))
	// The metric names the side: app-level findings of one detector are
	// told apart (and their finding_id) by it.
	f.Evidence = []Evidence{ev(strings.ReplaceAll(h.side, " ", "_")+"_oom_failures", float64(h.count), 1)}
	f.Recommendations = d.recs(app, h)
	return f
}

func (d outOfMemory) recs(app *extract.App, h *oomHit) []Recommendation {
	switch h.side {
	case sideHeap:
		heap := executorHeapMB(app)
		base := math.Max(float64(heap), float64(peakHeapMB(app)))
		if p := heapProposal(int64(base), d.c.Growth); p != "" {
			return []Recommendation{rec(app, keyExecMem, p, fmt.Sprintf("tasks threw OutOfMemoryError in a %s heap (peak seen %s)", formatMiB(heap), formatMiB(peakHeapMB(app))))}
		}
	case sideContainer:
		return []Recommendation{overheadRec(app)}
	case sideGPU:
		cur := confInt(app, keyGPUTasks, 2)
		return []Recommendation{rec(app, keyGPUTasks, propInt(keyGPUTasks, float64(max(1, cur/2))),
			fmt.Sprintf("fewer tasks share the GPU's memory (now %d); more heap would not help a GPU out of memory", cur))}
	case sideResult:
		if b := resultBytes(h.msg); b > 0 {
			return resultRecs(app, b, confBytes(app, keyMaxResultSize, 1, 1*GiB))
		}
	case sideDriver:
		cur := confBytes(app, keyDriverMem, MiB, max(app.Row.DriverMemoryMB, 1024)*MiB)
		if want := math.Ceil(float64(cur)*d.c.Growth/GiB) * GiB; want <= Properties[keyDriverMem].Max {
			return []Recommendation{rec(app, keyDriverMem, propMiB(keyDriverMem, want), "the driver threw OutOfMemoryError")}
		}
	}
	return nil
}

// risk: a memory failure fails the app once the data grows.
func (outOfMemory) risk(*extract.App, FindingRow) bool { return true }

const keyGPUTasks = "spark.rapids.sql.concurrentGpuTasks"

// peakHeapMB is the largest peak JVM heap an executor logged, in MiB (0
// when none did).
func peakHeapMB(app *extract.App) int64 {
	var peak int64
	for _, e := range app.Executors {
		if e.PeakJVMHeapMemory != nil && e.ExecutorID != "driver" {
			peak = max(peak, *e.PeakJVMHeapMemory)
		}
	}
	return peak / MiB
}

// resultBytes reads the result size a maxResultSize abort names.
func resultBytes(msg string) float64 {
	m := resultSizeRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	var v float64
	fmt.Sscan(m[1], &v)
	unit := map[byte]float64{'K': 1 << 10, 'M': MiB, 'G': GiB, 'T': 1 << 40}[m[2][0]]
	return v * unit
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
