package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/extract/gen"
)

// parseAnomalies reads "task_skew=8,spill=0.3,tiny_tasks" into a.
func parseAnomalies(list string, a *gen.Anomalies) error {
	if list == "" {
		return nil
	}
	for _, item := range strings.Split(list, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(item), "=")
		if err := setAnomaly(a, name, val); err != nil {
			return fmt.Errorf("bad -anomaly %q: %w", item, err)
		}
	}
	return nil
}

func setAnomaly(a *gen.Anomalies, name, val string) error {
	floats := map[string]*float64{
		"task_skew": &a.TaskSkew, "shuffle_skew": &a.ShuffleSkew, "spill": &a.Spill,
		"gc_pressure": &a.GCPressure, "task_failures": &a.TaskFailures,
		"idle_executors": &a.IdleExecutors, "driver_bound": &a.DriverBound,
	}
	ints := map[string]*int{"executor_loss": &a.ExecutorLoss, "fetch_failures": &a.FetchFailures}
	bools := map[string]*bool{
		"failed_job": &a.FailedJob, "tiny_tasks": &a.TinyTasks,
		"under_parallel": &a.UnderParallel, "long_stage": &a.LongStage,
	}
	var err error
	switch {
	case floats[name] != nil:
		*floats[name], err = strconv.ParseFloat(val, 64)
	case ints[name] != nil:
		*ints[name], err = strconv.Atoi(val)
	case bools[name] != nil:
		*bools[name] = true
		if val != "" {
			*bools[name], err = strconv.ParseBool(val)
		}
	case name == "large_result":
		a.LargeResult, err = parseBytes(val)
	default:
		return fmt.Errorf("unknown anomaly %q", name)
	}
	return err
}

// parseBytes reads a size like 128m, 2g, 4096 or 10k (binary units).
func parseBytes(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		}
		if mult > 1 {
			s = s[:n-1]
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("want a positive size like 128m, got %q", s)
	}
	return v * mult, nil
}
