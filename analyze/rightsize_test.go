package analyze

import (
	"slices"
	"strconv"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
)

// TestRightsizeFindings generates apps with too many executors, too few,
// and about right, and checks the right-sizing finding each gives, its
// recommendation's direction, and the app row's columns.
func TestRightsizeFindings(t *testing.T) {
	cases := []struct {
		name string
		spec gen.Spec
		want string // detector, "" for none
		down bool   // the recommended executor count is below the app's
	}{
		{"40 executors for 40-task stages", gen.Spec{Seed: 1, Executors: 40, TasksPerStage: 40}, detOversized, true},
		{"2 executors for 600-task stages", gen.Spec{Seed: 2, Executors: 2, TasksPerStage: 600}, detUndersized, false},
		{"10 executors for 40-task stages", gen.Spec{Seed: 3, Executors: 10, TasksPerStage: 40}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := buildApp(t, c.spec)
			res := AnalyzeApp(app, DefaultConfig())
			r := res.App
			if res.Rightsizing == nil || r.SimDurationMS == nil || r.RightsizeSavingUSD == nil || r.CriticalPathMS == nil {
				t.Fatalf("no right-sizing for %d executors", app.Row.MaxExecutors)
			}
			if *r.SimError > 0.05 {
				t.Errorf("sim_error %.3f on a generated log (it schedules as the replay does)", *r.SimError)
			}
			if *r.CriticalPathMS > *r.SimDurationMS || *r.RightsizedCostUSD > r.EstCostUSD {
				t.Errorf("critical path %d > estimate %d, or right-sized cost %.4f > cost %.4f",
					*r.CriticalPathMS, *r.SimDurationMS, *r.RightsizedCostUSD, r.EstCostUSD)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Detector)
			}
			has := func(d string) bool { return slices.Contains(got, d) }
			for _, d := range []string{detOversized, detUndersized} {
				if has(d) != (d == c.want) {
					t.Fatalf("findings %v, want %q among the right-sizing ones", got, c.want)
				}
			}
			if c.want == detOversized && has("idle_executors") {
				t.Errorf("idle_executors kept beside a trusted oversized finding: %v", got)
			}
			if c.want != "" {
				checkRec(t, res.Findings[slices.IndexFunc(res.Findings, func(f FindingRow) bool { return f.Detector == c.want })], app.Row.MaxExecutors, c.down)
			}
		})
	}
}

// checkRec checks a right-sizing finding proposes a change of
// spark.executor.instances in the expected direction and carries a curve.
func checkRec(t *testing.T, f FindingRow, peak int64, down bool) {
	t.Helper()
	if len(f.Recommendations) == 0 || f.Recommendations[0].Key != keyInstances {
		t.Fatalf("recommendations %+v, want %s first", f.Recommendations, keyInstances)
	}
	n, err := strconv.ParseInt(f.Recommendations[0].Proposed, 10, 64)
	if err != nil || (n < peak) != down || n == peak {
		t.Errorf("proposed %s executors from %d, want fewer: %v", f.Recommendations[0].Proposed, peak, down)
	}
	curve := 0
	for _, e := range f.Evidence {
		if len(e.Metric) > 16 && e.Metric[:16] == "est_duration_ms@" {
			curve++
		}
	}
	if curve < 5 {
		t.Errorf("%d curve points in the evidence", curve)
	}
}

// TestRightsizeUntrusted: under dynamic allocation the replay is not
// trusted: no right-sizing finding is made (the apps columns keep the
// numbers and sim_error), and idle_executors stays.
func TestRightsizeUntrusted(t *testing.T) {
	app := buildApp(t, gen.Spec{Seed: 1, Executors: 40, TasksPerStage: 40})
	app.Conf[keyDynAlloc] = "true"
	res := AnalyzeApp(app, DefaultConfig())
	if res.Rightsizing == nil || res.Rightsizing.Sim.Untrusted == "" {
		t.Fatalf("dynamic allocation: simulation %+v, want untrusted", res.Rightsizing)
	}
	if slices.ContainsFunc(res.Findings, func(f FindingRow) bool { return f.Detector == detOversized || f.Detector == detUndersized }) {
		t.Errorf("a right-sizing finding on an untrusted simulation: %+v", res.Findings)
	}
	if !slices.ContainsFunc(res.Findings, func(f FindingRow) bool { return f.Detector == "idle_executors" }) {
		t.Error("idle_executors dropped for an untrusted simulation")
	}
}

// TestRightsizeReference: the reference form carries the app row's numbers
// and a curve at the app's cores whose durations do not grow with executors.
func TestRightsizeReference(t *testing.T) {
	app := buildApp(t, gen.Spec{Seed: 1, Executors: 40, TasksPerStage: 40})
	res := AnalyzeApp(app, DefaultConfig())
	ref, r := res.Rightsizing.Reference(), res.App
	if ref.CriticalPathMS != *r.CriticalPathMS || ref.SimDurationMS != *r.SimDurationMS ||
		ref.Rightsized.Executors != *r.RightsizedExecutors || ref.SavingUSD != *r.RightsizeSavingUSD {
		t.Errorf("reference %+v disagrees with the app row", ref)
	}
	if len(ref.Curve) < 3 {
		t.Fatalf("curve %+v", ref.Curve)
	}
	for i := 1; i < len(ref.Curve); i++ {
		if ref.Curve[i].Executors <= ref.Curve[i-1].Executors || ref.Curve[i].EstDurationMS > ref.Curve[i-1].EstDurationMS {
			t.Errorf("curve %+v not by executors with falling durations", ref.Curve)
		}
	}
	if (*Rightsizing)(nil).Reference() != nil {
		t.Error("nil right-sizing gave a reference")
	}
}

// TestRightsizeSLAByJobKey: an SLA names a recurring job by its key, so
// every dated run of it gets the SLA; the exact app name works too, and a
// job not named keeps the slowdown.
func TestRightsizeSLAByJobKey(t *testing.T) {
	const sla = 123_456
	cases := []struct {
		name, appName string
		slas          map[string]int64
		want          bool
	}{
		{"job key", "Nightly_ETL_2026-03-01", map[string]int64{"nightly_etl_<date>": sla}, true},
		{"job key, another night", "Nightly_ETL_2026-03-02", map[string]int64{"nightly_etl_<date>": sla}, true},
		{"exact app name", "Nightly_ETL_2026-03-01", map[string]int64{"Nightly_ETL_2026-03-01": sla}, true},
		{"another job", "weekly_rollup", map[string]int64{"nightly_etl_<date>": sla}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Detectors.Rightsize.SLAs = c.slas
			res := AnalyzeApp(buildApp(t, gen.Spec{Seed: 1, AppName: c.appName, Executors: 10, TasksPerStage: 40}), cfg)
			if res.Rightsizing == nil {
				t.Fatal("no simulation")
			}
			if got := res.Rightsizing.LimitMS == sla; got != c.want {
				t.Errorf("job %q: limit %d ms, SLA applied %v, want %v", res.App.JobKey, res.Rightsizing.LimitMS, got, c.want)
			}
		})
	}
}
