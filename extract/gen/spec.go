package gen

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Spec describes the application to generate. Zero fields take defaults
// derived from Seed (see the field comments), so Spec{Seed: n} is a small,
// clean, realistic app.
type Spec struct {
	Seed int64

	AppID   string // default "application_<clusterStartMs>_<seq>" from Seed
	AppName string // default a name like "etl_orders_daily" from Seed
	User    string // default "hadoop"
	Queue   string // default "default"

	// Start is the application start. Default 2026-11-02T01:00:00Z plus a
	// Seed-derived offset of up to six hours.
	Start time.Time

	Executors        int // default 10
	ExecutorCores    int // default 4
	ExecutorMemoryMB int // default 8192

	Stages        int // default 6; stages are grouped into jobs of 1-3 stages
	TasksPerStage int // default 200; total tasks = Stages×TasksPerStage for a clean Spec

	// PlanBytes is the size of each SQL physicalPlanDescription; 0 gives a
	// small plan (about 2 KB).
	PlanBytes int
	// SQLQueries is the number of SQL executions the jobs are spread over:
	// 0 puts every job in its own SQL execution, a negative value makes an
	// RDD-only app with no SQL events.
	SQLQueries int

	// Incomplete leaves out ApplicationEnd, as in an in-progress log.
	Incomplete bool

	Anomalies Anomalies

	MedianTaskMS        int64 // default 2500
	InputBytesPerTask   int64 // default 128 MiB (scan stages)
	ShuffleBytesPerTask int64 // default 48 MiB (shuffle read per reduce task)
}

// Anomalies to plant. Each zero value is off; a larger value gives a
// stronger anomaly. AnomalyStages reports the stages each one lands in.
type Anomalies struct {
	TaskSkew      float64 // one task of a stage runs TaskSkew × the stage's median duration
	ShuffleSkew   float64 // one task reads ShuffleSkew × the median shuffle bytes, and over 256 MiB
	Spill         float64 // memory spill ÷ the stage's data volume, with disk spill
	GCPressure    float64 // GC time ÷ run time in a stage (e.g. 0.1..0.4)
	ExecutorLoss  int     // executors killed (YARN memory limit, OOM), their running tasks lost
	FetchFailures int     // FetchFailed task ends; the stage and its parent are re-attempted
	TaskFailures  float64 // fraction of a stage's tasks failing once with an exception
	FailedJob     bool    // the last job fails (a task fails 4 times); exit code 1
	TinyTasks     bool    // a stage with very many tasks of ~12 ms median
	UnderParallel bool    // a long stage with fewer tasks than cores, reading a huge shuffle
	IdleExecutors float64 // fraction of allocated core-time left idle (0.5..0.95)
	DriverBound   float64 // fraction of wall time with no job running (0.3..0.8)
	LargeResult   int64   // total task Result Size bytes collected to the driver in a stage
	LongStage     bool    // one stage takes most of the app's time with long tasks
}

// Stats describes what Write wrote.
type Stats struct {
	Lines, Tasks, Stages, Jobs int64
	Bytes                      int64 // uncompressed bytes, newlines included
	Start, End                 time.Time
}

var appNames = []string{
	"etl_orders_daily", "sessionize_clickstream_hourly", "build_customer_360",
	"inventory_snapshot_daily", "fraud_features_hourly", "ads_attribution_daily",
	"payments_reconcile_daily", "search_logs_compaction", "recommendations_train_weekly",
	"shipments_sla_report", "user_events_dedup", "ledger_rollup_daily",
}

var defaultStart = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

// withDefaults returns s with every zero field filled in.
func (s Spec) withDefaults() Spec {
	r := rand.New(rand.NewPCG(uint64(s.Seed), 0x5eed))
	if s.Start.IsZero() {
		s.Start = defaultStart.Add(time.Duration(r.IntN(6*3600)) * time.Second)
	} else {
		r.IntN(1)
	}
	if s.AppID == "" {
		cluster := s.Start.Add(-time.Duration(1+r.IntN(30*24*3600)) * time.Second).UnixMilli()
		s.AppID = fmt.Sprintf("application_%d_%04d", cluster, 1+r.IntN(9999))
	}
	if s.AppName == "" {
		s.AppName = appNames[r.IntN(len(appNames))]
	}
	defStr(&s.User, "hadoop")
	defStr(&s.Queue, "default")
	defInt(&s.Executors, 10)
	defInt(&s.ExecutorCores, 4)
	defInt(&s.ExecutorMemoryMB, 8192)
	defInt(&s.Stages, 6)
	defInt(&s.TasksPerStage, 200)
	def64(&s.MedianTaskMS, 2500)
	def64(&s.InputBytesPerTask, 128<<20)
	def64(&s.ShuffleBytesPerTask, 48<<20)
	return s
}

func defStr(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func defInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func def64(p *int64, v int64) {
	if *p == 0 {
		*p = v
	}
}

// validate reports the first impossible value of a defaulted Spec.
func (s Spec) validate() error {
	a := s.Anomalies
	switch {
	case s.Executors < 1 || s.ExecutorCores < 1 || s.ExecutorMemoryMB < 512:
		return errors.New("gen: executors, cores must be ≥ 1 and executor memory ≥ 512 MB")
	case s.Stages < 1 || s.TasksPerStage < 1:
		return errors.New("gen: stages and tasks per stage must be ≥ 1")
	case s.MedianTaskMS < 20 || s.InputBytesPerTask < 0 || s.ShuffleBytesPerTask < 0:
		return errors.New("gen: median task time must be ≥ 20 ms and byte sizes ≥ 0")
	case s.PlanBytes < 0:
		return errors.New("gen: plan bytes must be ≥ 0")
	case a.TaskSkew < 0 || a.ShuffleSkew < 0 || a.Spill < 0 || a.GCPressure < 0 || a.GCPressure > 0.9:
		return errors.New("gen: skew and spill must be ≥ 0, GC pressure in [0, 0.9]")
	case a.TaskFailures < 0 || a.TaskFailures > 0.9 || a.ExecutorLoss < 0 || a.FetchFailures < 0:
		return errors.New("gen: task failure rate must be in [0, 0.9], counts ≥ 0")
	case a.IdleExecutors < 0 || a.IdleExecutors >= 1 || a.DriverBound < 0 || a.DriverBound >= 1:
		return errors.New("gen: idle executors and driver-bound fractions must be in [0, 1)")
	case a.LargeResult < 0:
		return errors.New("gen: large result must be ≥ 0")
	}
	return nil
}
