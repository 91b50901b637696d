//go:build cgo

package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/analyze/llm/llmtest"
	"github.com/sparkmine/sparkmine/store/sqldb"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// askCase is a question, the reference SQL that answers it, and the SQL
// the scripted model answers with: written differently (other aliases,
// CTEs, window functions, subqueries), so equal results say the model's
// query was checked, run and printed as it was written.
type askCase struct{ question, reference, model string }

var askCases = []askCase{
	{"How many applications are in the dataset?", "SELECT count(*) FROM apps", "SELECT COUNT(app_id) AS apps FROM apps a;"},
	{"Which user spent the most?", "SELECT user, sum(est_cost_usd) c FROM apps GROUP BY user ORDER BY c DESC LIMIT 1",
		"WITH per_user AS (SELECT a.user AS who, SUM(a.est_cost_usd) AS spend FROM apps AS a GROUP BY 1) SELECT who, spend FROM per_user ORDER BY spend DESC LIMIT 1"},
	{"What did each queue cost?", "SELECT queue, sum(est_cost_usd) FROM apps GROUP BY queue",
		"SELECT q.queue, SUM(q.est_cost_usd) AS total FROM apps q GROUP BY q.queue ORDER BY total DESC"},
	{"Which apps failed?", "SELECT app_id FROM apps WHERE status = 'failed'", "SELECT a.app_id FROM apps a WHERE a.status IN ('failed') ORDER BY 1"},
	{"Top 3 jobs by wasted cost", "SELECT job_key, sum(est_waste_usd) w FROM apps GROUP BY job_key ORDER BY w DESC LIMIT 3",
		"SELECT job_key, SUM(est_waste_usd) AS waste FROM apps GROUP BY ALL ORDER BY waste DESC LIMIT 3"},
	{"How many apps ended on each day?", "SELECT dt, count(*) FROM apps GROUP BY dt",
		"SELECT CAST(a.dt AS DATE) AS day, COUNT(*) AS n FROM apps a GROUP BY day ORDER BY day"},
	{"Average duration in minutes per job", "SELECT job_key, avg(duration_ms) / 60000.0 FROM apps GROUP BY job_key",
		"SELECT job_key, AVG(duration_ms / 60000.0) AS minutes FROM apps GROUP BY job_key"},
	{"Which detectors fired, and how often?", "SELECT detector, count(*) FROM findings GROUP BY detector",
		"SELECT f.detector, COUNT(f.finding_id) FROM findings f GROUP BY f.detector ORDER BY 2 DESC"},
	{"Which apps have a critical finding?", "SELECT DISTINCT app_id FROM findings WHERE severity = 'critical'",
		"SELECT a.app_id FROM apps a WHERE EXISTS (SELECT 1 FROM findings f WHERE f.app_id = a.app_id AND f.severity = 'critical')"},
	{"Which user owns the most failed apps?", "SELECT user, count(*) n FROM apps WHERE status = 'failed' GROUP BY user ORDER BY n DESC, user LIMIT 1",
		`SELECT "user", COUNT(*) AS failures FROM apps WHERE status = 'failed' GROUP BY "user" ORDER BY failures DESC, "user" ASC LIMIT 1`},
	{"Shuffle read in GiB of each app that ended on 2026-11-22", "SELECT app_id, shuffle_read_bytes / 1073741824.0 FROM apps WHERE dt = DATE '2026-11-22'",
		"SELECT a.app_id, a.shuffle_read_bytes / POWER(1024, 3) AS gib FROM apps a WHERE a.dt = '2026-11-22'"},
	{"The slowest stage's duration in each app", "SELECT app_id, max(duration_ms) FROM stages GROUP BY app_id",
		"SELECT app_id, duration_ms FROM (SELECT app_id, duration_ms, row_number() OVER (PARTITION BY app_id ORDER BY duration_ms DESC) AS rn FROM stages) WHERE rn = 1"},
	{"How many stages failed?", "SELECT count(*) FROM stages WHERE status = 'FAILED'",
		"SELECT SUM(CASE WHEN s.status = 'FAILED' THEN 1 ELSE 0 END) AS failed FROM stages s"},
	{"Average utilization per queue", "SELECT queue, avg(utilization) FROM apps GROUP BY queue",
		"SELECT queue, SUM(utilization) / COUNT(utilization) AS util FROM apps GROUP BY queue"},
	{"How many executors did each app have?", "SELECT app_id, count(*) FROM executors GROUP BY app_id",
		"SELECT e.app_id, COUNT(DISTINCT e.executor_id) FROM executors e GROUP BY 1"},
	{"Which app had the most executors at once?", "SELECT app_id, max_executors FROM apps ORDER BY max_executors DESC, app_id LIMIT 1",
		"SELECT app_id, max_executors FROM apps WHERE max_executors = (SELECT MAX(max_executors) FROM apps) ORDER BY app_id LIMIT 1"},
	{"GC time per user, in seconds", "SELECT user, sum(gc_time_ms) / 1000.0 FROM apps GROUP BY user",
		"SELECT a.user, SUM(a.gc_time_ms / 1000.0) AS gc_s FROM apps a GROUP BY a.user"},
	{"SQL queries per app", "SELECT app_id, count(*) FROM queries GROUP BY app_id",
		"SELECT app_id, COUNT(execution_id) AS queries FROM queries GROUP BY app_id"},
	{"The longest SQL query", "SELECT app_id, execution_id, duration_ms FROM queries ORDER BY duration_ms DESC, app_id, execution_id LIMIT 1",
		"SELECT q.app_id, q.execution_id, q.duration_ms FROM queries q ORDER BY q.duration_ms DESC, q.app_id, q.execution_id LIMIT 1 OFFSET 0"},
	{"The five most common operators in query plans", "SELECT name, count(*) n FROM plan_nodes GROUP BY name ORDER BY n DESC, name LIMIT 5",
		"WITH ops AS (SELECT p.name AS op FROM plan_nodes p) SELECT op, COUNT(*) AS cnt FROM ops GROUP BY op ORDER BY cnt DESC, op LIMIT 5"},
	{"The cheapest simulated configuration's cost per app", "SELECT app_id, min(est_cost_usd) FROM simulations GROUP BY app_id",
		"SELECT s.app_id, MIN(s.est_cost_usd) AS cheapest FROM simulations AS s GROUP BY ALL"},
	{"How much would right-sizing save in all?", "SELECT sum(rightsize_saving_usd) FROM apps",
		"SELECT SUM(a.rightsize_saving_usd) AS saving FROM apps a"},
	{"Which apps ended on the last day in the data?", "SELECT app_id FROM apps WHERE dt = (SELECT max(dt) FROM apps)",
		"WITH last AS (SELECT MAX(dt) AS d FROM apps) SELECT a.app_id FROM apps a JOIN last ON a.dt = last.d"},
	{"Which stages took over a minute?", "SELECT app_id, stage_id FROM stages WHERE duration_ms > 60000",
		"SELECT s.app_id, s.stage_id FROM stages s WHERE s.duration_ms / 1000 > 60"},
	{"How many distinct users per queue?", "SELECT queue, count(DISTINCT user) FROM apps GROUP BY queue",
		"SELECT queue, COUNT(*) FROM (SELECT DISTINCT queue, user FROM apps) GROUP BY queue"},
	{"Which jobs ran more than twice?", "SELECT job_key FROM apps GROUP BY job_key HAVING count(*) > 2",
		"SELECT job_key FROM (SELECT job_key, COUNT(*) AS runs FROM apps GROUP BY job_key) t WHERE t.runs >= 3"},
	{"Input bytes per job", "SELECT job_key, sum(input_bytes) FROM apps GROUP BY job_key",
		"SELECT a.job_key AS job, SUM(a.input_bytes) AS input FROM apps a GROUP BY job"},
	{"Apps with failed tasks, and how many", "SELECT app_id, failed_tasks FROM apps WHERE failed_tasks > 0",
		"SELECT app_id, failed_tasks FROM apps WHERE NOT failed_tasks = 0"},
	{"Each finding's detector with its app's user", "SELECT f.detector, a.user FROM findings f JOIN apps a ON f.app_id = a.app_id",
		"SELECT fi.detector, (SELECT ap.user FROM apps ap WHERE ap.app_id = fi.app_id) AS owner FROM findings fi"},
	{"What share of the fleet's cost is wasted?", "SELECT sum(est_waste_usd) / sum(est_cost_usd) FROM apps",
		"SELECT SUM(a.est_waste_usd) / NULLIF(SUM(a.est_cost_usd), 0) AS waste_share FROM apps a"},
	{"Average used core time per Spark version", "SELECT spark_version, avg(task_time_ms) FROM apps GROUP BY 1",
		"SELECT a.spark_version, AVG(a.task_time_ms) FROM apps a GROUP BY a.spark_version"},
	{"Stages per app, most first", "SELECT app_id, count(*) n FROM stages GROUP BY app_id ORDER BY n DESC, app_id",
		"SELECT app_id, COUNT(stage_id) FROM stages GROUP BY app_id ORDER BY COUNT(stage_id) DESC, app_id"},
}

// scripted answers each request with the JSON the script gives for its
// question (the text after "Question: "), n counting the requests.
func scripted(t *testing.T, script func(n int, question, text string) ask.Answer) *llmtest.Server {
	t.Helper()
	return llmtest.New(t, func(n int, req llmtest.Request) (int, any) {
		text := req.Text()
		_, q, _ := strings.Cut(text, "Question: ")
		q, _, _ = strings.Cut(q, "\n")
		b, _ := json.Marshal(script(n, q, text))
		return 200, llmtest.OKAnswer(string(b))
	})
}

// memBlobs is an in-memory cache or audit store.
type memBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (b *memBlobs) Get(_ context.Context, name string) ([]byte, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[name]
	return v, ok, nil
}

func (b *memBlobs) Put(_ context.Context, name string, val []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string][]byte{}
	}
	b.m[name] = append([]byte(nil), val...)
	return nil
}

// asker returns an Asker on srv (nil: the dry-run model) with cache and
// audit in memory.
func asker(t *testing.T, srv *llmtest.Server, cfg diagnose.Config) (*ask.Asker, *memBlobs, *memBlobs) {
	t.Helper()
	var model llm.Model = llm.DryRun{}
	if srv != nil {
		g, err := llm.NewGemini(context.Background(), llm.GeminiConfig{Model: cfg.Model, BaseURL: srv.URL(), Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		model = g
	}
	cache, audit := &memBlobs{}, &memBlobs{}
	return ask.New(cfg, ask.Config{}, ask.Deps{Model: model, Cache: cache, Audit: audit, Version: "test"}), cache, audit
}

func openGenerated(t *testing.T) *Fleet {
	t.Helper()
	f, err := Open(context.Background(), generatedOnce(t), sqldb.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

var (
	genOnce sync.Once
	genRoot string
)

// generatedOnce makes the generated dataset once per test binary, in a
// folder TestMain removes.
func generatedOnce(t *testing.T) string {
	genOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sparkmine-ask-")
		if err != nil {
			t.Fatal(err)
		}
		genRoot = generatedDataset(t, dir)
	})
	if genRoot == "" {
		t.Fatal("the generated dataset failed in an earlier test")
	}
	return genRoot
}

func TestMain(m *testing.M) {
	code := m.Run()
	if genRoot != "" {
		os.RemoveAll(genRoot)
	}
	os.Exit(code)
}

// TestAskQuestions: 32 questions, each answered by the scripted model
// with SQL written differently from the reference; the model's SQL is
// checked, run, and its result equals the reference SQL's run directly.
func TestAskQuestions(t *testing.T) {
	f := openGenerated(t)
	byQuestion := map[string]askCase{}
	for _, c := range askCases {
		byQuestion[c.question] = c
	}
	srv := scripted(t, func(_ int, q, _ string) ask.Answer {
		return ask.Answer{SQL: byQuestion[q].model, Explanation: "scripted", Assumptions: []string{}}
	})
	a, _, _ := asker(t, srv, diagnose.DefaultConfig())
	nonEmpty := 0
	for _, c := range askCases {
		ans, err := f.Ask(context.Background(), a, c.question)
		if err != nil {
			t.Errorf("%q: %v", c.question, err)
			continue
		}
		if ans.Row.Status != ask.StatusChecked || ans.Row.SQL != c.model || ans.Row.Requests != 1 {
			t.Errorf("%q: row %+v, want checked, the model's SQL, one request", c.question, ans.Row)
		}
		want, err := f.DB.Query(context.Background(), c.reference)
		if err != nil {
			t.Fatalf("reference of %q: %v", c.question, err)
		}
		ordered := strings.Contains(strings.ToUpper(c.reference), "ORDER BY")
		if got, w := cells(ans.Result, ordered), cells(want, ordered); !slices.Equal(got, w) {
			t.Errorf("%q:\n model %s\n   got %v\n  want %v", c.question, c.model, got, w)
		}
		if int(ans.Row.Rows) != len(want.Rows) {
			t.Errorf("%q: row says %d rows, the reference has %d", c.question, ans.Row.Rows, len(want.Rows))
		}
		if len(want.Rows) > 0 && !allNull(want) {
			nonEmpty++
		}
	}
	if nonEmpty < len(askCases)-2 {
		t.Errorf("only %d of %d reference answers hold values: the dataset does not exercise the questions", nonEmpty, len(askCases))
	}
}

// TestAskQuestionsDuckDBNode: the model's answers equal the reference SQL
// run by a second, independent reader — DuckDB's node client over the
// same Parquet files, outside sparkmine's views, lock and limits.
func TestAskQuestionsDuckDBNode(t *testing.T) {
	node := duckdbtest.Open(t)
	f := openGenerated(t)
	stmts := []string{}
	for _, tbl := range f.DB.Tables() {
		stmts = append(stmts, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet('%s', hive_partitioning = true, union_by_name = true)",
			tbl, filepath.Join(generatedOnce(t), tbl, "*", "*.parquet")))
	}
	for _, c := range askCases {
		stmts = append(stmts, c.reference)
	}
	results := node.Query(t, stmts...)[len(f.DB.Tables()):]
	byQuestion := map[string]askCase{}
	for _, c := range askCases {
		byQuestion[c.question] = c
	}
	srv := scripted(t, func(_ int, q, _ string) ask.Answer {
		return ask.Answer{SQL: byQuestion[q].model, Explanation: "scripted", Assumptions: []string{}}
	})
	a, _, _ := asker(t, srv, diagnose.DefaultConfig())
	for i, c := range askCases {
		ans, err := f.Ask(context.Background(), a, c.question)
		if err != nil {
			t.Fatalf("%q: %v", c.question, err)
		}
		// The reference's column order, which node's row objects do not keep.
		ref, err := f.DB.Query(context.Background(), c.reference)
		if err != nil {
			t.Fatal(err)
		}
		ordered := strings.Contains(strings.ToUpper(c.reference), "ORDER BY")
		if got, want := cells(ans.Result, ordered), nodeCells(results[i], ref.Columns, ordered); !slices.Equal(got, want) {
			t.Errorf("%q:\n model %s\n   got %v\n  node %v", c.question, c.model, got, want)
		}
	}
}

// nodeCells are node's rows as cells lines (see cells): its BIGINTs and
// dates come as strings, its doubles as numbers.
func nodeCells(rows []duckdbtest.Row, columns []string, ordered bool) []string {
	var out []string
	for _, r := range rows {
		line := make([]string, len(columns))
		for j, c := range columns {
			switch v := r[c].(type) {
			case nil:
			case float64:
				line[j] = strconv.FormatFloat(v, 'g', 10, 64)
			default:
				line[j] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(line, " | "))
	}
	if !ordered {
		slices.Sort(out)
	}
	return out
}

// cells are a result's rows as lines of cells, floats to 10 significant
// digits (sums in another order differ in the last bits), sorted unless
// the order is part of the answer.
func cells(res *sqldb.Result, ordered bool) []string {
	var out []string
	for _, row := range res.Cells() {
		for i, c := range row {
			if f, err := strconv.ParseFloat(c, 64); err == nil && strings.ContainsAny(c, ".e") {
				row[i] = strconv.FormatFloat(f, 'g', 10, 64)
			}
		}
		out = append(out, strings.Join(row, " | "))
	}
	if !ordered {
		slices.Sort(out)
	}
	return out
}

func allNull(res *sqldb.Result) bool {
	for _, r := range res.Rows {
		for _, v := range r {
			if v != nil {
				return false
			}
		}
	}
	return true
}

// TestAskRejected: a first answer that names a made-up column or table,
// holds two statements, writes, copies, attaches, loads or is not JSON
// goes back to the model with the reason; a good second answer is
// checked and run, a bad one gives up: ErrRejected, status rejected, the
// dataset unchanged.
func TestAskRejected(t *testing.T) {
	f := openGenerated(t)
	const good = "SELECT count(*) FROM apps"
	bad := map[string]string{
		"made-up column":   "SELECT total_cost FROM apps",
		"made-up table":    "SELECT * FROM jobs",
		"two statements":   "SELECT 1; SELECT 2",
		"select then drop": "SELECT count(*) FROM apps; DROP VIEW apps",
		"insert":           "INSERT INTO apps (app_id) VALUES ('x')",
		"copy":             "COPY (SELECT * FROM apps) TO '/tmp/apps.csv'",
		"attach":           "ATTACH '/tmp/x.db' AS x",
		"load":             "LOAD httpfs",
		"read a file":      "SELECT * FROM read_csv('/etc/passwd')",
	}
	for name, sql := range bad {
		t.Run(name+"/retry", func(t *testing.T) {
			var second string
			srv := scripted(t, func(n int, _, text string) ask.Answer {
				if n == 1 {
					return ask.Answer{SQL: sql, Explanation: "bad", Assumptions: []string{}}
				}
				second = text
				return ask.Answer{SQL: good, Explanation: "good", Assumptions: []string{}}
			})
			a, _, audit := asker(t, srv, diagnose.DefaultConfig())
			ans, err := f.Ask(context.Background(), a, "How many apps? ("+name+")")
			if err != nil || ans.Row.Status != ask.StatusChecked || ans.Row.Requests != 2 || ans.Row.SQL != good {
				t.Fatalf("%v, row %+v; want checked on the second request", err, ans.Row)
			}
			if !strings.Contains(second, "Previous answer: ") || !strings.Contains(second, sql) || !strings.Contains(ans.Row.Reason, "first answer refused") {
				t.Errorf("the retry did not carry the refused SQL and its reason:\n%s\nrow reason %q", second, ans.Row.Reason)
			}
			if len(audit.m) != 4 { // two prompts, two responses
				t.Errorf("audit holds %d blobs, want 4", len(audit.m))
			}
		})
		t.Run(name+"/give up", func(t *testing.T) {
			srv := scripted(t, func(int, string, string) ask.Answer {
				return ask.Answer{SQL: sql, Explanation: "bad", Assumptions: []string{}}
			})
			a, cache, _ := asker(t, srv, diagnose.DefaultConfig())
			ans, err := f.Ask(context.Background(), a, "How many apps? ("+name+")")
			if !errors.Is(err, ask.ErrRejected) || ans.Row.Status != ask.StatusRejected || ans.Row.Requests != 2 || ans.Result != nil {
				t.Fatalf("%v, row %+v; want ErrRejected after two requests", err, ans.Row)
			}
			if !strings.Contains(ans.Row.Reason, "first: ") || !strings.Contains(ans.Row.Reason, "second: ") || ans.Row.SQL != sql {
				t.Errorf("row reason %q, sql %q", ans.Row.Reason, ans.Row.SQL)
			}
			if len(cache.m) != 0 {
				t.Errorf("a rejected answer was cached")
			}
			t.Logf("%s: %s", name, ans.Row.Reason)
		})
	}
	res, err := f.DB.Query(context.Background(), "SELECT count(*) FROM apps")
	if err != nil || fmt.Sprint(res.Rows[0][0]) != "16" {
		t.Errorf("after the attempts: %v %v, want 16 apps", res, err)
	}
}

// TestAskNotJSON: an answer that is not the schema's JSON is refused and
// retried like bad SQL.
func TestAskNotJSON(t *testing.T) {
	f := openGenerated(t)
	srv := llmtest.New(t, func(n int, _ llmtest.Request) (int, any) {
		if n == 1 {
			return 200, llmtest.OKAnswer(`{"query": "SELECT 1"}`)
		}
		return 200, llmtest.OKAnswer(`{"sql": "SELECT 1 AS one", "explanation": "one", "assumptions": []}`)
	})
	a, _, _ := asker(t, srv, diagnose.DefaultConfig())
	ans, err := f.Ask(context.Background(), a, "one?")
	if err != nil || ans.Row.Requests != 2 || !strings.Contains(ans.Row.Reason, "no sql field") {
		t.Errorf("%v, row %+v", err, ans.Row)
	}
}

// TestAskNoAnswer: an empty sql is the model saying the data cannot
// answer: ErrNoAnswer with its explanation, status no_answer, one request.
func TestAskNoAnswer(t *testing.T) {
	f := openGenerated(t)
	srv := scripted(t, func(int, string, string) ask.Answer {
		return ask.Answer{SQL: "", Explanation: "the dataset holds no weather", Assumptions: []string{}}
	})
	a, _, _ := asker(t, srv, diagnose.DefaultConfig())
	ans, err := f.Ask(context.Background(), a, "What was the weather in Paris?")
	if !errors.Is(err, ask.ErrNoAnswer) || ans.Row.Status != ask.StatusNoAnswer || ans.Row.Requests != 1 || !strings.Contains(err.Error(), "no weather") {
		t.Errorf("%v, row %+v", err, ans.Row)
	}
}

// TestAskCached: the same question asked again is answered from the
// cache without a request, its SQL checked and run again; another model
// or another question is not.
func TestAskCached(t *testing.T) {
	f := openGenerated(t)
	srv := scripted(t, func(int, string, string) ask.Answer {
		return ask.Answer{SQL: "SELECT count(*) AS n FROM apps", Explanation: "count", Assumptions: []string{"all days"}}
	})
	a, cache, _ := asker(t, srv, diagnose.DefaultConfig())
	first, err := f.Ask(context.Background(), a, "How many apps?")
	if err != nil || first.Row.Cached || first.Row.InputTokens == 0 || first.Row.CostUSD == 0 {
		t.Fatalf("first: %v %+v", err, first.Row)
	}
	again, err := f.Ask(context.Background(), a, "  How many apps? ")
	if n, _, _ := srv.Stats(); err != nil || n != 1 || !again.Row.Cached || again.Row.Requests != 0 || again.Row.InputTokens != 0 || again.Row.CostUSD != 0 {
		t.Fatalf("again: %v, %d requests, row %+v; want cached, no request", err, n, again.Row)
	}
	if fmt.Sprint(again.Result.Rows) != fmt.Sprint(first.Result.Rows) || again.Row.Rows != 1 || again.Row.ModelVersion != "gemini-2.5-flash-001" {
		t.Errorf("cached answer ran to %v, first %v", again.Result.Rows, first.Result.Rows)
	}
	for k, v := range cache.m { // an answer whose SQL no longer checks (a column gone) is asked again
		cache.m[k] = []byte(strings.Replace(string(v), "count(*) AS n FROM apps", "count(gone) FROM apps", 1))
	}
	if ans, err := f.Ask(context.Background(), a, "How many apps?"); err != nil || ans.Row.Cached || ans.Row.Requests != 1 {
		t.Errorf("stale cache entry: %v, row %+v; want asked again", err, ans.Row)
	}
	other := diagnose.DefaultConfig()
	other.Model = "gemini-2.5-pro"
	b := ask.New(other, ask.Config{}, ask.Deps{Model: mustGemini(t, srv, other.Model), Cache: cache})
	if ans, _ := f.Ask(context.Background(), b, "How many apps?"); ans.Row.Cached {
		t.Error("another model's question was answered from the cache")
	}
	if ans, _ := f.Ask(context.Background(), a, "How many apps failed?"); ans.Row.Cached {
		t.Error("another question was answered from the cache")
	}
}

func mustGemini(t *testing.T, srv *llmtest.Server, model string) llm.Model {
	g, err := llm.NewGemini(context.Background(), llm.GeminiConfig{Model: model, BaseURL: srv.URL(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestAskPrompt: the same question gives the byte-identical prompt; the
// prompt holds the schema with meanings and the date range but no row
// data; the question is redacted before it is sent or stored; dry-run
// sends nothing; a budget too small sends nothing.
func TestAskPrompt(t *testing.T) {
	f := openGenerated(t)
	var bodies []string
	srv := scripted(t, func(_ int, _, text string) ask.Answer {
		bodies = append(bodies, text)
		return ask.Answer{SQL: "SELECT 1", Explanation: "x", Assumptions: []string{}}
	})
	dry, _, audit := asker(t, nil, diagnose.DefaultConfig())
	q := "Which jobs wasted the most? password=hunter2"
	one, err := f.Ask(context.Background(), dry, q)
	two, err2 := f.Ask(context.Background(), dry, q)
	if err != nil || err2 != nil || one.Row.Status != ask.StatusDryRun || string(one.Prompt.Doc) != string(two.Prompt.Doc) {
		t.Fatalf("dry runs: %v %v %s; want two identical dry-run prompts", err, err2, one.Row.Status)
	}
	if n, _, _ := srv.Stats(); n != 0 || audit.m[one.Prompt.SHA256+".json"] == nil {
		t.Errorf("dry run: %d requests; prompt stored %v", n, audit.m[one.Prompt.SHA256+".json"] != nil)
	}
	doc := string(one.Prompt.Doc)
	for _, want := range []string{"| est_waste_usd | DOUBLE | estimated cost wasted", "apps.dt from 2026-11-20 to 2026-11-25", "DuckDB", "Never invent a table or a column", "Which jobs wasted the most?"} {
		if !strings.Contains(doc, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	rows, err := f.DB.Query(context.Background(), "SELECT app_id, app_name, user, queue, source_uri FROM apps")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows.Rows {
		for _, v := range r {
			if s := fmt.Sprint(v); strings.Contains(doc, s) {
				t.Errorf("prompt holds row data %q", s)
			}
		}
	}
	if strings.Contains(doc, "hunter2") || strings.Contains(one.Row.Question, "hunter2") {
		t.Error("the question's secret reached the prompt or the row")
	}
	live, _, _ := asker(t, srv, diagnose.DefaultConfig())
	if _, err := f.Ask(context.Background(), live, q); err != nil || len(bodies) != 1 || strings.Contains(bodies[0], "hunter2") {
		t.Errorf("live ask: %v, %d requests; secret sent %v", err, len(bodies), len(bodies) > 0 && strings.Contains(bodies[0], "hunter2"))
	}
	small := diagnose.DefaultConfig()
	small.MaxInputTokens = 100
	poor, _, _ := asker(t, srv, small)
	ans, err := f.Ask(context.Background(), poor, "How many apps?")
	if err == nil || ans.Row.Status != ask.StatusSkippedBudget || len(bodies) != 1 {
		t.Errorf("over budget: %v, row %+v, %d requests; want skipped_budget and no request", err, ans.Row, len(bodies))
	}
}

// TestAskSampleValues: only with ask.sample_values does the prompt list
// the values of few-valued text columns (row data), and then a cached
// answer given without them does not serve.
func TestAskSampleValues(t *testing.T) {
	f := openGenerated(t)
	with := ask.New(diagnose.DefaultConfig(), ask.Config{SampleValues: true}, ask.Deps{Model: llm.DryRun{}})
	ans, err := f.Ask(context.Background(), with, "Which user failed most?")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(ans.Prompt.Doc)
	for _, want := range []string{`apps.user: 'alice', 'bob', 'carol', 'dave'\n`, `apps.status: 'failed', 'succeeded'\n`, `apps.queue: 'adhoc', 'etl', 'ml'\n`} {
		if !strings.Contains(doc, want) {
			t.Errorf("prompt with sample values lacks %q", want)
		}
	}
	if strings.Contains(doc, "apps.app_id:") || strings.Contains(doc, "application_1763600000000_0001") {
		t.Error("a column of more than ask.MaxSampleValues values was listed")
	}
	without := ask.New(diagnose.DefaultConfig(), ask.Config{}, ask.Deps{Model: llm.DryRun{}})
	plain, err := f.Ask(context.Background(), without, "Which user failed most?")
	if err != nil || strings.Contains(string(plain.Prompt.Doc), "alice") || plain.Row.SchemaSHA256 == ans.Row.SchemaSHA256 {
		t.Errorf("without sample values: %v; the prompt names a user %v; same schema hash %v", err,
			strings.Contains(string(plain.Prompt.Doc), "alice"), plain.Row.SchemaSHA256 == ans.Row.SchemaSHA256)
	}
}

// TestAskModelFails: a failing API or a withheld answer is an error with
// status error, after the one request (retries are the model's own).
func TestAskModelFails(t *testing.T) {
	f := openGenerated(t)
	answers := map[string]func() (int, any){
		"HTTP 500": func() (int, any) { return 500, llmtest.APIError(500, "INTERNAL", "boom") },
		"safety": func() (int, any) {
			a := llmtest.OKAnswer(`{"sql": "SELECT 1", "explanation": "x", "assumptions": []}`)
			a["candidates"].([]any)[0].(map[string]any)["finishReason"] = "SAFETY"
			return 200, a
		},
	}
	for name, answer := range answers {
		srv := llmtest.New(t, func(int, llmtest.Request) (int, any) { return answer() })
		a, cache, _ := asker(t, srv, diagnose.DefaultConfig())
		ans, err := f.Ask(context.Background(), a, "How many apps?")
		if err == nil || ans.Row.Status != ask.StatusError || ans.Row.Requests != 1 || ans.Row.Reason == "" || len(cache.m) != 0 {
			t.Errorf("%s: %v, row %+v; want an error row after one request, nothing cached", name, err, ans.Row)
		}
	}
}
