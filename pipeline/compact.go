package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// DefaultCompactBytes is the size of the files compact folds a day's parts
// into: the size of part file Spark and Athena read best.
const DefaultCompactBytes = 128 << 20

// CompactOptions configure one compaction.
type CompactOptions struct {
	Out store.Store
	// Days picks the dt partitions to fold (nil: every day).
	Days func(day string) bool
	// TargetBytes bounds the part files a fold reads into one new file
	// (0: DefaultCompactBytes).
	TargetBytes int64

	Now      func() time.Time
	RunID    RunID // zero: generated
	Version  string
	LeaseTTL time.Duration // 0: DefaultLeaseTTL
	Log      *slog.Logger  // nil: discarded

	// heldShard is the tag of the shard lease the caller holds itself (a
	// run compacting the days it touched); "" for none.
	heldShard string
}

// OlderThan picks the days that ended more than d before now.
func OlderThan(d time.Duration, now time.Time) func(day string) bool {
	cutoff := now.UTC().Add(-d).Format(time.DateOnly)
	return func(day string) bool { return day < cutoff }
}

// Compact folds each picked day's part files of every table into as few
// files of about TargetBytes as it can, through the run transaction: the
// new files are staged, every ledger entry that referenced a folded part
// gets an entry of this run pointing at the new files (a per-run table's
// folded parts are the run files its manifest replaces), the manifest
// commits, the new files are published and the folded ones deleted. So a
// crash at any write followed by a rerun (of compact or of a nightly run)
// ends with the same rows, each once; a second compaction of the same days
// does nothing. It holds the dataset's compaction lease while it works, and
// fails with a *HeldError (ErrLeaseHeld) while another compaction, or a run
// of any shard, holds its lease.
func Compact(ctx context.Context, o CompactOptions) (_ *Manifest, err error) {
	o.defaults()
	l, err := takeExclusive(ctx, o.Out, leaseOptions{Shard: o.RunID.Shard, Tag: compactTag, RunID: o.RunID.String(),
		PID: os.Getpid(), TTL: o.LeaseTTL, Now: o.Now}, func(tag string) bool { return tag != compactTag && tag != o.heldShard })
	if err != nil {
		return nil, fmt.Errorf("compact: %w", err)
	}
	ctx, stop := keepLease(ctx, l, o.Log)
	defer stop()
	defer func() {
		if err != nil {
			err = leaseCause(ctx, err)
		}
	}()
	tx := Begin(o.Out, o.RunID, o.Now)
	defer tx.Abandon()
	m := &Manifest{Started: o.Now().UTC(), Shard: o.RunID.Shard.String(), Out: o.Out.URI(""),
		Version: o.Version, Unreadable: []Unreadable{}}
	if m.CleanedFiles, err = tx.Recover(ctx); err != nil {
		return nil, err
	}
	carried := map[string]*Entry{}
	for _, t := range dataset.Tables {
		fold := o.compactTable
		if !t.PerLog() {
			fold = o.compactRunTable
		}
		if err := fold(ctx, tx, t, carried, m); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(carried)) {
		tx.Record(*carried[k])
	}
	if err := tx.Commit(ctx, m); err != nil {
		return nil, err
	}
	if err := tx.Publish(ctx); err != nil {
		return m, err
	}
	return m, tx.Tidy(ctx)
}

func (o *CompactOptions) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TargetBytes <= 0 {
		o.TargetBytes = DefaultCompactBytes
	}
	if o.Days == nil {
		o.Days = func(string) bool { return true }
	}
	if o.RunID.IsZero() {
		o.RunID = NewRunID(o.Now(), All)
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// compactTable folds the picked days' parts of one table, bin by bin, and
// points the entries that held the folded parts at the new ones.
func (o *CompactOptions) compactTable(ctx context.Context, tx *Tx, t dataset.Descriptor, carried map[string]*Entry, m *Manifest) error {
	days, err := dayParts(ctx, o.Out, t.Name(), o.Days)
	if err != nil {
		return err
	}
	for _, day := range slices.Sorted(maps.Keys(days)) {
		for _, bin := range bins(days[day], o.TargetBytes) {
			keys := tx.oneLogPerApp(bin)
			if len(keys) < 2 {
				continue
			}
			folded, err := t.Rewrite(ctx, tx, o.Out, keys, func(string) bool { return true })
			if err != nil {
				return fmt.Errorf("compact %s: %w", o.Out.URI(t.Name()+"/dt="+day+"/"), err)
			}
			m.Counts.Processed += len(keys)
			tx.repoint(keys, folded, carried)
		}
	}
	return nil
}

// compactRunTable folds the picked days' parts of a table written per run
// (diagnoses): the new parts become this run's files, and its manifest
// replaces the folded ones, which no ledger entry holds.
func (o *CompactOptions) compactRunTable(ctx context.Context, tx *Tx, t dataset.Descriptor, _ map[string]*Entry, m *Manifest) error {
	days, err := dayParts(ctx, o.Out, t.Name(), o.Days)
	if err != nil {
		return err
	}
	for _, day := range slices.Sorted(maps.Keys(days)) {
		live := slices.DeleteFunc(days[day], func(p store.ObjectInfo) bool { return !tx.st.live[p.Key] })
		for _, bin := range bins(live, o.TargetBytes) {
			keys := make([]string, len(bin))
			for i, p := range bin {
				keys[i] = p.Key
			}
			folded, err := t.Rewrite(ctx, tx, o.Out, keys, func(string) bool { return true })
			if err != nil {
				return fmt.Errorf("compact %s: %w", o.Out.URI(t.Name()+"/dt="+day+"/"), err)
			}
			m.Counts.Processed += len(keys)
			m.RunFiles, m.Replaces = append(m.RunFiles, folded...), append(m.Replaces, keys...)
		}
	}
	return nil
}

// oneLogPerApp returns the keys of the parts of bin that can share a file:
// a part holding an app attempt another part's log already holds stays
// apart, so that (app_id, attempt_id) keeps naming one log's rows inside a
// part (see supersede).
func (tx *Tx) oneLogPerApp(bin []store.ObjectInfo) []string {
	apps := map[string]string{} // app key → ledger key holding it
	var keys []string
	for _, p := range bin {
		ok := true
		for _, h := range tx.st.holders[p.Key] {
			e := tx.st.latest[h]
			if other, seen := apps[dataset.AppKey(e.AppID, e.AttemptID)]; seen && other != h {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for _, h := range tx.st.holders[p.Key] {
			e := tx.st.latest[h]
			apps[dataset.AppKey(e.AppID, e.AttemptID)] = h
		}
		keys = append(keys, p.Key)
	}
	return keys
}

// repoint makes the entries that reference any of old reference new
// instead, in carried (the entries this run records).
func (tx *Tx) repoint(old, new []string, carried map[string]*Entry) {
	gone := set(old)
	for _, f := range old {
		for _, h := range tx.st.holders[f] {
			e, ok := carried[h]
			if !ok {
				c := tx.st.latest[h]
				c.Files = slices.Clone(c.Files)
				e = &c
				carried[h] = e
			}
			e.Files = slices.DeleteFunc(e.Files, func(x string) bool { return gone[x] })
			for _, n := range new {
				if !slices.Contains(e.Files, n) {
					e.Files = append(e.Files, n)
				}
			}
		}
	}
}

// dayParts lists a table's part files by day, for the days pick accepts.
func dayParts(ctx context.Context, out store.Store, tbl string, pick func(string) bool) (map[string][]store.ObjectInfo, error) {
	days := map[string][]store.ObjectInfo{}
	err := out.List(ctx, tbl+"/", func(oi store.ObjectInfo) error {
		if day, ok := table.PartDay(oi.Key); ok && pick(day) {
			days[day] = append(days[day], oi)
		}
		return nil
	})
	return days, err
}

// bins groups a day's parts, smallest first, into runs of at most target
// bytes; a bin of one part is left as it is, so a compacted day stays put.
func bins(parts []store.ObjectInfo, target int64) [][]store.ObjectInfo {
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].Size != parts[j].Size {
			return parts[i].Size < parts[j].Size
		}
		return parts[i].Key < parts[j].Key
	})
	var out [][]store.ObjectInfo
	var cur []store.ObjectInfo
	var size int64
	flush := func() {
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur, size = nil, 0
	}
	for _, p := range parts {
		if size+p.Size > target && len(cur) > 0 {
			flush()
		}
		cur, size = append(cur, p), size+p.Size
	}
	flush()
	return out
}
