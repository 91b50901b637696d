package extract

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/extract/plan"
)

// Query statuses.
const (
	QuerySucceeded = "succeeded"
	QueryFailed    = "failed"
	QueryRunning   = "running"
)

// fillQueries builds a.Queries and a.PlanNodes and each SQL execution's
// operator summary, from the final plans, the jobs and the stage rows. An
// execution whose start is not in the log (a later rolling part, or events
// after a compaction) has no query row, as in the History Server.
func (b *Builder) fillQueries(a *App) {
	jobsOf := map[int64][]*Job{}
	for i := range a.Jobs {
		if id := a.Jobs[i].SQLExecutionID; id != nil {
			jobsOf[*id] = append(jobsOf[*id], &a.Jobs[i])
		}
	}
	runTime := map[int64]int64{}
	for _, s := range a.Stages {
		runTime[s.StageID] += s.ExecutorRunTimeMS
	}
	for i := range a.SQL {
		e := &a.SQL[i]
		x := b.sql[e.ExecutionID]
		if !x.started {
			continue
		}
		var stages [][]int64
		if x.final != nil {
			stages = x.final.StageIDs(&b.accums)
		}
		jobs := jobsOf[e.ExecutionID]
		if len(jobs) == 0 {
			jobs = jobsOfStages(a.Jobs, stages)
		}
		q := b.queryRow(e, jobs, stages, runTime)
		if x.final != nil {
			vals := x.final.AllValues(&b.accums)
			e.Operators = x.final.Summarize(&b.accums, vals, stages, x.initialJoins)
			fillOperatorColumns(&q, &e.Operators)
			a.PlanNodes = append(a.PlanNodes, planNodeRows(e.ExecutionID, x.final, vals, stages)...)
		}
		a.Queries = append(a.Queries, q)
	}
}

// jobsOfStages are the jobs without an execution id whose stages its
// operators ran in: some logs (Databricks) strip spark.sql.execution.id
// from job properties, and the accumulators still tie stages to the plan.
func jobsOfStages(jobs []Job, nodeStages [][]int64) []*Job {
	var out []*Job
	for i := range jobs {
		j := &jobs[i]
		if j.SQLExecutionID != nil || len(j.StageIDs) == 0 {
			continue
		}
		if slices.ContainsFunc(nodeStages, func(ss []int64) bool { return slices.Contains(ss, j.StageIDs[len(j.StageIDs)-1]) }) {
			out = append(out, j)
		}
	}
	return out
}

// queryRow fills the columns of an execution but its operator summary:
// its jobs and their stages, with the stages its operators ran in.
func (b *Builder) queryRow(e *SQLExecution, jobs []*Job, nodeStages [][]int64, runTime map[int64]int64) QueryRow {
	q := QueryRow{ExecutionID: e.ExecutionID, RootExecutionID: e.RootExecutionID,
		Description: Clip(e.Description, 512),
		StartTime:   e.StartTime, EndTime: e.EndTime, Error: e.ErrorMessage, FinalPlan: e.FinalPlan,
		JobIDs: []int64{}, StageIDs: []int64{}}
	if e.StartTime != nil && e.EndTime != nil {
		q.DurationMS = max(0, *e.EndTime-*e.StartTime)
	}
	failed := e.ErrorMessage != ""
	for _, j := range jobs {
		q.JobIDs = append(q.JobIDs, j.JobID)
		q.StageIDs = append(q.StageIDs, j.StageIDs...)
		failed = failed || j.Result == "JobFailed"
	}
	for _, ss := range nodeStages {
		q.StageIDs = append(q.StageIDs, ss...)
	}
	slices.Sort(q.StageIDs)
	q.StageIDs = slices.Compact(q.StageIDs)
	for _, s := range q.StageIDs {
		q.ExecutorRunTimeMS += runTime[s]
	}
	switch {
	case e.EndTime == nil:
		q.Status = QueryRunning
	case failed:
		q.Status = QueryFailed
	default:
		q.Status = QuerySucceeded
	}
	return q
}

// fillOperatorColumns copies an operator summary into a query's columns.
func fillOperatorColumns(q *QueryRow, s *plan.Summary) {
	q.Nodes, q.Joins, q.Exchanges, q.Scans = int64(s.Nodes), int64(len(s.Joins)), int64(len(s.Exchanges)), int64(len(s.Scans))
	kinds := map[string]int{}
	for _, j := range s.Joins {
		kinds[j.Kind]++
	}
	q.JoinKinds = countsText(kinds)
	for _, x := range s.Exchanges {
		if x.Broadcast {
			q.BroadcastBytes += x.Bytes
		} else {
			q.ShuffleBytes += x.Bytes
		}
	}
	for _, sc := range s.Scans {
		q.FilesRead += sc.Files
		q.BytesRead += sc.Bytes
		if sc.Partitioned && !sc.PartitionFilters {
			q.UnprunedScans++
		}
	}
	q.AQESkewSplits, q.AQECoalescedReads = s.AQE.SkewSplits, int64(s.AQE.CoalescedReads)
	q.AQEStrategySwitches = int64(s.AQE.StrategySwitches)
}

// countsText writes counts as "a:1,b:2", keys in order.
func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%s:%d", k, m[k])
	}
	return sb.String()
}

// planNodeRows are the rows of a final plan's operators.
func planNodeRows(exec int64, p *plan.Plan, vals []plan.Values, stages [][]int64) []PlanNodeRow {
	out := make([]PlanNodeRow, len(p.Nodes))
	for i, n := range p.Nodes {
		v := vals[i]
		out[i] = PlanNodeRow{ExecutionID: exec, NodeID: int64(i), Name: n.Name,
			Description: n.Desc, StageIDs: append([]int64{}, stages[i]...),
			Rows: v.Rows, Bytes: v.Bytes, TimeMS: v.TimeMS, SpillBytes: v.SpillBytes,
			PeakMemory: v.PeakMemory, FilesRead: v.Files, Metrics: int64(len(n.Metrics))}
		out[i].ParentID = optID(n.Parent)
		out[i].CodegenID = optID(n.Codegen)
		out[i].GraphNodeID = optID(n.GraphID)
	}
	return out
}

// optID is a node id as a nullable column (-1 is null).
func optID(id int) *int64 {
	if id < 0 {
		return nil
	}
	x := int64(id)
	return &x
}

// summariesJSON sets each query's operator_summary from its execution's
// summary; Finish calls it after redaction, so the JSON is built from
// redacted names and is not scanned again.
func summariesJSON(a *App) {
	byID := make(map[int64]*plan.Summary, len(a.SQL))
	for i := range a.SQL {
		byID[a.SQL[i].ExecutionID] = &a.SQL[i].Operators
	}
	for i := range a.Queries {
		q := &a.Queries[i]
		if s := byID[q.ExecutionID]; s != nil && s.Nodes > 0 {
			if js, err := json.Marshal(s); err == nil {
				q.OperatorSummary = string(js)
			}
		}
	}
}
