package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
)

// compactFixture writes a dataset of a part per log and table (the small
// files nightly runs leave) and returns the source and the output.
func compactFixture(t *testing.T, out string) (Options, int) {
	t.Helper()
	src := openLocal(t, copyLogs(t, sampleSet...))
	o := smallBatches(testOptions(src, openLocal(t, out)))
	o.Workers = 1
	o.Diagnose = diagnose.DefaultConfig() // dry-run: diagnoses parts, one per run and day
	o.Diagnose.MinSeverity, o.Model = "low", llm.DryRun{}
	for _, again := range []bool{false, true} { // a rerun: a second diagnoses part per day
		o.Reprocess = again
		if _, err := Run(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	o.Reprocess = false
	return o, len(partFiles(t, o.Out))
}

// TestCompactFoldsAndIsIdempotent: compact folds each day's parts, the rows
// stay the same (each once), a nightly rerun still skips every log, and a
// second compaction does nothing.
func TestCompactFoldsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	o, before := compactFixture(t, t.TempDir())
	want := readDataset(t, o.Out)
	m, err := Compact(ctx, CompactOptions{Out: o.Out})
	if err != nil {
		t.Fatal(err)
	}
	after := len(partFiles(t, o.Out))
	if after >= before || m.Counts.Processed == 0 || len(m.Replaces) == 0 {
		t.Fatalf("compact: %d part files before, %d after (%d folded, %d of them diagnoses parts)", before, after, m.Counts.Processed, len(m.Replaces))
	}
	sameDataset(t, "after compact", readDataset(t, o.Out), want)
	noOrphans(t, "after compact", o.Out)
	if m2, err := Run(ctx, o); err != nil || m2.Counts.Processed != 0 {
		t.Fatalf("nightly run after compact: %v, processed %+v; want nothing to do", err, m2)
	}
	m3, err := Compact(ctx, CompactOptions{Out: o.Out})
	if err != nil || m3.Counts.Processed != 0 || len(partFiles(t, o.Out)) != after {
		t.Fatalf("second compact: %v, folded %d; want nothing to do", err, m3.Counts.Processed)
	}
	sameDataset(t, "after a second compact", readDataset(t, o.Out), want)
	t.Logf("%d part files folded into %d", before, after)
}

// TestCompactCrashAtEveryWriteConverges crashes compact at every write;
// a rerun of compact (itself crashed halfway once) ends with the dataset of
// an uninterrupted compaction, and a nightly run after it reads nothing.
func TestCompactCrashAtEveryWriteConverges(t *testing.T) {
	ctx := context.Background()
	o, _ := compactFixture(t, t.TempDir())
	want := readDataset(t, o.Out)
	writes := 0
	for n := 0; ; n++ {
		dir := t.TempDir()
		copyDir(t, o.Out.URI(""), dir)
		cs := &crashStore{Store: openLocal(t, dir)}
		cs.budget.Store(int64(n))
		_, err := Compact(ctx, CompactOptions{Out: cs})
		if err == nil {
			writes = n
			break
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash after %d writes: unexpected error %v", n, err)
		}
		sameDatasetOrSuperset(t, n, cs, want)
		// Each rerun comes after the crashed one's lease expired.
		cs.budget.Store(int64(n / 2))
		_, _ = Compact(ctx, CompactOptions{Out: cs, Now: hoursLater(1)})
		cs.budget.Store(1 << 30)
		if _, err := Compact(ctx, CompactOptions{Out: cs, Now: hoursLater(2)}); err != nil {
			t.Fatalf("compact after a crash at write %d: %v", n, err)
		}
		what := fmt.Sprintf("crash at write %d", n)
		sameDataset(t, what, readDataset(t, cs), want)
		noOrphans(t, what, cs)
		ro := o
		ro.Out, ro.Now = cs, hoursLater(3)
		if m, err := Run(ctx, ro); err != nil || m.Counts.Processed != 0 {
			t.Fatalf("%s: nightly run after: %v; want nothing to do", what, err)
		}
	}
	if writes < 6 {
		t.Errorf("an uninterrupted compact made only %d writes", writes)
	}
	t.Logf("crashed compact at each of %d writes; every rerun converged", writes)
}

// sameDatasetOrSuperset: mid-crash, readers see every row (never none).
func sameDatasetOrSuperset(t *testing.T, n int, cs *crashStore, want map[string][]string) {
	t.Helper()
	got := readDataset(t, cs)
	for tbl, rows := range want {
		if len(got[tbl]) < len(rows) {
			t.Errorf("crash at write %d: %s shows %d rows, want at least %d", n, tbl, len(got[tbl]), len(rows))
		}
	}
}

// copyDir copies the folder src into dst, which exists.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// TestRunCompactsTheDaysItTouched: a nightly run with CompactTouched leaves
// the part files compact would, with the same rows.
func TestRunCompactsTheDaysItTouched(t *testing.T) {
	o, _ := compactFixture(t, t.TempDir())
	if _, err := Compact(context.Background(), CompactOptions{Out: o.Out}); err != nil {
		t.Fatal(err)
	}
	want, wantParts := readDataset(t, o.Out), len(partFiles(t, o.Out))
	c := o // the same run, into an empty output
	c.Out, c.CompactTouched = openLocal(t, t.TempDir()), true
	for _, again := range []bool{false, true} { // as compactFixture's runs
		c.Reprocess = again
		if _, err := Run(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(partFiles(t, c.Out)); got != wantParts {
		t.Errorf("run with CompactTouched left %d part files, want %d", got, wantParts)
	}
	got := readDataset(t, c.Out)
	got["diagnoses"], want["diagnoses"] = untimed(t, got["diagnoses"]), untimed(t, want["diagnoses"])
	sameDataset(t, "run with CompactTouched", got, want)
	noOrphans(t, "run with CompactTouched", c.Out)
}

// TestCompactKeepsOneLogPerAppInAPart: the same app under two paths has its
// rows in two parts; compact does not fold them into one, so a later
// rereading of either log still cuts only its own rows.
func TestCompactKeepsOneLogPerAppInAPart(t *testing.T) {
	ctx := context.Background()
	srcDir := copyLogs(t, "spark/local-1430917381534", "spark/local-1422981780767")
	os.MkdirAll(filepath.Join(srcDir, "copy"), 0o755)
	b, err := os.ReadFile(filepath.Join(srcDir, "spark", "local-1430917381534"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(srcDir, "copy", "local-1430917381534"), b, 0o644)
	o := testOptions(openLocal(t, srcDir), openLocal(t, t.TempDir()))
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	want := readDataset(t, o.Out)
	if _, err := Compact(ctx, CompactOptions{Out: o.Out}); err != nil {
		t.Fatal(err)
	}
	st, err := loadState(ctx, o.Out)
	if err != nil {
		t.Fatal(err)
	}
	for part, holders := range st.holders {
		apps := map[string]bool{}
		for _, h := range holders {
			e := st.latest[h]
			if k := e.AppID + "/" + e.AttemptID; apps[k] {
				t.Errorf("part %s holds two logs of app %s", part, k)
			} else {
				apps[k] = true
			}
		}
	}
	sameDataset(t, "after compact", readDataset(t, o.Out), want)
	o.Reprocess = true
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	sameDataset(t, "reprocessed after compact", readDataset(t, o.Out), want)
}

// untimed drops the time and latency of diagnoses rows (JSON lines), which
// differ between two runs that make the same calls.
func untimed(t *testing.T, rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		var m map[string]any
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "time")
		delete(m, "latency_ms")
		b, _ := json.Marshal(m)
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}
