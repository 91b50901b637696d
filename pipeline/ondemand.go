package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// LoadApp rebuilds the stored model of one app attempt (the newest attempt
// when attemptID is "") and its findings from the dataset in out.
func LoadApp(ctx context.Context, out store.Store, appID, attemptID string) (*extract.App, []analyze.FindingRow, error) {
	apps, err := table.ReadTable[extract.AppRow](ctx, out, "apps", nil)
	if err != nil {
		return nil, nil, err
	}
	var row *extract.AppRow
	for i := range apps {
		a := &apps[i]
		if a.AppID == appID && (attemptID == "" || a.AttemptID == attemptID) && (row == nil || a.AttemptID > row.AttemptID) {
			row = a
		}
	}
	if row == nil {
		return nil, nil, fmt.Errorf("app %s attempt %q is not in %s", appID, attemptID, out.URI(""))
	}
	app := &extract.App{Row: *row, Conf: map[string]string{}}
	_ = json.Unmarshal([]byte(row.SparkConf), &app.Conf)
	mine := func(id, att string) bool { return id == row.AppID && att == row.AttemptID }
	stages, err := table.ReadTable[extract.StageRow](ctx, out, "stages", nil)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range stages {
		if mine(s.AppID, s.AttemptID) {
			app.Stages = append(app.Stages, s)
		}
	}
	sort.Slice(app.Stages, func(i, j int) bool {
		a, b := app.Stages[i], app.Stages[j]
		return a.StageID < b.StageID || a.StageID == b.StageID && a.StageAttemptID < b.StageAttemptID
	})
	execs, err := table.ReadTable[extract.ExecutorRow](ctx, out, "executors", nil)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range execs {
		if mine(e.AppID, e.AttemptID) {
			app.Executors = append(app.Executors, e)
		}
	}
	all, err := table.ReadTable[analyze.FindingRow](ctx, out, "findings", nil)
	if err != nil {
		return nil, nil, err
	}
	var findings []analyze.FindingRow
	for _, f := range all {
		if mine(f.AppID, f.AttemptID) {
			findings = append(findings, f)
		}
	}
	analyze.Rank(findings)
	return app, findings, nil
}

// DiagnoseStored diagnoses one stored app on demand, whatever the budget,
// and commits the diagnoses row as a run of its own (part file, then
// manifest), so the audit trail holds every call.
func DiagnoseStored(ctx context.Context, out store.Store, appID, attemptID string, cfg diagnose.Config, version string) (analyze.DiagnosisRow, error) {
	app, findings, err := LoadApp(ctx, out, appID, attemptID)
	if err != nil {
		return analyze.DiagnosisRow{}, err
	}
	d, err := diagnose.New(ctx, cfg, StoreCache{out}, PromptWriter(out))
	if err != nil {
		return analyze.DiagnosisRow{}, fmt.Errorf("gemini: %w", err)
	}
	o := Options{Out: out, Version: version}
	o.defaults()
	row := d.DiagnoseOne(ctx, o.RunID, diagnose.Candidate{App: app, Findings: findings})
	m := &Manifest{RunID: o.RunID, Shard: o.Shard.String(), Started: o.Now().UTC(), Out: out.URI(""),
		Version: version, Unreadable: []Unreadable{}, Diagnoses: 1,
		TokensIn: row.InputTokens, TokensOut: row.OutputTokens, LLMCostUSD: row.CostUSD}
	res := &results{days: map[string]string{}}
	day := table.Day(dayOf(app, logFallback(app)))
	keys, err := writeRows(ctx, &o, "diagnoses", []analyze.DiagnosisRow{row}, day, res)
	if err != nil {
		return row, fmt.Errorf("write diagnosis: %w", err)
	}
	m.RunFiles = keys
	if err := o.commit(ctx, &results{}, m); err != nil {
		return row, err
	}
	return row, publish(ctx, out, o.RunID, keys)
}
