package analyze

import (
	"fmt"
	"math"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

const (
	keyMaxRetries     = "spark.shuffle.io.maxRetries"
	keyRetryWait      = "spark.shuffle.io.retryWait"
	keyShuffleService = "spark.shuffle.service.enabled"
)

// fetchFailure (fetch_failure) flags stages whose tasks could not fetch
// shuffle blocks (TaskEnd reason FetchFailed, summed over the stage's
// attempts) and the stage retries that follow (Spark resubmits the stage and
// recomputes the lost map output; spark.stage.maxConsecutiveAttempts, 4,
// retries abort the job). Fetch failures are graded 1/5/20/50, retries
// (the highest stage_attempt_id) 1/2/3/4, and the worse grade wins. One
// finding per stage id, on its last attempt.
//
// Recommendation: more and slower shuffle fetch retries
// (spark.shuffle.io.maxRetries, default 3; spark.shuffle.io.retryWait,
// default 5 s) so a busy or restarting node is waited for, and the external
// shuffle service, which keeps map output when an executor goes away.
type fetchFailure struct{ c FetchFailureConfig }

// FetchFailureConfig configures fetch_failure; the worse of its two
// grades wins.
type FetchFailureConfig struct {
	Switch      `yaml:",inline"`
	Grades      Grades `yaml:"grades" check:"ascending" doc:"grades of a stage's fetch failures"`
	RetryGrades Grades `yaml:"retry_grades" check:"ascending" doc:"grades of a stage's attempt retries"`
}

func (FetchFailureConfig) defaults() detectorConfig {
	return FetchFailureConfig{Switch: enabled, Grades: Grades{1, 5, 20, 50}, RetryGrades: Grades{1, 2, 3, 4}}
}

func (c FetchFailureConfig) detector() Detector { return fetchFailure{c} }

func (fetchFailure) Name() string { return "fetch_failure" }

// stageGroup is every attempt of one stage id.
type stageGroup struct {
	last          *extract.StageRow
	fetchFailures int64
	retries       int64
	failedRunMS   int64 // executor run time of attempts that failed
}

// groupStages gathers attempts by stage id, in stage id order of first
// appearance.
func groupStages(app *extract.App) ([]int64, map[int64]*stageGroup) {
	var ids []int64
	gs := map[int64]*stageGroup{}
	for i := range app.Stages {
		st := &app.Stages[i]
		g, ok := gs[st.StageID]
		if !ok {
			g = &stageGroup{}
			gs[st.StageID] = g
			ids = append(ids, st.StageID)
		}
		if g.last == nil || st.StageAttemptID >= g.last.StageAttemptID {
			g.last = st
		}
		g.fetchFailures += max(st.FetchFailures, 0)
		g.retries = max(g.retries, st.StageAttemptID)
		if st.Status == "FAILED" {
			g.failedRunMS += max(st.ExecutorRunTimeMS, 0)
		}
	}
	return ids, gs
}

func (d fetchFailure) Detect(app *extract.App) []FindingRow {
	ids, gs := groupStages(app)
	var out []FindingRow
	for _, id := range ids {
		g := gs[id]
		if g.fetchFailures <= 0 {
			continue
		}
		ff, rt := float64(g.fetchFailures), float64(g.retries)
		sev := max(d.c.Grades.asc(ff), d.c.RetryGrades.asc(rt))
		if sev == None {
			continue
		}
		score := math.Max(d.c.Grades.scoreAsc(ff), d.c.RetryGrades.scoreAsc(rt))
		f := stageFinding(d.Name(), g.last, sev, score, fmt.Sprintf("Stage %d: %d shuffle fetch failures, %d retries", id, g.fetchFailures, g.retries))
		f.Detail = fmt.Sprintf("Tasks of stage %d failed %d times to fetch shuffle blocks and the stage was retried %d times, recomputing lost map output. Usually an executor holding the blocks died or its node was overloaded. %s",
			id, g.fetchFailures, g.retries, truncate(g.last.FailureReason, 300))
		f.Evidence = []Evidence{
			ev("fetch_failures", ff, d.c.Grades.at(d.c.Grades.asc(ff))),
			ev("stage_retries", rt, d.c.RetryGrades.at(d.c.RetryGrades.asc(rt))),
		}
		f.Recommendations = fetchRecs(app)
		out = append(out, f)
	}
	return out
}

func fetchRecs(app *extract.App) []Recommendation {
	var rs []Recommendation
	if cur := confInt(app, keyMaxRetries, 3); cur < 10 {
		rs = append(rs, rec(app, keyMaxRetries, propInt(keyMaxRetries, float64(max(2*cur, 6))), "retry a failed block fetch more often before failing the task"))
	}
	if cur := confMS(app, keyRetryWait, 1000, 5000); cur < 30_000 {
		rs = append(rs, rec(app, keyRetryWait, propSeconds(keyRetryWait, float64(max(2*cur, 15_000))), "wait longer between fetch retries so a busy node can recover"))
	}
	if !isTrue(app, keyShuffleService) {
		rs = append(rs, rec(app, keyShuffleService, "true", "the external shuffle service serves map output even after its executor is gone"))
	}
	return rs
}

// wastedCoreMS is the run time of the stage's failed attempts.
func (fetchFailure) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	if f.StageID == nil {
		return 0
	}
	_, gs := groupStages(app)
	if g := gs[*f.StageID]; g != nil {
		return float64(g.failedRunMS)
	}
	return 0
}

// taskFailures (task_failures) flags failed work: the failed-task rate
// (failed ÷ all task ends) graded 0.05/0.10/0.15/0.20 when at least
// min_tasks (20) tasks ended (a healthy cluster fails well under 5 % of its
// tasks; each grade adds five points), and critical whenever a job failed or a
// stage's last attempt failed (a failed attempt that a later attempt
// repaired is fetch_failure's business, not this one's). A stage attempt
// whose own rate grades worse than the app's is reported on its own, since
// one failing stage is diluted in the app's rate. The detail quotes
// the first failure message. No config change is recommended: the cause is
// in the messages (executor_loss covers memory kills).
type taskFailures struct{ c TaskFailuresConfig }

// TaskFailuresConfig configures task_failures.
type TaskFailuresConfig struct {
	Switch   `yaml:",inline"`
	Grades   Grades `yaml:"grades" check:"ascending,fraction" doc:"grades of failed ÷ all task ends (a failed job or stage is critical)"`
	MinTasks int64  `yaml:"min_tasks" check:"nonneg" doc:"the rate is judged only from this many task ends"`
}

func (TaskFailuresConfig) defaults() detectorConfig {
	return TaskFailuresConfig{Switch: enabled, Grades: Grades{0.05, 0.10, 0.15, 0.20}, MinTasks: 20}
}

func (c TaskFailuresConfig) detector() Detector { return taskFailures{c} }

func (taskFailures) Name() string { return "task_failures" }

func (d taskFailures) Detect(app *extract.App) []FindingRow {
	failed := crashedTasks(app)
	r := ratio(float64(failed), float64(app.Row.Tasks))
	sev := None
	if app.Row.Tasks >= max(d.c.MinTasks, 1) {
		sev = d.c.Grades.asc(r)
	}
	jobs, msgs := failedJobs(app)
	stages, smsgs := failedStages(app)
	if jobs+stages > 0 {
		sev = Critical
	}
	var out []FindingRow
	if sev > None {
		msgs = append(msgs, smsgs...)
		f := appFinding(d.Name(), sev, math.Max(d.c.Grades.scoreAsc(r), 1),
			fmt.Sprintf("%s, %s, %s", count(failed, "failed task"), count(jobs, "failed job"), count(stages, "failed stage")))
		f.Detail = fmt.Sprintf("%d of %s failed (%.1f%%); %s and %s failed for good. %s. %s",
			failed, count(app.Row.Tasks, "task"), r*100, count(jobs, "job"), count(stages, "stage"), endReasons(app), failingExecutors(app))
		f.Evidence = []Evidence{
			ev("failed_task_rate", r, d.c.Grades.at(d.c.Grades.asc(r))),
			ev("failed_jobs", float64(jobs), 1),
			ev("failed_stages", float64(stages), 1),
		}
		if rc, ok := findRootCause(app); ok {
			nameRootCause(&f, rc)
		} else if len(msgs) > 0 {
			f.Detail += " " + strings.Join(msgs, " | ")
		}
		out = append(out, f)
	}
	return append(out, d.stages(app, sev)...)
}

// stages reports stage attempts whose own failed-task rate grades worse
// than the app's: failures concentrated in one stage are diluted in the
// app's rate.
func (d taskFailures) stages(app *extract.App, appSev Severity) []FindingRow {
	var out []FindingRow
	for i := range app.Stages {
		st := &app.Stages[i]
		ends := max(st.CompleteTasks, 0) + max(st.FailedTasks, 0) + max(st.KilledTasks, 0)
		if ends == 0 {
			ends = st.Tasks
		}
		if ends < max(d.c.MinTasks, 1) {
			continue
		}
		r := ratio(float64(st.FailedTasks), float64(ends))
		sev := d.c.Grades.asc(r)
		if sev <= appSev {
			continue
		}
		f := stageFinding(d.Name(), st, sev, d.c.Grades.scoreAsc(r), fmt.Sprintf("Stage %d: %.0f%% of tasks failed", st.StageID, r*100))
		f.Detail = fmt.Sprintf("%d of %d task attempts of stage %d failed and were retried. %s", st.FailedTasks, ends, st.StageID, truncate(st.FailureReason, 300))
		f.Evidence = []Evidence{ev("failed_task_rate", r, d.c.Grades.at(sev)), ev("task_ends", float64(ends), float64(d.c.MinTasks))}
		out = append(out, f)
	}
	return out
}

// failedJobs counts failed jobs (the larger of the row's count and the
// jobs list) and returns up to two of their messages.
func failedJobs(app *extract.App) (int64, []string) {
	var n int64
	var msgs []string
	for _, j := range app.Jobs {
		if j.Result != "JobFailed" {
			continue
		}
		n++
		if len(msgs) < 2 && j.FailureMessage != "" {
			msgs = append(msgs, fmt.Sprintf("job %d: %s", j.JobID, truncate(j.FailureMessage, 300)))
		}
	}
	return max(n, app.Row.FailedJobs), msgs
}

// failedStages counts stage ids whose last attempt failed.
func failedStages(app *extract.App) (int64, []string) {
	ids, gs := groupStages(app)
	var n int64
	var msgs []string
	for _, id := range ids {
		if g := gs[id]; g.last.Status == "FAILED" {
			n++
			if len(msgs) < 2 && g.last.FailureReason != "" {
				msgs = append(msgs, fmt.Sprintf("stage %d: %s", id, truncate(g.last.FailureReason, 300)))
			}
		}
	}
	return n, msgs
}

// wastedCoreMS is the failed tasks' share of task time (of the stage's run
// time for a stage finding).
func (taskFailures) wastedCoreMS(app *extract.App, f FindingRow) float64 {
	if st := stageOf(app, f); st != nil {
		ends := max(st.CompleteTasks+st.FailedTasks+st.KilledTasks, st.Tasks)
		return pos(float64(st.ExecutorRunTimeMS)) * math.Min(1, ratio(float64(st.FailedTasks), float64(ends)))
	}
	return pos(float64(app.Row.TaskTimeMS)) * math.Min(1, ratio(float64(app.Row.FailedTasks), float64(app.Row.Tasks)))
}

// wallMS is the wall time of the stage's failed attempts, redone by the
// retries.
func (fetchFailure) wallMS(app *extract.App, f FindingRow) float64 {
	var ms float64
	for _, st := range app.Stages {
		if f.StageID != nil && st.StageID == *f.StageID && st.Status == "FAILED" {
			ms += float64(max(st.DurationMS, 0))
		}
	}
	return ms
}

// risk: a failed app is reported whatever it cost.
func (taskFailures) risk(app *extract.App, f FindingRow) bool {
	return f.StageID == nil && app.Row.Status == "failed"
}

// wallMS is the whole app when it failed (it must run again), else the
// failed tasks' run time spread over the task slots.
func (d taskFailures) wallMS(app *extract.App, f FindingRow) float64 {
	if f.StageID == nil && app.Row.Status == "failed" {
		return float64(app.Row.DurationMS)
	}
	return d.wastedCoreMS(app, f) / math.Max(1, float64(slots(app)))
}

// nameRootCause puts the root cause first in a failure finding.
func nameRootCause(f *FindingRow, rc rootCause) {
	where := "a failed job"
	if rc.stage != nil {
		where = fmt.Sprintf("stage %d (%s)", rc.stage.StageID, truncate(rc.stage.Name, 80))
		f.Evidence = append(f.Evidence, ev("root_cause_stage", float64(rc.stage.StageID), 0))
	}
	if rc.class == "" {
		f.Title = "Root cause: the SparkContext stopped while a job ran"
		f.Detail = fmt.Sprintf("Root cause: %s. %s", rc.excerpt, f.Detail)
		return
	}
	f.Title = fmt.Sprintf("Root cause: %s in %s", shortClass(rc.class), where)
	f.Detail = fmt.Sprintf("Root cause: %s failed with %s. %s", where, rc.excerpt, f.Detail)
}

// shortClass drops a class name's package.
func shortClass(c string) string { return c[strings.LastIndex(c, ".")+1:] }

// crashedTasks is the app's failed task ends less the Resubmitted ones,
// which the History Server counts failed though no task crashed.
func crashedTasks(app *extract.App) int64 {
	n := app.Row.FailedTasks
	for _, st := range app.Stages {
		n -= max(st.ResubmittedTasks, 0)
	}
	return max(n, 0)
}

// count returns "1 task" or "n tasks".
func count[N ~int | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
