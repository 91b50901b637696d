package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/genai"
)

// Without credentials NewGemini fails at once, with the fix in the message.
func TestNewGeminiNeedsCredentials(t *testing.T) {
	for _, v := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE"} {
		t.Setenv(v, "")
	}
	_, err := NewGemini(context.Background(), GeminiConfig{Model: "m", Timeout: time.Second})
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "set GEMINI_API_KEY") {
		t.Fatalf("NewGemini = %v, want ErrNoCredentials", err)
	}
}

// The model counts tokens at the endpoint only when asked to.
func TestCountTokensIsOptional(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "k-123456")
	for _, count := range []bool{false, true} {
		m, err := NewGemini(context.Background(), GeminiConfig{Model: "m", BaseURL: "http://127.0.0.1:1", CountTokens: count})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.(TokenCounter); ok != count {
			t.Errorf("count_tokens %v: TokenCounter %v", count, ok)
		}
	}
}

// SafeText drops the SDK's ClientConfig dump and any key value.
func TestSafeText(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "AIzaFakeKey123456")
	got := SafeText(`api key is required. ClientConfig: &genai.ClientConfig{APIKey:"AIzaFakeKey123456"}`)
	if strings.Contains(got, "AIzaFakeKey123456") || strings.Contains(got, "APIKey") {
		t.Errorf("SafeText kept the key: %q", got)
	}
	if got := SafeText("HTTP 400: key AIzaFakeKey123456 invalid"); strings.Contains(got, "AIzaFakeKey123456") {
		t.Errorf("SafeText kept the key: %q", got)
	}
}

func TestBackoff(t *testing.T) {
	for attempt := 1; attempt <= 12; attempt++ {
		d := backoff(attempt, 100*time.Millisecond, 0)
		full := min(100*time.Millisecond<<(attempt-1), maxBackoff)
		if d < full/2 || d > full {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, d, full/2, full)
		}
	}
	if d := backoff(1, time.Millisecond, 2*time.Second); d != 2*time.Second {
		t.Errorf("server hint ignored: %v", d)
	}
	if d := backoff(3, 0, 0); d != 0 {
		t.Errorf("zero base gave %v", d)
	}
}

// An input over the context window is ErrTooLong; other 400s are not.
func TestCallErrorTooLong(t *testing.T) {
	for _, c := range []struct {
		e    genai.APIError
		want bool
	}{
		{genai.APIError{Code: 400, Status: "INVALID_ARGUMENT", Message: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."}, true},
		{genai.APIError{Code: 400, Status: "INVALID_ARGUMENT", Message: "Invalid JSON payload"}, false},
		{genai.APIError{Code: 500, Status: "INTERNAL", Message: "exceeds the maximum number of tokens"}, false},
	} {
		if got := errors.Is(callError(c.e, 1), ErrTooLong); got != c.want {
			t.Errorf("%q: ErrTooLong %v, want %v", c.e.Message, got, c.want)
		}
	}
}

// The dry-run model sends nothing and says so.
func TestDryRun(t *testing.T) {
	var m Model = DryRun{}
	r, err := m.Generate(context.Background(), Request{System: strings.Repeat("s", 400)})
	if err != nil || !r.DryRun || r.InputTokens < 100 || !IsDryRun(m) {
		t.Errorf("DryRun = %+v, %v", r, err)
	}
}
