package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store"
)

// ErrNotEventLog is the reason a log is unreadable when its first line is
// not a JSON object: a driver log or any other text that happens to sit
// among the event logs (every Spark event log line is one JSON event).
var ErrNotEventLog = errors.New("not a Spark event log: the first line is not a JSON event")

// LogStats are the byte counts of one read log.
type LogStats struct {
	BytesIn, BytesOut int64
}

// ReadLog streams one log from st through its codec and the event decoder
// into an app model. An error means the log is unreadable as a whole
// (a corrupt block, a failed open); malformed lines are warnings in the model.
func ReadLog(ctx context.Context, st store.Store, l logfile.Log, opts extract.Options) (*extract.App, LogStats, error) {
	open := func(ctx context.Context, key string) (io.ReadCloser, error) {
		return st.Open(ctx, key, 0, -1)
	}
	if opts.LastUpdated == 0 {
		opts.LastUpdated = l.ModTime.UnixMilli()
	}
	opts.InProgress = opts.InProgress || l.InProgress
	if opts.AppID == "" {
		opts.AppID, opts.AttemptID = l.AppID, l.AttemptID
	}
	if opts.SourceURI == "" {
		opts.SourceURI = st.URI(l.Key)
	}
	r := logfile.Open(ctx, l, open)
	defer r.Close()
	b := extract.NewBuilder(opts)
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return nil, LogStats{}, err
		}
		line, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, LogStats{r.BytesIn(), r.BytesOut()}, fmt.Errorf("read %s: %w", st.URI(l.Key), err)
		}
		if first && len(bytes.TrimSpace(line)) > 0 {
			first = false
			if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
				return nil, LogStats{r.BytesIn(), r.BytesOut()}, fmt.Errorf("read %s: %s:%d: %w", st.URI(l.Key), r.File(), r.Line(), ErrNotEventLog)
			}
		}
		b.Line(line, r.File(), r.Line())
	}
	app := b.Finish(r.Truncated())
	if app.Row.SparkVersion == "" {
		app.Row.SparkVersion = legacyVersion(l)
	}
	return app, LogStats{r.BytesIn(), r.BytesOut()}, nil
}

// legacyVersion is the version a Spark 1.2 log folder names in its
// SPARK_VERSION_<v> marker (those logs have no SparkListenerLogStart).
func legacyVersion(l logfile.Log) string {
	for _, o := range l.Extra {
		if v, ok := strings.CutPrefix(path.Base(o.Key), "SPARK_VERSION_"); ok {
			return v
		}
	}
	return ""
}
