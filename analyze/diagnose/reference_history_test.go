package diagnose

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze/history"
)

// jobHistory is a job whose earlier advice to raise the shuffle
// partitions to 800 regressed and whose skew-join advice helped.
func jobHistory() *JobHistory {
	runs := make([]history.Run, 6)
	for i := range runs {
		runs[i] = history.Run{AppID: string(rune('a' + i)), JobKey: "orders_<date>", EndMS: int64(i), DurationMS: 3_600_000 + int64(i)*1000, CostUSD: 4,
			ExecutorTimeMS: 1.44e8, TaskTimeMS: 1e8, InputBytes: 50 << 30}
	}
	b, ok := history.NewBaseline(history.Run{AppID: "tonight", JobKey: "orders_<date>", EndMS: 99}, runs, history.DefaultConfig())
	d := -0.8
	return NewJobHistory("orders_<date>", b, ok, []history.OutcomeRow{
		{Key: "spark.sql.shuffle.partitions", Proposed: "800", SourceKind: "diagnosis", Verdict: history.Regressed},
		{Key: "spark.sql.adaptive.skewJoin.enabled", Proposed: "true", SourceKind: "shuffle_skew", Verdict: history.Helped, DeltaCostUSD: &d},
	})
}

// The job's history is in the reference (baseline and earlier outcomes),
// the query says what not to propose, the prompt is the same on every
// build, and an answer proposing the regressed change has it rejected.
func TestDiagnosisLearnsFromHistory(t *testing.T) {
	c := cand("app-1", 1, "critical")
	c.History = jobHistory()
	cfg := DefaultConfig()
	p, err := buildPrompt(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		JobHistory *JobHistory `json:"job_history"`
	}
	if err := json.Unmarshal([]byte(p.Reference), &ref); err != nil {
		t.Fatal(err)
	}
	h := ref.JobHistory
	if h == nil || h.Runs != 6 || h.Baseline["duration_ms"].Median != 3_602_000 || h.Baseline["task_time_ms"].Median != 1e8 || len(h.Advice) != 2 || h.Advice[0].Verdict != history.Regressed ||
		strings.Join(h.Avoid, ",") != "spark.sql.shuffle.partitions=800" {
		t.Fatalf("reference's job history %+v", h)
	}
	if !strings.Contains(p.Query, "job_history.do_not_propose") {
		t.Errorf("the query does not say what not to propose: %s", p.Query)
	}
	if again, _ := buildPrompt(c, cfg); again.SHA256 != p.SHA256 {
		t.Error("the same candidate gave two prompts")
	}
	if plain, _ := buildPrompt(cand("app-1", 1, "critical"), cfg); strings.Contains(plain.Query, "do_not_propose") || strings.Contains(plain.Reference, "job_history") {
		t.Error("a candidate without history is told of one")
	}

	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	d := newTestDiagnoser(t, testConfig(f), &memCache{})
	r := d.Run(context.Background(), "run", []Candidate{c})[0]
	for _, cf := range r.Configs {
		want := cf.Key != "spark.sql.shuffle.partitions"
		if cf.Valid != want || !want && !strings.Contains(cf.WhyNot, "outcome regressed") {
			t.Errorf("config %s=%s valid %v (%s), want %v", cf.Key, cf.Proposed, cf.Valid, cf.WhyNot, want)
		}
	}
	if strings.Join(r.RejectedKeys, ",") != "spark.sql.shuffle.partitions" {
		t.Errorf("rejected keys %v", r.RejectedKeys)
	}
}
