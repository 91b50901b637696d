package analyze

import (
	"fmt"
	"github.com/sparkmine/sparkmine/analyze/history"
	"math"
	"slices"
	"sort"

	"github.com/sparkmine/sparkmine/extract"
)

// Detector is one rule: it reads an app model and returns its findings, with
// Detector, Severity, Score, Title, Detail, Evidence, Recommendations and,
// for stage findings, StageID and StageAttemptID set. Analyze fills the rest.
// A configured detector holds its own thresholds.
type Detector interface {
	Name() string
	Detect(app *extract.App) []FindingRow
}

// wasteEstimator is implemented by detectors that can tell how much
// allocated executor core-time a finding of theirs wasted.
type wasteEstimator interface {
	wastedCoreMS(app *extract.App, f FindingRow) float64
}

// Result is what Analyze finds for one app.
type Result struct {
	Findings []FindingRow
	App      AppResult
	// Rightsizing is the app's right-sizing simulation, nil when the app
	// could not be replayed.
	Rightsizing *Rightsizing
}

// SimulationRows are the app's simulations rows (none when it could not be
// replayed).
func (r Result) SimulationRows() []SimulationRow {
	if r.Rightsizing == nil {
		return nil
	}
	return r.Rightsizing.Rows
}

// Analyze runs every enabled detector over app and returns the findings
// and the app's own result; see AnalyzeApp.
func Analyze(app *extract.App, cfg Config) ([]FindingRow, AppResult) {
	r := AnalyzeApp(app, cfg)
	return r.Findings, r.App
}

// AnalyzeApp simulates the app on other executor configurations
// (Rightsize), runs every enabled detector over app and returns the
// findings, ranked (see Rank), with the app's own result (est_cost_usd,
// est_waste_usd, max_severity, findings, and the right-sizing columns)
// and the simulation. Each finding gets its identity
// (app, attempt, run, name, finding_id), its impact (wall time, waste, cost
// share; see ImpactConfig) and a severity capped by that impact; findings
// of negligible impact are dropped, and the waste is shared out so that
// the findings' sum never exceeds the app's. It does not change app. Every
// number it returns is finite.
func AnalyzeApp(app *extract.App, cfg Config) Result {
	if app == nil {
		return Result{}
	}
	jobKey := history.JobKey(app.Row.AppName, app.Conf, cfg.History.Key)
	rs := rightsizeJob(app, cfg.Detectors.Rightsize, cfg.Cost, jobKey)
	cost := cfg.Cost.AppCost(app.Row)
	coreMSUSD := cfg.Cost.CoreHourUSD(app.Row) / msPerHour
	var out []FindingRow
	nodeMB, nodeCores := cfg.Cost.Node()
	for _, d := range Detectors(cfg.Detectors) {
		d = withSim(d, rs)
		for _, f := range d.Detect(app) {
			st := stageOf(app, f)
			checkRecs(&f, checkEnv{app: app, stage: st, det: d.Name(), nodeMB: nodeMB, nodeCores: nodeCores})
			if st != nil && f.ExecutionID == nil { // an operator finding names its own query
				f.ExecutionID = st.SQLExecutionID
			}
			f.AppID, f.AttemptID = app.Row.AppID, app.Row.AttemptID
			f.RunID, f.AppName, f.SourceURI = app.Row.RunID, app.Row.AppName, app.Row.SourceURI
			nameOperators(app, &f)
			f.FindingID = findingID(f)
			f.EstWasteUSD = estimateWaste(d, app, f, cost, coreMSUSD)
			f.ImpactWallMS = estimateWall(d, app, f)
			if !isRisk(d, app, f) {
				if cfg.Impact.negligible(app, f, cost) {
					continue
				}
				cfg.Impact.capSeverity(app, &f, cost)
			}
			out = append(out, sanitize(f))
		}
	}
	out = replaceGuesswork(out, rs)
	Rank(out)
	shareWaste(out, cost)
	Rank(out)
	res := AppResult{EstCostUSD: cost.AllocatedUSD, EstWasteUSD: cost.WasteUSD, Findings: int64(len(out)),
		JobKey: jobKey}
	if len(out) > 0 {
		res.MaxSeverity = out[0].Severity
	}
	rs.Fill(&res)
	return Result{Findings: out, App: res, Rightsizing: rs}
}

// estimateWaste prices a finding's wasted core-time, never above what the
// app's executors cost in all.
func estimateWaste(d Detector, app *extract.App, f FindingRow, cost Cost, coreMSUSD float64) float64 {
	we, ok := d.(wasteEstimator)
	if !ok {
		return 0
	}
	usd := pos(we.wastedCoreMS(app, f) * coreMSUSD)
	return math.Min(usd, cost.ExecutorUSD)
}

// sanitize replaces any NaN or infinity a finding might carry with 0.
func sanitize(f FindingRow) FindingRow {
	f.Score = clean(f.Score)
	f.EstWasteUSD = clean(f.EstWasteUSD)
	f.ImpactCostShare = clean(f.ImpactCostShare)
	for i := range f.Evidence {
		f.Evidence[i].Value = clean(f.Evidence[i].Value)
		f.Evidence[i].Threshold = clean(f.Evidence[i].Threshold)
	}
	return f
}

// Rank orders findings: severity descending, then est_waste_usd descending,
// then detector name, then stage id (app-level findings first) and attempt.
func Rank(fs []FindingRow) {
	sort.SliceStable(fs, func(i, j int) bool { return rankLess(fs[i], fs[j]) })
}

func rankLess(a, b FindingRow) bool {
	sa, _ := ParseSeverity(a.Severity)
	sb, _ := ParseSeverity(b.Severity)
	switch {
	case sa != sb:
		return sa > sb
	case a.EstWasteUSD != b.EstWasteUSD:
		return a.EstWasteUSD > b.EstWasteUSD
	case a.Detector != b.Detector:
		return a.Detector < b.Detector
	}
	if c := cmpOpt(a.StageID, b.StageID); c != 0 {
		return c < 0
	}
	return cmpOpt(a.StageAttemptID, b.StageAttemptID) < 0
}

// cmpOpt orders optional ids, nil first.
func cmpOpt(a, b *int64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

// appFinding starts an app-level finding.
func appFinding(det string, sev Severity, score float64, title string) FindingRow {
	return FindingRow{Detector: det, Severity: sev.String(), Score: clean(score), Title: title}
}

// stageFinding starts a finding about one stage attempt.
func stageFinding(det string, st *extract.StageRow, sev Severity, score float64, title string) FindingRow {
	f := appFinding(det, sev, score, title)
	id, att := st.StageID, st.StageAttemptID
	f.StageID, f.StageAttemptID = &id, &att
	return f
}

// stageOf finds the stage attempt a finding is about (nil for app-level).
func stageOf(app *extract.App, f FindingRow) *extract.StageRow {
	if f.StageID == nil {
		return nil
	}
	for i := range app.Stages {
		st := &app.Stages[i]
		if st.StageID == *f.StageID && (f.StageAttemptID == nil || st.StageAttemptID == *f.StageAttemptID) {
			return st
		}
	}
	return nil
}

// ev builds one piece of evidence.
func ev(metric string, value, threshold float64) Evidence {
	return Evidence{Metric: metric, Value: clean(value), Threshold: clean(threshold)}
}

// conf returns a Spark property's value, "" when unset.
func conf(app *extract.App, key string) string {
	return app.Conf[key]
}

// rec builds a recommendation, taking the current value from the app's conf.
func rec(app *extract.App, key, proposed, reason string) Recommendation {
	return Recommendation{Key: key, Current: conf(app, key), Proposed: proposed, Reason: reason}
}

// isTrue reports whether a boolean property is explicitly "true".
func isTrue(app *extract.App, key string) bool { return conf(app, key) == "true" }

// confInt reads an integer property, def when unset or unreadable.
func confInt(app *extract.App, key string, def int64) int64 {
	var n int64
	if _, err := fmt.Sscan(conf(app, key), &n); err != nil || n <= 0 {
		return def
	}
	return n
}

// confBytes reads a size property (bare numbers in unit), def when unset.
func confBytes(app *extract.App, key string, unit, def int64) int64 {
	if n, ok := parseSize(conf(app, key), unit); ok && n > 0 {
		return n
	}
	return def
}

// confMS reads a duration property (bare numbers in unit ms), def when unset.
func confMS(app *extract.App, key string, unit, def int64) int64 {
	if n, ok := parseDurationMS(conf(app, key), unit); ok && n > 0 {
		return n
	}
	return def
}

// slots is the app's peak task slots: max executors × cores per executor.
func slots(app *extract.App) int64 {
	if app.Row.MaxExecutors <= 0 || app.Row.ExecutorCores <= 0 {
		return 0
	}
	return app.Row.MaxExecutors * app.Row.ExecutorCores
}

// gib formats bytes as GiB for details.
func gib(b float64) string { return fmt.Sprintf("%.2f GiB", b/GiB) }

// mins formats milliseconds as minutes for details.
func mins(ms float64) string { return fmt.Sprintf("%.1f min", ms/60_000) }

// nameOperators ties a stage finding that names no query to the query
// whose operators ran in its stage: its title names the query (the report
// shows titles) and its detail the operators (skew, spill or GC in stage 7
// becomes "... (query 3)" with that stage's SortMergeJoin and Exchange).
func nameOperators(app *extract.App, f *FindingRow) {
	if f.StageID == nil || f.ExecutionID != nil {
		return
	}
	for _, q := range app.Queries {
		if slices.Contains(q.StageIDs, *f.StageID) {
			id := q.ExecutionID
			f.ExecutionID = &id
			f.Title += fmt.Sprintf(" (query %d)", id)
			break
		}
	}
	if ops := app.StageOperators(*f.StageID, 600); ops != "" {
		f.Detail += " Operators in this stage: " + ops
	}
}

// PricedQueries returns the app's queries with est_cost_usd set: each
// query's share of the app's cost (res.EstCostUSD, from Analyze) by its
// stages' executor run time over the app's. app is not changed.
func PricedQueries(app *extract.App, res AppResult) []extract.QueryRow {
	out := slices.Clone(app.Queries)
	usd := res.EstCostUSD
	for i := range out {
		out[i].EstCostUSD = clean(math.Min(usd, usd*ratio(float64(out[i].ExecutorRunTimeMS), float64(app.Row.TaskTimeMS))))
	}
	return out
}
