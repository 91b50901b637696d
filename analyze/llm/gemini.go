package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/genai"
)

// GeminiConfig configures the Gemini model.
type GeminiConfig struct {
	Model          string        // e.g. gemini-2.5-flash
	BaseURL        string        // "" keeps the SDK's default (and its GOOGLE_GEMINI_BASE_URL)
	Retries        int           // retries after the first attempt (408, 429, 5xx, transport)
	RetryBaseDelay time.Duration // doubled per retry, with jitter
	Timeout        time.Duration // per attempt
	CountTokens    bool          // CountTokens asks the endpoint; false: it is not a TokenCounter
}

// Gemini is the Model backed by the Gemini API or Vertex AI.
type Gemini struct {
	cfg    GeminiConfig
	client *genai.Client
}

// gemini is Gemini without CountTokens.
type gemini struct{ g *Gemini }

func (g gemini) Generate(ctx context.Context, req Request) (Response, error) {
	return g.g.Generate(ctx, req)
}

// NewGemini builds the Gemini model. Credentials come from the SDK's own
// environment settings, never from the config file: GEMINI_API_KEY (or
// GOOGLE_API_KEY) for the Gemini API, or GOOGLE_GENAI_USE_VERTEXAI=true with
// GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION (and Application Default
// Credentials) for Vertex AI; without them it returns ErrNoCredentials at
// once, before anything is read. The model counts tokens at the endpoint
// (is a TokenCounter) only when cfg.CountTokens is set.
func NewGemini(ctx context.Context, cfg GeminiConfig) (Model, error) {
	if !envTrue("GOOGLE_GENAI_USE_VERTEXAI") && !envTrue("GOOGLE_GENAI_USE_ENTERPRISE") &&
		os.Getenv("GEMINI_API_KEY") == "" && os.Getenv("GOOGLE_API_KEY") == "" {
		return nil, ErrNoCredentials
	}
	cc := &genai.ClientConfig{}
	if cfg.BaseURL != "" {
		cc.HTTPOptions.BaseURL = cfg.BaseURL
	}
	c, err := genai.NewClient(ctx, cc)
	if err != nil {
		// The SDK's messages print the whole ClientConfig, API key included.
		return nil, fmt.Errorf("create gemini client: %s", SafeText(err.Error()))
	}
	g := &Gemini{cfg: cfg, client: c}
	if !cfg.CountTokens {
		return gemini{g}, nil
	}
	return g, nil
}

// ErrNoCredentials is NewGemini's error when no credentials are set.
var ErrNoCredentials = errors.New("no Gemini credentials: set GEMINI_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION)")

func envTrue(name string) bool {
	v := strings.ToLower(os.Getenv(name))
	return v == "1" || v == "true"
}

// SafeText removes what must never reach a log or a row from an error
// message: everything from "ClientConfig:" on (the SDK prints the API key
// there) and the API key values themselves.
func SafeText(s string) string {
	if i := strings.Index(s, "ClientConfig:"); i >= 0 {
		s = s[:i] + "(client config omitted)"
	}
	for _, env := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"} {
		if k := os.Getenv(env); len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "<"+env+">")
		}
	}
	return cutText(s, 500)
}

// cutText bounds s to n bytes on a rune boundary, marking the cut.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = " …[cut]"
	i := max(n-len(mark), 0)
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + mark
}

// userContent is the one user turn.
func userContent(req Request) []*genai.Content {
	parts := make([]*genai.Part, len(req.Parts))
	for i, p := range req.Parts {
		parts[i] = &genai.Part{Text: p}
	}
	return []*genai.Content{{Role: genai.RoleUser, Parts: parts}}
}

func requestConfig(req Request) *genai.GenerateContentConfig {
	temp, noContinuation := float32(0.2), false
	return &genai.GenerateContentConfig{
		// One request per call, so a budget counts every billed request.
		AutomaticContinuation: &noContinuation,
		SystemInstruction:     &genai.Content{Parts: []*genai.Part{{Text: req.System}}},
		ResponseMIMEType:      "application/json",
		ResponseSchema:        req.Schema,
		MaxOutputTokens:       int32(req.MaxOutputTokens),
		Temperature:           &temp,
		CandidateCount:        1,
	}
}

// CountTokens asks the endpoint how many input tokens req is. The Gemini
// API's countTokens takes no system instruction or schema, so the system
// text goes in as a part and the schema is estimated locally.
func (g *Gemini) CountTokens(ctx context.Context, req Request) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	contents := userContent(req)
	contents[0].Parts = append([]*genai.Part{{Text: req.System}}, contents[0].Parts...)
	resp, err := g.client.Models.CountTokens(ctx, g.cfg.Model, contents, nil)
	if err != nil {
		return 0, fmt.Errorf("count tokens: %s", SafeText(err.Error()))
	}
	return int64(resp.TotalTokens) + EstimateTokens(Request{Schema: req.Schema}), nil
}

// Generate calls generateContent, retrying 408, 429, 5xx and transport
// errors with exponential backoff and jitter.
func (g *Gemini) Generate(ctx context.Context, req Request) (Response, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
		resp, err := g.client.Models.GenerateContent(actx, g.cfg.Model, userContent(req), requestConfig(req))
		cancel()
		if err == nil {
			r := responseOf(resp)
			r.Attempts = attempt
			return r, nil
		}
		if attempt > g.cfg.Retries || !retryable(ctx, err) {
			return Response{Attempts: attempt}, callError(err, attempt)
		}
		select {
		case <-ctx.Done():
			return Response{Attempts: attempt}, callError(ctx.Err(), attempt)
		case <-time.After(backoff(attempt, g.cfg.RetryBaseDelay, retryHint(err))):
		}
	}
}

// refusals are the finish reasons that mean the model declined to answer.
var refusals = map[genai.FinishReason]bool{
	genai.FinishReasonSafety:            true,
	genai.FinishReasonProhibitedContent: true,
	genai.FinishReasonBlocklist:         true,
	genai.FinishReasonSPII:              true,
}

// responseOf reads what a row and the audit store keep from a response.
func responseOf(resp *genai.GenerateContentResponse) Response {
	r := Response{ModelVersion: resp.ModelVersion, ResponseID: resp.ResponseID}
	r.Raw, _ = json.Marshal(resp) // the SDK's own type always marshals
	if u := resp.UsageMetadata; u != nil {
		r.InputTokens = int64(u.PromptTokenCount)
		r.OutputTokens = int64(u.CandidatesTokenCount) + int64(u.ThoughtsTokenCount)
	}
	if fb := resp.PromptFeedback; fb != nil && fb.BlockReason != "" {
		r.Refused = "prompt blocked: " + string(fb.BlockReason)
		r.Safety = safety(fb.SafetyRatings)
		return r
	}
	if len(resp.Candidates) == 0 || resp.Candidates[0] == nil {
		return r
	}
	c := resp.Candidates[0]
	r.FinishReason, r.Safety, r.Text = string(c.FinishReason), safety(c.SafetyRatings), answerText(c)
	if refusals[c.FinishReason] {
		r.Refused = "answer withheld: finish reason " + string(c.FinishReason)
	}
	return r
}

func safety(rs []*genai.SafetyRating) []string {
	out := []string{}
	for _, s := range rs {
		if s == nil {
			continue
		}
		v := string(s.Category) + ":" + string(s.Probability)
		if s.Blocked {
			v += ":BLOCKED"
		}
		out = append(out, v)
	}
	return out
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

// retryable: 408, 429 and 5xx answers, time-outs of one attempt and
// network errors; never a cancelled run.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == 408 || apiErr.Code == 429 || apiErr.Code >= 500
	}
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr)
}

// maxBackoff caps one wait.
const maxBackoff = time.Minute

// backoff is base·2^(attempt−1), half of it fixed and half jittered, at
// least the server's hint (google.rpc.RetryInfo), capped at maxBackoff.
func backoff(attempt int, base, hint time.Duration) time.Duration {
	d := base << min(attempt-1, 20)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	if base == 0 {
		d = 0
	}
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return min(max(d, hint), maxBackoff)
}

// retryHint reads the retryDelay of a google.rpc.RetryInfo detail.
func retryHint(err error) time.Duration {
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) {
		return 0
	}
	for _, det := range apiErr.Details {
		if s, ok := det["retryDelay"].(string); ok {
			if d, err := time.ParseDuration(s); err == nil {
				return d
			}
		}
	}
	return 0
}

// callError is Generate's error: the status and message, never a key;
// ErrTooLong wrapped when the API says the input is over the model's
// limit.
func callError(err error, attempts int) error {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		msg := SafeText(fmt.Sprintf("gemini: HTTP %d %s after %d attempt(s): %s",
			apiErr.Code, apiErr.Status, attempts, apiErr.Message))
		if tooLong(apiErr) {
			return fmt.Errorf("%s: %w", msg, ErrTooLong)
		}
		return errors.New(msg)
	}
	return errors.New(SafeText(fmt.Sprintf("gemini: after %d attempt(s): %v", attempts, err)))
}

// tooLong recognises the API's answer to an input over the context window:
// 400 INVALID_ARGUMENT "The input token count (N) exceeds the maximum
// number of tokens allowed (M)".
func tooLong(e genai.APIError) bool {
	m := strings.ToLower(e.Message)
	return e.Code == 400 && strings.Contains(m, "token") && strings.Contains(m, "exceeds the maximum")
}
