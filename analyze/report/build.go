package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
)

// run is one application attempt placed in its week and priced.
type run struct {
	row  *analyze.AppRecord
	at   int64 // end, else last event (epoch ms)
	week Week
	off  int // weeks from the report week: 0 is the report week, −1 the one before
	cost analyze.Cost
}

func (r run) failed() bool { return r.row.Status == "failed" }

// appKey identifies an application attempt across tables.
type appKey struct{ app, attempt string }

// Build computes the report of week from in, pricing every run with cost.
// It does no I/O and never fails: a week with no rows gives an empty report.
func Build(in Input, week Week, cost analyze.CostConfig) *Report {
	vcpu, gib := cost.Rates()
	r := &Report{
		Week: week, Prev: week.Add(-1),
		Rates: Rates{vcpu, gib, cost.IncludeDriver, cost.LLMInputPerMTokUSD, cost.LLMOutputPerMTokUSD},
	}
	runs := placeRuns(in.Apps, week, cost)
	cur, prev := weekRuns(runs, 0), weekRuns(runs, -1)
	r.Totals, r.PrevTotals = totals(cur), totals(prev)
	r.History = history(runs, week)
	r.Days = days(cur, week)
	r.ByApp = groups(cur, prev, job)
	r.ByUser = groups(cur, prev, func(a *analyze.AppRecord) string { return a.User })
	r.ByQueue = groups(cur, prev, func(a *analyze.AppRecord) string { return a.Queue })
	if len(r.ByQueue) == 1 && r.ByQueue[0].Key == "" {
		r.ByQueue = nil
	}
	byKey := index(runs)
	r.TopFindings = topFindings(in.Findings, byKey)
	r.LLM = llm(in.Diagnoses, byKey, cost)
	r.Trends = trends(runs, week)
	r.Failed = failedRuns(cur)
	r.Rightsizing, r.RightsizeSavingUSD = rightsizing(cur, in.Simulations)
	r.Advice = advice(in.Outcomes, byKey, cur, r.LLM.CostUSD)
	r.Regressions = regressions(in.Findings, byKey)
	return r
}

// job names a run's recurring job: its job key (apps.job_key), or its app
// name in rows written before job keys.
func job(a *analyze.AppRecord) string {
	if a.JobKey != "" {
		return a.JobKey
	}
	return a.AppName
}

// placeRuns keeps the apps of week and earlier weeks that have a time,
// one per attempt (the last row of a repeated attempt wins), sorted by time.
func placeRuns(apps []analyze.AppRecord, week Week, cost analyze.CostConfig) []run {
	seen := make(map[appKey]int, len(apps))
	runs := make([]run, 0, len(apps))
	for i := range apps {
		a := &apps[i]
		at, ok := appTime(&a.AppRow)
		if !ok {
			continue
		}
		w := WeekOf(timeOf(at))
		if week.Less(w) {
			continue
		}
		rn := run{row: a, at: at, week: w, off: week.between(w), cost: cost.AppCost(a.AppRow)}
		k := appKey{a.AppID, a.AttemptID}
		if j, dup := seen[k]; dup {
			runs[j] = rn
			continue
		}
		seen[k] = len(runs)
		runs = append(runs, rn)
	}
	slices.SortStableFunc(runs, func(a, b run) int { return cmp.Compare(a.at, b.at) })
	return runs
}

// appTime is the time that decides an app's week: its end, else its last
// event (the same as its dt partition).
func appTime(a *extract.AppRow) (int64, bool) {
	switch {
	case a.EndTime != nil:
		return *a.EndTime, true
	case a.LastEventTime != nil:
		return *a.LastEventTime, true
	}
	return 0, false
}

func weekRuns(runs []run, off int) []run {
	var out []run
	for _, r := range runs {
		if r.off == off {
			out = append(out, r)
		}
	}
	return out
}

func index(runs []run) map[appKey]run {
	m := make(map[appKey]run, len(runs))
	for _, r := range runs {
		m[appKey{r.row.AppID, r.row.AttemptID}] = r
	}
	return m
}

func totals(runs []run) Totals {
	var t Totals
	jobs := map[string]bool{}
	for _, r := range runs {
		t.Runs++
		if r.failed() {
			t.Failed++
		}
		jobs[job(r.row)] = true
		t.CostUSD += r.cost.AllocatedUSD
		t.WasteUSD += r.cost.WasteUSD
		t.DriverUSD += r.cost.DriverUSD
		t.CoreHours += r.cost.CoreHours
		t.MemGiBHours += r.cost.MemGiBHours
		t.TaskHours += min(float64(max(r.row.TaskTimeMS, 0)), float64(max(r.row.ExecutorTimeMS, 0))) / msPerHour
	}
	t.UsedUSD = t.CostUSD - t.WasteUSD
	t.Jobs = len(jobs)
	return t
}

const msPerHour = 3.6e6

// history returns the totals of every week from the earliest run's to week.
func history(runs []run, week Week) []WeekTotals {
	if len(runs) == 0 {
		return nil
	}
	first := 0
	for _, r := range runs {
		first = min(first, r.off)
	}
	out := make([]WeekTotals, 0, 1-first)
	for off := first; off <= 0; off++ {
		out = append(out, WeekTotals{week.Add(off), totals(weekRuns(runs, off))})
	}
	return out
}

// days splits the week's cost by the UTC day each run ended.
func days(runs []run, week Week) []DayCost {
	out := make([]DayCost, 7)
	pos := map[string]int{}
	for i, d := range week.Days() {
		out[i].Day, pos[d] = d, i
	}
	for _, r := range runs {
		i, ok := pos[dayOf(r.at)]
		if !ok {
			continue
		}
		out[i].Runs++
		out[i].WasteUSD += r.cost.WasteUSD
		out[i].UsedUSD += r.cost.AllocatedUSD - r.cost.WasteUSD
	}
	return out
}

// groups sums runs by key, the week before beside, by cost descending.
func groups(cur, prev []run, key func(*analyze.AppRecord) string) []Group {
	m := map[string]*Group{}
	get := func(k string) *Group {
		if m[k] == nil {
			m[k] = &Group{Key: k}
		}
		return m[k]
	}
	for _, r := range cur {
		g := get(key(r.row))
		g.Runs++
		g.CostUSD += r.cost.AllocatedUSD
		g.WasteUSD += r.cost.WasteUSD
		if r.failed() {
			g.Failed++
		}
	}
	for _, r := range prev {
		if g := m[key(r.row)]; g != nil {
			g.PrevRuns++
			g.PrevCostUSD += r.cost.AllocatedUSD
		}
	}
	out := make([]Group, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.CostUSD, a.CostUSD), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// failedRuns lists the runs that ended failed, in time order.
func failedRuns(runs []run) []FailedRun {
	var out []FailedRun
	for _, r := range runs {
		if !r.failed() {
			continue
		}
		a := r.row
		out = append(out, FailedRun{
			AppName: a.AppName, AppID: a.AppID, AttemptID: a.AttemptID, User: a.User,
			End: r.at, DurationMS: a.DurationMS, FailedJobs: a.FailedJobs,
			CostUSD: r.cost.AllocatedUSD, MaxSeverity: a.MaxSeverity,
		})
	}
	return out
}

func timeOf(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
