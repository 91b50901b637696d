package report

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
)

// grid is a table both renderers draw: Markdown and HTML show the same ones.
type grid struct {
	Head  []string
	Right []bool // right-align column i (numbers)
	Rows  [][]string
	Note  string // a line under the table, "" for none
}

// maxGroupRows bounds the by-job, by-user and by-queue tables.
const maxGroupRows = 20

func (r *Report) summaryGrid() grid {
	c, p := r.Totals, r.PrevTotals
	row := func(name string, cur, prev float64, f func(float64) string) []string {
		return []string{name, f(cur), f(prev), change(cur, prev)}
	}
	count := func(v float64) string { return thousands(int64(v)) }
	hours := func(v float64) string { return thousands(int64(v + 0.5)) }
	g := grid{
		Head:  []string{"", r.Week.String(), r.Prev.String(), "change"},
		Right: []bool{false, true, true, true},
		Rows: [][]string{
			row("Runs", float64(c.Runs), float64(p.Runs), count),
			row("Failed runs", float64(c.Failed), float64(p.Failed), count),
			row("Jobs (app names)", float64(c.Jobs), float64(p.Jobs), count),
			row("Cost", c.CostUSD, p.CostUSD, usd),
			row("Used", c.UsedUSD, p.UsedUSD, usd),
			row("Waste (allocated, idle)", c.WasteUSD, p.WasteUSD, usd),
			{"Waste share", pct(c.WasteShare()), pct(p.WasteShare()), ""},
			row("Executor core-hours", c.CoreHours, p.CoreHours, hours),
			row("Executor memory GiB-hours", c.MemGiBHours, p.MemGiBHours, hours),
			row("LLM diagnoses", r.LLM.CostUSD, r.LLM.PrevCostUSD, usd),
		},
	}
	if r.Rates.IncludeDriver {
		g.Rows = append(g.Rows[:6], append([][]string{row("of which drivers", c.DriverUSD, p.DriverUSD, usd)}, g.Rows[6:]...)...)
	}
	return g
}

func (r *Report) daysGrid() grid {
	g := grid{Head: []string{"Day", "Runs", "Used", "Waste", "Cost"}, Right: []bool{false, true, true, true, true}}
	for _, d := range r.Days {
		g.Rows = append(g.Rows, []string{dayLabel(d.Day), fmt.Sprint(d.Runs), usd(d.UsedUSD), usd(d.WasteUSD), usd(d.UsedUSD + d.WasteUSD)})
	}
	return g
}

// groupGrid lists groups by cost, the largest maxGroupRows, the rest summed.
func (r *Report) groupGrid(what string, gs []Group) grid {
	g := grid{
		Head:  []string{what, "Runs", "Failed", "Cost", "Waste", "Waste share", "Cost " + r.Prev.String(), "Change"},
		Right: []bool{false, true, true, true, true, true, true, true},
	}
	var rest Group
	for i, x := range gs {
		if i >= maxGroupRows {
			rest.Runs, rest.Failed, rest.CostUSD, rest.WasteUSD = rest.Runs+x.Runs, rest.Failed+x.Failed, rest.CostUSD+x.CostUSD, rest.WasteUSD+x.WasteUSD
			rest.PrevCostUSD += x.PrevCostUSD
			continue
		}
		g.Rows = append(g.Rows, groupRow(orNone(x.Key), x))
	}
	if n := len(gs) - maxGroupRows; n > 0 {
		g.Rows = append(g.Rows, groupRow(fmt.Sprintf("(%d more)", n), rest))
	}
	return g
}

func groupRow(name string, x Group) []string {
	return []string{name, fmt.Sprint(x.Runs), fmt.Sprint(x.Failed), usd(x.CostUSD), usd(x.WasteUSD),
		pct(ratio(x.WasteUSD, x.CostUSD)), usd(x.PrevCostUSD), change(x.CostUSD, x.PrevCostUSD)}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (r *Report) findingsGrid() grid {
	g := grid{
		Head:  []string{"Job", "Detector", "Severity", "Runs", "Est. waste", "Finding", "Recommendation"},
		Right: []bool{false, false, false, true, true, false, false},
	}
	for _, f := range r.TopFindings {
		rec := strings.Join(recs(f.Recommendations), "; ")
		if rec == "" {
			rec = "–"
		}
		g.Rows = append(g.Rows, []string{f.AppName, f.Detector, f.Severity, fmt.Sprint(f.Runs), usd(f.WasteUSD), f.Title, rec})
	}
	return g
}

func (r *Report) llmGrid() grid {
	l := r.LLM
	statuses := make([]string, 0, len(l.ByStatus))
	for s, n := range l.ByStatus {
		statuses = append(statuses, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(statuses)
	return grid{
		Head:  []string{"", "This week"},
		Right: []bool{false, true},
		Rows: [][]string{
			{"Diagnosis rows", fmt.Sprintf("%d (%s)", l.Calls, strings.Join(statuses, ", "))},
			{"Input tokens", thousands(l.InputTokens)},
			{"Output tokens", thousands(l.OutputTokens)},
			{"Token cost", usd(l.CostUSD)},
			{"Apps diagnosed", fmt.Sprint(l.DiagnosedApps)},
			{"Their waste (addressed)", usd(l.AddressedWasteUSD)},
			{"Waste addressed per LLM dollar", perDollar(l.AddressedWasteUSD, l.CostUSD)},
		},
	}
}

func perDollar(waste, cost float64) string {
	if cost == 0 {
		return "–"
	}
	return fmt.Sprintf("%s", usd(waste/cost))
}

func (r *Report) trendsGrid() grid {
	g := grid{
		Head:  []string{"Job", "Metric", "Weeks", "First", "This week", "Growth / week", "Projection"},
		Right: []bool{false, false, true, true, true, true, false},
	}
	for _, t := range r.Trends {
		g.Rows = append(g.Rows, []string{t.AppName, t.Metric.label(), fmt.Sprint(len(t.Points)),
			metricValue(t.Metric, t.Points[0].Value), metricValue(t.Metric, t.Current),
			fmt.Sprintf("%+.1f %%", 100*t.Growth()), t.Sentence()})
	}
	return g
}

func (r *Report) failedGrid() grid {
	g := grid{
		Head:  []string{"Job", "App id", "Attempt", "User", "Ended (UTC)", "Duration", "Failed jobs", "Cost"},
		Right: []bool{false, false, false, false, false, true, true, true},
	}
	for _, f := range r.Failed {
		g.Rows = append(g.Rows, []string{f.AppName, f.AppID, f.AttemptID, f.User, when(f.End),
			duration(float64(f.DurationMS)), fmt.Sprint(f.FailedJobs), usd(f.CostUSD)})
	}
	return g
}

func (r *Report) historyGrid() grid {
	g := grid{Head: []string{"Week", "Runs", "Failed", "Cost", "Waste", "Waste share"}, Right: []bool{false, true, true, true, true, true}}
	for _, h := range r.History {
		g.Rows = append(g.Rows, []string{h.Week.String(), fmt.Sprint(h.Runs), fmt.Sprint(h.Failed), usd(h.CostUSD), usd(h.WasteUSD), pct(h.WasteShare())})
	}
	return g
}

func dayLabel(d string) string {
	t, err := timeParseDay(d)
	if err != nil {
		return d
	}
	return t.Format("Mon 2 Jan")
}

// adviceIntro sums the advice up: saved per week against the LLM's cost.
func (r *Report) adviceIntro() string {
	a := r.Advice
	return fmt.Sprintf("Advice applied and judged (Mann–Whitney on cost per GiB of input, or on cost for jobs reading under a GiB; runs before against runs after): "+
		"it saves %s per week at this week's runs (%s of it advised by LLM diagnoses), against %s of LLM diagnoses this week. "+
		"Of the other advice, %d applied too recently to judge, %d not applied.",
		usd(a.SavedPerWeekUSD), usd(a.FromDiagnosesUSD), usd(a.LLMCostUSD), a.TooEarly, a.NotApplied)
}

func (r *Report) adviceGrid() grid {
	g := grid{Head: []string{"Job", "Setting", "Advised by", "Verdict", "Δ cost per run", "Runs this week", "Saved per week", "p"},
		Right: []bool{false, false, false, false, true, true, true, true}}
	for _, a := range r.Advice.Judged {
		g.Rows = append(g.Rows, []string{a.Job, a.Key + " = " + a.Proposed, a.SourceKind, strings.ReplaceAll(a.Verdict, "_", " "),
			usd(a.DeltaCostUSD), fmt.Sprint(a.RunsPerWeek), usd(a.WeeklyUSD), fmt.Sprintf("%.3f", a.PValue)})
	}
	return g
}

func (r *Report) regressionsGrid() grid {
	g := grid{Head: []string{"Job", "App", "Regression", "Extra cost", "What changed"}, Right: []bool{false, false, false, true, false}}
	for _, x := range r.Regressions {
		g.Rows = append(g.Rows, []string{x.Job, x.AppID, x.Title, usd(x.ExtraCostUSD), cmp.Or(x.Changed, "nothing in its configuration, version, executors or input")})
	}
	return g
}
