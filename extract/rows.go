package extract

// The row types below are the contract with notebooks (../shared/design.md,
// "The dataset"). Column names, units and types are fixed: columns may be
// added, never renamed or retyped. Timestamps are epoch milliseconds stored as
// TIMESTAMP(MILLIS, UTC); a nil pointer is a NULL (the event was not in the
// log), and so is the zero of a value field tagged "optional" (a queue,
// removal reason or severity the log does not give, a duration without its
// start; --json prints that zero). Key columns (app_id, attempt_id) are never
// NULL, so that joins on them keep every row: an app without attempts has
// attempt_id "". Sizes are bytes, durations milliseconds, ratios float64. The json tags
// equal the parquet names, so `sparkmine extract --json` prints the same
// columns (timestamps as epoch milliseconds).

// AppRow is extract's part of a row of the apps table: one application
// attempt. analyze.AppRecord joins it with analyze's columns (cost, waste,
// findings) into the whole row.
type AppRow struct {
	AppID        string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID    string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID        string `parquet:"run_id,zstd" json:"run_id"`
	AppName      string `parquet:"app_name,zstd" json:"app_name"`
	User         string `parquet:"user,zstd" json:"user"`
	Queue        string `parquet:"queue,optional,zstd" json:"queue"` // spark.yarn.queue; NULL where the log has none
	SparkVersion string `parquet:"spark_version,zstd" json:"spark_version"`

	StartTime  *int64 `parquet:"start_time,optional,timestamp(millisecond:utc)" json:"start_time"`
	EndTime    *int64 `parquet:"end_time,optional,timestamp(millisecond:utc)" json:"end_time"`
	DurationMS int64  `parquet:"duration_ms,optional" json:"duration_ms"` // end − start; NULL without a start time
	// LastEventTime is the newest timestamp seen in the log; it stands in for
	// the end of an incomplete app (and decides its dt partition).
	LastEventTime *int64 `parquet:"last_event_time,optional,timestamp(millisecond:utc)" json:"last_event_time"`

	Status       string `parquet:"status,zstd" json:"status"` // succeeded | failed | incomplete
	ExitCode     *int64 `parquet:"exit_code,optional" json:"exit_code"`
	Jobs         int64  `parquet:"jobs" json:"jobs"`
	FailedJobs   int64  `parquet:"failed_jobs" json:"failed_jobs"`
	Stages       int64  `parquet:"stages" json:"stages"` // stage attempts
	FailedStages int64  `parquet:"failed_stages" json:"failed_stages"`
	Tasks        int64  `parquet:"tasks" json:"tasks"` // task ends
	FailedTasks  int64  `parquet:"failed_tasks" json:"failed_tasks"`
	KilledTasks  int64  `parquet:"killed_tasks" json:"killed_tasks"`

	MaxExecutors     int64 `parquet:"max_executors" json:"max_executors"` // max concurrent, driver excluded
	TotalExecutors   int64 `parquet:"total_executors" json:"total_executors"`
	ExecutorCores    int64 `parquet:"executor_cores" json:"executor_cores"`
	ExecutorMemoryMB int64 `parquet:"executor_memory_mb" json:"executor_memory_mb"` // heap + overhead where known
	DriverCores      int64 `parquet:"driver_cores" json:"driver_cores"`
	DriverMemoryMB   int64 `parquet:"driver_memory_mb" json:"driver_memory_mb"`

	ExecutorTimeMS     int64    `parquet:"executor_time_ms" json:"executor_time_ms"`         // allocated core-time: Σ executor lifetime × cores
	ExecutorLifetimeMS int64    `parquet:"executor_lifetime_ms" json:"executor_lifetime_ms"` // Σ executor lifetime (for memory-hours)
	TaskTimeMS         int64    `parquet:"task_time_ms" json:"task_time_ms"`                 // used core-time: Σ task executor run time
	Utilization        *float64 `parquet:"utilization,optional" json:"utilization"`          // task_time_ms ÷ executor_time_ms; NULL with no executor time
	JobTimeMS          int64    `parquet:"job_time_ms" json:"job_time_ms"`                   // wall time with at least one job running
	DriverTimeMS       int64    `parquet:"driver_time_ms" json:"driver_time_ms"`             // duration − job_time_ms

	InputBytes         int64 `parquet:"input_bytes" json:"input_bytes"`
	OutputBytes        int64 `parquet:"output_bytes" json:"output_bytes"`
	ShuffleReadBytes   int64 `parquet:"shuffle_read_bytes" json:"shuffle_read_bytes"`
	ShuffleWriteBytes  int64 `parquet:"shuffle_write_bytes" json:"shuffle_write_bytes"`
	MemorySpilledBytes int64 `parquet:"memory_spilled_bytes" json:"memory_spilled_bytes"`
	DiskSpilledBytes   int64 `parquet:"disk_spilled_bytes" json:"disk_spilled_bytes"`
	GCTimeMS           int64 `parquet:"gc_time_ms" json:"gc_time_ms"`
	ResultSizeBytes    int64 `parquet:"result_size_bytes" json:"result_size_bytes"`

	SourceURI string `parquet:"source_uri,zstd" json:"source_uri"`
	// SparkConf is a JSON object of the tuning-relevant Spark properties,
	// redacted with spark.redaction.regex semantics.
	SparkConf string `parquet:"spark_conf,zstd" json:"spark_conf"`
	// PlanExcerpt is the bounded start of the physical plan of the slowest
	// SQL execution (for the diagnosis), redacted like spark_conf.
	PlanExcerpt string `parquet:"plan_excerpt,zstd" json:"plan_excerpt"`
	// Incomplete-log signals, kept apart as the format doc advises.
	InProgress     bool  `parquet:"in_progress" json:"in_progress"`         // named .inprogress / appstatus in progress
	Truncated      bool  `parquet:"truncated" json:"truncated"`             // stream ended mid-line or mid-block
	MalformedLines int64 `parquet:"malformed_lines" json:"malformed_lines"` // counted warnings
	UnknownEvents  int64 `parquet:"unknown_events" json:"unknown_events"`
	LogBytes       int64 `parquet:"log_bytes" json:"log_bytes"` // uncompressed bytes read
}

// StageRow is one row of the stages table: one stage attempt.
type StageRow struct {
	AppID          string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID      string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID          string `parquet:"run_id,zstd" json:"run_id"`
	StageID        int64  `parquet:"stage_id" json:"stage_id"`
	StageAttemptID int64  `parquet:"stage_attempt_id" json:"stage_attempt_id"`
	Name           string `parquet:"name,zstd" json:"name"`
	Status         string `parquet:"status,zstd" json:"status"` // COMPLETE | FAILED | SKIPPED | ACTIVE | PENDING, as the History Server says

	Tasks                int64 `parquet:"tasks" json:"tasks"` // Number of Tasks
	CompleteTasks        int64 `parquet:"complete_tasks" json:"complete_tasks"`
	FailedTasks          int64 `parquet:"failed_tasks" json:"failed_tasks"`
	KilledTasks          int64 `parquet:"killed_tasks" json:"killed_tasks"`
	CompletedIndices     int64 `parquet:"completed_indices" json:"completed_indices"`
	FetchFailures        int64 `parquet:"fetch_failures" json:"fetch_failures"`                 // TaskEnds with reason FetchFailed
	SpeculativeTasks     int64 `parquet:"speculative_tasks" json:"speculative_tasks"`           // speculative task launches
	ExecutorLostFailures int64 `parquet:"executor_lost_failures" json:"executor_lost_failures"` // TaskEnds with reason ExecutorLostFailure
	// More task end reasons by kind, for root causes: ExceptionFailure (a
	// task threw), Resubmitted (finished map output lost with its
	// executor: a consequence, not a crash), TaskCommitDenied (a commit
	// another attempt won; counted killed, as the History Server does).
	ExceptionFailures int64 `parquet:"exception_failures" json:"exception_failures"`
	ResubmittedTasks  int64 `parquet:"resubmitted_tasks" json:"resubmitted_tasks"`
	CommitDeniedTasks int64 `parquet:"commit_denied_tasks" json:"commit_denied_tasks"`

	SubmissionTime        *int64 `parquet:"submission_time,optional,timestamp(millisecond:utc)" json:"submission_time"`
	FirstTaskLaunchedTime *int64 `parquet:"first_task_launched_time,optional,timestamp(millisecond:utc)" json:"first_task_launched_time"`
	CompletionTime        *int64 `parquet:"completion_time,optional,timestamp(millisecond:utc)" json:"completion_time"`
	DurationMS            int64  `parquet:"duration_ms,optional" json:"duration_ms"` // completion − submission; NULL when either is missing
	FailureReason         string `parquet:"failure_reason,zstd" json:"failure_reason"`

	ExecutorRunTimeMS          int64 `parquet:"executor_run_time_ms" json:"executor_run_time_ms"`
	ExecutorCPUTimeMS          int64 `parquet:"executor_cpu_time_ms" json:"executor_cpu_time_ms"` // ns in the log, floor(Σns / 1e6)
	ExecutorCPUTimeNS          int64 `parquet:"executor_cpu_time_ns" json:"executor_cpu_time_ns"`
	ExecutorDeserializeTimeMS  int64 `parquet:"executor_deserialize_time_ms" json:"executor_deserialize_time_ms"`
	ResultSerializationTimeMS  int64 `parquet:"result_serialization_time_ms" json:"result_serialization_time_ms"`
	GCTimeMS                   int64 `parquet:"gc_time_ms" json:"gc_time_ms"`
	ResultSizeBytes            int64 `parquet:"result_size_bytes" json:"result_size_bytes"`
	InputBytes                 int64 `parquet:"input_bytes" json:"input_bytes"`
	InputRecords               int64 `parquet:"input_records" json:"input_records"`
	OutputBytes                int64 `parquet:"output_bytes" json:"output_bytes"`
	OutputRecords              int64 `parquet:"output_records" json:"output_records"`
	ShuffleReadBytes           int64 `parquet:"shuffle_read_bytes" json:"shuffle_read_bytes"` // local + remote
	ShuffleRemoteBytes         int64 `parquet:"shuffle_remote_bytes" json:"shuffle_remote_bytes"`
	ShuffleLocalBytes          int64 `parquet:"shuffle_local_bytes" json:"shuffle_local_bytes"`
	ShuffleRemoteBytesToDisk   int64 `parquet:"shuffle_remote_bytes_to_disk" json:"shuffle_remote_bytes_to_disk"`
	ShuffleReadRecords         int64 `parquet:"shuffle_read_records" json:"shuffle_read_records"`
	ShuffleRemoteBlocksFetched int64 `parquet:"shuffle_remote_blocks_fetched" json:"shuffle_remote_blocks_fetched"`
	ShuffleLocalBlocksFetched  int64 `parquet:"shuffle_local_blocks_fetched" json:"shuffle_local_blocks_fetched"`
	ShuffleFetchWaitMS         int64 `parquet:"shuffle_fetch_wait_ms" json:"shuffle_fetch_wait_ms"`
	ShuffleWriteBytes          int64 `parquet:"shuffle_write_bytes" json:"shuffle_write_bytes"`
	ShuffleWriteRecords        int64 `parquet:"shuffle_write_records" json:"shuffle_write_records"`
	ShuffleWriteTimeNS         int64 `parquet:"shuffle_write_time_ns" json:"shuffle_write_time_ns"`
	MemorySpilledBytes         int64 `parquet:"memory_spilled_bytes" json:"memory_spilled_bytes"`
	DiskSpilledBytes           int64 `parquet:"disk_spilled_bytes" json:"disk_spilled_bytes"`
	PeakExecutionMemoryMax     int64 `parquet:"peak_execution_memory_max" json:"peak_execution_memory_max"` // max over tasks
	PeakExecutionMemorySum     int64 `parquet:"peak_execution_memory_sum" json:"peak_execution_memory_sum"` // the History Server's stage peakExecutionMemory

	// Per-task quantiles with the History Server's task choice and index rule
	// (min = quantile 0, max = quantile 1). Zero when no task qualified
	// (QuantileTasks says how many did).
	QuantileTasks            int64   `parquet:"quantile_tasks" json:"quantile_tasks"`
	TaskDurationMSMin        float64 `parquet:"task_duration_ms_min" json:"task_duration_ms_min"`
	TaskDurationMSP25        float64 `parquet:"task_duration_ms_p25" json:"task_duration_ms_p25"`
	TaskDurationMSP50        float64 `parquet:"task_duration_ms_p50" json:"task_duration_ms_p50"`
	TaskDurationMSP75        float64 `parquet:"task_duration_ms_p75" json:"task_duration_ms_p75"`
	TaskDurationMSP95        float64 `parquet:"task_duration_ms_p95" json:"task_duration_ms_p95"`
	TaskDurationMSMax        float64 `parquet:"task_duration_ms_max" json:"task_duration_ms_max"`
	TaskRunTimeMSMin         float64 `parquet:"task_run_time_ms_min" json:"task_run_time_ms_min"`
	TaskRunTimeMSP25         float64 `parquet:"task_run_time_ms_p25" json:"task_run_time_ms_p25"`
	TaskRunTimeMSP50         float64 `parquet:"task_run_time_ms_p50" json:"task_run_time_ms_p50"`
	TaskRunTimeMSP75         float64 `parquet:"task_run_time_ms_p75" json:"task_run_time_ms_p75"`
	TaskRunTimeMSP95         float64 `parquet:"task_run_time_ms_p95" json:"task_run_time_ms_p95"`
	TaskRunTimeMSMax         float64 `parquet:"task_run_time_ms_max" json:"task_run_time_ms_max"`
	TaskGCTimeMSP50          float64 `parquet:"task_gc_time_ms_p50" json:"task_gc_time_ms_p50"`
	TaskGCTimeMSMax          float64 `parquet:"task_gc_time_ms_max" json:"task_gc_time_ms_max"`
	TaskShuffleReadBytesMin  float64 `parquet:"task_shuffle_read_bytes_min" json:"task_shuffle_read_bytes_min"`
	TaskShuffleReadBytesP25  float64 `parquet:"task_shuffle_read_bytes_p25" json:"task_shuffle_read_bytes_p25"`
	TaskShuffleReadBytesP50  float64 `parquet:"task_shuffle_read_bytes_p50" json:"task_shuffle_read_bytes_p50"`
	TaskShuffleReadBytesP75  float64 `parquet:"task_shuffle_read_bytes_p75" json:"task_shuffle_read_bytes_p75"`
	TaskShuffleReadBytesP95  float64 `parquet:"task_shuffle_read_bytes_p95" json:"task_shuffle_read_bytes_p95"`
	TaskShuffleReadBytesMax  float64 `parquet:"task_shuffle_read_bytes_max" json:"task_shuffle_read_bytes_max"`
	TaskShuffleWriteBytesP50 float64 `parquet:"task_shuffle_write_bytes_p50" json:"task_shuffle_write_bytes_p50"`
	TaskShuffleWriteBytesMax float64 `parquet:"task_shuffle_write_bytes_max" json:"task_shuffle_write_bytes_max"`
	TaskInputBytesMin        float64 `parquet:"task_input_bytes_min" json:"task_input_bytes_min"`
	TaskInputBytesP25        float64 `parquet:"task_input_bytes_p25" json:"task_input_bytes_p25"`
	TaskInputBytesP50        float64 `parquet:"task_input_bytes_p50" json:"task_input_bytes_p50"`
	TaskInputBytesP75        float64 `parquet:"task_input_bytes_p75" json:"task_input_bytes_p75"`
	TaskInputBytesP95        float64 `parquet:"task_input_bytes_p95" json:"task_input_bytes_p95"`
	TaskInputBytesMax        float64 `parquet:"task_input_bytes_max" json:"task_input_bytes_max"`
	TaskSpillBytesMax        float64 `parquet:"task_spill_bytes_max" json:"task_spill_bytes_max"` // memory spill, max over tasks

	DurationSkew float64 `parquet:"duration_skew" json:"duration_skew"` // task_duration_ms_max ÷ p50 (0 when p50 is 0)
	ShuffleSkew  float64 `parquet:"shuffle_skew" json:"shuffle_skew"`   // task_shuffle_read_bytes_max ÷ p50 (0 when p50 is 0)

	// Stage context (extract/context.go): the jobs whose Stage Infos list
	// the stage, the submitting job's spark.job.description (redacted,
	// bounded to JobDescriptionLimit) and spark.sql.execution.id (null
	// outside SQL), the stage's Parent IDs, its call site (the first line
	// of its Details: the Spark API user code called) and its kind
	// (listing | schema | broadcast | result | write | shuffle_map | other).
	JobIDs         []int64 `parquet:"job_ids,list" json:"job_ids"`
	JobDescription string  `parquet:"job_description,zstd" json:"job_description"`
	SQLExecutionID *int64  `parquet:"sql_execution_id,optional" json:"sql_execution_id"`
	ParentStageIDs []int64 `parquet:"parent_stage_ids,list" json:"parent_stage_ids"`
	CallSite       string  `parquet:"call_site,zstd" json:"call_site"`
	StageKind      string  `parquet:"stage_kind,zstd" json:"stage_kind"`
	// SourceURI is the app's: the log the row was read from.
	SourceURI string `parquet:"source_uri,zstd" json:"source_uri"`
}

// ExecutorRow is one row of the executors table.
type ExecutorRow struct {
	AppID         string `parquet:"app_id,zstd" json:"app_id"`
	AttemptID     string `parquet:"attempt_id,zstd" json:"attempt_id"`
	RunID         string `parquet:"run_id,zstd" json:"run_id"`
	ExecutorID    string `parquet:"executor_id,zstd" json:"executor_id"` // "driver" for the driver
	Host          string `parquet:"host,zstd" json:"host"`
	Cores         int64  `parquet:"cores" json:"cores"`
	MaxMemory     int64  `parquet:"max_memory" json:"max_memory"` // block manager storage memory, bytes
	AddedTime     *int64 `parquet:"added_time,optional,timestamp(millisecond:utc)" json:"added_time"`
	RemovedTime   *int64 `parquet:"removed_time,optional,timestamp(millisecond:utc)" json:"removed_time"`
	RemovedReason string `parquet:"removed_reason,optional,zstd" json:"removed_reason"`
	LifetimeMS    int64  `parquet:"lifetime_ms" json:"lifetime_ms"` // removed (or app end) − added

	Tasks              int64 `parquet:"tasks" json:"tasks"` // every task end (the History Server's totalTasks)
	CompletedTasks     int64 `parquet:"completed_tasks" json:"completed_tasks"`
	FailedTasks        int64 `parquet:"failed_tasks" json:"failed_tasks"`
	TaskTimeMS         int64 `parquet:"task_time_ms" json:"task_time_ms"` // the History Server's totalDuration
	GCTimeMS           int64 `parquet:"gc_time_ms" json:"gc_time_ms"`
	InputBytes         int64 `parquet:"input_bytes" json:"input_bytes"`
	ShuffleReadBytes   int64 `parquet:"shuffle_read_bytes" json:"shuffle_read_bytes"`
	ShuffleWriteBytes  int64 `parquet:"shuffle_write_bytes" json:"shuffle_write_bytes"`
	MemorySpilledBytes int64 `parquet:"memory_spilled_bytes" json:"memory_spilled_bytes"`
	DiskSpilledBytes   int64 `parquet:"disk_spilled_bytes" json:"disk_spilled_bytes"`

	// Peak memory metrics (Spark 3.0+), null where the log has none.
	PeakJVMHeapMemory           *int64 `parquet:"peak_jvm_heap_memory,optional" json:"peak_jvm_heap_memory"`
	PeakJVMOffHeapMemory        *int64 `parquet:"peak_jvm_off_heap_memory,optional" json:"peak_jvm_off_heap_memory"`
	PeakOnHeapExecutionMemory   *int64 `parquet:"peak_on_heap_execution_memory,optional" json:"peak_on_heap_execution_memory"`
	PeakOffHeapExecutionMemory  *int64 `parquet:"peak_off_heap_execution_memory,optional" json:"peak_off_heap_execution_memory"`
	PeakProcessTreeJVMRSSMemory *int64 `parquet:"peak_process_tree_jvm_rss_memory,optional" json:"peak_process_tree_jvm_rss_memory"`
	MajorGCTimeMS               *int64 `parquet:"major_gc_time_ms,optional" json:"major_gc_time_ms"`
}
