package report_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/report"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// yearJobs × yearDays nightly runs, written as the pipeline writes them.
const yearJobs, yearDays = 50, 365

// yearDataset writes a year of nightly runs ending with reportWeek: rows
// made directly (no logs), two findings per run, a diagnosis for one run
// in ten. Job j's shuffle grows j % 5 × 1 % a week.
func yearDataset(t testing.TB) (store.Store, int) {
	t.Helper()
	st, err := local.Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	last := reportWeek.End().Add(-24 * time.Hour)
	var apps []extract.AppRow
	var findings []analyze.FindingRow
	var diags []analyze.DiagnosisRow
	for d := range yearDays {
		day := last.AddDate(0, 0, d-yearDays+1)
		for j := range yearJobs {
			a := yearApp(rng, j, d, day)
			apps = append(apps, a)
			findings = append(findings, yearFindings(a)...)
			if (d+j)%10 == 0 {
				diags = append(diags, analyze.DiagnosisRow{AppID: a.AppID, AttemptID: "1", Status: "ok", InputTokens: 15_000, OutputTokens: 1_200, Time: *a.EndTime})
			}
		}
	}
	ctx := context.Background()
	name := table.PartName{RunID: "year", Shard: "0of1"}
	end := map[string]string{}
	for _, a := range apps {
		end[a.AppID] = table.Day(*a.EndTime)
	}
	write(t, ctx, st, "apps", apps, func(r extract.AppRow) string { return end[r.AppID] }, name)
	write(t, ctx, st, "findings", findings, func(r analyze.FindingRow) string { return end[r.AppID] }, name)
	write(t, ctx, st, "diagnoses", diags, func(r analyze.DiagnosisRow) string { return end[r.AppID] }, name)
	return st, len(apps)
}

func yearApp(rng *rand.Rand, j, d int, day time.Time) extract.AppRow {
	start := day.Add(time.Duration(60+j) * time.Minute).UnixMilli()
	dur := int64(20+j%7*10) * 60_000 * int64(90+rng.IntN(20)) / 100
	end := start + dur
	execs := int64(4 + j%12)
	grow := 1 + float64(j%5)*0.01*float64(d)/7
	return extract.AppRow{
		AppID: fmt.Sprintf("application_1700000000000_%06d", d*yearJobs+j), AttemptID: "1", RunID: "year",
		AppName: fmt.Sprintf("job_%02d_daily", j), User: fmt.Sprintf("user%d", j%6), Queue: fmt.Sprintf("q%d", j%3),
		Status:    map[bool]string{true: "failed", false: "succeeded"}[rng.IntN(50) == 0],
		StartTime: &start, EndTime: &end, DurationMS: dur, ExecutorCores: 4, ExecutorMemoryMB: 16384,
		ExecutorTimeMS: execs * 4 * dur, ExecutorLifetimeMS: execs * dur,
		TaskTimeMS:       execs * 4 * dur * int64(30+rng.IntN(60)) / 100,
		ShuffleReadBytes: int64(float64(int64(8+j)<<30) * grow), EstCostUSD: 1,
	}
}

func yearFindings(a extract.AppRow) []analyze.FindingRow {
	rec := []analyze.Recommendation{{Key: "spark.sql.shuffle.partitions", Current: "200", Proposed: "800"}}
	return []analyze.FindingRow{
		{AppID: a.AppID, AttemptID: "1", AppName: a.AppName, Detector: "idle_executors", Severity: "moderate", Title: "Executors idle", EstWasteUSD: 0.3, Recommendations: rec},
		{AppID: a.AppID, AttemptID: "1", AppName: a.AppName, Detector: "spill", Severity: "low", Title: "Disk spill", EstWasteUSD: 0.05},
	}
}

// TestYearOfNightlyRuns times read + Build + render over a year of nightly
// runs of 50 jobs: with the command's default 12 weeks of history, and with
// the whole year.
func TestYearOfNightlyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a year of Parquet partitions")
	}
	t0 := time.Now()
	st, n := yearDataset(t)
	t.Logf("wrote %d apps (%d jobs × %d days) in %v", n, yearJobs, yearDays, time.Since(t0).Round(time.Millisecond))
	for _, back := range []int{12, 52} {
		start := time.Now()
		in := readInput(t, st, reportWeek, back)
		read := time.Since(start)
		r := report.Build(in, reportWeek, analyze.DefaultCostConfig())
		built := time.Since(start)
		if err := r.WriteHTML(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteMarkdown(io.Discard); err != nil {
			t.Fatal(err)
		}
		total := time.Since(start)
		t.Logf("%d weeks back: %d apps, %d findings read in %v; built in %v; rendered, total %v; %d runs this week, %d trends",
			back, len(in.Apps), len(in.Findings), read.Round(time.Millisecond), (built - read).Round(time.Millisecond),
			total.Round(time.Millisecond), r.Totals.Runs, len(r.Trends))
		if r.Totals.Runs != 7*yearJobs {
			t.Errorf("%d runs in the report week, want %d", r.Totals.Runs, 7*yearJobs)
		}
		if total > 30*time.Second {
			t.Errorf("report over %d weeks took %v, want seconds", back, total)
		}
	}
}
