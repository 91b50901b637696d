package diagnose

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"google.golang.org/genai"

	"github.com/sparkmine/sparkmine/analyze"
)

// refusals are the finish reasons that mean the model declined to answer.
var refusals = map[genai.FinishReason]bool{
	genai.FinishReasonSafety:            true,
	genai.FinishReasonProhibitedContent: true,
	genai.FinishReasonBlocklist:         true,
	genai.FinishReasonSPII:              true,
}

// interpret fills row from a response: tokens, then refused, invalid or ok
// with the answer. It returns the answer text (for the cache).
func (d *Diagnoser) interpret(row *analyze.DiagnosisRow, resp *genai.GenerateContentResponse, j job) string {
	row.InputTokens = j.tokens
	if u := resp.UsageMetadata; u != nil {
		row.InputTokens = int64(u.PromptTokenCount)
		row.OutputTokens = int64(u.CandidatesTokenCount) + int64(u.ThoughtsTokenCount)
	}
	if fb := resp.PromptFeedback; fb != nil && fb.BlockReason != "" {
		row.Status, row.Error = StatusRefused, "gemini: prompt blocked: "+string(fb.BlockReason)
		return ""
	}
	if len(resp.Candidates) == 0 || resp.Candidates[0] == nil {
		row.Status, row.Error = StatusInvalid, "gemini: no candidate in the response"
		return ""
	}
	cand := resp.Candidates[0]
	if refusals[cand.FinishReason] {
		row.Status, row.Error = StatusRefused, "gemini: answer withheld: finish reason "+string(cand.FinishReason)
		return ""
	}
	text := answerText(cand)
	a, err := parseAnswer(text, d.cfg.MaxConfigs)
	if err != nil {
		row.Status, row.Error = StatusInvalid, "gemini: "+safeText(err.Error())
		if cand.FinishReason != "" && cand.FinishReason != genai.FinishReasonStop {
			row.Error += " (finish reason " + string(cand.FinishReason) + ")"
		}
		return ""
	}
	row.Status = StatusOK
	fill(row, a, j.c.App.Conf, d.red)
	return text
}

// answerText joins the candidate's text parts, thoughts left out.
func answerText(c *genai.Candidate) string {
	if c.Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if p != nil && !p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// cacheEntry is what the cache keeps for one answered prompt.
type cacheEntry struct {
	Model        string `json:"model"`
	PromptSHA256 string `json:"prompt_sha256"`
	Answer       string `json:"answer"`
	InputTokens  int64  `json:"input_tokens"`  // paid by the first call
	OutputTokens int64  `json:"output_tokens"` // paid by the first call
	Time         int64  `json:"time"`
}

// cacheKey is the sha256 of the model and everything sent.
func (d *Diagnoser) cacheKey(p Prompt) string { return hashParts(d.cfg.Model, p) }

// fromCache returns an ok row, marked cached with zero tokens, when an
// earlier call answered this very prompt. A cache that fails or holds an
// unusable entry is a miss.
func (d *Diagnoser) fromCache(ctx context.Context, runID string, c Candidate, p Prompt) (analyze.DiagnosisRow, bool) {
	if d.cache == nil {
		return analyze.DiagnosisRow{}, false
	}
	b, ok, err := d.cache.Get(ctx, d.cacheKey(p))
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
	fill(&row, a, c.App.Conf, d.red)
	return row, true
}

// toCache keeps an ok answer; a failure is logged, the row stands.
func (d *Diagnoser) toCache(ctx context.Context, p Prompt, text string, row analyze.DiagnosisRow) {
	if d.cache == nil {
		return
	}
	b, err := json.Marshal(cacheEntry{Model: d.cfg.Model, PromptSHA256: p.SHA256, Answer: text,
		InputTokens: row.InputTokens, OutputTokens: row.OutputTokens, Time: row.Time})
	if err == nil {
		err = d.cache.Put(ctx, d.cacheKey(p), b)
	}
	if err != nil {
		slog.WarnContext(ctx, "gemini cache put failed", "app_id", row.AppID, "error", fmt.Sprint(err))
	}
}
