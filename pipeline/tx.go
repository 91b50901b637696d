package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// Tx is one run's transaction on the output store, the only way anything
// is written into the dataset. A writer (run, diagnose on demand, compact)
// makes one per run and uses it in this order:
//
//	tx := Begin(out, id, time.Now)
//	defer tx.Abandon()              // deletes what was staged unless committed
//	cleaned, err := tx.Recover(ctx) // writers that replace rows: read the ledger, finish earlier runs
//	e, ok := tx.Committed(log)      // then ask it: a log's entry, Done, the Holders of a part
//	keys, err := dataset.Apps.Write(ctx, tx, day, rows) // stage parts (any table; concurrent calls are fine)
//	tx.Record(entries...)           // ledger entries: which parts hold which log's rows
//	err = tx.Commit(ctx, manifest)  // rewrite superseded shared parts, write the ledger, then the manifest
//	err = tx.Publish(ctx)           // move the staged parts into the table folders
//	err = tx.Tidy(ctx)              // delete the parts the recorded entries replaced
//
// Parts are staged under _sparkmine/staging/<run>/, where no reader of the
// table folders sees them. The manifest is the commit point: until it is
// written the run never happened (Abandon, or the next run's Recover,
// deletes what it staged); once it is, the run happened, and a publish
// or tidy cut short is finished by the next run's Recover. A crash at any
// write followed by a rerun ends with the dataset of an uninterrupted run.
type Tx struct {
	out     store.Store
	id      RunID
	now     func() time.Time
	st      *state // what the committed runs say; empty until Recover
	seq     atomic.Int64
	written atomic.Int64 // bytes of the parts staged

	mu        sync.Mutex
	staged    []string // final keys of every part staged
	entries   []Entry
	replaces  []string // earlier runs' run files the committed manifest replaces
	committed bool
	abandoned bool
}

// Begin starts the transaction of run id on out. It reads and writes
// nothing. now stamps the manifest's end (nil: time.Now).
func Begin(out store.Store, id RunID, now func() time.Time) *Tx {
	if now == nil {
		now = time.Now
	}
	return &Tx{out: out, id: id, now: now, st: emptyState()}
}

// ID is the run's id.
func (tx *Tx) ID() RunID { return tx.id }

// Recover reads what the committed runs say (their manifests and ledger
// files), publishes what committed runs left staged, and deletes the
// leftovers of this shard's runs that never committed and the part files
// no newest ledger entry references. It returns the number of files it
// deleted. A writer that replaces rows (run, compact) calls it before
// anything else: Commit's superseding and Committed consult what it read.
func (tx *Tx) Recover(ctx context.Context) (deleted int, err error) {
	if tx.st, err = loadState(ctx, tx.out); err != nil {
		return 0, err
	}
	if deleted, err = tx.st.finishStaging(ctx, tx.out, tx.id.Shard, tx.now()); err != nil {
		return 0, fmt.Errorf("finish earlier runs: %w", err)
	}
	cleaned, err := tx.st.cleanup(ctx, tx.out, tx.id.Shard)
	if err != nil {
		return 0, fmt.Errorf("clean up earlier runs: %w", err)
	}
	return deleted + cleaned, nil
}

// Committed returns the newest committed ledger entry of a log.
func (tx *Tx) Committed(log string) (Entry, bool) {
	e, ok := tx.st.latest[log]
	return e, ok
}

// Holders returns the newest committed entries that reference a part file,
// by log: the logs whose rows it holds. A writer that replaces a part
// (compaction) records new entries for all of them.
func (tx *Tx) Holders(part string) []Entry {
	var out []Entry
	for _, log := range tx.st.holders[part] {
		out = append(out, tx.st.latest[log])
	}
	return out
}

// Done reports whether the ledger holds this log as it is now.
func (tx *Tx) Done(log, fingerprint string) bool { return tx.st.done(log, fingerprint) }

// Stage implements dataset.Stager: write puts parts into the run's staging
// folder under their final keys, named after the run. Safe for concurrent
// use.
func (tx *Tx) Stage(ctx context.Context, write func(st store.Store, name table.PartName) ([]string, error)) ([]string, error) {
	keys, err := write(stagingStore{Store: tx.out, runID: tx.id.String(), written: &tx.written}, tx.id.part(int(tx.seq.Add(1))))
	tx.mu.Lock()
	tx.staged = append(tx.staged, keys...)
	tx.mu.Unlock()
	return keys, err
}

// days returns the dt partitions the run staged parts into.
func (tx *Tx) days() map[string]bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	days := map[string]bool{}
	for _, k := range tx.staged {
		if d, ok := table.PartDay(k); ok {
			days[d] = true
		}
	}
	return days
}

// Record adds ledger entries to the run. An entry replaces the log's
// committed entry; the part files only the old entry referenced die when
// the run commits.
func (tx *Tx) Record(entries ...Entry) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	tx.entries = append(tx.entries, entries...)
}

// Commit commits the run: it rewrites the part files the recorded entries
// share with logs this run did not touch (see supersede), writes the
// ledger file (when there are entries), then m, stamped with the run's id
// and end: the commit point.
func (tx *Tx) Commit(ctx context.Context, m *Manifest) error {
	if err := tx.supersede(ctx); err != nil {
		return err
	}
	m.RunID = tx.id.String()
	m.BytesOut = tx.written.Load()
	sort.Slice(tx.entries, func(i, j int) bool { return tx.entries[i].Log < tx.entries[j].Log })
	if len(tx.entries) > 0 {
		lf := ledgerFile{RunID: m.RunID, Entries: tx.entries}
		if err := writeJSON(ctx, tx.out, ledgerDir+m.RunID+".json", lf); err != nil {
			return err
		}
	}
	m.Finished = tx.now().UTC()
	m.Seconds = m.Finished.Sub(m.Started).Seconds()
	tx.replaces = slices.Clone(m.Replaces)
	if err := writeJSON(ctx, tx.out, runsDir+m.RunID+".json", m); err != nil {
		return err
	}
	tx.mu.Lock()
	tx.committed = true
	tx.mu.Unlock()
	return nil
}

// ErrPublish is wrapped by the error of a run that committed but could not
// publish all its parts: the dataset has the run, and readers of the table
// folders see part of it until the next run finishes the publish.
var ErrPublish = errors.New("committed, but not all parts are published yet")

// Publish moves the committed run's staged parts into their table folders.
// What an error leaves staged, the next run's Recover publishes.
func (tx *Tx) Publish(ctx context.Context) error {
	if err := publish(ctx, tx.out, tx.id.String(), tx.staged); err != nil {
		return fmt.Errorf("run %s: %w: %w (the next run finishes it)", tx.id, ErrPublish, err)
	}
	return nil
}

// Tidy deletes the part files of the committed entries that the run's
// entries replaced, and the run files its manifest replaces. What an error
// leaves, the next run's Recover deletes.
func (tx *Tx) Tidy(ctx context.Context) error {
	for _, f := range tx.replaces {
		if err := tx.out.Delete(ctx, f); err != nil {
			return err
		}
	}
	for _, e := range tx.entries {
		old, ok := tx.st.latest[e.Log]
		if !ok {
			continue
		}
		keep := set(e.Files)
		for _, f := range old.Files {
			if keep[f] {
				continue
			}
			if err := tx.out.Delete(ctx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// Abandon deletes the parts a run that did not commit staged; after a
// commit, or a second time, it does nothing. It is best effort: the next
// run's Recover deletes whatever is left.
func (tx *Tx) Abandon() {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.committed || tx.abandoned {
		return
	}
	tx.abandoned = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, f := range tx.staged {
		_ = tx.out.Delete(ctx, staged(tx.id.String(), f))
	}
}

var _ dataset.Stager = (*Tx)(nil)
