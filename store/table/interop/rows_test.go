package interop_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// The planted dataset: four app attempts over two days, with NULL times,
// unicode, empty lists and one finding of each severity. The tests and the
// notebook check assert on these values.
const (
	nov25 = int64(1795564800000) // 2026-11-25T00:00:00Z
	nov26 = nov25 + 86_400_000
)

func ptr[T any](v T) *T { return &v }

var run = table.PartName{RunID: "20261127T020000Z-test", Shard: "0of1"}

func apps() []analyze.AppRecord {
	return []analyze.AppRecord{
		{AppRow: extract.AppRow{AppID: "app-1", AttemptID: "1", RunID: run.RunID, AppName: "nightly-etl ✓ 日本", User: "ana", SparkVersion: "3.5.1",
			StartTime: ptr(nov25 + 3_600_123), EndTime: ptr(nov25 + 7_200_456), LastEventTime: ptr(nov25 + 7_200_456),
			DurationMS: 3_600_333, Status: "succeeded", ExitCode: ptr(int64(0)), Jobs: 3, Stages: 3, FailedStages: 1, Tasks: 400,
			Utilization: ptr(0.42), ShuffleReadBytes: 3_200_000_000, SparkConf: `{"spark.executor.memory":"8g"}`}, AppResult: analyze.AppResult{EstCostUSD: 12.5, EstWasteUSD: 4.25, MaxSeverity: "critical", Findings: 2}},
		{AppRow: extract.AppRow{AppID: "app-2", AttemptID: "1", RunID: run.RunID, AppName: "ad-hoc report", User: "bo", SparkVersion: "3.4.0",
			StartTime: ptr(nov26 + 1_000), EndTime: ptr(nov26 + 61_001), LastEventTime: ptr(nov26 + 61_001),
			DurationMS: 60_001, Status: "failed", ExitCode: ptr(int64(1)), Jobs: 1, FailedJobs: 1, Stages: 1, FailedStages: 1}, AppResult: analyze.AppResult{EstCostUSD: 3, EstWasteUSD: 0.5, MaxSeverity: "moderate", Findings: 1}},
		{AppRow: extract.AppRow{AppID: "app-3", RunID: run.RunID, AppName: "streaming", User: "cy", SparkVersion: "3.5.1",
			StartTime: ptr(nov26 + 5), LastEventTime: ptr(nov26 + 86_399_999),
			Status: "incomplete", InProgress: true}, AppResult: analyze.AppResult{EstCostUSD: 1}},
		{AppRow: extract.AppRow{AppID: "app-4", AttemptID: "2", RunID: run.RunID, AppName: "nightly-etl ✓ 日本", User: "ana", SparkVersion: "3.5.1",
			StartTime: ptr(nov25 + 1_000), EndTime: ptr(nov25 + 51_000), LastEventTime: ptr(nov25 + 51_000),
			DurationMS: 50_000, Status: "succeeded", ExitCode: ptr(int64(0))}, AppResult: analyze.AppResult{EstCostUSD: 7.5, MaxSeverity: "low", Findings: 1}},
	}
}

func stages() []extract.StageRow {
	return []extract.StageRow{
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, StageID: 0, Name: "count at etl.py:12", Status: "COMPLETE",
			SubmissionTime: ptr(nov25 + 3_700_000), CompletionTime: ptr(nov25 + 3_760_000), DurationMS: 60_000, DurationSkew: 1.2},
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, StageID: 1, Name: "join at etl.py:40", Status: "FAILED",
			FailureReason: "FetchFailed(BlockManagerId(3, host-ä, 7337), shuffleId=0)", FetchFailures: 1,
			SubmissionTime: ptr(nov25 + 3_800_000), CompletionTime: ptr(nov25 + 3_900_000), DurationMS: 100_000,
			DurationSkew: 2, ShuffleSkew: 3},
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, StageID: 1, StageAttemptID: 1, Name: "join at etl.py:40", Status: "COMPLETE",
			SubmissionTime: ptr(nov25 + 3_900_001), FirstTaskLaunchedTime: ptr(nov25 + 3_900_002), CompletionTime: ptr(nov25 + 7_000_000),
			DurationMS: 3_099_999, Tasks: 200, CompleteTasks: 200, ShuffleReadBytes: 3_200_000_000,
			TaskDurationMSP50: 10_000, TaskDurationMSMax: 95_000, TaskShuffleReadBytesP50: 1e7, TaskShuffleReadBytesMax: 1.2e8,
			DurationSkew: 9.5, ShuffleSkew: 12},
		{AppID: "app-2", AttemptID: "1", RunID: run.RunID, StageID: 3, Name: "save at report.scala:7", Status: "FAILED",
			SubmissionTime: ptr(nov26 + 2_000), FailureReason: "Job aborted", DurationSkew: 4, ShuffleSkew: 0.5},
		{AppID: "app-4", AttemptID: "2", RunID: run.RunID, StageID: 0, Name: "collect at nightly.py:3", Status: "COMPLETE",
			SubmissionTime: ptr(nov25 + 2_000), CompletionTime: ptr(nov25 + 50_000), DurationMS: 48_000},
	}
}

func executors() []extract.ExecutorRow {
	return []extract.ExecutorRow{
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, ExecutorID: "driver", Host: "ip-10-0-0-9", AddedTime: ptr(nov25 + 3_600_000)},
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, ExecutorID: "1", Host: "ip-10-0-0-1", Cores: 4,
			AddedTime: ptr(nov25 + 3_610_000), RemovedTime: ptr(nov25 + 7_200_000), LifetimeMS: 3_590_000, Tasks: 250,
			PeakJVMHeapMemory: ptr(int64(4_294_967_296)), PeakJVMOffHeapMemory: ptr(int64(0)), MajorGCTimeMS: ptr(int64(1234))},
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, ExecutorID: "2", Host: "ip-10-0-0-2", Cores: 4,
			AddedTime: ptr(nov25 + 3_610_000), RemovedTime: ptr(nov25 + 5_000_000),
			RemovedReason: "Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB used", Tasks: 150, FailedTasks: 12},
	}
}

func findings() []analyze.FindingRow {
	return []analyze.FindingRow{
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, AppName: "nightly-etl ✓ 日本", StageID: ptr(int64(1)), StageAttemptID: ptr(int64(1)),
			Detector: "shuffle_skew", Severity: "critical", Score: 0.97, Title: "Shuffle skew in stage 1 — one partition 12× the median", EstWasteUSD: 2,
			Evidence: []analyze.Evidence{
				{Metric: "task_shuffle_read_bytes_max / p50", Value: 12, Threshold: 5},
				{Metric: "task_shuffle_read_bytes_max", Value: 1.2e8, Threshold: 268435456},
			},
			Recommendations: []analyze.Recommendation{{Key: "spark.sql.adaptive.skewJoin.enabled", Current: "false", Proposed: "true", Reason: "AQE splits skewed partitions"}}},
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, AppName: "nightly-etl ✓ 日本",
			Detector: "idle_executors", Severity: "severe", Score: 0.8, Title: "Executors idle 58% of their lifetime", EstWasteUSD: 9,
			Evidence: []analyze.Evidence{}, Recommendations: nil},
		{AppID: "app-2", AttemptID: "1", RunID: run.RunID, AppName: "ad-hoc report",
			Detector: "failed_jobs", Severity: "moderate", Score: 0.5, Title: "1 of 1 jobs failed", EstWasteUSD: 50,
			Evidence: []analyze.Evidence{{Metric: "failed_jobs", Value: 1, Threshold: 0}}},
		{AppID: "app-4", AttemptID: "2", RunID: run.RunID, AppName: "nightly-etl ✓ 日本", StageID: ptr(int64(0)), StageAttemptID: ptr(int64(0)),
			Detector: "tiny_tasks", Severity: "low", Score: 0.2, Title: "Tasks shorter than 100 ms", EstWasteUSD: 0.1,
			Evidence:        []analyze.Evidence{{Metric: "task_duration_ms_p50", Value: 40, Threshold: 100}},
			Recommendations: []analyze.Recommendation{{Key: "spark.sql.shuffle.partitions", Current: "", Proposed: "24", Reason: "fewer, larger tasks"}}},
	}
}

func diagnoses() []analyze.DiagnosisRow {
	return []analyze.DiagnosisRow{
		{AppID: "app-1", AttemptID: "1", RunID: run.RunID, Time: nov25 + 7_300_789, Model: "gemini-2.5-flash",
			PromptSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", InputTokens: 1200, OutputTokens: 300,
			LatencyMS: 2345, Status: "ok", Bottleneck: "shuffle", RootCause: "Skewed join key customer_id", Rationale: "One partition holds 12× the median",
			Confidence: "high", CodeAdvice: []string{"Salt the customer_id join key"},
			Configs: []analyze.ConfigAdvice{
				{Key: "spark.sql.adaptive.skewJoin.enabled", Current: "false", Proposed: "true", Reason: "split skewed partitions", Valid: true},
				{Key: "spark.fake.key", Proposed: "1", Reason: "made up", Valid: false},
			},
			RejectedKeys: []string{"spark.fake.key"}, CostUSD: 0.0012},
		{AppID: "app-2", AttemptID: "1", RunID: run.RunID, Time: nov26 + 70_000, Status: "skipped_budget"},
	}
}

// appDays maps an app attempt to its dt partition: the day it ended, or of
// its last event when it did not end.
func appDays() map[[2]string]string {
	days := map[[2]string]string{}
	for _, a := range apps() {
		days[[2]string{a.AppID, a.AttemptID}] = appDay(a)
	}
	return days
}

func appDay(a analyze.AppRecord) string {
	switch {
	case a.EndTime != nil:
		return table.Day(*a.EndTime)
	case a.LastEventTime != nil:
		return table.Day(*a.LastEventTime)
	}
	return table.Day(0)
}

// writeDataset writes the five tables into a fresh folder and returns it.
func writeDataset(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	st, err := local.New(root)
	if err != nil {
		t.Fatal(err)
	}
	days := appDays()
	write(t, st, "apps", apps(), appDay)
	write(t, st, "stages", stages(), func(r extract.StageRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	write(t, st, "executors", executors(), func(r extract.ExecutorRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	write(t, st, "findings", findings(), func(r analyze.FindingRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	write(t, st, "diagnoses", diagnoses(), func(r analyze.DiagnosisRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	return root
}

func write[T any](t *testing.T, st store.Store, name string, rows []T, dayOf func(T) string) {
	t.Helper()
	if _, err := table.WriteTable(context.Background(), st, name, rows, dayOf, run); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
}

// TestGoRoundTrip reads the planted dataset back with ReadTable from the
// local store: what sparkmine report and diagnose do.
func TestGoRoundTrip(t *testing.T) {
	root := writeDataset(t)
	st, err := local.New(root)
	if err != nil {
		t.Fatal(err)
	}
	checkRead(t, st, "apps", apps(), appDay)
	days := appDays()
	checkRead(t, st, "findings", findings(), func(r analyze.FindingRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	checkRead(t, st, "diagnoses", diagnoses(), func(r analyze.DiagnosisRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	checkRead(t, st, "stages", stages(), func(r extract.StageRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
	checkRead(t, st, "executors", executors(), func(r extract.ExecutorRow) string { return days[[2]string{r.AppID, r.AttemptID}] })
}

// checkRead reads table back and compares it with the rows written, in the
// order ReadTable promises: by day, then input order.
func checkRead[T any](t *testing.T, st store.Store, name string, written []T, dayOf func(T) string) {
	t.Helper()
	got, err := table.ReadTable[T](context.Background(), st, name, nil)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	want := slices.Clone(written)
	slices.SortStableFunc(want, func(a, b T) int { return strings.Compare(dayOf(a), dayOf(b)) })
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s read back (-written +read):\n%s", name, diff)
	}
}
