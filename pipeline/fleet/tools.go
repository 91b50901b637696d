package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Rows is a tool's list answer: the rows as column → value.
type Rows struct {
	Rows []map[string]any `json:"rows"`
}

// ListAppsInput filters list_apps; empty fields do not filter.
type ListAppsInput struct {
	Since  string `json:"since,omitempty" jsonschema:"earliest end day, YYYY-MM-DD"`
	Until  string `json:"until,omitempty" jsonschema:"latest end day, YYYY-MM-DD"`
	Status string `json:"status,omitempty" jsonschema:"succeeded, failed or incomplete"`
	User   string `json:"user,omitempty"`
	Queue  string `json:"queue,omitempty"`
	Job    string `json:"job,omitempty" jsonschema:"the recurring job (job_key, or the app name in datasets without it)"`
	Limit  int    `json:"limit,omitempty" jsonschema:"rows at most (default 100)"`
}

// appColumns are the columns of an app in lists.
const appColumns = "app_id, attempt_id, app_name, \"user\", queue, status, start_time, end_time, duration_ms, est_cost_usd, est_waste_usd, max_severity, findings, dt"

// ListApps lists app attempts, newest first.
func (f *Fleet) ListApps(ctx context.Context, in ListAppsInput) (Rows, error) {
	var w where
	w.add("dt >= ?::DATE", in.Since)
	w.add("dt <= ?::DATE", in.Until)
	w.add("status = ?", in.Status)
	w.add("\"user\" = ?", in.User)
	w.add("queue = ?", in.Queue)
	w.add(f.jobColumn()+" = ?", in.Job)
	q := "SELECT " + appColumns + jobSelect(f) + " FROM apps" + w.String() + " ORDER BY end_time DESC NULLS LAST, app_id LIMIT " + fmt.Sprint(limit(in.Limit, 100))
	rows, err := f.rows(ctx, q, w.args...)
	return Rows{rows}, err
}

func jobSelect(f *Fleet) string {
	if f.has("apps", "job_key") {
		return ", job_key"
	}
	return ""
}

func limit(n, def int) int {
	if n <= 0 {
		return def
	}
	return min(n, 10_000)
}

// AppInput names one app attempt; an empty attempt is the latest one.
type AppInput struct {
	AppID     string `json:"app_id" jsonschema:"the Spark application id"`
	AttemptID string `json:"attempt_id,omitempty"`
}

// App is get_app's answer.
type App struct {
	App        map[string]any   `json:"app"`
	Stages     []map[string]any `json:"worst_stages" jsonschema:"the five stages that took longest"`
	Findings   []map[string]any `json:"findings"`
	Diagnosis  map[string]any   `json:"diagnosis,omitempty" jsonschema:"the latest Gemini diagnosis, if any"`
	Simulation []map[string]any `json:"simulations,omitempty" jsonschema:"right-sizing what-ifs, if the dataset has them"`
}

// GetApp returns an app with its worst stages, findings, diagnosis and
// right-sizing.
func (f *Fleet) GetApp(ctx context.Context, in AppInput) (App, error) {
	apps, err := f.rows(ctx, "SELECT * EXCLUDE (spark_conf, plan_excerpt) FROM apps WHERE app_id = ? AND (? = '' OR attempt_id = ?) ORDER BY attempt_id DESC LIMIT 1", in.AppID, in.AttemptID, in.AttemptID)
	if err != nil {
		return App{}, err
	}
	if len(apps) == 0 {
		return App{}, fmt.Errorf("no app %q in the dataset", in.AppID)
	}
	a := App{App: apps[0]}
	// the app's other rows sit in its dt partition: naming it prunes the rest
	key := []any{in.AppID, apps[0]["attempt_id"], apps[0]["dt"]}
	steps := []struct {
		table, query string
		into         *[]map[string]any
	}{
		{"stages", "SELECT stage_id, stage_attempt_id, name, status, tasks, failed_tasks, duration_ms, executor_run_time_ms, input_bytes, shuffle_read_bytes, shuffle_write_bytes, memory_spilled_bytes, disk_spilled_bytes, duration_skew, shuffle_skew, failure_reason FROM stages WHERE app_id = ? AND attempt_id = ? AND dt = ?::DATE ORDER BY duration_ms DESC NULLS LAST LIMIT 5", &a.Stages},
		{"findings", "SELECT * EXCLUDE (run_id) FROM findings WHERE app_id = ? AND attempt_id = ? AND dt = ?::DATE ORDER BY est_waste_usd DESC, detector", &a.Findings},
		{"simulations", "SELECT executors, executor_cores, est_duration_ms, est_cost_usd, est_utilization FROM simulations WHERE app_id = ? AND attempt_id = ? AND dt = ?::DATE ORDER BY executors, executor_cores", &a.Simulation},
	}
	for _, s := range steps {
		if !slices.Contains(f.DB.Tables(), s.table) {
			continue
		}
		if *s.into, err = f.rows(ctx, s.query, key...); err != nil {
			return App{}, err
		}
	}
	if slices.Contains(f.DB.Tables(), "diagnoses") {
		d, err := f.rows(ctx, "SELECT * FROM diagnoses WHERE app_id = ? AND attempt_id = ? AND dt = ?::DATE ORDER BY time DESC LIMIT 1", key...)
		if err != nil {
			return App{}, err
		}
		if len(d) > 0 {
			a.Diagnosis = d[0]
		}
	}
	return a, nil
}

// TopWasteInput groups waste over a time range.
type TopWasteInput struct {
	By    string `json:"by,omitempty" jsonschema:"job, user or queue (default job)"`
	Week  string `json:"week,omitempty" jsonschema:"ISO week like 2026-W47; default the latest 7 days with data"`
	Limit int    `json:"limit,omitempty"`
}

// TopWaste ranks jobs, users or queues by estimated waste over a week.
func (f *Fleet) TopWaste(ctx context.Context, in TopWasteInput) (Rows, error) {
	col := map[string]string{"": f.jobColumn(), "job": f.jobColumn(), "user": `"user"`, "queue": "queue"}[in.By]
	if col == "" {
		return Rows{}, fmt.Errorf("by %q: want job, user or queue", in.By)
	}
	from, to, err := f.week(ctx, in.Week)
	if err != nil {
		return Rows{}, err
	}
	q := "SELECT " + col + " AS name, count(*) AS runs, sum(est_cost_usd) AS cost_usd, sum(est_waste_usd) AS waste_usd, sum(findings) AS findings FROM apps WHERE dt BETWEEN ?::DATE AND ?::DATE GROUP BY 1 ORDER BY waste_usd DESC, name LIMIT " + fmt.Sprint(limit(in.Limit, 20))
	rows, err := f.rows(ctx, q, from, to)
	return Rows{rows}, err
}

// week returns the first and last day of an ISO week, or of the latest 7
// days with data.
func (f *Fleet) week(ctx context.Context, w string) (from, to string, err error) {
	if w == "" {
		r, err := f.rows(ctx, "SELECT strftime(max(dt), '%Y-%m-%d') AS last FROM apps")
		if err != nil || len(r) == 0 || r[0]["last"] == nil {
			return "", "", fmt.Errorf("the dataset has no apps: %v", err)
		}
		last, _ := time.Parse("2006-01-02", r[0]["last"].(string))
		return last.AddDate(0, 0, -6).Format("2006-01-02"), last.Format("2006-01-02"), nil
	}
	var year, wk int
	if _, err := fmt.Sscanf(w, "%d-W%d", &year, &wk); err != nil || wk < 1 || wk > 53 {
		return "", "", fmt.Errorf("week %q: want an ISO week like 2026-W47", w)
	}
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(wk-1))
	return monday.Format("2006-01-02"), monday.AddDate(0, 0, 6).Format("2006-01-02"), nil
}

// CompareInput names two runs.
type CompareInput struct {
	A AppInput `json:"a"`
	B AppInput `json:"b"`
}

// Comparison is compare_runs' answer.
type Comparison struct {
	Metrics []MetricDiff `json:"metrics"`
	Config  []ConfDiff   `json:"config" jsonschema:"Spark properties that differ"`
}

// MetricDiff is one metric of two runs.
type MetricDiff struct {
	Metric string  `json:"metric"`
	A      float64 `json:"a"`
	B      float64 `json:"b"`
	Ratio  float64 `json:"ratio,omitempty" jsonschema:"b ÷ a"`
}

// ConfDiff is one property of two runs ("" when unset).
type ConfDiff struct {
	Key string `json:"key"`
	A   string `json:"a"`
	B   string `json:"b"`
}

var compared = []string{"duration_ms", "est_cost_usd", "est_waste_usd", "executor_time_ms", "task_time_ms", "utilization", "max_executors", "input_bytes", "shuffle_read_bytes", "shuffle_write_bytes", "memory_spilled_bytes", "disk_spilled_bytes", "gc_time_ms", "failed_tasks", "findings"}

// CompareRuns compares two runs' metrics and configuration.
func (f *Fleet) CompareRuns(ctx context.Context, in CompareInput) (Comparison, error) {
	var rows [2]map[string]any
	for i, a := range []AppInput{in.A, in.B} {
		r, err := f.rows(ctx, "SELECT * FROM apps WHERE app_id = ? AND (? = '' OR attempt_id = ?) ORDER BY attempt_id DESC LIMIT 1", a.AppID, a.AttemptID, a.AttemptID)
		if err != nil {
			return Comparison{}, err
		}
		if len(r) == 0 {
			return Comparison{}, fmt.Errorf("no app %q in the dataset", a.AppID)
		}
		rows[i] = r[0]
	}
	var c Comparison
	for _, m := range compared {
		a, b := number(rows[0][m]), number(rows[1][m])
		d := MetricDiff{Metric: m, A: a, B: b}
		if a != 0 {
			d.Ratio = b / a
		}
		c.Metrics = append(c.Metrics, d)
	}
	var confs [2]map[string]string
	for i := range rows {
		s, _ := rows[i]["spark_conf"].(string)
		_ = json.Unmarshal([]byte(s), &confs[i])
	}
	keys := map[string]bool{}
	for _, m := range confs {
		for k := range m {
			keys[k] = true
		}
	}
	for _, k := range sortedKeys(keys) {
		if confs[0][k] != confs[1][k] {
			c.Config = append(c.Config, ConfDiff{k, confs[0][k], confs[1][k]})
		}
	}
	return c, nil
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case int32:
		return float64(v)
	case float64:
		return v
	case float32:
		return float64(v)
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// FindingInput names a finding: by its id where the dataset has finding
// ids, else by app, detector and stage.
type FindingInput struct {
	FindingID string `json:"finding_id,omitempty"`
	AppID     string `json:"app_id,omitempty"`
	Detector  string `json:"detector,omitempty"`
	StageID   *int64 `json:"stage_id,omitempty"`
}

// Explained is explain_finding's answer: the finding, and the numbers of
// the stage it is about.
type Explained struct {
	Finding map[string]any `json:"finding"`
	Stage   map[string]any `json:"stage,omitempty"`
	App     map[string]any `json:"app"`
}

// ExplainFinding returns a finding with its evidence and recommendations,
// and the stage and app it is about.
func (f *Fleet) ExplainFinding(ctx context.Context, in FindingInput) (Explained, error) {
	var w where
	if in.FindingID != "" && f.has("findings", "finding_id") {
		w.add("finding_id = ?", in.FindingID)
	} else {
		if in.AppID == "" || in.Detector == "" {
			return Explained{}, fmt.Errorf("name a finding by finding_id, or by app_id and detector")
		}
		w.add("app_id = ?", in.AppID)
		w.add("detector = ?", in.Detector)
		if in.StageID != nil {
			w.add("stage_id = ?", *in.StageID)
		}
	}
	fs, err := f.rows(ctx, "SELECT * FROM findings"+w.String()+" ORDER BY est_waste_usd DESC LIMIT 1", w.args...)
	if err != nil {
		return Explained{}, err
	}
	if len(fs) == 0 {
		return Explained{}, fmt.Errorf("no such finding")
	}
	e := Explained{Finding: fs[0]}
	app, att := fs[0]["app_id"], fs[0]["attempt_id"]
	if st := fs[0]["stage_id"]; st != nil {
		s, err := f.rows(ctx, "SELECT * FROM stages WHERE app_id = ? AND attempt_id = ? AND stage_id = ? ORDER BY stage_attempt_id DESC LIMIT 1", app, att, st)
		if err != nil {
			return Explained{}, err
		}
		if len(s) > 0 {
			e.Stage = s[0]
		}
	}
	a, err := f.rows(ctx, "SELECT "+appColumns+" FROM apps WHERE app_id = ? AND attempt_id = ?", app, att)
	if err != nil {
		return Explained{}, err
	}
	if len(a) > 0 {
		e.App = a[0]
	}
	return e, nil
}

// QueryInput is read-only SQL over the dataset's tables.
type QueryInput struct {
	SQL string `json:"sql" jsonschema:"one DuckDB SELECT statement over the tables described in the resources"`
}

// QueryResult is the answer to query.
type QueryResult struct {
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated" jsonschema:"the row or byte limit cut the result"`
}

// Query runs read-only SQL under the limits.
func (f *Fleet) Query(ctx context.Context, in QueryInput) (QueryResult, error) {
	res, err := f.DB.Query(ctx, in.SQL)
	if err != nil {
		return QueryResult{}, err
	}
	for _, r := range res.Rows {
		for i := range r {
			r[i] = jsonable(r[i])
		}
	}
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
	return QueryResult{res.Columns, res.Rows, res.Truncated}, nil
}
