// Package pipeline runs sparkmine's nightly job: it lists the source store,
// groups keys into logs, skips what the ledger says is done and what belongs
// to other shards, reads W logs at a time into app models, runs the
// detectors, judges each run against its job's history, asks Gemini about
// the flagged apps, and commits the Parquet
// tables, the ledger and the run manifest, in that order, to the output
// store.
//
// Its parts:
//
//   - Options configure a run; Run runs it (run.go, process.go, batch.go,
//     diagnose.go). DiagnoseStored diagnoses one stored app on demand,
//     reading its source log again for the right-sizing (ondemand.go).
//   - The history step (history.go, historyread.go) runs once every log
//     is read: it reads tonight's jobs' runs within the window from the
//     committed parts, and writes regression and improvement findings and
//     the outcomes table as rows of the judged runs' logs.
//   - Tx is the run transaction (tx.go, supersede.go, staging.go,
//     ledger.go): every writer (run, diagnose on demand, compaction) writes
//     through one, so the commit protocol below lives in one place.
//   - RunID names a run and its files (runid.go); Shard a slice of the logs.
//   - Package dataset lists the dataset's tables; adding a table is its row
//     type plus one line there.
//
// Commit protocol (what makes a crash or a rerun safe):
//
//  0. Before anything else a run takes its shard's lease (lease.go) and
//     renews it while it works; a second run of the shard stops with
//     ErrLeaseHeld. So the staging a run's start deletes as uncommitted
//     (its shard's) belongs to runs whose lease is gone, and a run that
//     lost its lease while stalled does not commit.
//  1. Rows are collected per day across logs and written as part files
//     (<table>/dt=<day>/part-<run>-<n>.parquet) of about Options.BatchBytes
//     each, staged under _sparkmine/staging/<run>/ where no reader of the
//     table folders sees them; every Put is atomic. A part never holds two
//     logs of the same app attempt.
//  2. A log read again (it grew, it finished, --reprocess) replaces its old
//     rows: a part file it shared with untouched logs is rewritten without
//     them, and those logs get entries pointing at the new part. Of several
//     logs of one app attempt (the same app under two paths) one holds the
//     rows (dedupe.go: finished, then larger, then newer, then first key);
//     the others are ledger entries with status duplicate and no rows.
//  3. After every log is done, the run writes its ledger file
//     _sparkmine/ledger/<run>.json (one entry per log: fingerprint and the
//     part files holding its rows), then the manifest
//     _sparkmine/runs/<run>.json. The manifest is the commit point: a ledger
//     file without its manifest belongs to a run that never committed.
//  4. After the commit the staged parts are published into the table
//     folders (a crash mid-publish is finished by the next run).
//  5. After that, and again at the start of every run, part files that
//     no newest ledger entry references are deleted: the parts a newer entry
//     replaced, and this shard's parts of runs that never committed (a crash,
//     an interrupted run).
//
// So the dataset is always the union of the part files referenced by the
// newest committed entry of each log, and after the cleanup it holds
// nothing else.
package pipeline
