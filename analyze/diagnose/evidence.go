package diagnose

import (
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"github.com/sparkmine/sparkmine/extract"
)

// Why a stage is in the reference, in priority order.
const (
	whyRootCause = "root_cause" // the first stage that failed
	whyFailed    = "failed"     // failed, or lost tasks
	whyFlagged   = "flagged"    // a finding names it
	whySlowest   = "slowest"    // among those that took the most wall time
)

// pickedStage is a stage chosen from the evidence and why.
type pickedStage struct {
	st  extract.StageRow
	why string
}

// pickStages chooses the stages the evidence points at: the root-cause
// stage and the other failed ones first (by when they failed), then the
// flagged ones (most severe first, then longest), then the rest by wall
// time. It returns every stage in that order; the reference keeps a head.
func pickStages(a *extract.App, fs []analyze.FindingRow) []pickedStage {
	worst := map[int64]analyze.Severity{}
	for _, f := range fs {
		if f.StageID != nil {
			sev, _ := analyze.ParseSeverity(f.Severity)
			worst[*f.StageID] = max(worst[*f.StageID], sev, analyze.Low)
		}
	}
	out := make([]pickedStage, 0, len(a.Stages))
	for _, st := range a.Stages {
		why := whySlowest
		switch {
		case failedStage(st):
			why = whyFailed
		case worst[st.StageID] > analyze.None:
			why = whyFlagged
		}
		out = append(out, pickedStage{st, why})
	}
	rank := map[string]int{whyFailed: 0, whyFlagged: 1, whySlowest: 2}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if rank[x.why] != rank[y.why] {
			return rank[x.why] < rank[y.why]
		}
		switch x.why {
		case whyFailed:
			return failedFirst(x.st, y.st)
		case whyFlagged:
			if worst[x.st.StageID] != worst[y.st.StageID] {
				return worst[x.st.StageID] > worst[y.st.StageID]
			}
		}
		return x.st.DurationMS > y.st.DurationMS
	})
	if len(out) > 0 && out[0].why == whyFailed {
		out[0].why = whyRootCause
	}
	for i, slow := range out {
		if slow.why == whySlowest {
			return out[:min(len(out), i+maxSlowest)]
		}
	}
	return out
}

// maxSlowest bounds the stages picked only for their wall time.
const maxSlowest = 5

func failedStage(st extract.StageRow) bool {
	return st.Status == "FAILED" || st.FailedTasks > 0
}

// failedFirst orders failed stages: a stage that failed as a whole before
// one that only lost tasks, then by completion (the first failure is the
// likeliest root cause), then by id.
func failedFirst(x, y extract.StageRow) bool {
	xf, yf := x.Status == "FAILED", y.Status == "FAILED"
	if xf != yf {
		return xf
	}
	xc, yc := orMax(x.CompletionTime), orMax(y.CompletionTime)
	if xc != yc {
		return xc < yc
	}
	return x.StageID < y.StageID || x.StageID == y.StageID && x.StageAttemptID < y.StageAttemptID
}

func orMax(p *int64) int64 {
	if p == nil {
		return 1<<63 - 1
	}
	return *p
}

// failureBreakdown splits a stage's failed tasks by reason.
type failureBreakdown struct {
	FailedTasks  int64 `json:"failed_tasks"`
	KilledTasks  int64 `json:"killed_tasks,omitempty"`
	FetchFailed  int64 `json:"fetch_failed,omitempty"`
	ExecutorLost int64 `json:"executor_lost,omitempty"`
	Other        int64 `json:"other,omitempty"` // exceptions, OOM, …
}

func breakdownOf(st extract.StageRow) *failureBreakdown {
	if st.FailedTasks == 0 && st.KilledTasks == 0 {
		return nil
	}
	b := &failureBreakdown{FailedTasks: st.FailedTasks, KilledTasks: st.KilledTasks,
		FetchFailed: st.FetchFailures, ExecutorLost: st.ExecutorLostFailures}
	b.Other = max(st.FailedTasks-st.FetchFailures-st.ExecutorLostFailures, 0)
	return b
}

// jobsOf maps a stage id to the first job that ran it.
func jobsOf(a *extract.App) map[int64]*extract.Job {
	out := map[int64]*extract.Job{}
	for i := range a.Jobs {
		for _, s := range a.Jobs[i].StageIDs {
			if _, ok := out[s]; !ok {
				out[s] = &a.Jobs[i]
			}
		}
	}
	return out
}

// deployment names where the app ran, from spark.master and
// spark.submit.deployMode.
func deployment(conf map[string]string) string {
	m := strings.ToLower(conf["spark.master"])
	var where string
	switch {
	case m == "":
		return "unknown"
	case strings.HasPrefix(m, "local"):
		return "local (" + m + ": the driver runs every task)"
	case strings.HasPrefix(m, "yarn"):
		where = "YARN"
	case strings.HasPrefix(m, "k8s://"):
		where = "Kubernetes"
	case strings.HasPrefix(m, "spark://"):
		where = "standalone"
	case strings.HasPrefix(m, "mesos://"):
		where = "Mesos"
	default:
		where = "other"
	}
	if mode := conf["spark.submit.deployMode"]; mode != "" {
		where += ", " + mode + " mode"
	}
	return where
}

// checkedRecommendations keeps the rule recommendations that pass the
// catalogue's checks for the app: a wrong anchor is worse than none.
func checkedRecommendations(view catalog.View, recs []analyze.Recommendation) []analyze.Recommendation {
	var out []analyze.Recommendation
	for _, r := range recs {
		if view.Check(r.Key, r.Proposed) == nil {
			out = append(out, r)
		}
	}
	return out
}

// collapse merges failures with the same (scrubbed) message into one with
// the ids and a count, the most frequent first, then by first id.
func collapse(fs []failure) []failure {
	byMsg := map[string]int{}
	var out []failure
	for _, f := range fs {
		if i, ok := byMsg[f.Message]; ok {
			out[i].Count++
			if len(out[i].IDs) < maxIDs {
				out[i].IDs = append(out[i].IDs, f.IDs...)
			}
			continue
		}
		byMsg[f.Message] = len(out)
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// maxIDs bounds the ids listed for a collapsed message.
const maxIDs = 10

// rightSizingOrWhyUnavailable is the reference's right_sizing: an
// *analyze.RightsizeReference, or the string "unavailable: why".
type rightSizingOrWhyUnavailable = any

// rightSizing is the reference's right_sizing: the app's, "unavailable:
// why" when it could not be rebuilt, or nil (left out).
func rightSizing(c Candidate) rightSizingOrWhyUnavailable {
	switch {
	case c.Rightsizing != nil:
		return c.Rightsizing
	case c.RightsizingUnavailable != "":
		return "unavailable: " + c.RightsizingUnavailable
	}
	return nil
}
