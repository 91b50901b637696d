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
	var apps []analyze.AppRecord
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
	write(t, ctx, st, "apps", apps, func(r analyze.AppRecord) string { return end[r.AppID] }, name)
	write(t, ctx, st, "findings", findings, func(r analyze.FindingRow) string { return end[r.AppID] }, name)
	write(t, ctx, st, "diagnoses", diags, func(r analyze.DiagnosisRow) string { return end[r.AppID] }, name)
	return st, len(apps)
}

func yearApp(rng *rand.Rand, j, d int, day time.Time) analyze.AppRecord {
	start := day.Add(time.Duration(60+j) * time.Minute).UnixMilli()
	dur := int64(20+j%7*10) * 60_000 * int64(90+rng.IntN(20)) / 100
	end := start + dur
	execs := int64(4 + j%12)
	grow := 1 + float64(j%5)*0.01*float64(d)/7
	return analyze.AppRecord{AppRow: extract.AppRow{
		AppID: fmt.Sprintf("application_1700000000000_%06d", d*yearJobs+j), AttemptID: "1", RunID: "year",
		AppName: fmt.Sprintf("job_%02d_daily", j), User: fmt.Sprintf("user%d", j%6), Queue: fmt.Sprintf("q%d", j%3),
		Status:    map[bool]string{true: "failed", false: "succeeded"}[rng.IntN(50) == 0],
		StartTime: &start, EndTime: &end, DurationMS: dur, ExecutorCores: 4, ExecutorMemoryMB: 16384,
		ExecutorTimeMS: execs * 4 * dur, ExecutorLifetimeMS: execs * dur,
		TaskTimeMS:       execs * 4 * dur * int64(30+rng.IntN(60)) / 100,
		ShuffleReadBytes: int64(float64(int64(8+j)<<30) * grow),
	}, AppResult: analyze.AppResult{EstCostUSD: 1}}
}

func yearFindings(a analyze.AppRecord) []analyze.FindingRow {
	rec := []analyze.Recommendation{{Key: "spark.sql.shuffle.partitions", Current: "200", Proposed: "800"}}
	return []analyze.FindingRow{
		{AppID: a.AppID, AttemptID: "1", AppName: a.AppName, Detector: "idle_executors", Severity: "moderate", Title: "Executors idle", EstWasteUSD: 0.3, Recommendations: rec},
		{AppID: a.AppID, AttemptID: "1", AppName: a.AppName, Detector: "spill", Severity: "low", Title: "Disk spill", EstWasteUSD: 0.05},
	}
}

// TestYearOfNightlyRuns builds the report over a year of nightly runs of
// 50 jobs, with the command's default 12 weeks of history and with the whole
// year, and checks what a year must give: every run of the week counted,
// trends found. How long it takes is BenchmarkYearReport's business.
func TestYearOfNightlyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a year of Parquet partitions")
	}
	st, n := yearDataset(t)
	if n != yearJobs*yearDays {
		t.Fatalf("wrote %d apps, want %d", n, yearJobs*yearDays)
	}
	for _, back := range []int{12, 52} {
		in := readInput(t, st, reportWeek, back)
		r := yearReport(t, in)
		t.Logf("%d weeks back: %d apps, %d findings; %d runs this week, %d trends",
			back, len(in.Apps), len(in.Findings), r.Totals.Runs, len(r.Trends))
		if r.Totals.Runs != 7*yearJobs {
			t.Errorf("%d weeks back: %d runs in the report week, want %d", back, r.Totals.Runs, 7*yearJobs)
		}
		// The report week and back weeks before it, as far as the year goes.
		if want := min((back+1)*7, yearDays) * yearJobs; len(in.Apps) != want {
			t.Errorf("%d weeks back: read %d apps, want %d", back, len(in.Apps), want)
		}
		// Only the shuffle of jobs whose j % 5 > 0 grows (by j % 5 × 1 % of
		// the first week's a week, under the 20 % the report wants inside
		// 12 weeks, over it inside a year); nothing else does.
		for _, tr := range r.Trends {
			var j int
			if _, err := fmt.Sscanf(tr.AppName, "job_%d_daily", &j); err != nil || j%5 == 0 || tr.Metric != report.Shuffle {
				t.Errorf("%d weeks back: trend of %s's %s, which does not grow", back, tr.AppName, tr.Metric)
			}
		}
		if back == 52 && len(r.Trends) == 0 {
			t.Errorf("a year back: no trend found, want the growing jobs'")
		}
	}
}

// yearReport builds the report of in and renders it both ways.
func yearReport(tb testing.TB, in report.Input) *report.Report {
	r := report.Build(in, reportWeek, analyze.DefaultCostConfig())
	if err := r.WriteHTML(io.Discard); err != nil {
		tb.Fatal(err)
	}
	if err := r.WriteMarkdown(io.Discard); err != nil {
		tb.Fatal(err)
	}
	return r
}

// BenchmarkYearReport times what `sparkmine report` does over a year of
// nightly runs of 50 jobs (18,250 apps): read the Parquet partitions of the
// report week and the weeks before it, build, render HTML and Markdown.
//
//	go test -run x -bench YearReport -benchtime 5x ./analyze/report/
func BenchmarkYearReport(b *testing.B) {
	st, _ := yearDataset(b)
	for _, back := range []int{12, 52} {
		b.Run(fmt.Sprintf("weeks=%d", back), func(b *testing.B) {
			for b.Loop() {
				yearReport(b, readInput(b, st, reportWeek, back))
			}
		})
	}
}
