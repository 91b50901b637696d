// Package diagnose asks Gemini to diagnose the flagged Spark applications
// and records every call, and every refusal to call, as an
// analyze.DiagnosisRow.
//
// Who is sent: apps with a finding at or above Config.MinSeverity, most
// costly first (AppResult.EstCostUSD, then app id), until the run's budget
// (max_apps, max_input_tokens, max_output_tokens) would be exceeded; the
// rest get skipped_budget rows. Modes: off (nothing), dry-run (each prompt
// is written through a callback, nothing is sent, tokens are estimated)
// and gemini.
//
// The prompt has the three parts the SDK models (BuildPrompt): a system
// instruction (role and guardrails), the reference information (a compact
// JSON of the app, bounded by max_reference_bytes, truncation stated in
// it) and the query. Before anything leaves the machine, secret property
// values (spark.redaction.regex semantics plus the config's patterns),
// secrets in free text, credentials in URLs and, by default, paths, table
// names and hosts (as stable <path_N>/<table_N>/<host_N> placeholders) are
// removed.
//
// The answer is forced into a JSON schema (ResponseMIMEType
// application/json + ResponseSchema) and checked again on arrival: a
// malformed answer is status invalid and none of it is used; each proposed
// config key is checked against the catalogue of real Spark properties
// (package catalog) and each value against the property's type, and the
// failures are kept with Valid false and listed in RejectedKeys. A blocked
// prompt or a safety stop is status refused.
//
// Cost control: answers are cached by the sha256 of everything sent
// (Cache), so the same question is never paid for twice; 408, 429 and 5xx
// are retried with exponential backoff and jitter; at most Concurrency
// calls are in flight; a failing Gemini makes error rows, never a failed
// run.
//
// The SDK is google.golang.org/genai, Google's official Go SDK for both
// the Gemini API and Vertex AI. Its predecessor
// github.com/google/generative-ai-go is deprecated (its README says so;
// support ended 2025-08-31) and gets no new models or features, so it is
// not used. The SDK retries nothing unless HTTPOptions.RetryOptions is set;
// this package retries itself instead, so it can count attempts, honour
// the server's RetryInfo delay and keep test delays tiny.
package diagnose
