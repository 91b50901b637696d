// Package history judges a recurring job's run against the job's own past:
// its identity across runs (JobKey), its baseline (the median and IQR of
// its earlier runs), regressions and improvements on metrics normalised by
// input size, and the outcomes of advice given for it (was it applied, and
// did it help).
//
// Like the rest of analyze it does no I/O: the pipeline reads the apps rows
// of tonight's job keys within the baseline window and hands them in.
//
// # Job keys
//
// A run belongs to a job by the first of these that gives a value:
//
//  1. a configured property the scheduler sets (KeyConfig.Properties, by
//     default spark.sparkmine.job_key, spark.databricks.job.id and
//     spark.openlineage.parentJobName — OpenLineage's Airflow integration
//     puts "dag_id.task_id" there), as "property=value";
//  2. scheduler tags in spark.yarn.tags ("dag_id:etl,task_id:load" or with
//     '='; KeyConfig.TagNames), as "tags:dag_id=etl,task_id=load";
//  3. the app name, lower-cased, with the parts that change from run to run
//     masked: UUIDs, dates and times, Spark application ids, hex digests of
//     8 or more characters, numbers of four or more digits (epochs, counters,
//     ids) and the number after a counter word (run 17, attempt 2, batch 9).
//     Shorter numbers are kept: they usually name a variant of a job (q88,
//     v2, region 12), and two variants are two jobs.
//
// Values from properties and tags are taken as they are: a scheduler's
// job id is the job's name, and masking could merge two jobs.
//
// The default names of Spark's shells (spark shell, pysparkshell, sparkr,
// sparklyr) are job keys too, but not Recurring: their sessions are
// people exploring, so they get no baseline.
package history
