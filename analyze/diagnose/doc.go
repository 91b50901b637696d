// Package diagnose asks Gemini to diagnose the flagged Spark applications
// and records every call, and every refusal to call, as an
// analyze.DiagnosisRow.
//
// Who is sent: apps with a finding at or above Config.MinSeverity, most
// costly first (AppResult.EstCostUSD, then app id), until the run's budget
// (max_apps, max_input_tokens, max_output_tokens) would be exceeded; the
// rest get skipped_budget rows. The model is handed in (Deps.Model, an
// llm.Model chosen once by cmd): none is off (no rows), llm.DryRun writes
// each prompt through a callback, sends nothing and estimates the tokens,
// and llm.NewGemini calls Gemini. The selection (Config.Wants,
// Config.Select, Costlier) is the one the pipeline uses to keep candidates.
// The one redactor of the run is handed in too (Deps.Redactor).
//
// The prompt has the three parts the SDK models (BuildPrompt): a system
// instruction (role and guardrails, and the largest container and cores a
// proposal may ask for), the reference information (a compact
// JSON of the app chosen from the evidence: the root-cause and failed
// stages first with their failure breakdown, then flagged and slowest
// stages with their job and SQL execution; deployment, plugin and resource
// settings; messages collapsed with counts; only rule recommendations that
// pass the catalogue's checks; bounded by max_reference_bytes by priority,
// the cuts stated in it) and the query. Placeholders are numbered in one
// fixed traversal, so a prompt is byte-identical on every run and machine;
// each is stored under its SHA-256 (PromptName) with every raw response
// beside it (ResponseName) through Deps.Audit, and ShowChain prints a row's
// chain. Before anything leaves the machine, secret property
// values (spark.redaction.regex semantics plus the config's patterns),
// secrets in free text, credentials in URLs and, by default, paths, table
// names and hosts (as stable <path_N>/<table_N>/<host_N> placeholders) are
// removed.
//
// The answer is forced into a JSON schema (ResponseMIMEType
// application/json + ResponseSchema) and checked again on arrival: a
// malformed answer is status invalid and none of it is used; each proposed
// config key is checked against the catalogue of real Spark properties
// (package catalog) and each value against the property's type, then the
// changes together against the app's containers and cores (catalog
// View.Fit under the cost config's node, Deps.NodeMiB and NodeCores, else
// Config.MaxContainer), and the failures are kept with Valid false, their
// WhyNot, and listed in RejectedKeys. A blocked prompt or a safety stop is
// status refused.
//
// A stored app diagnosed on demand has no task sketches in the dataset:
// the caller rebuilds its right-sizing from the source log
// (Candidate.Rightsizing) or says why it could not
// (Candidate.RightsizingUnavailable, sent as "right_sizing": "unavailable:
// why").
//
// Cost control: answers are cached by the sha256 of everything sent
// (Cache), so the same question is never paid for twice; 408, 429 and 5xx
// are retried with exponential backoff and jitter; at most Concurrency
// calls are in flight; a failing Gemini makes error rows, never a failed
// run.
//
// The Gemini model (package llm) uses google.golang.org/genai and retries
// 408, 429 and 5xx itself.
package diagnose
