package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/plan"
)

// The property test runs every detector over many random app models, from
// empty to absurd (zeros, negatives, huge counts, NaN quantiles, junk
// config values), and checks what must hold for any input: every number a
// finding carries is finite, every severity is a real grade, every
// recommendation names a catalogued property with a value inside its range
// and reports the app's current value.

var (
	interestingInts   = []int64{0, 0, 1, 2, 10, 100, 1000, 60_000, 3_600_000, 1 << 30, 1 << 40, math.MaxInt64 / 4, math.MaxInt64, -1}
	interestingFloats = []float64{0, 0, 1, 5, 50, 30_000, 3e5, 1 << 30, 1e18, 1e300, -1, math.NaN(), math.Inf(1)}
	confValues        = []string{"", "", "0", "1", "-5", "true", "false", "abc", "4g", "512m", "100000", "9223372036854775807",
		"1000000000t", "0.6", "0.95", "5s", "1h", "120", "3.1", "99999999999g"}
	versions = []string{"", "3.5.1", "3.1.2", "2.4.8", "x.y", "3.3.0-amzn-1"}
)

func pickInt(r *rand.Rand) int64 {
	if r.IntN(3) == 0 {
		return r.Int64N(10_000_000)
	}
	return interestingInts[r.IntN(len(interestingInts))]
}

func pickFloat(r *rand.Rand) float64 {
	if r.IntN(3) == 0 {
		return r.Float64() * 1e7
	}
	return interestingFloats[r.IntN(len(interestingFloats))]
}

func randomApp(r *rand.Rand) *extract.App {
	app := &extract.App{Row: extract.AppRow{AppID: "app", SparkVersion: versions[r.IntN(len(versions))]}, Conf: map[string]string{}}
	fillInts(r, &app.Row.DurationMS, &app.Row.Jobs, &app.Row.FailedJobs, &app.Row.Tasks, &app.Row.FailedTasks,
		&app.Row.MaxExecutors, &app.Row.ExecutorCores, &app.Row.ExecutorMemoryMB, &app.Row.DriverCores, &app.Row.DriverMemoryMB,
		&app.Row.ExecutorTimeMS, &app.Row.ExecutorLifetimeMS, &app.Row.TaskTimeMS, &app.Row.JobTimeMS, &app.Row.DriverTimeMS,
		&app.Row.GCTimeMS, &app.Row.ResultSizeBytes)
	for k := range Properties {
		if r.IntN(3) == 0 {
			app.Conf[k] = confValues[r.IntN(len(confValues))]
		}
	}
	start := pickInt(r)
	app.Row.StartTime = &start
	for i := range r.IntN(6) {
		app.Stages = append(app.Stages, randomStage(r, int64(i)))
		d := make([]int64, r.IntN(400))
		fillInts(r, slicePtrs(d)...)
		app.StageTasks = append(app.StageTasks, extract.SketchDurations(d))
	}
	reasons := []string{"", "Executor killed by driver.", "Container killed by YARN for exceeding memory limits", "Executor heartbeat timed out", "Executor decommission.", "Command exited with code 1"}
	for i := range r.IntN(4) {
		app.Executors = append(app.Executors, extract.ExecutorRow{ExecutorID: fmt.Sprint(i), RemovedReason: reasons[r.IntN(len(reasons))]})
	}
	if r.IntN(4) == 0 {
		app.Jobs = append(app.Jobs, extract.Job{JobID: 1, Result: "JobFailed", FailureMessage: "boom"})
	}
	for i := range r.IntN(3) {
		app.SQL = append(app.SQL, randomQuery(r, int64(i)))
	}
	return app
}

// randomQuery is a query whose operators run in the random stages.
func randomQuery(r *rand.Rand, id int64) extract.SQLExecution {
	stages := func() []int64 { return []int64{int64(r.IntN(3))} }
	side := func() plan.Side { return plan.Side{Rows: pickInt(r), Bytes: pickInt(r)} }
	kinds := []string{plan.SortMerge, plan.BroadcastHash, plan.ShuffledHash, plan.BroadcastNestedLoop, plan.Cartesian}
	s := plan.Summary{Nodes: 10}
	for n := range r.IntN(3) {
		s.Joins = append(s.Joins, plan.Join{Node: n, Kind: kinds[r.IntN(len(kinds))], Name: "Join", Stages: stages(), Left: side(), Right: side()})
		s.Exchanges = append(s.Exchanges, plan.Exchange{Node: n + 3, Broadcast: r.IntN(2) == 0, Stages: stages(), Bytes: pickInt(r), Rows: pickInt(r)})
		s.Scans = append(s.Scans, plan.Scan{Node: n + 6, Format: "parquet", Table: "t", Stages: stages(), Files: pickInt(r),
			Bytes: pickInt(r), Partitioned: r.IntN(2) == 0, PartitionFilters: r.IntN(2) == 0})
	}
	s.AQE.SkewSplits = int64(r.IntN(2))
	return extract.SQLExecution{ExecutionID: id, Operators: s}
}

func randomStage(r *rand.Rand, id int64) extract.StageRow {
	st := extract.StageRow{StageID: id / 2, StageAttemptID: id % 2, Status: []string{"COMPLETE", "FAILED", ""}[r.IntN(3)]}
	fillInts(r, &st.Tasks, &st.QuantileTasks, &st.FailedTasks, &st.FetchFailures, &st.ExecutorLostFailures, &st.DurationMS,
		&st.ExecutorRunTimeMS, &st.GCTimeMS, &st.ResultSizeBytes, &st.InputBytes, &st.OutputBytes, &st.ShuffleReadBytes,
		&st.ShuffleWriteBytes, &st.MemorySpilledBytes, &st.DiskSpilledBytes)
	fillFloats(r, &st.TaskDurationMSP50, &st.TaskDurationMSP75, &st.TaskDurationMSMax, &st.TaskRunTimeMSP50,
		&st.TaskShuffleReadBytesP50, &st.TaskShuffleReadBytesMax, &st.TaskSpillBytesMax, &st.DurationSkew, &st.ShuffleSkew)
	return st
}

func slicePtrs(d []int64) []*int64 {
	ps := make([]*int64, len(d))
	for i := range d {
		ps[i] = &d[i]
	}
	return ps
}

func fillInts(r *rand.Rand, ps ...*int64) {
	for _, p := range ps {
		*p = pickInt(r)
	}
}

func fillFloats(r *rand.Rand, ps ...*float64) {
	for _, p := range ps {
		*p = pickFloat(r)
	}
}

// lowConfig makes every detector fire as readily as validation allows, so
// the random apps reach the recommendation code often.
func lowConfig() Config {
	c := DefaultConfig()
	d := &c.Detectors
	low := Grades{0.001, 0.002, 0.003, 0.004}
	for _, g := range []*Grades{&d.TaskSkew.Grades, &d.ShuffleSkew.Grades, &d.Spill.Grades, &d.GCPressure.Grades,
		&d.ExecutorLoss.Grades, &d.FetchFailure.Grades, &d.TaskFailures.Grades, &d.TinyTasks.Grades,
		&d.UnderParallel.Grades, &d.DriverBound.Grades, &d.LargeResult.Grades, &d.LongStage.Grades} {
		*g = low
	}
	d.IdleExecutors.Grades = Grades{0.999, 0.99, 0.98, 0.97}
	d.TaskSkew.MinTasks, d.TaskSkew.MinMaxTaskMS, d.TaskSkew.MinStageShare = 0, 0, 0
	d.ShuffleSkew.MinBytes, d.Spill.MinDiskSpillByte = 0, 0
	d.GCPressure.MinRunTimeMS, d.GCPressure.MinStageRunMS = 0, 0
	d.TaskFailures.MinTasks, d.TinyTasks.MaxMedianMS = 0, math.MaxInt64
	d.UnderParallel.MinStageMS, d.IdleExecutors.MinCoreHours = 0, 0
	d.DriverBound.MinDurationMS, d.LongStage.MinMedianTaskMS = 0, 0
	d.LongStage.TargetTaskMS = 1
	d.SkewedJoin.SkewFactor, d.SkewedJoin.SkewMinBytes, d.SmallFiles.SmallFilesMin = 1, 1, 1
	d.NoPartitionPruning.UnprunedMinBytes, d.NestedLoopJoin.NestedLoopMinPairs = 1, 1
	d.OversizedBroadcast.OversizedBroadcastBytes, d.OversizedBroadcast.OversizedBroadcastRows = 1, 1
	d.BroadcastCandidate.BroadcastCandidateBytes, d.SmallFiles.SmallFileBytes = math.MaxInt64, math.MaxInt64
	return c
}

// detectorOf names the detector of findings whose detector column is not
// the detector's name.
var detectorOf = map[string]string{detOversized: "rightsize", detUndersized: "rightsize"}

func TestPropertiesOfFindings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cfgs := []Config{DefaultConfig(), lowConfig()}
	if err := cfgs[1].Validate(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 4000 {
		app := randomApp(r)
		cfg := cfgs[i%2]
		fs, res := Analyze(app, cfg)
		for _, f := range fs {
			seen[f.Detector] = true
			seen[detectorOf[f.Detector]] = true
			checkFinding(t, app, f)
			for _, rc := range f.Recommendations {
				seen["rec:"+rc.Key] = true
			}
		}
		for _, x := range []float64{res.EstCostUSD, res.EstWasteUSD} {
			if !finite(x) || x < 0 {
				t.Fatalf("app row cost %v", x)
			}
		}
		checkWasteAddsUp(t, fs, res)
		if t.Failed() {
			t.Fatalf("app %d: %+v stages %+v conf %v", i, app.Row, app.Stages, app.Conf)
		}
	}
	for _, d := range Detectors(DefaultDetectorConfig()) {
		if !seen[d.Name()] {
			t.Errorf("detector %s never fired: the generator does not reach it", d.Name())
		}
	}
	for k := range Properties {
		if !seen["rec:"+k] {
			t.Logf("property %s never recommended", k)
		}
	}
}

// checkWasteAddsUp: per app, the findings' waste never exceeds the app's
// waste, which never exceeds its cost; finding ids are distinct.
func checkWasteAddsUp(t *testing.T, fs []FindingRow, res AppResult) {
	t.Helper()
	var sum float64
	ids := map[string]bool{}
	for _, f := range fs {
		sum += f.EstWasteUSD
		if ids[f.FindingID] || len(f.FindingID) != 32 {
			t.Errorf("%s: finding id %q repeated or malformed", f.Detector, f.FindingID)
		}
		ids[f.FindingID] = true
	}
	if sum > res.EstWasteUSD*(1+1e-9)+1e-12 || res.EstWasteUSD > res.EstCostUSD*(1+1e-9)+1e-12 {
		t.Errorf("findings waste %v, app waste %v, app cost %v: want findings <= waste <= cost", sum, res.EstWasteUSD, res.EstCostUSD)
	}
}

func checkFinding(t *testing.T, app *extract.App, f FindingRow) {
	t.Helper()
	if s, err := ParseSeverity(f.Severity); err != nil || s == None {
		t.Errorf("%s: severity %q", f.Detector, f.Severity)
	}
	if !finite(f.Score) || f.Score < 0 || !finite(f.EstWasteUSD) || f.EstWasteUSD < 0 {
		t.Errorf("%s: score %v waste %v", f.Detector, f.Score, f.EstWasteUSD)
	}
	for _, e := range f.Evidence {
		if !finite(e.Value) || !finite(e.Threshold) {
			t.Errorf("%s: evidence %+v", f.Detector, e)
		}
	}
	for _, rc := range f.Recommendations {
		if err := checkProposal(rc.Key, rc.Proposed); err != nil {
			t.Errorf("%s: %v", f.Detector, err)
		}
		if rc.Current != app.Conf[rc.Key] {
			t.Errorf("%s: %s current %q, conf %q", f.Detector, rc.Key, rc.Current, app.Conf[rc.Key])
		}
		if rc.Reason == "" {
			t.Errorf("%s: %s has no reason", f.Detector, rc.Key)
		}
	}
}

func TestCheckProposal(t *testing.T) {
	tests := []struct {
		key, value string
		ok         bool
	}{
		{"spark.sql.shuffle.partitions", "200", true},
		{"spark.sql.shuffle.partitions", "0", false},
		{"spark.sql.shuffle.partitions", "100001", false},
		{"spark.sql.shuffle.partitions", "2e3", false},
		{"spark.executor.memory", "6g", true},
		{"spark.executor.memory", "2048m", true},
		{"spark.executor.memory", "512m", false},
		{"spark.executor.memory", "1024", true}, // MiB without a unit
		{"spark.executor.memory", "600g", false},
		{"spark.driver.maxResultSize", "1024", false}, // bytes without a unit
		{"spark.driver.maxResultSize", "2g", true},
		{"spark.memory.fraction", "0.70", true},
		{"spark.memory.fraction", "1", false},
		{"spark.memory.fraction", "0", false},
		{"spark.dynamicAllocation.enabled", "true", true},
		{"spark.dynamicAllocation.enabled", "yes", false},
		{"spark.shuffle.io.retryWait", "15s", true},
		{"spark.shuffle.io.retryWait", "10min", false},
		{"spark.network.timeout", "300s", true},
		{"spark.network.timeout", "300", true}, // seconds without a unit
		{"spark.executor.memoryOverhead", "1536m", true},
		{"spark.not.a.property", "1", false},
	}
	for _, tt := range tests {
		if err := checkProposal(tt.key, tt.value); (err == nil) != tt.ok {
			t.Errorf("checkProposal(%s, %s) = %v, want ok %v", tt.key, tt.value, err, tt.ok)
		}
	}
}
