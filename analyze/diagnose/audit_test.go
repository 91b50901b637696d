package diagnose

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract"
)

// Every row names a stored prompt whose SHA-256 is its prompt_sha256, and
// a stored raw response, valid or not; the row says what the API said of
// itself, which build and config ran, and which findings the model saw.
func TestAuditTrail(t *testing.T) {
	f := newFake(t, func(n int, _ genRequest) (int, any) {
		if n == 2 {
			return 200, okAnswer("not json at all")
		}
		return 200, okAnswer(goodAnswer)
	})
	cfg := testConfig(f)
	cfg.Concurrency = 1
	m, err := llm.NewGemini(context.Background(), cfg.Gemini())
	if err != nil {
		t.Fatal(err)
	}
	audit := &memCache{}
	d, err := New(cfg, Deps{Model: m, Audit: audit, Version: "v1.2.3+abc", ConfigSHA256: "cfg-sha"})
	if err != nil {
		t.Fatal(err)
	}
	cands := []Candidate{cand("app-1", 3, "severe"), cand("app-2", 2, "critical")}
	rows := d.Run(context.Background(), "run-1", cands)
	if len(rows) != 2 || rows[0].Status != StatusOK || rows[1].Status != StatusInvalid {
		t.Fatalf("rows %+v, want ok then invalid", rows)
	}
	for i, r := range rows {
		prompt, ok := audit.m[PromptName(r.PromptSHA256)]
		if !ok || fmt.Sprintf("%x", sha256.Sum256(prompt)) != r.PromptSHA256 {
			t.Errorf("row %d: prompt %s stored %v, its sha256 %s", i, r.PromptSHA256, ok, fmt.Sprintf("%x", sha256.Sum256(prompt)))
		}
		resp, ok := audit.m[ResponseName(r.PromptSHA256, r.ResponseSHA256)]
		if !ok || fmt.Sprintf("%x", sha256.Sum256(resp)) != r.ResponseSHA256 || !strings.Contains(string(resp), `"responseId"`) {
			t.Errorf("row %d: response %q stored %v", i, r.ResponseSHA256, ok)
		}
		want := analyze.FindingID(cands[i].Findings[0])
		if r.ModelVersion != "gemini-2.5-flash-001" || r.ResponseID != "resp-xxxxxxxx" || r.FinishReason != "STOP" ||
			len(r.SafetyRatings) != 1 || r.SparkmineVersion != "v1.2.3+abc" || r.ConfigSHA256 != "cfg-sha" ||
			len(r.FindingIDs) != 1 || r.FindingIDs[0] != want {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if !strings.Contains(string(audit.m[ResponseName(rows[1].PromptSHA256, rows[1].ResponseSHA256)]), "not json at all") {
		t.Error("the invalid answer's text was not kept")
	}
	var show strings.Builder
	if err := ShowChain(context.Background(), &show, rows, cands[0].Findings, audit); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SHA-256 verified", "accepted spark.sql.shuffle.partitions = 800", "shuffle_skew stage 3"} {
		if !strings.Contains(show.String(), want) {
			t.Errorf("the chain lacks %q:\n%s", want, show.String())
		}
	}
	audit.m[PromptName(rows[0].PromptSHA256)] = []byte("tampered")
	show.Reset()
	_ = ShowChain(context.Background(), &show, rows[:1], nil, audit)
	if !strings.Contains(show.String(), "ALTERED") {
		t.Errorf("a tampered prompt was not flagged:\n%s", show.String())
	}
}

// A proposal is checked against the app's own Spark version and plugins,
// and a rejection says why.
func TestProposalsCheckedForTheAppsVersion(t *testing.T) {
	const answer = `{"bottleneck":"memory","root_cause":"r","rationale":"x","confidence":"low","configs":[
{"key":"spark.executor.memoryOverhead","current":"","proposed":"2g","reason":"r"},
{"key":"spark.yarn.executor.memoryOverhead","current":"","proposed":"2048","reason":"r"},
{"key":"spark.memory.fraction","current":"","proposed":"5","reason":"r"},
{"key":"spark.rapids.sql.concurrentGpuTasks","current":"","proposed":"2","reason":"r"}],"code_advice":[]}`
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(answer) })
	c := cand("app-old", 1, "severe")
	c.App.Row.SparkVersion = "2.2.0"
	r := newTestDiagnoser(t, testConfig(f), nil).DiagnoseOne(context.Background(), "run", c)
	want := map[string]string{
		"spark.executor.memoryOverhead":       "added in Spark 2.3.0",
		"spark.yarn.executor.memoryOverhead":  "",
		"spark.memory.fraction":               "(0, 1)",
		"spark.rapids.sql.concurrentGpuTasks": "does not configure",
	}
	if len(r.Configs) != len(want) {
		t.Fatalf("configs %+v", r.Configs)
	}
	for _, c := range r.Configs {
		why := want[c.Key]
		if c.Valid != (why == "") || !strings.Contains(c.WhyNot, why) {
			t.Errorf("%s: valid %v, why not %q; want %q", c.Key, c.Valid, c.WhyNot, why)
		}
	}
}

// stubModel answers from a list, one answer per call; tests hand it in.
type stubModel struct {
	mu    sync.Mutex
	errs  []error
	texts []string
	reqs  []llm.Request
}

func (m *stubModel) Generate(_ context.Context, req llm.Request) (llm.Response, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.reqs)
	m.reqs = append(m.reqs, req)
	if n < len(m.errs) && m.errs[n] != nil {
		return llm.Response{}, m.errs[n]
	}
	return llm.Response{Text: m.texts[0], FinishReason: "STOP", Raw: []byte(`{"n":` + strconv.Itoa(n) + `}`)}, nil
}

// A context-too-long answer shrinks the reference by priority and retries
// once; a second one is an error row.
func TestTooLongShrinksAndRetriesOnce(t *testing.T) {
	tooLong := fmt.Errorf("gemini: HTTP 400: input too long: %w", llm.ErrTooLong)
	c := cand("big", 1, "severe")
	for i := range 40 {
		c.App.Stages = append(c.App.Stages, extract.StageRow{StageID: int64(100 + i), DurationMS: int64(i),
			Name: strings.Repeat("stage name ", 30)})
	}
	m := &stubModel{errs: []error{tooLong}, texts: []string{goodAnswer}}
	audit := &memCache{}
	d, err := New(DefaultConfig(), Deps{Model: m, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := d.Prompt(c)
	r := d.DiagnoseOne(context.Background(), "run", c)
	if r.Status != StatusOK || len(m.reqs) != 2 || r.PromptSHA256 == full.SHA256 {
		t.Fatalf("status %s, %d calls, prompt %s (full %s)", r.Status, len(m.reqs), r.PromptSHA256, full.SHA256)
	}
	if len(m.reqs[1].Parts[0]) >= len(m.reqs[0].Parts[0]) || !strings.Contains(m.reqs[1].Parts[0], `"truncated"`) {
		t.Errorf("the retry's reference is not smaller or does not say what was cut")
	}
	if _, ok := audit.m[PromptName(r.PromptSHA256)]; !ok {
		t.Error("the shrunk prompt was not stored")
	}
	m2 := &stubModel{errs: []error{tooLong, tooLong, tooLong}, texts: []string{goodAnswer}}
	d2, _ := New(DefaultConfig(), Deps{Model: m2})
	if r := d2.DiagnoseOne(context.Background(), "run", c); r.Status != StatusError || len(m2.reqs) != 2 {
		t.Errorf("twice too long: status %s after %d calls, want error after 2", r.Status, len(m2.reqs))
	}
}

// Proposals are checked together against the app's containers: each fits
// alone, together they pass the ceiling; on a known node, its cores and
// 90 % of its memory bound them.
func TestProposalsFitTheContainer(t *testing.T) {
	const answer = `{"bottleneck":"memory","root_cause":"r","rationale":"x","confidence":"low","configs":[
{"key":"spark.executor.memory","current":"","proposed":"40g","reason":"r"},
{"key":"spark.executor.memoryOverhead","current":"","proposed":"26g","reason":"r"},
{"key":"spark.executor.cores","current":"","proposed":"32","reason":"r"},
{"key":"spark.memory.storageFraction","current":"","proposed":"0","reason":"r"}],"code_advice":[]}`
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(answer) })
	for _, tt := range []struct {
		name      string
		nodeMiB   int64
		nodeCores int64
		want      map[string]string
	}{
		{"ceiling 64g, node unknown", 0, 0, map[string]string{"spark.executor.memory": "64g container ceiling",
			"spark.executor.memoryOverhead": "64g container ceiling", "spark.executor.cores": "", "spark.memory.storageFraction": ""}},
		{"a 128 GiB node of 16 cores", 128 << 10, 16, map[string]string{"spark.executor.memory": "",
			"spark.executor.memoryOverhead": "", "spark.executor.cores": "node's 16 cores", "spark.memory.storageFraction": ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(f)
			m, err := llm.NewGemini(context.Background(), cfg.Gemini())
			if err != nil {
				t.Fatal(err)
			}
			d, err := New(cfg, Deps{Model: m, NodeMiB: tt.nodeMiB, NodeCores: tt.nodeCores})
			if err != nil {
				t.Fatal(err)
			}
			c := cand("app-fit", 1, "severe")
			c.App.Row.SparkVersion = "3.5.1"
			r := d.DiagnoseOne(context.Background(), "run", c)
			for _, c := range r.Configs {
				why := tt.want[c.Key]
				if c.Valid != (why == "") || !strings.Contains(c.WhyNot, why) || c.Valid == slices.Contains(r.RejectedKeys, c.Key) {
					t.Errorf("%s: valid %v, why not %q, rejected %v; want %q", c.Key, c.Valid, c.WhyNot, r.RejectedKeys, why)
				}
			}
		})
	}
}

// The system instruction states what a proposal must fit, so the model
// can keep within it: the ceiling, the app's own larger containers, or a
// known node's memory and cores.
func TestSystemInstructionStatesTheBounds(t *testing.T) {
	for _, tt := range []struct {
		name              string
		heap              string
		nodeMiB, nodeCore int64
		want              string
	}{
		{"ceiling", "8g", 0, 0, "of at most 64g; changes"},
		{"the app ran bigger", "90g", 0, 0, "of at most 99g; changes"},
		{"a 128 GiB node of 16 cores", "8g", 128 << 10, 16, "of at most 117964m and spark.executor.cores of at most 16;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(DefaultConfig(), Deps{NodeMiB: tt.nodeMiB, NodeCores: tt.nodeCore})
			if err != nil {
				t.Fatal(err)
			}
			c := cand("app-bounds", 1, "severe")
			c.App.Conf = map[string]string{"spark.executor.memory": tt.heap}
			p, err := d.Prompt(c)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.System, "7. Proposed settings must fit where the app runs: ") || !strings.Contains(p.System, tt.want) {
				t.Errorf("system instruction lacks %q:\n%s", tt.want, p.System)
			}
		})
	}
}
