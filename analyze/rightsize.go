package analyze

import (
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/analyze/simulate"
	"github.com/sparkmine/sparkmine/extract"
)

// RightsizeConfig configures the right-sizing simulation (Rightsize) and
// its oversized and undersized findings (detector rightsize).
//
// The recommended configuration is the cheapest simulated one whose
// estimate stays within Slowdown (default 0.10) of the estimate at the
// app's own configuration, or under the app's SLA when SLAs names it (by
// its job key, apps.job_key, so every run of a recurring job shares one
// SLA; or by its exact app name; in ms). Comparing estimates with estimates cancels the replay's
// own bias; the saving is the cost model's price of the app scaled by the
// simulated cost ratio. An oversized finding needs a saving of at least
// MinSavingShare (0.2) of the app's cost; an undersized one a configuration
// at most Slowdown dearer that is at least UndersizedGain (0.3) faster. The
// simulation is trusted when its estimate at the app's own configuration is
// within MaxError (0.25) of the real duration, the log is complete and
// allocation was static; an oversized finding on an untrusted simulation
// is low and says why. The switch turns the findings off; the simulation
// (the simulations table, the apps columns) always runs.
type RightsizeConfig struct {
	Switch         `yaml:",inline"`
	Slowdown       float64          `yaml:"slowdown" check:"nonneg" doc:"the slowdown a cheaper configuration may add to the estimate at the app's own"`
	SLAs           map[string]int64 `yaml:"slas" doc:"longest acceptable duration per job key (apps.job_key) or app name, ms (replaces slowdown for that job; ≤ 0 is ignored)"`
	MaxError       float64          `yaml:"max_error" check:"open_fraction" doc:"largest |replay − actual| ÷ actual at the app's own configuration for a trusted simulation"`
	MinSavingShare float64          `yaml:"min_saving_share" check:"open_fraction" doc:"share of the app's cost an oversized finding must save"`
	UndersizedGain float64          `yaml:"undersized_gain" check:"open_fraction" doc:"how much faster, for about the same cost, an undersized finding needs"`
	GridPoints     int64            `yaml:"grid_points" check:"positive" doc:"executor counts tried per cores value (every count when fewer)"`
}

func (RightsizeConfig) defaults() detectorConfig {
	return RightsizeConfig{Switch: enabled, Slowdown: 0.10, MaxError: 0.25, MinSavingShare: 0.2, UndersizedGain: 0.3, GridPoints: 40}
}

func (c RightsizeConfig) detector() Detector { return rightsizer{c: c} }

// Rightsizing is an app's right-sizing: the simulation, its rows, and the
// configuration it recommends. The diagnosis's reference information and
// the report read it.
type Rightsizing struct {
	Sim        *simulate.Result
	Rows       []SimulationRow // one per simulated configuration
	Best       simulate.Point  // the recommended configuration (the app's own when none is cheaper)
	ActualCost float64         // the simulated cost at the app's own configuration
	BestCost   float64         // the simulated cost at Best
	LimitMS    int64           // the slowest estimate accepted
	SavingUSD  float64         // the app's cost × (1 − BestCost ÷ ActualCost)
	AppCostUSD float64         // the app's cost in the cost model
}

// Rightsize simulates the app over executor configurations and picks the
// cheapest within the slowdown or SLA (its job key taken with the default
// job key settings). It returns nil when the app cannot be replayed. It
// does not change app.
func Rightsize(app *extract.App, rc RightsizeConfig, cc CostConfig) *Rightsizing {
	return rightsizeJob(app, rc, cc, history.JobKey(app.Row.AppName, app.Conf, history.DefaultKeyConfig()))
}

// rightsizeJob is Rightsize for an app of the job jobKey.
func rightsizeJob(app *extract.App, rc RightsizeConfig, cc CostConfig, jobKey string) *Rightsizing {
	m := simulate.FromApp(app)
	sim := simulate.Simulate(m, simulate.Options{MaxError: rc.MaxError, GridPoints: int(rc.GridPoints)})
	if sim == nil {
		return nil
	}
	rs := &Rightsizing{Sim: sim, LimitMS: limitMS(app, jobKey, rc, sim), AppCostUSD: cc.AppCost(app.Row).AllocatedUSD}
	rs.ActualCost = pointCost(app, cc, sim.Static)
	rs.Best, rs.BestCost = sim.Static, rs.ActualCost
	for _, p := range sim.Points {
		c := pointCost(app, cc, p)
		rs.Rows = append(rs.Rows, simRow(app, p, c, sim.Actual))
		if p.DurationMS <= rs.LimitMS && c < rs.BestCost {
			rs.Best, rs.BestCost = p, c
		}
	}
	for i := range rs.Rows {
		rs.Rows[i].Rightsized = rs.Rows[i].Executors == rs.Best.Executors && rs.Rows[i].ExecutorCores == rs.Best.Cores
	}
	rs.SavingUSD = pos(rs.AppCostUSD * (1 - ratio(rs.BestCost, rs.ActualCost)))
	if rs.ActualCost <= 0 {
		rs.SavingUSD = 0
	}
	return rs
}

// limitMS is the slowest estimate a configuration may have: the SLA of
// the app's job (by job key, else by app name) when configured, else the
// estimate at its own configuration plus the slowdown.
func limitMS(app *extract.App, jobKey string, rc RightsizeConfig, sim *simulate.Result) int64 {
	for _, name := range []string{jobKey, app.Row.AppName} {
		if sla, ok := rc.SLAs[name]; ok && sla > 0 {
			return sla
		}
	}
	return int64(float64(sim.StaticMS) * (1 + rc.Slowdown))
}

// pointCost prices a simulated configuration with the cost model: its
// executors alive for the whole estimated duration, memory per core as
// the app's.
func pointCost(app *extract.App, c CostConfig, p simulate.Point) float64 {
	r := app.Row
	memPerCore := ratio(float64(r.ExecutorMemoryMB), float64(r.ExecutorCores))
	r.DurationMS = p.DurationMS
	r.ExecutorTimeMS = p.ExecutorTimeMS
	r.ExecutorLifetimeMS = p.Executors * p.DurationMS
	r.ExecutorMemoryMB = int64(memPerCore * float64(p.Cores))
	r.ExecutorCores = p.Cores
	return c.AppCost(r).AllocatedUSD
}

func simRow(app *extract.App, p simulate.Point, cost float64, actual simulate.Config) SimulationRow {
	return SimulationRow{
		AppID: app.Row.AppID, AttemptID: app.Row.AttemptID, RunID: app.Row.RunID,
		Executors: p.Executors, ExecutorCores: p.Cores, EstDurationMS: p.DurationMS,
		EstExecutorTimeMS: p.ExecutorTimeMS, EstCostUSD: clean(cost), EstUtilization: clean(p.Utilization),
		Actual: p.Config == actual,
	}
}

// Fill sets an app's right-sizing columns (none for nil).
func (rs *Rightsizing) Fill(r *AppResult) {
	if rs == nil {
		return
	}
	s := rs.Sim
	cp, ideal, est := s.CriticalPathMS, s.IdealMS, s.ActualMS
	simErr := clean(s.Error)
	e, c := rs.Best.Executors, rs.Best.Cores
	saving := clean(rs.SavingUSD)
	cost := pos(rs.AppCostUSD - saving)
	r.CriticalPathMS, r.IdealDurationMS, r.SimDurationMS, r.SimError = &cp, &ideal, &est, &simErr
	r.RightsizedExecutors, r.RightsizedExecutorCores = &e, &c
	r.RightsizedCostUSD, r.RightsizeSavingUSD = &cost, &saving
}

// RightsizeReference is the right-sizing in the compact form the
// diagnosis's reference information carries: the bounds, the replay's
// accuracy and whether to trust it, the app's configuration and the
// recommended one, and a few points of the curve.
type RightsizeReference struct {
	CriticalPathMS  int64                `json:"critical_path_ms"`  // longest chain of stages at their longest task, plus driver time
	IdealDurationMS int64                `json:"ideal_duration_ms"` // total task time ÷ slots, plus driver time
	DriverMS        int64                `json:"driver_ms"`
	SimDurationMS   int64                `json:"sim_duration_ms"` // the replay of the app as it ran
	SimError        float64              `json:"sim_error"`
	Untrusted       string               `json:"untrusted,omitempty"` // why not to act on it
	Actual          SimConfigReference   `json:"actual"`
	Rightsized      SimConfigReference   `json:"rightsized"`
	SavingUSD       float64              `json:"rightsize_saving_usd"`
	Curve           []SimConfigReference `json:"curve"` // at the app's cores per executor: ¼, ½, 1, 2, 4 × its executors
}

// SimConfigReference is one simulated configuration.
type SimConfigReference struct {
	Executors     int64   `json:"executors"`
	ExecutorCores int64   `json:"executor_cores"`
	EstDurationMS int64   `json:"est_duration_ms"`
	EstCostUSD    float64 `json:"est_cost_usd"`
}

// Reference returns the right-sizing for the diagnosis's reference
// information (nil for nil).
func (rs *Rightsizing) Reference() *RightsizeReference {
	if rs == nil {
		return nil
	}
	s := rs.Sim
	out := &RightsizeReference{
		CriticalPathMS: s.CriticalPathMS, IdealDurationMS: s.IdealMS, DriverMS: s.DriverMS,
		SimDurationMS: s.ActualMS, SimError: clean(s.Error), Untrusted: s.Untrusted, SavingUSD: clean(rs.SavingUSD),
		Actual:     SimConfigReference{s.Actual.Executors, s.Actual.Cores, s.StaticMS, clean(rs.ActualCost)},
		Rightsized: SimConfigReference{rs.Best.Executors, rs.Best.Cores, rs.Best.DurationMS, clean(rs.BestCost)},
	}
	want := map[int64]bool{}
	for _, f := range []int64{1, 2, 4, 8, 16} {
		want[s.Actual.Executors*f/4] = true
	}
	for _, r := range rs.Rows {
		if r.ExecutorCores == s.Actual.Cores && want[r.Executors] {
			out.Curve = append(out.Curve, SimConfigReference{r.Executors, r.ExecutorCores, r.EstDurationMS, r.EstCostUSD})
		}
	}
	return out
}
