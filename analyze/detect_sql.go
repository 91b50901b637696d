package analyze

import (
	"fmt"
	"math"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/plan"
)

// The plan-aware detectors read each query's operator summary
// (extract.SQLExecution.Operators: joins with each side's measured rows
// and bytes, exchanges, scans, each with the stages that ran it) and name
// the query, the operator and its stage in every finding.

// The plan-aware detectors' configs (registry lines in registry.go). The
// defaults: AQE's skew rule (5×, 256 MiB); a broadcast candidate under
// 64 MiB (well within a default driver); an oversized broadcast over 1 GiB
// or 100M rows (Spark refuses broadcasts over 8 GiB and 512M rows); small
// files under 32 MiB on average over 1,000 files; an unpruned scan over
// 10 GiB; a nested loop over 10⁹ row pairs.

// SkewedJoinConfig configures skewed_join.
type SkewedJoinConfig struct {
	Switch       `yaml:",inline"`
	SkewFactor   float64 `yaml:"skew_factor" check:"nonneg" doc:"a partition is skewed over this many times the median (AQE's skewedPartitionFactor)"`
	SkewMinBytes int64   `yaml:"min_bytes" check:"positive" doc:"and over this many bytes (AQE's skewedPartitionThresholdInBytes)"`
}

func (SkewedJoinConfig) defaults() detectorConfig {
	return SkewedJoinConfig{Switch: enabled, SkewFactor: 5, SkewMinBytes: 256 * MiB}
}

func (c SkewedJoinConfig) detector() Detector { return skewedJoin{c} }

// BroadcastCandidateConfig configures broadcast_candidate.
type BroadcastCandidateConfig struct {
	Switch                  `yaml:",inline"`
	BroadcastCandidateBytes int64 `yaml:"max_side_bytes" check:"positive" doc:"a shuffled join's smaller side measured under this many bytes"`
}

func (BroadcastCandidateConfig) defaults() detectorConfig {
	return BroadcastCandidateConfig{Switch: enabled, BroadcastCandidateBytes: 64 * MiB}
}

func (c BroadcastCandidateConfig) detector() Detector { return broadcastCandidate{c} }

// OversizedBroadcastConfig configures oversized_broadcast.
type OversizedBroadcastConfig struct {
	Switch                  `yaml:",inline"`
	OversizedBroadcastBytes int64 `yaml:"max_bytes" check:"positive" doc:"a broadcast over this many bytes"`
	OversizedBroadcastRows  int64 `yaml:"max_rows" check:"positive" doc:"or over this many rows"`
}

func (OversizedBroadcastConfig) defaults() detectorConfig {
	return OversizedBroadcastConfig{Switch: enabled, OversizedBroadcastBytes: 1 * GiB, OversizedBroadcastRows: 100_000_000}
}

func (c OversizedBroadcastConfig) detector() Detector { return oversizedBroadcast{c} }

// SmallFilesConfig configures small_files.
type SmallFilesConfig struct {
	Switch         `yaml:",inline"`
	SmallFileBytes int64 `yaml:"max_avg_file_bytes" check:"positive" doc:"a scan whose files average under this many bytes"`
	SmallFilesMin  int64 `yaml:"min_files" check:"positive" doc:"over at least this many files"`
}

func (SmallFilesConfig) defaults() detectorConfig {
	return SmallFilesConfig{Switch: enabled, SmallFileBytes: 32 * MiB, SmallFilesMin: 1000}
}

func (c SmallFilesConfig) detector() Detector { return smallFiles{c} }

// NoPartitionPruningConfig configures no_partition_pruning.
type NoPartitionPruningConfig struct {
	Switch           `yaml:",inline"`
	UnprunedMinBytes int64 `yaml:"min_bytes" check:"positive" doc:"a partitioned table read with no partition filter over this many bytes"`
}

func (NoPartitionPruningConfig) defaults() detectorConfig {
	return NoPartitionPruningConfig{Switch: enabled, UnprunedMinBytes: 10 * GiB}
}

func (c NoPartitionPruningConfig) detector() Detector { return noPartitionPruning{c} }

// NestedLoopConfig configures nested_loop_join (which also reports
// cartesian_product).
type NestedLoopConfig struct {
	Switch             `yaml:",inline"`
	NestedLoopMinPairs float64 `yaml:"min_row_pairs" check:"nonneg" doc:"a nested-loop join or cartesian product whose sides' rows multiply to at least this"`
}

func (NestedLoopConfig) defaults() detectorConfig {
	return NestedLoopConfig{Switch: enabled, NestedLoopMinPairs: 1e9}
}

func (c NestedLoopConfig) detector() Detector { return nestedLoop{c} }

// queryFinding starts a finding about operator node of a query, in stage
// st (nil when no stage ran it).
func queryFinding(det string, e *extract.SQLExecution, node int, st *extract.StageRow, sev Severity, score float64, title string) FindingRow {
	f := appFinding(det, sev, score, title)
	if st != nil {
		f = stageFinding(det, st, sev, score, title)
	}
	id, n := e.ExecutionID, int64(node)
	f.ExecutionID, f.NodeID = &id, &n
	return f
}

// opName names an operator of a query for titles: "query 12, SortMergeJoin (node 7)".
func opName(e *extract.SQLExecution, name string, node int) string {
	return fmt.Sprintf("query %d, %s (node %d)", e.ExecutionID, name, node)
}

// heaviestStage is the stage attempt among ids that ran longest (nil if none).
func heaviestStage(app *extract.App, ids []int64) *extract.StageRow {
	var best *extract.StageRow
	for i := range app.Stages {
		st := &app.Stages[i]
		for _, id := range ids {
			if st.StageID == id && (best == nil || st.ExecutorRunTimeMS > best.ExecutorRunTimeMS) {
				best = st
			}
		}
	}
	return best
}

// stageIDText names a finding's stage for details.
func stageIDText(st *extract.StageRow) string {
	if st == nil {
		return "no stage ran it"
	}
	return fmt.Sprintf("stage %d", st.StageID)
}

// opFindings runs fn over the operators of every query that ops lists
// (its joins, exchanges or scans) and keeps the findings it returns.
func opFindings[T any](app *extract.App, ops func(*plan.Summary) []T, fn func(*extract.SQLExecution, T) (FindingRow, bool)) []FindingRow {
	var out []FindingRow
	for i := range app.SQL {
		e := &app.SQL[i]
		for _, op := range ops(&e.Operators) {
			if f, ok := fn(e, op); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func joins(s *plan.Summary) []plan.Join         { return s.Joins }
func exchanges(s *plan.Summary) []plan.Exchange { return s.Exchanges }
func scans(s *plan.Summary) []plan.Scan         { return s.Scans }

// shuffled reports whether a join kind shuffles both sides.
func shuffled(kind string) bool { return kind == plan.SortMerge || kind == plan.ShuffledHash }

// size formats bytes for details: MiB under a GiB, GiB above.
func size(b float64) string {
	if b < GiB {
		return fmt.Sprintf("%.1f MiB", b/MiB)
	}
	return gib(b)
}

// The plan-aware detectors' impact: the wall time of the stage that ran
// the operator (the finding's stage) times the share of it the problem
// takes, and the same share of its core-time as waste.

// stageShare is share of a finding's stage's wall time and core-time.
func stageShare(app *extract.App, f FindingRow, share float64) (wallMS, coreMS float64) {
	st := stageOf(app, f)
	if st == nil {
		return 0, 0
	}
	share = math.Max(0, math.Min(1, share))
	return share * float64(st.DurationMS), share * float64(st.ExecutorRunTimeMS)
}

// evidence returns the value of a finding's evidence metric (0 if none).
func evidence(f FindingRow, metric string) float64 {
	for _, e := range f.Evidence {
		if e.Metric == metric {
			return e.Value
		}
	}
	return 0
}

// skewed_join: the straggler's excess over the median task.
func (skewedJoin) wallMS(app *extract.App, f FindingRow) float64 {
	return evidence(f, "straggler_ms")
}

// broadcast_candidate: half the join stage, the sort and shuffle read of
// the large side a broadcast avoids (a rough share).
func (broadcastCandidate) wallMS(app *extract.App, f FindingRow) float64 {
	w, _ := stageShare(app, f, 0.5)
	return w
}

func (broadcastCandidate) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	_, c := stageShare(app, f, 0.5)
	return c
}

// oversized_broadcast foretells a failure (a driver out of memory).
func (oversizedBroadcast) risk(*extract.App, FindingRow) bool { return true }

// small_files: the share of the scan Spark itself prices as opening
// files: files × openCostInBytes over bytes + that.
func (d smallFiles) share(app *extract.App, f FindingRow) float64 {
	open := float64(confBytes(app, "spark.sql.files.openCostInBytes", 1, 4*MiB)) * evidence(f, "files")
	bytes := evidence(f, "avg_file_bytes") * evidence(f, "files")
	return ratio(open, open+bytes)
}

func (d smallFiles) wallMS(app *extract.App, f FindingRow) float64 {
	w, _ := stageShare(app, f, d.share(app, f))
	return w
}

func (d smallFiles) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	_, c := stageShare(app, f, d.share(app, f))
	return c
}

// no_partition_pruning: at most the scan's stage (the partitions a filter
// would skip are unknown).
func (noPartitionPruning) wallMS(app *extract.App, f FindingRow) float64 {
	w, _ := stageShare(app, f, 1)
	return w
}

// nested_loop_join / cartesian_product: the join's stage.
func (nestedLoop) wallMS(app *extract.App, f FindingRow) float64 {
	w, _ := stageShare(app, f, 1)
	return w
}
