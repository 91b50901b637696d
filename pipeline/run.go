package pipeline

import (
	"cmp"
	"context"
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
	"github.com/sparkmine/sparkmine/analyze/llm"
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
	AllowEmpty        bool // a source that lists no event log is a run of nothing, not ErrNoLogs
	// CompactTouched compacts, once the run has committed, the days it
	// wrote parts into (see Compact; one shard only: shards would fold
	// the same days at once).
	CompactTouched bool

	Analyze  analyze.Config
	Diagnose diagnose.Config
	Model    llm.Model        // nil: no diagnosis
	Redactor *redact.Redactor // the run's one redactor; nil: Spark's default

	// BatchBytes is the estimated size of the rows of one day that a part
	// file collects before it is written (0: DefaultBatchBytes).
	BatchBytes int

	Logger   *slog.Logger   // nil: discard
	Progress func(Progress) // called after each log (for a terminal's progress line); nil: none
	Now      func() time.Time
	RunID    RunID  // zero: generated
	Version  string // sparkmine's version (module version and VCS revision)
	// ConfigSHA256 is the hash of the effective configuration, kept in
	// every diagnoses row.
	ConfigSHA256 string
	// LeaseTTL is how long the shard's lease lasts unrenewed (0:
	// DefaultLeaseTTL); a run killed holding it blocks its shard that long.
	LeaseTTL time.Duration
	// Prune removes the rows of logs gone from the source (their ledger
	// entries become "pruned"); without it they are kept and listed in the
	// manifest's gone.
	Prune bool
	// WaitLease waits for a held lease to be released or to expire instead
	// of failing with ErrLeaseHeld.
	WaitLease bool
	// MemoryBudget bounds the memory of the logs being read (0:
	// DefaultMemoryBudget, or 4 GiB where the machine's is unknown).
	MemoryBudget int64
	// OpenLog opens the store holding the log at a URI (apps.source_uri)
	// and finds the log there; DiagnoseStored reads an app's log again
	// with it to rebuild the right-sizing. nil: none on demand.
	OpenLog func(ctx context.Context, uri string) (store.Store, []logfile.Log, error)
}

// Progress is the state of a run after one more log.
type Progress struct {
	Done, Total int
	BytesIn     int64
}

// ErrPartial is returned (wrapped) when the run committed but some logs were
// unreadable: the manifest lists them.
var ErrPartial = errors.New("some logs were unreadable")

// ErrNoLogs is returned (wrapped, with what the listing found) when the
// source lists no event log and Options.AllowEmpty is not set: a typo in a
// prefix should not look like a quiet night.
var ErrNoLogs = errors.New("no event log")

// Run runs the job once. It returns the committed manifest; the error is nil,
// wraps ErrPartial (committed, some logs unreadable), or says why nothing was
// committed.
func Run(ctx context.Context, o Options) (*Manifest, error) {
	o.defaults()
	r := newRun(o)
	defer r.tx.Abandon()
	return r.run(ctx)
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
	if o.RunID.IsZero() {
		o.RunID = NewRunID(o.Now(), o.Shard)
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.MemoryBudget <= 0 {
		o.MemoryBudget = cmp.Or(DefaultMemoryBudget(), 4<<30)
	}
	o.RunID.Shard = o.Shard
}

// run is the state of one Run: its config, its transaction, the manifest
// it fills and what the workers collect.
type run struct {
	o   Options
	tx  *Tx
	m   *Manifest
	log *slog.Logger

	mu       sync.Mutex // guards m and the fields below while workers run
	batcher  *batcher
	entries  []Entry
	logFiles map[string][]string // ledger key → part files holding its rows
	flagged  flagged             // apps for the diagnosis
	budget   *budget
	lease    *lease     // the shard's, held while the run works
	tonight  []nightRun // processed apps, for the history step
}

func newRun(o Options) *run {
	return &run{o: o, tx: Begin(o.Out, o.RunID, o.Now), m: newManifest(o.RunID, o.Now(), o.Out, o.Version),
		log: o.Logger.With("run_id", o.RunID.String()), batcher: newBatcher(o.BatchBytes),
		logFiles: map[string][]string{}, flagged: flagged{days: map[string]string{}},
		budget: newBudget(o.MemoryBudget)}
}

// newManifest starts the manifest of a run.
func newManifest(id RunID, started time.Time, out store.Store, version string) *Manifest {
	return &Manifest{RunID: id.String(), Shard: id.Shard.String(), Started: started.UTC(),
		Out: out.URI(""), Version: version, Unreadable: []Unreadable{}}
}

func (r *run) run(ctx context.Context) (_ *Manifest, err error) {
	m := r.m
	m.Source = r.o.Source.URI("")
	ctx, stop, err := r.hold(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	defer func() {
		if err != nil {
			err = leaseCause(ctx, err)
		}
	}()
	if m.CleanedFiles, err = r.tx.Recover(ctx); err != nil {
		return nil, err
	}
	m.CleanedFiles += r.sweepTemp(ctx)
	logs, err := r.list(ctx)
	if err != nil {
		return nil, err
	}
	todo := r.selectLogs(logs)
	r.gone(logs)
	r.log.Info("run start", "source", m.Source, "out", m.Out, "shard", m.Shard,
		"logs", len(logs), "to_process", len(todo), "cleaned_files", m.CleanedFiles)
	if err := r.processAll(ctx, todo); err != nil {
		return nil, err
	}
	if err := r.diagnose(ctx); err != nil {
		return nil, err
	}
	if err := r.lease.check(ctx); err != nil {
		return nil, err
	}
	if err := r.tx.Commit(ctx, m); err != nil {
		return nil, err
	}
	// Committed: publish the parts, then the rows this run replaced can go.
	// What a crash leaves here, the next run's start finishes.
	if err := r.tx.Publish(ctx); err != nil {
		return m, err
	}
	if err := r.tx.Tidy(ctx); err != nil {
		r.log.Warn("delete superseded part files", "error", err.Error())
	}
	if err := r.compactTouched(ctx); err != nil {
		return m, fmt.Errorf("run %s committed; compacting the days it touched: %w", m.RunID, err)
	}
	r.log.Info("run done", "processed", m.Counts.Processed, "failed", m.Counts.Failed,
		"skipped_done", m.Counts.SkippedDone, "findings", m.Findings, "seconds", m.Seconds,
		"bytes_in", m.BytesIn, "bytes_decoded", m.BytesDecoded, "bytes_out", m.BytesOut)
	if m.problems() > 0 {
		return m, fmt.Errorf("%d unreadable of %d logs, %d damaged, %d source entries unlisted: %w (see %s)",
			m.Counts.Failed, len(todo), len(m.Damaged), len(m.Unlisted), ErrPartial, r.o.Out.URI(runsDir+m.RunID+".json"))
	}
	return m, nil
}

// tempAge is how long a temporary file of an unfinished write must have
// been left alone before a run deletes it: a write in progress (of another
// shard's run) changes its file all the time.
const tempAge = 15 * time.Minute

// sweepTemp deletes the temporary files crashed writes left in the output,
// where its store has them, and returns how many. Failing is only a warning.
func (r *run) sweepTemp(ctx context.Context) int {
	sw, ok := r.o.Out.(store.TempSweeper)
	if !ok {
		return 0
	}
	n, err := sw.SweepTemp(ctx, time.Now().Add(-tempAge))
	if err != nil {
		r.log.Warn("delete temporary files of crashed writes", "error", err.Error())
	}
	return n
}

// list lists the source and groups its keys into logs.
func (r *run) list(ctx context.Context) ([]logfile.Log, error) {
	o, m := &r.o, r.m
	var objs []logfile.Object
	err := store.ListEntries(ctx, o.Source, "", func(oi store.ObjectInfo) error {
		objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime, ETag: oi.ETag})
		return nil
	}, func(key string, reason error) {
		m.Unlisted = append(m.Unlisted, Unreadable{Log: o.Source.URI(key), Reason: reason.Error()})
		r.log.Error("source entry unlisted", "entry", o.Source.URI(key), "error", reason.Error())
	})
	if err != nil {
		return nil, err // the store's error names the listing
	}
	logs, problems := logfile.Discover(objs)
	for _, p := range problems {
		m.Problems = append(m.Problems, p.Key+": "+p.Reason)
	}
	m.Counts.Objects, m.Counts.Logs = len(objs), len(logs)
	if len(logs) == 0 && !o.AllowEmpty {
		return nil, fmt.Errorf("%w in %s: %s (--allow-empty makes this a run of nothing)",
			ErrNoLogs, o.Source.URI(""), found(objs))
	}
	return logs, nil
}

// gone lists the ledger's logs of this shard that the source no longer
// has; with Prune, it records their removal.
func (r *run) gone(logs []logfile.Log) {
	listed := map[string]bool{}
	for _, l := range logs {
		listed[ledgerKey(l)] = true
	}
	var keys []string
	for key, e := range r.tx.st.latest {
		if !listed[key] && e.Status != statusPruned && r.o.Shard.Owns(e.AppID) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		r.m.Gone = append(r.m.Gone, r.o.Source.URI(key))
		if r.o.Prune {
			old := r.tx.st.latest[key]
			r.entries = append(r.entries, Entry{Log: key, Status: statusPruned, AppID: old.AppID, AttemptID: old.AttemptID})
			r.m.Pruned++
		}
	}
	if len(keys) > 0 {
		r.log.Warn("logs gone from the source", "logs", len(keys), "pruned", r.o.Prune)
	}
}

// found says what a listing that held no event log did hold.
func found(objs []logfile.Object) string {
	if len(objs) == 0 {
		return "it lists no object"
	}
	const show = 3
	keys := make([]string, 0, show)
	for _, o := range objs[:min(show, len(objs))] {
		keys = append(keys, o.Key)
	}
	more := ""
	if len(objs) > show {
		more = fmt.Sprintf(", and %d more", len(objs)-show)
	}
	return fmt.Sprintf("it lists %s, none an event log (%s%s)", plural(len(objs), "object"), strings.Join(keys, ", "), more)
}

// plural returns "1 object" or "n objects".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// selectLogs applies the shard, in-progress, since and ledger filters.
func (r *run) selectLogs(logs []logfile.Log) []logfile.Log {
	o, m := &r.o, r.m
	var todo []logfile.Log
	cutoff := time.Time{}
	if o.Since > 0 {
		cutoff = o.Now().Add(-o.Since)
	}
	finished := map[string]bool{}
	for _, l := range logs {
		if logfile.FinishedKey(l.Key) == l.Key {
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
		case !o.Reprocess && r.tx.Done(ledgerKey(l), l.Fingerprint):
			m.Counts.SkippedDone++
		default:
			if _, ok := r.tx.Committed(ledgerKey(l)); ok {
				m.Counts.Reprocessed++
			}
			todo = append(todo, l)
		}
	}
	todo = r.oneLogPerApp(todo)
	// Largest first: the long poles start early, so W workers finish together.
	sort.SliceStable(todo, func(i, j int) bool { return todo[i].Size > todo[j].Size })
	return todo
}

// processAll reads the logs, W at a time, and writes their rows.
func (r *run) processAll(ctx context.Context, todo []logfile.Log) error {
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
	var done, bytesIn atomic.Int64
	for i := 0; i < r.o.Workers; i++ {
		g.Go(func() error {
			for l := range ch {
				if err := r.processOne(gctx, l); err != nil {
					return err
				}
				n := done.Add(1)
				if r.o.Progress != nil {
					r.o.Progress(Progress{Done: int(n), Total: len(todo), BytesIn: bytesIn.Add(l.Size)})
				}
			}
			return nil
		})
	}
	err := g.Wait()
	for _, bt := range r.batcher.rest() {
		if err == nil {
			err = r.writeBatch(ctx, bt)
		}
	}
	if err == nil {
		err = r.judgeHistory(ctx)
	}
	if err != nil {
		return err
	}
	for i := range r.entries {
		if e := &r.entries[i]; e.Status == statusOK {
			e.Files = r.logFiles[e.Log]
		}
	}
	r.tx.Record(r.entries...)
	return nil
}

// compactTouched compacts the days the committed run wrote into.
func (r *run) compactTouched(ctx context.Context) error {
	if !r.o.CompactTouched {
		return nil
	}
	if r.o.Shard.N > 1 {
		return errors.New("compacting from a shard of many: compact once, after every shard")
	}
	days := r.tx.days()
	if len(days) == 0 {
		return nil
	}
	cm, err := Compact(ctx, CompactOptions{Out: r.o.Out, Days: func(d string) bool { return days[d] }, Now: r.o.Now,
		Version: r.o.Version, LeaseTTL: r.o.LeaseTTL, Log: r.log, heldShard: r.o.Shard.Tag()})
	if cm != nil {
		r.log.Info("compacted the days the run touched", "compact_run_id", cm.RunID, "days", len(days), "folded", cm.Counts.Processed)
	}
	return err
}
