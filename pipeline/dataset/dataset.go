// Package dataset lists the tables of sparkmine's dataset: one descriptor
// per table (its folder name, its row type and the key that ties a row to
// the log it came from), over which the pipeline writes, rewrites and
// cleans up, and the report, the tests and any reader read.
//
// Row types belong to their producers (extract: apps, stages, executors;
// analyze: findings, diagnoses) and carry their Parquet tags; package
// store/table writes and reads them. This package only says which tables
// there are.
//
// # Adding a table
//
// Write its row type in the producer's package, with app_id, attempt_id and
// run_id columns, then add one line to the list below:
//
//   - a per-log table (rows come from reading one log, and are replaced
//     when the log is read again) names the rows one log gives:
//
//     Queries = PerLog("queries", func(l *Log) []extract.QueryRow { return l.App.Queries }, nil)
//
//     If what gives the rows is not in Log yet, add it as a field.
//
//   - a run table (rows a run writes itself, like the diagnoses of the
//     flagged apps) has no rows per log:
//
//     Questions = PerRun[analyze.QuestionRow]("questions")
//
// and put it into Tables. Writing, superseding, cleanup, the DuckDB schema
// test (add the design's columns there) and the dataset comparison of the
// tests range over Tables; readers use the descriptor's Read.
package dataset

import (
	"context"
	"reflect"

	"github.com/parquet-go/parquet-go"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
)

// The dataset's tables.
var (
	Apps = PerLog("apps", func(l *Log) []analyze.AppRecord { return []analyze.AppRecord{{AppRow: l.App.Row, AppResult: l.Result}} },
		func(r *analyze.AppRecord) int { return 1024 + len(r.SparkConf) + len(r.PlanExcerpt) })
	Stages    = PerLog("stages", func(l *Log) []extract.StageRow { return l.App.Stages }, fixed[extract.StageRow](900))
	Executors = PerLog("executors", func(l *Log) []extract.ExecutorRow { return l.App.Executors }, fixed[extract.ExecutorRow](400))
	Findings  = PerLog("findings", func(l *Log) []analyze.FindingRow { return l.Findings }, fixed[analyze.FindingRow](800))
	Queries   = PerLog("queries", func(l *Log) []extract.QueryRow { return analyze.PricedQueries(l.App, l.Result) },
		func(r *extract.QueryRow) int { return 512 + len(r.Description) + len(r.OperatorSummary) })
	PlanNodes   = PerLog("plan_nodes", func(l *Log) []extract.PlanNodeRow { return l.App.PlanNodes }, fixed[extract.PlanNodeRow](400))
	Simulations = PerLog("simulations", func(l *Log) []analyze.SimulationRow { return l.Simulations }, fixed[analyze.SimulationRow](160))
	Diagnoses   = PerRun[analyze.DiagnosisRow]("diagnoses")
	Questions   = PerRun[analyze.QuestionRow]("questions")
)

// Outcomes are written by the pipeline's history step once a night's job
// keys are known, not from one log's model; each row belongs to the log of
// the run that gave the verdict, so they are per-log rows all the same.
var Outcomes = PerLog("outcomes", func(*Log) []history.OutcomeRow { return nil }, nil)

// Tables is every table of the dataset, per-log tables first, in the order
// a batch writes them.
var Tables = []Descriptor{Apps, Stages, Executors, Findings, Queries, PlanNodes, Simulations, Outcomes, Diagnoses, Questions}

// Log is what reading one event log gives the per-log tables.
type Log struct {
	App      *extract.App
	Findings []analyze.FindingRow
	Result   analyze.AppResult // analyze's columns of the apps row
	// Simulations are the app's right-sizing simulations (analyze.Rightsize).
	Simulations []analyze.SimulationRow
}

// Descriptor is one table of any row type, as the steps that range over
// every table see it. *Table[T] is the only implementation.
type Descriptor interface {
	// Name is the table's folder under the dataset's root.
	Name() string
	// PerLog reports whether the table's rows come per log (and are keyed
	// by app_id and attempt_id) rather than per run.
	PerLog() bool
	// Rewrite reads the part files parts (of this table and of one day),
	// keeps the rows whose app attempt (AppKey) keep accepts, and stages
	// them as new parts through s. It returns the new parts' keys, none
	// when no row is kept.
	Rewrite(ctx context.Context, s Stager, src store.Store, parts []string, keep func(appKey string) bool) ([]string, error)
	// Schema is the Parquet schema of the table's part files.
	Schema() *parquet.Schema
	// RowType is the Go type of the table's rows.
	RowType() reflect.Type
	// ReadAny reads every row of the table in src, as values of its row type.
	ReadAny(ctx context.Context, src store.Store) ([]any, error)
	// newSet returns an empty set of the rows of logs (per-log tables only).
	newSet() rowSet
}

// ByName returns the table of that name.
func ByName(name string) (Descriptor, bool) {
	for _, t := range Tables {
		if t.Name() == name {
			return t, true
		}
	}
	return nil, false
}

// AppKey names an app attempt's rows: app_id/attempt_id.
func AppKey(appID, attemptID string) string { return appID + "/" + attemptID }
