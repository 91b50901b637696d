// Package gen generates realistic, deterministic Spark 3.5 event logs.
//
// A Spec describes an application: its size (executors, stages, tasks), its
// scale knobs (median task time, bytes per task, SQL plan size) and the
// anomalies to plant (task skew, spill, executor loss, idle executors, …).
// Write streams the log as Spark writes it: one JSON object per line, "Event"
// first, field names, order and number/string types as in Spark 3.5's
// JsonProtocol. The same Spec always yields the same bytes.
//
// The generator is used by the benchmarks (a million tasks and more), by
// detector tests (each anomaly is planted in known stages, see AnomalyStages),
// by report tests (weeks of recurring apps: vary Start and Seed, keep AppName)
// and to build the bundled sample logs (cmd/sparkgen).
//
// Memory stays flat whatever the size: the generator keeps one stage's
// scheduling state (a slot per executor core and the tasks running on them),
// never the log. A line is built in a reused buffer and written at once.
//
// Timeline model: stages run one after another; a stage's tasks run in waves
// over Executors×ExecutorCores slots (earliest free slot first), so task
// launch and finish times, stage submission and completion times, job and
// SQL execution times nest as in a real log. Every duration obeys Spark's
// identities: duration = Finish − Launch = run + deserialize + result
// serialization + scheduler delay; CPU time ≤ run time; shuffle read bytes =
// local + remote.
//
// Fidelity notes, checked against the real Spark 3.5.3 log in
// shared/eventlogs/rolling: key sets, key order and number/string types of
// every task, stage, job, SQL and environment event match it. Its shuffle
// read metrics carry push-based shuffle under "Push Based Shuffle" (not
// "Shuffle Push Read Metrics" as the format notes say), and so does this
// generator. A SQL task end is 5-7.5 KB, as in that log (4.7-6.7 KB); an
// RDD-only app (SQLQueries < 0) gives 3.8-5.7 KB. WriteFile and WriteRolling
// flush the codec stream where Spark flushes (every event but task events
// and StageSubmitted), so a zstd log is many frames, as Spark's are.
package gen
