package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	jobhist "github.com/sparkmine/sparkmine/analyze/history"
)

// Advice answers "does the advice pay": what the advice applied so far
// saves per week at this week's number of runs, beside what the week's
// LLM diagnoses cost.
type Advice struct {
	Judged []AdviceOutcome // applied and judged (helped, no change, regressed), largest saving first
	// SavedPerWeekUSD sums Judged's WeeklyUSD over the helped and the
	// regressed (no change saves nothing); FromDiagnosesUSD is the part
	// of it advised by diagnoses.
	SavedPerWeekUSD  float64
	FromDiagnosesUSD float64
	LLMCostUSD       float64 // the week's diagnoses
	TooEarly         int     // applied, too few runs yet to judge
	NotApplied       int
}

// AdviceOutcome is one piece of advice's latest verdict as of the week.
type AdviceOutcome struct {
	Job, Key, Proposed string
	SourceKind         string // the detector, or "diagnosis"
	Verdict            string
	DeltaCostUSD       float64 // per run (negative: saved)
	RunsPerWeek        int     // the job's runs this week
	WeeklyUSD          float64 // −DeltaCostUSD × RunsPerWeek: saved per week (negative: lost)
	PValue             float64
}

// advice takes, of the week's outcomes rows, each advice's latest (by the
// run that gave the verdict) and prices the judged ones per week.
func advice(rows []jobhist.OutcomeRow, runs map[appKey]run, cur []run, llmUSD float64) Advice {
	a := Advice{LLMCostUSD: llmUSD}
	perWeek := map[string]int{}
	for _, r := range cur {
		perWeek[job(r.row)]++
	}
	for _, o := range latestOutcomes(rows, runs) {
		switch o.Verdict {
		case jobhist.TooEarly:
			a.TooEarly++
		case jobhist.NotApplied:
			a.NotApplied++
		case jobhist.Helped, jobhist.NoChange, jobhist.Regressed:
			a.add(o, perWeek[o.JobKey])
		}
	}
	slices.SortFunc(a.Judged, func(x, y AdviceOutcome) int {
		return cmp.Or(cmp.Compare(y.WeeklyUSD, x.WeeklyUSD), cmp.Compare(x.Job, y.Job), cmp.Compare(x.Key, y.Key))
	})
	return a
}

func (a *Advice) add(o jobhist.OutcomeRow, runsPerWeek int) {
	j := AdviceOutcome{Job: o.JobKey, Key: o.Key, Proposed: o.Proposed, SourceKind: o.SourceKind, Verdict: o.Verdict,
		DeltaCostUSD: deref(o.DeltaCostUSD), RunsPerWeek: runsPerWeek, PValue: deref(o.PValue)}
	if o.Verdict != jobhist.NoChange {
		j.WeeklyUSD = -j.DeltaCostUSD * float64(runsPerWeek)
		a.SavedPerWeekUSD += j.WeeklyUSD
		if o.SourceKind == "diagnosis" {
			a.FromDiagnosesUSD += j.WeeklyUSD
		}
	}
	a.Judged = append(a.Judged, j)
}

// latestOutcomes keeps, per advice (job, source, key, proposed), the row
// of the latest run up to the report week.
func latestOutcomes(rows []jobhist.OutcomeRow, runs map[appKey]run) []jobhist.OutcomeRow {
	type key struct{ job, source, key, proposed string }
	latest := map[key]jobhist.OutcomeRow{}
	at := map[key]int64{}
	for _, o := range rows {
		r, ok := runs[appKey{o.AppID, o.AttemptID}]
		if !ok || r.off != 0 {
			continue
		}
		k := key{o.JobKey, o.Source, o.Key, o.Proposed}
		if t, seen := at[k]; !seen || r.at > t || r.at == t && o.AppID > latest[k].AppID {
			latest[k], at[k] = o, r.at
		}
	}
	out := make([]jobhist.OutcomeRow, 0, len(latest))
	for _, o := range latest {
		out = append(out, o)
	}
	return out
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// Regression is one regression finding of the week.
type Regression struct {
	Job, AppID   string
	Title        string
	ExtraCostUSD float64 // the run's cost above its job's normal, at the stored rates
	Changed      string  // what changed since the job's previous run, "" when nothing
}

// regressions lists the week's regression findings, costliest first.
func regressions(rows []analyze.FindingRow, runs map[appKey]run) []Regression {
	var out []Regression
	for i := range rows {
		f := &rows[i]
		r, ok := runs[appKey{f.AppID, f.AttemptID}]
		if !ok || r.off != 0 || f.Detector != analyze.DetRegression {
			continue
		}
		g := Regression{Job: job(r.row), AppID: f.AppID, Title: f.Title}
		for _, e := range f.Evidence {
			if e.Metric == "extra_cost_usd" {
				g.ExtraCostUSD = e.Value
			}
		}
		if _, changed, ok := strings.Cut(f.Detail, analyze.ChangedSince); ok {
			g.Changed = strings.TrimSuffix(strings.TrimSpace(changed), ".")
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b Regression) int {
		return cmp.Or(cmp.Compare(b.ExtraCostUSD, a.ExtraCostUSD), cmp.Compare(a.Job, b.Job), cmp.Compare(a.AppID, b.AppID))
	})
	return out[:min(len(out), maxFindings)]
}
