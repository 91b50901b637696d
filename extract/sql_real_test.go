package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// sqlTruth is what an independent reading (encoding/json, not the
// Builder's decoders) of a log says about its SQL executions.
type sqlTruth struct {
	nodes      map[int64]int     // execution → nodes of its last plan
	jobStages  map[int64][]int64 // execution → stages of its jobs
	executions []int64
	// taskSum is Σ Update of each SQL accumulator over successful tasks
	// plus its latest driver update: what the History Server's SQL tab
	// shows as a sum metric's total.
	taskSum   map[int64]int64
	rowAccums map[int64][]int64 // execution → its last plan's "number of output rows" accumulators
	driver    map[int64]int64
	// open are the accumulators updated by a task of a stage attempt
	// whose completion is not in the log; completed are those attempts.
	open      map[int64]bool
	pending   map[[2]int64][]int64
	completed map[[2]int64]bool
	compared  int
}

func (s *sqlTruth) line(l []byte) {
	switch {
	case bytes.Contains(l, []byte(`SQLExecutionStart"`)), bytes.Contains(l, []byte(`SQLAdaptiveExecutionUpdate"`)):
		var e struct {
			ExecutionID int64           `json:"executionId"`
			Plan        json.RawMessage `json:"sparkPlanInfo"`
		}
		if json.Unmarshal(l, &e) != nil {
			return
		}
		if _, seen := s.nodes[e.ExecutionID]; !seen {
			s.executions = append(s.executions, e.ExecutionID)
		}
		var p any
		if json.Unmarshal(e.Plan, &p) == nil {
			s.nodes[e.ExecutionID] = countNodes(p)
			s.rowAccums[e.ExecutionID] = rowAccums(p, nil)
		}
	case bytes.Contains(l, []byte(`DriverAccumUpdates"`)):
		var d struct {
			Updates [][2]int64 `json:"accumUpdates"`
		}
		if json.Unmarshal(l, &d) == nil {
			for _, u := range d.Updates {
				s.driver[u[0]] = u[1]
			}
		}
	case bytes.Contains(l, []byte(`"SparkListenerTaskEnd"`)) && bytes.Contains(l, []byte(`"Metadata":"sql"`)):
		s.taskEnd(l)
	case bytes.Contains(l, []byte(`"SparkListenerStageCompleted"`)):
		var e struct {
			Info struct {
				ID      int64 `json:"Stage ID"`
				Attempt int64 `json:"Stage Attempt ID"`
			} `json:"Stage Info"`
		}
		if json.Unmarshal(l, &e) == nil {
			s.completed[[2]int64{e.Info.ID, e.Info.Attempt}] = true
		}
	case bytes.Contains(l, []byte(`"SparkListenerJobStart"`)):
		var j struct {
			StageIDs []int64        `json:"Stage IDs"`
			Props    map[string]any `json:"Properties"`
		}
		if json.Unmarshal(l, &j) != nil {
			return
		}
		if id, ok := j.Props["spark.sql.execution.id"].(string); ok {
			var n int64
			if err := json.Unmarshal([]byte(id), &n); err == nil {
				s.jobStages[n] = append(s.jobStages[n], j.StageIDs...)
			}
		}
	}
}

func (s *sqlTruth) taskEnd(l []byte) {
	var e struct {
		Stage   int64 `json:"Stage ID"`
		Attempt int64 `json:"Stage Attempt ID"`
		Info    struct {
			Failed, Killed bool
			Accumulables   []struct {
				ID       int64
				Update   json.RawMessage
				Metadata string
			}
		} `json:"Task Info"`
	}
	if json.Unmarshal(l, &e) != nil || e.Info.Failed || e.Info.Killed {
		return
	}
	for _, a := range e.Info.Accumulables {
		var str string
		var n int64
		if a.Metadata == "sql" && json.Unmarshal(a.Update, &str) == nil && json.Unmarshal([]byte(str), &n) == nil {
			s.taskSum[a.ID] += n
			k := [2]int64{e.Stage, e.Attempt}
			s.pending[k] = append(s.pending[k], a.ID)
		}
	}
}

// rowAccums appends the accumulator ids of every "number of output rows"
// metric in a plan tree.
func rowAccums(v any, out []int64) []int64 {
	switch x := v.(type) {
	case map[string]any:
		if ms, ok := x["metrics"].([]any); ok {
			for _, m := range ms {
				if mm, ok := m.(map[string]any); ok && mm["name"] == "number of output rows" {
					if f, ok := mm["accumulatorId"].(float64); ok {
						out = append(out, int64(f))
					}
				}
			}
		}
		if cs, ok := x["children"].([]any); ok {
			for _, c := range cs {
				out = rowAccums(c, out)
			}
		}
	}
	return out
}

// countNodes counts the objects with a nodeName in a plan tree.
func countNodes(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["nodeName"]; ok {
			n++
		}
		for _, c := range x {
			n += countNodes(c)
		}
	case []any:
		for _, c := range x {
			n += countNodes(c)
		}
	}
	return n
}

// allLogs lists every shared log: single files, and rolling folders as
// their ordered parts.
func allLogs(t *testing.T) map[string][]string {
	out := map[string][]string{}
	err := filepath.WalkDir(eventlogs, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		switch {
		case d.IsDir() && base == "expectations":
			return filepath.SkipDir
		case d.IsDir() && strings.HasPrefix(base, "eventlog_v2_"):
			parts, _ := filepath.Glob(filepath.Join(p, "events_*"))
			sort.Slice(parts, func(i, j int) bool { return partNo(parts[i]) < partNo(parts[j]) })
			out[p] = parts
			return filepath.SkipDir
		case !d.IsDir() && !strings.HasSuffix(p, ".md") && !strings.HasPrefix(base, "appstatus"):
			out[p] = []string{p}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func partNo(p string) int {
	var n int
	f := strings.SplitN(filepath.Base(p), "_", 3)
	if len(f) > 1 {
		json.Unmarshal([]byte(f[1]), &n)
	}
	return n
}

// readBoth feeds every line of a log's parts to b and to truth.
func readBoth(t *testing.T, parts []string, b *Builder, truth *sqlTruth) {
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := codec.NewReader(f, filepath.Base(p))
		if err != nil {
			f.Close()
			t.Skipf("%s: %v", p, err)
		}
		br := bufio.NewReaderSize(r, 1<<20)
		var n int64
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				n++
				line = bytes.TrimSuffix(line, []byte("\n"))
				b.Line(line, p, n)
				truth.line(line)
			}
			if errors.Is(err, io.EOF) || err != nil {
				break
			}
		}
		f.Close()
	}
}

// TestQueriesOfRealLogs checks, on every shared log with SQL, that the
// queries found are the SQL executions in the log, that every stage of an
// execution's jobs is one of its query's stages, and that each query's
// operator count equals an independent count of its final plan's nodes.
func TestQueriesOfRealLogs(t *testing.T) {
	needEventlogs(t)
	withSQL, queries, nodes, mapped, compared := 0, 0, 0, 0, 0
	logs := allLogs(t)
	names := make([]string, 0, len(logs))
	for k := range logs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		rel, _ := filepath.Rel(eventlogs, name)
		t.Run(rel, func(t *testing.T) {
			truth := &sqlTruth{nodes: map[int64]int{}, jobStages: map[int64][]int64{},
				taskSum: map[int64]int64{}, rowAccums: map[int64][]int64{}, driver: map[int64]int64{},
				open: map[int64]bool{}, pending: map[[2]int64][]int64{}, completed: map[[2]int64]bool{}}
			b := NewBuilder(Options{})
			readBoth(t, logs[name], b, truth)
			app := b.Finish(false)
			if len(truth.executions) == 0 && len(app.Queries) == 0 {
				return
			}
			withSQL++
			checkQueries(t, app, truth)
			checkRows(t, app, truth)
			queries, nodes, compared = queries+len(app.Queries), nodes+len(app.PlanNodes), compared+truth.compared
			for _, n := range app.PlanNodes {
				if len(n.StageIDs) > 0 {
					mapped++
				}
			}
		})
	}
	t.Logf("%d logs with SQL: %d queries = SQL executions; %d operators (%d mapped to a stage); rows of %d executions equal the task updates",
		withSQL, queries, nodes, mapped, compared)
	if withSQL < 10 {
		t.Errorf("only %d shared logs with SQL", withSQL)
	}
}

func checkQueries(t *testing.T, app *App, truth *sqlTruth) {
	t.Helper()
	if len(app.Queries) != len(truth.executions) {
		t.Errorf("%d queries, log has %d SQL executions with a plan", len(app.Queries), len(truth.executions))
	}
	byID := map[int64]*QueryRow{}
	for i := range app.Queries {
		byID[app.Queries[i].ExecutionID] = &app.Queries[i]
	}
	nodesOf := map[int64]int{}
	for _, n := range app.PlanNodes {
		nodesOf[n.ExecutionID]++
	}
	for _, id := range truth.executions {
		q := byID[id]
		if q == nil {
			t.Errorf("execution %d: no query", id)
			continue
		}
		if int(q.Nodes) != truth.nodes[id] || nodesOf[id] != truth.nodes[id] {
			t.Errorf("execution %d: nodes column %d, %d plan_nodes rows, the final plan has %d", id, q.Nodes, nodesOf[id], truth.nodes[id])
		}
		for _, n := range app.PlanNodes {
			for _, s := range n.StageIDs {
				if n.ExecutionID == id && !slices.Contains(q.StageIDs, s) && len(truth.jobStages[id]) > 0 {
					t.Errorf("execution %d: operator %d %s mapped to stage %d, not one of its jobs' %v", id, n.NodeID, n.Name, s, q.StageIDs)
				}
			}
		}
		for _, s := range truth.jobStages[id] {
			if !slices.Contains(q.StageIDs, s) {
				t.Errorf("execution %d: stage %d of its jobs not among its stages %v", id, s, q.StageIDs)
			}
		}
	}
}

// checkRows compares each query's total output rows over its operators
// with the independent sum of the task updates and driver values of its
// "number of output rows" accumulators. Operators take their values from
// completed stages: an execution with a row counter updated in a stage
// whose completion is not in the log (a truncated log) is left out.
func checkRows(t *testing.T, app *App, truth *sqlTruth) {
	t.Helper()
	for k, ids := range truth.pending {
		if !truth.completed[k] {
			for _, id := range ids {
				truth.open[id] = true
			}
		}
	}
	got := map[int64]int64{}
	for _, n := range app.PlanNodes {
		got[n.ExecutionID] += n.Rows
	}
	for _, id := range truth.executions {
		var want int64
		skip := false
		for _, a := range truth.rowAccums[id] {
			want += truth.taskSum[a] + truth.driver[a]
			skip = skip || truth.open[a]
		}
		if skip {
			t.Logf("execution %d: a stage never completed; rows not compared", id)
			continue
		}
		truth.compared++
		if got[id] != want {
			t.Errorf("execution %d: Σ rows over operators %d, Σ task updates %d", id, got[id], want)
		}
	}
}
