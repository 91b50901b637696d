package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/extract/redact"
	"github.com/sparkmine/sparkmine/store"
)

// Options configure one run.
type Options struct {
	Source, Out store.Store

	Since             time.Duration // only logs modified within this window (0 = all)
	Workers           int           // logs read at a time (0 = number of cores)
	Shard             Shard
	IncludeIncomplete bool // read in-progress logs too
	Reprocess         bool // ignore the ledger: read every log again

	Analyze  analyze.Config
	Diagnose diagnose.Config
	Redactor *redact.Redactor

	// BatchBytes is the estimated size of the rows of one day that a part
	// file collects before it is written (0: DefaultBatchBytes).
	BatchBytes int

	Logger   *slog.Logger   // nil: discard
	Progress func(Progress) // called after each log (for a terminal's progress line); nil: none
	Now      func() time.Time
	RunID    string // "" = generated
	Version  string
}

// Progress is the state of a run after one more log.
type Progress struct {
	Done, Total int
	BytesIn     int64
}

// ErrPartial is returned (wrapped) when the run committed but some logs were
// unreadable: the manifest lists them.
var ErrPartial = errors.New("some logs were unreadable")

// Run runs the job once. It returns the committed manifest; the error is nil,
// wraps ErrPartial (committed, some logs unreadable), or says why nothing was
// committed.
func Run(ctx context.Context, o Options) (*Manifest, error) {
	o.defaults()
	m := &Manifest{RunID: o.RunID, Shard: o.Shard.String(), Started: o.Now().UTC(),
		Source: o.Source.URI(""), Out: o.Out.URI(""), Version: o.Version, Unreadable: []Unreadable{}}
	log := o.Logger.With("run_id", o.RunID)

	st, err := loadState(ctx, o.Out)
	if err != nil {
		return nil, err
	}
	if m.CleanedFiles, err = st.finishStaging(ctx, o.Out, o.Shard); err != nil {
		return nil, fmt.Errorf("finish earlier runs: %w", err)
	}
	cleaned, err := st.cleanup(ctx, o.Out, o.Shard)
	if err != nil {
		return nil, fmt.Errorf("clean up earlier runs: %w", err)
	}
	m.CleanedFiles += cleaned
	logs, err := o.list(ctx, m)
	if err != nil {
		return nil, err
	}
	todo := o.selectLogs(logs, st, m)
	log.Info("run start", "source", m.Source, "out", m.Out, "shard", m.Shard,
		"logs", len(logs), "to_process", len(todo), "cleaned_files", m.CleanedFiles)

	res, err := o.processAll(ctx, todo, st, m, log)
	if err != nil {
		return nil, err
	}
	if err := o.diagnose(ctx, res, m, log); err != nil {
		return nil, err
	}
	if err := o.commit(ctx, res, m); err != nil {
		return nil, err
	}
	// Committed: publish the parts, then the rows this run replaced can go.
	// What a crash leaves here, the next run's start finishes.
	if err := publish(ctx, o.Out, o.RunID, res.files); err != nil {
		return m, fmt.Errorf("run %s committed; %w (the next run finishes it)", o.RunID, err)
	}
	if err := o.dropSuperseded(ctx, res, st); err != nil {
		log.Warn("delete superseded part files", "error", err.Error())
	}
	log.Info("run done", "processed", m.Counts.Processed, "failed", m.Counts.Failed,
		"skipped_done", m.Counts.SkippedDone, "findings", m.Findings, "seconds", m.Seconds,
		"bytes_in", m.BytesIn, "bytes_out", m.BytesOut)
	if m.Counts.Failed > 0 {
		return m, fmt.Errorf("%d of %d logs: %w (see %s)", m.Counts.Failed, len(todo), ErrPartial,
			o.Out.URI(runsDir+m.RunID+".json"))
	}
	return m, nil
}

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Shard.N == 0 {
		o.Shard = All
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redactor == nil {
		o.Redactor = redact.Default
	}
	if o.RunID == "" {
		o.RunID = NewRunID(o.Now(), o.Shard)
	}
}

// NewRunID returns <UTC start>-<random>-<shard tag>, which sorts by time.
func NewRunID(now time.Time, s Shard) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:]) + "-" + s.Tag()
}

// list lists the source and groups its keys into logs.
func (o *Options) list(ctx context.Context, m *Manifest) ([]logfile.Log, error) {
	var objs []logfile.Object
	err := o.Source.List(ctx, "", func(oi store.ObjectInfo) error {
		objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime, ETag: oi.ETag})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", o.Source.URI(""), err)
	}
	logs, problems := logfile.Discover(objs)
	for _, p := range problems {
		m.Problems = append(m.Problems, p.Key+": "+p.Reason)
	}
	m.Counts.Objects, m.Counts.Logs = len(objs), len(logs)
	return logs, nil
}

// selectLogs applies the shard, in-progress, since and ledger filters.
func (o *Options) selectLogs(logs []logfile.Log, st *state, m *Manifest) []logfile.Log {
	var todo []logfile.Log
	cutoff := time.Time{}
	if o.Since > 0 {
		cutoff = o.Now().Add(-o.Since)
	}
	finished := map[string]bool{}
	for _, l := range logs {
		if !strings.HasSuffix(l.Key, ".inprogress") {
			finished[l.Key] = true
		}
	}
	for _, l := range logs {
		switch {
		case l.Key != ledgerKey(l) && finished[ledgerKey(l)]:
			// Caught mid-rename (S3 copies, then deletes): the finished
			// copy is the log.
			m.Counts.SkippedIncomplete++
		case !o.Shard.Owns(l.AppID):
			m.Counts.OtherShards++
		case l.InProgress && !o.IncludeIncomplete:
			m.Counts.SkippedIncomplete++
		case !cutoff.IsZero() && l.ModTime.Before(cutoff):
			m.Counts.SkippedSince++
		case !o.Reprocess && st.done(ledgerKey(l), l.Fingerprint):
			m.Counts.SkippedDone++
		default:
			if _, ok := st.latest[ledgerKey(l)]; ok {
				m.Counts.Reprocessed++
			}
			todo = append(todo, l)
		}
	}
	// Largest first: the long poles start early, so W workers finish together.
	sort.SliceStable(todo, func(i, j int) bool { return todo[i].Size > todo[j].Size })
	return todo
}

// results collects what the workers produced.
type results struct {
	mu         sync.Mutex
	st         *state // what the committed runs say
	batcher    *batcher
	entries    []Entry
	logFiles   map[string][]string // ledger key → part files holding its rows
	candidates []diagnose.Candidate
	whole      int               // candidates holding a whole model
	days       map[string]string // app key (id/attempt) → dt, for the diagnoses table
	files      []string          // every part file written (for cleanup on failure)
	seq        atomic.Int64
}

// processAll reads the logs, W at a time.
func (o *Options) processAll(ctx context.Context, todo []logfile.Log, st *state, m *Manifest, log *slog.Logger) (*results, error) {
	res := &results{st: st, batcher: newBatcher(o.BatchBytes), logFiles: map[string][]string{}, days: map[string]string{}}
	ch := make(chan logfile.Log)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(ch)
		for _, l := range todo {
			select {
			case ch <- l:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	var done atomic.Int64
	var bytesIn atomic.Int64
	for i := 0; i < o.Workers; i++ {
		g.Go(func() error {
			for l := range ch {
				if err := o.processOne(gctx, l, res, m, log); err != nil {
					return err
				}
				n := done.Add(1)
				if o.Progress != nil {
					o.Progress(Progress{Done: int(n), Total: len(todo), BytesIn: bytesIn.Add(l.Size)})
				}
			}
			return nil
		})
	}
	err := g.Wait()
	for _, bt := range res.batcher.rest() {
		if err == nil {
			err = o.writeBatch(ctx, bt, res)
		}
	}
	if err != nil {
		o.abandon(res)
		return nil, err
	}
	for i := range res.entries {
		if e := &res.entries[i]; e.Status == statusOK {
			e.Files = res.logFiles[e.Log]
		}
	}
	return res, nil
}

// abandon deletes the part files of a run that will not commit. It is best
// effort: the next run deletes whatever is left as orphans.
func (o *Options) abandon(res *results) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res.mu.Lock()
	defer res.mu.Unlock()
	for _, f := range res.files {
		_ = o.Out.Delete(ctx, staged(o.RunID, f))
	}
}

// dropSuperseded deletes the part files of the earlier entries of the logs
// this run processed again.
func (o *Options) dropSuperseded(ctx context.Context, res *results, st *state) error {
	for _, e := range res.entries {
		old, ok := st.latest[e.Log]
		if !ok {
			continue
		}
		keep := set(e.Files)
		for _, f := range old.Files {
			if keep[f] {
				continue
			}
			if err := o.Out.Delete(ctx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// commit writes the ledger file, then the manifest.
func (o *Options) commit(ctx context.Context, res *results, m *Manifest) error {
	if res.st != nil {
		if err := o.supersede(ctx, res); err != nil {
			o.abandon(res)
			return err
		}
	}
	sort.Slice(res.entries, func(i, j int) bool { return res.entries[i].Log < res.entries[j].Log })
	if len(res.entries) > 0 {
		lf := ledgerFile{RunID: m.RunID, Entries: res.entries}
		if err := writeJSON(ctx, o.Out, ledgerDir+m.RunID+".json", lf); err != nil {
			o.abandon(res)
			return err
		}
	}
	m.Finished = o.Now().UTC()
	m.Seconds = m.Finished.Sub(m.Started).Seconds()
	if err := writeJSON(ctx, o.Out, runsDir+m.RunID+".json", m); err != nil {
		o.abandon(res)
		return err
	}
	return nil
}
