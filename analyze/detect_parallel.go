package analyze

import (
	"fmt"
	"math"
	"strconv"

	"github.com/sparkmine/sparkmine/extract"
)

const (
	keyCoalesce    = "spark.sql.adaptive.coalescePartitions.enabled"
	keyParallelism = "spark.default.parallelism"
)

// tinyTasks (tiny_tasks) flags stages of many very short tasks: when the
// median task takes under max_median_ms (50 ms), scheduling, task
// deserialization and result handling (a few ms each on the driver and the
// executor) rival the work itself. The task count is graded
// 1000/4000/16000/64000: a thousand tasks is where a stage of 50 ms tasks
// spends whole core-seconds on overhead per wave, and each grade is 4×.
//
// Recommendation: for shuffle stages, spark.sql.shuffle.partitions =
// ceil(shuffle read ÷ target_partition_bytes (128 MiB)) and AQE partition
// coalescing when it is off; for input stages, a larger
// spark.sql.files.maxPartitionBytes (2× current, default 128 MiB) to pack
// small files; otherwise spark.default.parallelism = 3 × cores. Listing
// and schema-inference stages are never judged (isMetadata).
type tinyTasks struct{ c TinyTasksConfig }

// TinyTasksConfig configures tiny_tasks.
type TinyTasksConfig struct {
	Switch               `yaml:",inline"`
	Grades               Grades `yaml:"grades" check:"ascending" doc:"grades of a stage's task count"`
	MaxMedianMS          int64  `yaml:"max_median_ms" check:"nonneg" doc:"only stages whose median task is shorter (ms)"`
	TargetPartitionBytes int64  `yaml:"target_partition_bytes" check:"positive" doc:"the partition size recommendations aim at (bytes)"`
}

func (TinyTasksConfig) defaults() detectorConfig {
	return TinyTasksConfig{Switch: enabled, Grades: Grades{1000, 4000, 16000, 64000}, MaxMedianMS: 50, TargetPartitionBytes: 128 * MiB}
}

func (c TinyTasksConfig) detector() Detector { return tinyTasks{c} }

func (tinyTasks) Name() string { return "tiny_tasks" }

func (d tinyTasks) Detect(app *extract.App) []FindingRow {
	var out []FindingRow
	for i := range app.Stages {
		st := &app.Stages[i]
		p50 := st.TaskDurationMSP50
		sev := d.c.Grades.asc(float64(st.Tasks))
		if st.QuantileTasks <= 0 || p50 >= float64(d.c.MaxMedianMS) || sev == None || isMetadata(st) {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(float64(st.Tasks)),
			fmt.Sprintf("Stage %d: %d tasks with a %.0f ms median", st.StageID, st.Tasks, p50))
		f.Detail = fmt.Sprintf("%d tasks whose median ran %.0f ms: per-task scheduling and serialization overhead is comparable to the work. The stage read %s of shuffle data and %s of input.",
			st.Tasks, p50, gib(float64(st.ShuffleReadBytes)), gib(float64(st.InputBytes)))
		f.Evidence = []Evidence{
			ev("tasks", float64(st.Tasks), d.c.Grades.at(sev)),
			ev("task_duration_ms_p50", p50, float64(d.c.MaxMedianMS)),
		}
		f.Recommendations = d.recs(app, st)
		out = append(out, f)
	}
	return out
}

func (d tinyTasks) recs(app *extract.App, st *extract.StageRow) []Recommendation {
	var rs []Recommendation
	switch {
	case st.ShuffleReadBytes > 0:
		n := math.Ceil(float64(st.ShuffleReadBytes) / float64(d.c.TargetPartitionBytes))
		if n < float64(st.Tasks) {
			rs = append(rs, rec(app, keyPartitions, propInt(keyPartitions, n),
				fmt.Sprintf("%s of shuffle data at %s per partition", gib(float64(st.ShuffleReadBytes)), gib(float64(d.c.TargetPartitionBytes)))))
		}
		if conf(app, keyCoalesce) == "false" {
			rs = append(rs, rec(app, keyCoalesce, "true", "AQE merges small shuffle partitions at run time"))
		}
	case st.InputBytes > 0:
		cur := confBytes(app, keyMaxPartByte, 1, 128*MiB)
		if float64(2*cur) <= Properties[keyMaxPartByte].Max {
			rs = append(rs, rec(app, keyMaxPartByte, propMiB(keyMaxPartByte, float64(2*cur)),
				fmt.Sprintf("the input averaged %s per task; larger splits pack more small files into one task", gib(ratio(float64(st.InputBytes), float64(st.Tasks))))))
		}
	default:
		if s := slots(app); s > 0 && 3*s < st.Tasks {
			rs = append(rs, rec(app, keyParallelism, propInt(keyParallelism, float64(3*s)), fmt.Sprintf("three tasks per core for %d cores", s)))
		}
	}
	return rs
}

// wastedCoreMS is the per-task overhead (median duration − median run time)
// summed over the stage's tasks.
func (tinyTasks) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	st := stageOf(app, f)
	if st == nil {
		return 0
	}
	return float64(max(st.Tasks, 0)) * pos(st.TaskDurationMSP50-st.TaskRunTimeMSP50)
}

// underParallel (under_parallel) flags long stages (min_stage_ms, 2 min)
// that cannot use the cluster: fewer tasks than task slots (max executors ×
// executor cores), graded on slots ÷ tasks; or shuffle partitions far above
// target_partition_bytes (128 MiB, the size Spark's own
// spark.sql.files.maxPartitionBytes reads input at; AQE's advisory 64 MiB is
// a post-coalescing target and would flag healthy stages), graded on
// shuffle bytes per task ÷ 128 MiB. Both are "×-fold under-partitioned" and
// share the grades 2/4/8/16; the worse wins.
//
// Recommendation: spark.sql.shuffle.partitions = max(ceil(shuffle read ÷
// 128 MiB), slots when cores were idle), clamped to 1..100000; for input
// stages, spark.sql.files.maxPartitionBytes = input ÷ slots; else
// spark.default.parallelism = 2 × slots (two waves, as Spark's tuning guide
// advises 2–3 tasks per core). A stage whose longest task ran under half
// its wall time is not judged: its time went to waiting for task slots
// (behind concurrent stages), which more tasks would not change.
type underParallel struct{ c UnderParallelConfig }

// UnderParallelConfig configures under_parallel.
type UnderParallelConfig struct {
	Switch               `yaml:",inline"`
	Grades               Grades `yaml:"grades" check:"ascending" doc:"grades of cores ÷ tasks or bytes per task ÷ the target, whichever is worse"`
	MinStageMS           int64  `yaml:"min_stage_ms" check:"nonneg" doc:"only stages at least this long (ms)"`
	TargetPartitionBytes int64  `yaml:"target_partition_bytes" check:"positive" doc:"the partition size recommendations aim at (bytes)"`
}

func (UnderParallelConfig) defaults() detectorConfig {
	return UnderParallelConfig{Switch: enabled, Grades: Grades{2, 4, 8, 16}, MinStageMS: 120_000, TargetPartitionBytes: 128 * MiB}
}

func (c UnderParallelConfig) detector() Detector { return underParallel{c} }

func (underParallel) Name() string { return "under_parallel" }

func (d underParallel) Detect(app *extract.App) []FindingRow {
	var out []FindingRow
	s := float64(slots(app))
	for i := range app.Stages {
		st := &app.Stages[i]
		if st.Tasks <= 0 || st.DurationMS < max(d.c.MinStageMS, 1) || queued(st) {
			continue
		}
		coreF := 0.0
		if s > float64(st.Tasks) {
			coreF = s / float64(st.Tasks)
		}
		perTask := float64(st.ShuffleReadBytes) / float64(st.Tasks)
		byteF := ratio(perTask, float64(d.c.TargetPartitionBytes))
		sev := d.c.Grades.asc(math.Max(coreF, byteF))
		if sev == None {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(math.Max(coreF, byteF)),
			fmt.Sprintf("Stage %d: %d tasks for %.0f cores, %s per task", st.StageID, st.Tasks, s, gib(perTask)))
		f.Detail = fmt.Sprintf("The stage ran %s with %d tasks while %.0f task slots were available, each task reading %s of shuffle data (target %s).",
			mins(float64(st.DurationMS)), st.Tasks, s, gib(perTask), gib(float64(d.c.TargetPartitionBytes)))
		f.Evidence = []Evidence{
			ev("slots_per_task", coreF, d.c.Grades.at(d.c.Grades.asc(coreF))),
			ev("shuffle_read_bytes_per_task", perTask, float64(d.c.TargetPartitionBytes)*d.c.Grades.at(d.c.Grades.asc(byteF))),
		}
		f.Recommendations = d.recs(app, st, s, coreF >= d.c.Grades.at(Low))
		if len(f.Recommendations) == 0 && st.ShuffleReadBytes > 0 && st.Tasks < shufflePartitions(app) {
			// Fewer tasks than spark.sql.shuffle.partitions: the count
			// came from the code or from AQE, not from that setting.
			f.Detail += fmt.Sprintf(" The stage has fewer tasks than spark.sql.shuffle.partitions (%d), so its partition count comes from the code (repartition/coalesce, an RDD's numPartitions) or from AQE coalescing: raise it there.",
				shufflePartitions(app))
		}
		out = append(out, f)
	}
	return out
}

func (d underParallel) recs(app *extract.App, st *extract.StageRow, s float64, idleCores bool) []Recommendation {
	switch {
	case st.ShuffleReadBytes > 0:
		n := math.Ceil(float64(st.ShuffleReadBytes) / float64(d.c.TargetPartitionBytes))
		if idleCores {
			n = math.Max(n, s)
		}
		// Proposing fewer partitions than are set would change nothing
		// for this stage (its count did not come from the setting).
		if n > float64(st.Tasks) && n > float64(shufflePartitions(app)) {
			return []Recommendation{rec(app, keyPartitions, propInt(keyPartitions, n),
				fmt.Sprintf("%s of shuffle data at %s per partition, at least one task per core", gib(float64(st.ShuffleReadBytes)), gib(float64(d.c.TargetPartitionBytes))))}
		}
	case st.InputBytes > 0 && idleCores:
		cur := confBytes(app, keyMaxPartByte, 1, 128*MiB)
		if want := float64(st.InputBytes) / s; want < float64(cur) && want >= Properties[keyMaxPartByte].Min {
			return []Recommendation{rec(app, keyMaxPartByte, propMiB(keyMaxPartByte, want), "smaller input splits give every core a task")}
		}
	case idleCores:
		return []Recommendation{rec(app, keyParallelism, propInt(keyParallelism, 2*s), "two tasks per core")}
	}
	return nil
}

// wastedCoreMS is the slot-time the stage left idle: slots × wall time −
// task run time, when it had fewer tasks than slots.
func (underParallel) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	st := stageOf(app, f)
	s := float64(slots(app))
	if st == nil || s <= float64(st.Tasks) {
		return 0
	}
	return pos(s*float64(st.DurationMS) - float64(st.ExecutorRunTimeMS))
}

// longStage (long_stage) flags a stage that dominates the app: its duration
// ÷ the app's, graded 0.5/0.65/0.8/0.9, when its median task runs at least
// min_median_task_ms (2 min: Spark's tuning guide notes tasks as short as
// 200 ms run efficiently, so minutes-long medians mean few, large
// partitions that cannot be balanced across cores). Such a stage is the
// app's critical path and gains most from smaller tasks.
//
// Recommendation: split so the median task runs target_task_ms (1 min):
// ceil(p50 ÷ target) × the stage's tasks as spark.sql.shuffle.partitions for
// shuffle stages, or spark.sql.files.maxPartitionBytes ÷ that factor for
// input stages.
type longStage struct{ c LongStageConfig }

// LongStageConfig configures long_stage.
type LongStageConfig struct {
	Switch          `yaml:",inline"`
	Grades          Grades `yaml:"grades" check:"ascending,fraction" doc:"grades of stage duration ÷ app duration"`
	MinMedianTaskMS int64  `yaml:"min_median_task_ms" check:"nonneg" doc:"only stages whose median task runs at least this long (ms)"`
	TargetTaskMS    int64  `yaml:"target_task_ms" check:"positive" doc:"the task length recommendations aim at (ms)"`
}

func (LongStageConfig) defaults() detectorConfig {
	return LongStageConfig{Switch: enabled, Grades: Grades{0.5, 0.65, 0.8, 0.9}, MinMedianTaskMS: 120_000, TargetTaskMS: 60_000}
}

func (c LongStageConfig) detector() Detector { return longStage{c} }

func (longStage) Name() string { return "long_stage" }

func (d longStage) Detect(app *extract.App) []FindingRow {
	var out []FindingRow
	appMS := float64(app.Row.DurationMS)
	for i := range app.Stages {
		st := &app.Stages[i]
		p50 := st.TaskDurationMSP50
		share := math.Min(1, ratio(float64(st.DurationMS), appMS))
		sev := d.c.Grades.asc(share)
		if appMS <= 0 || p50 < float64(d.c.MinMedianTaskMS) || sev == None {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(share),
			fmt.Sprintf("Stage %d took %.0f%% of the app", st.StageID, share*100))
		f.Detail = fmt.Sprintf("Stage %d (%s) ran %s of the app's %s, its median task %s: it is the critical path.",
			st.StageID, truncate(st.Name, 120), mins(float64(st.DurationMS)), mins(appMS), mins(p50))
		f.Evidence = []Evidence{
			ev("stage_duration_share", share, d.c.Grades.at(sev)),
			ev("task_duration_ms_p50", p50, float64(d.c.MinMedianTaskMS)),
		}
		f.Recommendations = d.recs(app, st, math.Ceil(p50/float64(d.c.TargetTaskMS)))
		out = append(out, f)
	}
	return out
}

func (d longStage) recs(app *extract.App, st *extract.StageRow, k float64) []Recommendation {
	if k < 2 {
		return nil
	}
	reason := fmt.Sprintf("%.0f× smaller tasks bring the median near %s", k, mins(float64(d.c.TargetTaskMS)))
	switch {
	case st.ShuffleReadBytes > 0 && st.Tasks > 0:
		return []Recommendation{rec(app, keyPartitions, propInt(keyPartitions, float64(st.Tasks)*k), reason)}
	case st.InputBytes > 0:
		cur := float64(confBytes(app, keyMaxPartByte, 1, 128*MiB))
		if want := cur / k; want >= Properties[keyMaxPartByte].Min {
			return []Recommendation{rec(app, keyMaxPartByte, propMiB(keyMaxPartByte, want), reason)}
		}
	}
	return nil
}

// shufflePartitions is the app's spark.sql.shuffle.partitions (Spark's
// default 200 when unset or unreadable).
func shufflePartitions(app *extract.App) int64 {
	if v, err := strconv.ParseInt(conf(app, keyPartitions), 10, 64); err == nil && v > 0 {
		return v
	}
	return 200
}

// wallMS is the stage's wall time beyond its work spread over every slot:
// with tasks this short, the time goes to scheduling and overhead.
func (tinyTasks) wallMS(app *extract.App, f FindingRow) float64 {
	return idealGap(app, stageOf(app, f))
}

// wallMS is the stage's wall time beyond what its work would take on every
// task slot.
func (underParallel) wallMS(app *extract.App, f FindingRow) float64 {
	return idealGap(app, stageOf(app, f))
}

// wallMS is, like under_parallel's, the stage's time beyond its work spread
// over every slot: what smaller tasks could win back.
func (longStage) wallMS(app *extract.App, f FindingRow) float64 {
	return idealGap(app, stageOf(app, f))
}

func idealGap(app *extract.App, st *extract.StageRow) float64 {
	if st == nil {
		return 0
	}
	s := math.Max(1, float64(slots(app)))
	return pos(float64(st.DurationMS) - float64(st.ExecutorRunTimeMS)/s)
}

// queued reports whether a stage's longest task ran under half its wall
// time: the stage mostly waited for task slots.
func queued(st *extract.StageRow) bool {
	return st.QuantileTasks > 0 && st.TaskDurationMSMax < 0.5*float64(st.DurationMS)
}
