package diagnose

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/genai"
)

// newClient builds the genai client. Credentials come from the SDK's own
// environment settings, never from the config file: GEMINI_API_KEY (or
// GOOGLE_API_KEY) for the Gemini API, or GOOGLE_GENAI_USE_VERTEXAI=true with
// GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION (and Application Default
// Credentials) for Vertex AI. The base URL is set only when the config sets
// it, so the SDK's GOOGLE_GEMINI_BASE_URL (GOOGLE_VERTEX_BASE_URL) still
// applies otherwise.
func newClient(ctx context.Context, cfg Config) (*genai.Client, error) {
	if !envTrue("GOOGLE_GENAI_USE_VERTEXAI") && !envTrue("GOOGLE_GENAI_USE_ENTERPRISE") &&
		os.Getenv("GEMINI_API_KEY") == "" && os.Getenv("GOOGLE_API_KEY") == "" {
		return nil, errors.New("no Gemini credentials: set GEMINI_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION)")
	}
	cc := &genai.ClientConfig{}
	if cfg.BaseURL != "" {
		cc.HTTPOptions.BaseURL = cfg.BaseURL
	}
	c, err := genai.NewClient(ctx, cc)
	if err != nil {
		// The SDK's messages print the whole ClientConfig, API key included.
		return nil, fmt.Errorf("create gemini client: %s", safeText(err.Error()))
	}
	return c, nil
}

func envTrue(name string) bool {
	v := strings.ToLower(os.Getenv(name))
	return v == "1" || v == "true"
}

// safeText removes what must never reach a log or a row from an error
// message: everything from "ClientConfig:" on (the SDK prints the API key
// there) and the API key values themselves.
func safeText(s string) string {
	if i := strings.Index(s, "ClientConfig:"); i >= 0 {
		s = s[:i] + "(client config omitted)"
	}
	for _, env := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"} {
		if k := os.Getenv(env); len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "<"+env+">")
		}
	}
	return cut(s, 500)
}

// userContent is the one user turn: reference information, then query.
func userContent(p Prompt) []*genai.Content {
	return []*genai.Content{{Role: genai.RoleUser, Parts: []*genai.Part{
		{Text: "Reference information (JSON):\n" + p.Reference},
		{Text: p.Query},
	}}}
}

func (d *Diagnoser) requestConfig(p Prompt) *genai.GenerateContentConfig {
	temp, noContinuation := float32(0.2), false
	return &genai.GenerateContentConfig{
		// One request per call, so the budget counts every billed request.
		AutomaticContinuation: &noContinuation,
		SystemInstruction:     &genai.Content{Parts: []*genai.Part{{Text: p.System}}},
		ResponseMIMEType:      "application/json",
		ResponseSchema:        p.Schema,
		MaxOutputTokens:       int32(d.cfg.OutputTokensPerCall),
		Temperature:           &temp,
		CandidateCount:        1,
	}
}

// countTokens asks the endpoint how many input tokens p is. The Gemini
// API's countTokens takes no system instruction or schema, so the system
// text goes in as a part and the schema is estimated locally.
func (d *Diagnoser) countTokens(ctx context.Context, p Prompt) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	contents := userContent(p)
	contents[0].Parts = append([]*genai.Part{{Text: p.System}}, contents[0].Parts...)
	resp, err := d.client.Models.CountTokens(ctx, d.cfg.Model, contents, nil)
	if err != nil {
		return 0, fmt.Errorf("count tokens: %s", safeText(err.Error()))
	}
	schema := Prompt{Schema: p.Schema}.estimateTokens()
	return int64(resp.TotalTokens) + schema, nil
}

// generate calls generateContent, retrying 429, 5xx and transport errors
// with exponential backoff and jitter. It returns the number of attempts.
func (d *Diagnoser) generate(ctx context.Context, p Prompt) (*genai.GenerateContentResponse, int, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
		resp, err := d.client.Models.GenerateContent(actx, d.cfg.Model, userContent(p), d.requestConfig(p))
		cancel()
		if err == nil {
			return resp, attempt, nil
		}
		if attempt > d.cfg.Retries || !retryable(ctx, err) {
			return nil, attempt, err
		}
		select {
		case <-ctx.Done():
			return nil, attempt, ctx.Err()
		case <-time.After(backoff(attempt, d.cfg.RetryBaseDelay, retryHint(err))):
		}
	}
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

// errorReason is the row's Error text for a failed call: the status and
// message, never a key.
func errorReason(err error, attempts int) string {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		return safeText(fmt.Sprintf("gemini: HTTP %d %s after %d attempt(s): %s",
			apiErr.Code, apiErr.Status, attempts, apiErr.Message))
	}
	return safeText(fmt.Sprintf("gemini: after %d attempt(s): %v", attempts, err))
}
