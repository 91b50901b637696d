package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/analyze/llm/llmtest"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// everyApp is a diagnosis config that sends every app with a finding.
func everyApp() diagnose.Config {
	cfg := diagnose.DefaultConfig()
	cfg.MinSeverity, cfg.MaxApps = "low", 10_000
	cfg.MaxInputTokens, cfg.MaxOutputTokens = 1<<40, 1<<40
	return cfg
}

// diagnoseShared runs the pipeline over every shared real log with model
// into out and returns the diagnoses rows.
func diagnoseShared(t *testing.T, out store.Store, cfg diagnose.Config, model llm.Model, reprocess bool) []analyze.DiagnosisRow {
	t.Helper()
	src, err := local.New(sharedLogs)
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(src, out)
	o.Diagnose, o.Model, o.Reprocess = cfg, model, reprocess
	if _, err := Run(context.Background(), o); err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	rows, err := table.ReadTable[analyze.DiagnosisRow](context.Background(), out, "diagnoses", nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// promptsOf maps app/attempt to the sorted prompt hashes of the run's rows
// (two logs may hold one app id),
// checking each against the audit store: the stored prompt's SHA-256 is
// the row's prompt_sha256.
func promptsOf(t *testing.T, out store.Store, rows []analyze.DiagnosisRow, runID string) map[string][]string {
	t.Helper()
	audit, got := AuditStore(out), map[string][]string{}
	for _, r := range rows {
		if runID != "" && r.RunID != runID {
			continue
		}
		k := r.AppID + "/" + r.AttemptID
		got[k] = append(got[k], r.PromptSHA256)
		slices.Sort(got[k])
		b, ok, err := audit.Get(context.Background(), diagnose.PromptName(r.PromptSHA256))
		h := sha256.Sum256(b)
		if err != nil || !ok || hex.EncodeToString(h[:]) != r.PromptSHA256 {
			t.Errorf("%s: prompt %s stored %v (%v), sha256 %x", r.AppID, r.PromptSHA256, ok, err, h)
		}
	}
	return got
}

// Dry runs over every shared real log give the same prompts, byte for
// byte, and each is stored under the hash its row names.
func TestDryRunPromptsAreReproducible(t *testing.T) {
	needShared(t)
	if testing.Short() {
		t.Skip("reads every shared log twice")
	}
	var first map[string][]string
	for i := range 2 {
		out := openLocal(t, t.TempDir())
		got := promptsOf(t, out, diagnoseShared(t, out, everyApp(), llm.DryRun{}, false), "")
		if len(got) < 10 {
			t.Fatalf("run %d: only %d diagnoses; the test needs the shared logs' flagged apps", i, len(got))
		}
		if i == 0 {
			first = got
		} else if fmt.Sprint(got) != fmt.Sprint(first) {
			for k, v := range got {
				if !slices.Equal(first[k], v) {
					t.Errorf("%s: prompt %s, then %s", k, first[k], v)
				}
			}
		}
	}
}

// A rerun in gemini mode over the same logs sends nothing: every answer
// comes from the cache, and every row's prompt and response are stored.
func TestGeminiRerunSendsNothing(t *testing.T) {
	needShared(t)
	if testing.Short() {
		t.Skip("reads every shared log twice")
	}
	const answer = `{"bottleneck":"shuffle skew","root_cause":"r","rationale":"x","confidence":"low",` +
		`"configs":[{"key":"spark.sql.shuffle.partitions","current":"","proposed":"400","reason":"r"}],"code_advice":[]}`
	f := llmtest.New(t, func(int, llmtest.Request) (int, any) { return 200, llmtest.OKAnswer(answer) })
	cfg := everyApp()
	cfg.Mode, cfg.BaseURL, cfg.CountTokens = diagnose.ModeGemini, f.URL(), false
	model, err := llm.NewGemini(context.Background(), cfg.Gemini())
	if err != nil {
		t.Fatal(err)
	}
	out := openLocal(t, t.TempDir())
	rows := diagnoseShared(t, out, cfg, model, false)
	sent, _, _ := f.Stats()
	firstRun := rows[0].RunID
	promptsOf(t, out, rows, firstRun)
	for _, r := range rows {
		if r.Status != diagnose.StatusOK || r.ResponseSHA256 == "" || r.ModelVersion == "" {
			t.Errorf("%s: status %s response %q model version %q", r.AppID, r.Status, r.ResponseSHA256, r.ModelVersion)
		}
	}
	again := diagnoseShared(t, out, cfg, model, true)
	if resent, _, _ := f.Stats(); resent != sent || sent != len(rows) {
		t.Errorf("first run sent %d for %d rows; the rerun sent %d more", sent, len(rows), resent-sent)
	}
	hits := 0
	for _, r := range again {
		if r.RunID != firstRun && r.Cached && r.CostUSD == 0 && r.ResponseSHA256 != "" {
			hits++
		}
	}
	if hits != len(rows) {
		t.Errorf("rerun: %d cache hits of %d", hits, len(rows))
	}
	resent, _, _ := f.Stats()
	t.Logf("first run: %d rows, %d requests; identical rerun: %d requests, %d of %d rows from the cache", len(rows), sent, resent-sent, hits, len(rows))
}
