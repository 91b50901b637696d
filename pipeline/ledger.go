package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// Where the run's own bookkeeping lives in the output store.
const (
	metaDir      = "_sparkmine/"
	ledgerDir    = metaDir + "ledger/"
	runsDir      = metaDir + "runs/"
	promptsDir   = metaDir + "prompts/"
	cacheDir     = metaDir + "cache/gemini/"
	llmDir       = metaDir + "llm/" // the audit store: prompts and raw responses
	statusOK     = "ok"
	statusError  = "failed"
	statusPruned = "pruned" // the log left the source; its rows were removed (--prune)
)

// Entry is the ledger's record of one processed log.
type Entry struct {
	Log         string   `json:"log"` // the log's key in the source store
	Fingerprint string   `json:"fingerprint"`
	Size        int64    `json:"size"`
	ModTime     int64    `json:"mod_time_ms"`
	Status      string   `json:"status"` // ok | failed (unreadable content: retried only when the log changes) | pruned
	Reason      string   `json:"reason,omitempty"`
	AppID       string   `json:"app_id,omitempty"`
	AttemptID   string   `json:"attempt_id,omitempty"`
	Files       []string `json:"files,omitempty"` // part files holding this log's rows
}

// ledgerFile is one run's ledger file.
type ledgerFile struct {
	RunID   string  `json:"run_id"`
	Entries []Entry `json:"entries"`
}

// state is what the committed runs say about the dataset.
type state struct {
	latest     map[string]Entry    // log key → newest committed entry
	live       map[string]bool     // part files referenced by a latest entry or a manifest's own files
	superseded []string            // part files of entries that a newer entry replaced
	holders    map[string][]string // part file → ledger keys of the latest entries that reference it
	runs       map[string]Manifest // committed runs by id
}

// ledgerKey is the key a log is known by in the ledger: the key it has once
// finished, so that when Spark renames app.lz4.inprogress to app.lz4 at the
// end, the finished log replaces the rows of the in-progress one instead of
// adding a second copy of the app.
func ledgerKey(l logfile.Log) string { return logfile.FinishedKey(l.Key) }

func emptyState() *state {
	return &state{latest: map[string]Entry{}, live: map[string]bool{}, runs: map[string]Manifest{},
		holders: map[string][]string{}}
}

// loadState reads every manifest and the ledger file of each committed run.
func loadState(ctx context.Context, out store.Store) (*state, error) {
	st := emptyState()
	var ids []string
	err := out.List(ctx, runsDir, func(o store.ObjectInfo) error {
		if !strings.HasSuffix(o.Key, ".json") {
			return nil
		}
		var m Manifest
		if err := readJSON(ctx, out, o.Key, &m); err != nil {
			return err
		}
		st.runs[m.RunID] = m
		ids = append(ids, m.RunID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read run manifests: %w", err)
	}
	// Oldest first, so a newer entry for a log replaces an older one.
	sort.Slice(ids, func(i, j int) bool {
		a, b := st.runs[ids[i]], st.runs[ids[j]]
		if !a.Started.Equal(b.Started) {
			return a.Started.Before(b.Started)
		}
		return ids[i] < ids[j]
	})
	var replaced []string
	for _, id := range ids {
		m := st.runs[id]
		for _, f := range m.RunFiles {
			st.live[f] = true
		}
		replaced = append(replaced, m.Replaces...)
		var lf ledgerFile
		if err := readJSON(ctx, out, ledgerDir+id+".json", &lf); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // a committed run that processed nothing may have no ledger
			}
			return nil, fmt.Errorf("read ledger of run %s: %w", id, err)
		}
		for _, e := range lf.Entries {
			if old, ok := st.latest[e.Log]; ok {
				st.superseded = append(st.superseded, old.Files...)
			}
			st.latest[e.Log] = e
		}
	}
	for _, f := range replaced {
		delete(st.live, f)
		st.superseded = append(st.superseded, f)
	}
	st.holders = map[string][]string{}
	for key, e := range st.latest {
		for _, f := range e.Files {
			st.live[f] = true
			st.holders[f] = append(st.holders[f], key)
		}
	}
	for _, hs := range st.holders {
		sort.Strings(hs)
	}
	return st, nil
}

// done reports whether the ledger already holds this log as it is now.
func (s *state) done(key, fingerprint string) bool {
	e, ok := s.latest[key]
	return ok && e.Fingerprint == fingerprint
}

// cleanup deletes superseded part files and the orphans of this shard: part
// files no committed run references (left by a crash or an interrupted run).
func (s *state) cleanup(ctx context.Context, out store.Store, shard Shard) (deleted int, err error) {
	var doomed []string
	for _, f := range s.superseded {
		if !s.live[f] {
			doomed = append(doomed, f)
		}
	}
	for _, t := range dataset.Tables {
		err := out.List(ctx, t.Name()+"/", func(o store.ObjectInfo) error {
			if p, ok := table.ParsePart(o.Key); ok && !s.live[o.Key] && p.Shard == shard.Tag() {
				doomed = append(doomed, o.Key)
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", t.Name(), err)
		}
	}
	// Ledger files of runs that never committed are orphans too.
	err = out.List(ctx, ledgerDir, func(o store.ObjectInfo) error {
		id := strings.TrimSuffix(path.Base(o.Key), ".json")
		if sh, ok := shardOf(id); ok && sh == shard && !s.committed(id) {
			doomed = append(doomed, o.Key)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("list ledger: %w", err)
	}
	for _, k := range doomed {
		if err := out.Delete(ctx, k); err != nil {
			return deleted, fmt.Errorf("delete %s: %w", k, err)
		}
		deleted++
	}
	return deleted, nil
}

// committed reports whether the run of that id committed.
func (s *state) committed(runID string) bool {
	_, ok := s.runs[runID]
	return ok
}

func readJSON(ctx context.Context, st store.Store, key string, v any) error {
	rc, err := st.Open(ctx, key, 0, -1)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<30))
	if err != nil {
		return fmt.Errorf("read %s: %w", st.URI(key), err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", st.URI(key), err)
	}
	return nil
}

func writeJSON(ctx context.Context, st store.Store, key string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := st.Put(ctx, key, strings.NewReader(string(b)+"\n")); err != nil {
		return fmt.Errorf("write %s: %w", st.URI(key), err)
	}
	return nil
}
