package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sparkmine runs the command in-process and returns its exit code and output.
func sparkmine(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestRunOnBundledSamples(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	code, _, stderr := sparkmine(t, "run", "--out", out)
	if code != 0 {
		t.Fatalf("run on the samples: exit %d\n%s", code, stderr)
	}
	for _, tbl := range []string{"apps", "stages", "executors", "findings"} {
		parts, _ := filepath.Glob(filepath.Join(out, tbl, "dt=*", "*.parquet"))
		if len(parts) == 0 {
			t.Errorf("no %s parts written", tbl)
		}
	}
	if s := lastRecord(t, stderr, "run summary"); s["skipped_incomplete"] != 1.0 || s["processed"] != 6.0 {
		t.Errorf("summary = %v, want 6 processed and 1 in progress skipped", s)
	}
	if s := lastRecord(t, stderr, "look at the dataset"); !strings.Contains(s["report"].(string), "sparkmine report --out "+out) {
		t.Errorf("the demo does not say how to look at %s: %v", out, s)
	}
	// A rerun finds nothing new.
	code, _, stderr = sparkmine(t, "run", "--out", out)
	if s := lastRecord(t, stderr, "run summary"); code != 0 || s["processed"] != 0.0 {
		t.Errorf("rerun: exit %d, want 0 and nothing processed:\n%s", code, stderr)
	}
}

// records parses stderr as a cron sees it: every line must be one JSON
// object.
func records(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line == "" && stderr == "" {
			break
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("stderr line %d is not a JSON object (%v): %q", i+1, err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("stderr line %d has no %q: %q", i+1, k, line)
			}
		}
		recs = append(recs, r)
	}
	return recs
}

// lastRecord returns the last stderr record whose msg is msg.
func lastRecord(t *testing.T, stderr, msg string) map[string]any {
	t.Helper()
	recs := records(t, stderr)
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i]["msg"] == msg {
			return recs[i]
		}
	}
	t.Fatalf("no %q record on stderr:\n%s", msg, stderr)
	return nil
}

func TestExitCodes(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE"} {
		t.Setenv(k, "")
	}
	broken := t.TempDir()
	good, err := os.ReadFile(filepath.Join("samples", "application_1764000000000_0001.zstd"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(broken, "application_1764000000000_0001.zstd"), good, 0o644)
	named := filepath.Join(t.TempDir(), "big.json") // any name, when named
	os.WriteFile(named, good, 0o644)
	// A zstd log whose frame is garbage after its magic.
	os.WriteFile(filepath.Join(broken, "application_1764000000000_0009.zstd"), []byte("\x28\xb5\x2f\xfd\xff\xff\xff\xff\xff\xff garbage"), 0o644)

	for _, c := range []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"no command", nil, 2, "no command"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"bad flag", []string{"run", "--nope"}, 2, "flag provided but not defined"},
		{"bad shard", []string{"run", "--shard", "3/3"}, 2, "shard"},
		{"bad since", []string{"run", "--since", "yesterday"}, 2, "--since"},
		{"unknown config key", []string{"run", "--config", "testdata/config/unknown-key.bad.yaml"}, 2, "line 4: field gradez not found"},
		{"bad grades", []string{"run", "--config", "testdata/config/bad-grades.bad.yaml"}, 2, "detectors.task_skew"},
		{"gemini without credentials", []string{"run", "--llm", "gemini", "--out", t.TempDir()}, 2, "no Gemini credentials"},
		{"bad gemini mode", []string{"run", "--config", "testdata/config/gemini-mode.bad.yaml"}, 2, `config: gemini: mode \"foo\": want off`},
		{"missing config", []string{"run", "--config", "testdata/config/nope.yaml"}, 2, "no such file"},
		{"source without logs", []string{"run", "--source", t.TempDir(), "--out", t.TempDir()}, 2, "no event log in"},
		{"source without logs allowed", []string{"run", "--source", t.TempDir(), "--out", t.TempDir(), "--allow-empty"}, 0, "run summary"},
		{"broken log among good", []string{"run", "--source", broken, "--out", t.TempDir()}, 3, "unreadable"},
		{"extract of a log named big.json", []string{"extract", named}, 0, "app application_1764000000000_0001 "},
		{"extract of a missing log", []string{"extract", filepath.Join(broken, "nope")}, 3, "no such log"},
		{"diagnose without app", []string{"diagnose", "--out", t.TempDir()}, 2, "--app"},
	} {
		code, stdout, stderr := sparkmine(t, c.args...)
		records(t, stderr)
		if code != c.want || !strings.Contains(stdout+stderr, c.msg) {
			t.Errorf("%s: exit %d, want %d with %q in the output:\n%s%s", c.name, code, c.want, c.msg, stdout, stderr)
		}
	}
}

func TestPrintConfig(t *testing.T) {
	code, stdout, stderr := sparkmine(t, "run", "--config", "testdata/config/good.yaml", "--workers", "7", "--print-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"source: s3://logs-bucket/spark-logs/", "workers: 7", "since: 36h0m0s", "region: eu-west-1",
		"grades: [3, 6, 12, 24]", "grades: [268435456, 536870912, 1073741824, 2147483648]", "vcpu_hour_usd: 0.05", "mode: dry-run", "max_apps: 5",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--print-config lacks %q:\n%s", want, stdout)
		}
	}
}

// TestExtractJSONEqualsHistoryServer checks that `sparkmine extract --json`
// prints, under the Parquet column names, the numbers the History Server's
// REST API gives for the same log.
func TestExtractJSONEqualsHistoryServer(t *testing.T) {
	const shared = "../../../shared/eventlogs"
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("the shared Spark logs are not at %s: %v", shared, err)
	}
	code, stdout, stderr := sparkmine(t, "extract", "--json", filepath.Join(shared, "spark", "local-1422981780767"))
	if code != 0 {
		t.Fatalf("extract: exit %d: %s", code, stderr)
	}
	var doc struct {
		App    map[string]any   `json:"app"`
		Stages []map[string]any `json:"stages"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("extract --json printed no JSON document: %v\n%s", err, stdout)
	}
	b, err := os.ReadFile(filepath.Join(shared, "spark", "expectations", "stage_list_json_expectation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{ // History Server field → column
		"numTasks": "tasks", "numCompleteTasks": "complete_tasks", "numFailedTasks": "failed_tasks",
		"executorRunTime": "executor_run_time_ms", "inputBytes": "input_bytes", "outputBytes": "output_bytes",
		"shuffleReadBytes": "shuffle_read_bytes", "shuffleWriteBytes": "shuffle_write_bytes",
		"memoryBytesSpilled": "memory_spilled_bytes", "diskBytesSpilled": "disk_spilled_bytes",
		"status": "status", "name": "name",
	}
	compared := 0
	for _, w := range want {
		var got map[string]any
		for _, s := range doc.Stages {
			if s["stage_id"] == w["stageId"] && s["stage_attempt_id"] == w["attemptId"] {
				got = s
			}
		}
		if got == nil {
			t.Errorf("stage %v attempt %v missing from extract --json", w["stageId"], w["attemptId"])
			continue
		}
		for hs, col := range fields {
			compared++
			if got[col] != w[hs] {
				t.Errorf("stage %v: %s = %v, History Server %s = %v", w["stageId"], col, got[col], hs, w[hs])
			}
		}
	}
	if compared < 4*len(fields) {
		t.Errorf("compared only %d fields", compared)
	}
	if doc.App["app_id"] != "local-1422981780767" || doc.App["status"] != "succeeded" {
		t.Errorf("app = %v %v", doc.App["app_id"], doc.App["status"])
	}
}

func TestExampleConfigLoads(t *testing.T) {
	code, stdout, stderr := sparkmine(t, "run", "--config", "../../examples/sparkmine.yaml", "--print-config")
	if code != 0 {
		t.Fatalf("examples/sparkmine.yaml: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"instance_type: m5.2xlarge", "mode: dry-run", "since: 48h0m0s", "sample_values: false"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("effective config lacks %q", want)
		}
	}
}

func TestReportOnTheDemoDataset(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	html := filepath.Join(t.TempDir(), "w45.html")
	// The sample apps ran on 2026-11-02, in ISO week 2026-W45.
	if code, _, stderr := sparkmine(t, "report", "--out", out, "--week", "2026-W45", "-o", html); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-W45", "<svg", "payments_reconcile_daily", "ads_attribution_daily"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("src=\"http")) {
		t.Error("the report fetches or runs something")
	}
	code, stdout, stderr := sparkmine(t, "report", "--out", out, "--week", "2026-W30", "--format", "md")
	if code != 0 || !strings.Contains(strings.ToLower(stdout+stderr), "no ") {
		t.Errorf("empty week: exit %d, want 0 and a 'no data' message:\n%s%s", code, stdout, stderr)
	}
	// No --week: the latest full week that has data, said so.
	code, stdout, stderr = sparkmine(t, "report", "--out", out, "--format", "md")
	if r := lastRecord(t, stderr, "report written"); code != 0 || r["week"] != "2026-W45" || r["latest_week_with_data"] != true || !strings.Contains(stdout, "2026-W45") {
		t.Errorf("default week: exit %d, record %v, want 2026-W45", code, r)
	}
	if code, _, _ := sparkmine(t, "report", "--out", out, "--week", "2026-W99"); code != 2 {
		t.Errorf("bad week: exit %d, want 2", code)
	}
}

func TestDiagnoseDryRunOnDemand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := sparkmine(t, "diagnose", "--out", out, "--app", "application_1764000000000_0002", "--llm", "dry-run")
	if code != 0 {
		t.Fatalf("diagnose: exit %d: %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("diagnose printed no JSON: %v\n%s", err, stdout)
	}
	if m["app_id"] != "application_1764000000000_0002" || m["status"] != "dry_run" || len(fmt.Sprint(m["prompt_sha256"])) != 64 {
		t.Errorf("diagnose printed %v", m)
	}
	prompts, _ := filepath.Glob(filepath.Join(out, "_sparkmine", "prompts", "application_1764000000000_0002_*.json"))
	if len(prompts) != 1 {
		t.Fatalf("prompts written: %v", prompts)
	}
	b, _ := os.ReadFile(prompts[0])
	// critical_path_ms: the source log was read again for the right-sizing.
	for _, want := range []string{"system_instruction", "reference_information", "task_skew", "response_schema", "critical_path_ms"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the prompt lacks %q", want)
		}
	}
	// The chain prints from the stored rows and the audit store.
	code, show, stderr := sparkmine(t, "diagnose", "--out", out, "--app", "application_1764000000000_0002", "--show")
	if code != 0 || !strings.Contains(show, "SHA-256 verified") || !strings.Contains(show, "task_skew") {
		t.Errorf("diagnose --show: exit %d:\n%s%s", code, show, stderr)
	}
	// The call is in the audit trail: a committed diagnoses part.
	parts, _ := filepath.Glob(filepath.Join(out, "diagnoses", "dt=*", "*.parquet"))
	if len(parts) != 1 {
		t.Errorf("diagnoses parts: %v", parts)
	}
	// A later run keeps it (it is committed, not an orphan).
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, stderr)
	}
	if again, _ := filepath.Glob(filepath.Join(out, "diagnoses", "dt=*", "*.parquet")); len(again) != 1 {
		t.Errorf("after a rerun, diagnoses parts: %v", again)
	}
	if code, _, _ := sparkmine(t, "diagnose", "--out", out, "--app", "no-such-app", "--llm", "dry-run"); code != 1 {
		t.Errorf("diagnose of a missing app: exit %d, want 1", code)
	}
}

// run --llm gemini without credentials exits 2 before it reads a log or
// writes anything.
func TestRunGeminiWithoutCredentialsExits2Early(t *testing.T) {
	for _, v := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE"} {
		t.Setenv(v, "")
	}
	out := t.TempDir()
	code, _, stderr := sparkmine(t, "run", "--out", out, "--llm", "gemini")
	if code != 2 || !strings.Contains(stderr, "GEMINI_API_KEY") {
		t.Fatalf("exit %d, want 2 naming GEMINI_API_KEY:\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the run wrote %d entries into --out before failing", len(entries))
	}
}
