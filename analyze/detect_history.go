package analyze

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
)

// The history step judges a run against its job's earlier runs, which the
// pipeline reads from the dataset and hands in. Unlike the detectors it
// needs more than the app model, so it runs once a night's job keys are
// known; its findings (regression, improvement) go to the findings table
// like any other.

// ChangedSince starts the part of a regression's detail that lists what
// changed since the job's previous run (the report shows it).
const ChangedSince = "Changed since the previous run:"

// Names of the history step's findings.
const (
	DetRegression  = "regression"
	DetImprovement = "improvement"
)

// HistoryFinding judges cur against the runs of its job (runs may hold
// cur itself and other jobs' runs: the baseline takes only the job's runs
// that ended before cur) and returns a regression or improvement finding,
// or false when the run is within its job's band or the job has too few
// runs. app names the finding's app (its id, attempt, run, name and log).
func HistoryFinding(app FindingRow, cur history.Run, runs []history.Run, cfg history.Config) (FindingRow, bool) {
	b, ok := history.NewBaseline(cur, runs, cfg)
	if !ok {
		return FindingRow{}, false
	}
	c := history.Judge(cur, b, cfg)
	if c == nil {
		return FindingRow{}, false
	}
	f := app
	f.Detector, f.Severity = DetImprovement, Low.String()
	if c.Kind == "regression" {
		f.Detector, f.Severity = DetRegression, changeSeverity(c.Ratio).String()
	}
	f.StageID, f.StageAttemptID, f.ExecutionID, f.NodeID = nil, nil, nil, nil
	f.Score = clean(c.Z)
	f.Title = changeTitle(c)
	f.Detail = changeDetail(c)
	f.Evidence = []Evidence{ev(string(c.Metric), c.Value, c.Spread.Median), ev("extra_cost_usd", c.ExtraCostUSD, 0),
		ev("baseline_runs", float64(c.Runs), float64(cfg.MinRuns))}
	f.ImpactCostShare = clean(ratio(c.ExtraCostUSD, cur.CostUSD))
	f.FindingID = FindingID(f)
	return sanitize(f), true
}

// changeSeverity grades a regression by how far the metric moved: 1.5×
// its job's median is moderate, 2× severe, 4× critical.
func changeSeverity(r float64) Severity {
	switch {
	case r >= 4:
		return Critical
	case r >= 2:
		return Severe
	case r >= 1.5:
		return Moderate
	}
	return Low
}

func changeTitle(c *history.Change) string {
	return fmt.Sprintf("%s: %s at %.2f× the job's median of its last %d runs", c.Kind, c.Metric, c.Ratio, c.Runs)
}

// changeDetail says what moved, what it costs and what changed since the
// baseline's last run.
func changeDetail(c *history.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is %.4g against the job's median %.4g (IQR %.4g), %.1f robust SDs away; ",
		c.Metric, c.Value, c.Spread.Median, c.Spread.IQR, c.Z)
	fmt.Fprintf(&b, "the run cost $%.2f %s the job's normal at its input.", abs(c.ExtraCostUSD), moreOrLess(c.ExtraCostUSD))
	if len(c.Diffs) == 0 {
		b.WriteString(" Nothing changed since the previous run in its configuration, Spark version, executors or input size.")
		return b.String()
	}
	b.WriteString(" " + ChangedSince)
	for i, d := range c.Diffs {
		sep := ";"
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s %s → %s", sep, d.What, orUnset(d.Before), orUnset(d.After))
	}
	b.WriteString(".")
	return b.String()
}

func moreOrLess(x float64) string {
	if x < 0 {
		return "less than"
	}
	return "more than"
}

func abs(x float64) float64 { return max(x, -x) }

func orUnset(s string) string {
	if s == "" {
		return "(unset)"
	}
	return s
}

// FindingAdvice is the advice a finding made for the run it is about: one
// per recommendation (proposals a check rejected are not advice).
func FindingAdvice(f FindingRow, run history.Run) []history.Advice {
	var out []history.Advice
	for _, r := range f.Recommendations {
		out = append(out, history.Advice{JobKey: run.JobKey, Source: f.FindingID, Kind: f.Detector,
			Key: r.Key, Current: r.Current, Proposed: r.Proposed, AtMS: run.EndMS})
	}
	return out
}

// DiagnosisAdvice is the advice a diagnosis made: its valid configs, when
// the call answered (Source is the diagnosis' prompt hash).
func DiagnosisAdvice(d DiagnosisRow, run history.Run) []history.Advice {
	if d.Status != "ok" {
		return nil
	}
	var out []history.Advice
	for _, c := range d.Configs {
		if c.Valid {
			out = append(out, history.Advice{JobKey: run.JobKey, Source: d.PromptSHA256, Kind: "diagnosis",
				Key: c.Key, Current: c.Current, Proposed: c.Proposed, AtMS: run.EndMS})
		}
	}
	return out
}

// PlanShape sums up the shape of an app's SQL plans for comparing runs of
// a job: its joins by kind, exchanges, scans and scans without a partition
// filter ("" for an app without SQL). A job whose plan changed (a join
// that stopped being broadcast, a filter lost) shows it in a regression's
// detail.
func PlanShape(qs []extract.QueryRow) string {
	if len(qs) == 0 {
		return ""
	}
	kinds := map[string]int64{}
	var exchanges, scans, unpruned int64
	for _, q := range qs {
		for _, kv := range strings.Split(q.JoinKinds, ",") {
			if k, n, ok := strings.Cut(kv, ":"); ok {
				c, _ := strconv.ParseInt(n, 10, 64)
				kinds[k] += c
			}
		}
		exchanges, scans, unpruned = exchanges+q.Exchanges, scans+q.Scans, unpruned+q.UnprunedScans
	}
	joins := make([]string, 0, len(kinds))
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		joins = append(joins, fmt.Sprintf("%s:%d", k, kinds[k]))
	}
	return fmt.Sprintf("joins %s; exchanges %d; scans %d (%d unpruned)", cmp.Or(strings.Join(joins, ","), "none"), exchanges, scans, unpruned)
}
