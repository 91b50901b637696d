package analyze

import (
	"fmt"
	"math"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

const (
	keyDynAlloc        = "spark.dynamicAllocation.enabled"
	keyDynMax          = "spark.dynamicAllocation.maxExecutors"
	keyShuffleTracking = "spark.dynamicAllocation.shuffleTracking.enabled"
	keyInstances       = "spark.executor.instances"
	keyMaxResultSize   = "spark.driver.maxResultSize"
	keyDriverMem       = "spark.driver.memory"
)

// idleExecutors (idle_executors) flags over-provisioned apps: utilization =
// task_time_ms ÷ executor_time_ms (used ÷ allocated core-time), graded on a
// descending list 0.5/0.35/0.2/0.1 (Sparklens reports the same executor
// core-time utilization; at 0.5 half of what was paid for ran no task), when
// at least min_core_hours (1) were allocated. The detail states the wasted
// core-hours; Analyze prices them as the app's waste.
//
// Recommendation: without dynamic allocation, turn it on with maxExecutors
// sized to the peak concurrent demand (ceil(largest stage's tasks ÷ cores),
// at most the executors used) and shuffle tracking (or the shuffle service)
// so executors can be released; with it on, maxExecutors =
// ceil(executors × utilization ÷ target_utilization (0.7)); a fixed
// spark.executor.instances scaled the same way.
type idleExecutors struct{ c IdleExecutorsConfig }

// IdleExecutorsConfig configures idle_executors.
type IdleExecutorsConfig struct {
	Switch            `yaml:",inline"`
	Grades            Grades  `yaml:"grades" check:"descending,fraction" doc:"descending grades of utilization (used ÷ allocated core-time)"`
	MinCoreHours      float64 `yaml:"min_core_hours" check:"nonneg" doc:"allocated core-hours needed to judge"`
	TargetUtilization float64 `yaml:"target_utilization" check:"open_fraction" doc:"the utilization the proposed executor count aims at"`
}

func (IdleExecutorsConfig) defaults() detectorConfig {
	return IdleExecutorsConfig{Switch: enabled, Grades: Grades{0.5, 0.35, 0.2, 0.1}, MinCoreHours: 1, TargetUtilization: 0.7}
}

func (c IdleExecutorsConfig) detector() Detector { return idleExecutors{c} }

func (idleExecutors) Name() string { return "idle_executors" }

func (d idleExecutors) Detect(app *extract.App) []FindingRow {
	alloc := float64(app.Row.ExecutorTimeMS)
	coreH := alloc / msPerHour
	if alloc <= 0 || coreH < d.c.MinCoreHours {
		return nil
	}
	util := math.Min(1, ratio(float64(app.Row.TaskTimeMS), alloc))
	sev := d.c.Grades.desc(util)
	if sev == None {
		return nil
	}
	wasted := pos(alloc-float64(app.Row.TaskTimeMS)) / msPerHour
	f := appFinding(d.Name(), sev, d.c.Grades.scoreDesc(util), fmt.Sprintf("Executors busy %.0f%% of their allocated time", util*100))
	f.Detail = fmt.Sprintf("%.1f core-hours allocated to executors, %.1f used by tasks: %.1f core-hours idle (%d executors at peak, %d cores each).",
		coreH, coreH-wasted, wasted, app.Row.MaxExecutors, app.Row.ExecutorCores)
	f.Evidence = []Evidence{
		ev("utilization", util, d.c.Grades.at(sev)),
		ev("allocated_core_hours", coreH, d.c.MinCoreHours),
		ev("wasted_core_hours", wasted, 0),
	}
	f.Recommendations = d.recs(app, util)
	return []FindingRow{f}
}

func (d idleExecutors) recs(app *extract.App, util float64) []Recommendation {
	var rs []Recommendation
	execs := float64(app.Row.MaxExecutors)
	scaled := func(n float64) float64 { return math.Max(1, math.Ceil(n*util/d.c.TargetUtilization)) }
	if !isTrue(app, keyDynAlloc) {
		da := rec(app, keyDynAlloc, "true", "executors are requested when tasks wait and released when idle (with the maxExecutors and shuffle tracking below)")
		da.Alternative = "sizing"
		rs = append(rs, da)
		if peak := peakDemand(app); peak > 0 {
			rs = append(rs, rec(app, keyDynMax, propInt(keyDynMax, peak), "the largest stage's tasks need this many executors at once"))
		}
		if !isTrue(app, keyShuffleService) && !isTrue(app, keyShuffleTracking) {
			rs = append(rs, rec(app, keyShuffleTracking, "true", "lets dynamic allocation release executors without an external shuffle service"))
		}
		if n := float64(confInt(app, keyInstances, 0)); n > 0 && scaled(n) < n {
			fixed := rec(app, keyInstances, propInt(keyInstances, scaled(n)),
				fmt.Sprintf("keep a fixed count sized for %.0f%% utilization", d.c.TargetUtilization*100))
			fixed.Alternative = "sizing"
			rs = append(rs, fixed)
		}
		return rs
	}
	if execs > 0 && scaled(execs) < execs {
		rs = append(rs, rec(app, keyDynMax, propInt(keyDynMax, scaled(execs)),
			fmt.Sprintf("%.0f executors at %.0f%% utilization do the work of %.0f at %.0f%%", execs, util*100, scaled(execs), d.c.TargetUtilization*100)))
	}
	return rs
}

// peakDemand is the executors the largest stage could use at once:
// ceil(its tasks ÷ executor cores), at most the peak executors seen.
func peakDemand(app *extract.App) float64 {
	if app.Row.ExecutorCores <= 0 {
		return 0
	}
	var most int64
	for _, st := range app.Stages {
		most = max(most, st.Tasks)
	}
	n := math.Ceil(float64(most) / float64(app.Row.ExecutorCores))
	if app.Row.MaxExecutors > 0 {
		n = math.Min(n, float64(app.Row.MaxExecutors))
	}
	return n
}

// wastedCoreMS is allocated − used core-time.
func (idleExecutors) wastedCoreMS(app *extract.App, _ FindingRow) float64 {
	return pos(float64(app.Row.ExecutorTimeMS - app.Row.TaskTimeMS))
}

// driverBound (driver_bound) flags apps whose driver works alone: the share
// of wall time with no job running (driver_time_ms ÷ duration_ms), graded
// 0.3/0.5/0.7/0.85, for apps of at least min_duration_ms (5 min; in shorter
// apps start-up alone reaches these shares). Sparklens reports this
// driver-only time as the part of an app no executor count can speed up.
// Typical causes: collect() and driver-side Python or pandas, planning very
// large queries, listing many files, sleeps between jobs. No Spark setting
// fixes that, so there is no recommendation.
//
// An interactive session (spark-shell, pyspark, a Databricks or other
// notebook: see interactive) is not judged: there the time without a job
// is the user thinking between commands, not driver work; idle_executors
// prices what it holds.
type driverBound struct{ c DriverBoundConfig }

// DriverBoundConfig configures driver_bound.
type DriverBoundConfig struct {
	Switch        `yaml:",inline"`
	Grades        Grades `yaml:"grades" check:"ascending,fraction" doc:"grades of the share of wall time with no job running"`
	MinDurationMS int64  `yaml:"min_duration_ms" check:"nonneg" doc:"only apps at least this long (ms)"`
}

func (DriverBoundConfig) defaults() detectorConfig {
	return DriverBoundConfig{Switch: enabled, Grades: Grades{0.3, 0.5, 0.7, 0.85}, MinDurationMS: 300_000}
}

func (c DriverBoundConfig) detector() Detector { return driverBound{c} }

func (driverBound) Name() string { return "driver_bound" }

func (d driverBound) Detect(app *extract.App) []FindingRow {
	dur := app.Row.DurationMS
	if dur <= 0 || dur < d.c.MinDurationMS || interactive(app) {
		return nil
	}
	share := math.Min(1, ratio(float64(app.Row.DriverTimeMS), float64(dur)))
	sev := d.c.Grades.asc(share)
	if sev == None {
		return nil
	}
	f := appFinding(d.Name(), sev, d.c.Grades.scoreAsc(share), fmt.Sprintf("No job running %.0f%% of the time", share*100))
	f.Detail = fmt.Sprintf("For %s of the app's %s no Spark job ran: the driver worked alone (collects, driver-side code, planning, file listing) while executors waited.",
		mins(float64(app.Row.DriverTimeMS)), mins(float64(dur)))
	f.Evidence = []Evidence{
		ev("driver_time_share", share, d.c.Grades.at(sev)),
		ev("duration_ms", float64(dur), float64(d.c.MinDurationMS)),
	}
	return []FindingRow{f}
}

// wastedCoreMS is the executor core-time held during driver-only time, at
// most the app's idle core-time.
func (driverBound) wastedCoreMS(app *extract.App, _ FindingRow) float64 {
	held := float64(app.Row.DriverTimeMS) * float64(max(slots(app), 0))
	return math.Min(pos(held), pos(float64(app.Row.ExecutorTimeMS-app.Row.TaskTimeMS)))
}

// largeResult (large_result) flags stages that sent large results to the
// driver (result_size_bytes: collect(), toPandas(), broadcast building):
// graded 256 MiB/512 MiB/1 GiB/2 GiB, and at least severe once within 80 %
// of spark.driver.maxResultSize (default 1g; "0" means unlimited), where the
// next run with a little more data aborts with "Total size of serialized
// results ... is bigger than spark.driver.maxResultSize".
//
// Recommendation: spark.driver.maxResultSize = 2 × the result, rounded up to
// GiB, when the limit is below that; spark.driver.memory ≥ 2 × the result +
// 1 GiB, since the driver holds results deserialized. Better still is not
// collecting (write out, or aggregate on the executors).
type largeResult struct{ c LargeResultConfig }

// LargeResultConfig configures large_result.
type LargeResultConfig struct {
	Switch `yaml:",inline"`
	Grades Grades `yaml:"grades" check:"ascending" doc:"grades of a stage's result bytes sent to the driver"`
}

func (LargeResultConfig) defaults() detectorConfig {
	return LargeResultConfig{Switch: enabled, Grades: Grades{256 * MiB, 512 * MiB, 1 * GiB, 2 * GiB}}
}

func (c LargeResultConfig) detector() Detector { return largeResult{c} }

func (largeResult) Name() string { return "large_result" }

func (d largeResult) Detect(app *extract.App) []FindingRow {
	limit := int64(1 * GiB)
	if conf(app, keyMaxResultSize) == "0" {
		limit = 0
	} else {
		limit = confBytes(app, keyMaxResultSize, 1, limit)
	}
	var out []FindingRow
	for i := range app.Stages {
		st := &app.Stages[i]
		b := float64(st.ResultSizeBytes)
		sev := d.c.Grades.asc(b)
		if limit > 0 && b >= 0.8*float64(limit) {
			sev = max(sev, Severe)
		}
		if sev == None {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(b), fmt.Sprintf("Stage %d sent %s of results to the driver", st.StageID, gib(b)))
		f.Detail = fmt.Sprintf("Tasks of stage %d returned %s to the driver (spark.driver.maxResultSize %s); the driver holds all of it in memory.",
			st.StageID, gib(b), gib(float64(limit)))
		f.Evidence = []Evidence{
			ev("result_size_bytes", b, d.c.Grades.at(d.c.Grades.asc(b))),
			ev("max_result_size_bytes", float64(limit), 0),
		}
		f.Recommendations = resultRecs(app, b, limit)
		out = append(out, f)
	}
	return out
}

func resultRecs(app *extract.App, b float64, limit int64) []Recommendation {
	var rs []Recommendation
	want := math.Ceil(2*b/GiB) * GiB
	if limit > 0 && want > float64(limit) && want <= Properties[keyMaxResultSize].Max {
		rs = append(rs, rec(app, keyMaxResultSize, propMiB(keyMaxResultSize, want), "room for twice this result before the action aborts"))
	}
	cur := confBytes(app, keyDriverMem, MiB, max(app.Row.DriverMemoryMB, 0)*MiB)
	if cur <= 0 {
		cur = 1 * GiB
	}
	if need := math.Ceil((2*b+GiB)/GiB) * GiB; need > float64(cur) && need <= Properties[keyDriverMem].Max {
		rs = append(rs, rec(app, keyDriverMem, propMiB(keyDriverMem, need), "the driver holds collected results deserialized, about twice their size"))
	}
	return rs
}

// risk: a result near the limit foretells an abort or a driver out of
// memory, whatever it costs today.
func (largeResult) risk(*extract.App, FindingRow) bool { return true }

// wallMS is the time no job ran.
func (driverBound) wallMS(app *extract.App, _ FindingRow) float64 {
	return float64(app.Row.DriverTimeMS)
}

// interactive reports whether an app is an interactive session: named as
// Spark's shells and Databricks notebooks name theirs ("Spark shell",
// "PySparkShell", "Databricks Shell"), or running code typed at a REPL
// (call sites "<console>" in Scala's, "<stdin>" in Python's).
func interactive(app *extract.App) bool {
	if strings.Contains(strings.ToLower(app.Row.AppName), "shell") {
		return true
	}
	for _, st := range app.Stages {
		if strings.Contains(st.Name, "<console>") || strings.Contains(st.Name, "<stdin>") ||
			strings.Contains(st.CallSite, "<console>") || strings.Contains(st.CallSite, "<stdin>") {
			return true
		}
	}
	return false
}
