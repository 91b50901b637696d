package analyze

import (
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
)

// nights makes n runs of one job, a day apart, each with core ms from
// core(i) and 10 GiB of input, conf from conf(i).
func nights(n int, core func(int) float64, conf func(int) map[string]string) []history.Run {
	runs := make([]history.Run, n)
	for i := range runs {
		c := core(i)
		runs[i] = history.Run{AppID: "app-" + string(rune('a'+i)), JobKey: "etl", EndMS: int64(i) * 86_400_000,
			DurationMS: int64(c / 40), ExecutorTimeMS: int64(c), TaskTimeMS: int64(c * 0.7), CostUSD: c / 3.6e6 * 0.05,
			InputBytes: 10 << 30, Executors: 10, SparkVersion: "3.5.1", Conf: conf(i)}
	}
	return runs
}

func TestHistoryFinding(t *testing.T) {
	wobble := []float64{1, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1}
	conf := func(i int) map[string]string { return map[string]string{"spark.sql.shuffle.partitions": "200"} }
	changed := func(i int) map[string]string {
		if i == 7 {
			return map[string]string{"spark.sql.shuffle.partitions": "20"}
		}
		return conf(i)
	}
	cases := []struct {
		name     string
		factor   float64 // the last night's core time × this
		runs     int
		conf     func(int) map[string]string
		detector string // "" = no finding
		severity string
		detail   string
	}{
		{"flat", 1, 8, conf, "", "", ""},
		{"2.5× core time", 2.5, 8, changed, DetRegression, "severe", "conf spark.sql.shuffle.partitions 200 → 20"},
		{"1.6× core time", 1.6, 8, conf, DetRegression, "moderate", "Nothing changed"},
		{"a third of the core time", 0.33, 8, conf, DetImprovement, "low", ""},
		{"too few runs", 3, 5, conf, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runs := nights(c.runs, func(i int) float64 {
				x := 3.6e7 * wobble[i]
				if i == c.runs-1 {
					x *= c.factor
				}
				return x
			}, c.conf)
			id := FindingRow{AppID: "app-tonight", AttemptID: "1", AppName: "etl"}
			f, ok := HistoryFinding(id, runs[len(runs)-1], runs, history.DefaultConfig())
			if got := map[bool]string{true: f.Detector}[ok]; got != c.detector {
				t.Fatalf("finding %q (%s), want %q", got, f.Title, c.detector)
			}
			if !ok {
				return
			}
			if f.Severity != c.severity || f.AppID != "app-tonight" || f.FindingID != FindingID(f) || !strings.Contains(f.Detail, c.detail) {
				t.Errorf("severity %s, app %s, id %s; detail %q; want %s and %q in the detail", f.Severity, f.AppID, f.FindingID, f.Detail, c.severity, c.detail)
			}
		})
	}
}

func TestAdvice(t *testing.T) {
	run := history.Run{JobKey: "etl", EndMS: 42}
	f := FindingRow{FindingID: "f1", Detector: "tiny_tasks", Recommendations: []Recommendation{{Key: "k", Current: "1", Proposed: "2"}}}
	if got := FindingAdvice(f, run); len(got) != 1 || got[0] != (history.Advice{JobKey: "etl", Source: "f1", Kind: "tiny_tasks", Key: "k", Current: "1", Proposed: "2", AtMS: 42}) {
		t.Errorf("finding advice %+v", got)
	}
	d := DiagnosisRow{Status: "ok", PromptSHA256: "p", Configs: []ConfigAdvice{{Key: "a", Proposed: "1", Valid: true}, {Key: "b", Proposed: "x"}}}
	if got := DiagnosisAdvice(d, run); len(got) != 1 || got[0].Key != "a" || got[0].Kind != "diagnosis" || got[0].Source != "p" {
		t.Errorf("diagnosis advice %+v: want the valid config only", got)
	}
	d.Status = "dry_run"
	if got := DiagnosisAdvice(d, run); len(got) != 0 {
		t.Errorf("a dry run advised %+v", got)
	}
}

func TestPlanShape(t *testing.T) {
	cases := []struct {
		name string
		qs   []extract.QueryRow
		want string
	}{
		{"no SQL", nil, ""},
		{"two queries", []extract.QueryRow{
			{JoinKinds: "broadcast_hash:2,sort_merge:1", Exchanges: 3, Scans: 2, UnprunedScans: 1},
			{JoinKinds: "sort_merge:2", Exchanges: 2, Scans: 1}},
			"joins broadcast_hash:2,sort_merge:3; exchanges 5; scans 3 (1 unpruned)"},
		{"no join", []extract.QueryRow{{Exchanges: 1, Scans: 1}}, "joins none; exchanges 1; scans 1 (0 unpruned)"},
	}
	for _, c := range cases {
		if got := PlanShape(c.qs); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// A plan that changed is named among the changes only when both plans are
// known.
func TestHistoryFindingPlan(t *testing.T) {
	for _, c := range []struct{ before, after, want string }{
		{"joins broadcast_hash:1; exchanges 1; scans 2 (0 unpruned)", "joins sort_merge:1; exchanges 3; scans 2 (0 unpruned)",
			"plan joins broadcast_hash:1; exchanges 1; scans 2 (0 unpruned) → joins sort_merge:1; exchanges 3; scans 2 (0 unpruned)"},
		{"", "joins sort_merge:1; exchanges 3; scans 2 (0 unpruned)", ""},
	} {
		runs := nights(8, func(i int) float64 { return 3.6e7 * map[bool]float64{true: 3, false: 1}[i == 7] }, func(int) map[string]string { return nil })
		for i := range runs {
			runs[i].Plan = c.before
		}
		runs[7].Plan = c.after
		f, ok := HistoryFinding(FindingRow{AppID: "x"}, runs[7], runs, history.DefaultConfig())
		if !ok || strings.Contains(f.Detail, "plan ") != (c.want != "") || !strings.Contains(f.Detail, c.want) {
			t.Errorf("plan %q → %q: detail %q, want %q in it", c.before, c.after, f.Detail, c.want)
		}
	}
}
