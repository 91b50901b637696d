package pipeline

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store/local"
)

// TestReferenceCarriesOperatorsAndRightsizing: the reference information
// sent to the model names the operators that ran in a SQL stage (instead of
// the plan's text) and carries the app's critical path and right-sizing,
// the same numbers the apps row stores.
func TestReferenceCarriesOperatorsAndRightsizing(t *testing.T) {
	needShared(t)
	d, err := diagnose.New(diagnose.DefaultConfig(), diagnose.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd", "spark/app-20161115172038-0000"} {
		src, err := local.New(sharedLogs)
		if err != nil {
			t.Fatal(err)
		}
		logs, _ := logfile.Discover([]logfile.Object{{Key: name, Size: 1}})
		app, _, err := extract.ReadLog(context.Background(), src, logs[0], extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ar := analyze.AnalyzeApp(app, analyze.DefaultConfig())
		p, err := d.Prompt(diagnose.Candidate{App: app, Findings: ar.Findings, Result: ar.App, Rightsizing: ar.Rightsizing.Reference()})
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			Stages []struct {
				SQL       *int64 `json:"sql_execution_id"`
				Operators string `json:"operators"`
			} `json:"stages"`
			RightSizing *struct {
				CriticalPathMS int64 `json:"critical_path_ms"`
			} `json:"right_sizing"`
			Plan string `json:"sql_plan_excerpt"`
		}
		if err := json.Unmarshal([]byte(p.Reference), &ref); err != nil {
			t.Fatalf("%s: the reference is not JSON: %v", name, err)
		}
		if ar.App.CriticalPathMS == nil || ref.RightSizing == nil || ref.RightSizing.CriticalPathMS != *ar.App.CriticalPathMS {
			t.Errorf("%s: right_sizing %+v, apps row critical path %v", name, ref.RightSizing, ar.App.CriticalPathMS)
		}
		if len(app.PlanNodes) == 0 {
			continue
		}
		ops := 0
		for _, st := range ref.Stages {
			if st.Operators != "" {
				ops++
			}
		}
		if ops == 0 || ref.Plan != "" {
			t.Errorf("%s: %d stages with operators, plan excerpt %d bytes; want operators instead of the excerpt", name, ops, len(ref.Plan))
		}
	}
}
