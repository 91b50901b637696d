package analyze

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

// A failed app is explained by its root cause, not its symptoms: the
// earliest stage attempt whose tasks failed with an exception, named with
// the exception's class and an excerpt of its message. Stages cancelled
// because the SparkContext shut down, or because their job was cancelled,
// are consequences of the failure and never its cause.

// exceptionRE finds a Java/Scala exception class in a failure message:
// a dotted name ending in Exception, Error or OOM (RAPIDS's GpuRetryOOM).
var exceptionRE = regexp.MustCompile(`\b(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|OOM)\b`)

// shutdownRE matches the messages of stages and jobs cancelled as a
// consequence of a failure or of the app stopping (Spark's
// DAGScheduler.cleanUpAfterSchedulerStop and cancelJob).
var shutdownRE = regexp.MustCompile(`(?i)SparkContext (was|has been) shut ?down|cancelled because|Job \d+ cancelled|Stage cancelled|killed via the Web UI`)

// rootCause is the failure that explains a failed app.
type rootCause struct {
	stage   *extract.StageRow // nil when only a job message names it
	class   string            // exception class, "" for a shutdown while a job ran
	excerpt string            // the message from the class on, bounded
}

// findRootCause returns the earliest stage attempt (by completion, then
// stage id) that failed with an exception and not by a shutdown, or, when
// no stage does, the first failed job whose message names an exception.
func findRootCause(app *extract.App) (rootCause, bool) {
	var cands []*extract.StageRow
	for i := range app.Stages {
		st := &app.Stages[i]
		if (st.Status == "FAILED" || st.ExceptionFailures > 0) && !shutdownRE.MatchString(st.FailureReason) {
			cands = append(cands, st)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return stageEnd(cands[i]) < stageEnd(cands[j]) })
	for _, st := range cands {
		if rc := causeOf(st.FailureReason); rc.class != "" {
			rc.stage = st
			return rc, true
		}
	}
	for _, j := range app.Jobs {
		if j.Result == "JobFailed" && !shutdownRE.MatchString(j.FailureMessage) {
			if rc := causeOf(j.FailureMessage); rc.class != "" {
				return rc, true
			}
		}
	}
	return stoppedWhileRunning(app)
}

// stoppedWhileRunning is the root cause of an app whose only failures are
// shutdown cancellations: the SparkContext was stopped (by the app's own
// code, or the cluster) while a job ran; task errors that followed are
// consequences.
func stoppedWhileRunning(app *extract.App) (rootCause, bool) {
	for _, j := range app.Jobs {
		if j.Result == "JobFailed" && shutdownRE.MatchString(j.FailureMessage) {
			return rootCause{excerpt: fmt.Sprintf("the SparkContext was shut down while job %d ran (%s); its stages were cancelled and any task errors after that are consequences",
				j.JobID, truncate(j.FailureMessage, 120))}, true
		}
	}
	return rootCause{}, false
}

// causeOf finds the exception a failure message names: the last class in
// its first line that is not Spark's own wrapper (SparkException), else
// the first class.
func causeOf(msg string) rootCause {
	classes := exceptionRE.FindAllStringIndex(msg, -1)
	if len(classes) == 0 {
		return rootCause{}
	}
	pick := classes[0]
	for _, c := range classes {
		if !strings.HasSuffix(msg[c[0]:c[1]], ".SparkException") {
			pick = c
			break
		}
	}
	line, _, _ := strings.Cut(msg[pick[0]:], "\n")
	return rootCause{class: msg[pick[0]:pick[1]], excerpt: truncate(strings.TrimSpace(line), 240)}
}

// stageEnd orders stage attempts by when they ended (submission, then id,
// when unknown).
func stageEnd(st *extract.StageRow) int64 {
	for _, t := range []*int64{st.CompletionTime, st.SubmissionTime} {
		if t != nil {
			return *t
		}
	}
	return 1<<62 + st.StageID
}

// endReasons is the breakdown of an app's failed and killed task ends.
func endReasons(app *extract.App) string {
	var exc, fetch, lost, killed, denied, resub int64
	for _, st := range app.Stages {
		exc += st.ExceptionFailures
		fetch += st.FetchFailures
		lost += st.ExecutorLostFailures
		killed += st.KilledTasks - st.CommitDeniedTasks
		denied += st.CommitDeniedTasks
		resub += st.ResubmittedTasks
	}
	return fmt.Sprintf("task ends: %d exceptions, %d FetchFailed, %d ExecutorLostFailure, %d TaskKilled, %d TaskCommitDenied, %d Resubmitted (finished output lost with its executor: a consequence, not a crash)",
		exc, fetch, lost, killed, denied, resub)
}

// failingExecutors names the executors whose tasks failed, most first
// (at most three).
func failingExecutors(app *extract.App) string {
	var es []extract.ExecutorRow
	for _, e := range app.Executors {
		if e.FailedTasks > 0 {
			es = append(es, e)
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].FailedTasks > es[j].FailedTasks })
	var parts []string
	for _, e := range es[:min(len(es), 3)] {
		parts = append(parts, fmt.Sprintf("%s (%d)", e.ExecutorID, e.FailedTasks))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Failed tasks by executor: " + strings.Join(parts, ", ") + "."
}
