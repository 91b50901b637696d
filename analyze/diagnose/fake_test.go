package diagnose

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
)

// testAPIKey is what the fake server expects in x-goog-api-key.
const testAPIKey = "test-key-5f0c2e9a7b"

// fakeGemini is a local server speaking the Gemini REST API:
// POST /v1beta/models/{model}:generateContent and :countTokens. It records
// every request body.
type fakeGemini struct {
	srv *httptest.Server

	// answer returns the HTTP status and JSON body of the n-th (1-based)
	// generateContent call; req is its decoded body.
	answer func(n int, req genRequest) (int, any)
	// tokensPerCount is what countTokens answers (0: bytes/4).
	tokensPerCount int
	delay          time.Duration

	mu                 sync.Mutex
	bodies             []string // every request body, in arrival order
	generates, counts  int
	inFlight, maxInFli int
}

// genRequest is the part of a generateContent body the tests look at.
type genRequest struct {
	Contents []struct {
		Role  string `json:"role"`
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
	GenerationConfig struct {
		ResponseMIMEType string          `json:"responseMimeType"`
		ResponseSchema   json.RawMessage `json:"responseSchema"`
		MaxOutputTokens  int             `json:"maxOutputTokens"`
	} `json:"generationConfig"`
}

// text is all the user text of the request.
func (r genRequest) text() string {
	var b strings.Builder
	for _, c := range r.Contents {
		for _, p := range c.Parts {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func newFake(t *testing.T, answer func(n int, req genRequest) (int, any)) *fakeGemini {
	t.Helper()
	f := &fakeGemini{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Setenv("GEMINI_API_KEY", testAPIKey)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	t.Setenv("GOOGLE_GENAI_USE_ENTERPRISE", "")
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "")
	return f
}

func (f *fakeGemini) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.inFlight++
	f.maxInFli = max(f.maxInFli, f.inFlight)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
	time.Sleep(f.delay)

	if r.Header.Get("x-goog-api-key") != testAPIKey {
		writeJSON(w, 403, apiError(403, "PERMISSION_DENIED", "bad key"))
		return
	}
	model, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1beta/models/"), ":")
	if r.Method != http.MethodPost || !ok || model == "" || !strings.HasPrefix(r.URL.Path, "/v1beta/models/") {
		writeJSON(w, 404, apiError(404, "NOT_FOUND", "no route "+r.URL.Path))
		return
	}
	switch method {
	case "countTokens":
		f.mu.Lock()
		f.counts++
		f.mu.Unlock()
		n := f.tokensPerCount
		if n == 0 {
			n = len(body) / 4
		}
		writeJSON(w, 200, map[string]any{"totalTokens": n})
	case "generateContent":
		var req genRequest
		if err := json.Unmarshal(body, &req); err != nil {
			writeJSON(w, 400, apiError(400, "INVALID_ARGUMENT", err.Error()))
			return
		}
		f.mu.Lock()
		f.generates++
		n := f.generates
		f.mu.Unlock()
		status, resp := f.answer(n, req)
		writeJSON(w, status, resp)
	default:
		writeJSON(w, 404, apiError(404, "NOT_FOUND", "no method "+method))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(code int, status, msg string) map[string]any {
	return map[string]any{"error": map[string]any{"code": code, "status": status, "message": msg}}
}

// okAnswer is a generateContent response whose only part is text.
func okAnswer(text string) map[string]any {
	return map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP",
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 1200, "candidatesTokenCount": 150,
			"thoughtsTokenCount": 50, "totalTokenCount": 1400},
		"modelVersion": "gemini-2.5-flash",
	}
}

func (f *fakeGemini) stats() (generates, counts int, bodies []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.generates, f.counts, append([]string(nil), f.bodies...)
}

// goodAnswer is a well-formed answer with two valid changes.
const goodAnswer = `{"bottleneck":"shuffle skew","root_cause":"one partition of stage 3 reads 40x the median",
"rationale":"task_shuffle_read_bytes max is 40x p50","confidence":"high",
"configs":[{"key":"spark.sql.adaptive.skewJoin.enabled","current":"false","proposed":"true","reason":"split skewed partitions"},
{"key":"spark.sql.shuffle.partitions","current":"200","proposed":"800","reason":"smaller partitions"}],
"code_advice":["salt the join key"]}`

// testConfig is the gemini-mode config pointed at f, with tiny delays.
func testConfig(f *fakeGemini) Config {
	cfg := DefaultConfig()
	cfg.Mode = ModeGemini
	cfg.BaseURL = f.srv.URL
	cfg.RetryBaseDelay = time.Millisecond
	cfg.Retries = 3
	cfg.Timeout = 5 * time.Second
	cfg.CountTokens = false
	return cfg
}

// memCache is a Cache in memory.
type memCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	gets int
}

func (c *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	v, ok := c.m[key]
	return v, ok, nil
}

func (c *memCache) Put(_ context.Context, key string, val []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = val
	return nil
}

func i64(v int64) *int64 { return &v }

// testApp is a small flagged app: one skewed stage, a failed job, a lost
// executor and a plan.
func testApp(id string) *extract.App {
	return &extract.App{
		Row: extract.AppRow{AppID: id, AttemptID: "1", SparkVersion: "3.5.1", Status: "succeeded",
			DurationMS: 3_600_000, Jobs: 4, Stages: 6, Tasks: 2400, ExecutorCores: 4, ExecutorMemoryMB: 8192,
			TotalExecutors: 10, MaxExecutors: 10, ShuffleReadBytes: 50 << 30},
		Conf: map[string]string{
			"spark.executor.memory":               "8g",
			"spark.sql.shuffle.partitions":        "200",
			"spark.sql.adaptive.skewJoin.enabled": "false",
		},
		Stages: []extract.StageRow{{AppID: id, StageID: 3, Name: "join at Job.scala:42", Status: "COMPLETE",
			Tasks: 200, DurationMS: 1_800_000, ShuffleReadBytes: 40 << 30,
			TaskDurationMSP50: 2000, TaskDurationMSMax: 900_000, TaskShuffleReadBytesP50: 100 << 20,
			TaskShuffleReadBytesMax: 4 << 30, DurationSkew: 450, ShuffleSkew: 40}},
		Executors: []extract.ExecutorRow{{ExecutorID: "driver"}, {ExecutorID: "1", Cores: 4,
			RemovedReason: "Container killed by YARN for exceeding memory limits"}},
		Jobs: []extract.Job{{JobID: 2, Result: "JobFailed", FailureMessage: "Job aborted due to stage failure"}},
	}
}

func testFindings(id, severity string) []analyze.FindingRow {
	return []analyze.FindingRow{{AppID: id, AttemptID: "1", StageID: i64(3), Detector: "shuffle_skew",
		Severity: severity, Score: 0.9, Title: "Shuffle skew in stage 3",
		Evidence: []analyze.Evidence{{Metric: "shuffle_skew", Value: 40, Threshold: 5}}}}
}

func cand(id string, cost float64, severity string) Candidate {
	return Candidate{App: testApp(id), Findings: testFindings(id, severity), Result: analyze.AppResult{EstCostUSD: cost}}
}

// costTag is how a request shows which app it is about: the app's cost
// in the reference information (app ids are not sent).
func costTag(cost float64) string { return fmt.Sprintf(`"est_cost_usd":%v`, cost) }
