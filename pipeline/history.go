package pipeline

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/table"
)

// The history step runs once every log of the night is read, when the
// night's job keys are known: it reads those jobs' runs within the window
// (readHistory), judges each of tonight's runs against its job's baseline
// (regression and improvement findings, written to the findings table with
// the log's other parts) and watches the advice made for the jobs earlier
// (the outcomes table: for each of tonight's runs, one row per advice made
// for its job before it, judged on the runs up to it; the rows, like the
// findings, belong to the run's log and are replaced when it is read again). Runs
// of the same night in other shards are not seen: they are history for the
// next night.

// nightRun is one of tonight's runs as the history step needs it.
type nightRun struct {
	run    history.Run
	id     analyze.FindingRow // the app's identity, for its findings
	day    string
	log    string           // ledger key
	src    logfile.Log      // the log, to read again for a diagnosis
	advice []history.Advice // its findings' recommendations
}

// nightOf is a processed app as the history step needs it.
func nightOf(app *extract.App, findings []analyze.FindingRow, res analyze.AppResult, day string, l logfile.Log) nightRun {
	n := nightRun{run: history.RunOf(app.Row, res.EstCostUSD, res.JobKey), day: day, log: ledgerKey(l), src: l,
		id: analyze.FindingRow{AppID: app.Row.AppID, AttemptID: app.Row.AttemptID, RunID: app.Row.RunID,
			AppName: app.Row.AppName, SourceURI: app.Row.SourceURI}}
	n.run.Plan = analyze.PlanShape(app.Queries)
	for _, f := range findings {
		n.advice = append(n.advice, analyze.FindingAdvice(f, n.run)...)
	}
	return n
}

// addNight keeps a processed app for the history step. Call with r.mu held.
func (r *run) addNight(n nightRun) {
	if history.Recurring(n.run.JobKey) {
		r.tonight = append(r.tonight, n)
	}
}

// judgeHistory is the history step.
func (r *run) judgeHistory(ctx context.Context) error {
	if len(r.tonight) == 0 {
		return nil
	}
	start := time.Now()
	sort.Slice(r.tonight, func(i, j int) bool { return r.tonight[i].log < r.tonight[j].log })
	cfg := r.o.Analyze.History
	from, to := r.window(cfg)
	h, err := readHistory(ctx, r.o.Out, r.tonightKeys(), r.tonightApps(), from, to)
	if err != nil {
		return r.historyUnreadable(ctx, err)
	}
	runs := byJob(r.withTonight(h.runs))
	changes, err := r.writeChanges(ctx, runs, cfg)
	if err != nil {
		return err
	}
	outcomes, err := r.writeOutcomes(ctx, h.advice, runs, cfg)
	if err != nil {
		return err
	}
	r.tellDiagnosis(runs, outcomes, cfg)
	hc := &HistoryCounts{Jobs: len(r.tonightKeys()), Parts: h.stats.Parts, BytesRead: h.stats.Bytes, Runs: h.stats.RowsKept,
		Changes: changes, Outcomes: len(outcomes), Seconds: time.Since(start).Seconds()}
	r.m.History = hc
	r.log.Info("job history", "jobs", hc.Jobs, "from", from, "to", to, "parts", hc.Parts, "bytes", hc.BytesRead,
		"rows", h.stats.Rows, "runs", hc.Runs, "advice", h.stats.Kept, "changes", changes, "outcomes", hc.Outcomes, "seconds", hc.Seconds)
	return nil
}

// historyUnreadable records that the history could not be read: the night
// commits its logs' rows without regressions and outcomes (the manifest
// and the log say why); only a cancelled run stops.
func (r *run) historyUnreadable(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.m.History = &HistoryCounts{Jobs: len(r.tonightKeys()), Error: err.Error()}
	r.log.Error("job history unreadable: no regression or outcome judged tonight", "error", err.Error())
	return nil
}

// tellDiagnosis gives each app flagged for the diagnosis its job's
// baseline and the outcomes of the advice given for the job before.
func (r *run) tellDiagnosis(runs jobRuns, outcomes []history.OutcomeRow, cfg history.Config) {
	byApp := map[string]history.Run{}
	for _, n := range r.tonight {
		byApp[dataset.AppKey(n.run.AppID, n.run.AttemptID)] = n.run
	}
	outcomesOf := map[string][]history.OutcomeRow{}
	for _, o := range outcomes {
		key := dataset.AppKey(o.AppID, o.AttemptID)
		outcomesOf[key] = append(outcomesOf[key], o)
	}
	for i := range r.flagged.list {
		c := &r.flagged.list[i]
		key := dataset.AppKey(c.App.Row.AppID, c.App.Row.AttemptID)
		cur, ok := byApp[key]
		if !ok {
			continue
		}
		mine := outcomesOf[key]
		b, enough := history.NewBaseline(cur, runs[cur.JobKey], cfg)
		if enough || len(mine) > 0 {
			c.History = diagnose.NewJobHistory(cur.JobKey, b, enough, mine)
		}
	}
}

// window is the days whose partitions may hold the baselines of tonight's
// runs: cfg.Days before the earliest to the latest.
func (r *run) window(cfg history.Config) (from, to string) {
	lo, hi := r.tonight[0].run.EndMS, r.tonight[0].run.EndMS
	for _, n := range r.tonight {
		lo, hi = min(lo, n.run.EndMS), max(hi, n.run.EndMS)
	}
	return table.Day(lo - int64(cfg.Days)*24*int64(time.Hour/time.Millisecond)), table.Day(hi)
}

func (r *run) tonightKeys() map[string]bool {
	keys := map[string]bool{}
	for _, n := range r.tonight {
		keys[n.run.JobKey] = true
	}
	return keys
}

// tonightApps are the app keys of tonight's runs.
func (r *run) tonightApps() map[string]bool {
	apps := map[string]bool{}
	for _, n := range r.tonight {
		apps[dataset.AppKey(n.run.AppID, n.run.AttemptID)] = true
	}
	return apps
}

// jobRuns are runs by job key, each job's oldest first.
type jobRuns map[string][]history.Run

// byJob groups runs (oldest first) by job key, so each of tonight's runs
// is judged against its job's runs alone.
func byJob(runs []history.Run) jobRuns {
	m := jobRuns{}
	for _, r := range runs {
		m[r.JobKey] = append(m[r.JobKey], r)
	}
	return m
}

// withTonight returns the stored runs with tonight's in place of any
// stored version of the same app attempt (a log read again), oldest first.
func (r *run) withTonight(stored []history.Run) []history.Run {
	byApp := map[string]history.Run{}
	for _, s := range stored {
		byApp[dataset.AppKey(s.AppID, s.AttemptID)] = s
	}
	for _, n := range r.tonight {
		byApp[dataset.AppKey(n.run.AppID, n.run.AttemptID)] = n.run
	}
	return sortedRuns(byApp)
}

// writeChanges judges tonight's runs and writes their regression and
// improvement findings. It returns how many it wrote.
func (r *run) writeChanges(ctx context.Context, runs jobRuns, cfg history.Config) (int, error) {
	var changed []nightRun
	for _, n := range r.tonight {
		if _, ok := analyze.HistoryFinding(n.id, n.run, runs[n.run.JobKey], cfg); ok {
			changed = append(changed, n)
		}
	}
	if err := r.fillPlans(ctx, changed, runs, cfg); err != nil {
		return 0, err
	}
	var rows judgedRows[analyze.FindingRow]
	for _, n := range changed {
		if f, ok := analyze.HistoryFinding(n.id, n.run, runs[n.run.JobKey], cfg); ok {
			rows.add(n, f)
			if err := r.flagRegressed(ctx, n, f); err != nil {
				return 0, err
			}
		}
	}
	if err := writeJudged(ctx, r, dataset.Findings, rows); err != nil {
		return 0, fmt.Errorf("write regression findings: %w", err)
	}
	r.m.Findings += int64(rows.n)
	return rows.n, nil
}

// flagRegressed gives tonight's diagnosis a run's history finding: to the
// run's candidate when a detector flagged it, else, for a regression, as a
// candidate of its own (a regression is when a job most needs one). Its model,
// dropped once its log was read, is read again (within the memory budget);
// a log that cannot be read again only costs the diagnosis, with a warning.
func (r *run) flagRegressed(ctx context.Context, n nightRun, f analyze.FindingRow) error {
	key := dataset.AppKey(n.run.AppID, n.run.AttemptID)
	if i := slices.IndexFunc(r.flagged.list, func(c diagnose.Candidate) bool {
		return dataset.AppKey(c.App.Row.AppID, c.App.Row.AttemptID) == key
	}); i >= 0 {
		r.flagged.list[i].Findings = append(r.flagged.list[i].Findings, f) // flagged already: the finding goes with it
		return nil
	}
	if f.Detector != analyze.DetRegression || r.o.Model == nil || !r.o.Diagnose.Wants(f.Severity) {
		return nil
	}
	release, err := r.budget.acquire(ctx, n.src)
	if err != nil {
		return err
	}
	app, _, err := extract.ReadLog(ctx, r.o.Source, n.src, extract.Options{RunID: r.o.RunID.String(),
		Redactor: r.o.Redactor, MaxLine: r.budget.lineCap(n.src), MaxBytes: r.budget.maxBytes(n.src)})
	release()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.log.Warn("regressed run not diagnosed: its log could not be read again", "log", r.o.Source.URI(n.src.Key), "error", err.Error())
		return nil
	}
	res := analyze.AnalyzeApp(app, r.o.Analyze)
	r.flagged.add(diagnose.Candidate{App: app, Findings: append(res.Findings, f), Result: res.App,
		Rightsizing: res.Rightsizing.Reference()}, r.o.Diagnose.MaxApps, n.day)
	return nil
}

// fillPlans sets the plan shape of the stored runs that are the last of a
// changed run's baseline (what its finding compares it with), from the
// queries table of their days: read only when a run changed.
func (r *run) fillPlans(ctx context.Context, changed []nightRun, runs jobRuns, cfg history.Config) error {
	want := map[string]*history.Run{} // app key → the run to fill
	days := map[string]bool{}
	for _, n := range changed {
		job := runs[n.run.JobKey]
		b, _ := history.NewBaseline(n.run, job, cfg)
		last := b.Runs[len(b.Runs)-1]
		if i := slices.IndexFunc(job, func(x history.Run) bool { return x.AppID == last.AppID && x.AttemptID == last.AttemptID }); i >= 0 && job[i].Plan == "" {
			want[dataset.AppKey(last.AppID, last.AttemptID)] = &job[i]
			days[table.Day(last.EndMS)] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	plans, err := readPlans(ctx, r.o.Out, want, days)
	for key, run := range want {
		run.Plan = plans[key]
	}
	if err != nil && ctx.Err() == nil {
		r.log.Warn("plans of the job history unreadable: regressions name no plan change", "error", err.Error())
		return nil
	}
	return err
}

// writeOutcomes watches, for each of tonight's runs, the advice made for
// its job before it (stored, and made tonight for earlier runs) over the
// job's runs up to it, and writes the outcomes table.
func (r *run) writeOutcomes(ctx context.Context, advice []history.Advice, runs jobRuns, cfg history.Config) ([]history.OutcomeRow, error) {
	for _, n := range r.tonight {
		advice = append(advice, n.advice...)
	}
	adviceOf := map[string][]history.Advice{}
	for _, a := range history.Distinct(advice) {
		adviceOf[a.JobKey] = append(adviceOf[a.JobKey], a)
	}
	var rows judgedRows[history.OutcomeRow]
	var all []history.OutcomeRow
	for _, n := range r.tonight {
		job := runs[n.run.JobKey]
		upTo := job[:sort.Search(len(job), func(i int) bool { return job[i].EndMS > n.run.EndMS })]
		for _, a := range adviceOf[n.run.JobKey] {
			if a.AtMS < n.run.EndMS {
				o := history.Watch(a, upTo, cfg)
				o.AppID, o.AttemptID, o.RunID = n.run.AppID, n.run.AttemptID, r.o.RunID.String()
				rows.add(n, o)
				all = append(all, o)
			}
		}
	}
	if err := writeJudged(ctx, r, dataset.Outcomes, rows); err != nil {
		return all, fmt.Errorf("write outcomes: %w", err)
	}
	return all, nil
}

// judgedRows are rows the history step made for tonight's logs, by day.
type judgedRows[T any] struct {
	byDay map[string][]T
	logs  map[string][]string // day → ledger keys of the logs with rows
	n     int
}

func (j *judgedRows[T]) add(n nightRun, row T) {
	if j.byDay == nil {
		j.byDay, j.logs = map[string][]T{}, map[string][]string{}
	}
	j.byDay[n.day] = append(j.byDay[n.day], row)
	j.logs[n.day] = append(j.logs[n.day], n.log)
	j.n++
}

// writeJudged writes rows a part per day, which the ledger entry of each
// log with rows in it lists: a log read again has them replaced with its
// other rows.
func writeJudged[T any](ctx context.Context, r *run, t *dataset.Table[T], rows judgedRows[T]) error {
	for _, day := range slices.Sorted(maps.Keys(rows.byDay)) {
		keys, err := t.Write(ctx, r.tx, day, rows.byDay[day])
		for _, l := range rows.logs[day] {
			r.logFiles[l] = append(r.logFiles[l], keys...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
