package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// LoadApp rebuilds the stored model of one app attempt (the newest attempt
// when attemptID is ""), its findings and analyze's result from the dataset
// in out, as a diagnosis candidate.
func LoadApp(ctx context.Context, out store.Store, appID, attemptID string) (diagnose.Candidate, error) {
	app, res, findings, err := loadApp(ctx, out, appID, attemptID)
	return diagnose.Candidate{App: app, Findings: findings, Result: res}, err
}

func loadApp(ctx context.Context, out store.Store, appID, attemptID string) (*extract.App, analyze.AppResult, []analyze.FindingRow, error) {
	var none analyze.AppResult
	apps, err := dataset.Apps.Read(ctx, out, nil)
	if err != nil {
		return nil, none, nil, err
	}
	var row *analyze.AppRecord
	for i := range apps {
		a := &apps[i]
		if a.AppID == appID && (attemptID == "" || a.AttemptID == attemptID) && (row == nil || a.AttemptID > row.AttemptID) {
			row = a
		}
	}
	if row == nil {
		return nil, none, nil, fmt.Errorf("app %s attempt %q is not in %s", appID, attemptID, out.URI(""))
	}
	app := &extract.App{Row: row.AppRow, Conf: map[string]string{}}
	_ = json.Unmarshal([]byte(row.SparkConf), &app.Conf)
	mine := func(id, att string) bool { return id == row.AppID && att == row.AttemptID }
	days := partitionOf(app)
	stages, err := dataset.Stages.Read(ctx, out, days)
	if err != nil {
		return nil, none, nil, err
	}
	for _, s := range stages {
		if mine(s.AppID, s.AttemptID) {
			app.Stages = append(app.Stages, s)
		}
	}
	sort.Slice(app.Stages, func(i, j int) bool {
		a, b := app.Stages[i], app.Stages[j]
		return a.StageID < b.StageID || a.StageID == b.StageID && a.StageAttemptID < b.StageAttemptID
	})
	execs, err := dataset.Executors.Read(ctx, out, days)
	if err != nil {
		return nil, none, nil, err
	}
	for _, e := range execs {
		if mine(e.AppID, e.AttemptID) {
			app.Executors = append(app.Executors, e)
		}
	}
	all, err := dataset.Findings.Read(ctx, out, days)
	if err != nil {
		return nil, none, nil, err
	}
	var findings []analyze.FindingRow
	for _, f := range all {
		if mine(f.AppID, f.AttemptID) {
			findings = append(findings, f)
		}
	}
	analyze.Rank(findings)
	return app, row.AppResult, findings, nil
}

// partitionOf picks the dt partition an app's per-log rows are in (they
// share its apps row's), or every one when the row has no time to tell it.
func partitionOf(app *extract.App) func(day string) bool {
	if app.Row.EndTime == nil && app.Row.LastEventTime == nil {
		return nil // its day was the log's modification time
	}
	day := table.Day(dayOf(app, logfile.Log{}))
	return func(d string) bool { return d == day }
}

// DiagnoseStored diagnoses one stored app of o.Out on demand with o.Model,
// whatever the budget, and commits the diagnoses row as a run of its own
// (part file, then manifest), so the audit trail holds every call. The
// dataset keeps no plans or task sketches, so the app's source log is read
// again (o.OpenLog) and the prompt is the one a nightly run would send;
// when it cannot be, the stored rows stand in and the reference says why
// right-sizing is unavailable. Of o it reads Out, OpenLog, Analyze, Diagnose,
// Model, Redactor, Logger and Version.
func DiagnoseStored(ctx context.Context, o Options, appID, attemptID string) (analyze.DiagnosisRow, error) {
	out, version := o.Out, o.Version
	c, err := LoadApp(ctx, out, appID, attemptID)
	if err != nil {
		return analyze.DiagnosisRow{}, err
	}
	o.fromLog(ctx, &c)
	if ctx.Err() != nil {
		return analyze.DiagnosisRow{}, ctx.Err()
	}
	d, err := o.diagnoser()
	if err != nil {
		return analyze.DiagnosisRow{}, fmt.Errorf("gemini: %w", err)
	}
	started := time.Now()
	tx := Begin(out, NewRunID(started, All), nil)
	defer tx.Abandon()
	row := d.DiagnoseOne(ctx, tx.ID().String(), c)
	m := newManifest(tx.ID(), started, out, version)
	m.Diagnoses, m.TokensIn, m.TokensOut, m.LLMCostUSD = 1, row.InputTokens, row.OutputTokens, row.CostUSD
	day := table.Day(dayOf(c.App, logFallback(c.App)))
	keys, err := dataset.Diagnoses.Write(ctx, tx, day, []analyze.DiagnosisRow{row})
	if err != nil {
		return row, fmt.Errorf("write diagnosis: %w", err)
	}
	m.RunFiles = keys
	if err := tx.Commit(ctx, m); err != nil {
		return row, err
	}
	return row, tx.Publish(ctx)
}

// LoadDiagnoses returns the stored diagnoses rows of one app attempt (every
// attempt when attemptID is ""), oldest first.
func LoadDiagnoses(ctx context.Context, out store.Store, appID, attemptID string) ([]analyze.DiagnosisRow, error) {
	all, err := table.ReadTable[analyze.DiagnosisRow](ctx, out, "diagnoses", nil)
	if err != nil {
		return nil, err
	}
	var rows []analyze.DiagnosisRow
	for _, r := range all {
		if r.AppID == appID && (attemptID == "" || r.AttemptID == attemptID) {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].Time < rows[j].Time || rows[i].Time == rows[j].Time && rows[i].RunID < rows[j].RunID
	})
	return rows, nil
}

// AuditStore is the audit store of the dataset in out: every prompt and
// raw response under _sparkmine/llm/.
func AuditStore(out store.Store) Blobs { return Blobs{out, llmDir} }

// fromLog reads the stored app's source log again: with it, the candidate
// is what a nightly run diagnoses — the app as read from its log (plans and
// operators, jobs, task sketches, which the dataset does not keep) and its
// right-sizing — beside the stored findings. Without it, the candidate
// keeps the stored rows and its reference says why right-sizing is
// unavailable, in words that name no path, bucket or host (they go into
// the prompt; the details are logged).
func (o *Options) fromLog(ctx context.Context, c *diagnose.Candidate) {
	again, why := o.readStored(ctx, c.App)
	if again == nil {
		c.RightsizingUnavailable = why
		return
	}
	c.App = again
	rs := analyze.Rightsize(again, o.Analyze.Detectors.Rightsize, o.Analyze.Cost)
	if rs == nil {
		c.RightsizingUnavailable = "the source log has too little to replay"
		return
	}
	c.Rightsizing = rs.Reference()
}

// readStored reads app's source log again, or says why it cannot.
func (o *Options) readStored(ctx context.Context, app *extract.App) (*extract.App, string) {
	uri := app.Row.SourceURI
	if uri == "" || o.OpenLog == nil {
		return nil, "the app's source log is not known here"
	}
	again, err := o.readAgain(ctx, uri)
	if err != nil {
		if o.Logger != nil {
			o.Logger.Warn("source log unavailable", "log", uri, "reason", err.Error())
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "the source log is no longer there"
		}
		return nil, "the source log could not be read again"
	}
	if again.Row.AppID != app.Row.AppID || again.Row.AttemptID != app.Row.AttemptID {
		return nil, "the source log now holds another app attempt"
	}
	return again, ""
}

// readAgain reads the one log at uri.
func (o *Options) readAgain(ctx context.Context, uri string) (*extract.App, error) {
	st, logs, err := o.OpenLog(ctx, uri)
	if err != nil {
		return nil, err
	}
	if len(logs) != 1 {
		return nil, fmt.Errorf("%d logs at %s, want 1", len(logs), uri)
	}
	app, _, err := extract.ReadLog(ctx, st, logs[0], extract.Options{Redactor: o.Redactor})
	return app, err
}
