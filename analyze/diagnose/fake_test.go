package diagnose

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm/llmtest"
	"github.com/sparkmine/sparkmine/extract"
)

// The fake Gemini endpoint of package llmtest, under this package's names.
const testAPIKey = llmtest.APIKey

type genRequest = llmtest.Request

func newFake(t *testing.T, answer func(n int, req genRequest) (int, any)) *llmtest.Server {
	return llmtest.New(t, answer)
}

var (
	okAnswer = llmtest.OKAnswer
	apiError = llmtest.APIError
)

// goodAnswer is a well-formed answer with two valid changes.
const goodAnswer = `{"bottleneck":"shuffle skew","root_cause":"one partition of stage 3 reads 40x the median",
"rationale":"task_shuffle_read_bytes max is 40x p50","confidence":"high",
"configs":[{"key":"spark.sql.adaptive.skewJoin.enabled","current":"false","proposed":"true","reason":"split skewed partitions"},
{"key":"spark.sql.shuffle.partitions","current":"200","proposed":"800","reason":"smaller partitions"}],
"code_advice":["salt the join key"]}`

// testConfig is the gemini-mode config pointed at f, with tiny delays.
func testConfig(f *llmtest.Server) Config {
	cfg := DefaultConfig()
	cfg.Mode = ModeGemini
	cfg.BaseURL = f.URL()
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
