package report

import (
	"github.com/sparkmine/sparkmine/analyze"
	jobhist "github.com/sparkmine/sparkmine/analyze/history"
)

// Input is what a report is built from: the rows of the report week and of
// the earlier weeks its trends look at. Rows of other weeks are ignored.
type Input struct {
	Apps      []analyze.AppRecord
	Findings  []analyze.FindingRow
	Diagnoses []analyze.DiagnosisRow
	// Simulations are the right-sizing simulations (for the cost-versus-
	// duration charts); nil draws none.
	Simulations []analyze.SimulationRow
	// Outcomes are the outcomes rows of the report week (the advice
	// watched over each run); nil reports no advice.
	Outcomes []jobhist.OutcomeRow
}

// Report is the weekly cluster cost report. Money is in USD under the cost
// config given to Build.
type Report struct {
	Week  Week
	Prev  Week
	Rates Rates

	Totals     Totals
	PrevTotals Totals
	History    []WeekTotals // every week from the first with data to Week, oldest first
	Days       []DayCost    // the report week's seven days

	ByApp   []Group // recurring jobs: one job key
	ByUser  []Group
	ByQueue []Group // empty when no log named a queue

	TopFindings []Finding // by estimated waste, at most maxFindings
	LLM         LLM
	Trends      []Trend // growing jobs, soonest threshold first, at most maxTrends
	Failed      []FailedRun

	Rightsizing        []Rightsized // jobs by compute saved if right-sized, at most maxGroupRows
	RightsizeSavingUSD float64      // the week's total

	Advice      Advice       // does the advice pay
	Regressions []Regression // the week's regression findings, costliest first
}

// Rates are the prices the report was computed with.
type Rates struct {
	VCPUHourUSD, GiBHourUSD float64
	IncludeDriver           bool
	LLMInputPerMTokUSD      float64
	LLMOutputPerMTokUSD     float64
}

// Totals sum a set of application runs.
type Totals struct {
	Runs, Failed int
	Jobs         int // distinct app names
	CostUSD      float64
	UsedUSD      float64 // CostUSD − WasteUSD (executors' used part and the driver)
	WasteUSD     float64
	DriverUSD    float64
	CoreHours    float64
	MemGiBHours  float64
	TaskHours    float64 // used core-hours
}

// WasteShare returns WasteUSD ÷ CostUSD (0 with no cost).
func (t Totals) WasteShare() float64 { return ratio(t.WasteUSD, t.CostUSD) }

// WeekTotals are one week's totals.
type WeekTotals struct {
	Week Week
	Totals
}

// DayCost is one day's cost, split into used and waste.
type DayCost struct {
	Day               string // YYYY-MM-DD
	UsedUSD, WasteUSD float64
	Runs              int
}

// Group is the cost of the runs sharing a job name, user or queue.
type Group struct {
	Key          string
	Runs, Failed int
	CostUSD      float64
	WasteUSD     float64
	PrevRuns     int
	PrevCostUSD  float64
}

// Finding is one detector on one job over the week: its runs' findings of
// that detector summed.
type Finding struct {
	AppName  string
	Detector string
	Severity string // the worst of the week
	Runs     int    // runs with this finding
	WasteUSD float64
	// Title, AppID and Recommendations are those of the run whose finding
	// wasted most.
	Title           string
	AppID           string
	Recommendations []analyze.Recommendation
}

// LLM is what the week's diagnoses cost beside the waste they addressed.
type LLM struct {
	Calls        int            // diagnoses rows, every status
	ByStatus     map[string]int // rows per status
	InputTokens  int64
	OutputTokens int64
	CostUSD      float64 // tokens × the configured prices
	PrevCostUSD  float64
	// DiagnosedApps have an answer (status ok, cached or not);
	// AddressedWasteUSD is their waste.
	DiagnosedApps     int
	AddressedWasteUSD float64
}

// FailedRun is one run of the week that ended failed.
type FailedRun struct {
	AppName, AppID, AttemptID, User string
	End                             int64 // epoch ms
	DurationMS                      int64
	FailedJobs                      int64
	CostUSD                         float64
	MaxSeverity                     string
}

const (
	maxFindings = 10
	maxTrends   = 9
)

// Empty reports whether the report week has no runs.
func (r *Report) Empty() bool { return r.Totals.Runs == 0 }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
