package pipeline

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
)

// keys lists every key in st.
func keys(t *testing.T, st store.Store) []string {
	t.Helper()
	var ks []string
	if err := st.List(context.Background(), "", func(o store.ObjectInfo) error { ks = append(ks, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	return ks
}

// A transaction that does not commit leaves nothing; one that commits
// leaves its manifest and published parts, which a later Abandon keeps.
func TestTxAbandonsOnlyWhatDidNotCommit(t *testing.T) {
	ctx := context.Background()
	id := RunID{Base: "20261125T020000Z-abcdef", Shard: All}
	rows := []analyze.DiagnosisRow{{AppID: "app-1", AttemptID: "1"}}
	for _, commit := range []bool{false, true} {
		out := openLocal(t, t.TempDir())
		tx := Begin(out, id, func() time.Time { return time.Unix(0, 0) })
		staged, err := dataset.Diagnoses.Write(ctx, tx, "2026-11-25", rows)
		if err != nil || len(staged) != 1 {
			t.Fatalf("write: %v, %v", staged, err)
		}
		if got := keys(t, out); !slices.Equal(got, []string{stagingDir + id.String() + "/" + staged[0]}) {
			t.Fatalf("staged %v, want the part under its run's staging folder", got)
		}
		if commit {
			if err := tx.Commit(ctx, &Manifest{RunFiles: staged}); err != nil {
				t.Fatal(err)
			}
			if err := tx.Publish(ctx); err != nil {
				t.Fatal(err)
			}
		}
		tx.Abandon()
		tx.Abandon()
		want := []string(nil)
		if commit {
			want = []string{runsDir + id.String() + ".json", "diagnoses/dt=2026-11-25/part-20261125T020000Z-abcdef-0of1-00001.parquet"}
		}
		if got := keys(t, out); !slices.Equal(got, want) {
			t.Errorf("commit %v: store holds %v, want %v", commit, got, want)
		}
	}
}

// Holders names, for every part file of a committed run, the logs whose
// entries reference it.
func TestTxHolders(t *testing.T) {
	ctx := context.Background()
	src, out := openLocal(t, copyLogs(t, "spark/local-1430917381534", "spark/local-1430917381535_1")), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	tx := Begin(out, NewRunID(time.Now(), All), nil)
	defer tx.Abandon()
	if _, err := tx.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	parts := partFiles(t, out)
	if len(parts) == 0 {
		t.Fatal("no part files")
	}
	for _, p := range parts {
		hs := tx.Holders(p)
		if len(hs) == 0 {
			t.Errorf("%s: no holders", p)
		}
		for _, e := range hs {
			if !slices.Contains(e.Files, p) {
				t.Errorf("%s: holder %s does not reference it (%v)", p, e.Log, e.Files)
			}
		}
	}
	if hs := tx.Holders("apps/dt=2020-01-01/part-x-0of1-00001.parquet"); len(hs) != 0 {
		t.Errorf("a part no entry references has holders %v", hs)
	}
}

// TestRecoverSparesFreshStaging: a run's Recover deletes what an
// uncommitted run of its shard staged, but not while that is young enough
// to be an on-demand writer (diagnose --app, ask) still at work.
func TestRecoverSparesFreshStaging(t *testing.T) {
	ctx := context.Background()
	out := openLocal(t, t.TempDir())
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	fresh, old := NewRunID(now.Add(-time.Minute), All), NewRunID(now.Add(-time.Hour), All)
	other := NewRunID(now.Add(-time.Hour), Shard{K: 1, N: 2})
	key := "diagnoses/dt=2026-12-02/part-x.parquet"
	for _, id := range []RunID{fresh, old, other} {
		if err := out.Put(ctx, staged(id.String(), key), strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Begin(out, NewRunID(now, All), func() time.Time { return now }).Recover(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[RunID]bool{fresh: true, old: false, other: true} {
		_, err := out.Stat(ctx, staged(id.String(), key))
		if kept := err == nil; kept != want {
			t.Errorf("staging of %s kept = %v, want %v (%v)", id, kept, want, err)
		}
	}
}
