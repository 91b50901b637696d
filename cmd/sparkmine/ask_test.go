//go:build cgo

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/analyze/llm/llmtest"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

// askSetup runs the bundled samples into a dataset and starts a fake
// Gemini answering each question with the SQL sqlFor gives; it returns the
// dataset, a config file pointing at the server, and the server.
func askSetup(t *testing.T, sqlFor func(n int, question string) string) (out, config string, srv *llmtest.Server) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out = t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	srv = llmtest.New(t, func(n int, req llmtest.Request) (int, any) {
		_, q, _ := strings.Cut(req.Text(), "Question: ")
		q, _, _ = strings.Cut(q, "\n")
		b, _ := json.Marshal(ask.Answer{SQL: sqlFor(n, q), Explanation: "apps per status", Assumptions: []string{"every day"}})
		return 200, llmtest.OKAnswer(string(b))
	})
	config = filepath.Join(t.TempDir(), "sparkmine.yaml")
	if err := os.WriteFile(config, []byte("gemini:\n  retries: 0\n  base_url: "+srv.URL()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return out, config, srv
}

func questions(t *testing.T, out string) []string {
	t.Helper()
	st, err := local.New(out)
	if err != nil {
		t.Fatal(err)
	}
	return storedQuestions(t, st)
}

// storedQuestions are the statuses of the questions table in st, sorted.
func storedQuestions(t *testing.T, st store.Store) []string {
	t.Helper()
	rows, err := dataset.Questions.Read(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, r := range rows {
		s = append(s, r.Status)
	}
	slices.Sort(s)
	return s
}

// TestAskCommand: `sparkmine ask` prints the answer as a table with the
// SQL and explanation above it, as CSV and as an Arrow stream holding
// the table's values; asked again it answers from the cache; every
// question lands in the questions table.
func TestAskCommand(t *testing.T) {
	const sql = "SELECT status, count(*) AS apps FROM apps GROUP BY status ORDER BY status"
	out, config, srv := askSetup(t, func(int, string) string { return sql })
	code, table, stderr := sparkmine(t, "ask", "--out", out, "--config", config, "How many apps per status?")
	if code != 0 {
		t.Fatalf("ask: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{sql, "-- apps per status", "-- assumes: every day", "status     apps", "succeeded"} {
		if !strings.Contains(table, want) {
			t.Errorf("table output lacks %q:\n%s", want, table)
		}
	}
	code, csv, stderr := sparkmine(t, "ask", "--out", out, "--config", config, "--format", "csv", "How many apps per status?")
	if n, _, _ := srv.Stats(); code != 0 || n != 1 || !strings.Contains(stderr, `"cached":true`) {
		t.Fatalf("second ask: exit %d, %d requests; want 0 and 1 (cached)\n%s", code, n, stderr)
	}
	code, arrow, stderr := sparkmine(t, "ask", "--out", out, "--config", config, "--format", "arrow", "How many apps per status?")
	if code != 0 {
		t.Fatalf("arrow: exit %d\n%s", code, stderr)
	}
	if got, want := arrowLines(t, arrow), strings.TrimSpace(csv); got != want {
		t.Errorf("arrow holds\n%s\nCSV\n%s", got, want)
	}
	if got, want := tableLines(table), strings.TrimSpace(csv); got != want {
		t.Errorf("the table shows\n%s\nthe CSV\n%s", got, want)
	}
	if got := questions(t, out); strings.Join(got, ",") != "checked,checked,checked" {
		t.Errorf("questions table: %v, want three checked", got)
	}
}

// tableLines is the table output's result (after the notes and a blank
// line) with its columns joined by commas (the values hold no spaces).
func tableLines(out string) string {
	_, res, _ := strings.Cut(out, "\n\n")
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(res), "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), ","))
	}
	return strings.Join(lines, "\n")
}

// arrowLines reads an Arrow IPC stream with arrow-go's reader into CSV-like
// lines, the header first.
func arrowLines(t *testing.T, stream string) string {
	t.Helper()
	r, err := ipc.NewReader(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var lines []string
	var head []string
	for _, f := range r.Schema().Fields() {
		head = append(head, f.Name)
	}
	lines = append(lines, strings.Join(head, ","))
	for r.Next() {
		rec := r.RecordBatch()
		for i := range int(rec.NumRows()) {
			var row []string
			for j := range int(rec.NumCols()) {
				row = append(row, rec.Column(j).(interface{ ValueStr(int) string }).ValueStr(i))
			}
			lines = append(lines, strings.Join(row, ","))
		}
	}
	return strings.Join(lines, "\n")
}

// TestAskCommandGivesUp: SQL refused twice exits 5 with the reason,
// sends two requests and is recorded as rejected; a model that says the
// data cannot answer exits 5 too, recorded as no_answer; dry-run prints
// the prompt, sends nothing and exits 0; a bad format is exit 2.
func TestAskCommandGivesUp(t *testing.T) {
	out, config, srv := askSetup(t, func(_ int, q string) string {
		if strings.Contains(q, "weather") {
			return ""
		}
		return "SELECT wasted FROM apps"
	})
	code, _, stderr := sparkmine(t, "ask", "--out", out, "--config", config, "Which app wasted most?")
	if n, _, _ := srv.Stats(); code != 5 || n != 2 || !strings.Contains(stderr, "refused twice") || !strings.Contains(stderr, "wasted") {
		t.Errorf("rejected: exit %d, %d requests\n%s", code, n, stderr)
	}
	code, _, stderr = sparkmine(t, "ask", "--out", out, "--config", config, "What was the weather?")
	if code != 5 || !strings.Contains(stderr, "cannot answer") {
		t.Errorf("no answer: exit %d\n%s", code, stderr)
	}
	code, prompt, stderr := sparkmine(t, "ask", "--out", out, "--config", config, "--llm", "dry-run", "Which app wasted most?")
	if n, _, _ := srv.Stats(); code != 0 || n != 3 || !strings.Contains(prompt, `"system_instruction"`) || !strings.Contains(prompt, "Which app wasted most?") {
		t.Errorf("dry run: exit %d, %d requests, prompt %.200s\n%s", code, n, prompt, stderr)
	}
	if got := questions(t, out); strings.Join(got, ",") != "dry_run,no_answer,rejected" {
		t.Errorf("questions table: %v", got)
	}
	if code, _, _ := sparkmine(t, "ask", "--out", out, "--format", "xml", "q"); code != 2 {
		t.Errorf("--format xml: exit %d, want 2", code)
	}
	if code, _, stderr := sparkmine(t, "ask", "--out", out, "how many?", "--format", "csv"); code != 2 || !strings.Contains(stderr, "flags go before the question") {
		t.Errorf("a flag after the question: exit %d, want 2\n%s", code, stderr)
	}
	if code, _, _ := sparkmine(t, "ask", "--out", out); code != 2 {
		t.Errorf("no question: exit %d, want 2", code)
	}
	var help bytes.Buffer
	run(context.Background(), []string{"ask", "-h"}, &help, &help)
	if !strings.Contains(help.String(), "5 no SQL to run") {
		t.Errorf("help does not list exit code 5:\n%s", help.String())
	}
}

// TestAskCommandS3: ask over an S3 dataset mirrors it into the cache
// folder, answers, and writes the questions row, the prompt and the
// cached answer into the S3 dataset; asked again it sends nothing.
func TestAskCommandS3(t *testing.T) {
	out, config, gemini := askSetup(t, func(int, string) string { return "SELECT count(*) AS apps FROM apps" })
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	st := srv.Store(t, bucket, "ds/")
	uploadTree(t, st, "", out)
	srv.Setenv(t)
	args := []string{"ask", "--out", "s3://" + bucket + "/ds/", "--s3-path-style", "--cache", t.TempDir(), "--config", config, "--format", "json", "How many apps?"}
	code, stdout, stderr := sparkmine(t, args...)
	if code != 0 || strings.TrimSpace(stdout) != "[\n  {\n    \"apps\": 6\n  }\n]" {
		t.Fatalf("ask over S3: exit %d, %q\n%s", code, stdout, stderr)
	}
	if code, _, stderr := sparkmine(t, args...); code != 0 || !strings.Contains(stderr, `"cached":true`) {
		t.Errorf("again: exit %d\n%s", code, stderr)
	}
	if n, _, _ := gemini.Stats(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if got := storedQuestions(t, st); strings.Join(got, ",") != "checked,checked" {
		t.Errorf("questions in S3: %v", got)
	}
	var prompts int
	if err := st.List(context.Background(), "_sparkmine/llm/", func(store.ObjectInfo) error { prompts++; return nil }); err != nil || prompts < 2 {
		t.Errorf("audit store in S3: %d objects, %v; want the prompt and its response", prompts, err)
	}
}
