package pipeline

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// designColumns are key columns of ../shared/design.md's dataset table with
// the DuckDB type each must read as: sizes and durations BIGINT, ratios
// DOUBLE, enums and names VARCHAR, times TIMESTAMP(MILLIS, UTC).
var designColumns = map[string]map[string]string{
	"apps": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "app_name": "VARCHAR", "job_key": "VARCHAR", "user": "VARCHAR",
		"spark_version": "VARCHAR", "start_time": "TIMESTAMP WITH TIME ZONE", "end_time": "TIMESTAMP WITH TIME ZONE",
		"duration_ms": "BIGINT", "status": "VARCHAR", "jobs": "BIGINT", "failed_jobs": "BIGINT", "stages": "BIGINT",
		"failed_stages": "BIGINT", "tasks": "BIGINT", "failed_tasks": "BIGINT", "max_executors": "BIGINT",
		"executor_cores": "BIGINT", "executor_memory_mb": "BIGINT", "executor_time_ms": "BIGINT", "task_time_ms": "BIGINT",
		"utilization": "DOUBLE", "input_bytes": "BIGINT", "output_bytes": "BIGINT", "shuffle_read_bytes": "BIGINT",
		"shuffle_write_bytes": "BIGINT", "memory_spilled_bytes": "BIGINT", "disk_spilled_bytes": "BIGINT",
		"gc_time_ms": "BIGINT", "est_cost_usd": "DOUBLE", "max_severity": "VARCHAR", "findings": "BIGINT",
		"source_uri": "VARCHAR", "spark_conf": "VARCHAR", "dt": "DATE",
		"critical_path_ms": "BIGINT", "ideal_duration_ms": "BIGINT", "sim_duration_ms": "BIGINT", "sim_error": "DOUBLE",
		"rightsized_executors": "BIGINT", "rightsized_executor_cores": "BIGINT", "rightsized_cost_usd": "DOUBLE",
		"rightsize_saving_usd": "DOUBLE",
	},
	"simulations": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "executors": "BIGINT", "executor_cores": "BIGINT",
		"est_duration_ms": "BIGINT", "est_executor_time_ms": "BIGINT", "est_cost_usd": "DOUBLE", "est_utilization": "DOUBLE",
		"dt": "DATE",
	},
	"stages": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "stage_id": "BIGINT", "stage_attempt_id": "BIGINT",
		"name": "VARCHAR", "status": "VARCHAR", "tasks": "BIGINT", "complete_tasks": "BIGINT", "failed_tasks": "BIGINT",
		"killed_tasks": "BIGINT", "submission_time": "TIMESTAMP WITH TIME ZONE", "completion_time": "TIMESTAMP WITH TIME ZONE",
		"duration_ms": "BIGINT", "failure_reason": "VARCHAR", "executor_run_time_ms": "BIGINT", "executor_cpu_time_ms": "BIGINT",
		"gc_time_ms": "BIGINT", "input_bytes": "BIGINT", "input_records": "BIGINT", "output_bytes": "BIGINT",
		"output_records": "BIGINT", "shuffle_read_bytes": "BIGINT", "shuffle_remote_bytes": "BIGINT",
		"shuffle_local_bytes": "BIGINT", "shuffle_read_records": "BIGINT", "shuffle_fetch_wait_ms": "BIGINT",
		"shuffle_write_bytes": "BIGINT", "shuffle_write_records": "BIGINT", "memory_spilled_bytes": "BIGINT",
		"disk_spilled_bytes": "BIGINT", "peak_execution_memory_max": "BIGINT",
		"task_duration_ms_min": "DOUBLE", "task_duration_ms_p25": "DOUBLE", "task_duration_ms_p50": "DOUBLE",
		"task_duration_ms_p75": "DOUBLE", "task_duration_ms_p95": "DOUBLE", "task_duration_ms_max": "DOUBLE",
		"task_run_time_ms_min": "DOUBLE", "task_run_time_ms_p50": "DOUBLE", "task_run_time_ms_max": "DOUBLE",
		"task_shuffle_read_bytes_p50": "DOUBLE", "task_shuffle_read_bytes_p95": "DOUBLE", "task_shuffle_read_bytes_max": "DOUBLE",
		"task_input_bytes_p50": "DOUBLE", "task_input_bytes_p95": "DOUBLE", "task_input_bytes_max": "DOUBLE",
		"duration_skew": "DOUBLE", "shuffle_skew": "DOUBLE", "dt": "DATE",
		"job_ids": "BIGINT[]", "job_description": "VARCHAR", "sql_execution_id": "BIGINT",
		"parent_stage_ids": "BIGINT[]", "call_site": "VARCHAR", "stage_kind": "VARCHAR",
	},
	"executors": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "executor_id": "VARCHAR", "host": "VARCHAR",
		"cores": "BIGINT", "added_time": "TIMESTAMP WITH TIME ZONE", "removed_time": "TIMESTAMP WITH TIME ZONE",
		"removed_reason": "VARCHAR", "tasks": "BIGINT", "failed_tasks": "BIGINT", "task_time_ms": "BIGINT",
		"gc_time_ms": "BIGINT", "shuffle_read_bytes": "BIGINT", "shuffle_write_bytes": "BIGINT",
		"peak_jvm_heap_memory": "BIGINT", "peak_jvm_off_heap_memory": "BIGINT", "dt": "DATE",
	},
	"findings": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "stage_id": "BIGINT", "execution_id": "BIGINT", "detector": "VARCHAR",
		"severity": "VARCHAR", "score": "DOUBLE", "title": "VARCHAR",
		"evidence":        `STRUCT(metric VARCHAR, "value" DOUBLE, threshold DOUBLE)[]`,
		"recommendations": `STRUCT("key" VARCHAR, "current" VARCHAR, proposed VARCHAR, reason VARCHAR, alternative VARCHAR, checks VARCHAR[])[]`,
		"finding_id":      "VARCHAR", "impact_wall_ms": "BIGINT", "impact_cost_share": "DOUBLE",
		"dt": "DATE",
	},
	"queries": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "execution_id": "BIGINT", "root_execution_id": "BIGINT",
		"description": "VARCHAR", "start_time": "TIMESTAMP WITH TIME ZONE", "end_time": "TIMESTAMP WITH TIME ZONE",
		"duration_ms": "BIGINT", "status": "VARCHAR", "error": "VARCHAR", "job_ids": "BIGINT[]", "stage_ids": "BIGINT[]",
		"executor_run_time_ms": "BIGINT", "est_cost_usd": "DOUBLE", "nodes": "BIGINT", "joins": "BIGINT", "join_kinds": "VARCHAR",
		"exchanges": "BIGINT", "shuffle_bytes": "BIGINT", "broadcast_bytes": "BIGINT", "scans": "BIGINT", "files_read": "BIGINT",
		"bytes_read": "BIGINT", "unpruned_scans": "BIGINT", "aqe_skew_splits": "BIGINT", "aqe_coalesced_reads": "BIGINT",
		"aqe_strategy_switches": "BIGINT", "operator_summary": "VARCHAR", "dt": "DATE",
	},
	"plan_nodes": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "execution_id": "BIGINT", "node_id": "BIGINT",
		"parent_id": "BIGINT", "graph_node_id": "BIGINT", "name": "VARCHAR", "stage_ids": "BIGINT[]", "rows": "BIGINT", "bytes": "BIGINT",
		"time_ms": "BIGINT", "spill_bytes": "BIGINT", "peak_memory": "BIGINT", "dt": "DATE",
	},
	"diagnoses": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "time": "TIMESTAMP WITH TIME ZONE",
		"model": "VARCHAR", "prompt_sha256": "VARCHAR", "input_tokens": "BIGINT", "output_tokens": "BIGINT",
		"latency_ms": "BIGINT", "status": "VARCHAR", "bottleneck": "VARCHAR", "root_cause": "VARCHAR",
		"rationale": "VARCHAR", "rejected_keys": "VARCHAR[]", "cost_usd": "DOUBLE", "cached": "BOOLEAN", "dt": "DATE",
	},
	"questions": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "time": "TIMESTAMP WITH TIME ZONE",
		"question_sha256": "VARCHAR", "question": "VARCHAR", "model": "VARCHAR", "model_version": "VARCHAR",
		"input_tokens": "BIGINT", "output_tokens": "BIGINT", "sql": "VARCHAR", "status": "VARCHAR", "reason": "VARCHAR",
		"rows": "BIGINT", "cost_usd": "DOUBLE", "prompt_sha256": "VARCHAR", "cached": "BOOLEAN", "assumptions": "VARCHAR[]", "dt": "DATE",
	},
	"outcomes": {
		"app_id": "VARCHAR", "attempt_id": "VARCHAR", "run_id": "VARCHAR", "job_key": "VARCHAR", "source": "VARCHAR",
		"source_kind": "VARCHAR", "key": "VARCHAR", "current": "VARCHAR", "proposed": "VARCHAR", "applied": "VARCHAR",
		"applied_run": "VARCHAR", "runs_before": "BIGINT", "runs_after": "BIGINT", "duration_ms_before": "DOUBLE",
		"duration_ms_after": "DOUBLE", "cost_usd_before": "DOUBLE", "cost_usd_after": "DOUBLE",
		"core_ms_per_input_gib_before": "DOUBLE", "core_ms_per_input_gib_after": "DOUBLE", "delta_cost_usd": "DOUBLE",
		"p_value": "DOUBLE", "verdict": "VARCHAR", "dt": "DATE",
	},
}

// TestDuckDBReadsTheDatasetOfRealLogs writes the tables from real Spark
// logs and reads them as a notebook user would: DuckDB's read_parquet with
// Hive partitioning. Schemas must match the design; row counts must match
// what the History Server lists for the same logs.
func TestDuckDBReadsTheDatasetOfRealLogs(t *testing.T) {
	db := duckdbtest.Open(t)
	logs := []string{"spark/local-1422981780767", "spark/app-20200706201101-0003", "spark/application_1553914137147_0018",
		"spark/app-20161116163331-0000", "spark/local-1596020211915"}
	src := openLocal(t, copyLogs(t, logs...))
	outDir := t.TempDir()
	o := testOptions(src, openLocal(t, outDir))
	o.Diagnose = diagnose.DefaultConfig() // dry-run: a diagnoses row per flagged app, nothing sent
	o.Diagnose.MinSeverity, o.Model = "low", llm.DryRun{}
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if err := RecordQuestion(context.Background(), o.Out, "test", analyze.QuestionRow{Time: 1764000000000, Question: "how many apps?",
		Status: "checked", SQL: "SELECT count(*) FROM apps", Rows: 1, Assumptions: []string{}}); err != nil {
		t.Fatal(err)
	}
	read := func(tbl string) string {
		return fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.Join(outDir, tbl, "*", "*.parquet"))
	}
	for _, tb := range dataset.Tables {
		tbl, cols := tb.Name(), designColumns[tb.Name()]
		if tbl == dataset.Outcomes.Name() {
			continue // one night has no outcome: TestNightlySeries reads them with DuckDB
		}
		if len(cols) == 0 {
			t.Errorf("table %s: no design columns to check; add them to designColumns", tbl)
			continue
		}
		res := db.Query(t, "DESCRIBE SELECT * FROM "+read(tbl))
		got := map[string]string{}
		for _, r := range res[0] {
			got[fmt.Sprint(r["column_name"])] = fmt.Sprint(r["column_type"])
		}
		for col, typ := range cols {
			if got[col] != typ {
				t.Errorf("%s.%s reads as %q in DuckDB, want %q", tbl, col, got[col], typ)
			}
		}
	}
	// Row counts against the History Server's lists for the same logs.
	want := map[string]int{ // query → rows
		"SELECT count(*) AS n FROM " + read("apps"):                                                           len(logs),
		"SELECT count(*) AS n FROM " + read("stages") + " WHERE app_id = 'local-1422981780767'":               expectationLen(t, "stage_list_json"),
		"SELECT count(*) AS n FROM " + read("stages") + " WHERE app_id = 'app-20200706201101-0003'":           expectationLen(t, "stage_list_with_peak_metrics"),
		"SELECT count(*) AS n FROM " + read("executors") + " WHERE app_id = 'local-1422981780767'":            expectationLen(t, "executor_list_json"),
		"SELECT count(*) AS n FROM " + read("executors") + " WHERE app_id = 'application_1553914137147_0018'": expectationLen(t, "executor_list_with_executor_metrics_json"),
		"SELECT count(*) AS n FROM " + read("executors") + " WHERE app_id = 'app-20161116163331-0000'":        expectationLen(t, "executor_node_excludeOnFailure"),
		// One query per SQLExecutionStart line, one plan node per nodeName of
		// each execution's last plan (counted by the test, not the code).
		"SELECT count(*) AS n FROM " + read("queries") + " WHERE app_id = 'local-1596020211915'":    countLines(t, "spark/local-1596020211915", "SQLExecutionStart"),
		"SELECT count(*) AS n FROM " + read("plan_nodes") + " WHERE app_id = 'local-1596020211915'": lastPlanNodes(t, "spark/local-1596020211915"),
		// One actual configuration per app with executors (local mode, the
		// local-* apps, has none).
		"SELECT count(*) AS n FROM " + read("simulations") + " WHERE actual": len(logs) - 2,
	}
	for q, n := range want {
		res := db.Query(t, q)
		if got := fmt.Sprint(res[0][0]["n"]); got != fmt.Sprint(n) {
			t.Errorf("%s = %s, want %d", q, got, n)
		}
	}
	// A timestamp survives to the millisecond: the History Server's
	// submissionTime of local-1422981780767 stage 0 is 2015-02-03T16:43:04.228GMT.
	res := db.Query(t, "SELECT epoch_ms(submission_time) AS ms FROM "+read("stages")+
		" WHERE app_id = 'local-1422981780767' AND stage_id = 0")
	if got := fmt.Sprint(res[0][0]["ms"]); got != "1422981784228" {
		t.Errorf("stage 0 submission_time = %s ms, want 1422981784228", got)
	}
	undefinedIsNull(t, db, read)
}

// undefinedIsNull: a value the log does not define reads as NULL in
// DuckDB, never as 0 or ”; each rule is checked row by row against the
// columns that say whether it is defined.
func undefinedIsNull(t *testing.T, db *duckdbtest.DB, read func(string) string) {
	t.Helper()
	for q, want := range map[string]string{
		"FROM " + read("apps") + " WHERE (duration_ms IS NULL) <> (start_time IS NULL)":                                      "0",
		"FROM " + read("apps") + " WHERE (max_severity IS NULL) <> (findings = 0)":                                           "0",
		"FROM " + read("apps") + " WHERE queue = '' OR max_severity = '' OR (utilization IS NULL) <> (executor_time_ms = 0)": "0",
		"FROM " + read("stages") + " WHERE (duration_ms IS NULL) <> (submission_time IS NULL OR completion_time IS NULL)":    "0",
		"FROM " + read("executors") + " WHERE removed_reason = '' OR (removed_reason IS NOT NULL AND removed_time IS NULL)":  "0",
		"FROM " + read("apps") + ` WHERE (queue IS NULL) <> (spark_conf NOT LIKE '%"spark.yarn.queue"%')`:                    "0",
		// The rules are exercised ("": some rows): apps naming no queue,
		// executors never removed, stages never completed.
		"FROM " + read("apps") + " WHERE queue IS NULL":                                        "",
		"FROM " + read("executors") + " WHERE removed_reason IS NULL AND removed_time IS NULL": "",
		"FROM " + read("apps") + " WHERE max_severity IS NULL":                                 "",
	} {
		got := fmt.Sprint(db.Query(t, "SELECT count(*) AS n "+q)[0][0]["n"])
		if (want == "" && got == "0") || (want != "" && got != want) {
			t.Errorf("SELECT count(*) %s = %s, want %s", q, got, cmp.Or(want, "> 0"))
		}
	}
}

func expectationLen(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedLogs, "spark", "expectations", name+"_expectation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// countLines counts the lines of a shared log holding s.
func countLines(t *testing.T, log, s string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedLogs, log))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte(s))
}

// lastPlanNodes counts the nodes of each SQL execution's last plan in a
// shared plain log, with encoding/json.
func lastPlanNodes(t *testing.T, log string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedLogs, log))
	if err != nil {
		t.Fatal(err)
	}
	last := map[int64]int{}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if !bytes.Contains(l, []byte("SQLExecutionStart")) && !bytes.Contains(l, []byte("SQLAdaptiveExecutionUpdate")) {
			continue
		}
		var e struct {
			ID   int64 `json:"executionId"`
			Plan any   `json:"sparkPlanInfo"`
		}
		if json.Unmarshal(l, &e) == nil {
			last[e.ID] = planNodes(e.Plan)
		}
	}
	n := 0
	for _, c := range last {
		n += c
	}
	return n
}

func planNodes(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	n := 1
	kids, _ := m["children"].([]any)
	for _, k := range kids {
		n += planNodes(k)
	}
	return n
}
