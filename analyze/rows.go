package analyze

import "github.com/sparkmine/sparkmine/extract"

// AppResult is analyze's part of a row of the apps table: what the cost
// model and the detectors concluded about one application attempt.
type AppResult struct {
	EstCostUSD  float64 `parquet:"est_cost_usd" json:"est_cost_usd"`
	EstWasteUSD float64 `parquet:"est_waste_usd" json:"est_waste_usd"`
	MaxSeverity string  `parquet:"max_severity,optional,zstd" json:"max_severity"` // NULL when no finding
	Findings    int64   `parquet:"findings" json:"findings"`

	// Right-sizing (Rightsize), NULL when the app could not be replayed
	// (no executors, no task). critical_path_ms and ideal_duration_ms
	// include the driver's own time; sim_error is |sim_duration_ms −
	// duration_ms| ÷ duration_ms.
	CriticalPathMS          *int64   `parquet:"critical_path_ms,optional" json:"critical_path_ms"`
	IdealDurationMS         *int64   `parquet:"ideal_duration_ms,optional" json:"ideal_duration_ms"`
	SimDurationMS           *int64   `parquet:"sim_duration_ms,optional" json:"sim_duration_ms"`
	SimError                *float64 `parquet:"sim_error,optional" json:"sim_error"`
	RightsizedExecutors     *int64   `parquet:"rightsized_executors,optional" json:"rightsized_executors"`
	RightsizedExecutorCores *int64   `parquet:"rightsized_executor_cores,optional" json:"rightsized_executor_cores"`
	RightsizedCostUSD       *float64 `parquet:"rightsized_cost_usd,optional" json:"rightsized_cost_usd"`
	RightsizeSavingUSD      *float64 `parquet:"rightsize_saving_usd,optional" json:"rightsize_saving_usd"`
	// JobKey names the recurring job the run belongs to, stable across its
	// runs (see analyze/history).
	JobKey string `parquet:"job_key,zstd" json:"job_key"`
}

// AppRecord is one whole row of the apps table: extract's columns, then
// analyze's (Parquet and JSON flatten both embedded structs).
type AppRecord struct {
	extract.AppRow
	AppResult
}

// FindingRow is one row of the findings table: one detector hit.
type FindingRow struct {
	AppID     string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID     string `parquet:"run_id,zstd" json:"run_id"`
	AppName   string `parquet:"app_name,zstd" json:"app_name"`
	// StageID and StageAttemptID are null for app-level findings.
	StageID        *int64 `parquet:"stage_id,optional" json:"stage_id"`
	StageAttemptID *int64 `parquet:"stage_attempt_id,optional" json:"stage_attempt_id"`
	// ExecutionID is the SQL execution (query) a finding is about; null
	// unless tied to a query.
	ExecutionID *int64 `parquet:"execution_id,optional" json:"execution_id"`
	// NodeID is the operator of the query's final plan a finding is about
	// (plan_nodes.node_id); null unless tied to an operator.
	NodeID   *int64  `parquet:"node_id,optional" json:"node_id"`
	Detector string  `parquet:"detector,zstd" json:"detector"`
	Severity string  `parquet:"severity,zstd" json:"severity"` // low | moderate | severe | critical
	Score    float64 `parquet:"score" json:"score"`
	Title    string  `parquet:"title,zstd" json:"title"`   // one line: what went wrong, with its size
	Detail   string  `parquet:"detail,zstd" json:"detail"` // the numbers behind it and what to change
	// EstWasteUSD is the cost this finding is estimated to waste (0 when
	// the detector cannot tell); findings rank by severity, then this.
	EstWasteUSD     float64          `parquet:"est_waste_usd" json:"est_waste_usd"`
	Evidence        []Evidence       `parquet:"evidence,list" json:"evidence"`
	Recommendations []Recommendation `parquet:"recommendations,list" json:"recommendations"`

	// FindingID is stable across runs: a hash of app, attempt, detector
	// and stage attempt (see findingID).
	FindingID string `parquet:"finding_id,zstd" json:"finding_id"`
	// ImpactWallMS is the wall-clock time the problem adds to the app
	// (estimated; 0 when it costs money, not time), ImpactCostShare the
	// share of the app's cost the finding's est_waste_usd is.
	ImpactWallMS    int64   `parquet:"impact_wall_ms" json:"impact_wall_ms"`
	ImpactCostShare float64 `parquet:"impact_cost_share" json:"impact_cost_share"`
	// Rejected are the proposals a check refused, each with the check
	// that failed in Checks: kept for the audit, never to apply.
	Rejected []Recommendation `parquet:"rejected,list" json:"rejected"`
	// SourceURI is the app's: the log the finding was read from.
	SourceURI string `parquet:"source_uri,zstd" json:"source_uri"`
}

// Evidence is a metric, its value and the threshold it crossed.
type Evidence struct {
	Metric    string  `parquet:"metric,zstd" json:"metric"`
	Value     float64 `parquet:"value" json:"value"`
	Threshold float64 `parquet:"threshold" json:"threshold"`
}

// Recommendation is a concrete config change computed from the numbers.
type Recommendation struct {
	Key      string `parquet:"key,zstd" json:"key"`
	Current  string `parquet:"current,zstd" json:"current"` // "" when unset (Spark's default applies)
	Proposed string `parquet:"proposed,zstd" json:"proposed"`
	Reason   string `parquet:"reason,zstd" json:"reason"`
	// Alternative names a group of recommendations of one finding that are
	// alternatives to each other: apply one of them, not all ("" when the
	// recommendation stands alone).
	Alternative string `parquet:"alternative,zstd" json:"alternative"`
	// Checks are the checks the proposal passed before it was made
	// (governs, version, size, platform), each saying what it found; on a
	// rejected proposal, the check that failed.
	Checks []string `parquet:"checks,list" json:"checks"`
}

// DiagnosisRow is one row of the diagnoses table: one Gemini call, or one
// refusal to call (status skipped_budget, skipped_cached, dry_run).
type DiagnosisRow struct {
	AppID        string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID    string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID        string `parquet:"run_id,zstd" json:"run_id"`
	Time         int64  `parquet:"time,timestamp(millisecond:utc)" json:"time"`
	Model        string `parquet:"model,zstd" json:"model"`
	PromptSHA256 string `parquet:"prompt_sha256,zstd" json:"prompt_sha256"`
	InputTokens  int64  `parquet:"input_tokens" json:"input_tokens"`
	OutputTokens int64  `parquet:"output_tokens" json:"output_tokens"`
	LatencyMS    int64  `parquet:"latency_ms" json:"latency_ms"`
	// Status: ok | invalid | refused | error | skipped_budget | dry_run | cached
	Status       string         `parquet:"status,zstd" json:"status"`
	Error        string         `parquet:"error,zstd" json:"error"`
	Bottleneck   string         `parquet:"bottleneck,zstd" json:"bottleneck"`
	RootCause    string         `parquet:"root_cause,zstd" json:"root_cause"`
	Rationale    string         `parquet:"rationale,zstd" json:"rationale"`
	Confidence   string         `parquet:"confidence,zstd" json:"confidence"`
	CodeAdvice   []string       `parquet:"code_advice,list" json:"code_advice"`
	Configs      []ConfigAdvice `parquet:"configs,list" json:"configs"`
	RejectedKeys []string       `parquet:"rejected_keys,list" json:"rejected_keys"`
	CostUSD      float64        `parquet:"cost_usd" json:"cost_usd"` // tokens × the configured token prices
	// Cached marks an answer served from the cache (status ok, zero tokens
	// and cost): the same prompt was paid for by an earlier call.
	Cached bool `parquet:"cached" json:"cached"`

	// The audit trail: the prompt is stored under _sparkmine/llm/ by
	// PromptSHA256 (the SHA-256 of the stored file), the raw response
	// beside it by ResponseSHA256.
	ModelVersion     string   `parquet:"model_version,zstd" json:"model_version"` // as the API reports it
	ResponseID       string   `parquet:"response_id,zstd" json:"response_id"`
	ResponseSHA256   string   `parquet:"response_sha256,zstd" json:"response_sha256"`
	FinishReason     string   `parquet:"finish_reason,zstd" json:"finish_reason"`
	SafetyRatings    []string `parquet:"safety_ratings,list" json:"safety_ratings"` // CATEGORY:PROBABILITY
	SparkmineVersion string   `parquet:"sparkmine_version,zstd" json:"sparkmine_version"`
	ConfigSHA256     string   `parquet:"config_sha256,zstd" json:"config_sha256"` // of the effective configuration
	FindingIDs       []string `parquet:"finding_ids,list" json:"finding_ids"`     // the findings the model saw
}

// ConfigAdvice is one config change Gemini recommended, checked against the
// catalogue of Spark properties (Valid false: kept for the audit, never
// applied to anything).
type ConfigAdvice struct {
	Key      string `parquet:"key,zstd" json:"key"`
	Current  string `parquet:"current,zstd" json:"current"`
	Proposed string `parquet:"proposed,zstd" json:"proposed"`
	Reason   string `parquet:"reason,zstd" json:"reason"`
	Valid    bool   `parquet:"valid" json:"valid"`
	WhyNot   string `parquet:"why_not,zstd" json:"why_not"` // why it was rejected, "" when valid
}

// SimulationRow is one row of the simulations table: an app replayed on one
// executor configuration (analyze/simulate).
type SimulationRow struct {
	AppID             string  `parquet:"app_id,zstd" json:"app_id"`
	AttemptID         string  `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID             string  `parquet:"run_id,zstd" json:"run_id"`
	Executors         int64   `parquet:"executors" json:"executors"`
	ExecutorCores     int64   `parquet:"executor_cores" json:"executor_cores"`
	EstDurationMS     int64   `parquet:"est_duration_ms" json:"est_duration_ms"`
	EstExecutorTimeMS int64   `parquet:"est_executor_time_ms" json:"est_executor_time_ms"` // executors × cores × duration
	EstCostUSD        float64 `parquet:"est_cost_usd" json:"est_cost_usd"`
	EstUtilization    float64 `parquet:"est_utilization" json:"est_utilization"` // task slot time ÷ est_executor_time_ms
	Actual            bool    `parquet:"actual" json:"actual"`                   // the app's own configuration (peak executors)
	Rightsized        bool    `parquet:"rightsized" json:"rightsized"`           // the configuration recommended
}
