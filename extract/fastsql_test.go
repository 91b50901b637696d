package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/plan"
	"github.com/valyala/fastjson"
)

// sqlStart0 starts execution 0 with a plan; adaptiveUpdate0 is a
// non-final update of it, which the fast path takes.
const (
	sqlStart0       = `{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0,"description":"q","details":"","physicalPlanDescription":"== Physical Plan ==\nScan","sparkPlanInfo":{"nodeName":"AdaptiveSparkPlan","simpleString":"AdaptiveSparkPlan isFinalPlan=false","children":[{"nodeName":"Scan parquet t","simpleString":"Scan","children":[],"metadata":{},"metrics":[{"name":"number of output rows","accumulatorId":7,"metricType":"sum"}]}],"metadata":{},"metrics":[]},"time":5}`
	adaptiveUpdate0 = `{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate","executionId":0,"physicalPlanDescription":"== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=false\n+- Scan \u00e9","sparkPlanInfo":{"nodeName":"AdaptiveSparkPlan","simpleString":"AdaptiveSparkPlan isFinalPlan=false","children":[{"nodeName":"Scan parquet t","simpleString":"Scan","children":[],"metadata":{},"metrics":[]}],"metadata":{},"metrics":[]}}`
)

// checkSQL compares what the fast path reads of a SQL start or adaptive
// update with fastjson's reading, for a line it accepts: the members, and
// the plan with plan.FromJSON's.
func checkSQL(t testing.TB, line []byte, i int, v *fastjson.Value, perr error, name, fastName string) {
	t.Helper()
	b := NewBuilder(Options{})
	s := sqlScan{b: b, adaptive: strings.HasSuffix(fastName, "AdaptiveExecutionUpdate")}
	ord, required := startOrder, []int{sqExecution}
	if s.adaptive {
		ord, required = adaptiveOrder, []int{sqExecution, sqPlan}
	}
	if !scanEvent(line, i, ord, s.value, required...) {
		return
	}
	mustBeValid(t, line, perr, name, fastName)
	differ := func(what string, fast, ref any) {
		t.Fatalf("%s differs: fast %v, ref %v\nline %s", what, fast, ref, line)
	}
	if s.execution != v.GetInt64("executionId") {
		differ("executionId", s.execution, v.GetInt64("executionId"))
	}
	for _, m := range []struct {
		key  string
		tok  []byte
		esc  bool
		skip bool
	}{{"description", s.desc, s.descEsc, s.adaptive}, {"physicalPlanDescription", s.planDesc, s.planEsc, false}} {
		if got, want := b.unquote(s.text(m.tok, m.esc)), v.GetStringBytes(m.key); !m.skip && !bytes.Equal(got, want) {
			differ(m.key, got, want)
		}
	}
	if !s.adaptive {
		for _, m := range []struct {
			key string
			got *int64
		}{{"time", s.opt(sqTime, s.time)}, {"rootExecutionId", s.opt(sqRoot, s.root)}} {
			if want := optInt64(v, m.key); !reflect.DeepEqual(m.got, want) {
				differ(m.key, m.got, want)
			}
		}
	}
	checkPlan(t, &s.plans, v.Get("sparkPlanInfo"), line)
}

// text is a token and its escape flag, for unquote: a missing token reads
// as an empty string ("" and nil compare equal in checkSQL).
func (s *sqlScan) text(tok []byte, esc bool) ([]byte, bool) {
	if tok == nil {
		return []byte(`""`), false
	}
	return tok, esc
}

// checkPlan compares a plan the fast path read with plan.FromJSON's.
func checkPlan(t testing.TB, ps *planScan, pv *fastjson.Value, line []byte) {
	t.Helper()
	if pv == nil {
		if ps.plan != nil {
			t.Fatalf("fast path read a plan the line has not: %s", line)
		}
		return
	}
	ref, err := plan.FromJSON(pv, nil, nil)
	if err != nil || ps.plan == nil {
		t.Fatalf("plan: fast %v, ref error %v\nline %s", ps.plan != nil, err, line)
	}
	if !reflect.DeepEqual(ps.plan.Nodes, ref.Nodes) || ps.final != finalPlan(pv.GetStringBytes("simpleString")) {
		f, _ := json.Marshal(ps.plan.Nodes)
		r, _ := json.Marshal(ref.Nodes)
		t.Fatalf("plan differs (final %v):\nfast %.3000s\nref  %.3000s\nline %.2000s", ps.final, f, r, line)
	}
}

// adaptiveLogs are the shared logs with adaptive plan updates.
var adaptiveLogs = []string{
	"rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd",
	"rapids-tools/spark-events-qualification/db_subExecution_id.zstd",
	"rapids-tools/spark-events-qualification/customshuffle_eventlog.zstd",
	"rapids-tools/event_logs/join_agg_on_yarn_eventlog.zstd",
	"nvidia/aqeshuffle_eventlog.zstd",
	"spark/local-1642039451826",
}

// TestFastAdaptiveDifferential: on every shared log with adaptive updates,
// the model is the fastjson path's, each SQL start's and adaptive update's
// plan read by the fast path is plan.FromJSON's, the fast path takes every
// SQL start and adaptive update, and it reads the plans of all but the non-final
// updates of executions that started with a plan (counted here with
// encoding/json).
func TestFastAdaptiveDifferential(t *testing.T) {
	for _, rel := range adaptiveLogs {
		t.Run(rel, func(t *testing.T) {
			lines := codecLines(t, filepath.Join(eventlogs, rel))
			fast, ref := buildBoth(lines, Options{LastUpdated: 1, AppID: "x"})
			sameApp(t, rel, fast, ref)
			b, sqlLines, took, skipped := NewBuilder(Options{}), 0, 0, 0
			for n, l := range lines {
				i, name, ok := fastPrefix(l)
				switch {
				case ok && name == sqlPrefix+"SparkListenerSQLExecutionStart":
					sqlLines++
					checkLine(t, l, &lineStats{})
				case ok && name == sqlPrefix+"SparkListenerSQLAdaptiveExecutionUpdate":
					sqlLines++
					checkLine(t, l, &lineStats{}) // every plan, as plan.FromJSON reads it
					s := sqlScan{b: b, adaptive: true}
					if scanEvent(l, i, adaptiveOrder, s.value, sqExecution, sqPlan) && s.plans.plan == nil {
						skipped++
					}
				default:
					b.Line(l, "log", int64(n+1))
					continue
				}
				if b.fastLine(l) {
					took++
				}
			}
			if took != sqlLines {
				t.Errorf("fast path took %d of %d SQL starts and adaptive updates", took, sqlLines)
			}
			if want := nonFinalUpdates(t, lines); skipped != want || want == 0 && strings.Contains(rel, "nds") {
				t.Errorf("fast path skipped %d adaptive plans, want %d", skipped, want)
			}
		})
	}
}

// nonFinalUpdates counts the adaptive updates that say isFinalPlan=false
// for an execution a SQLExecutionStart with a plan started before.
func nonFinalUpdates(t *testing.T, lines [][]byte) int {
	type plan struct {
		SimpleString *string `json:"simpleString"`
	}
	var ev struct {
		Event       string
		ExecutionID int64 `json:"executionId"`
		Plan        *plan `json:"sparkPlanInfo"`
	}
	started, n := map[int64]bool{}, 0
	for _, l := range lines {
		if !bytes.Contains(l, []byte("SparkListenerSQL")) {
			continue
		}
		ev.Plan = nil
		if err := json.Unmarshal(l, &ev); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(ev.Event, "SQLExecutionStart") && ev.Plan != nil:
			started[ev.ExecutionID] = true
		case strings.HasSuffix(ev.Event, "SQLAdaptiveExecutionUpdate") && started[ev.ExecutionID] &&
			ev.Plan != nil && ev.Plan.SimpleString != nil && strings.Contains(*ev.Plan.SimpleString, "isFinalPlan=false"):
			n++
		}
	}
	return n
}

// codecLines reads the lines of a single-file log in any codec.
func codecLines(t testing.TB, path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
}

// deepPlan is adaptiveUpdate0 with n operators nested under the root.
func deepPlan(n int) string {
	if n == 0 {
		return adaptiveUpdate0
	}
	node := `{"nodeName":"Project","simpleString":"Project","children":[`
	deep := strings.Repeat(node, n) + strings.Repeat(`],"metadata":{},"metrics":[]}`, n)
	return strings.Replace(adaptiveUpdate0, `"children":[{`, `"children":[`+deep+`,{`, 1)
}

// TestFastAdaptiveFallback: updates the fast path must leave to fastjson
// give the reference model.
func TestFastAdaptiveFallback(t *testing.T) {
	cases := map[string]string{
		"valid":             adaptiveUpdate0,
		"final":             strings.ReplaceAll(adaptiveUpdate0, "isFinalPlan=false", "isFinalPlan=true"),
		"other execution":   strings.Replace(adaptiveUpdate0, `"executionId":0`, `"executionId":3`, 1),
		"escaped key":       strings.Replace(adaptiveUpdate0, `"simpleString"`, `"simple\u0053tring"`, 1),
		"two simpleStrings": strings.Replace(adaptiveUpdate0, `"nodeName":"AdaptiveSparkPlan",`, `"nodeName":"AdaptiveSparkPlan","simpleString":"x",`, 1),
		"no plan":           strings.Replace(adaptiveUpdate0, `"sparkPlanInfo"`, `"other"`, 1),
		"numeric desc":      strings.Replace(adaptiveUpdate0, `"physicalPlanDescription":"`, `"physicalPlanDescription":1,"x":"`, 1),
		"empty desc":        strings.Replace(adaptiveUpdate0, `"physicalPlanDescription":"`, `"physicalPlanDescription":"","x":"`, 1),
		"bad escape":        strings.Replace(adaptiveUpdate0, `\u00e9`, `\u00g9`, 1),
		"truncated":         adaptiveUpdate0[:len(adaptiveUpdate0)-30],
		"trailing":          adaptiveUpdate0 + "]",
		"duplicate id":      strings.Replace(adaptiveUpdate0, `"executionId":0`, `"executionId":0,"executionId":1`, 1),
		"float id":          strings.Replace(adaptiveUpdate0, `"executionId":0`, `"executionId":0.0`, 1),
		"deep plan":         deepPlan(100), // past maxScanDepth: the fast path's
		"deeper plan":       deepPlan(140), // past planDepth: fastjson's
		"too deep plan":     deepPlan(160), // past fastjson's limit: malformed
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			var st lineStats
			checkLine(t, []byte(line), &st)
			lines := [][]byte{[]byte(appStart), []byte(sqlStart0), []byte(line),
				[]byte(`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":0,"time":9}`)}
			fast, ref := buildBoth(lines, Options{LastUpdated: 1})
			sameApp(t, name, fast, ref)
		})
	}
}

// TestFastAdaptiveDepth: plans nest deeper than other lines; the fast
// path takes them up to planDepth and leaves deeper ones to fastjson (n
// operators under the root's children nest the innermost array at 3+2n).
func TestFastAdaptiveDepth(t *testing.T) {
	for _, c := range []struct {
		n    int
		fast bool
	}{{0, true}, {100, true}, {126, true}, {127, false}, {160, false}} {
		line := []byte(deepPlan(c.n))
		i, _, _ := fastPrefix(line)
		s := sqlScan{b: NewBuilder(Options{}), adaptive: true}
		if got := scanEvent(line, i, adaptiveOrder, s.value, sqExecution, sqPlan); got != c.fast {
			t.Errorf("%d nested operators: fast path %v, want %v", c.n, got, c.fast)
		}
		if c.fast && len(s.plans.plan.Nodes) != c.n+2 {
			t.Errorf("%d nested operators: plan of %d nodes", c.n, len(s.plans.plan.Nodes))
		}
	}
}
