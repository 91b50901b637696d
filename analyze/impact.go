package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"

	"github.com/sparkmine/sparkmine/extract"
)

// ImpactConfig judges what a finding costs. A finding's impact is the
// wall-clock time it adds to the app (its detector's estimate) and the
// share of the app's cost it wastes. Its severity is at most the grade of
// its impact (the larger of the two shares), so strong evidence of a
// problem that costs little is low; a finding under all three minimums is
// not reported, unless it reports or foretells a failure.
type ImpactConfig struct {
	Enabled      bool    `yaml:"enabled" doc:"cap severity by impact and drop negligible findings (off: evidence alone decides)"`
	Grades       Grades  `yaml:"grades" check:"ascending,fraction" doc:"grades of impact (the larger of wall-time share and cost share) that cap a finding's severity"`
	MinWallShare float64 `yaml:"min_wall_share" check:"fraction" doc:"a finding adding less than this share of the app's wall time,"`
	MinWallMS    int64   `yaml:"min_wall_ms" check:"nonneg" doc:"and less than this wall time (ms),"`
	MinCostShare float64 `yaml:"min_cost_share" check:"fraction" doc:"and wasting less than this share of the app's cost is not reported"`
	// A small app can waste a large share of a small sum: severe and
	// critical also need absolute weight.
	SevereUSD    float64 `yaml:"severe_usd" check:"nonneg" doc:"a finding is severe or critical only if it wastes at least this many USD"`
	SevereWallMS int64   `yaml:"severe_wall_ms" check:"nonneg" doc:"or adds at least this wall time (ms)"`
}

// DefaultImpactConfig: 1 % and 10 s are where a tuning change no longer
// repays the engineer's time; a problem costing 30 % of an app is critical,
// if it costs at least 1 USD or 10 minutes (a shell idling 90 % of 0.17
// USD is not).
func DefaultImpactConfig() ImpactConfig {
	return ImpactConfig{Enabled: true, Grades: Grades{0.01, 0.05, 0.15, 0.3}, MinWallShare: 0.01, MinWallMS: 10_000, MinCostShare: 0.01,
		SevereUSD: 1, SevereWallMS: 600_000}
}

// wallEstimator is implemented by detectors that can tell how much wall
// time a finding of theirs added to the app.
type wallEstimator interface {
	wallMS(app *extract.App, f FindingRow) float64
}

// riskJudge is implemented by detectors some of whose findings report or
// foretell a failure: those are kept whatever their impact.
type riskJudge interface {
	risk(app *extract.App, f FindingRow) bool
}

func isRisk(d Detector, app *extract.App, f FindingRow) bool {
	r, ok := d.(riskJudge)
	return ok && r.risk(app, f)
}

// estimateWall is a finding's wall time, at most the app's duration.
func estimateWall(d Detector, app *extract.App, f FindingRow) int64 {
	we, ok := d.(wallEstimator)
	if !ok {
		return 0
	}
	w := pos(we.wallMS(app, f))
	if dur := float64(app.Row.DurationMS); dur > 0 {
		w = math.Min(w, dur)
	}
	return int64(math.Round(w))
}

// shares are a finding's wall-time share of the app and cost share.
func (c ImpactConfig) shares(app *extract.App, f FindingRow, cost Cost) (wall, money float64) {
	return math.Min(1, ratio(float64(f.ImpactWallMS), float64(app.Row.DurationMS))),
		math.Min(1, ratio(f.EstWasteUSD, cost.AllocatedUSD))
}

// negligible reports whether a finding is too small to report (a risk
// finding never is: Analyze does not ask).
func (c ImpactConfig) negligible(app *extract.App, f FindingRow, cost Cost) bool {
	wall, money := c.shares(app, f, cost)
	return c.Enabled && wall < c.MinWallShare && f.ImpactWallMS < c.MinWallMS && money < c.MinCostShare
}

// capSeverity lowers a finding's severity to its impact's grade (never
// below low). Analyze does not cap risk findings.
func (c ImpactConfig) capSeverity(app *extract.App, f *FindingRow, cost Cost) {
	if !c.Enabled {
		return
	}
	wall, money := c.shares(app, *f, cost)
	limit := max(Low, c.Grades.asc(math.Max(wall, money)))
	if f.EstWasteUSD < c.SevereUSD && f.ImpactWallMS < c.SevereWallMS {
		limit = min(limit, Moderate)
	}
	if s, _ := ParseSeverity(f.Severity); s > limit {
		f.Severity = limit.String()
	}
}

// shareWaste makes the findings' est_waste_usd disjoint: the more
// specific a finding, the earlier it takes its waste, and each keeps at
// most what the app's waste has left, so per app their sum never exceeds
// the app's waste. Stage findings come first (in rank order), then
// app-level ones, then idle_executors, whose waste (all idle core-time)
// contains every other's and so is what remains. It then sets each
// finding's cost share.
func shareWaste(fs []FindingRow, cost Cost) {
	left := cost.WasteUSD
	residual := idleExecutors{}.Name()
	for _, pass := range []func(f *FindingRow) bool{
		func(f *FindingRow) bool { return f.StageID != nil },
		func(f *FindingRow) bool { return f.StageID == nil && f.Detector != residual },
		func(f *FindingRow) bool { return f.StageID == nil && f.Detector == residual },
	} {
		for i := range fs {
			if f := &fs[i]; pass(f) {
				f.EstWasteUSD = pos(math.Min(f.EstWasteUSD, left))
				left -= f.EstWasteUSD
				f.ImpactCostShare = math.Min(1, ratio(f.EstWasteUSD, cost.AllocatedUSD))
			}
		}
	}
}

// findingID is a finding's stable id: the first 16 bytes, in hex, of the
// SHA-256 of app id, attempt id, detector and scope, NUL-separated. The
// scope is the stage attempt, or for an app-level finding "-" and its
// first evidence metric (a detector giving several app-level findings
// names each by its metric).
func findingID(f FindingRow) string {
	stage := "-"
	if len(f.Evidence) > 0 {
		stage += f.Evidence[0].Metric
	}
	if f.StageID != nil {
		stage = strconv.FormatInt(*f.StageID, 10)
		if f.StageAttemptID != nil {
			stage += "." + strconv.FormatInt(*f.StageAttemptID, 10)
		}
	}
	if f.NodeID != nil && f.ExecutionID != nil { // an operator of a query
		stage += "\x00" + strconv.FormatInt(*f.ExecutionID, 10) + "\x00" + strconv.FormatInt(*f.NodeID, 10)
	}
	h := sha256.Sum256([]byte(f.AppID + "\x00" + f.AttemptID + "\x00" + f.Detector + "\x00" + stage))
	return hex.EncodeToString(h[:16])
}
