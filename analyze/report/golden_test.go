package report_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/analyze/report"
	"github.com/sparkmine/sparkmine/extract"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// smallInput is two weeks of two jobs, written by hand: one job with a
// name that needs escaping in HTML and Markdown, one failed run, a finding
// with a recommendation and a diagnosis, a regression, and advice
// judged helped, no change and regressed, too early and not applied.
func smallInput() report.Input {
	at := func(day string, h int) *int64 {
		t, _ := time.Parse(time.DateOnly, day)
		ms := t.Add(time.Duration(h) * time.Hour).UnixMilli()
		return &ms
	}
	app := func(id, name, day, status string, execH, taskH float64) analyze.AppRecord {
		return analyze.AppRecord{AppRow: extract.AppRow{
			AppID: id, AttemptID: "1", AppName: name, User: "ana", Queue: "etl", Status: status,
			EndTime: at(day, 3), DurationMS: 3_600_000, ExecutorCores: 4, ExecutorMemoryMB: 16384,
			ExecutorTimeMS: int64(execH * 3.6e6), ExecutorLifetimeMS: int64(execH / 4 * 3.6e6),
			TaskTimeMS: int64(taskH * 3.6e6), ShuffleReadBytes: 1 << 30,
		}, AppResult: analyze.AppResult{EstCostUSD: 1}}
	}
	a2 := app("a2", "orders <daily> | etl", "2026-11-17", "succeeded", 40, 10)
	rightsized(&a2, 10, 3, 4, 0.6, 0.05) // right-sized from 10×4 to 3×4, saving $0.60 of $1
	return report.Input{
		Apps: []analyze.AppRecord{
			app("a1", "orders <daily> | etl", "2026-11-10", "succeeded", 40, 30),
			a2,
			app("b1", "ml_train", "2026-11-18", "failed", 100, 80),
			// No end time: its last event decides the week.
			{AppRow: extract.AppRow{AppID: "c1", AttemptID: "1", AppName: "adhoc", User: "bo", Status: "incomplete", LastEventTime: at("2026-11-22", 23)}},
		},
		Findings: []analyze.FindingRow{{
			AppID: "a2", AttemptID: "1", AppName: "orders <daily> | etl", Detector: "idle_executors", Severity: "severe",
			Title: "Executors busy 25% of their allocated time", EstWasteUSD: 0.5,
			Recommendations: []analyze.Recommendation{{Key: "spark.dynamicAllocation.enabled", Current: "false", Proposed: "true"}},
		}, {
			AppID: "b1", AttemptID: "1", AppName: "ml_train", Detector: analyze.DetRegression, Severity: "severe",
			Title:    "regression: core_ms_per_input_gib at 2.10× the job's median of its last 9 runs",
			Detail:   "… " + analyze.ChangedSince + " conf spark.sql.shuffle.partitions 200 → 20; executors 10 → 4.",
			Evidence: []analyze.Evidence{{Metric: "extra_cost_usd", Value: 3.25}},
		}},
		Diagnoses: []analyze.DiagnosisRow{{AppID: "a2", AttemptID: "1", Status: "ok", InputTokens: 20_000, OutputTokens: 2_000}},
		Outcomes: []history.OutcomeRow{
			// The same advice judged on a run of the week before: the week's row wins.
			{AppID: "a1", AttemptID: "1", JobKey: "orders <daily> | etl", Source: "p1", SourceKind: "diagnosis", Key: "spark.executor.instances", Proposed: "4", Verdict: history.TooEarly},
			{AppID: "a2", AttemptID: "1", JobKey: "orders <daily> | etl", Source: "p1", SourceKind: "diagnosis", Key: "spark.executor.instances", Proposed: "4",
				Verdict: history.Helped, DeltaCostUSD: ptr(-0.25), PValue: ptr(0.012)},
			{AppID: "a2", AttemptID: "1", JobKey: "orders <daily> | etl", Source: "f1", SourceKind: "idle_executors", Key: "spark.dynamicAllocation.enabled", Proposed: "true",
				Verdict: history.NoChange, DeltaCostUSD: ptr(0.01), PValue: ptr(0.6)},
			{AppID: "b1", AttemptID: "1", JobKey: "ml_train", Source: "f2", SourceKind: "spill", Key: "spark.sql.shuffle.partitions", Proposed: "800", Verdict: history.NotApplied},
			{AppID: "b1", AttemptID: "1", JobKey: "ml_train", Source: "p2", SourceKind: "diagnosis", Key: "spark.memory.fraction", Proposed: "0.8",
				Verdict: history.Regressed, DeltaCostUSD: ptr(0.5), PValue: ptr(0.03)},
			{AppID: "b1", AttemptID: "1", JobKey: "ml_train", Source: "p3", SourceKind: "diagnosis", Key: "spark.executor.cores", Proposed: "8", Verdict: history.TooEarly},
		},
		Simulations: []analyze.SimulationRow{
			{AppID: "a2", AttemptID: "1", Executors: 1, ExecutorCores: 4, EstDurationMS: 9_000_000, EstCostUSD: 0.25},
			{AppID: "a2", AttemptID: "1", Executors: 3, ExecutorCores: 4, EstDurationMS: 3_900_000, EstCostUSD: 0.33, Rightsized: true},
			{AppID: "a2", AttemptID: "1", Executors: 10, ExecutorCores: 4, EstDurationMS: 3_600_000, EstCostUSD: 1, Actual: true},
			{AppID: "a2", AttemptID: "1", Executors: 40, ExecutorCores: 4, EstDurationMS: 3_500_000, EstCostUSD: 3.9},
		},
	}
}

func ptr(v float64) *float64 { return &v }

// rightsized fills an app row's right-sizing columns.
func rightsized(a *analyze.AppRecord, peak, e, c int64, saving, simErr float64) {
	a.MaxExecutors = peak
	a.RightsizedExecutors, a.RightsizedExecutorCores = &e, &c
	a.RightsizeSavingUSD, a.SimError = &saving, &simErr
}

// TestGolden renders the small input, and an empty week, in both formats.
// go test ./analyze/report -run Golden -update rewrites testdata/.
func TestGolden(t *testing.T) {
	cost := analyze.DefaultCostConfig()
	cases := map[string]*report.Report{
		"small": report.Build(smallInput(), report.Week{Year: 2026, Week: 47}, cost),
		"empty": report.Build(smallInput(), report.Week{Year: 2026, Week: 49}, cost),
	}
	for name, r := range cases {
		for ext, write := range map[string]func(io.Writer) error{".html": r.WriteHTML, ".md": r.WriteMarkdown} {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", name+ext), b.Bytes())
			if ext == ".html" {
				selfContained(t, name, b.String())
			}
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update and review the diff)", path)
	}
}

// selfContained checks that the page fetches nothing and runs nothing.
func selfContained(t *testing.T, name, page string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", "@import", "src=", "url(", "http://", "https://www"} {
		if strings.Contains(page, bad) {
			t.Errorf("%s.html contains %q", name, bad)
		}
	}
	if strings.Contains(page, "<daily>") {
		t.Errorf("%s.html: a job name is not escaped", name)
	}
}

func TestSmallNumbers(t *testing.T) {
	r := report.Build(smallInput(), report.Week{Year: 2026, Week: 47}, analyze.DefaultCostConfig())
	// a2: 40 core-h at 0.042 + 10 h × 16 GiB at 0.0045 = 1.68 + 0.72 = 2.40;
	// used 10 of 40 core-h: waste 0.75 × 2.40 = 1.80.
	// b1: 100 × 0.042 + 25 × 16 × 0.0045 = 4.2 + 1.8 = 6.00; waste 0.2 × 6 = 1.20.
	// c1 has no executors: 0. a1 (W46): 2.40, waste 0.25 × 2.40 = 0.60.
	tot, prev := r.Totals, r.PrevTotals
	if tot.Runs != 3 || tot.Failed != 1 || !near(tot.CostUSD, 8.4) || !near(tot.WasteUSD, 3.0) {
		t.Errorf("totals %+v, want 3 runs, 1 failed, $8.40, waste $3.00", tot)
	}
	if prev.Runs != 1 || !near(prev.CostUSD, 2.4) || !near(prev.WasteUSD, 0.6) {
		t.Errorf("previous week %+v, want 1 run, $2.40, waste $0.60", prev)
	}
	// The finding's stored waste 0.5 at a stored cost of 1: × 2.40.
	if len(r.TopFindings) != 1 || !near(r.TopFindings[0].WasteUSD, 1.2) {
		t.Errorf("top findings %+v, want one of $1.20", r.TopFindings)
	}
	// 20k × 0.30 / 1e6 + 2k × 2.50 / 1e6 = 0.006 + 0.005.
	if !near(r.LLM.CostUSD, 0.011) || !near(r.LLM.AddressedWasteUSD, 1.8) {
		t.Errorf("llm %+v, want $0.011 against $1.80", r.LLM)
	}
	if r.Days[6].Runs != 1 || r.Days[1].Runs != 1 || r.Days[2].Runs != 1 {
		t.Errorf("days %+v, want a run on Tue 17, Wed 18 and Sun 22", r.Days)
	}
}

// TestAdviceNumbers: of the small input's advice, the week's latest
// verdicts count, helped and regressed are priced at the job's runs this
// week (one each), and no change saves nothing.
func TestAdviceNumbers(t *testing.T) {
	r := report.Build(smallInput(), report.Week{Year: 2026, Week: 47}, analyze.DefaultCostConfig())
	a := r.Advice
	if len(a.Judged) != 3 || a.SavedPerWeekUSD != 0.25-0.5 || a.FromDiagnosesUSD != 0.25-0.5 || a.TooEarly != 1 || a.NotApplied != 1 {
		t.Errorf("advice %+v: want 3 judged, saved −$0.25 a week (all by diagnoses), 1 too early, 1 not applied", a)
	}
	if a.LLMCostUSD != r.LLM.CostUSD || a.LLMCostUSD <= 0 {
		t.Errorf("advice set against $%v of LLM, the week's diagnoses cost $%v", a.LLMCostUSD, r.LLM.CostUSD)
	}
	if len(r.Regressions) != 1 || r.Regressions[0].ExtraCostUSD != 3.25 || r.Regressions[0].Changed != "conf spark.sql.shuffle.partitions 200 → 20; executors 10 → 4" {
		t.Errorf("regressions %+v", r.Regressions)
	}
}
