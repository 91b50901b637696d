package analyze

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

// taskSkew (task_skew) flags stages whose longest task runs far longer than
// the median task: duration_skew = task_duration_ms_max ÷ task_duration_ms_p50,
// graded 2/4/8/16 (Dr. Elephant's Spark and MapReduce skew heuristics grade
// the same max-to-typical ratio on a doubling scale). A ratio alone is noise
// on short stages, so the longest task must also be long in absolute terms
// (min_max_task_ms, default 60 s: below a minute a straggler costs less than
// the executor start-up it would take to fix) and take a large share of the
// stage's wall time (min_stage_share, default 0.3: the straggler, not the
// bulk of the tasks, decides when the stage ends). Stages with fewer than
// min_tasks (10) tasks have a shaky median, so there a straggler is judged
// by the wall time it adds: it must run min_max_task_ms past the median.
//
// Evidence: duration_skew against the grade it crossed, the longest task
// against min_max_task_ms, its share of the stage against min_stage_share.
// Recommendation: let AQE split skewed shuffle partitions (see skewRecs).
type taskSkew struct{ c TaskSkewConfig }

// TaskSkewConfig configures task_skew.
type TaskSkewConfig struct {
	Switch        `yaml:",inline"`
	Grades        Grades  `yaml:"grades" check:"ascending" doc:"grades of max ÷ median task duration"`
	MinTasks      int64   `yaml:"min_tasks" check:"nonneg" doc:"stages with fewer tasks are skipped"`
	MinMaxTaskMS  int64   `yaml:"min_max_task_ms" check:"nonneg" doc:"the longest task must run at least this long (ms)"`
	MinStageShare float64 `yaml:"min_stage_share" check:"fraction" doc:"and take at least this share of the stage's wall time"`
}

func (TaskSkewConfig) defaults() detectorConfig {
	return TaskSkewConfig{Switch: enabled, Grades: Grades{2, 4, 8, 16}, MinTasks: 10, MinMaxTaskMS: 60_000, MinStageShare: 0.3}
}

func (c TaskSkewConfig) detector() Detector { return taskSkew{c} }

func (taskSkew) Name() string { return "task_skew" }

func (d taskSkew) Detect(app *extract.App) []FindingRow {
	var out []FindingRow
	for i := range app.Stages {
		if f, ok := d.stage(app, &app.Stages[i]); ok {
			out = append(out, f)
		}
	}
	return out
}

func (d taskSkew) stage(app *extract.App, st *extract.StageRow) (FindingRow, bool) {
	maxT, p50 := st.TaskDurationMSMax, st.TaskDurationMSP50
	few := st.Tasks < d.c.MinTasks && maxT-p50 < float64(d.c.MinMaxTaskMS)
	if st.Tasks < 2 || few || maxT < float64(d.c.MinMaxTaskMS) || st.DurationMS <= 0 {
		return FindingRow{}, false
	}
	share := math.Min(1, ratio(maxT, float64(st.DurationMS)))
	skew := ratio(maxT, p50)
	sev := d.c.Grades.asc(skew)
	if share < d.c.MinStageShare || sev == None {
		return FindingRow{}, false
	}
	f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(skew),
		fmt.Sprintf("Stage %d: longest task %.0f× the median", st.StageID, skew))
	f.Detail = fmt.Sprintf("The longest of %d tasks ran %s against a median of %.1f s and took %.0f%% of the stage's %s wall time; the other cores idle while it runs. %s",
		st.Tasks, mins(maxT), p50/1000, share*100, mins(float64(st.DurationMS)), skewHint(st))
	f.Evidence = []Evidence{
		ev("duration_skew", skew, d.c.Grades.at(sev)),
		ev("task_duration_ms_max", maxT, float64(d.c.MinMaxTaskMS)),
		ev("max_task_stage_share", share, d.c.MinStageShare),
	}
	f.Recommendations = skewRecs(app, st)
	if straggler(st) {
		f.Recommendations = nil // AQE's skew split does not help a straggler
		if conf(app, keySpeculation) != "true" {
			f.Recommendations = []Recommendation{rec(app, keySpeculation, "true",
				"the tasks read evenly sized data, so the slow one is a straggler; speculation re-runs it on another executor")}
		}
	}
	return f, true
}

func (taskSkew) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	return tailWaste(app, stageOf(app, f))
}

// shuffleSkew (shuffle_skew) applies Spark AQE's own skew rule to a stage's
// shuffle read: a partition is skewed when it is larger than
// spark.sql.adaptive.skewJoin.skewedPartitionFactor (5) × the median and
// larger than skewedPartitionThresholdInBytes (256 MB). The ratio
// task_shuffle_read_bytes_max ÷ p50 is graded 5/10/20/40 (the AQE factor,
// then doubling), and the largest task must read over min_bytes (256 MiB).
//
// Evidence: shuffle_skew against its grade, the largest task's shuffle read
// against min_bytes. Recommendation: see skewRecs.
type shuffleSkew struct{ c ShuffleSkewConfig }

// ShuffleSkewConfig configures shuffle_skew.
type ShuffleSkewConfig struct {
	Switch   `yaml:",inline"`
	Grades   Grades `yaml:"grades" check:"ascending" doc:"grades of max ÷ median per-task shuffle read bytes"`
	MinBytes int64  `yaml:"min_bytes" check:"nonneg" doc:"the largest task's shuffle read must exceed this (bytes)"`
}

func (ShuffleSkewConfig) defaults() detectorConfig {
	return ShuffleSkewConfig{Switch: enabled, Grades: Grades{5, 10, 20, 40}, MinBytes: 256 * MiB}
}

func (c ShuffleSkewConfig) detector() Detector { return shuffleSkew{c} }

func (shuffleSkew) Name() string { return "shuffle_skew" }

func (d shuffleSkew) Detect(app *extract.App) []FindingRow {
	var out []FindingRow
	for i := range app.Stages {
		st := &app.Stages[i]
		maxB := st.TaskShuffleReadBytesMax
		skew := ratio(maxB, st.TaskShuffleReadBytesP50)
		sev := d.c.Grades.asc(skew)
		if maxB <= float64(d.c.MinBytes) || sev == None {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(skew),
			fmt.Sprintf("Stage %d: a shuffle partition %.0f× the median", st.StageID, skew))
		f.Detail = fmt.Sprintf("The largest task read %s of shuffle data against a median of %s (AQE's rule: over %.0f× the median and over %s). %s",
			gib(maxB), gib(st.TaskShuffleReadBytesP50), d.c.Grades.at(Low), gib(float64(d.c.MinBytes)), skewHint(st))
		f.Evidence = []Evidence{
			ev("shuffle_skew", skew, d.c.Grades.at(sev)),
			ev("task_shuffle_read_bytes_max", maxB, float64(d.c.MinBytes)),
		}
		f.Recommendations = skewRecs(app, st)
		out = append(out, f)
	}
	return out
}

func (shuffleSkew) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	return tailWaste(app, stageOf(app, f))
}

// tailWaste estimates the core-time a straggler wastes: while the longest
// task runs past the typical (p75) one, the stage's other slots have no work.
// Slots are min(stage tasks, max executors × cores); the estimate is capped
// by the stage's wall time × slots.
func tailWaste(app *extract.App, st *extract.StageRow) float64 {
	if st == nil {
		return 0
	}
	par := float64(st.Tasks)
	if s := float64(slots(app)); s > 0 && s < par {
		par = s
	}
	if par < 2 {
		return 0
	}
	w := pos(st.TaskDurationMSMax-st.TaskDurationMSP75) * (par - 1)
	return math.Min(w, pos(float64(st.DurationMS))*par)
}

// skewHint says what kind of skew a stage shows.
func skewHint(st *extract.StageRow) string {
	switch {
	case straggler(st):
		return "Every task read about as much data (the largest under 1.5× the median), so the slow task is a straggler (a slow or busy node, heavy records, GC), not data skew: speculative execution re-runs such tasks elsewhere."
	case st.ShuffleReadBytes > 0:
		return "Skew in shuffle input usually means a few hot keys in a join or aggregation."
	}
	return "The stage reads no shuffle data, so AQE cannot split it: look for unsplittable (e.g. gzip) or unevenly sized input files."
}

// straggler reports whether a stage's tasks read evenly sized data (shuffle
// or input, whichever it read), so that a long task is not explained by its
// data size.
func straggler(st *extract.StageRow) bool {
	even := func(max, p50 float64) bool { return p50 > 0 && max/p50 < 1.5 }
	if st.ShuffleReadBytes > 0 {
		return even(st.TaskShuffleReadBytesMax, st.TaskShuffleReadBytesP50)
	}
	return st.InputBytes > 0 && even(st.TaskInputBytesMax, st.TaskInputBytesP50)
}

const (
	keyAQE         = "spark.sql.adaptive.enabled"
	keySkewJoin    = "spark.sql.adaptive.skewJoin.enabled"
	keySkewFactor  = "spark.sql.adaptive.skewJoin.skewedPartitionFactor"
	keySkewThresh  = "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes"
	keyPartitions  = "spark.sql.shuffle.partitions"
	keySpeculation = "spark.speculation"
	keyMaxPartByte = "spark.sql.files.maxPartitionBytes"
)

// skewRecs recommends what lets AQE split a skewed shuffle stage: AQE and its
// skew join on (on by default only since Spark 3.2, so an old or explicitly
// disabled setting is named); when both are on already, a lower
// skewedPartitionThresholdInBytes (half the largest partition) when the
// threshold is what kept AQE from acting, and a lower skewedPartitionFactor.
// Stages without shuffle input get none: AQE cannot split them.
func skewRecs(app *extract.App, st *extract.StageRow) []Recommendation {
	if st.ShuffleReadBytes <= 0 {
		return nil
	}
	var rs []Recommendation
	if !propOn(app, keyAQE, 3, 2) {
		rs = append(rs, rec(app, keyAQE, "true", "adaptive query execution re-plans shuffles at run time and can split skewed partitions"))
	}
	if !propOn(app, keySkewJoin, 3, 0) {
		rs = append(rs, rec(app, keySkewJoin, "true", "splits a join's skewed shuffle partitions into several tasks"))
	}
	if len(rs) > 0 {
		return rs
	}
	thresh := confBytes(app, keySkewThresh, 1, 256*MiB)
	if maxB := st.TaskShuffleReadBytesMax; maxB > 0 && float64(thresh) >= maxB {
		rs = append(rs, rec(app, keySkewThresh, propMiB(keySkewThresh, maxB/2),
			fmt.Sprintf("the largest partition (%s) is under the threshold, so AQE never treats it as skewed", gib(maxB))))
	}
	if factor := confInt(app, keySkewFactor, 5); factor > 2 {
		rs = append(rs, rec(app, keySkewFactor, propInt(keySkewFactor, float64(factor/2)),
			"a lower factor makes AQE split partitions that are fewer times the median"))
	}
	return rs
}

// propOn reports whether a boolean property is in effect: explicitly "true",
// or unset on a Spark version whose default is true (from major.minor).
func propOn(app *extract.App, key string, major, minor int) bool {
	switch conf(app, key) {
	case "true":
		return true
	case "":
		return versionAtLeast(app.Row.SparkVersion, major, minor)
	}
	return false
}

// versionAtLeast compares a Spark version string ("3.5.1", "3.3.0-amzn-1")
// with major.minor; an unreadable version is taken as old.
func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// wallMS is the straggler's tail: the time the longest task ran past the
// typical (p75) one, while the stage could not end.
func (taskSkew) wallMS(app *extract.App, f FindingRow) float64 { return tailWall(stageOf(app, f)) }

func (shuffleSkew) wallMS(app *extract.App, f FindingRow) float64 { return tailWall(stageOf(app, f)) }

func tailWall(st *extract.StageRow) float64 {
	if st == nil {
		return 0
	}
	return math.Min(pos(st.TaskDurationMSMax-st.TaskDurationMSP75), pos(float64(st.DurationMS)))
}
