package pipeline

import "time"

// Manifest is _sparkmine/runs/<run>.json: what one run did. Writing it is
// the run's commit point.
type Manifest struct {
	RunID    string    `json:"run_id"`
	Shard    string    `json:"shard"` // K/N
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Seconds  float64   `json:"seconds"`
	Source   string    `json:"source"`
	Out      string    `json:"out"`
	Version  string    `json:"sparkmine_version"`

	Counts     Counts       `json:"counts"`
	BytesIn    int64        `json:"bytes_in"`  // compressed bytes read from the source
	BytesOut   int64        `json:"bytes_out"` // uncompressed event-log bytes decoded
	Unreadable []Unreadable `json:"unreadable"`
	Problems   []string     `json:"problems,omitempty"` // listing problems (gaps in rolling logs…)
	Warnings   int64        `json:"warnings"`           // malformed lines over all logs

	Findings     int64   `json:"findings"`
	TokensIn     int64   `json:"tokens_in"`
	TokensOut    int64   `json:"tokens_out"`
	LLMCostUSD   float64 `json:"llm_cost_usd"`
	Diagnoses    int64   `json:"diagnoses"`
	CleanedFiles int     `json:"cleaned_files"` // orphans and superseded parts deleted at start

	// RunFiles are part files that belong to the run rather than to one
	// log (the diagnoses table).
	RunFiles []string `json:"run_files,omitempty"`
}

// Counts says what happened to every log the listing found.
type Counts struct {
	Objects           int `json:"objects"`
	Logs              int `json:"logs"`
	OtherShards       int `json:"other_shards"`
	SkippedDone       int `json:"skipped_done"`
	SkippedIncomplete int `json:"skipped_in_progress"`
	SkippedSince      int `json:"skipped_since"`
	Processed         int `json:"processed"`
	Reprocessed       int `json:"reprocessed"` // processed again because they changed (or --reprocess)
	Failed            int `json:"failed"`
	Apps              int `json:"apps"`
	Stages            int `json:"stages"`
	Executors         int `json:"executors"`
}

// Unreadable is a log the run could not read, and why.
type Unreadable struct {
	Log    string `json:"log"`
	Reason string `json:"reason"`
}
