package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
)

// TestYearOfNightlyRunsCompacts runs SPARKMINE_YEAR_DAYS nightly runs (365
// for the measurement; skipped when unset, it takes minutes) over generated
// logs that arrive up to two days late, so each day's partition collects
// parts from several runs; then compacts. Two of the five jobs are skewed
// and one leaves most of its executors idle, so findings and (dry-run)
// diagnoses are written too. It logs the file count and bytes per table
// before and after, and checks the rows are the same.
//
//	SPARKMINE_YEAR_DAYS=365 go test -run TestYearOfNightlyRunsCompacts -v ./pipeline
func TestYearOfNightlyRunsCompacts(t *testing.T) {
	days, _ := strconv.Atoi(os.Getenv("SPARKMINE_YEAR_DAYS"))
	if days <= 0 {
		t.Skip("set SPARKMINE_YEAR_DAYS (e.g. 365) to run a year of nightly runs")
	}
	ctx := context.Background()
	srcDir := t.TempDir()
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())
	first := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	for n := range days {
		night := first.AddDate(0, 0, n)
		for k, late := range []int{0, 0, 0, 1, 2} { // apps that ended tonight, yesterday, the day before
			s := gen.Spec{Seed: int64(n*10 + k), AppID: fmt.Sprintf("application_1764000000000_%05d", n*10+k),
				AppName: fmt.Sprintf("job_%d", k), Start: night.AddDate(0, 0, -late).Add(time.Duration(k) * time.Hour),
				Executors: 2, ExecutorCores: 2, Stages: 3, TasksPerStage: 8}
			switch k {
			case 1, 3:
				s.Anomalies.TaskSkew, s.MedianTaskMS = 12, 60_000
			case 2:
				s.Anomalies.IdleExecutors, s.Executors, s.MedianTaskMS = 0.8, 8, 120_000
			}
			if _, err := gen.WriteFile(filepath.Join(srcDir, s.AppID+".zstd"), s, codec.Zstd); err != nil {
				t.Fatal(err)
			}
		}
		o := testOptions(src, out)
		o.Now = func() time.Time { return night.Add(23 * time.Hour) }
		o.Diagnose = diagnose.DefaultConfig() // dry-run: a diagnoses row per flagged app, nothing sent
		o.Diagnose.MinSeverity, o.Model = "low", llm.DryRun{}
		if _, err := Run(ctx, o); err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
	}
	want := readDataset(t, out)
	for _, tbl := range []string{"findings", "diagnoses"} {
		if len(want[tbl]) == 0 {
			t.Errorf("a year of nightly runs wrote no %s", tbl)
		}
	}
	before := tableFiles(t, out)
	m, err := Compact(ctx, CompactOptions{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	after := tableFiles(t, out)
	sameDataset(t, "after compact", readDataset(t, out), want)
	noOrphans(t, "after compact", out)
	for _, tbl := range dataset.Tables {
		b, a := before[tbl.Name()], after[tbl.Name()]
		t.Logf("%-9s %6d rows: %5d files, %9d bytes before; %4d files, %9d bytes after", tbl.Name(), len(want[tbl.Name()]), b[0], b[1], a[0], a[1])
	}
	t.Logf("%d nights; compact %s folded %d part files", days, m.RunID, m.Counts.Processed)
}

// tableFiles returns per table its part files' count and bytes.
func tableFiles(t *testing.T, st store.Store) map[string][2]int64 {
	t.Helper()
	res := map[string][2]int64{}
	for _, tbl := range dataset.Tables {
		var c [2]int64
		err := st.List(context.Background(), tbl.Name()+"/", func(o store.ObjectInfo) error {
			c[0]++
			c[1] += o.Size
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		res[tbl.Name()] = c
	}
	return res
}
