// Package analyze judges the app models that extract builds: rule-based
// detectors with thresholds from the config file, the cost model, the
// Gemini diagnosis of flagged apps (subpackage diagnose) and the weekly
// report (subpackage report). It does no I/O beyond what it is handed.
package analyze
