package fleet

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
)

//go:generate go run ./internal/coldoc/cmd -o columns_gen.go ../../extract ../../analyze

// tableDocs says what one row of each table is.
var tableDocs = map[string]string{
	"apps": "Spark application attempt", "stages": "stage attempt", "executors": "executor",
	"findings": "detector finding (what went wrong, its cost, what to change)", "diagnoses": "Gemini diagnosis (or refusal to call)",
	"simulations": "simulated executor configuration of an app", "queries": "SQL execution", "plan_nodes": "operator of a query's final plan",
	"outcomes": "recommendation watched over a job's later runs", "questions": "plain-English question asked of the dataset",
}

// columnDocs are the meanings and units of columns whose name does not say
// it all, by table ("*" for every table).
var columnDocs = map[string]map[string]string{
	"*": {
		"app_id": "Spark application id", "attempt_id": "attempt id ('' for single-attempt apps, never NULL)", "run_id": "the sparkmine run that wrote the row",
		"dt": "DATE partition: the UTC day the application ended", "source_uri": "where the event log was read",
	},
	"apps": {
		"job_key": "stable name of a recurring job across its runs", "status": "succeeded | failed | incomplete",
		"duration_ms": "wall time, ms (NULL without a start time)", "queue": "YARN queue (NULL where the log names none)", "executor_time_ms": "allocated core time: Σ executor lifetime × cores, ms",
		"task_time_ms": "used core time: Σ task run time, ms", "utilization": "task_time_ms ÷ executor_time_ms (NULL without executors)",
		"est_cost_usd": "estimated cost of the app, USD", "est_waste_usd": "estimated cost wasted (idle or mis-sized), USD",
		"max_severity": "worst finding: low | moderate | severe | critical (NULL: no finding)", "findings": "number of findings",
		"spark_conf": "JSON object of tuning-relevant Spark properties (redacted)", "max_executors": "most executors alive at once",
		"input_bytes": "bytes read", "shuffle_read_bytes": "shuffle bytes read", "memory_spilled_bytes": "bytes spilled from memory",
		"disk_spilled_bytes": "bytes spilled to disk", "gc_time_ms": "JVM GC time, ms",
		"app_name": "spark.app.name", "user": "who submitted the app",
		"start_time": "app start (UTC)", "end_time": "app end (UTC; NULL if incomplete)", "failed_tasks": "task attempts that failed",
		"rightsized_cost_usd":  "cost of the cheapest simulated configuration within the slowdown allowed, USD (NULL: not simulated)",
		"rightsize_saving_usd": "est_cost_usd − rightsized_cost_usd, USD (NULL: not simulated)",
	},
	"stages": {
		"stage_id": "stage id", "status": "COMPLETE | FAILED | SKIPPED | ACTIVE | PENDING (the History Server's)", "tasks": "task count",
		"duration_ms": "stage wall time, ms (NULL without submission or completion time)", "failure_reason": "why the stage failed (redacted)",
		"duration_skew": "max task duration ÷ median", "shuffle_skew": "max task shuffle read ÷ median",
	},
	"executors": {
		"executor_id": "executor id (\"driver\" for the driver)", "host": "<host_N>: the node, as an alias numbered per app (names are not stored)",
		"removed_reason": "why the executor was removed (redacted; NULL if it was not)",
	},
	"findings": {
		"detector": "which detector fired", "severity": "low | moderate | severe | critical", "score": "detector score (higher is worse)",
		"est_waste_usd": "cost this finding wastes, USD (disjoint per app)", "recommendations": "list of {key, current, proposed, reason}",
		"evidence": "list of {metric, value, threshold}", "stage_id": "stage the finding is about (NULL: the whole app)",
		"execution_id": "SQL execution (queries.execution_id) the finding is about, NULL if none", "node_id": "operator (plan_nodes.node_id) it is about, NULL if none",
	},
	"queries": {
		"execution_id": "SQL execution id", "root_execution_id": "the execution this one is a sub-execution of (Spark 3.4+)",
		"status": "succeeded | failed | running", "stage_ids": "its jobs' stages and those its operators ran in",
		"est_cost_usd": "its share of the app's cost by executor run time, USD", "final_plan": "false: AQE's final plan never came; the operators are the initial plan's",
		"join_kinds":     "joins by kind: sort_merge, broadcast_hash, shuffled_hash, broadcast_nested_loop, cartesian",
		"unpruned_scans": "scans of partitioned tables with no partition filter", "operator_summary": "JSON: joins with each side's rows and bytes, exchanges, scans, AQE changes",
	},
	"plan_nodes": {
		"node_id": "operator's pre-order position in the final plan (root 0)", "stage_ids": "stages that ran it (from its metrics' accumulators)",
		"rows": "number of output rows", "bytes": "data size / size of files read / written output", "time_ms": "Σ its timing metrics, ms",
	},
	"questions": {
		"question_sha256": "sha256 of the redacted question", "status": "checked | rejected | no_answer | error | skipped_budget | dry_run",
		"reason": "why rejected, unanswered or failed", "rows": "rows the checked SQL returned", "requests": "model calls (0: cached or dry run; 2: retried)",
		"cost_usd": "tokens × prices, USD", "prompt_sha256": "the stored prompt under _sparkmine/llm/",
	},
	"diagnoses": {
		"status": "ok | invalid | refused | error | skipped_budget | dry_run", "cost_usd": "tokens × prices, USD (0 for dry runs)",
		"configs": "recommended Spark properties, each checked against Spark's catalogue (valid)",
	},
	"outcomes": {
		"app_id": "the job's run the verdict is as of (judged on the runs up to it)", "job_key": "apps.job_key of the job",
		"source": "the advice: findings.finding_id, or diagnoses.prompt_sha256", "source_kind": "the detector that advised, or 'diagnosis'",
		"key": "Spark property advised", "current": "its value when advised ('' = Spark's default)", "proposed": "the value advised",
		"applied": "applied | not_applied | reverted", "applied_run": "app_id of the first run with the change",
		"runs_before": "runs compared before the change", "runs_after": "runs since the change",
		"delta_cost_usd": "change of the median cost per run, USD (negative: saved)", "p_value": "Mann–Whitney, two-sided",
		"verdict": "helped | no_change | regressed | too_early | not_applied",
	},
}

// Describe returns a table's columns with their types and meanings, as
// markdown, from the dataset's own schema.
func (f *Fleet) Describe(table string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nOne row per %s.\n\n| column | type | meaning |\n| --- | --- | --- |\n", table, tableDocs[table])
	cols := make([]string, 0, len(f.columns[table]))
	for c := range f.columns[table] {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		doc := columnDocs[table][c]
		if doc == "" {
			doc = fieldDoc(table, c)
		}
		if doc == "" {
			doc = columnDocs["*"][c]
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c, f.columns[table][c], doc)
	}
	return b.String()
}

// fieldDoc is the comment of the field that defines a table's column
// (fieldDocs, generated from the row types), "" when it has none.
func fieldDoc(table, column string) string {
	t, ok := dataset.ByName(table)
	if !ok {
		return ""
	}
	row := t.RowType()
	for _, f := range reflect.VisibleFields(row) {
		name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if f.Anonymous || name != column {
			continue
		}
		decl := row // the struct declaring f, embedded ones included
		for _, i := range f.Index[:len(f.Index)-1] {
			decl = decl.Field(i).Type
		}
		return fieldDocs[path.Base(decl.PkgPath())+"."+decl.Name()+"."+column]
	}
	return ""
}
