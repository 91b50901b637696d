-- sparkmine ddl: the dataset at s3://findings/sparkmine/, for athena

CREATE EXTERNAL TABLE IF NOT EXISTS `apps` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `app_name` string,
  `user` string,
  `queue` string,
  `spark_version` string,
  `start_time` timestamp,
  `end_time` timestamp,
  `duration_ms` bigint,
  `last_event_time` timestamp,
  `status` string,
  `exit_code` bigint,
  `jobs` bigint,
  `failed_jobs` bigint,
  `stages` bigint,
  `failed_stages` bigint,
  `tasks` bigint,
  `failed_tasks` bigint,
  `killed_tasks` bigint,
  `max_executors` bigint,
  `total_executors` bigint,
  `executor_cores` bigint,
  `executor_memory_mb` bigint,
  `driver_cores` bigint,
  `driver_memory_mb` bigint,
  `executor_time_ms` bigint,
  `executor_lifetime_ms` bigint,
  `task_time_ms` bigint,
  `utilization` double,
  `job_time_ms` bigint,
  `driver_time_ms` bigint,
  `input_bytes` bigint,
  `output_bytes` bigint,
  `shuffle_read_bytes` bigint,
  `shuffle_write_bytes` bigint,
  `memory_spilled_bytes` bigint,
  `disk_spilled_bytes` bigint,
  `gc_time_ms` bigint,
  `result_size_bytes` bigint,
  `source_uri` string,
  `spark_conf` string,
  `plan_excerpt` string,
  `in_progress` boolean,
  `truncated` boolean,
  `malformed_lines` bigint,
  `unknown_events` bigint,
  `log_bytes` bigint,
  `est_cost_usd` double,
  `est_waste_usd` double,
  `max_severity` string,
  `findings` bigint,
  `critical_path_ms` bigint,
  `ideal_duration_ms` bigint,
  `sim_duration_ms` bigint,
  `sim_error` double,
  `rightsized_executors` bigint,
  `rightsized_executor_cores` bigint,
  `rightsized_cost_usd` double,
  `rightsize_saving_usd` double,
  `job_key` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/apps/';
MSCK REPAIR TABLE `apps`;

CREATE EXTERNAL TABLE IF NOT EXISTS `stages` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `stage_id` bigint,
  `stage_attempt_id` bigint,
  `name` string,
  `status` string,
  `tasks` bigint,
  `complete_tasks` bigint,
  `failed_tasks` bigint,
  `killed_tasks` bigint,
  `completed_indices` bigint,
  `fetch_failures` bigint,
  `speculative_tasks` bigint,
  `executor_lost_failures` bigint,
  `exception_failures` bigint,
  `resubmitted_tasks` bigint,
  `commit_denied_tasks` bigint,
  `submission_time` timestamp,
  `first_task_launched_time` timestamp,
  `completion_time` timestamp,
  `duration_ms` bigint,
  `failure_reason` string,
  `executor_run_time_ms` bigint,
  `executor_cpu_time_ms` bigint,
  `executor_cpu_time_ns` bigint,
  `executor_deserialize_time_ms` bigint,
  `result_serialization_time_ms` bigint,
  `gc_time_ms` bigint,
  `result_size_bytes` bigint,
  `input_bytes` bigint,
  `input_records` bigint,
  `output_bytes` bigint,
  `output_records` bigint,
  `shuffle_read_bytes` bigint,
  `shuffle_remote_bytes` bigint,
  `shuffle_local_bytes` bigint,
  `shuffle_remote_bytes_to_disk` bigint,
  `shuffle_read_records` bigint,
  `shuffle_remote_blocks_fetched` bigint,
  `shuffle_local_blocks_fetched` bigint,
  `shuffle_fetch_wait_ms` bigint,
  `shuffle_write_bytes` bigint,
  `shuffle_write_records` bigint,
  `shuffle_write_time_ns` bigint,
  `memory_spilled_bytes` bigint,
  `disk_spilled_bytes` bigint,
  `peak_execution_memory_max` bigint,
  `peak_execution_memory_sum` bigint,
  `quantile_tasks` bigint,
  `task_duration_ms_min` double,
  `task_duration_ms_p25` double,
  `task_duration_ms_p50` double,
  `task_duration_ms_p75` double,
  `task_duration_ms_p95` double,
  `task_duration_ms_max` double,
  `task_run_time_ms_min` double,
  `task_run_time_ms_p25` double,
  `task_run_time_ms_p50` double,
  `task_run_time_ms_p75` double,
  `task_run_time_ms_p95` double,
  `task_run_time_ms_max` double,
  `task_gc_time_ms_p50` double,
  `task_gc_time_ms_max` double,
  `task_shuffle_read_bytes_min` double,
  `task_shuffle_read_bytes_p25` double,
  `task_shuffle_read_bytes_p50` double,
  `task_shuffle_read_bytes_p75` double,
  `task_shuffle_read_bytes_p95` double,
  `task_shuffle_read_bytes_max` double,
  `task_shuffle_write_bytes_p50` double,
  `task_shuffle_write_bytes_max` double,
  `task_input_bytes_min` double,
  `task_input_bytes_p25` double,
  `task_input_bytes_p50` double,
  `task_input_bytes_p75` double,
  `task_input_bytes_p95` double,
  `task_input_bytes_max` double,
  `task_spill_bytes_max` double,
  `duration_skew` double,
  `shuffle_skew` double,
  `job_ids` array<bigint>,
  `job_description` string,
  `sql_execution_id` bigint,
  `parent_stage_ids` array<bigint>,
  `call_site` string,
  `stage_kind` string,
  `source_uri` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/stages/';
MSCK REPAIR TABLE `stages`;

CREATE EXTERNAL TABLE IF NOT EXISTS `executors` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `executor_id` string,
  `host` string,
  `cores` bigint,
  `max_memory` bigint,
  `added_time` timestamp,
  `removed_time` timestamp,
  `removed_reason` string,
  `lifetime_ms` bigint,
  `tasks` bigint,
  `completed_tasks` bigint,
  `failed_tasks` bigint,
  `task_time_ms` bigint,
  `gc_time_ms` bigint,
  `input_bytes` bigint,
  `shuffle_read_bytes` bigint,
  `shuffle_write_bytes` bigint,
  `memory_spilled_bytes` bigint,
  `disk_spilled_bytes` bigint,
  `peak_jvm_heap_memory` bigint,
  `peak_jvm_off_heap_memory` bigint,
  `peak_on_heap_execution_memory` bigint,
  `peak_off_heap_execution_memory` bigint,
  `peak_process_tree_jvm_rss_memory` bigint,
  `major_gc_time_ms` bigint
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/executors/';
MSCK REPAIR TABLE `executors`;

CREATE EXTERNAL TABLE IF NOT EXISTS `findings` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `app_name` string,
  `stage_id` bigint,
  `stage_attempt_id` bigint,
  `execution_id` bigint,
  `node_id` bigint,
  `detector` string,
  `severity` string,
  `score` double,
  `title` string,
  `detail` string,
  `est_waste_usd` double,
  `evidence` array<struct<metric:string,value:double,threshold:double>>,
  `recommendations` array<struct<key:string,current:string,proposed:string,reason:string,alternative:string,checks:array<string>>>,
  `finding_id` string,
  `impact_wall_ms` bigint,
  `impact_cost_share` double,
  `rejected` array<struct<key:string,current:string,proposed:string,reason:string,alternative:string,checks:array<string>>>,
  `source_uri` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/findings/';
MSCK REPAIR TABLE `findings`;

CREATE EXTERNAL TABLE IF NOT EXISTS `queries` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `execution_id` bigint,
  `root_execution_id` bigint,
  `description` string,
  `start_time` timestamp,
  `end_time` timestamp,
  `duration_ms` bigint,
  `status` string,
  `error` string,
  `job_ids` array<bigint>,
  `stage_ids` array<bigint>,
  `executor_run_time_ms` bigint,
  `est_cost_usd` double,
  `final_plan` boolean,
  `nodes` bigint,
  `joins` bigint,
  `join_kinds` string,
  `exchanges` bigint,
  `shuffle_bytes` bigint,
  `broadcast_bytes` bigint,
  `scans` bigint,
  `files_read` bigint,
  `bytes_read` bigint,
  `unpruned_scans` bigint,
  `aqe_skew_splits` bigint,
  `aqe_coalesced_reads` bigint,
  `aqe_strategy_switches` bigint,
  `operator_summary` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/queries/';
MSCK REPAIR TABLE `queries`;

CREATE EXTERNAL TABLE IF NOT EXISTS `plan_nodes` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `execution_id` bigint,
  `node_id` bigint,
  `parent_id` bigint,
  `codegen_id` bigint,
  `graph_node_id` bigint,
  `name` string,
  `description` string,
  `stage_ids` array<bigint>,
  `rows` bigint,
  `bytes` bigint,
  `time_ms` bigint,
  `spill_bytes` bigint,
  `peak_memory` bigint,
  `files_read` bigint,
  `metrics` bigint
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/plan_nodes/';
MSCK REPAIR TABLE `plan_nodes`;

CREATE EXTERNAL TABLE IF NOT EXISTS `simulations` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `executors` bigint,
  `executor_cores` bigint,
  `est_duration_ms` bigint,
  `est_executor_time_ms` bigint,
  `est_cost_usd` double,
  `est_utilization` double,
  `actual` boolean,
  `rightsized` boolean
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/simulations/';
MSCK REPAIR TABLE `simulations`;

CREATE EXTERNAL TABLE IF NOT EXISTS `outcomes` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `job_key` string,
  `source` string,
  `source_kind` string,
  `key` string,
  `current` string,
  `proposed` string,
  `applied` string,
  `applied_run` string,
  `applied_value` string,
  `runs_before` bigint,
  `runs_after` bigint,
  `duration_ms_before` double,
  `duration_ms_after` double,
  `cost_usd_before` double,
  `cost_usd_after` double,
  `core_ms_per_input_gib_before` double,
  `core_ms_per_input_gib_after` double,
  `delta_cost_usd` double,
  `p_value` double,
  `verdict` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/outcomes/';
MSCK REPAIR TABLE `outcomes`;

CREATE EXTERNAL TABLE IF NOT EXISTS `diagnoses` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `time` timestamp,
  `model` string,
  `prompt_sha256` string,
  `input_tokens` bigint,
  `output_tokens` bigint,
  `latency_ms` bigint,
  `status` string,
  `error` string,
  `bottleneck` string,
  `root_cause` string,
  `rationale` string,
  `confidence` string,
  `code_advice` array<string>,
  `configs` array<struct<key:string,current:string,proposed:string,reason:string,valid:boolean,why_not:string>>,
  `rejected_keys` array<string>,
  `cost_usd` double,
  `cached` boolean,
  `model_version` string,
  `response_id` string,
  `response_sha256` string,
  `finish_reason` string,
  `safety_ratings` array<string>,
  `sparkmine_version` string,
  `config_sha256` string,
  `finding_ids` array<string>
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/diagnoses/';
MSCK REPAIR TABLE `diagnoses`;

CREATE EXTERNAL TABLE IF NOT EXISTS `questions` (
  `app_id` string,
  `attempt_id` string,
  `run_id` string,
  `time` timestamp,
  `question_sha256` string,
  `question` string,
  `schema_sha256` string,
  `model` string,
  `model_version` string,
  `prompt_sha256` string,
  `requests` bigint,
  `input_tokens` bigint,
  `output_tokens` bigint,
  `status` string,
  `reason` string,
  `sql` string,
  `explanation` string,
  `assumptions` array<string>,
  `rows` bigint,
  `truncated` boolean,
  `cost_usd` double,
  `cached` boolean,
  `sparkmine_version` string
)
PARTITIONED BY (`dt` date)
STORED AS PARQUET
LOCATION 's3://findings/sparkmine/questions/';
MSCK REPAIR TABLE `questions`;
