package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sparkmine/sparkmine/store"
)

// Parts are written under _sparkmine/staging/<run>/ (outside the table
// folders, so a reader globbing apps/*/*.parquet never sees rows of a run
// that has not committed — DuckDB's glob reads even "_"-prefixed names) and
// published to their table folders after the manifest commits the run. A
// crash while publishing leaves the rest staged; the next run finishes it
// (the manifest says the run committed). Staged parts of runs that never
// committed are deleted.

const stagingDir = metaDir + "staging/"

// staged returns the staging key of a part's final key for a run.
func staged(runID, key string) string { return stagingDir + runID + "/" + key }

// stagingStore writes a run's parts into its staging folder: keys are the
// parts' final keys.
type stagingStore struct {
	store.Store
	runID   string
	written *atomic.Int64 // bytes of the parts put
}

func (s stagingStore) Put(ctx context.Context, key string, r io.Reader) error {
	return s.Store.Put(ctx, staged(s.runID, key), countingReader{r, s.written})
}

// countingReader adds the bytes read through it to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// publish moves a committed run's staged parts into place. A part already
// published (a rerun after a crash mid-publish) is published again from its
// staged copy, which is only deleted once the final key holds it.
func publish(ctx context.Context, out store.Store, runID string, keys []string) error {
	for _, k := range keys {
		if err := publishOne(ctx, out, staged(runID, k), k); err != nil {
			return fmt.Errorf("publish %s: %w", out.URI(k), err)
		}
	}
	return nil
}

func publishOne(ctx context.Context, out store.Store, from, to string) error {
	// Server-side where the store can (S3 CopyObject, a hard link).
	err := store.Copy(ctx, out, from, to)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := out.Stat(ctx, from); errors.Is(serr, fs.ErrNotExist) {
			return nil // published before
		}
	}
	if err != nil {
		return err
	}
	return out.Delete(ctx, from)
}

// stagingGrace is how old an uncommitted run's staging must be before a
// run of its shard deletes it. A run's lease keeps its shard's other runs
// out, but on-demand writers (diagnose --app, ask) take no lease: their
// staging is seconds old when they commit, and must not be swept meanwhile.
// What a crashed run left younger than this waits for the next run.
const stagingGrace = 10 * time.Minute

// finishStaging publishes what committed runs left staged and deletes what
// this shard's uncommitted runs staged before now − stagingGrace.
func (s *state) finishStaging(ctx context.Context, out store.Store, shard Shard, now time.Time) (int, error) {
	left := map[string][]string{} // run → final keys still staged
	err := out.List(ctx, stagingDir, func(o store.ObjectInfo) error {
		run, key, ok := strings.Cut(strings.TrimPrefix(o.Key, stagingDir), "/")
		if ok {
			left[run] = append(left[run], key)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("list %s: %w", stagingDir, err)
	}
	n := 0
	for run, keys := range left {
		if s.committed(run) {
			if err := publish(ctx, out, run, keys); err != nil {
				return n, err
			}
			continue
		}
		id, err := ParseRunID(run)
		if err != nil || id.Shard != shard {
			continue // another shard's run, perhaps still going
		}
		if t, ok := id.Started(); ok && now.Sub(t) < stagingGrace {
			continue // perhaps still going: an on-demand writer
		}
		for _, k := range keys {
			if err := out.Delete(ctx, staged(run, k)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
