package analyze

import (
	"fmt"
	"math"
	"slices"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/plan"
)

// skewedJoin (skewed_join) flags a sort-merge join whose stage reads a
// skewed shuffle partition by AQE's own rule (over skew_factor × the
// median and over skew_min_bytes). Recommendation: AQE's skew-join
// settings sized from the observed partitions (skewRecs); when AQE was on
// and split nothing, the detail says why it could not (the partition under
// its threshold, or a plan shape AQE does not split).
type skewedJoin struct{ c SkewedJoinConfig }

func (skewedJoin) Name() string { return "skewed_join" }

func (d skewedJoin) Detect(app *extract.App) []FindingRow {
	return opFindings(app, joins, func(e *extract.SQLExecution, j plan.Join) (FindingRow, bool) {
		st := d.skewedStage(app, j.Stages)
		if j.Kind != plan.SortMerge || st == nil {
			return FindingRow{}, false
		}
		return d.finding(app, e, j, st), true
	})
}

// skewedStage is the join's stage attempt with the worst skew by AQE's rule.
func (d skewedJoin) skewedStage(app *extract.App, ids []int64) *extract.StageRow {
	var best *extract.StageRow
	for i := range app.Stages {
		st := &app.Stages[i]
		maxB, p50 := st.TaskShuffleReadBytesMax, st.TaskShuffleReadBytesP50
		if !slices.Contains(ids, st.StageID) || maxB < float64(d.c.SkewMinBytes) || maxB < d.c.SkewFactor*p50 {
			continue
		}
		if best == nil || st.ShuffleSkew > best.ShuffleSkew {
			best = st
		}
	}
	return best
}

func (d skewedJoin) finding(app *extract.App, e *extract.SQLExecution, j plan.Join, st *extract.StageRow) FindingRow {
	skew := ratio(st.TaskShuffleReadBytesMax, st.TaskShuffleReadBytesP50)
	sev := Grades{d.c.SkewFactor, 2 * d.c.SkewFactor, 4 * d.c.SkewFactor, 8 * d.c.SkewFactor}.asc(skew)
	f := queryFinding(d.Name(), e, j.Node, st, max(sev, Moderate), skew,
		fmt.Sprintf("Skewed join: %s, stage %d: largest partition %.0f× the median", opName(e, j.Name, j.Node), st.StageID, skew))
	why := ""
	if propOn(app, keyAQE, 3, 2) && propOn(app, keySkewJoin, 3, 0) && e.Operators.AQE.SkewSplits == 0 {
		thresh := confBytes(app, keySkewThresh, 1, 256*MiB)
		why = fmt.Sprintf(" AQE's skew join was on and split nothing: the largest partition (%s) must exceed both %d× the median and skewedPartitionThresholdInBytes (%s)",
			gib(st.TaskShuffleReadBytesMax), confInt(app, keySkewFactor, 5), gib(float64(thresh)))
		if float64(thresh) < st.TaskShuffleReadBytesMax {
			why += ", which it does, so the join's shape kept AQE from splitting it (a join type or a plan with an extra shuffle AQE does not split)"
		}
		why += "."
	}
	f.Detail = fmt.Sprintf("The sort-merge join reads its inputs in stage %d, whose largest shuffle partition is %s against a median of %s; the task holding it ran %s against a median %.1f s. Left side %d rows / %s, right side %d rows / %s.%s",
		st.StageID, gib(st.TaskShuffleReadBytesMax), gib(st.TaskShuffleReadBytesP50), mins(st.TaskDurationMSMax), st.TaskDurationMSP50/1000,
		j.Left.Rows, gib(float64(j.Left.Bytes)), j.Right.Rows, gib(float64(j.Right.Bytes)), why)
	f.Evidence = []Evidence{
		ev("shuffle_skew", skew, d.c.SkewFactor),
		ev("task_shuffle_read_bytes_max", st.TaskShuffleReadBytesMax, float64(d.c.SkewMinBytes)),
		ev("straggler_ms", st.TaskDurationMSMax-st.TaskDurationMSP50, 0),
	}
	f.Recommendations = skewRecs(app, st)
	return f
}

func (skewedJoin) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	return tailWaste(app, stageOf(app, f))
}

// broadcastCandidate (broadcast_candidate) flags a shuffled join (sort-merge
// or shuffled hash) whose smaller side measured under
// broadcast_candidate_bytes: broadcasting it would save shuffling and
// sorting the larger side. Recommendation: spark.sql.autoBroadcastJoinThreshold
// sized to the measured side plus a quarter, when that is above the
// current threshold (the estimate Spark planned with was too high).
type broadcastCandidate struct{ c BroadcastCandidateConfig }

func (broadcastCandidate) Name() string { return "broadcast_candidate" }

func (d broadcastCandidate) Detect(app *extract.App) []FindingRow {
	return opFindings(app, joins, func(e *extract.SQLExecution, j plan.Join) (FindingRow, bool) {
		small, large := j.Left, j.Right
		if small.Bytes > large.Bytes {
			small, large = large, small
		}
		// Broadcasting pays when it spares shuffling a much larger side: two
		// sides of one size (a self-join of a small table) gain little.
		if !shuffled(j.Kind) || small.Bytes <= 0 || small.Bytes >= d.c.BroadcastCandidateBytes || large.Bytes < minBroadcastGain*small.Bytes {
			return FindingRow{}, false
		}
		return d.finding(app, e, j, small, large), true
	})
}

// minBroadcastGain is how many times larger than the small side the other
// side must be for a broadcast candidate.
const minBroadcastGain = 4

func (d broadcastCandidate) finding(app *extract.App, e *extract.SQLExecution, j plan.Join, small, large plan.Side) FindingRow {
	st := heaviestStage(app, j.Stages)
	sev := Low
	if large.Bytes >= 10*GiB {
		sev = Moderate
	}
	f := queryFinding(d.Name(), e, j.Node, st, sev, ratio(float64(large.Bytes), float64(small.Bytes)),
		fmt.Sprintf("Broadcast candidate: %s: one side is only %s", opName(e, j.Name, j.Node), size(float64(small.Bytes))))
	f.Detail = fmt.Sprintf("The %s join shuffles both sides; the smaller measured %s (%d rows) against %s (%d rows) on the other side (%s). A broadcast hash join ships the small side to every executor and never shuffles or sorts the large one.",
		j.Kind, size(float64(small.Bytes)), small.Rows, size(float64(large.Bytes)), large.Rows, stageIDText(st))
	f.Evidence = []Evidence{ev("small_side_bytes", float64(small.Bytes), float64(d.c.BroadcastCandidateBytes)),
		ev("large_side_bytes", float64(large.Bytes), 0)}
	const key = "spark.sql.autoBroadcastJoinThreshold"
	want := float64(small.Bytes) * 1.25
	switch cur := confBytes(app, key, 1, 10*MiB); {
	case want > float64(cur):
		f.Recommendations = []Recommendation{rec(app, key, propMiB(key, want),
			fmt.Sprintf("the smaller side measured %s; a threshold above it lets Spark broadcast it", size(float64(small.Bytes))))}
	case !propOn(app, keyAQE, 3, 2):
		f.Recommendations = []Recommendation{rec(app, keyAQE, "true",
			"the side is under the broadcast threshold once measured; adaptive execution switches the join to a broadcast at run time")}
	default:
		f.Detail += fmt.Sprintf(" The side is under the broadcast threshold (%s), so Spark's estimate before running was higher than what it read: a BROADCAST hint on that side makes the plan certain.", size(float64(cur)))
	}
	return f
}

// oversizedBroadcast (oversized_broadcast) flags a broadcast exchange over
// oversized_broadcast_bytes or oversized_broadcast_rows: the driver
// collects it whole and every executor holds a copy, so it risks the
// driver's memory. Recommendation: spark.driver.memory sized to twice the
// broadcast plus 1 GiB when under that; the detail says how to switch the
// join to a sort-merge one instead (a SHUFFLE_MERGE hint).
type oversizedBroadcast struct{ c OversizedBroadcastConfig }

func (oversizedBroadcast) Name() string { return "oversized_broadcast" }

func (d oversizedBroadcast) Detect(app *extract.App) []FindingRow {
	return opFindings(app, exchanges, func(e *extract.SQLExecution, x plan.Exchange) (FindingRow, bool) {
		if !x.Broadcast || x.Bytes <= d.c.OversizedBroadcastBytes && x.Rows <= d.c.OversizedBroadcastRows {
			return FindingRow{}, false
		}
		return d.finding(app, e, x), true
	})
}

func (d oversizedBroadcast) finding(app *extract.App, e *extract.SQLExecution, x plan.Exchange) FindingRow {
	st := heaviestStage(app, x.Stages)
	size := ratio(float64(x.Bytes), float64(d.c.OversizedBroadcastBytes))
	sev := Grades{1, 2, 4, 8}.asc(math.Max(size, ratio(float64(x.Rows), float64(d.c.OversizedBroadcastRows))))
	f := queryFinding(d.Name(), e, x.Node, st, max(sev, Moderate), size,
		fmt.Sprintf("Oversized broadcast: %s: %s", opName(e, "BroadcastExchange", x.Node), gib(float64(x.Bytes))))
	f.Detail = fmt.Sprintf("The broadcast measured %s and %d rows (%s). The driver builds it in memory and every executor keeps a copy: an out-of-memory driver fails the whole app. Give the driver room, or make that join a sort-merge join with a /*+ SHUFFLE_MERGE(t) */ hint.",
		gib(float64(x.Bytes)), x.Rows, stageIDText(st))
	f.Evidence = []Evidence{ev("broadcast_bytes", float64(x.Bytes), float64(d.c.OversizedBroadcastBytes)),
		ev("broadcast_rows", float64(x.Rows), float64(d.c.OversizedBroadcastRows))}
	const key = "spark.driver.memory"
	need := 2*float64(x.Bytes) + GiB
	if cur := confBytes(app, key, MiB, GiB); float64(cur) < need {
		f.Recommendations = []Recommendation{rec(app, key, propMiB(key, need),
			"the driver holds the broadcast twice while building it (rows and the serialized relation)")}
	}
	return f
}

// nestedLoop (nested_loop_join, cartesian_product) flags a broadcast
// nested-loop join or a cartesian product whose sides' rows multiply to at
// least nested_loop_min_pairs: every row of one side meets every row of the
// other. No config fixes it: the detail asks for an equality condition.
type nestedLoop struct{ c NestedLoopConfig }

func (nestedLoop) Name() string { return "nested_loop_join" }

func (d nestedLoop) Detect(app *extract.App) []FindingRow {
	return opFindings(app, joins, func(e *extract.SQLExecution, j plan.Join) (FindingRow, bool) {
		pairs := float64(j.Left.Rows) * float64(j.Right.Rows)
		if (j.Kind != plan.BroadcastNestedLoop && j.Kind != plan.Cartesian) || pairs < d.c.NestedLoopMinPairs {
			return FindingRow{}, false
		}
		return d.finding(app, e, j, pairs), true
	})
}

func (d nestedLoop) finding(app *extract.App, e *extract.SQLExecution, j plan.Join, pairs float64) FindingRow {
	det := d.Name()
	if j.Kind == plan.Cartesian {
		det = "cartesian_product"
	}
	st := heaviestStage(app, j.Stages)
	n := d.c.NestedLoopMinPairs
	f := queryFinding(det, e, j.Node, st, Grades{n, 10 * n, 100 * n, 1000 * n}.asc(pairs), ratio(pairs, n),
		fmt.Sprintf("%s: %s compares %.2g row pairs", map[bool]string{true: "Cartesian product", false: "Nested-loop join"}[j.Kind == plan.Cartesian], opName(e, j.Name, j.Node), pairs))
	f.Detail = fmt.Sprintf("Every one of %d rows meets every one of %d (%s): the join has no equality condition Spark can hash or sort on. Add an equi-join key, or filter both sides first.",
		j.Left.Rows, j.Right.Rows, stageIDText(st))
	f.Evidence = []Evidence{ev("row_pairs", pairs, n)}
	return f
}
