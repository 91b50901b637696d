package analyze

import (
	"math"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
)

func TestAppCost(t *testing.T) {
	// 10 core-hours and 2.5 executor-hours of 8 GiB (20 GiB-hours) allocated,
	// 5 core-hours used; a 1 h app with a 2-core, 4 GiB driver.
	row := extract.AppRow{ExecutorTimeMS: 36e6, ExecutorLifetimeMS: 9e6, ExecutorMemoryMB: 8192,
		TaskTimeMS: 18e6, DurationMS: 3.6e6, DriverCores: 2, DriverMemoryMB: 4096}
	withDriver := DefaultCostConfig()
	withDriver.IncludeDriver = true
	instance := DefaultCostConfig()
	instance.InstanceType = "m5.xlarge" // 0.24 USD/h: 0.042 per vCPU, 0.0045 per GiB
	tests := []struct {
		name string
		cfg  CostConfig
		row  extract.AppRow
		want Cost
	}{
		{"defaults", DefaultCostConfig(), row, Cost{CoreHours: 10, MemGiBHours: 20,
			ExecutorUSD: 0.51, AllocatedUSD: 0.51, UsedUSD: 0.255, WasteUSD: 0.255}},
		{"driver", withDriver, row, Cost{CoreHours: 10, MemGiBHours: 20,
			ExecutorUSD: 0.51, DriverUSD: 0.102, AllocatedUSD: 0.612, UsedUSD: 0.255, WasteUSD: 0.255}},
		{"instance type", instance, row, Cost{CoreHours: 10, MemGiBHours: 20,
			ExecutorUSD: 0.51, AllocatedUSD: 0.51, UsedUSD: 0.255, WasteUSD: 0.255}},
		{"zero row", DefaultCostConfig(), extract.AppRow{}, Cost{}},
		{"used above allocated", DefaultCostConfig(), extract.AppRow{ExecutorTimeMS: 3.6e6, TaskTimeMS: 7.2e6},
			Cost{CoreHours: 1, ExecutorUSD: 0.042, AllocatedUSD: 0.042, UsedUSD: 0.042}},
		{"negative", withDriver, extract.AppRow{ExecutorTimeMS: -5, ExecutorLifetimeMS: -1, ExecutorMemoryMB: -1,
			TaskTimeMS: -9, DurationMS: -1, DriverCores: -1, DriverMemoryMB: -1}, Cost{}},
		{"huge", DefaultCostConfig(), extract.AppRow{ExecutorTimeMS: math.MaxInt64, ExecutorLifetimeMS: math.MaxInt64,
			ExecutorMemoryMB: math.MaxInt64, TaskTimeMS: math.MaxInt64}, Cost{}}, // only finiteness is checked
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.AppCost(tt.row)
			for _, x := range []float64{got.CoreHours, got.MemGiBHours, got.AllocatedUSD, got.UsedUSD, got.WasteUSD, got.DriverUSD, got.ExecutorUSD} {
				if !finite(x) || x < 0 {
					t.Fatalf("%+v has a negative or non-finite number", got)
				}
			}
			if tt.name == "huge" {
				return
			}
			g, w := got, tt.want
			for _, p := range [][2]float64{{g.CoreHours, w.CoreHours}, {g.MemGiBHours, w.MemGiBHours}, {g.ExecutorUSD, w.ExecutorUSD},
				{g.AllocatedUSD, w.AllocatedUSD}, {g.UsedUSD, w.UsedUSD}, {g.WasteUSD, w.WasteUSD}, {g.DriverUSD, w.DriverUSD}} {
				if math.Abs(p[0]-p[1]) > 1e-9 {
					t.Fatalf("got %+v\nwant %+v", got, tt.want)
				}
			}
		})
	}
}

func TestCoreHourAndLLMCost(t *testing.T) {
	c := DefaultCostConfig()
	// 8 GiB over 4 cores: 0.042 + 2 × 0.0045.
	if got := c.CoreHourUSD(extract.AppRow{ExecutorCores: 4, ExecutorMemoryMB: 8192}); math.Abs(got-0.051) > 1e-12 {
		t.Errorf("core-hour %v, want 0.051", got)
	}
	if got := c.CoreHourUSD(extract.AppRow{}); got != 0.042 {
		t.Errorf("core-hour without cores %v, want the vCPU rate", got)
	}
	// 1M input tokens at 0.30 + 200k output at 2.50 per million.
	if got := c.LLMCostUSD(1_000_000, 200_000); math.Abs(got-0.80) > 1e-12 {
		t.Errorf("llm cost %v, want 0.80", got)
	}
}

func TestAnalyzeAppResult(t *testing.T) {
	app := &extract.App{Row: extract.AppRow{AppID: "a", AttemptID: "2", RunID: "r", AppName: "n",
		ExecutorTimeMS: 36e6, ExecutorLifetimeMS: 9e6, ExecutorMemoryMB: 8192, TaskTimeMS: 3.6e6,
		DurationMS: 3.6e6, ExecutorCores: 4, MaxExecutors: 2}}
	before := app.Row
	fs, r := Analyze(app, DefaultConfig())
	// utilization 0.1: idle_executors, the only finding; critical evidence
	// and 90 % of the cost, but 0.46 USD (under severe_usd 1): moderate.
	if len(fs) != 1 || fs[0].Detector != "idle_executors" || fs[0].Severity != "moderate" {
		t.Fatalf("findings %s", dump(fs))
	}
	f := fs[0]
	if f.AppID != "a" || f.AttemptID != "2" || f.RunID != "r" || f.AppName != "n" || f.StageID != nil {
		t.Errorf("identity not filled: %+v", f)
	}
	// 9 idle core-hours × 0.051 USD.
	if math.Abs(f.EstWasteUSD-0.459) > 1e-9 {
		t.Errorf("est_waste_usd %v, want 0.459", f.EstWasteUSD)
	}
	if app.Row != before {
		t.Errorf("Analyze changed its input: %+v", app.Row)
	}
	// 10 × 0.042 + 20 × 0.0045 = 0.51; used 0.042 + 20 × 0.1 × 0.0045 = 0.051.
	if r.Findings != 1 || r.MaxSeverity != "moderate" || math.Abs(r.EstCostUSD-0.51) > 1e-9 || math.Abs(r.EstWasteUSD-0.459) > 1e-9 {
		t.Errorf("app row %+v", r)
	}
	if fs, r := Analyze(nil, DefaultConfig()); fs != nil || r != (AppResult{}) {
		t.Error("nil app gave findings")
	}
	if fs, r := Analyze(&extract.App{}, DefaultConfig()); len(fs) != 0 || r.MaxSeverity != "" || r.Findings != 0 {
		t.Errorf("empty app: %v %+v", fs, r)
	}
}

// A stage finding carries its stage's SQL execution; an app-level one none.
func TestFindingExecutionID(t *testing.T) {
	exec := int64(42)
	app := &extract.App{Row: extract.AppRow{AppID: "a", DurationMS: 3_600_000},
		Conf: map[string]string{"spark.sql.shuffle.partitions": "5000"},
		Stages: []extract.StageRow{{StageID: 6, Tasks: 5000, QuantileTasks: 5000, DurationMS: 60_000,
			ShuffleReadBytes: 2 << 30, TaskDurationMSP50: 20, TaskRunTimeMSP50: 8, SQLExecutionID: &exec}}}
	cfg := DefaultConfig()
	cfg.Impact.Enabled = false
	fs, _ := Analyze(app, cfg)
	if len(fs) != 1 || fs[0].ExecutionID == nil || *fs[0].ExecutionID != 42 {
		t.Fatalf("findings %s, want one tiny_tasks finding of execution 42", dump(fs))
	}
}
