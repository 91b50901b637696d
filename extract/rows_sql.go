package extract

// QueryRow is one row of the queries table: one SQL execution, with its
// jobs and stages, what its stages cost and a compact summary of its final
// plan's operators.
type QueryRow struct {
	AppID           string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID       string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID           string `parquet:"run_id,zstd" json:"run_id"`
	ExecutionID     int64  `parquet:"execution_id" json:"execution_id"`
	RootExecutionID *int64 `parquet:"root_execution_id,optional" json:"root_execution_id"` // Spark 3.4+
	Description     string `parquet:"description,zstd" json:"description"`                 // redacted, bounded

	StartTime  *int64 `parquet:"start_time,optional,timestamp(millisecond:utc)" json:"start_time"`
	EndTime    *int64 `parquet:"end_time,optional,timestamp(millisecond:utc)" json:"end_time"`
	DurationMS int64  `parquet:"duration_ms" json:"duration_ms"`
	Status     string `parquet:"status,zstd" json:"status"` // succeeded | failed | running
	Error      string `parquet:"error,zstd" json:"error"`   // SQLExecutionEnd's error message (redacted), "" if it succeeded

	JobIDs            []int64 `parquet:"job_ids,list" json:"job_ids"`
	StageIDs          []int64 `parquet:"stage_ids,list" json:"stage_ids"`
	ExecutorRunTimeMS int64   `parquet:"executor_run_time_ms" json:"executor_run_time_ms"` // Σ over its stage attempts
	// EstCostUSD is the query's share of the app's cost, by executor run
	// time (filled by the analysis).
	EstCostUSD float64 `parquet:"est_cost_usd" json:"est_cost_usd"`

	// The final plan's operators (plan_nodes has them one by one).
	// FinalPlan is false when AQE never sent its final plan (the query
	// failed or the log ends first): the operators are then the plan's
	// the query started with.
	FinalPlan      bool   `parquet:"final_plan" json:"final_plan"`
	Nodes          int64  `parquet:"nodes" json:"nodes"` // operators of the plan
	Joins          int64  `parquet:"joins" json:"joins"`
	JoinKinds      string `parquet:"join_kinds,zstd" json:"join_kinds"` // "broadcast_hash:2,sort_merge:1"
	Exchanges      int64  `parquet:"exchanges" json:"exchanges"`
	ShuffleBytes   int64  `parquet:"shuffle_bytes" json:"shuffle_bytes"`     // Σ shuffle exchanges' data size
	BroadcastBytes int64  `parquet:"broadcast_bytes" json:"broadcast_bytes"` // Σ broadcast exchanges' data size
	Scans          int64  `parquet:"scans" json:"scans"`
	FilesRead      int64  `parquet:"files_read" json:"files_read"` // Σ its scans' files read
	BytesRead      int64  `parquet:"bytes_read" json:"bytes_read"` // Σ its scans' bytes read
	// UnprunedScans are scans of partitioned tables with no partition filter.
	UnprunedScans       int64 `parquet:"unpruned_scans" json:"unpruned_scans"`
	AQESkewSplits       int64 `parquet:"aqe_skew_splits" json:"aqe_skew_splits"`             // skewed partitions AQE split (AQEShuffleRead)
	AQECoalescedReads   int64 `parquet:"aqe_coalesced_reads" json:"aqe_coalesced_reads"`     // shuffle reads whose partitions AQE coalesced
	AQEStrategySwitches int64 `parquet:"aqe_strategy_switches" json:"aqe_strategy_switches"` // joins whose strategy AQE changed from the initial plan
	// OperatorSummary is the summary as JSON: every join with its kind,
	// stages and each side's rows and bytes; every exchange; every scan
	// with format, table (or "<path>"), files, bytes and filters.
	OperatorSummary string `parquet:"operator_summary,zstd" json:"operator_summary"`
}

// PlanNodeRow is one row of the plan_nodes table: one operator of a query's
// final plan, as Spark wrote it (wrappers such as InputAdapter included).
type PlanNodeRow struct {
	AppID       string  `parquet:"app_id,zstd" json:"app_id"`
	AttemptID   string  `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID       string  `parquet:"run_id,zstd" json:"run_id"`
	ExecutionID int64   `parquet:"execution_id" json:"execution_id"`
	NodeID      int64   `parquet:"node_id" json:"node_id"`                      // pre-order position, the root 0
	ParentID    *int64  `parquet:"parent_id,optional" json:"parent_id"`         // null for the root
	CodegenID   *int64  `parquet:"codegen_id,optional" json:"codegen_id"`       // its WholeStageCodegen node
	GraphNodeID *int64  `parquet:"graph_node_id,optional" json:"graph_node_id"` // its id in the History Server's SQL tab graph; null if not drawn
	Name        string  `parquet:"name,zstd" json:"name"`                       // nodeName
	Description string  `parquet:"description,zstd" json:"description"`         // simpleString, bounded, redacted
	StageIDs    []int64 `parquet:"stage_ids,list" json:"stage_ids"`             // the stages that ran it
	Rows        int64   `parquet:"rows" json:"rows"`                            // number of output rows
	Bytes       int64   `parquet:"bytes" json:"bytes"`                          // data size / size of files read / written output
	TimeMS      int64   `parquet:"time_ms" json:"time_ms"`                      // Σ its timing metrics
	SpillBytes  int64   `parquet:"spill_bytes" json:"spill_bytes"`              // spill size
	PeakMemory  int64   `parquet:"peak_memory" json:"peak_memory"`              // peak memory
	FilesRead   int64   `parquet:"files_read" json:"files_read"`                // number of files read (scans)
	Metrics     int64   `parquet:"metrics" json:"metrics"`                      // how many SQL metrics it has
}
