package report

import (
	"fmt"
	"strings"
)

// section is one part of the report, the same in both renderers; charts
// appear only in HTML.
type section struct {
	ID, Title string
	Intro     string
	Charts    []string // inline SVG
	Grid      grid
	Empty     string // said instead of an empty table
}

// title is the report's heading.
func (r *Report) title() string {
	return fmt.Sprintf("Spark cluster cost, week %s (%s)", r.Week, r.Week.period())
}

// headline sums the week up in a sentence or two.
func (r *Report) headline() string {
	c := r.Totals
	if r.Empty() {
		return fmt.Sprintf("No application ended in week %s (%s, UTC): the dataset has no runs for it. "+
			"Nothing to report; check --week and --out, or whether the nightly run wrote that week.", r.Week, r.Week.period())
	}
	s := fmt.Sprintf("%s of %s cost %s (%s on %s), of which %s (%s) was executor time allocated but idle.",
		plural(c.Runs, "run"), plural(c.Jobs, "job"), usd(c.CostUSD), change(c.CostUSD, r.PrevTotals.CostUSD), r.Prev,
		usd(c.WasteUSD), pct(c.WasteShare()))
	if c.Failed > 0 {
		s += fmt.Sprintf(" %s failed.", plural(c.Failed, "run"))
	}
	if len(r.Trends) > 0 {
		s += fmt.Sprintf(" %s growing.", plural(len(r.Trends), "trend"))
	}
	return s
}

// ratesNote says how costs were priced.
func (r *Report) ratesNote() string {
	d := "drivers not counted"
	if r.Rates.IncludeDriver {
		d = "drivers included (never waste)"
	}
	return fmt.Sprintf("Priced at %s per executor vCPU-hour and %s per GiB-hour, %s; waste = allocated − used executor time. "+
		"LLM tokens at %s / %s per million input / output. Times are UTC; a run counts in the week it ended.",
		rate(r.Rates.VCPUHourUSD), rate(r.Rates.GiBHourUSD), d, rate(r.Rates.LLMInputPerMTokUSD), rate(r.Rates.LLMOutputPerMTokUSD))
}

func rate(v float64) string {
	return "$" + strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

// sections lists the report's parts; an empty week has only its history.
func (r *Report) sections(charts bool) []section {
	if r.Empty() {
		if len(r.History) == 0 {
			return nil
		}
		return []section{r.historySection(charts)}
	}
	out := []section{
		{ID: "summary", Title: "Totals", Grid: r.summaryGrid()},
		r.daysSection(charts),
		r.groupSection("by-job", "Cost by job", "Job", r.ByApp, charts,
			"A recurring job is one job key (apps.job_key: the app name with dates and ids masked, or the scheduler's name); the week before is beside it."),
		r.groupSection("by-user", "Cost by user", "User", r.ByUser, false, ""),
	}
	if len(r.ByQueue) > 0 {
		out = append(out, r.groupSection("by-queue", "Cost by queue", "Queue", r.ByQueue, false, ""))
	}
	out = append(out,
		section{ID: "findings", Title: "Top findings by estimated waste", Grid: r.findingsGrid(),
			Intro: "One line per job and detector, summed over the week's runs; the finding and recommendation shown are those of the run that wasted most.",
			Empty: "No findings this week."},
		section{ID: "llm", Title: "LLM diagnoses", Grid: r.llmGrid(),
			Intro: "Gemini tokens spent this week beside the waste of the apps it diagnosed (status ok)."},
		section{ID: "advice", Title: "Does the advice pay", Grid: r.adviceGrid(), Intro: r.adviceIntro(),
			Empty: "No advice was applied and judged yet (a verdict needs runs before and after the change)."},
		section{ID: "regressions", Title: "Regressions of the week", Grid: r.regressionsGrid(),
			Intro: "Runs outside their job's normal band (median and IQR of its earlier runs, per GiB of input where it reads enough), with what changed since the job's previous run.",
			Empty: "No run regressed against its job's baseline this week."},
		r.rightsizeSection(charts),
		r.trendSection(charts),
		section{ID: "failed", Title: "Failed runs", Grid: r.failedGrid(), Empty: "No run failed this week."},
		r.historySection(charts),
	)
	return out
}

func (r *Report) daysSection(charts bool) section {
	s := section{ID: "daily", Title: "Daily cost", Grid: r.daysGrid()}
	if charts {
		labels := make([]string, len(r.Days))
		used := make([]float64, len(r.Days))
		waste := make([]float64, len(r.Days))
		for i, d := range r.Days {
			labels[i], used[i], waste[i] = dayLabel(d.Day), d.UsedUSD, d.WasteUSD
		}
		s.Charts = []string{stackedChart("Daily cost, used and waste", labels, used, waste)}
	}
	return s
}

func (r *Report) groupSection(id, title, what string, gs []Group, chart bool, intro string) section {
	s := section{ID: id, Title: title, Intro: intro, Grid: r.groupGrid(what, gs)}
	if chart {
		s.Charts = []string{wasteBars(gs)}
	}
	return s
}

func (r *Report) trendSection(charts bool) section {
	s := section{ID: "trends", Title: "Growing jobs", Grid: r.trendsGrid(),
		Intro: fmt.Sprintf("Weekly mean per run over the weeks available (up to %s), fitted with a least-squares line; "+
			"listed when the fitted line rose by %.0f %% or more over those weeks, with R² ≥ %.1f. The projection extends the line to the next round value.",
			r.Week, 100*minTrendGrowth, minTrendR2),
		Empty: fmt.Sprintf("No job grew over the weeks available (a trend needs runs in %d weeks including this one).", minTrendWeeks)}
	if charts {
		for _, t := range r.Trends {
			s.Charts = append(s.Charts, trendChart(t))
		}
	}
	return s
}

func (r *Report) historySection(charts bool) section {
	s := section{ID: "history", Title: "Weekly history", Grid: r.historyGrid()}
	if charts && len(r.History) > 1 {
		labels := make([]string, len(r.History))
		used := make([]float64, len(r.History))
		waste := make([]float64, len(r.History))
		for i, h := range r.History {
			labels[i], used[i], waste[i] = fmt.Sprintf("W%02d", h.Week.Week), h.UsedUSD, h.WasteUSD
		}
		s.Charts = []string{stackedChart("Weekly cost, used and waste", labels, used, waste)}
	}
	return s
}
