package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneRowPerAppAttempt: the same app under several source paths gives
// one row per table, from the log the rule picks (the finished, then the
// larger, then the newer log), in one run and across runs.
func TestOneRowPerAppAttempt(t *testing.T) {
	ctx := context.Background()
	const app = "local-1430917381534"
	srcDir := copyLogs(t, "spark/"+app, "spark/local-1422981780767")
	b, err := os.ReadFile(filepath.Join(srcDir, "spark", app))
	if err != nil {
		t.Fatal(err)
	}
	put := func(dir string, data []byte) {
		os.MkdirAll(filepath.Join(srcDir, dir), 0o755)
		os.WriteFile(filepath.Join(srcDir, dir, app), data, 0o644)
	}
	put("copy", b) // the same bytes: the first key wins
	o := testOptions(openLocal(t, srcDir), openLocal(t, t.TempDir()))
	check := func(what, wantSource string, wantDup int) {
		t.Helper()
		m, err := Run(ctx, o)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if m.Counts.Duplicates != wantDup {
			t.Errorf("%s: %d duplicates, want %d", what, m.Counts.Duplicates, wantDup)
		}
		ds := readDataset(t, o.Out)
		for _, tbl := range []string{"apps", "stages", "executors"} {
			seen := map[string]int{}
			for _, r := range ds[tbl] {
				if strings.Contains(r, `"app_id":"`+app+`"`) {
					seen[r]++
				}
			}
			if len(seen) == 0 {
				t.Errorf("%s: no %s rows of %s", what, tbl, app)
			}
		}
		n := 0
		for _, r := range ds["apps"] {
			if strings.Contains(r, `"app_id":"`+app+`"`) {
				n++
				if !strings.Contains(r, filepath.Join(srcDir, wantSource, app)+`"`) {
					t.Errorf("%s: apps row from another log than %s: %.300s", what, wantSource, r)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d apps rows of %s, want 1", what, n, app)
		}
	}
	check("two copies in one run", "copy", 1)
	check("a rerun", "copy", 0)
	put("bigger", append(b, '\n')) // larger: it wins, the committed copy's rows go
	check("a larger copy later", "bigger", 1)
	put("smaller", b[:len(b)/2])
	check("a smaller copy later", "bigger", 1)
	if m, err := Run(ctx, o); err != nil || m.Counts.Processed != 0 {
		t.Fatalf("final rerun: %v; want nothing to do", err)
	}
	noOrphans(t, "after duplicates", o.Out)
}
