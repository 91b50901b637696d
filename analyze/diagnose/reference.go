package diagnose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"github.com/sparkmine/sparkmine/extract"
)

// reference is the reference information: a compact, redacted JSON picture
// of one app. Lists are in priority order, so truncation drops their tails.
type reference struct {
	SparkVersion  string                      `json:"spark_version"`
	Deployment    string                      `json:"deployment"`
	App           appSummary                  `json:"app"`
	Conf          map[string]string           `json:"conf"`
	Executors     executorSummary             `json:"executors"`
	QuantileOrder []string                    `json:"quantile_order"`
	Stages        []stageRef                  `json:"stages"` // root cause, failed, flagged, then slowest
	Findings      []findingRef                `json:"findings"`
	Failures      failures                    `json:"failures"`
	RightSizing   rightSizingOrWhyUnavailable `json:"right_sizing,omitempty"`
	JobHistory    *JobHistory                 `json:"job_history,omitempty"`      // the job's baseline and earlier advice's outcomes
	Plan          string                      `json:"sql_plan_excerpt,omitempty"` // of the first listed stage's SQL execution, when no listed stage has operators
	Truncated     []string                    `json:"truncated,omitempty"`

	view       catalog.View   // the app's catalogue: which conf keys are real
	orig       map[string]int // list lengths before any bound
	origPlan   int
	findingIDs []string // of Findings, in its order, before any bound
}

// seenFindings are the ids of the findings the reference still holds.
func (r *reference) seenFindings() []string { return r.findingIDs[:len(r.Findings)] }

type appSummary struct {
	Status             string   `json:"status"`
	DurationMS         int64    `json:"duration_ms"`
	Jobs               int64    `json:"jobs"`
	FailedJobs         int64    `json:"failed_jobs"`
	Stages             int64    `json:"stages"`
	FailedStages       int64    `json:"failed_stages"`
	Tasks              int64    `json:"tasks"`
	FailedTasks        int64    `json:"failed_tasks"`
	KilledTasks        int64    `json:"killed_tasks"`
	ExecutorCores      int64    `json:"executor_cores"`
	ExecutorMemoryMB   int64    `json:"executor_memory_mb"`
	DriverCores        int64    `json:"driver_cores"`
	DriverMemoryMB     int64    `json:"driver_memory_mb"`
	ExecutorTimeMS     int64    `json:"executor_time_ms"`
	TaskTimeMS         int64    `json:"task_time_ms"`
	Utilization        *float64 `json:"utilization,omitempty"`
	DriverTimeMS       int64    `json:"driver_time_ms"`
	InputBytes         int64    `json:"input_bytes"`
	OutputBytes        int64    `json:"output_bytes"`
	ShuffleReadBytes   int64    `json:"shuffle_read_bytes"`
	ShuffleWriteBytes  int64    `json:"shuffle_write_bytes"`
	MemorySpilledBytes int64    `json:"memory_spilled_bytes"`
	DiskSpilledBytes   int64    `json:"disk_spilled_bytes"`
	GCTimeMS           int64    `json:"gc_time_ms"`
	ResultSizeBytes    int64    `json:"result_size_bytes"`
	EstCostUSD         float64  `json:"est_cost_usd"`
}

type executorSummary struct {
	Note             string        `json:"note,omitempty"`
	Count            int64         `json:"count"` // executors ever added, driver excluded
	MaxConcurrent    int64         `json:"max_concurrent"`
	Cores            int64         `json:"cores_each"`
	MemoryMB         int64         `json:"memory_mb_each"`
	Removed          int64         `json:"removed"`
	FailedTasks      int64         `json:"failed_tasks"`
	PeakJVMHeapBytes int64         `json:"peak_jvm_heap_bytes,omitempty"`
	RemovedReasons   []reasonCount `json:"removed_reasons,omitempty"`
}

type reasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

type stageRef struct {
	StageID      int64             `json:"stage_id"`
	Attempt      int64             `json:"attempt"`
	Why          string            `json:"why"` // root_cause, failed, flagged or slowest
	Name         string            `json:"name"`
	Job          string            `json:"job_description,omitempty"`
	SQLExecution *int64            `json:"sql_execution_id,omitempty"`
	Operators    string            `json:"operators,omitempty"` // the plan operators that ran in the stage, with their metrics
	Breakdown    *failureBreakdown `json:"failure_breakdown,omitempty"`
	Status       string            `json:"status"`
	Tasks        int64             `json:"tasks"`
	FailedTasks  int64             `json:"failed_tasks"`
	KilledTasks  int64             `json:"killed_tasks"`
	DurationMS   int64             `json:"duration_ms"`
	RunTimeMS    int64             `json:"executor_run_time_ms"`
	CPUTimeMS    int64             `json:"executor_cpu_time_ms"`
	GCTimeMS     int64             `json:"gc_time_ms"`
	InputBytes   int64             `json:"input_bytes"`
	OutputBytes  int64             `json:"output_bytes"`
	ShuffleRead  int64             `json:"shuffle_read_bytes"`
	ShuffleWrite int64             `json:"shuffle_write_bytes"`
	FetchWaitMS  int64             `json:"shuffle_fetch_wait_ms"`
	MemSpill     int64             `json:"memory_spilled_bytes"`
	DiskSpill    int64             `json:"disk_spilled_bytes"`
	PeakExecMem  int64             `json:"peak_execution_memory_max"`
	FetchFails   int64             `json:"fetch_failures,omitempty"`
	ExecLost     int64             `json:"executor_lost_failures,omitempty"`
	Speculative  int64             `json:"speculative_tasks,omitempty"`
	TaskDuration []float64         `json:"task_duration_ms"`
	TaskRunTime  []float64         `json:"task_run_time_ms"`
	TaskShuffle  []float64         `json:"task_shuffle_read_bytes"`
	TaskInput    []float64         `json:"task_input_bytes"`
	TaskGCP50Max []float64         `json:"task_gc_time_ms_p50_max"`
	DurationSkew float64           `json:"duration_skew"`
	ShuffleSkew  float64           `json:"shuffle_skew"`
	Failure      string            `json:"failure_reason,omitempty"`
}

type findingRef struct {
	Detector        string                   `json:"detector"`
	Severity        string                   `json:"severity"`
	Score           float64                  `json:"score"`
	StageID         *int64                   `json:"stage_id,omitempty"`
	Title           string                   `json:"title"`
	Detail          string                   `json:"detail,omitempty"`
	EstWasteUSD     float64                  `json:"est_waste_usd,omitempty"`
	Evidence        []analyze.Evidence       `json:"evidence,omitempty"`
	Recommendations []analyze.Recommendation `json:"rule_based_recommendations,omitempty"`
}

type failures struct {
	Stages []failure `json:"stages,omitempty"`
	Jobs   []failure `json:"jobs,omitempty"`
	SQL    []failure `json:"sql,omitempty"`
}

// failure is one failure message and the ids (stages, jobs or SQL
// executions) that failed with it.
type failure struct {
	IDs     []int64 `json:"ids"`
	Count   int     `json:"count"`
	Message string  `json:"message"`
}

// Bounds applied before the byte budget: text fields and list lengths.
const (
	maxText        = 600
	maxConfValue   = 256
	maxConfEntries = 100
	maxStages      = 20
	maxFindings    = 30
	maxFailures    = 8
	maxReasons     = 8
	maxPlan        = 6 << 10
	maxOperators   = 600 // bytes of a stage's operator summary
)

// buildReference assembles the reference of c, scrubbed by s, before the
// byte budget (see fit).
func buildReference(c Candidate, s *scrubber) *reference {
	a := c.App
	view := catalog.For(a.Row.SparkVersion, a.Conf)
	r := &reference{
		SparkVersion:  a.Row.SparkVersion,
		Deployment:    deployment(a.Conf),
		App:           summarize(a.Row, c.Result),
		Conf:          confRef(a.Conf, view, s),
		Executors:     executorsRef(a, s),
		QuantileOrder: []string{"min", "p25", "p50", "p75", "p95", "max"},
		view:          view,
	}
	var nStages, nFindings, nFailures int
	picked := pickStages(a, c.Findings)
	r.Stages, nStages = stagesRef(a, picked, s)
	r.Findings, r.findingIDs, nFindings = findingsRef(c.Findings, view, s)
	r.Failures, nFailures = failuresRef(a, s)
	r.RightSizing = rightSizing(c)
	r.JobHistory = c.History
	plan := ""
	if !slices.ContainsFunc(r.Stages, func(st stageRef) bool { return st.Operators != "" }) {
		plan = s.text(planExcerpt(a, picked)) // operator summaries, where the log has them, replace the excerpt
	}
	r.orig, r.origPlan = counts(r), len(plan)
	r.orig["stages"], r.orig["findings"], r.orig["failures"] = nStages, nFindings, nFailures
	r.Plan = cut(plan, maxPlan)
	r.Executors.RemovedReasons = headOf(r.Executors.RemovedReasons, maxReasons)
	for len(r.Conf) > maxConfEntries {
		dropUncataloguedConf(r)
		if len(r.Conf) > maxConfEntries && !dropAnyConf(r) {
			break
		}
	}
	return r
}

func counts(r *reference) map[string]int {
	return map[string]int{"stages": len(r.Stages), "findings": len(r.Findings),
		"failures":                 len(r.Failures.Stages) + len(r.Failures.Jobs) + len(r.Failures.SQL),
		"executor removed_reasons": len(r.Executors.RemovedReasons), "conf": len(r.Conf)}
}

func summarize(row extract.AppRow, res analyze.AppResult) appSummary {
	return appSummary{
		Status: row.Status, DurationMS: row.DurationMS, Jobs: row.Jobs, FailedJobs: row.FailedJobs,
		Stages: row.Stages, FailedStages: row.FailedStages, Tasks: row.Tasks, FailedTasks: row.FailedTasks,
		KilledTasks: row.KilledTasks, ExecutorCores: row.ExecutorCores, ExecutorMemoryMB: row.ExecutorMemoryMB,
		DriverCores: row.DriverCores, DriverMemoryMB: row.DriverMemoryMB, ExecutorTimeMS: row.ExecutorTimeMS,
		TaskTimeMS: row.TaskTimeMS, Utilization: row.Utilization, DriverTimeMS: row.DriverTimeMS,
		InputBytes: row.InputBytes, OutputBytes: row.OutputBytes, ShuffleReadBytes: row.ShuffleReadBytes,
		ShuffleWriteBytes: row.ShuffleWriteBytes, MemorySpilledBytes: row.MemorySpilledBytes,
		DiskSpilledBytes: row.DiskSpilledBytes, GCTimeMS: row.GCTimeMS, ResultSizeBytes: row.ResultSizeBytes,
		EstCostUSD: res.EstCostUSD,
	}
}

// confRef redacts every value again (and, for keys outside the catalogue,
// the key: it may carry a bucket or path).
func confRef(conf map[string]string, view catalog.View, s *scrubber) map[string]string {
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys) // placeholders are numbered in this order
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		name := k
		if _, v := view.Lookup(k); !v.OK {
			name = s.text(k) // a key may carry a bucket or path
		}
		out[name] = cut(s.conf(k, conf[k]), maxConfValue)
	}
	return out
}

func executorsRef(a *extract.App, s *scrubber) executorSummary {
	e := executorSummary{Count: a.Row.TotalExecutors, MaxConcurrent: a.Row.MaxExecutors,
		Cores: a.Row.ExecutorCores, MemoryMB: a.Row.ExecutorMemoryMB}
	if strings.HasPrefix(a.Conf["spark.master"], "local") && e.Count == 0 {
		e.Note = "local mode: the driver is the one executor (" + a.Conf["spark.master"] + ")"
		e.Count, e.MaxConcurrent, e.MemoryMB = 1, 1, a.Row.DriverMemoryMB
	}
	reasons := map[string]int{}
	for _, x := range a.Executors {
		if x.ExecutorID == "driver" {
			continue
		}
		e.FailedTasks += x.FailedTasks
		if x.PeakJVMHeapMemory != nil && *x.PeakJVMHeapMemory > e.PeakJVMHeapBytes {
			e.PeakJVMHeapBytes = *x.PeakJVMHeapMemory
		}
		if x.RemovedTime != nil || x.RemovedReason != "" {
			e.Removed++
		}
		if x.RemovedReason != "" {
			reasons[cut(s.text(x.RemovedReason), maxText)]++
		}
	}
	for r, n := range reasons {
		e.RemovedReasons = append(e.RemovedReasons, reasonCount{r, n})
	}
	sort.Slice(e.RemovedReasons, func(i, j int) bool {
		x, y := e.RemovedReasons[i], e.RemovedReasons[j]
		return x.Count > y.Count || x.Count == y.Count && x.Reason < y.Reason
	})
	return e
}

// stagesRef describes the head of the picked stages, each with its job
// and SQL execution, and returns how many were picked.
func stagesRef(a *extract.App, picked []pickedStage, s *scrubber) ([]stageRef, int) {
	jobs := jobsOf(a)
	out := make([]stageRef, 0, min(len(picked), maxStages))
	for _, p := range headOf(picked, maxStages) {
		r := stageOf(p.st, s)
		r.Why, r.Breakdown = p.why, breakdownOf(p.st)
		if j := jobs[p.st.StageID]; j != nil {
			r.Job, r.SQLExecution = cut(s.text(j.Description), 200), j.SQLExecutionID
		}
		r.Operators = s.text(a.StageOperators(p.st.StageID, maxOperators))
		out = append(out, r)
	}
	return out, len(picked)
}

func stageOf(st extract.StageRow, s *scrubber) stageRef {
	return stageRef{
		StageID: st.StageID, Attempt: st.StageAttemptID, Name: cut(s.text(st.Name), 200), Status: st.Status,
		Tasks: st.Tasks, FailedTasks: st.FailedTasks, KilledTasks: st.KilledTasks, DurationMS: st.DurationMS,
		RunTimeMS: st.ExecutorRunTimeMS, CPUTimeMS: st.ExecutorCPUTimeMS, GCTimeMS: st.GCTimeMS,
		InputBytes: st.InputBytes, OutputBytes: st.OutputBytes, ShuffleRead: st.ShuffleReadBytes,
		ShuffleWrite: st.ShuffleWriteBytes, FetchWaitMS: st.ShuffleFetchWaitMS, MemSpill: st.MemorySpilledBytes,
		DiskSpill: st.DiskSpilledBytes, PeakExecMem: st.PeakExecutionMemoryMax, FetchFails: st.FetchFailures,
		ExecLost: st.ExecutorLostFailures, Speculative: st.SpeculativeTasks,
		TaskDuration: []float64{st.TaskDurationMSMin, st.TaskDurationMSP25, st.TaskDurationMSP50, st.TaskDurationMSP75, st.TaskDurationMSP95, st.TaskDurationMSMax},
		TaskRunTime:  []float64{st.TaskRunTimeMSMin, st.TaskRunTimeMSP25, st.TaskRunTimeMSP50, st.TaskRunTimeMSP75, st.TaskRunTimeMSP95, st.TaskRunTimeMSMax},
		TaskShuffle:  []float64{st.TaskShuffleReadBytesMin, st.TaskShuffleReadBytesP25, st.TaskShuffleReadBytesP50, st.TaskShuffleReadBytesP75, st.TaskShuffleReadBytesP95, st.TaskShuffleReadBytesMax},
		TaskInput:    []float64{st.TaskInputBytesMin, st.TaskInputBytesP25, st.TaskInputBytesP50, st.TaskInputBytesP75, st.TaskInputBytesP95, st.TaskInputBytesMax},
		TaskGCP50Max: []float64{st.TaskGCTimeMSP50, st.TaskGCTimeMSMax},
		DurationSkew: st.DurationSkew, ShuffleSkew: st.ShuffleSkew,
		Failure: cut(s.text(st.FailureReason), maxText),
	}
}

// findingsRef orders findings as analyze.Rank does.
func findingsRef(fs []analyze.FindingRow, view catalog.View, s *scrubber) ([]findingRef, []string, int) {
	sorted := append([]analyze.FindingRow(nil), fs...)
	analyze.Rank(sorted)
	out := make([]findingRef, 0, min(len(sorted), maxFindings))
	var ids []string
	for _, f := range headOf(sorted, maxFindings) {
		ids = append(ids, analyze.FindingID(f))
		checked := checkedRecommendations(view, f.Recommendations)
		recs := make([]analyze.Recommendation, len(checked))
		for i, r := range checked {
			recs[i] = analyze.Recommendation{Key: r.Key, Current: s.conf(r.Key, r.Current),
				Proposed: s.conf(r.Key, r.Proposed), Reason: cut(s.text(r.Reason), maxText)}
		}
		out = append(out, findingRef{Detector: f.Detector, Severity: f.Severity, Score: f.Score,
			StageID: f.StageID, Title: cut(s.text(f.Title), 200), Detail: cut(s.text(f.Detail), maxText),
			EstWasteUSD: f.EstWasteUSD, Evidence: f.Evidence, Recommendations: recs})
	}
	return out, ids, len(sorted)
}

// failuresRef collapses each kind's failure messages (the same scrubbed
// message once, with its ids and count), keeps the first maxFailures of
// each kind and returns how many distinct messages there were in all.
func failuresRef(a *extract.App, s *scrubber) (failures, int) {
	var f failures
	add := func(list *[]failure, id int64, msg string) {
		if msg != "" {
			*list = append(*list, failure{IDs: []int64{id}, Count: 1, Message: cut(s.text(msg), maxText)})
		}
	}
	for _, st := range a.Stages {
		add(&f.Stages, st.StageID, st.FailureReason)
	}
	for _, j := range a.Jobs {
		add(&f.Jobs, j.JobID, j.FailureMessage)
	}
	for _, q := range a.SQL {
		add(&f.SQL, q.ExecutionID, q.ErrorMessage)
	}
	f.Stages, f.Jobs, f.SQL = collapse(f.Stages), collapse(f.Jobs), collapse(f.SQL)
	total := len(f.Stages) + len(f.Jobs) + len(f.SQL)
	f.Stages, f.Jobs, f.SQL = headOf(f.Stages, maxFailures), headOf(f.Jobs, maxFailures), headOf(f.SQL, maxFailures)
	return f, total
}

// planExcerpt is the plan of the SQL execution of the first picked stage
// that has one, else AppRow.PlanExcerpt, else the plan of the SQL
// execution that ran longest.
func planExcerpt(a *extract.App, picked []pickedStage) string {
	jobs, plans := jobsOf(a), map[int64]string{}
	for _, q := range a.SQL {
		plans[q.ExecutionID] = q.PlanExcerpt
	}
	for _, p := range headOf(picked, maxStages) {
		if j := jobs[p.st.StageID]; j != nil && j.SQLExecutionID != nil && plans[*j.SQLExecutionID] != "" {
			return plans[*j.SQLExecutionID]
		}
	}
	if a.Row.PlanExcerpt != "" {
		return a.Row.PlanExcerpt
	}
	best, plan := int64(-1), ""
	for _, q := range a.SQL {
		if q.StartTime == nil || q.EndTime == nil || q.PlanExcerpt == "" {
			continue
		}
		if d := *q.EndTime - *q.StartTime; d > best {
			best, plan = d, q.PlanExcerpt
		}
	}
	return plan
}

func headOf[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// fit marshals r within limit bytes, dropping the lowest-priority items
// step by step and saying so in r.Truncated.
func fit(r *reference, limit int) ([]byte, error) {
	if r.orig == nil {
		r.orig, r.origPlan = counts(r), len(r.Plan)
	}
	for _, shrink := range shrinkers {
		for {
			r.Truncated = notes(r)
			b, err := marshal(r)
			if err != nil {
				return nil, err
			}
			if len(b) <= limit {
				return b, nil
			}
			// Drop about one item per 2 KiB over, so a huge app does not
			// cost a marshal per item; items are rarely larger than that.
			n := 1 + (len(b)-limit)/2048
			if shrink.once {
				n = 1
			}
			done := 0
			for done < n && shrink.fn(r) {
				done++
			}
			if done == 0 {
				break
			}
		}
	}
	return nil, fmt.Errorf("reference information does not fit max_reference_bytes %d even when cut down", limit)
}

// shrinkers each remove one item (or halve the plan) and report whether
// they could; they run in order, each until it cannot or the JSON fits.
var shrinkers = []struct {
	fn   func(*reference) bool
	once bool // one step per marshal (halving)
}{
	{fn: func(r *reference) bool { return halvePlan(r, 1024) }, once: true},
	{fn: func(r *reference) bool { return dropLast(&r.Failures.SQL, 1) }},
	{fn: func(r *reference) bool { return dropLast(&r.Failures.Jobs, 2) }},
	{fn: func(r *reference) bool { return dropLast(&r.Failures.Stages, 2) }},
	{fn: func(r *reference) bool { return dropLast(&r.Executors.RemovedReasons, 2) }},
	{fn: func(r *reference) bool { return dropLast(&r.Stages, 3) }},
	{fn: func(r *reference) bool { return dropLast(&r.Findings, 3) }},
	{fn: dropUncataloguedConf},
	{fn: func(r *reference) bool { return halvePlan(r, 0) }, once: true},
	{fn: func(r *reference) bool { return dropLast(&r.Stages, 1) }},
	{fn: func(r *reference) bool { return dropLast(&r.Findings, 1) }},
	{fn: func(r *reference) bool { return dropLast(&r.Failures.Stages, 0) || dropLast(&r.Failures.Jobs, 0) }},
	{fn: func(r *reference) bool { return dropLast(&r.Executors.RemovedReasons, 0) }},
}

func dropLast[T any](s *[]T, keep int) bool {
	if len(*s) <= keep {
		return false
	}
	*s = (*s)[:len(*s)-1]
	return true
}

// halvePlan halves the plan excerpt down to floor bytes (0: removes it).
func halvePlan(r *reference, floor int) bool {
	if len(r.Plan) == 0 || (floor > 0 && len(r.Plan) <= floor) {
		return false
	}
	if n := len(r.Plan) / 2; n >= floor && n >= 256 {
		r.Plan = cut(r.Plan, n)
	} else {
		r.Plan = ""
	}
	return true
}

// dropUncataloguedConf removes the last (in key order) conf key that is
// not in the catalogue; deterministic, so the same app gives the same
// prompt (and cache key).
func dropUncataloguedConf(r *reference) bool {
	last := ""
	for k := range r.Conf {
		if _, v := r.view.Lookup(k); !v.OK && k > last {
			last = k
		}
	}
	if last == "" {
		return false
	}
	delete(r.Conf, last)
	return true
}

// dropAnyConf removes the last conf key in key order.
func dropAnyConf(r *reference) bool {
	last := ""
	for k := range r.Conf {
		if k > last {
			last = k
		}
	}
	if last == "" {
		return false
	}
	delete(r.Conf, last)
	return true
}

func notes(r *reference) []string {
	now, orig, origPlan := counts(r), r.orig, r.origPlan
	var out []string
	for _, k := range []string{"stages", "findings", "failures", "executor removed_reasons", "conf"} {
		if now[k] < orig[k] {
			out = append(out, fmt.Sprintf("%s: kept %d of %d (lowest priority dropped to bound the size)", k, now[k], orig[k]))
		}
	}
	if len(r.Plan) < origPlan {
		out = append(out, fmt.Sprintf("sql_plan_excerpt: kept %d of %d bytes", len(r.Plan), origPlan))
	}
	return out
}

// marshal is compact JSON without HTML escaping (<path_1> stays readable).
func marshal(r *reference) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("marshal reference: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
