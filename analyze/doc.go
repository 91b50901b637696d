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
package analyze
