package analyze

// QuestionRow is one plain-English question asked of the dataset
// (`sparkmine ask`), as the questions table keeps it: what was asked
// (redacted), of which model, what it answered, whether its SQL passed
// the check, and what it cost. A question is about no one app: app_id and
// attempt_id are empty (the run tables share the per-log tables' key
// columns).
type QuestionRow struct {
	AppID          string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID      string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID          string `parquet:"run_id,zstd" json:"run_id"`
	Time           int64  `parquet:"time,timestamp(millisecond:utc)" json:"time"`
	QuestionSHA256 string `parquet:"question_sha256,zstd" json:"question_sha256"` // of the redacted question
	Question       string `parquet:"question,zstd" json:"question"`               // redacted
	SchemaSHA256   string `parquet:"schema_sha256,zstd" json:"schema_sha256"`     // of the schema the model was shown
	Model          string `parquet:"model,zstd" json:"model"`
	ModelVersion   string `parquet:"model_version,zstd" json:"model_version"` // as the API reports it
	// PromptSHA256 names the stored prompt under _sparkmine/llm/ (the raw
	// responses beside it).
	PromptSHA256 string `parquet:"prompt_sha256,zstd" json:"prompt_sha256"`
	Requests     int64  `parquet:"requests" json:"requests"` // model calls: 0 cached or dry run, 2 with the retry
	InputTokens  int64  `parquet:"input_tokens" json:"input_tokens"`
	OutputTokens int64  `parquet:"output_tokens" json:"output_tokens"`
	// Status: checked | rejected | no_answer | error | skipped_budget | dry_run
	Status      string   `parquet:"status,zstd" json:"status"`
	Reason      string   `parquet:"reason,zstd" json:"reason"` // why rejected, unanswered or failed
	SQL         string   `parquet:"sql,zstd" json:"sql"`
	Explanation string   `parquet:"explanation,zstd" json:"explanation"`
	Assumptions []string `parquet:"assumptions,list" json:"assumptions"`
	Rows        int64    `parquet:"rows" json:"rows"`           // rows the checked SQL returned
	Truncated   bool     `parquet:"truncated" json:"truncated"` // the row or byte limit cut them
	CostUSD     float64  `parquet:"cost_usd" json:"cost_usd"`   // tokens × the configured prices
	// Cached marks an answer served from the cache: zero tokens and cost,
	// the same question on the same schema was paid for by an earlier call.
	Cached           bool   `parquet:"cached" json:"cached"`
	SparkmineVersion string `parquet:"sparkmine_version,zstd" json:"sparkmine_version"`
}
