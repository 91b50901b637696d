package report_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/report"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// The generated test builds three weeks of nightly runs from generated
// Spark logs (2026-W45 to W47, plus one run in W48 the report must not
// read), stores them as the pipeline does, reads them back and checks the
// report of W47 against numbers the test works out itself.

const (
	jobClean   = "orders_daily"
	jobGrowing = "clickstream_sessionize"
	jobFailing = "payments_reconcile"
	jobIdle    = "features_idle"
	gibBytes   = float64(1 << 30)
)

var reportWeek = report.Week{Year: 2026, Week: 47}

// nightly describes the generated runs: jobs × days, with the anomalies.
type nightly struct {
	job   string
	day   time.Time
	spec  gen.Spec
	fails bool
}

// growth is the growing job's scale in week k (0 = W45): shuffle per task
// and median task time both grow linearly week over week.
func growth(k int) (shufflePerTask, medianMS int64) {
	return int64(2+k) << 30, int64(2000 + 1000*k)
}

// failDays are the days of W47 (0 = Monday) the failing job fails.
var failDays = map[int]bool{2: true, 4: true}

func nightlyRuns() []nightly {
	first := reportWeek.Add(-2).Start()
	var out []nightly
	for d := range 21 {
		day := first.AddDate(0, 0, d)
		k := d / 7
		for j, job := range []string{jobClean, jobGrowing, jobFailing, jobIdle} {
			s := gen.Spec{
				Seed: int64(j + 1), AppName: job, User: []string{"ana", "bo", "ana", "chen"}[j],
				Queue: []string{"etl", "etl", "finance", "ml"}[j], Start: day.Add(time.Duration(60+10*j) * time.Minute),
				AppID: fmt.Sprintf("application_1762000000000_%04d", 10*d+j), Executors: 4, ExecutorCores: 4,
				Stages: 3, TasksPerStage: 40, MedianTaskMS: 2000, ShuffleBytesPerTask: 256 << 20,
			}
			n := nightly{job: job, day: day, spec: s}
			switch job {
			case jobGrowing:
				n.spec.ShuffleBytesPerTask, n.spec.MedianTaskMS = growth(k)
			case jobFailing:
				n.fails = k == 2 && failDays[d%7]
				n.spec.Anomalies.FailedJob = n.fails
			case jobIdle:
				// idle_executors judges apps of some size: the generator's defaults.
				n.spec.Executors, n.spec.Stages, n.spec.TasksPerStage = 10, 6, 200
				n.spec.Anomalies.IdleExecutors = 0.8
			}
			out = append(out, n)
		}
	}
	late := gen.Spec{Seed: 999, AppName: jobClean, AppID: "application_1762000000000_9999", Start: reportWeek.End().Add(2 * time.Hour)}
	return append(out, nightly{job: jobClean, day: reportWeek.End(), spec: late})
}

// dataset generates, models, analyzes and stores every run; it returns the
// store and the rows as stored.
func dataset(t *testing.T) (store.Store, []nightly, []analyze.AppRecord, []analyze.FindingRow, []analyze.DiagnosisRow) {
	t.Helper()
	dir := *keep
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := local.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	runs := nightlyRuns()
	var apps []analyze.AppRecord
	var findings []analyze.FindingRow
	for _, n := range runs {
		app := buildApp(t, n.spec)
		fs, res := analyze.Analyze(app, analyze.DefaultConfig())
		findings = append(findings, fs...)
		apps = append(apps, analyze.AppRecord{AppRow: app.Row, AppResult: res})
	}
	diags := diagnoses(apps)
	day := map[string]string{}
	for _, a := range apps {
		day[a.AppID] = table.Day(*a.EndTime)
	}
	ctx := context.Background()
	name := table.PartName{RunID: "gen", Shard: "0of1"}
	write(t, ctx, st, "apps", apps, func(r analyze.AppRecord) string { return day[r.AppID] }, name)
	write(t, ctx, st, "findings", findings, func(r analyze.FindingRow) string { return day[r.AppID] }, name)
	write(t, ctx, st, "diagnoses", diags, func(r analyze.DiagnosisRow) string { return day[r.AppID] }, name)
	return st, runs, apps, findings, diags
}

// -out writes the generated report as <out>.html and <out>.md (for
// scripts/report-screenshot.sh).
var out = flag.String("out", "", "write the generated test's report to `path`.html and .md")

// -keep writes the generated dataset to a folder that stays, for trying
// `sparkmine report` on it.
var keep = flag.String("keep", "", "write the generated dataset to `dir` (must be empty or missing)")

func writeOut(t *testing.T, r *report.Report) {
	if *out == "" {
		return
	}
	for ext, fn := range map[string]func(io.Writer) error{".html": r.WriteHTML, ".md": r.WriteMarkdown} {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*out+ext, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func write[T any](t testing.TB, ctx context.Context, st store.Store, tbl string, rows []T, dayOf func(T) string, name table.PartName) {
	t.Helper()
	if _, err := table.WriteTable(ctx, st, tbl, rows, dayOf, name); err != nil {
		t.Fatalf("write %s: %v", tbl, err)
	}
}

// Diagnosis tokens of each idle run: one answer, one refusal (budget) and
// one dry run (estimated tokens, nothing spent).
const diagIn, diagOut, dryIn = 12_000, 1_500, 9_000

func diagnoses(apps []analyze.AppRecord) []analyze.DiagnosisRow {
	var out []analyze.DiagnosisRow
	for _, a := range apps {
		if a.AppName != jobIdle {
			continue
		}
		out = append(out,
			analyze.DiagnosisRow{AppID: a.AppID, AttemptID: a.AttemptID, Status: "ok", InputTokens: diagIn, OutputTokens: diagOut, Time: *a.EndTime},
			analyze.DiagnosisRow{AppID: a.AppID, AttemptID: a.AttemptID, Status: "skipped_budget", Time: *a.EndTime},
			analyze.DiagnosisRow{AppID: a.AppID, AttemptID: a.AttemptID, Status: "dry_run", InputTokens: dryIn, Time: *a.EndTime})
	}
	return out
}

// buildApp generates a log and builds its model line by line, as the
// pipeline does.
func buildApp(t *testing.T, s gen.Spec) *extract.App {
	t.Helper()
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, s); err != nil {
		t.Fatalf("generate %s: %v", s.AppID, err)
	}
	b := extract.NewBuilder(extract.Options{RunID: "gen"})
	rd := bufio.NewReader(&buf)
	for n := int64(1); ; n++ {
		line, err := rd.ReadBytes('\n')
		if len(line) > 0 {
			b.Line(bytes.TrimSuffix(line, []byte("\n")), s.AppID+".log", n)
		}
		if err != nil {
			return b.Finish(false)
		}
	}
}

// readInput reads the report week and back weeks before it, as cmd/sparkmine does.
func readInput(t testing.TB, st store.Store, week report.Week, back int) report.Input {
	t.Helper()
	ctx, days := context.Background(), week.DayFilter(back)
	var in report.Input
	var err error
	if in.Apps, err = table.ReadTable[analyze.AppRecord](ctx, st, "apps", days); err != nil {
		t.Fatal(err)
	}
	if in.Findings, err = table.ReadTable[analyze.FindingRow](ctx, st, "findings", days); err != nil {
		t.Fatal(err)
	}
	if in.Diagnoses, err = table.ReadTable[analyze.DiagnosisRow](ctx, st, "diagnoses", days); err != nil {
		t.Fatal(err)
	}
	return in
}

// scaled is the default cost config with both rates × 1.25: every cost the
// pipeline stored (at default rates) must come out × 1.25 in the report.
func scaled() analyze.CostConfig {
	c := analyze.DefaultCostConfig()
	c.VCPUHourUSD, c.GiBHourUSD = 0.042*1.25, 0.0045*1.25
	c.LLMInputPerMTokUSD, c.LLMOutputPerMTokUSD = 0.5, 4
	return c
}

// myCost prices a row by the documented model, at the scaled rates.
func myCost(a analyze.AppRecord) (cost, waste float64) {
	vcpu, gibh := 0.042*1.25, 0.0045*1.25
	coreH := float64(a.ExecutorTimeMS) / 3.6e6
	usedH := math.Min(float64(a.TaskTimeMS)/3.6e6, coreH)
	memH := float64(a.ExecutorLifetimeMS) / 3.6e6 * float64(a.ExecutorMemoryMB) / 1024
	cost = coreH*vcpu + memH*gibh
	waste = (coreH-usedH)*vcpu + memH*(1-usedH/coreH)*gibh
	return cost, waste
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestGeneratedThreeWeeks(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and parses 85 logs")
	}
	st, runs, apps, findings, _ := dataset(t)
	in := readInput(t, st, reportWeek, 12)
	if len(in.Apps) != len(apps)-1 {
		t.Fatalf("read %d apps, want %d (the W48 run must not be read)", len(in.Apps), len(apps)-1)
	}
	r := report.Build(in, reportWeek, scaled())
	writeOut(t, r)

	t.Run("totals", func(t *testing.T) { checkTotals(t, r, runs, apps) })
	t.Run("rankings", func(t *testing.T) { checkRankings(t, r, apps, findings) })
	t.Run("trend", func(t *testing.T) { checkTrend(t, r, apps) })
	t.Run("failed", func(t *testing.T) { checkFailed(t, r, runs) })
	t.Run("llm", func(t *testing.T) { checkLLM(t, r, apps) })
}

// inWeek returns the stored rows of week offset k (0 = W47, −1 = W46).
func inWeek(apps []analyze.AppRecord, k int) []analyze.AppRecord {
	var out []analyze.AppRecord
	for _, a := range apps {
		start := reportWeek.Start().AddDate(0, 0, 7*k).UnixMilli()
		if *a.EndTime >= start && *a.EndTime < start+7*24*3600*1000 {
			out = append(out, a)
		}
	}
	return out
}

func checkTotals(t *testing.T, r *report.Report, runs []nightly, apps []analyze.AppRecord) {
	for k, tot := range map[int]report.Totals{0: r.Totals, -1: r.PrevTotals} {
		week := inWeek(apps, k)
		if len(week) != 28 || tot.Runs != 28 || tot.Jobs != 4 {
			t.Errorf("week %+d: %d rows, report %d runs of %d jobs; want 28 runs (4 jobs × 7 nights)", k, len(week), tot.Runs, tot.Jobs)
		}
		var cost, waste, stored float64
		for _, a := range week {
			c, w := myCost(a)
			cost, waste, stored = cost+c, waste+w, stored+a.EstCostUSD
		}
		if !near(tot.CostUSD, cost) || !near(tot.WasteUSD, waste) {
			t.Errorf("week %+d: cost %v waste %v, want %v and %v", k, tot.CostUSD, tot.WasteUSD, cost, waste)
		}
		if !near(tot.CostUSD, 1.25*stored) {
			t.Errorf("week %+d: cost %v, want 1.25 × stored est_cost_usd %v", k, tot.CostUSD, 1.25*stored)
		}
	}
	var daySum float64
	for _, d := range r.Days {
		if d.Runs != 4 {
			t.Errorf("%s: %d runs, want 4", d.Day, d.Runs)
		}
		daySum += d.UsedUSD + d.WasteUSD
	}
	if !near(daySum, r.Totals.CostUSD) {
		t.Errorf("days sum to %v, want the week's %v", daySum, r.Totals.CostUSD)
	}
	if len(r.History) != 3 || r.History[0].Week != reportWeek.Add(-2) || r.History[0].Runs != 28 {
		t.Errorf("history: %+v, want W45..W47 with 28 runs each", r.History)
	}
}

func checkRankings(t *testing.T, r *report.Report, apps []analyze.AppRecord, findings []analyze.FindingRow) {
	cost, waste := map[string]float64{}, map[string]float64{}
	for _, a := range inWeek(apps, 0) {
		c, w := myCost(a)
		cost[a.AppName] += c
		waste[a.AppName] += w
	}
	want := []string{jobClean, jobGrowing, jobFailing, jobIdle}
	slices.SortFunc(want, func(a, b string) int { return int(math.Copysign(1, cost[b]-cost[a])) })
	var got []string
	for _, g := range r.ByApp {
		got = append(got, g.Key)
		if !near(g.CostUSD, cost[g.Key]) || !near(g.WasteUSD, waste[g.Key]) {
			t.Errorf("%s: cost %v waste %v, want %v and %v", g.Key, g.CostUSD, g.WasteUSD, cost[g.Key], waste[g.Key])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("jobs by cost %v, want %v", got, want)
	}
	for job, w := range waste {
		if job != jobIdle && w >= waste[jobIdle] {
			t.Errorf("%s wastes %v, more than the idle job's %v", job, w, waste[jobIdle])
		}
	}
	users := map[string]float64{}
	for _, g := range r.ByUser {
		users[g.Key] = g.CostUSD
	}
	if len(users) != 3 || !near(users["ana"], cost[jobClean]+cost[jobFailing]) || !near(users["chen"], cost[jobIdle]) {
		t.Errorf("by user: %+v, want ana = %s + %s, bo, chen = %s", r.ByUser, jobClean, jobFailing, jobIdle)
	}
	if len(r.ByQueue) != 3 {
		t.Errorf("by queue: %d queues, want etl, finance, ml", len(r.ByQueue))
	}
	checkTopFinding(t, r, findings)
}

// checkTopFinding: the idle job's idle_executors findings (or the oversized
// ones that replace them when the right-sizing replay is trusted) waste
// most, and their waste is the stored one × 1.25 (rates scaled in
// proportion).
func checkTopFinding(t *testing.T, r *report.Report, findings []analyze.FindingRow) {
	for _, f := range r.TopFindings {
		t.Logf("%s %s %s runs %d waste %v", f.AppName, f.Detector, f.Severity, f.Runs, f.WasteUSD)
	}
	if len(r.TopFindings) == 0 {
		t.Fatal("no top findings")
	}
	top := r.TopFindings[0]
	if top.AppName != jobIdle || top.Detector != "idle_executors" && top.Detector != "oversized" || top.Runs != 7 {
		t.Fatalf("top finding %s/%s on %d runs, want %s/idle_executors (or oversized) on 7", top.AppName, top.Detector, top.Runs, jobIdle)
	}
	week := map[string]bool{}
	for _, a := range reportWeek.Days() {
		week[a] = true
	}
	var stored float64
	for _, f := range findings {
		if f.AppName == jobIdle && f.Detector == top.Detector && week[dayOfApp(f.AppID)] {
			stored += f.EstWasteUSD
		}
	}
	if !near(top.WasteUSD, 1.25*stored) || stored == 0 {
		t.Errorf("top finding waste %v, want 1.25 × %v", top.WasteUSD, stored)
	}
	if len(top.Recommendations) == 0 {
		t.Errorf("top finding has no recommendation")
	}
}

// dayOfApp recovers a generated app's night from its id (see nightlyRuns).
func dayOfApp(id string) string {
	var n int
	fmt.Sscanf(id[len(id)-4:], "%d", &n)
	return reportWeek.Add(-2).Start().AddDate(0, 0, n/10).Format(time.DateOnly)
}

// checkTrend: the growing job's shuffle and duration trends, refitted here.
// With three equally spaced weeks x = −2, −1, 0 the least-squares slope is
// (y₀ − y₋₂) ÷ 2 and the line passes through (−1, mean).
func checkTrend(t *testing.T, r *report.Report, apps []analyze.AppRecord) {
	var y [3]float64
	for k := -2; k <= 0; k++ {
		var sum float64
		var n int
		for _, a := range inWeek(apps, k) {
			if a.AppName == jobGrowing {
				sum += float64(a.ShuffleReadBytes)
				n++
			}
		}
		y[k+2] = sum / float64(n)
	}
	// Known from the generator: shuffle per task grows 2, 3, 4 GiB, so the
	// weekly means are in ratio 2 : 3 : 4.
	if math.Abs(y[1]/y[0]-1.5) > 0.01 || math.Abs(y[2]/y[0]-2) > 0.01 {
		t.Errorf("weekly shuffle means %v: not in ratio 2:3:4", y)
	}
	slope := (y[2] - y[0]) / 2
	mean := (y[0] + y[1] + y[2]) / 3
	intercept := mean + slope
	thr := gibBytes
	for thr <= y[2] {
		thr *= 2
	}
	weeks := int(math.Ceil((thr - intercept) / slope))
	tr, ok := findTrend(r, jobGrowing, report.Shuffle)
	if !ok {
		t.Fatalf("no shuffle trend for %s; trends: %+v", jobGrowing, r.Trends)
	}
	if !near(tr.Slope, slope) || !near(tr.Intercept, intercept) || tr.Threshold != thr || tr.WeeksToThreshold != weeks {
		t.Errorf("trend slope %v intercept %v threshold %v in %d weeks; want %v %v %v in %d",
			tr.Slope, tr.Intercept, tr.Threshold, tr.WeeksToThreshold, slope, intercept, thr, weeks)
	}
	if tr.Reach != reportWeek.Add(weeks) {
		t.Errorf("reach %v, want %v", tr.Reach, reportWeek.Add(weeks))
	}
	t.Logf("shuffle per run %.0f, %.0f, %.0f GiB: %s", y[0]/gibBytes, y[1]/gibBytes, y[2]/gibBytes, tr.Sentence())
	if _, ok := findTrend(r, jobGrowing, report.Duration); !ok {
		t.Errorf("no duration trend for %s (median task time 2, 3, 4 s)", jobGrowing)
	}
	for _, tr := range r.Trends {
		if tr.AppName == jobClean {
			t.Errorf("the steady job trends: %+v", tr)
		}
	}
}

func findTrend(r *report.Report, job string, m report.Metric) (report.Trend, bool) {
	for _, tr := range r.Trends {
		if tr.AppName == job && tr.Metric == m {
			return tr, true
		}
	}
	return report.Trend{}, false
}

func checkFailed(t *testing.T, r *report.Report, runs []nightly) {
	var want []string
	for _, n := range runs {
		if n.fails {
			want = append(want, n.spec.AppID)
		}
	}
	var got []string
	for _, f := range r.Failed {
		got = append(got, f.AppID)
	}
	if !slices.Equal(got, want) || r.Totals.Failed != len(failDays) || r.PrevTotals.Failed != 0 {
		t.Errorf("failed runs %v (total %d, before %d), want %v", got, r.Totals.Failed, r.PrevTotals.Failed, want)
	}
}

func checkLLM(t *testing.T, r *report.Report, apps []analyze.AppRecord) {
	var waste float64
	for _, a := range inWeek(apps, 0) {
		if a.AppName == jobIdle {
			_, w := myCost(a)
			waste += w
		}
	}
	l := r.LLM
	wantCost := 7 * (diagIn*0.5 + diagOut*4) / 1e6
	if l.Calls != 21 || l.ByStatus["ok"] != 7 || l.InputTokens != 7*(diagIn+dryIn) || l.OutputTokens != 7*diagOut ||
		!near(l.CostUSD, wantCost) || !near(l.PrevCostUSD, wantCost) || l.DiagnosedApps != 7 || !near(l.AddressedWasteUSD, waste) {
		t.Errorf("llm %+v, want 21 rows, 7 ok, cost %v (dry runs free), addressed %v", l, wantCost, waste)
	}
}
