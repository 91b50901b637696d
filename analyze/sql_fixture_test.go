package analyze

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/codec"
)

// A generated SQL log: one query whose plan, stage tasks and operator
// metric values a case sets, written as Spark writes its events and read
// by extract.Builder, so the detectors see what a real log would give.

// pnode is a plan node; its metrics are (name, type, stage, value).
type pnode struct {
	name, desc string
	meta       map[string]string
	metrics    []pmetric
	kids       []pnode
}

type pmetric struct {
	name, typ    string
	stage, value int64
}

// sqlCase is one generated log: its plan, and per stage its tasks'
// shuffle read bytes.
type sqlCase struct {
	plan   pnode
	stages [][]int64 // stage → each task's shuffle read bytes
	conf   map[string]string
}

type logWriter struct {
	lines  []string
	nextID int64
	accums map[int64][]map[string]any // stage → its accumulables
}

func (w *logWriter) ev(m map[string]any) {
	b, _ := json.Marshal(m)
	w.lines = append(w.lines, string(b))
}

// planJSON writes a node, giving its metrics accumulator ids.
func (w *logWriter) planJSON(n pnode) map[string]any {
	var ms []any
	for _, m := range n.metrics {
		w.nextID++
		ms = append(ms, map[string]any{"name": m.name, "accumulatorId": w.nextID, "metricType": m.typ})
		w.accums[m.stage] = append(w.accums[m.stage], map[string]any{"ID": w.nextID, "Name": m.name,
			"Value": fmt.Sprint(m.value), "Internal": true, "Count Failed Values": true, "Metadata": "sql"})
	}
	kids := []any{}
	for _, k := range n.kids {
		kids = append(kids, w.planJSON(k))
	}
	meta := map[string]any{}
	for k, v := range n.meta {
		meta[k] = v
	}
	return map[string]any{"nodeName": n.name, "simpleString": n.desc, "children": kids, "metadata": meta, "metrics": ms}
}

func (c sqlCase) app(t *testing.T) *extract.App {
	t.Helper()
	w := &logWriter{nextID: 1000, accums: map[int64][]map[string]any{}}
	props := map[string]any{"spark.executor.cores": "4", "spark.executor.memory": "8g"}
	for k, v := range c.conf {
		props[k] = v
	}
	const t0 = 1_700_000_000_000
	w.ev(map[string]any{"Event": "SparkListenerLogStart", "Spark Version": "3.5.1"})
	w.ev(map[string]any{"Event": "SparkListenerApplicationStart", "App Name": "sqlcase", "App ID": "app-sql", "Timestamp": t0, "User": "u"})
	w.ev(map[string]any{"Event": "SparkListenerEnvironmentUpdate", "Spark Properties": props})
	for e := 1; e <= 2; e++ {
		w.ev(map[string]any{"Event": "SparkListenerExecutorAdded", "Timestamp": t0, "Executor ID": fmt.Sprint(e),
			"Executor Info": map[string]any{"Host": "h", "Total Cores": 4}})
	}
	w.ev(map[string]any{"Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart", "executionId": 0,
		"description": "q", "details": "", "physicalPlanDescription": "== Physical Plan ==", "sparkPlanInfo": w.planJSON(c.plan), "time": t0})
	ids := []int64{}
	for s := range c.stages {
		ids = append(ids, int64(s))
	}
	w.ev(map[string]any{"Event": "SparkListenerJobStart", "Job ID": 0, "Submission Time": t0, "Stage IDs": ids,
		"Stage Infos": []any{}, "Properties": map[string]any{"spark.sql.execution.id": "0"}})
	now, task := int64(t0), int64(0)
	for s, reads := range c.stages {
		info := map[string]any{"Stage ID": s, "Stage Attempt ID": 0, "Stage Name": "s", "Number of Tasks": len(reads), "Submission Time": now}
		w.ev(map[string]any{"Event": "SparkListenerStageSubmitted", "Stage Info": info})
		end := now
		for i, rb := range reads {
			dur := 1000 + rb/(1<<20)*100 // 100 ms per MiB read
			ti := map[string]any{"Task ID": task, "Index": i, "Attempt": 0, "Launch Time": now, "Executor ID": fmt.Sprint(1 + i%2),
				"Host": "h", "Locality": "ANY", "Speculative": false, "Getting Result Time": 0, "Finish Time": now + dur,
				"Failed": false, "Killed": false, "Accumulables": []any{}}
			w.ev(map[string]any{"Event": "SparkListenerTaskStart", "Stage ID": s, "Stage Attempt ID": 0, "Task Info": ti})
			w.ev(map[string]any{"Event": "SparkListenerTaskEnd", "Stage ID": s, "Stage Attempt ID": 0, "Task Type": "ResultTask",
				"Task End Reason": map[string]any{"Reason": "Success"}, "Task Info": ti,
				"Task Metrics": map[string]any{"Executor Run Time": dur - 10, "Shuffle Read Metrics": map[string]any{"Remote Bytes Read": rb}}})
			end = max(end, now+dur)
			task++
		}
		info["Completion Time"] = end
		info["Accumulables"] = w.accums[int64(s)]
		w.ev(map[string]any{"Event": "SparkListenerStageCompleted", "Stage Info": info})
		now = end
	}
	w.ev(map[string]any{"Event": "SparkListenerJobEnd", "Job ID": 0, "Completion Time": now, "Job Result": map[string]any{"Result": "JobSucceeded"}})
	w.ev(map[string]any{"Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd", "executionId": 0, "time": now})
	w.ev(map[string]any{"Event": "SparkListenerApplicationEnd", "Timestamp": now + 1000})
	b := extract.NewBuilder(extract.Options{})
	for i, l := range w.lines {
		b.Line([]byte(l), "gen", int64(i+1))
	}
	app := b.Finish(false)
	if app.Row.MalformedLines > 0 {
		t.Fatalf("generated log unreadable: %v", app.Warnings)
	}
	return app
}

// Plan pieces. Stage 0 maps the left side, 1 the right, 2 joins.
func scan(table string, stage, files, bytes int64, partFilters string) pnode {
	return pnode{name: "Scan parquet " + table, desc: "FileScan parquet " + table,
		meta: map[string]string{"Format": "Parquet", "PartitionFilters": partFilters},
		metrics: []pmetric{{"number of output rows", "sum", stage, bytes / 100}, {"number of files read", "sum", stage, files},
			{"size of files read", "size", stage, bytes}, {"number of partitions read", "sum", stage, 30}}}
}

func exchange(name string, stage, bytes, rows int64, kid pnode) pnode {
	return pnode{name: name, desc: name, kids: []pnode{kid},
		metrics: []pmetric{{"data size", "size", stage, bytes}, {"shuffle records written", "sum", stage, rows}, {"number of output rows", "sum", stage, rows}}}
}

func join(name string, left, right pnode) pnode {
	return pnode{name: "AdaptiveSparkPlan", desc: "AdaptiveSparkPlan isFinalPlan=true", kids: []pnode{{
		name: "WholeStageCodegen (3)", metrics: []pmetric{{"duration", "timing", 2, 5000}},
		kids: []pnode{{name: name, desc: name, metrics: []pmetric{{"number of output rows", "sum", 2, 1000}},
			kids: []pnode{{name: "Sort", kids: []pnode{left}}, {name: "Sort", kids: []pnode{right}}}}}}}}
}

func even(n int, b int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func skewed(n int, b, big int64) []int64 {
	out := even(n, b)
	out[n-1] = big
	return out
}

const mib, gibi = int64(MiB), int64(GiB)

func smj(leftBytes, rightBytes int64, joinReads []int64) sqlCase {
	return sqlCase{plan: join("SortMergeJoin",
		exchange("Exchange", 0, leftBytes, leftBytes/100, scan("db.facts", 0, 100, leftBytes, "[isnotnull(dt#1)]")),
		exchange("Exchange", 1, rightBytes, rightBytes/100, scan("db.dims", 1, 10, rightBytes, "[isnotnull(dt#2)]"))),
		stages: [][]int64{even(8, 0), even(8, 0), joinReads}}
}

func loopJoin(name string, leftRows, rightRows int64) sqlCase {
	side := func(stage, rows int64) pnode {
		return pnode{name: "Project", metrics: []pmetric{{"number of output rows", "sum", stage, rows}}, kids: []pnode{scan("db.t", stage, 10, 10*mib, "[]")}}
	}
	return sqlCase{plan: join(name, side(0, leftRows), side(1, rightRows)), stages: [][]int64{even(4, 0), even(4, 0), even(4, 0)}}
}

func broadcast(bytes int64) sqlCase {
	return sqlCase{plan: join("BroadcastHashJoin",
		scan("db.facts", 2, 100, 10*gibi, "[isnotnull(dt#1)]"),
		exchange("BroadcastExchange", 1, bytes, bytes/100, scan("db.dims", 1, 10, bytes, "[isnotnull(dt#2)]"))),
		stages: [][]int64{even(4, 0), even(4, 0), even(8, 0)}}
}

func scanOnly(files, bytes int64, partFilters string) sqlCase {
	return sqlCase{plan: pnode{name: "AdaptiveSparkPlan", kids: []pnode{scan("db.events", 0, files, bytes, partFilters)}},
		stages: [][]int64{even(8, 0)}}
}

// TestPlanFindings: each plan-aware finding fires on a log built to show it
// and stays quiet on its clean control.
func TestPlanFindings(t *testing.T) {
	for _, c := range []struct {
		detector      string
		fires, quiet  sqlCase
		node, stageID int64
	}{
		{"skewed_join", smj(40*gibi, 30*gibi, skewed(20, 50*mib, 2*gibi)), smj(40*gibi, 30*gibi, even(20, 100*mib)), 2, 2},
		{"broadcast_candidate", smj(20*gibi, 5*mib, even(20, 100*mib)), smj(20*gibi, 20*gibi, even(20, 100*mib)), 2, 2},
		{"oversized_broadcast", broadcast(3 * gibi), broadcast(50 * mib), 6, 1},
		{"small_files", scanOnly(5000, 5000*mib, "[isnotnull(dt#1)]"), scanOnly(50, 50*256*mib, "[isnotnull(dt#1)]"), 1, 0},
		{"no_partition_pruning", scanOnly(400, 50*gibi, "[]"), scanOnly(400, 50*gibi, "[isnotnull(dt#1), (dt#1 = 2026-11-01)]"), 1, 0},
		{"nested_loop_join", loopJoin("BroadcastNestedLoopJoin", 100_000, 100_000), loopJoin("BroadcastNestedLoopJoin", 10, 10), 2, 2},
		{"cartesian_product", loopJoin("CartesianProduct", 100_000, 100_000), loopJoin("CartesianProduct", 10, 10), 2, 2},
	} {
		t.Run(c.detector, func(t *testing.T) {
			f := findingOf(analyzeFindings(c.fires.app(t)), c.detector)
			if f == nil {
				t.Fatalf("%s did not fire on the log built to show it", c.detector)
			}
			if f.ExecutionID == nil || *f.ExecutionID != 0 || f.StageID == nil || *f.StageID != c.stageID {
				t.Errorf("finding names query %v, stage %v; want query 0, stage %d", f.ExecutionID, f.StageID, c.stageID)
			}
			if want := fmt.Sprintf("(node %d)", c.node); !strings.Contains(f.Title, want) {
				t.Errorf("title %q does not name operator %s", f.Title, want)
			}
			if g := findingOf(analyzeFindings(c.quiet.app(t)), c.detector); g != nil {
				t.Errorf("%s fired on its clean control: %s", c.detector, g.Title)
			}
			t.Logf("%s: %s [%s] %v", f.Severity, f.Title, f.Detail, f.Recommendations)
		})
	}
}

// analyzeFindings runs every detector with the defaults.
func analyzeFindings(app *extract.App) []FindingRow {
	fs, _ := Analyze(app, DefaultConfig())
	return fs
}

func findingOf(fs []FindingRow, det string) *FindingRow {
	i := slices.IndexFunc(fs, func(f FindingRow) bool { return f.Detector == det })
	if i < 0 {
		return nil
	}
	return &fs[i]
}

// TestPlanFindingsQuietOnRealNDS: the Databricks Photon NDS q88 log joins
// eight one-row aggregates with nested loops; none of the plan-aware
// detectors may fire on it.
func TestPlanFindingsQuietOnRealNDS(t *testing.T) {
	app := ndsApp(t)
	joins := 0
	for _, e := range app.SQL {
		joins += len(e.Operators.Joins)
	}
	if joins == 0 {
		t.Fatal("no joins read from the NDS log")
	}
	planAware := map[string]bool{}
	for _, d := range []string{"skewed_join", "broadcast_candidate", "oversized_broadcast", "small_files",
		"no_partition_pruning", "nested_loop_join", "cartesian_product"} {
		planAware[d] = true
	}
	fs, res := Analyze(app, DefaultConfig())
	for _, f := range fs {
		if planAware[f.Detector] {
			t.Errorf("%s fired: %s", f.Detector, f.Title)
		}
		if f.StageID != nil && f.ExecutionID == nil {
			t.Errorf("%s on stage %d names no query", f.Detector, *f.StageID)
		}
	}
	var cost float64
	for _, q := range PricedQueries(app, res) {
		cost += q.EstCostUSD
	}
	if res.EstCostUSD > 0 && (cost <= 0 || cost > res.EstCostUSD*1.0001) {
		t.Errorf("queries' cost %v, app's %v", cost, res.EstCostUSD)
	}
	t.Logf("%d queries, %d joins; queries cost %.4f of the app's %.4f USD", len(app.Queries), joins, cost, res.EstCostUSD)
}

// ndsApp reads the shared Photon NDS q88 log.
func ndsApp(t *testing.T) *extract.App {
	const path = "../../shared/eventlogs/rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared log: %v", err)
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, path)
	if err != nil {
		t.Fatal(err)
	}
	b := extract.NewBuilder(extract.Options{})
	br := bufio.NewReaderSize(r, 1<<20)
	for n := int64(1); ; n++ {
		line, err := br.ReadBytes('\n')
		b.Line(bytes.TrimSuffix(line, []byte("\n")), path, n)
		if err != nil {
			break
		}
	}
	return b.Finish(false)
}
