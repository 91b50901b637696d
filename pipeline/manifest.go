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

	Counts       Counts       `json:"counts"`
	BytesIn      int64        `json:"bytes_in"`      // compressed bytes read from the source
	BytesDecoded int64        `json:"bytes_decoded"` // uncompressed event-log bytes decoded
	BytesOut     int64        `json:"bytes_out"`     // Parquet bytes written (staged parts, rewrites included)
	Unreadable   []Unreadable `json:"unreadable"`
	Problems     []string     `json:"problems,omitempty"` // listing problems (gaps in rolling logs…)
	Warnings     int64        `json:"warnings"`           // malformed lines over all logs
	// Unlisted are source entries the listing could not take as objects
	// (unreadable folders, symbolic link loops, links out of the source,
	// keys escaping it); Damaged are logs read with damage (a completed log
	// cut short, events without required members): their rows are kept as
	// far as they go. Either makes the run's exit 3.
	Unlisted []Unreadable `json:"unlisted,omitempty"`
	Damaged  []Damage     `json:"damaged,omitempty"`
	// Gone are ledger entries of this shard whose log is no longer in the
	// source; with --prune their rows were removed.
	Gone   []string `json:"gone,omitempty"`
	Pruned int      `json:"pruned,omitempty"`

	Findings     int64   `json:"findings"`
	TokensIn     int64   `json:"tokens_in"`
	TokensOut    int64   `json:"tokens_out"`
	LLMCostUSD   float64 `json:"llm_cost_usd"`
	Diagnoses    int64   `json:"diagnoses"`
	CleanedFiles int     `json:"cleaned_files"` // orphans and superseded parts deleted at start

	// History is what the history step read and wrote (nil: no run of a
	// recurring job tonight).
	History *HistoryCounts `json:"history,omitempty"`

	// RunFiles are part files that belong to the run rather than to one
	// log (the diagnoses table).
	RunFiles []string `json:"run_files,omitempty"`
	// Replaces are run files of earlier runs that this run's RunFiles
	// hold now (a compaction folded them): they die when it commits.
	Replaces []string `json:"replaces,omitempty"`
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
	Duplicates        int `json:"duplicates"` // logs of an app attempt another log holds (see oneLogPerApp)
	Apps              int `json:"apps"`
	Stages            int `json:"stages"`
	Executors         int `json:"executors"`
}

// Damage is damage met in a log: where (part:line) and what.
type Damage struct {
	Log    string `json:"log"`
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

// problems is how many entries make the run's exit 3.
func (m *Manifest) problems() int {
	return m.Counts.Failed + len(m.Unlisted) + len(m.Damaged)
}

// Unreadable is a log the run could not read, and why.
type Unreadable struct {
	Log    string `json:"log"`
	Reason string `json:"reason"`
}

// HistoryCounts are the history step's numbers: what it read (the window's
// part files of apps, findings and diagnoses), the earlier runs of
// tonight's jobs it found, and the rows it wrote.
type HistoryCounts struct {
	Jobs      int     `json:"jobs"`
	Parts     int64   `json:"parts_read"`
	BytesRead int64   `json:"bytes_read"`
	Runs      int64   `json:"runs"`
	Changes   int     `json:"regressions_and_improvements"`
	Outcomes  int     `json:"outcomes"`
	Seconds   float64 `json:"seconds"`
	// Error says why the history could not be read; the night then judged
	// no run against it.
	Error string `json:"error,omitempty"`
}
