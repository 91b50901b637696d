// Package llm is the seam between sparkmine and a language model: a
// one-method Model interface, the Gemini implementation
// (google.golang.org/genai) and a dry-run implementation that sends
// nothing. Which one a run uses is chosen once, in cmd; "off" is no model
// (nil). Every LLM feature (the diagnosis, the questions) takes a Model,
// so its tests hand in their own.
//
// The SDK is google.golang.org/genai, Google's official Go SDK for both
// the Gemini API and Vertex AI. Its predecessor
// github.com/google/generative-ai-go is deprecated (its README says so;
// support ended 2025-08-31) and gets no new models or features, so it is
// not used. The SDK retries nothing unless HTTPOptions.RetryOptions is set;
// Gemini retries itself instead, so it can count attempts, honour the
// server's RetryInfo delay and keep test delays tiny.
//
// A Request is one system instruction, one user turn and a response
// schema, so a feature with its own answer shape (a diagnosis, a SQL
// query) reuses the same Model.
package llm

import (
	"context"
	"encoding/json"
	"errors"

	"google.golang.org/genai"
)

// Model generates one answer for one request. Implementations are safe for
// concurrent use. An error means no answer came back (the transport or the
// API failed after the implementation's retries); an answer the model
// withheld or cut short is a Response, not an error.
type Model interface {
	Generate(ctx context.Context, req Request) (Response, error)
}

// TokenCounter is implemented by a Model that can count a request's input
// tokens before sending it (Gemini's countTokens).
type TokenCounter interface {
	CountTokens(ctx context.Context, req Request) (int64, error)
}

// Request is what is sent: a system instruction, the parts of one user
// turn, and the JSON schema the answer must follow.
type Request struct {
	System          string
	Parts           []string
	Schema          *genai.Schema
	MaxOutputTokens int64
}

// Response is what came back, as the API reported it.
type Response struct {
	Text         string   // the answer's text parts joined, thoughts left out
	ModelVersion string   // the model version the API reports
	ResponseID   string   // the API's id of this response
	FinishReason string   // STOP, MAX_TOKENS, SAFETY, …
	Refused      string   // why the model withheld its answer, "" if it did not
	Safety       []string // the safety ratings, "CATEGORY:PROBABILITY", blocked ones marked
	InputTokens  int64
	OutputTokens int64  // thinking included
	Raw          []byte // the response as received (JSON), valid or not, for the audit store
	Attempts     int    // requests made, retries included
	DryRun       bool   // nothing was sent (the dry-run model)
}

// ErrTooLong is wrapped by Generate's error when the request is longer
// than the model's context window, so a caller can shrink it and retry.
var ErrTooLong = errors.New("request exceeds the model's context window")

// DryRun is the Model that sends nothing: every answer is empty and marked
// DryRun, its input tokens estimated locally.
type DryRun struct{}

// Generate returns an empty DryRun response.
func (DryRun) Generate(_ context.Context, req Request) (Response, error) {
	return Response{DryRun: true, InputTokens: EstimateTokens(req)}, nil
}

// EstimateTokens is the local estimate: about four bytes per token.
func EstimateTokens(req Request) int64 {
	schema, _ := json.Marshal(req.Schema) // a *genai.Schema always marshals
	n := len(req.System) + len(schema)
	for _, p := range req.Parts {
		n += len(p)
	}
	return int64(n+len(req.Parts)+1) / 4
}

// IsDryRun reports whether m sends nothing.
func IsDryRun(m Model) bool {
	_, ok := m.(DryRun)
	return ok
}
