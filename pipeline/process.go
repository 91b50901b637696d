package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/table"
)

// processOne reads one log, runs the detectors and writes its rows. A log
// that cannot be read is recorded in the manifest (and, when its content is
// at fault, in the ledger, so it is retried only once it changes); only a
// failure to write the output stops the run.
func (r *run) processOne(ctx context.Context, l logfile.Log) error {
	start := time.Now()
	release, err := r.budget.acquire(ctx, l)
	if err != nil {
		return err
	}
	app, ls, err := extract.ReadLog(ctx, r.o.Source, l, extract.Options{RunID: r.o.RunID.String(),
		Redactor: r.o.Redactor, MaxLine: r.budget.lineCap(l), MaxBytes: r.budget.maxBytes(l)})
	release()
	if errors.Is(err, logfile.ErrLineTooLong) {
		err = fmt.Errorf("%w (the memory budget of %d MiB allows this log lines of %d MiB; see --memory)",
			err, r.budget.total>>20, r.budget.lineCap(l)>>20)
	}
	r.mu.Lock()
	r.m.BytesIn += ls.BytesIn
	r.m.BytesDecoded += ls.BytesOut
	r.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.unreadable(l, err)
		return nil
	}
	res := analyze.AnalyzeApp(app, r.o.Analyze)
	findings, result := res.Findings, res.App
	day := table.Day(dayOf(app, l))
	for _, bt := range r.batcher.add(day, ledgerKey(l), &dataset.Log{App: app, Findings: findings, Result: result, Simulations: res.SimulationRows()}) {
		if err := r.writeBatch(ctx, bt); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, Entry{Log: ledgerKey(l), Fingerprint: l.Fingerprint, Size: l.Size,
		ModTime: l.ModTime.UnixMilli(), Status: statusOK, AppID: app.Row.AppID, AttemptID: app.Row.AttemptID})
	if r.wantsDiagnosis(result) {
		r.flagged.add(diagnose.Candidate{App: app, Findings: findings, Result: result, Rightsizing: res.Rightsizing.Reference()}, r.o.Diagnose.MaxApps, day)
	}
	r.count(app, findings)
	r.addNight(nightOf(app, findings, result, day, l))
	r.damaged(l, app)
	r.log.Info("log processed", "log", r.o.Source.URI(l.Key), "app_id", app.Row.AppID, "attempt_id", app.Row.AttemptID,
		"status", app.Row.Status, "bytes", ls.BytesIn, "uncompressed_bytes", ls.BytesOut,
		"seconds", time.Since(start).Seconds(), "stages", len(app.Stages), "findings", len(findings),
		"max_severity", result.MaxSeverity, "malformed_lines", app.Row.MalformedLines)
	for _, w := range app.Warnings {
		r.log.Warn("malformed line", "log", r.o.Source.URI(l.Key), "where", w.String())
	}
	return nil
}

// count adds a processed app to the manifest. Call with r.mu held.
func (r *run) count(app *extract.App, findings []analyze.FindingRow) {
	m := r.m
	m.Counts.Processed++
	m.Counts.Apps++
	m.Counts.Stages += len(app.Stages)
	m.Counts.Executors += len(app.Executors)
	m.Findings += int64(len(findings))
	m.Warnings += app.Row.MalformedLines
}

// damaged records the damage met in a log. Call with r.mu held.
func (r *run) damaged(l logfile.Log, app *extract.App) {
	for _, d := range app.Damage {
		r.m.Damaged = append(r.m.Damaged, Damage{Log: r.o.Source.URI(l.Key), Where: fmt.Sprintf("%s:%d", d.File, d.Line), Reason: d.Reason})
		r.log.Warn("log damaged", "log", r.o.Source.URI(l.Key), "where", d.String())
	}
	if extra := app.Damaged - int64(len(app.Damage)); extra > 0 {
		r.m.Damaged = append(r.m.Damaged, Damage{Log: r.o.Source.URI(l.Key), Reason: fmt.Sprintf("%d more events without required members", extra)})
	}
}

// unreadable records a log that could not be read.
func (r *run) unreadable(l logfile.Log, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m.Counts.Failed++
	r.m.Unreadable = append(r.m.Unreadable, Unreadable{Log: r.o.Source.URI(l.Key), Reason: err.Error()})
	r.log.Error("log unreadable", "log", r.o.Source.URI(l.Key), "error", err.Error())
	var ce *codec.CorruptError
	if errors.As(err, &ce) {
		// The content is at fault: do not retry until the log changes.
		// Rows an earlier, readable version of the log left stay.
		e := Entry{Log: ledgerKey(l), Fingerprint: l.Fingerprint, Size: l.Size,
			ModTime: l.ModTime.UnixMilli(), Status: statusError, Reason: err.Error()}
		if old, ok := r.tx.Committed(e.Log); ok {
			e.AppID, e.AttemptID, e.Files = old.AppID, old.AttemptID, old.Files
		}
		r.entries = append(r.entries, e)
	}
}

// logFallback stands in for the log of a stored app (whose row always has
// a start time) when its dt is recomputed.
func logFallback(app *extract.App) logfile.Log {
	var l logfile.Log
	if app.Row.StartTime != nil {
		l.ModTime = time.UnixMilli(*app.Row.StartTime)
	}
	return l
}

// dayOf is the time that decides an app's dt partition: its end, else its
// last event, else the log's modification time.
func dayOf(app *extract.App, l logfile.Log) int64 {
	switch {
	case app.Row.EndTime != nil:
		return *app.Row.EndTime
	case app.Row.LastEventTime != nil:
		return *app.Row.LastEventTime
	}
	return l.ModTime.UnixMilli()
}

// wantsDiagnosis reports whether an app goes to the diagnosis step: only
// when one is asked for, and only with a finding at or above its severity,
// so the models kept in memory for it are few.
func (r *run) wantsDiagnosis(res analyze.AppResult) bool {
	return r.o.Model != nil && r.o.Diagnose.Wants(res.MaxSeverity)
}

// flagged holds the apps for the diagnosis.
type flagged struct {
	list  []diagnose.Candidate
	whole int               // candidates holding a whole model
	days  map[string]string // app key (id/attempt) → dt, for the diagnoses table
}

// add keeps a flagged app of day for the diagnosis. At most maxApps whole
// models are kept (the budget can send no more); the others keep only their
// app row and findings, enough for their skipped_budget audit row, so memory
// does not grow with the number of flagged apps.
func (f *flagged) add(c diagnose.Candidate, maxApps int, day string) {
	f.list = append(f.list, c)
	f.days[dataset.AppKey(c.App.Row.AppID, c.App.Row.AttemptID)] = day
	if maxApps <= 0 {
		return
	}
	f.whole++
	if f.whole <= maxApps {
		return
	}
	// Demote the least costly whole model, in the diagnosis's own order.
	min := -1
	for i, k := range f.list {
		if k.App.Stages != nil || k.App.Executors != nil || k.App.SQL != nil {
			if min < 0 || diagnose.Costlier(f.list[min], k) {
				min = i
			}
		}
	}
	if min >= 0 {
		row := f.list[min].App.Row
		f.list[min].App = &extract.App{Row: row, Conf: f.list[min].App.Conf}
		f.whole--
	}
}
