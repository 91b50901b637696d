package analyze

import (
	"errors"
	"fmt"
	"math"
)

// Config is the analyze part of the config file: the lead's loader embeds it
// as the `detectors:` and `cost:` sections. Load it as Prometheus loads its
// config: start from DefaultConfig, decode strict YAML over it (unknown keys
// are errors), then call Validate.
type Config struct {
	Detectors DetectorConfig `yaml:"detectors"`
	Cost      CostConfig     `yaml:"cost"`
}

// DefaultConfig returns the documented defaults of every detector and of the
// cost model.
func DefaultConfig() Config {
	return Config{Detectors: DefaultDetectorConfig(), Cost: DefaultCostConfig()}
}

// Validate reports every problem of the config at once (errors.Join), each
// naming its YAML path, e.g. "detectors.task_skew.grades: grades must ascend".
func (c Config) Validate() error {
	return errors.Join(c.Detectors.validate(), c.Cost.validate())
}

// MiB and GiB are byte sizes used by the defaults.
const (
	MiB = 1 << 20
	GiB = 1 << 30
)

// DetectorConfig holds every detector's switch and thresholds. Each
// detector's doc comment (detect_*.go) gives the source of its defaults.
type DetectorConfig struct {
	TaskSkew      TaskSkewConfig      `yaml:"task_skew"`
	ShuffleSkew   ShuffleSkewConfig   `yaml:"shuffle_skew"`
	Spill         SpillConfig         `yaml:"spill"`
	GCPressure    GCPressureConfig    `yaml:"gc_pressure"`
	ExecutorLoss  ExecutorLossConfig  `yaml:"executor_loss"`
	FetchFailure  FetchFailureConfig  `yaml:"fetch_failure"`
	TaskFailures  TaskFailuresConfig  `yaml:"task_failures"`
	TinyTasks     TinyTasksConfig     `yaml:"tiny_tasks"`
	UnderParallel UnderParallelConfig `yaml:"under_parallel"`
	IdleExecutors IdleExecutorsConfig `yaml:"idle_executors"`
	DriverBound   DriverBoundConfig   `yaml:"driver_bound"`
	LargeResult   LargeResultConfig   `yaml:"large_result"`
	LongStage     LongStageConfig     `yaml:"long_stage"`
}

// TaskSkewConfig configures task_skew. Grades ascend on max ÷ median task
// duration.
type TaskSkewConfig struct {
	Enabled       bool    `yaml:"enabled"`
	Grades        Grades  `yaml:"grades"`
	MinTasks      int64   `yaml:"min_tasks"`       // stages with fewer tasks are skipped
	MinMaxTaskMS  int64   `yaml:"min_max_task_ms"` // the longest task must run at least this long
	MinStageShare float64 `yaml:"min_stage_share"` // and take at least this share of the stage's wall time
}

// ShuffleSkewConfig configures shuffle_skew. Grades ascend on max ÷ median
// per-task shuffle read bytes.
type ShuffleSkewConfig struct {
	Enabled  bool   `yaml:"enabled"`
	Grades   Grades `yaml:"grades"`
	MinBytes int64  `yaml:"min_bytes"` // the largest task's shuffle read must exceed this
}

// SpillConfig configures spill. Grades ascend on disk spill ÷ the stage's
// largest data volume.
type SpillConfig struct {
	Enabled          bool   `yaml:"enabled"`
	Grades           Grades `yaml:"grades"`
	MinDiskSpillByte int64  `yaml:"min_disk_spill_bytes"`
}

// GCPressureConfig configures gc_pressure. Grades ascend on GC time ÷
// executor run time.
type GCPressureConfig struct {
	Enabled       bool   `yaml:"enabled"`
	Grades        Grades `yaml:"grades"`
	MinRunTimeMS  int64  `yaml:"min_run_time_ms"`       // app-level: task run time needed to judge
	MinStageRunMS int64  `yaml:"min_stage_run_time_ms"` // stage-level: the same for a stage
}

// ExecutorLossConfig configures executor_loss. Grades ascend on the number of
// executors lost (removed for a reason other than the driver's own request).
type ExecutorLossConfig struct {
	Enabled bool   `yaml:"enabled"`
	Grades  Grades `yaml:"grades"`
}

// FetchFailureConfig configures fetch_failure. Grades ascend on a stage's
// fetch failures; RetryGrades ascend on its attempt retries; the worse wins.
type FetchFailureConfig struct {
	Enabled     bool   `yaml:"enabled"`
	Grades      Grades `yaml:"grades"`
	RetryGrades Grades `yaml:"retry_grades"`
}

// TaskFailuresConfig configures task_failures. Grades ascend on failed ÷ all
// task ends; a failed job, or a stage whose last attempt failed, is critical.
type TaskFailuresConfig struct {
	Enabled  bool   `yaml:"enabled"`
	Grades   Grades `yaml:"grades"`
	MinTasks int64  `yaml:"min_tasks"` // the rate is judged only from this many task ends
}

// TinyTasksConfig configures tiny_tasks. Grades ascend on a stage's task
// count, for stages whose median task is shorter than MaxMedianMS.
type TinyTasksConfig struct {
	Enabled     bool   `yaml:"enabled"`
	Grades      Grades `yaml:"grades"`
	MaxMedianMS int64  `yaml:"max_median_ms"`
	// TargetPartitionBytes is the partition size recommendations aim at.
	TargetPartitionBytes int64 `yaml:"target_partition_bytes"`
}

// UnderParallelConfig configures under_parallel. Grades ascend on the
// under-partitioning factor: available cores ÷ tasks, or bytes per task ÷
// TargetPartitionBytes, whichever is worse.
type UnderParallelConfig struct {
	Enabled              bool   `yaml:"enabled"`
	Grades               Grades `yaml:"grades"`
	MinStageMS           int64  `yaml:"min_stage_ms"` // only stages at least this long
	TargetPartitionBytes int64  `yaml:"target_partition_bytes"`
}

// IdleExecutorsConfig configures idle_executors. Grades descend on
// utilization (used ÷ allocated core-time).
type IdleExecutorsConfig struct {
	Enabled      bool    `yaml:"enabled"`
	Grades       Grades  `yaml:"grades"`
	MinCoreHours float64 `yaml:"min_core_hours"` // allocated core-hours needed to judge
	// TargetUtilization sizes the proposed executor count.
	TargetUtilization float64 `yaml:"target_utilization"`
}

// DriverBoundConfig configures driver_bound. Grades ascend on the share of
// wall time with no job running.
type DriverBoundConfig struct {
	Enabled       bool   `yaml:"enabled"`
	Grades        Grades `yaml:"grades"`
	MinDurationMS int64  `yaml:"min_duration_ms"`
}

// LargeResultConfig configures large_result. Grades ascend on a stage's
// result bytes sent to the driver.
type LargeResultConfig struct {
	Enabled bool   `yaml:"enabled"`
	Grades  Grades `yaml:"grades"`
}

// LongStageConfig configures long_stage. Grades ascend on stage duration ÷
// app duration, for stages whose median task runs at least MinMedianTaskMS.
type LongStageConfig struct {
	Enabled         bool   `yaml:"enabled"`
	Grades          Grades `yaml:"grades"`
	MinMedianTaskMS int64  `yaml:"min_median_task_ms"`
	TargetTaskMS    int64  `yaml:"target_task_ms"` // the task length recommendations aim at
}

// DefaultDetectorConfig returns the detector defaults (sources in each
// detector's doc comment).
func DefaultDetectorConfig() DetectorConfig {
	return DetectorConfig{
		TaskSkew:      TaskSkewConfig{true, Grades{2, 4, 8, 16}, 10, 60_000, 0.3},
		ShuffleSkew:   ShuffleSkewConfig{true, Grades{5, 10, 20, 40}, 256 * MiB},
		Spill:         SpillConfig{true, Grades{0.01, 0.1, 0.25, 0.5}, 256 * MiB},
		GCPressure:    GCPressureConfig{true, Grades{0.08, 0.10, 0.15, 0.20}, 600_000, 600_000},
		ExecutorLoss:  ExecutorLossConfig{true, Grades{1, 2, 5, 10}},
		FetchFailure:  FetchFailureConfig{true, Grades{1, 5, 20, 50}, Grades{1, 2, 3, 4}},
		TaskFailures:  TaskFailuresConfig{true, Grades{0.05, 0.10, 0.15, 0.20}, 20},
		TinyTasks:     TinyTasksConfig{true, Grades{1000, 4000, 16000, 64000}, 50, 128 * MiB},
		UnderParallel: UnderParallelConfig{true, Grades{2, 4, 8, 16}, 120_000, 128 * MiB},
		IdleExecutors: IdleExecutorsConfig{true, Grades{0.5, 0.35, 0.2, 0.1}, 1, 0.7},
		DriverBound:   DriverBoundConfig{true, Grades{0.3, 0.5, 0.7, 0.85}, 300_000},
		LargeResult:   LargeResultConfig{true, Grades{256 * MiB, 512 * MiB, 1 * GiB, 2 * GiB}},
		LongStage:     LongStageConfig{true, Grades{0.5, 0.65, 0.8, 0.9}, 120_000, 60_000},
	}
}

// fieldErr names a config path in an error.
func fieldErr(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", path, err)
}

// nonNeg checks an integer setting.
func nonNeg(path string, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s: %d is negative", path, v)
	}
	return nil
}

// positive checks an integer setting that must be above zero.
func positive(path string, v int64) error {
	if v <= 0 {
		return fmt.Errorf("%s: %d, want > 0", path, v)
	}
	return nil
}

// fraction checks a setting in [0, 1] (open at 0 when open is set).
func fraction(path string, v float64, open bool) error {
	if math.IsNaN(v) || v < 0 || v > 1 || (open && v == 0) {
		return fmt.Errorf("%s: %v, want a fraction in (0, 1]", path, v)
	}
	return nil
}

func (d DetectorConfig) validate() error {
	const p = "detectors."
	return errors.Join(
		fieldErr(p+"task_skew.grades", d.TaskSkew.Grades.validate(false)),
		nonNeg(p+"task_skew.min_tasks", d.TaskSkew.MinTasks),
		nonNeg(p+"task_skew.min_max_task_ms", d.TaskSkew.MinMaxTaskMS),
		fraction(p+"task_skew.min_stage_share", d.TaskSkew.MinStageShare, false),
		fieldErr(p+"shuffle_skew.grades", d.ShuffleSkew.Grades.validate(false)),
		nonNeg(p+"shuffle_skew.min_bytes", d.ShuffleSkew.MinBytes),
		fieldErr(p+"spill.grades", d.Spill.Grades.validate(false)),
		nonNeg(p+"spill.min_disk_spill_bytes", d.Spill.MinDiskSpillByte),
		fieldErr(p+"gc_pressure.grades", d.GCPressure.Grades.validate(false)),
		fraction(p+"gc_pressure.grades[critical]", d.GCPressure.Grades.at(Critical), false),
		nonNeg(p+"gc_pressure.min_run_time_ms", d.GCPressure.MinRunTimeMS),
		nonNeg(p+"gc_pressure.min_stage_run_time_ms", d.GCPressure.MinStageRunMS),
		fieldErr(p+"executor_loss.grades", d.ExecutorLoss.Grades.validate(false)),
		fieldErr(p+"fetch_failure.grades", d.FetchFailure.Grades.validate(false)),
		fieldErr(p+"fetch_failure.retry_grades", d.FetchFailure.RetryGrades.validate(false)),
		fieldErr(p+"task_failures.grades", d.TaskFailures.Grades.validate(false)),
		fraction(p+"task_failures.grades[critical]", d.TaskFailures.Grades.at(Critical), false),
		nonNeg(p+"task_failures.min_tasks", d.TaskFailures.MinTasks),
		fieldErr(p+"tiny_tasks.grades", d.TinyTasks.Grades.validate(false)),
		nonNeg(p+"tiny_tasks.max_median_ms", d.TinyTasks.MaxMedianMS),
		positive(p+"tiny_tasks.target_partition_bytes", d.TinyTasks.TargetPartitionBytes),
		fieldErr(p+"under_parallel.grades", d.UnderParallel.Grades.validate(false)),
		nonNeg(p+"under_parallel.min_stage_ms", d.UnderParallel.MinStageMS),
		positive(p+"under_parallel.target_partition_bytes", d.UnderParallel.TargetPartitionBytes),
		fieldErr(p+"idle_executors.grades", d.IdleExecutors.Grades.validate(true)),
		fraction(p+"idle_executors.grades[low]", d.IdleExecutors.Grades.at(Low), false),
		nonNegF(p+"idle_executors.min_core_hours", d.IdleExecutors.MinCoreHours),
		fraction(p+"idle_executors.target_utilization", d.IdleExecutors.TargetUtilization, true),
		fieldErr(p+"driver_bound.grades", d.DriverBound.Grades.validate(false)),
		fraction(p+"driver_bound.grades[critical]", d.DriverBound.Grades.at(Critical), false),
		nonNeg(p+"driver_bound.min_duration_ms", d.DriverBound.MinDurationMS),
		fieldErr(p+"large_result.grades", d.LargeResult.Grades.validate(false)),
		fieldErr(p+"long_stage.grades", d.LongStage.Grades.validate(false)),
		fraction(p+"long_stage.grades[critical]", d.LongStage.Grades.at(Critical), false),
		nonNeg(p+"long_stage.min_median_task_ms", d.LongStage.MinMedianTaskMS),
		positive(p+"long_stage.target_task_ms", d.LongStage.TargetTaskMS),
	)
}

// nonNegF checks a float setting is finite and ≥ 0.
func nonNegF(path string, v float64) error {
	if !finite(v) || v < 0 {
		return fmt.Errorf("%s: %v, want a finite number >= 0", path, v)
	}
	return nil
}
