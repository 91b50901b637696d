package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sparkmine/sparkmine/extract/logfile"
)

// ErrNotEventLog is the reason a log is unreadable when its first line is
// not a JSON object: a driver log or any other text that happens to sit
// among the event logs (every Spark event log line is one JSON event).
var ErrNotEventLog = errors.New("not a Spark event log: the first line is not a JSON event")

// ErrEmptyLog is the reason a log with no event at all is unreadable (an
// empty file, or blank lines only): it is listed, not made an app.
var ErrEmptyLog = errors.New("empty: no event in the log")

// Source is where a log's files are; a store.Store is one.
type Source interface {
	Open(ctx context.Context, key string, off, length int64) (io.ReadCloser, error)
	URI(key string) string
}

// LogStats are the byte counts of one read log.
type LogStats struct {
	BytesIn, BytesOut int64
}

// ReadLog streams one log from src through its codec and the event decoder
// into an app model. An error means the log is unreadable as a whole
// (a corrupt block, a failed open, not an event log); malformed lines are
// warnings in the model. Options the log itself says (its app and attempt
// ids, in-progress state, last update, URI) are filled in when unset.
func ReadLog(ctx context.Context, src Source, l logfile.Log, opts Options) (*App, LogStats, error) {
	open := func(ctx context.Context, key string) (io.ReadCloser, error) {
		return src.Open(ctx, key, 0, -1)
	}
	opts = logOptions(opts, l, src.URI(l.Key))
	r := logfile.Open(ctx, l, open)
	defer r.Close()
	if opts.MaxLine > 0 {
		r.SetMaxLineSize(int(opts.MaxLine))
	}
	r.SetMaxBytes(opts.MaxBytes)
	b := NewBuilder(opts)
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return nil, LogStats{}, err
		}
		line, err := r.Next()
		if err == io.EOF {
			break
		}
		stats := LogStats{r.BytesIn(), r.BytesOut()}
		if err != nil {
			return nil, stats, fmt.Errorf("read %s: %w", src.URI(l.Key), err)
		}
		if first && len(bytes.TrimSpace(line)) > 0 {
			first = false
			if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
				return nil, stats, fmt.Errorf("read %s: %s:%d: %w", src.URI(l.Key), r.File(), r.Line(), ErrNotEventLog)
			}
		}
		b.Line(line, r.File(), r.Line())
	}
	stats := LogStats{r.BytesIn(), r.BytesOut()}
	if first {
		return nil, stats, fmt.Errorf("read %s: %w", src.URI(l.Key), ErrEmptyLog)
	}
	app := b.Finish(r.Truncated())
	if app.Row.SparkVersion == "" {
		app.Row.SparkVersion = l.LegacyVersion()
	}
	if r.Truncated() && !l.InProgress {
		app.addCut(r.Cut())
	}
	return app, stats, nil
}

// addCut names, as damage, the cut of a log whose name says it is complete.
func (a *App) addCut(c logfile.Cut) {
	a.Damaged++
	a.Damage = append([]Warning{{File: c.Part, Line: c.Line,
		Reason: fmt.Sprintf("completed log cut short at byte %d of the part: %s", c.Offset, c.Reason)}}, a.Damage...)
}

// logOptions fills the options a log's listing says.
func logOptions(opts Options, l logfile.Log, uri string) Options {
	if opts.LastUpdated == 0 {
		opts.LastUpdated = l.ModTime.UnixMilli()
	}
	opts.InProgress = opts.InProgress || l.InProgress
	if opts.AppID == "" {
		opts.AppID, opts.AttemptID = l.AppID, l.AttemptID
	}
	if opts.SourceURI == "" {
		opts.SourceURI = uri
	}
	return opts
}
