// Package pipeline runs sparkmine's nightly job: it lists the source store,
// groups keys into logs, skips what the ledger says is done and what belongs
// to other shards, reads W logs at a time into app models, runs the
// detectors, asks Gemini about the flagged apps, and commits the Parquet
// tables, the ledger and the run manifest, in that order, to the output
// store.
//
// Commit protocol (what makes a crash or a rerun safe):
//
//  1. Each log's rows are written as their own part files
//     (<table>/dt=<day>/part-<run>-<shard>-<n>.parquet); every Put is atomic.
//  2. After every log is done, the run writes its ledger file
//     _sparkmine/ledger/<run>.json (one entry per log: fingerprint and the
//     part files holding its rows), then the manifest
//     _sparkmine/runs/<run>.json. The manifest is the commit point: a ledger
//     file without its manifest belongs to a run that never committed.
//  3. At the start of every run, part files of this shard that no committed
//     run references (a crash before the manifest, or an interrupted run)
//     are deleted, and so are the part files of ledger entries that a later
//     committed entry for the same log superseded.
//
// So the dataset is always the union of the part files referenced by the
// newest committed entry of each log, and after the start-of-run cleanup it
// holds nothing else.
package pipeline
