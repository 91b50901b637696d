// Package llmtest is a local server speaking the Gemini REST API
// (POST /v1beta/models/{model}:generateContent and :countTokens), for
// tests of every LLM feature: point llm.NewGemini at it (GeminiConfig.
// BaseURL = s.URL()) and the real google.golang.org/genai client talks to
// it over HTTP.
package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIKey is what the server expects in x-goog-api-key; New sets
// GEMINI_API_KEY to it for the test.
const APIKey = "test-key-5f0c2e9a7b"

// Server is the fake Gemini endpoint. It records every request body.
type Server struct {
	srv *httptest.Server

	// Answer returns the HTTP status and JSON body of the n-th (1-based)
	// generateContent call; req is its decoded body.
	Answer func(n int, req Request) (int, any)
	// TokensPerCount is what countTokens answers (0: bytes/4).
	TokensPerCount int
	// Delay holds every answer back this long.
	Delay time.Duration

	mu                 sync.Mutex
	bodies             []string
	generates, counts  int
	inFlight, maxInFli int
}

// Request is the part of a generateContent body tests look at.
type Request struct {
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

// Text is all the user text of the request.
func (r Request) Text() string {
	var b strings.Builder
	for _, c := range r.Contents {
		for _, p := range c.Parts {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// New starts a server answering with answer, closed at the test's end,
// and sets the SDK's environment so only it is reached.
func New(t testing.TB, answer func(n int, req Request) (int, any)) *Server {
	t.Helper()
	s := &Server{Answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	t.Setenv("GEMINI_API_KEY", APIKey)
	for _, v := range []string{"GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE", "GOOGLE_GEMINI_BASE_URL"} {
		t.Setenv(v, "")
	}
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	s.inFlight++
	s.maxInFli = max(s.maxInFli, s.inFlight)
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.inFlight--; s.mu.Unlock() }()
	time.Sleep(s.Delay)

	if r.Header.Get("x-goog-api-key") != APIKey {
		writeJSON(w, 403, APIError(403, "PERMISSION_DENIED", "bad key"))
		return
	}
	model, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1beta/models/"), ":")
	if r.Method != http.MethodPost || !ok || model == "" || !strings.HasPrefix(r.URL.Path, "/v1beta/models/") {
		writeJSON(w, 404, APIError(404, "NOT_FOUND", "no route "+r.URL.Path))
		return
	}
	switch method {
	case "countTokens":
		s.mu.Lock()
		s.counts++
		s.mu.Unlock()
		n := s.TokensPerCount
		if n == 0 {
			n = len(body) / 4
		}
		writeJSON(w, 200, map[string]any{"totalTokens": n})
	case "generateContent":
		var req Request
		if err := json.Unmarshal(body, &req); err != nil {
			writeJSON(w, 400, APIError(400, "INVALID_ARGUMENT", err.Error()))
			return
		}
		s.mu.Lock()
		s.generates++
		n := s.generates
		s.mu.Unlock()
		status, resp := s.Answer(n, req)
		writeJSON(w, status, resp)
	default:
		writeJSON(w, 404, APIError(404, "NOT_FOUND", "no method "+method))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// APIError is the body of an API error.
func APIError(code int, status, msg string) map[string]any {
	return map[string]any{"error": map[string]any{"code": code, "status": status, "message": msg}}
}

// OKAnswer is a generateContent response whose only part is text, with
// usage, a model version and a response id as the API reports them.
func OKAnswer(text string) map[string]any {
	return map[string]any{
		"candidates": []any{map[string]any{
			"content":       map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason":  "STOP",
			"safetyRatings": []any{map[string]any{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "NEGLIGIBLE"}},
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 1200, "candidatesTokenCount": 150,
			"thoughtsTokenCount": 50, "totalTokenCount": 1400},
		"modelVersion": "gemini-2.5-flash-001",
		"responseId":   "resp-" + strings.Repeat("x", 8),
	}
}

// Stats are the calls so far and every request body, in arrival order.
func (s *Server) Stats() (generates, counts int, bodies []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.generates, s.counts, append([]string(nil), s.bodies...)
}

// MaxInFlight is the most requests the server held at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFli
}
