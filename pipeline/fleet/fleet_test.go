//go:build cgo

package fleet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/sqldb"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// sharedLogs is where the real Spark logs are (read in place).
const sharedLogs = "../../../shared/eventlogs"

// realDataset runs the pipeline over every shared real log into a new
// folder and returns it.
func realDataset(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("the shared Spark logs are not at %s: %v", sharedLogs, err)
	}
	out := t.TempDir()
	runPipeline(t, sharedLogs, out)
	return out
}

// runPipeline runs the pipeline over the logs in src into the folder out;
// unreadable logs (the real set has some) are the run's, not the test's.
func runPipeline(t testing.TB, src, out string) {
	t.Helper()
	from, err := local.New(src)
	if err != nil {
		t.Fatal(err)
	}
	to, err := local.New(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Run(context.Background(), pipeline.Options{Source: from, Out: to, Workers: 2, Analyze: analyze.DefaultConfig(), IncludeIncomplete: true}); err != nil && !errors.Is(err, pipeline.ErrPartial) {
		t.Fatal(err)
	}
}

// session serves a fleet over in-memory transports to the SDK's client.
func session(t *testing.T, root string) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	f, err := Open(ctx, root, sqldb.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ct, st := mcp.NewInMemoryTransports()
	ss, err := NewServer(f, "test").Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and returns its structured answer.
func call(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) map[string]any {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error %v", name, res.Content[0].(*mcp.TextContent).Text)
	}
	out, ok := res.StructuredContent.(map[string]any)
	if !ok {
		t.Fatalf("%s: structured content %T", name, res.StructuredContent)
	}
	return out
}

// TestMCP: the SDK's client initializes, lists the tools, resources and
// prompts, and calls every tool; each answer equals the same question put
// to DuckDB (node) over the same files.
func TestMCP(t *testing.T) {
	root := realDataset(t)
	cs := session(t, root)
	ctx := context.Background()
	if got := cs.InitializeResult().ServerInfo.Name; got != "sparkmine" {
		t.Errorf("server name %q", got)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
		if tl.InputSchema == nil || tl.OutputSchema == nil {
			t.Errorf("%s: input or output schema missing", tl.Name)
		}
	}
	slices.Sort(names)
	if want := []string{"compare_runs", "explain_finding", "get_app", "list_apps", "query", "top_waste"}; !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}
	res, err := cs.ListResources(ctx, nil)
	if err != nil || len(res.Resources) < 4 {
		t.Fatalf("resources: %v, %v", res, err)
	}
	apps, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "sparkmine://schema/apps"})
	if err != nil || !contains(apps.Contents[0].Text, "| est_waste_usd | DOUBLE | estimated cost wasted") {
		t.Errorf("apps schema resource: %v %v", apps, err)
	}
	prompts, err := cs.ListPrompts(ctx, nil)
	if err != nil || len(prompts.Prompts) != 2 {
		t.Errorf("prompts: %v, %v", prompts, err)
	}

	db := duckdbtest.Open(t)
	glob := func(tbl string) string {
		return fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.Join(root, tbl, "*", "*.parquet"))
	}
	direct := func(q string) []duckdbtest.Row { return db.Query(t, q)[0] }

	listed := call(t, cs, "list_apps", map[string]any{"limit": 1000})["rows"].([]any)
	want := direct("SELECT count(*) AS n FROM " + glob("apps"))
	if fmt.Sprint(len(listed)) != fmt.Sprint(want[0]["n"]) {
		t.Errorf("list_apps: %d apps, DuckDB counts %v", len(listed), want[0]["n"])
	}
	failed := call(t, cs, "list_apps", map[string]any{"status": "failed", "limit": 1000})["rows"].([]any)
	want = direct("SELECT count(*) AS n FROM " + glob("apps") + " WHERE status = 'failed'")
	if fmt.Sprint(len(failed)) != fmt.Sprint(want[0]["n"]) || len(failed) == 0 {
		t.Errorf("list_apps failed: %d apps, DuckDB counts %v", len(failed), want[0]["n"])
	}

	top := call(t, cs, "top_waste", map[string]any{"by": "user", "limit": 100})["rows"].([]any)
	want = direct("WITH a AS (SELECT * FROM " + glob("apps") + "), w AS (SELECT max(dt) AS last FROM a) SELECT \"user\" AS name, round(sum(est_waste_usd), 6) AS waste FROM a, w WHERE dt BETWEEN last - INTERVAL 6 DAY AND last GROUP BY 1 ORDER BY waste DESC, name")
	if len(top) != len(want) {
		t.Fatalf("top_waste: %d users, DuckDB %d", len(top), len(want))
	}
	for i, r := range top {
		got := r.(map[string]any)
		if fmt.Sprintf("%.6f", got["waste_usd"]) != fmt.Sprintf("%.6f", want[i]["waste"].(float64)) || got["name"] != want[i]["name"] {
			t.Errorf("top_waste row %d: %v, DuckDB %v", i, got, want[i])
		}
	}

	// the app with the most findings, by DuckDB
	worst := direct("SELECT app_id, attempt_id, count(*) AS n FROM " + glob("findings") + " GROUP BY ALL ORDER BY n DESC, app_id LIMIT 1")[0]
	app := call(t, cs, "get_app", map[string]any{"app_id": worst["app_id"], "attempt_id": worst["attempt_id"]})
	if fmt.Sprint(len(app["findings"].([]any))) != fmt.Sprint(worst["n"]) {
		t.Errorf("get_app %v: %d findings, DuckDB %v", worst["app_id"], len(app["findings"].([]any)), worst["n"])
	}
	slow := direct("SELECT max(duration_ms) AS d FROM " + glob("stages") + fmt.Sprintf(" WHERE app_id = '%s' AND attempt_id = '%s'", worst["app_id"], worst["attempt_id"]))
	if st := app["worst_stages"].([]any); len(st) == 0 || fmt.Sprint(st[0].(map[string]any)["duration_ms"]) != fmt.Sprint(slow[0]["d"]) {
		t.Errorf("get_app slowest stage %v, DuckDB %v", st, slow[0]["d"])
	}

	f := app["findings"].([]any)[0].(map[string]any)
	ex := call(t, cs, "explain_finding", map[string]any{"app_id": f["app_id"], "detector": f["detector"]})
	if ex["finding"].(map[string]any)["detector"] != f["detector"] || ex["app"].(map[string]any)["app_id"] != worst["app_id"] {
		t.Errorf("explain_finding: %v", ex)
	}

	two := direct("SELECT app_id, attempt_id, spark_conf FROM " + glob("apps") + " WHERE spark_conf NOT IN ('', '{}') ORDER BY duration_ms DESC, app_id LIMIT 2")
	cmp := call(t, cs, "compare_runs", map[string]any{"a": map[string]any{"app_id": two[0]["app_id"], "attempt_id": two[0]["attempt_id"]}, "b": map[string]any{"app_id": two[1]["app_id"], "attempt_id": two[1]["attempt_id"]}})
	durs := direct("SELECT duration_ms FROM " + glob("apps") + " WHERE spark_conf NOT IN ('', '{}') ORDER BY duration_ms DESC, app_id LIMIT 2")
	m := cmp["metrics"].([]any)[0].(map[string]any)
	if m["metric"] != "duration_ms" || fmt.Sprintf("%.0f", m["a"]) != fmt.Sprint(durs[0]["duration_ms"]) || fmt.Sprintf("%.0f", m["b"]) != fmt.Sprint(durs[1]["duration_ms"]) {
		t.Errorf("compare_runs duration: %v, DuckDB %v", m, durs)
	}
	if conf, _ := cmp["config"].([]any); len(conf) == 0 && two[0]["spark_conf"] != two[1]["spark_conf"] {
		t.Error("compare_runs: two different apps with no configuration difference")
	}

	q := call(t, cs, "query", map[string]any{"sql": "SELECT detector, count(*) AS n FROM findings GROUP BY 1 ORDER BY n DESC, detector"})
	want = direct("SELECT detector, count(*) AS n FROM " + glob("findings") + " GROUP BY 1 ORDER BY n DESC, detector")
	if rows := q["rows"].([]any); len(rows) != len(want) || fmt.Sprint(rows[0].([]any)[0]) != want[0]["detector"] {
		t.Errorf("query: %v, DuckDB %v", rows, want)
	}
	// a refused query reaches the agent as a tool error, not a crash
	r, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "query", Arguments: map[string]any{"sql": "COPY apps TO '/tmp/x.csv'"}})
	if err != nil || !r.IsError {
		t.Errorf("COPY through query: %v, %v; want a tool error", r, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestTablesDescribed: every table of the dataset says what its row is.
func TestTablesDescribed(t *testing.T) {
	for _, name := range Tables() {
		if tableDocs[name] == "" {
			t.Errorf("table %s has no entry in tableDocs", name)
		}
	}
}
