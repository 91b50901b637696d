// Package report builds the weekly cluster cost report from stored rows and
// renders it as a self-contained HTML page (charts as inline SVG, no
// scripts, no network) or as Markdown for pasting into a ticket.
//
// Build is pure: the caller reads the apps, findings and diagnoses rows of
// the report week and of the weeks before it (cmd/sparkmine reads only the
// dt partitions it needs, see Week.DayFilter) and hands them in. An app
// belongs to the ISO week of its end_time, else its last_event_time, in UTC:
// the week of its dt partition. Findings and diagnoses belong to their app's
// week.
//
// Costs are recomputed with the CostConfig given to Build (analyze.AppCost),
// not taken from the stored est_cost_usd, so a report can be re-priced with
// other rates. A finding's stored est_waste_usd is rescaled by its app's
// cost under the new rates ÷ its stored est_cost_usd, which is exact when the
// rates change in proportion. Diagnosis cost is recomputed from the tokens
// with the config's token prices.
//
// Trends: for each recurring job (one job key, apps.job_key; the app name
// in rows written before job keys) and each of duration,
// shuffle read and cost per run, the mean per run of every week that has
// runs is fitted with a least-squares line. A job is growing when it ran in
// the report week and in at least two earlier weeks, the line rises by at
// least 20 % over the weeks fitted and fits well (R² ≥ 0.5). The projection
// says when the line crosses a round threshold above the report week's
// value: the next power of two of bytes (at least 1 GiB) for shuffle, twice
// the current value for duration and cost.
//
// Advice: the outcomes rows of the report week say, per piece of advice
// (job, source, key, proposed value), its verdict as of each run; the
// latest counts. Helped and regressed advice is priced per week as its
// change of the median cost per run × the job's runs this week, and set
// against the week's LLM diagnoses. Regressions are the week's regression
// findings with what changed since the job's previous run.
package report
