// Package analyze judges the app models that extract builds: rule-based
// detectors with thresholds from the config file, the cost model, the
// Gemini diagnosis of flagged apps (subpackage diagnose) and the weekly
// report (subpackage report). It does no I/O beyond what it is handed.
//
// The detectors are registered in one place (DetectorConfig, registry.go):
// each detector's file owns its config type, defaults and validation
// rules. Analyze runs them, checks every recommendation before it is made
// (checks.go: governs, version, size, platform), judges each finding by its
// impact (impact.go: wall time added, share of the cost, a severity capped
// by both, negligible findings dropped, waste shared out disjointly), and
// returns the findings with the app's own result (AppResult), which the
// apps table joins with extract's columns (AppRecord).
//
// The history step (detect_history.go) is detector-like but needs the
// job's earlier runs, which the pipeline reads once a night's job keys
// are known: HistoryFinding judges a run against its job's baseline
// (subpackage history) and gives a regression or improvement finding;
// FindingAdvice and DiagnosisAdvice turn findings and diagnoses into the
// advice whose outcomes history.Watch follows.
package analyze
