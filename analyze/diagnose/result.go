package diagnose

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm"
)

// interpret fills row from a response: tokens, then refused, invalid or ok
// with the answer. It returns the answer text (for the cache).
func (d *Diagnoser) interpret(row *analyze.DiagnosisRow, resp llm.Response, j job) string {
	row.InputTokens = j.tokens
	if resp.InputTokens > 0 || resp.OutputTokens > 0 {
		row.InputTokens, row.OutputTokens = resp.InputTokens, resp.OutputTokens
	}
	if resp.Refused != "" {
		row.Status, row.Error = StatusRefused, "gemini: "+resp.Refused
		return ""
	}
	if resp.FinishReason == "" && resp.Text == "" {
		row.Status, row.Error = StatusInvalid, "gemini: no candidate in the response"
		return ""
	}
	a, err := parseAnswer(resp.Text, d.cfg.MaxConfigs)
	if err != nil {
		row.Status, row.Error = StatusInvalid, "gemini: "+llm.SafeText(err.Error())
		if resp.FinishReason != "" && resp.FinishReason != "STOP" {
			row.Error += " (finish reason " + resp.FinishReason + ")"
		}
		return ""
	}
	row.Status = StatusOK
	fill(row, a, j.c.App, d.deps.Redactor, d.limits(j.c.App))
	j.c.History.reject(row)
	return resp.Text
}

// cacheEntry is what the cache keeps for one answered prompt.
type cacheEntry struct {
	Model        string `json:"model"`
	PromptSHA256 string `json:"prompt_sha256"`
	Answer       string `json:"answer"`
	InputTokens  int64  `json:"input_tokens"`  // paid by the first call
	OutputTokens int64  `json:"output_tokens"` // paid by the first call
	Time         int64  `json:"time"`
	// What the first call's row said of the response, so a cached row
	// names the response it reuses.
	ModelVersion   string   `json:"model_version,omitempty"`
	ResponseID     string   `json:"response_id,omitempty"`
	ResponseSHA256 string   `json:"response_sha256,omitempty"`
	FinishReason   string   `json:"finish_reason,omitempty"`
	SafetyRatings  []string `json:"safety_ratings,omitempty"`
}

// cacheKey is the sha256 of the model and everything sent.
func (d *Diagnoser) cacheKey(p Prompt) string { return hashParts(d.cfg.Model, p) }

// fromCache returns an ok row, marked cached with zero tokens, when an
// earlier call answered this very prompt. A cache that fails or holds an
// unusable entry is a miss.
func (d *Diagnoser) fromCache(ctx context.Context, runID string, c Candidate, p Prompt) (analyze.DiagnosisRow, bool) {
	if d.deps.Cache == nil {
		return analyze.DiagnosisRow{}, false
	}
	b, ok, err := d.deps.Cache.Get(ctx, d.cacheKey(p))
	if err != nil {
		slog.WarnContext(ctx, "gemini cache get failed; calling", "app_id", c.App.Row.AppID, "error", err)
		return analyze.DiagnosisRow{}, false
	}
	if !ok {
		return analyze.DiagnosisRow{}, false
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return analyze.DiagnosisRow{}, false
	}
	a, err := parseAnswer(e.Answer, d.cfg.MaxConfigs)
	if err != nil {
		return analyze.DiagnosisRow{}, false
	}
	row := d.baseRow(runID, c, p)
	row.Status, row.Cached = StatusOK, true
	row.ModelVersion, row.ResponseID, row.ResponseSHA256, row.FinishReason =
		e.ModelVersion, e.ResponseID, e.ResponseSHA256, e.FinishReason
	if e.SafetyRatings != nil {
		row.SafetyRatings = e.SafetyRatings
	}
	fill(&row, a, c.App, d.deps.Redactor, d.limits(c.App))
	c.History.reject(&row)
	return row, true
}

// toCache keeps an ok answer; a failure is logged, the row stands.
func (d *Diagnoser) toCache(ctx context.Context, p Prompt, text string, row analyze.DiagnosisRow) {
	if d.deps.Cache == nil {
		return
	}
	b, err := json.Marshal(cacheEntry{Model: d.cfg.Model, PromptSHA256: p.SHA256, Answer: text,
		InputTokens: row.InputTokens, OutputTokens: row.OutputTokens, Time: row.Time,
		ModelVersion: row.ModelVersion, ResponseID: row.ResponseID, ResponseSHA256: row.ResponseSHA256,
		FinishReason: row.FinishReason, SafetyRatings: row.SafetyRatings})
	if err == nil {
		err = d.deps.Cache.Put(ctx, d.cacheKey(p), b)
	}
	if err != nil {
		slog.WarnContext(ctx, "gemini cache put failed", "app_id", row.AppID, "error", fmt.Sprint(err))
	}
}
