package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store/table"
)

// processOne reads one log, runs the detectors and writes its rows. A log
// that cannot be read is recorded in the manifest (and, when its content is
// at fault, in the ledger, so it is retried only once it changes); only a
// failure to write the output stops the run.
func (o *Options) processOne(ctx context.Context, l logfile.Log, res *results, m *Manifest, log *slog.Logger) error {
	start := time.Now()
	app, ls, err := ReadLog(ctx, o.Source, l, extract.Options{RunID: o.RunID, Redactor: o.Redactor})
	res.mu.Lock()
	m.BytesIn += ls.BytesIn
	m.BytesOut += ls.BytesOut
	res.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o.unreadable(l, err, res, m, log)
		return nil
	}
	stamp(app, o.RunID)
	findings := analyze.Analyze(app, o.Analyze)
	day := table.Day(dayOf(app, l))
	for _, bt := range res.batcher.add(day, ledgerKey(l), app, findings) {
		if err := o.writeBatch(ctx, bt, res); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	res.entries = append(res.entries, Entry{Log: ledgerKey(l), Fingerprint: l.Fingerprint, Size: l.Size,
		ModTime: l.ModTime.UnixMilli(), Status: statusOK, AppID: app.Row.AppID, AttemptID: app.Row.AttemptID})
	if o.wantsDiagnosis(app) {
		res.addCandidate(diagnose.Candidate{App: app, Findings: findings}, o.Diagnose.MaxApps)
		res.days[appKey(app.Row.AppID, app.Row.AttemptID)] = day
	}
	m.Counts.Processed++
	m.Counts.Apps++
	m.Counts.Stages += len(app.Stages)
	m.Counts.Executors += len(app.Executors)
	m.Findings += int64(len(findings))
	m.Warnings += app.Row.MalformedLines
	log.Info("log processed", "log", o.Source.URI(l.Key), "app_id", app.Row.AppID, "attempt_id", app.Row.AttemptID,
		"status", app.Row.Status, "bytes", ls.BytesIn, "uncompressed_bytes", ls.BytesOut,
		"seconds", time.Since(start).Seconds(), "stages", len(app.Stages), "findings", len(findings),
		"max_severity", app.Row.MaxSeverity, "malformed_lines", app.Row.MalformedLines)
	for _, w := range app.Warnings {
		log.Warn("malformed line", "log", o.Source.URI(l.Key), "where", w.String())
	}
	return nil
}

// unreadable records a log that could not be read.
func (o *Options) unreadable(l logfile.Log, err error, res *results, m *Manifest, log *slog.Logger) {
	res.mu.Lock()
	defer res.mu.Unlock()
	m.Counts.Failed++
	m.Unreadable = append(m.Unreadable, Unreadable{Log: o.Source.URI(l.Key), Reason: err.Error()})
	log.Error("log unreadable", "log", o.Source.URI(l.Key), "error", err.Error())
	var ce *codec.CorruptError
	if errors.As(err, &ce) {
		// The content is at fault: do not retry until the log changes.
		// Rows an earlier, readable version of the log left stay.
		e := Entry{Log: ledgerKey(l), Fingerprint: l.Fingerprint, Size: l.Size,
			ModTime: l.ModTime.UnixMilli(), Status: statusError, Reason: err.Error()}
		if old, ok := res.st.latest[e.Log]; ok {
			e.AppID, e.AttemptID, e.Files = old.AppID, old.AttemptID, old.Files
		}
		res.entries = append(res.entries, e)
	}
}

// stamp sets the keys every row carries.
func stamp(app *extract.App, runID string) {
	r := &app.Row
	r.RunID = runID
	for i := range app.Stages {
		s := &app.Stages[i]
		s.AppID, s.AttemptID, s.RunID = r.AppID, r.AttemptID, runID
	}
	for i := range app.Executors {
		e := &app.Executors[i]
		e.AppID, e.AttemptID, e.RunID = r.AppID, r.AttemptID, runID
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

// writeRows writes rows (none: nothing) of one table into day's partition.
func writeRows[T any](ctx context.Context, o *Options, tbl string, rows []T, day string, res *results) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	// part-<run base>-<shard>-<n>.parquet reads as part-<run id>-<n>.parquet.
	base := strings.TrimSuffix(o.RunID, "-"+o.Shard.Tag())
	name := table.PartName{RunID: base, Shard: o.Shard.Tag(), Seq: int(res.seq.Add(1))}
	st := stagingStore{Store: o.Out, runID: o.RunID}
	return table.WriteTable(ctx, st, tbl, rows, func(T) string { return day }, name)
}

// wantsDiagnosis reports whether an app goes to the diagnosis step: only
// when one is asked for, and only with a finding at or above its severity,
// so the models kept in memory for it are few.
func (o *Options) wantsDiagnosis(app *extract.App) bool {
	if o.Diagnose.Mode == "" || o.Diagnose.Mode == "off" || app.Row.MaxSeverity == "" {
		return false
	}
	have, err1 := analyze.ParseSeverity(app.Row.MaxSeverity)
	min, err2 := analyze.ParseSeverity(o.Diagnose.MinSeverity)
	return err1 == nil && (err2 != nil || have >= min)
}

// addCandidate keeps a flagged app for the diagnosis. At most maxApps whole
// models are kept (the budget can send no more); the others keep only their
// app row and findings, enough for their skipped_budget audit row, so memory
// does not grow with the number of flagged apps. Call with res.mu held.
func (res *results) addCandidate(c diagnose.Candidate, maxApps int) {
	res.candidates = append(res.candidates, c)
	if maxApps <= 0 {
		return
	}
	res.whole++
	if res.whole <= maxApps {
		return
	}
	// Demote the least costly whole model, in the diagnosis's own order.
	min := -1
	for i, k := range res.candidates {
		if k.App.Stages != nil || k.App.Executors != nil || k.App.SQL != nil {
			if min < 0 || costlier(res.candidates[min].App.Row, k.App.Row) {
				min = i
			}
		}
	}
	if min >= 0 {
		row := res.candidates[min].App.Row
		res.candidates[min].App = &extract.App{Row: row, Conf: res.candidates[min].App.Conf}
		res.whole--
	}
}

// costlier orders apps as the diagnosis picks them: most costly first, then
// by app and attempt id.
func costlier(x, y extract.AppRow) bool {
	if x.EstCostUSD != y.EstCostUSD {
		return x.EstCostUSD > y.EstCostUSD
	}
	if x.AppID != y.AppID {
		return x.AppID < y.AppID
	}
	return x.AttemptID < y.AttemptID
}
