// Package extract turns Spark event logs into sparkmine's app model.
//
// It owns everything about Spark: the codecs Spark writes event logs with
// (subpackage codec), the names and layouts of logs (subpackage logfile), the
// event decoder, the SQL plans and their operators (subpackage plan), and the
// app model whose rows become the apps, stages, executors, queries and
// plan_nodes tables. It knows nothing of where logs are stored or of what is
// anomalous: callers hand it a Source (a store.Store is one) and a log that
// logfile discovered, ReadLog streams the log into an App, and the analyze
// package judges the resulting model.
package extract

// The decoder and the model
//
// A Builder takes the event lines of one application attempt (Line) and
// reduces them to an App (Finish) in one pass. It mirrors the History
// Server's AppStatusListener (Spark 3.4+ replay semantics) so that stage,
// executor and application numbers equal what its REST API reports for the
// same log; the conformance tests compare them with the History Server's
// own expectation files. Per-task values are kept only for stage attempts
// that are live or still have running tasks, and are dropped when the
// attempt is reduced to its StageRow. Quantiles follow the History
// Server's index rule (QuantileIndex, Quantiles), including its quirk of
// indexing the duration list, which also holds failed, killed and
// never-ended tasks, with the count of successful tasks.
//
// Stage context
//
// Each stage row also says why the stage ran (context.go): the jobs that
// list it, the submitting job's description and SQL execution, its parents,
// its call site and a stage_kind classified only from what Spark writes
// (job properties such as spark.job.description, stage details, the stage
// graph), each rule naming the Spark source it follows. Detectors use the
// kind to leave file listing and schema inference out of tuning advice.
//
// Queries
//
// Each SQL execution with a SQLExecutionStart becomes a QueryRow; its
// final plan (the last SQLAdaptiveExecutionUpdate wins; updates AQE marks
// isFinalPlan=false are only validated once the execution has a plan) is
// read into plan.Plan as it streams past, never kept as JSON, and its operators
// become PlanNodeRows. Operator values come from the accumulables of each
// completed stage (an accumulator's running total) plus the driver's
// SQLDriverAccumUpdates; the task accumulables on the hot path are not
// read. So a stage whose completion is not in the log (a truncated log)
// gives its operators no values; everywhere else a sum metric equals the
// sum of its task updates, which is what the History Server's SQL tab
// shows (TestQueriesOfRealLogs checks it on every shared log with SQL).
// A query's stages are its jobs' (spark.sql.execution.id) plus the stages
// its operators ran in, which is what ties queries to stages in logs whose
// jobs lack the execution id (Databricks).
