package diagnose

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// newTestDiagnoser is a Diagnoser whose model is Gemini as cfg says
// (pointed at a fake by testConfig).
func newTestDiagnoser(t *testing.T, cfg Config, cache Cache) *Diagnoser {
	t.Helper()
	m, err := llm.NewGemini(context.Background(), cfg.Gemini())
	if err != nil {
		t.Fatalf("NewGemini: %v", err)
	}
	d, err := New(cfg, Deps{Model: m, Cache: cache, Redactor: testRedactor(t, cfg)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// buildPrompt is the prompt a Diagnoser with cfg builds for c.
func buildPrompt(c Candidate, cfg Config) (Prompt, error) {
	red, err := redact.New(cfg.RedactPatterns...)
	if err != nil {
		return Prompt{}, err
	}
	d, err := New(cfg, Deps{Redactor: red})
	if err != nil {
		return Prompt{}, err
	}
	return d.Prompt(c)
}

// testRedactor is the one redactor cmd builds from cfg's patterns.
func testRedactor(t *testing.T, cfg Config) *redact.Redactor {
	t.Helper()
	red, err := redact.New(cfg.RedactPatterns...)
	if err != nil {
		t.Fatal(err)
	}
	return red
}

// The request carries the three prompt parts, the schema and JSON mode;
// a well-formed answer becomes an ok row with tokens, cost and configs.
func TestRequestCarriesPromptAndSchema(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	cfg := testConfig(f)
	d := newTestDiagnoser(t, cfg, nil)
	c := cand("app-1", 10, "severe")
	rows := d.Run(context.Background(), "run-1", []Candidate{c})

	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	r := rows[0]
	if r.Status != StatusOK || r.Error != "" {
		t.Fatalf("status %q error %q, want ok", r.Status, r.Error)
	}
	p, err := buildPrompt(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, _, bodies := f.Stats()
	var req genRequest
	if err := json.Unmarshal([]byte(bodies[0]), &req); err != nil {
		t.Fatal(err)
	}
	if req.SystemInstruction == nil || req.SystemInstruction.Parts[0].Text != p.System {
		t.Errorf("system instruction not sent as such")
	}
	if !strings.Contains(req.Text(), p.Reference) || !strings.Contains(req.Text(), p.Query) {
		t.Errorf("user turn lacks the reference information or the query")
	}
	if req.GenerationConfig.ResponseMIMEType != "application/json" {
		t.Errorf("responseMimeType = %q", req.GenerationConfig.ResponseMIMEType)
	}
	for _, field := range []string{"bottleneck", "root_cause", "confidence", "configs", "code_advice", `"maxItems":5`} {
		if !strings.Contains(string(req.GenerationConfig.ResponseSchema), field) {
			t.Errorf("response schema lacks %s: %s", field, req.GenerationConfig.ResponseSchema)
		}
	}
	want := analyze.DiagnosisRow{AppID: "app-1", AttemptID: "1", RunID: "run-1", Model: cfg.Model,
		PromptSHA256: p.SHA256, InputTokens: 1200, OutputTokens: 200, Status: StatusOK,
		Bottleneck: "shuffle skew", Confidence: "high", CodeAdvice: []string{"salt the join key"}}
	if r.AppID != want.AppID || r.RunID != want.RunID || r.Model != want.Model || r.PromptSHA256 != want.PromptSHA256 ||
		r.InputTokens != want.InputTokens || r.OutputTokens != want.OutputTokens || r.Bottleneck != want.Bottleneck ||
		r.Confidence != want.Confidence || !slices.Equal(r.CodeAdvice, want.CodeAdvice) {
		t.Errorf("row = %+v\nwant  %+v", r, want)
	}
	if wantCost := 1200*0.30/1e6 + 200*2.50/1e6; math.Abs(r.CostUSD-wantCost) > 1e-12 {
		t.Errorf("cost = %v, want %v", r.CostUSD, wantCost)
	}
	if len(r.Configs) != 2 || !r.Configs[0].Valid || !r.Configs[1].Valid || len(r.RejectedKeys) != 0 {
		t.Errorf("configs %+v rejected %v, want two valid", r.Configs, r.RejectedKeys)
	}
	if r.Configs[0].Current != "false" {
		t.Errorf("current of %s = %q, want the app's own value", r.Configs[0].Key, r.Configs[0].Current)
	}
}

// Each kind of answer gets its status; a malformed one is never half-used.
func TestAnswers(t *testing.T) {
	withText := func(s string) any { return okAnswer(s) }
	tests := []struct {
		name     string
		resp     any
		status   string
		valid    []string // keys kept valid
		rejected []string
		errHas   string
	}{
		{"well-formed", withText(goodAnswer), StatusOK,
			[]string{"spark.sql.adaptive.skewJoin.enabled", "spark.sql.shuffle.partitions"}, nil, ""},
		{"not JSON", withText("The bottleneck is shuffle skew."), StatusInvalid, nil, nil, "not a JSON object"},
		{"empty", withText(""), StatusInvalid, nil, nil, "empty answer"},
		{"truncated JSON", withText(goodAnswer[:80]), StatusInvalid, nil, nil, "not a JSON object"},
		{"missing field", withText(`{"bottleneck":"x","root_cause":"y","rationale":"z","configs":[],"code_advice":[]}`),
			StatusInvalid, nil, nil, `"confidence"`},
		{"confidence out of enum", withText(strings.Replace(goodAnswer, `"high"`, `"certain"`, 1)),
			StatusInvalid, nil, nil, "confidence"},
		{"extra field", withText(strings.Replace(goodAnswer, `"confidence"`, `"mood":"ok","confidence"`, 1)),
			StatusInvalid, nil, nil, "unknown field"},
		{"config without proposed", withText(`{"bottleneck":"x","root_cause":"y","rationale":"z","confidence":"low",
			"configs":[{"key":"spark.executor.memory","current":"","reason":"r"}],"code_advice":[]}`),
			StatusInvalid, nil, nil, `"proposed"`},
		{"too many configs", withText(`{"bottleneck":"x","root_cause":"y","rationale":"z","confidence":"low","configs":[` +
			strings.Repeat(`{"key":"spark.executor.memory","current":"","proposed":"4g","reason":"r"},`, 5) +
			`{"key":"spark.executor.memory","current":"","proposed":"4g","reason":"r"}],"code_advice":[]}`),
			StatusInvalid, nil, nil, "6 configs"},
		{"made-up key", withText(strings.Replace(goodAnswer, "spark.sql.shuffle.partitions", "spark.sql.turbo.enabled", 1)),
			StatusOK, []string{"spark.sql.adaptive.skewJoin.enabled"}, []string{"spark.sql.turbo.enabled"}, ""},
		{"bad value type", withText(strings.Replace(goodAnswer, `"proposed":"800"`, `"proposed":"lots"`, 1)),
			StatusOK, []string{"spark.sql.adaptive.skewJoin.enabled"}, []string{"spark.sql.shuffle.partitions"}, ""},
		{"placeholder value", withText(strings.Replace(goodAnswer, "spark.sql.shuffle.partitions\",\"current\":\"200\",\"proposed\":\"800",
			"spark.local.dir\",\"current\":\"\",\"proposed\":\"<path_1>", 1)),
			StatusOK, []string{"spark.sql.adaptive.skewJoin.enabled"}, []string{"spark.local.dir"}, ""},
		{"finish reason SAFETY", map[string]any{"candidates": []any{map[string]any{"finishReason": "SAFETY"}}},
			StatusRefused, nil, nil, "SAFETY"},
		{"finish reason PROHIBITED_CONTENT", map[string]any{"candidates": []any{map[string]any{"finishReason": "PROHIBITED_CONTENT"}}},
			StatusRefused, nil, nil, "PROHIBITED_CONTENT"},
		{"prompt blocked", map[string]any{"promptFeedback": map[string]any{"blockReason": "OTHER"}},
			StatusRefused, nil, nil, "blocked"},
		{"no candidates", map[string]any{"candidates": []any{}}, StatusInvalid, nil, nil, "no candidate"},
		{"MAX_TOKENS cut", map[string]any{"candidates": []any{map[string]any{
			"content": map[string]any{"parts": []any{map[string]any{"text": goodAnswer[:120]}}}, "finishReason": "MAX_TOKENS"}}},
			StatusInvalid, nil, nil, "MAX_TOKENS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(int, genRequest) (int, any) { return 200, tt.resp })
			cache := &memCache{}
			d := newTestDiagnoser(t, testConfig(f), cache)
			r := d.Run(context.Background(), "run", []Candidate{cand("app-1", 1, "critical")})[0]
			if r.Status != tt.status || !strings.Contains(r.Error, tt.errHas) {
				t.Fatalf("status %q error %q, want %q with %q", r.Status, r.Error, tt.status, tt.errHas)
			}
			var valid, rejected []string
			for _, c := range r.Configs {
				if c.Valid {
					valid = append(valid, c.Key)
				} else {
					rejected = append(rejected, c.Key)
				}
			}
			if !slices.Equal(valid, tt.valid) || !slices.Equal(rejected, tt.rejected) || !slices.Equal(r.RejectedKeys, tt.rejected) {
				t.Errorf("valid %v, invalid %v, rejected_keys %v; want %v and %v", valid, rejected, r.RejectedKeys, tt.valid, tt.rejected)
			}
			if tt.status != StatusOK {
				if r.Bottleneck != "" || r.RootCause != "" || len(r.CodeAdvice) != 0 || len(cache.m) != 0 {
					t.Errorf("a %s answer was used: %+v (cached %d)", tt.status, r, len(cache.m))
				}
			}
		})
	}
}

// 429 twice, then an answer: ok after three attempts.
func TestRetriesAfter429(t *testing.T) {
	f := newFake(t, func(n int, _ genRequest) (int, any) {
		if n <= 2 {
			return 429, apiError(429, "RESOURCE_EXHAUSTED", "quota")
		}
		return 200, okAnswer(goodAnswer)
	})
	d := newTestDiagnoser(t, testConfig(f), nil)
	r := d.Run(context.Background(), "run", []Candidate{cand("app-1", 1, "severe")})[0]
	if gen, _, _ := f.Stats(); r.Status != StatusOK || gen != 3 {
		t.Fatalf("status %q (%s) after %d attempts, want ok after 3", r.Status, r.Error, gen)
	}
}

// A persistent 500 for one app makes an error row; the other app is fine.
func TestPersistent500IsAnErrorRow(t *testing.T) {
	f := newFake(t, func(_ int, req genRequest) (int, any) {
		if strings.Contains(req.Text(), costTag(99)) {
			return 500, apiError(500, "INTERNAL", "boom")
		}
		return 200, okAnswer(goodAnswer)
	})
	cfg := testConfig(f)
	cfg.Concurrency = 1
	d := newTestDiagnoser(t, cfg, nil)
	rows := d.Run(context.Background(), "run", []Candidate{cand("bad", 99, "severe"), cand("good", 1, "severe")})
	if rows[0].AppID != "bad" || rows[0].Status != StatusError || !strings.Contains(rows[0].Error, "HTTP 500") ||
		!strings.Contains(rows[0].Error, "4 attempt") {
		t.Errorf("bad app row: %s %q", rows[0].Status, rows[0].Error)
	}
	if rows[1].AppID != "good" || rows[1].Status != StatusOK {
		t.Errorf("good app row: %s %q", rows[1].Status, rows[1].Error)
	}
	if gen, _, _ := f.Stats(); gen != cfg.Retries+1+1 {
		t.Errorf("%d generate calls, want %d", gen, cfg.Retries+2)
	}
	if strings.Contains(rows[0].Error, testAPIKey) {
		t.Error("error reason shows the API key")
	}
}

// A cached answer: a second run sends nothing and reports ok, cached, free.
func TestCachedAnswerSendsNothing(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	f.TokensPerCount = 500
	cfg := testConfig(f)
	cfg.CountTokens = true
	cache := &memCache{}
	c := cand("app-1", 1, "severe")
	first := newTestDiagnoser(t, cfg, cache).Run(context.Background(), "run-1", []Candidate{c})[0]
	gen1, cnt1, _ := f.Stats()
	if first.Status != StatusOK || first.Cached || gen1 != 1 || cnt1 != 1 {
		t.Fatalf("first run: %s cached=%v, %d generate %d count calls", first.Status, first.Cached, gen1, cnt1)
	}
	second := newTestDiagnoser(t, cfg, cache).Run(context.Background(), "run-2", []Candidate{c})[0]
	gen2, cnt2, _ := f.Stats()
	if gen2 != gen1 || cnt2 != cnt1 {
		t.Errorf("second run sent %d generate and %d count requests", gen2-gen1, cnt2-cnt1)
	}
	if second.Status != StatusOK || !second.Cached || second.InputTokens != 0 || second.OutputTokens != 0 || second.CostUSD != 0 {
		t.Errorf("second run row: %+v", second)
	}
	if second.Bottleneck != first.Bottleneck || len(second.Configs) != len(first.Configs) || second.PromptSHA256 != first.PromptSHA256 {
		t.Errorf("cached row differs: %+v vs %+v", second, first)
	}
	// Another model is another question.
	cfg.Model = "gemini-2.5-pro"
	third := newTestDiagnoser(t, cfg, cache).Run(context.Background(), "run-3", []Candidate{c})[0]
	if gen3, _, _ := f.Stats(); third.Cached || gen3 != gen2+1 {
		t.Errorf("a different model was served from the cache")
	}
}

// max_apps: exactly the N most costly flagged apps are sent, in cost order;
// the rest are skipped_budget rows; unflagged apps get no row.
func TestBudgetMaxApps(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	cfg := testConfig(f)
	cfg.MaxApps = 2
	d := newTestDiagnoser(t, cfg, nil)
	cands := []Candidate{cand("c", 30, "severe"), cand("a", 50, "critical"), cand("low", 1000, "moderate"),
		cand("e", 10, "severe"), cand("b", 40, "severe"), cand("d", 30, "severe")}
	rows := d.Run(context.Background(), "run", cands)

	var got []string
	for _, r := range rows {
		got = append(got, r.AppID+":"+r.Status)
	}
	want := []string{"a:ok", "b:ok", "c:skipped_budget", "d:skipped_budget", "e:skipped_budget"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if !strings.Contains(rows[2].Error, "max_apps 2") {
		t.Errorf("skip reason %q", rows[2].Error)
	}
	_, _, bodies := f.Stats()
	if len(bodies) != 2 || !containsAny(bodies, costTag(50)) || !containsAny(bodies, costTag(40)) {
		t.Errorf("sent %d requests, want the apps costing 50 and 40", len(bodies))
	}
}

// max_input_tokens (counted by countTokens) stops the run at the first
// app that would not fit; later, cheaper apps do not jump the queue.
func TestBudgetInputTokens(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	f.TokensPerCount = 1000
	cfg := testConfig(f)
	cfg.CountTokens = true
	d := newTestDiagnoser(t, cfg, nil)
	schemaTokens := Prompt{Schema: responseSchema(cfg.MaxConfigs)}.estimateTokens()
	cfg.MaxInputTokens = 2*(1000+schemaTokens) + 10
	d.cfg = cfg
	rows := d.Run(context.Background(), "run", []Candidate{cand("a", 3, "severe"), cand("b", 2, "severe"), cand("c", 1, "severe")})
	var got []string
	for _, r := range rows {
		got = append(got, r.Status)
	}
	if want := []string{"ok", "ok", "skipped_budget"}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if !strings.Contains(rows[2].Error, "max_input_tokens") {
		t.Errorf("skip reason %q", rows[2].Error)
	}
	if gen, cnt, _ := f.Stats(); gen != 2 || cnt != 3 {
		t.Errorf("%d generate, %d count calls; want 2 and 3", gen, cnt)
	}
}

// max_output_tokens is reserved per call at output_tokens_per_call.
func TestBudgetOutputTokens(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	cfg := testConfig(f)
	cfg.OutputTokensPerCall = 1000
	cfg.MaxOutputTokens = 2500
	d := newTestDiagnoser(t, cfg, nil)
	rows := d.Run(context.Background(), "run", []Candidate{cand("a", 3, "severe"), cand("b", 2, "severe"), cand("c", 1, "severe")})
	if rows[2].Status != StatusSkippedBudget || !strings.Contains(rows[2].Error, "max_output_tokens") || rows[1].Status != StatusOK {
		t.Errorf("rows: %s, %s %q", rows[1].Status, rows[2].Status, rows[2].Error)
	}
	_, _, bodies := f.Stats()
	var req genRequest
	_ = json.Unmarshal([]byte(bodies[0]), &req)
	if req.GenerationConfig.MaxOutputTokens != 1000 {
		t.Errorf("maxOutputTokens = %d, want 1000", req.GenerationConfig.MaxOutputTokens)
	}
}

// At most Concurrency calls are in flight.
func TestConcurrencyLimit(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	f.Delay = 30 * time.Millisecond
	cfg := testConfig(f)
	cfg.Concurrency = 2
	var cands []Candidate
	for i, id := range []string{"a", "b", "c", "d", "e", "f"} {
		cands = append(cands, cand(id, float64(10-i), "severe"))
	}
	rows := newTestDiagnoser(t, cfg, nil).Run(context.Background(), "run", cands)
	for _, r := range rows {
		if r.Status != StatusOK {
			t.Errorf("%s: %s %s", r.AppID, r.Status, r.Error)
		}
	}
	if m := f.MaxInFlight(); m > 2 || m < 1 {
		t.Errorf("max in flight %d, want 1..2", m)
	}
}

// dry-run writes every prompt and sends nothing.
func TestDryRunWritesPromptsAndSendsNothing(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	cfg := testConfig(f)
	cfg.CountTokens = true
	var mu sync.Mutex
	files := map[string][]byte{}
	write := func(_ context.Context, name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		files[name] = data
		return nil
	}
	d, err := New(cfg, Deps{Model: llm.DryRun{}, Cache: &memCache{}, WritePrompt: write})
	if err != nil {
		t.Fatal(err)
	}
	cands := []Candidate{cand("application_1_0001", 2, "severe"), cand("application_1_0002", 1, "critical")}
	rows := d.Run(context.Background(), "run", cands)
	if _, _, bodies := f.Stats(); len(bodies) != 0 {
		t.Fatalf("dry-run sent %d requests", len(bodies))
	}
	for i, r := range rows {
		p, _ := buildPrompt(cands[i], cfg)
		name := cands[i].App.Row.AppID + "_1_" + p.SHA256 + ".json"
		if r.Status != StatusDryRun || r.InputTokens != p.estimateTokens() || r.PromptSHA256 != p.SHA256 {
			t.Errorf("row %d: %+v", i, r)
		}
		var got struct {
			System    string          `json:"system_instruction"`
			Reference json.RawMessage `json:"reference_information"`
			Query     string          `json:"query"`
			Schema    json.RawMessage `json:"response_schema"`
		}
		if err := json.Unmarshal(files[name], &got); err != nil {
			t.Fatalf("prompt file %s: %v (files: %d)", name, err, len(files))
		}
		if got.System != p.System || got.Query != p.Query || len(got.Schema) == 0 || !json.Valid(got.Reference) {
			t.Errorf("prompt file %s lacks a part", name)
		}
	}
}

// containsAny reports whether the user text of any request holds s.
func containsAny(bodies []string, s string) bool {
	for _, b := range bodies {
		var req genRequest
		if json.Unmarshal([]byte(b), &req) == nil && strings.Contains(req.Text(), s) {
			return true
		}
	}
	return false
}
