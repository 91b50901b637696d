package history

import (
	"cmp"
	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"slices"
	"strconv"
	"strings"
)

// Advice is a recommendation made for a job: by a detector (Source is the
// finding's id) or by a diagnosis (the diagnosis' prompt hash).
type Advice struct {
	JobKey string
	Source string
	// Kind is who made it: the finding's detector, or "diagnosis".
	Kind     string
	Key      string
	Current  string // the value when the advice was made ("" = Spark's default)
	Proposed string
	AtMS     int64 // end time of the run the advice was made for
}

// OutcomeRow is one row of the outcomes table: one piece of advice
// watched over its job's later runs.
type OutcomeRow struct {
	// AppID and AttemptID name the job's run the verdict is as of (the
	// pipeline judges the advice on the runs up to it), RunID the
	// sparkmine run that wrote the row.
	AppID     string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID     string `parquet:"run_id,zstd" json:"run_id"`
	JobKey    string `parquet:"job_key,zstd" json:"job_key"`
	Source    string `parquet:"source,zstd" json:"source"`
	// SourceKind is the detector that made the advice, or "diagnosis".
	SourceKind string `parquet:"source_kind,zstd" json:"source_kind"`
	Key        string `parquet:"key,zstd" json:"key"`
	Current    string `parquet:"current,zstd" json:"current"`
	Proposed   string `parquet:"proposed,zstd" json:"proposed"`
	// Applied is "applied", "not_applied" or "reverted" (applied, then
	// moved back before enough runs were seen).
	Applied      string  `parquet:"applied,zstd" json:"applied"`
	AppliedRun   *string `parquet:"applied_run,optional,zstd" json:"applied_run"` // app id of the first run with the change
	AppliedValue *string `parquet:"applied_value,optional,zstd" json:"applied_value"`
	RunsBefore   int64   `parquet:"runs_before" json:"runs_before"`
	RunsAfter    int64   `parquet:"runs_after" json:"runs_after"`

	DurationMSBefore *float64 `parquet:"duration_ms_before,optional" json:"duration_ms_before"` // medians
	DurationMSAfter  *float64 `parquet:"duration_ms_after,optional" json:"duration_ms_after"`
	CostUSDBefore    *float64 `parquet:"cost_usd_before,optional" json:"cost_usd_before"`
	CostUSDAfter     *float64 `parquet:"cost_usd_after,optional" json:"cost_usd_after"`
	CorePerGiBBefore *float64 `parquet:"core_ms_per_input_gib_before,optional" json:"core_ms_per_input_gib_before"`
	CorePerGiBAfter  *float64 `parquet:"core_ms_per_input_gib_after,optional" json:"core_ms_per_input_gib_after"`
	// DeltaCostUSD is the change of the median cost per run (negative:
	// saved), at the after runs' input where the job is judged per GiB.
	DeltaCostUSD *float64 `parquet:"delta_cost_usd,optional" json:"delta_cost_usd"`
	PValue       *float64 `parquet:"p_value,optional" json:"p_value"` // Mann–Whitney, two-sided
	// Verdict is helped, no_change, regressed, too_early or not_applied.
	Verdict string `parquet:"verdict,zstd" json:"verdict"`
}

// Verdicts.
const (
	Helped     = "helped"
	NoChange   = "no_change"
	Regressed  = "regressed"
	TooEarly   = "too_early"
	NotApplied = "not_applied"
)

// Watch follows advice over the job's runs (any order; other jobs' runs
// are ignored). The advice is applied on the first later run whose value
// of Key equals Proposed or has moved from Current toward it; the runs
// before it (up to cfg.Window) are compared with the runs from it on while
// the change stays, by the Mann–Whitney test on cost per GiB of input (or
// cost, for jobs reading little input).
func Watch(a Advice, runs []Run, cfg Config) OutcomeRow {
	job := jobRuns(a.JobKey, runs)
	o := OutcomeRow{JobKey: a.JobKey, Source: a.Source, SourceKind: a.Kind, Key: a.Key, Current: a.Current, Proposed: a.Proposed, Applied: "not_applied", Verdict: NotApplied}
	at := slices.IndexFunc(job, func(r Run) bool { return r.EndMS > a.AtMS && applied(a, r.Conf[a.Key]) })
	if at < 0 {
		return o
	}
	o.Applied, o.AppliedRun = "applied", ptr(job[at].AppID)
	o.AppliedValue = ptr(job[at].Conf[a.Key])
	end := at + 1
	for end < len(job) && applied(a, job[end].Conf[a.Key]) {
		end++
	}
	before, after := job[max(0, at-cfg.Window):at], job[at:end]
	if end < len(job) && len(after) < cfg.MinRunsAfter {
		o.Applied = "reverted"
	}
	o.RunsBefore, o.RunsAfter = int64(len(before)), int64(len(after))
	judge(&o, before, after, cfg)
	return o
}

// judge fills the medians and the verdict.
func judge(o *OutcomeRow, before, after []Run, cfg Config) {
	if len(before) == 0 {
		o.Verdict = TooEarly
		return
	}
	med := func(rs []Run, m Metric) *float64 { return ptr(spreadOf(values(rs, m)).Median) }
	o.DurationMSBefore, o.DurationMSAfter = med(before, Duration), med(after, Duration)
	o.CostUSDBefore, o.CostUSDAfter = med(before, Cost), med(after, Cost)
	o.CorePerGiBBefore, o.CorePerGiBAfter = med(before, CorePerGiB), med(after, CorePerGiB)
	m, inputScale := Cost, 1.0
	if spreadOf(values(before, Input)).Median >= cfg.MinInputGiB*gib {
		m, inputScale = CostPerGiB, spreadOf(values(after, Input)).Median/gib
	}
	b, f := spreadOf(values(before, m)).Median, spreadOf(values(after, m)).Median
	o.DeltaCostUSD = ptr((f - b) * inputScale)
	if len(after) < cfg.MinRunsAfter || len(before) < cfg.MinRunsAfter {
		o.Verdict = TooEarly
		return
	}
	p := mannWhitney(values(after, m), values(before, m))
	o.PValue = ptr(p)
	switch {
	case p >= cfg.Alpha:
		o.Verdict = NoChange
	case f < b:
		o.Verdict = Helped
	default:
		o.Verdict = Regressed
	}
}

func values(rs []Run, m Metric) []float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = r.value(m)
	}
	return xs
}

// jobRuns returns the runs of job, oldest first.
func jobRuns(job string, runs []Run) []Run {
	var out []Run
	for _, r := range runs {
		if r.JobKey == job {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Run) int { return cmp.Compare(a.EndMS, b.EndMS) })
	return out
}

// applied reports whether value carries out the advice: it equals the
// proposal, or (for numbers and sizes) it moved from the current value
// toward the proposal, or past it.
func applied(a Advice, value string) bool {
	if norm(value) == norm(a.Proposed) {
		return true
	}
	v, okV := number(value)
	p, okP := number(a.Proposed)
	c, okC := number(a.Current)
	if !okV || !okP || !okC || p == c {
		return false
	}
	return (v-c)*(p-c) > 0 // moved in the proposal's direction
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// number reads a plain number, or a Spark size (in bytes) or duration (in
// ms) as the catalogue parses them.
func number(s string) (float64, bool) {
	if f, err := strconv.ParseFloat(norm(s), 64); err == nil {
		return f, true
	}
	if f, err := catalog.ParseSize(s); err == nil {
		return f, true
	}
	f, err := catalog.ParseTime(s)
	return f, err == nil
}

func ptr[T any](v T) *T { return &v }

// Distinct keeps, of advice proposing the same change of the same key for
// the same job (a detector firing night after night), the earliest; ties
// go to the smaller Source. The same change is the same value, or, for
// numbers and sizes, a move in the same direction from the current value
// (a detector that proposes 410 partitions one night and 430 the next
// advises one change, not two). The result is in (job, key, change) order.
func Distinct(advice []Advice) []Advice {
	out := slices.Clone(advice)
	slices.SortFunc(out, func(a, b Advice) int {
		return cmp.Or(cmp.Compare(a.JobKey, b.JobKey), cmp.Compare(a.Key, b.Key), cmp.Compare(change(a), change(b)),
			cmp.Compare(a.AtMS, b.AtMS), cmp.Compare(a.Source, b.Source))
	})
	return slices.CompactFunc(out, func(a, b Advice) bool {
		return a.JobKey == b.JobKey && a.Key == b.Key && change(a) == change(b)
	})
}

// change names the change advice proposes: "up" or "down" for numbers
// and sizes, else "= value".
func change(a Advice) string {
	p, okP := number(a.Proposed)
	c, okC := number(a.Current)
	switch {
	case okP && okC && p > c:
		return "up"
	case okP && okC && p < c:
		return "down"
	}
	return "= " + norm(a.Proposed)
}
