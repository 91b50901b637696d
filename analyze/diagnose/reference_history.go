package diagnose

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
)

// JobHistory is what a diagnosis is told of the app's recurring job: its
// normal (the baseline of its earlier runs) and how the advice given for
// it before turned out. A change whose outcome was regressed is not
// proposed again: the reference says so, and an answer that proposes it
// has that config rejected with the reason.
type JobHistory struct {
	JobKey   string                    `json:"job_key"`
	Runs     int                       `json:"baseline_runs"`
	Baseline map[string]history.Spread `json:"baseline"` // metric → median and IQR of the earlier runs
	Advice   []PastAdvice              `json:"earlier_advice,omitempty"`
	Avoid    []string                  `json:"do_not_propose,omitempty"` // "key=value": made the job worse
}

// PastAdvice is one earlier recommendation for the job and its outcome.
type PastAdvice struct {
	Key          string   `json:"key"`
	Proposed     string   `json:"proposed"`
	By           string   `json:"by"` // the detector, or "diagnosis"
	Verdict      string   `json:"verdict"`
	DeltaCostUSD *float64 `json:"delta_cost_usd_per_run,omitempty"`
}

// baselineMetrics are the metrics the reference shows of a baseline.
var baselineMetrics = []history.Metric{history.Duration, history.Cost, history.CoreTime, history.UsedCoreTime,
	history.Input, history.Shuffle, history.CorePerGiB}

// NewJobHistory builds the job's history for the reference from its
// baseline (ok false: too few runs, none shown) and the outcomes of the
// advice given for it. Values are rounded to 4 significant digits, so the
// prompt does not change with noise below them.
func NewJobHistory(jobKey string, b history.Baseline, ok bool, outcomes []history.OutcomeRow) *JobHistory {
	h := &JobHistory{JobKey: jobKey}
	if ok {
		h.Runs, h.Baseline = len(b.Runs), map[string]history.Spread{}
		for _, m := range baselineMetrics {
			s := b.Stats[m]
			h.Baseline[string(m)] = history.Spread{Median: round4(s.Median), IQR: round4(s.IQR)}
		}
	}
	for _, o := range outcomes {
		h.Advice = append(h.Advice, PastAdvice{Key: o.Key, Proposed: o.Proposed, By: o.SourceKind, Verdict: o.Verdict, DeltaCostUSD: o.DeltaCostUSD})
		if o.Verdict == history.Regressed {
			h.Avoid = append(h.Avoid, o.Key+"="+o.Proposed)
		}
	}
	slices.SortFunc(h.Advice, func(a, b PastAdvice) int {
		return cmp.Or(cmp.Compare(verdictRank[a.Verdict], verdictRank[b.Verdict]), strings.Compare(a.Key+"="+a.Proposed, b.Key+"="+b.Proposed))
	})
	h.Advice = h.Advice[:min(len(h.Advice), maxPastAdvice)]
	slices.Sort(h.Avoid)
	h.Avoid = slices.Compact(h.Avoid)
	return h
}

// maxPastAdvice bounds the earlier advice shown, the regressed first.
const maxPastAdvice = 12

var verdictRank = map[string]int{history.Regressed: 0, history.Helped: 1, history.NoChange: 2, history.TooEarly: 3, history.NotApplied: 4}

// queryNote is added to the query when some change is not to be proposed.
func (h *JobHistory) queryNote() string {
	if h == nil || len(h.Avoid) == 0 {
		return ""
	}
	return " Do not propose a change listed in job_history.do_not_propose: each made this job costlier when it was applied before."
}

// reject marks invalid the configs of an answer that repeat a change whose
// outcome was regressed. A nil history rejects nothing.
func (h *JobHistory) reject(row *analyze.DiagnosisRow) {
	if h == nil {
		return
	}
	for i := range row.Configs {
		c := &row.Configs[i]
		if c.Valid && slices.ContainsFunc(h.Avoid, sameChange(c)) {
			c.Valid = false
			c.WhyNot = fmt.Sprintf("setting %s to %s before made this job costlier (outcome regressed)", c.Key, c.Proposed)
			row.RejectedKeys = append(row.RejectedKeys, c.Key)
		}
	}
}

// sameChange matches an avoided "key=value" against a config, values
// compared without case and surrounding space.
func sameChange(c *analyze.ConfigAdvice) func(string) bool {
	return func(kv string) bool {
		k, v, _ := strings.Cut(kv, "=")
		return k == c.Key && norm(v) == norm(c.Proposed)
	}
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func round4(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
	return r
}
