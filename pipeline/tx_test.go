package pipeline

import (
	"context"
	"slices"
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
