package analyze

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/sparkmine/sparkmine/analyze/simulate"
	"github.com/sparkmine/sparkmine/extract"
)

// Detector names of the right-sizing findings.
const (
	detOversized  = "oversized"
	detUndersized = "undersized"
	keyCores      = "spark.executor.cores"
)

// rightsizer (rightsize) turns an app's right-sizing simulation into an
// oversized or undersized finding; see RightsizeConfig. Analyze hands it
// the simulation it ran (withSim); alone, it runs one with the default
// cost model.
type rightsizer struct {
	c  RightsizeConfig
	rs *Rightsizing
}

func (rightsizer) Name() string { return "rightsize" }

func (d rightsizer) Detect(app *extract.App) []FindingRow {
	rs := d.rs
	if rs == nil {
		rs = Rightsize(app, d.c, DefaultCostConfig())
	}
	return rightsizeFindings(app, rs, d.c)
}

// wastedCoreMS is the allocated core-time an oversized app would not have
// paid for: its executor time × the simulated saving.
func (d rightsizer) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	if f.Detector != detOversized || d.rs == nil {
		return 0
	}
	return float64(app.Row.ExecutorTimeMS) * (1 - ratio(d.rs.BestCost, d.rs.ActualCost))
}

// wallMS is the time an undersized app would have saved.
func (d rightsizer) wallMS(_ *extract.App, f FindingRow) float64 {
	if f.Detector != detUndersized || d.rs == nil {
		return 0
	}
	for _, e := range f.Evidence {
		if e.Metric == "duration_gain" {
			return e.Value * float64(d.rs.Sim.StaticMS)
		}
	}
	return 0
}

// withSim binds the simulation Analyze ran to the rightsize detector.
func withSim(d Detector, rs *Rightsizing) Detector {
	if r, ok := d.(rightsizer); ok {
		r.rs = rs
		return r
	}
	return d
}

// rightsizeFindings turns an app's right-sizing into an oversized finding
// (a cheaper configuration within the slowdown saves at least
// min_saving_share of the app's cost) or an undersized one (a configuration
// at most the slowdown dearer is at least undersized_gain faster). The
// curve at the app's cores per executor is the evidence. An undersized
// finding saves no money and is low; an oversized one on an untrusted
// simulation is low too and says why.
func rightsizeFindings(app *extract.App, rs *Rightsizing, rc RightsizeConfig) []FindingRow {
	if rs == nil {
		return nil
	}
	if f, ok := oversized(app, rs, rc); ok {
		return []FindingRow{f}
	}
	if f, ok := undersized(app, rs, rc); ok {
		return []FindingRow{f}
	}
	return nil
}

func oversized(app *extract.App, rs *Rightsizing, rc RightsizeConfig) (FindingRow, bool) {
	s, cost := rs.Sim, rs.AppCostUSD
	share := ratio(rs.SavingUSD, cost)
	if cost <= 0 || share < rc.MinSavingShare {
		return FindingRow{}, false
	}
	sev := Moderate
	if share >= 0.5 {
		sev = Severe
	}
	b := rs.Best
	f := appFinding(detOversized, trusted(s, sev), share, fmt.Sprintf("%d×%d-core executors would do with %.0f%% less compute",
		b.Executors, b.Cores, 100*share))
	f.Detail = fmt.Sprintf("Replayed on %d executors of %d cores instead of %d×%d, the app would take about %s instead of %s (replayed as it ran: %s, in the log: %s) and cost $%.2f less (%.0f%%).%s",
		b.Executors, b.Cores, s.Actual.Executors, s.Actual.Cores, dur(b.DurationMS), dur(s.StaticMS), dur(s.ActualMS), dur(app.Row.DurationMS), rs.SavingUSD, 100*share, untrustedNote(s))
	f.Evidence = curveEvidence(rs, ev("saving_share", share, rc.MinSavingShare))
	f.Recommendations = sizeRecs(app, s.Actual, b.Config, "the cheapest configuration the replay finds within the allowed slowdown")
	return f, true
}

func undersized(app *extract.App, rs *Rightsizing, rc RightsizeConfig) (FindingRow, bool) {
	s := rs.Sim
	goal := int64(float64(s.StaticMS) * (1 - rc.UndersizedGain))
	for i, p := range rs.Sim.Points {
		if p.Cores != s.Actual.Cores || p.Executors <= s.Actual.Executors || p.DurationMS > goal ||
			rs.Rows[i].EstCostUSD > rs.ActualCost*(1+rc.Slowdown) {
			continue
		}
		gain := 1 - ratio(float64(p.DurationMS), float64(s.StaticMS))
		f := appFinding(detUndersized, Low, gain, fmt.Sprintf("%d executors would finish %.0f%% sooner for about the same cost", p.Executors, 100*gain))
		f.Detail = fmt.Sprintf("Replayed on %d executors instead of %d, the app would take about %s instead of %s for $%.2f instead of $%.2f (simulated): its stages have more parallel work than its slots.%s",
			p.Executors, s.Actual.Executors, dur(p.DurationMS), dur(s.StaticMS), rs.Rows[i].EstCostUSD, rs.ActualCost, untrustedNote(s))
		f.Evidence = curveEvidence(rs, ev("duration_gain", gain, rc.UndersizedGain))
		f.Recommendations = sizeRecs(app, s.Actual, p.Config, "the fewest executors the replay finds this much faster at about the same cost")
		return f, true
	}
	return FindingRow{}, false
}

// trusted lowers a finding on an untrusted simulation to low.
func trusted(s *simulate.Result, sev Severity) Severity {
	if s.Untrusted != "" {
		return Low
	}
	return sev
}

func untrustedNote(s *simulate.Result) string {
	if s.Untrusted == "" {
		return ""
	}
	return " Not trustworthy: " + s.Untrusted + "."
}

// curveEvidence is the simulation's accuracy and the cost-versus-duration
// curve at the app's cores per executor (est_duration_ms@E×C, against the
// accepted limit).
func curveEvidence(rs *Rightsizing, head Evidence) []Evidence {
	s := rs.Sim
	out := []Evidence{head, ev("sim_error", s.Error, 0), ev("critical_path_ms", float64(s.CriticalPathMS), 0),
		ev("ideal_duration_ms", float64(s.IdealMS), 0)}
	for _, p := range s.Points {
		if p.Cores == s.Actual.Cores || p.Config == rs.Best.Config {
			out = append(out, ev(fmt.Sprintf("est_duration_ms@%dx%d", p.Executors, p.Cores), float64(p.DurationMS), float64(rs.LimitMS)))
		}
	}
	return out
}

// sizeRecs proposes the executor count (spark.executor.instances, or
// spark.dynamicAllocation.maxExecutors under dynamic allocation) and, when
// it changes, spark.executor.cores.
func sizeRecs(app *extract.App, from, to simulate.Config, reason string) []Recommendation {
	key := keyInstances
	if isTrue(app, keyDynAlloc) {
		key = keyDynMax
	}
	reason = fmt.Sprintf("%s (the app ran %d×%d)", reason, from.Executors, from.Cores)
	out := []Recommendation{rec(app, key, strconv.FormatInt(to.Executors, 10), reason)}
	if to.Cores != from.Cores {
		out = append(out, rec(app, keyCores, strconv.FormatInt(to.Cores, 10), reason))
	}
	return out
}

// replaceGuesswork keeps one finding of an app's over-provisioning. An
// untrusted simulation gives no finding (its numbers stay in the apps
// columns, with sim_error). Where idle_executors fires too, the simulated
// finding replaces that guess when it recovers most of the idle share (at
// least 80 % of it); else the simulation says fewer executors would barely
// help (a single large executor sitting idle), and idle_executors' advice
// (release what is idle) stays alone.
func replaceGuesswork(fs []FindingRow, rs *Rightsizing) []FindingRow {
	if rs != nil && rs.Sim.Untrusted != "" {
		return slices.DeleteFunc(fs, func(f FindingRow) bool { return f.Detector == detOversized || f.Detector == detUndersized })
	}
	idle := slices.IndexFunc(fs, func(f FindingRow) bool { return f.Detector == "idle_executors" })
	over := slices.IndexFunc(fs, func(f FindingRow) bool { return f.Detector == detOversized })
	if idle < 0 || over < 0 || rs == nil {
		return fs
	}
	idleShare := 1.0
	for _, e := range fs[idle].Evidence {
		if e.Metric == "utilization" {
			idleShare = 1 - e.Value
		}
	}
	drop := detOversized
	if 1-ratio(rs.BestCost, rs.ActualCost) >= 0.8*idleShare {
		drop = "idle_executors"
	}
	return slices.DeleteFunc(fs, func(f FindingRow) bool { return f.Detector == drop })
}

// dur formats ms for a detail: seconds under two minutes, else minutes.
func dur(ms int64) string {
	if ms < 120_000 {
		return fmt.Sprintf("%.0f s", float64(ms)/1000)
	}
	return mins(float64(ms))
}
