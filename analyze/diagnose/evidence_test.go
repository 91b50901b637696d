package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
)

// Stages are picked from the evidence: the first failure, the other
// failed ones, the flagged ones, then the slowest.
func TestPickStages(t *testing.T) {
	at := func(v int64) *int64 { return &v }
	a := &extract.App{Stages: []extract.StageRow{
		{StageID: 1, DurationMS: 900_000},                                       // slowest
		{StageID: 2, DurationMS: 10, Status: "FAILED", CompletionTime: at(500)}, // failed later
		{StageID: 3, DurationMS: 20, FailedTasks: 4, CompletionTime: at(100)},   // lost tasks, completed
		{StageID: 4, DurationMS: 30, Status: "FAILED", CompletionTime: at(200)}, // first failure
		{StageID: 5, DurationMS: 40},                                            // flagged moderate
		{StageID: 6, DurationMS: 5},                                             // flagged critical
		{StageID: 7, DurationMS: 50_000},                                        // second slowest
	}}
	fs := []analyze.FindingRow{{StageID: i64(5), Severity: "moderate"}, {StageID: i64(6), Severity: "critical"}}
	var got []string
	for _, p := range pickStages(a, fs) {
		got = append(got, fmt.Sprintf("%d:%s", p.st.StageID, p.why))
	}
	want := "[4:root_cause 2:failed 3:failed 6:flagged 5:flagged 1:slowest 7:slowest]"
	if fmt.Sprint(got) != want {
		t.Errorf("picked %v\nwant   %s", got, want)
	}
}

// The reference carries the deployment, a local app's one executor, the
// failed stage's breakdown and job, collapsed messages, plugin settings
// and only the rule recommendations that pass their checks.
func TestReferenceFromEvidence(t *testing.T) {
	app := testApp("gpu")
	app.Conf["spark.master"] = "local[8]"
	app.Conf["spark.plugins"] = "com.nvidia.spark.SQLPlugin"
	app.Conf["spark.rapids.sql.concurrentGpuTasks"] = "2"
	app.Row.TotalExecutors, app.Row.MaxExecutors = 0, 0
	sql := int64(7)
	app.Stages = append(app.Stages, extract.StageRow{StageID: 9, Status: "FAILED", FailedTasks: 12, FetchFailures: 2,
		ExecutorLostFailures: 3, FailureReason: "Job aborted: GpuOutOfMemory (worker-9 executor 1)"})
	app.Jobs = []extract.Job{{JobID: 4, StageIDs: []int64{9}, SQLExecutionID: &sql, Description: "INSERT INTO t",
		FailureMessage: "boom"}, {JobID: 5, FailureMessage: "boom"}, {JobID: 6, FailureMessage: "boom"}}
	fs := testFindings("gpu", "severe")
	fs[0].Recommendations = []analyze.Recommendation{
		{Key: "spark.sql.shuffle.partitions", Proposed: "800", Reason: "good"},
		{Key: "spark.memory.fraction", Proposed: "5", Reason: "wrong"},
	}
	p, err := buildPrompt(Candidate{App: app, Findings: fs}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Deployment string `json:"deployment"`
		Conf       map[string]string
		Executors  struct {
			Count int
			Note  string
		}
		Stages []struct {
			StageID   int64  `json:"stage_id"`
			Why       string `json:"why"`
			Job       string `json:"job_description"`
			SQL       *int64 `json:"sql_execution_id"`
			Breakdown *struct {
				FetchFailed  int64 `json:"fetch_failed"`
				ExecutorLost int64 `json:"executor_lost"`
				Other        int64 `json:"other"`
			} `json:"failure_breakdown"`
		}
		Findings []struct {
			Recs []analyze.Recommendation `json:"rule_based_recommendations"`
		}
		Failures struct {
			Jobs []failure `json:"jobs"`
		}
	}
	if err := json.Unmarshal([]byte(p.Reference), &ref); err != nil {
		t.Fatal(err)
	}
	s := ref.Stages[0]
	if s.StageID != 9 || s.Why != whyRootCause || s.Job != "INSERT INTO t" || s.SQL == nil || *s.SQL != 7 ||
		s.Breakdown == nil || s.Breakdown.FetchFailed != 2 || s.Breakdown.ExecutorLost != 3 || s.Breakdown.Other != 7 {
		t.Errorf("first stage %+v", s)
	}
	if !strings.HasPrefix(ref.Deployment, "local") || ref.Executors.Count != 1 || ref.Executors.Note == "" {
		t.Errorf("deployment %q executors %+v", ref.Deployment, ref.Executors)
	}
	if ref.Conf["spark.rapids.sql.concurrentGpuTasks"] != "2" || ref.Conf["spark.plugins"] == "" {
		t.Errorf("plugin settings missing: %v", ref.Conf)
	}
	if len(ref.Findings[0].Recs) != 1 || ref.Findings[0].Recs[0].Key != "spark.sql.shuffle.partitions" {
		t.Errorf("recommendations sent %+v, want only the one that passes", ref.Findings[0].Recs)
	}
	if len(ref.Failures.Jobs) != 1 || ref.Failures.Jobs[0].Count != 3 || len(ref.Failures.Jobs[0].IDs) != 3 {
		t.Errorf("job failures not collapsed: %+v", ref.Failures.Jobs)
	}
	if strings.Contains(p.Reference, "worker-9") {
		t.Error("a host reached the reference")
	}
}
