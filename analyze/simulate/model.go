package simulate

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/sparkmine/sparkmine/extract"
)

// Unit is one stage attempt the replay schedules.
type Unit struct {
	StageID int64
	Parents []int // indices of the units it waits for (within its group)
	DelayMS int64 // driver time from runnable to submitted, as in the log
	Tasks   extract.TaskSketch
	job     int // index of its job within its group
}

// Job is one Spark job of a group.
type Job struct {
	OffsetMS int64 // submission − the group's start, as in the log
	PostMS   int64 // completion − its last stage's completion, as in the log
}

// Group is a set of jobs whose run times overlapped in the log, with the
// driver time before it.
type Group struct {
	GapMS int64 // since the previous group's end (the app's start for the first)
	Jobs  []Job
	Units []Unit // in stage id, attempt order; Parents index this slice

	children [][]int // the units waiting for each unit
}

// Model is an application as the replay sees it. It is not for concurrent
// use (a replay caches each group's waiters).
type Model struct {
	Groups []Group
	TailMS int64 // after the last group's end, to the app's end
	// ExecStartMS is when the first executor registered, from the app's
	// start: no task runs before it, whatever the configuration.
	ExecStartMS int64
	// ExecSpacingMS is the median time between two executors'
	// registrations as the app's first executors came (a cluster's
	// container ramp-up).
	ExecSpacingMS int64
	// Timeline is the app's executors as they came and went, for the
	// replay at its own configuration (RunTimeline).
	Timeline []Executor
	TaskCPUs int64 // spark.task.cpus

	// The app's own configuration and duration, for the estimate's error.
	Executors     int64 // peak concurrent executors
	ExecutorCores int64
	DurationMS    int64
	Dynamic       bool // spark.dynamicAllocation.enabled
	Incomplete    bool // the log ends before the app: its duration is not the app's
	// MissingTasks counts tasks that completed stages had and the log does
	// not hold (a cut or edited log).
	MissingTasks int64
}

// DriverMS is the driver's own time the replay keeps: between and around
// groups, before stages, and after jobs' last stages.
func (m *Model) DriverMS() int64 {
	t := m.TailMS
	for _, g := range m.Groups {
		t += g.GapMS
		for _, j := range g.Jobs {
			t += j.PostMS
		}
		for _, u := range g.Units {
			t += u.DelayMS
		}
	}
	return t
}

// TaskMS is the total slot time of every task in the model.
func (m *Model) TaskMS() int64 {
	return m.sumUnits(func(u *Unit) int64 { return u.Tasks.SumMS })
}

// Tasks is the number of tasks in the model.
func (m *Model) Tasks() int64 {
	return m.sumUnits(func(u *Unit) int64 { return u.Tasks.Count })
}

func (m *Model) sumUnits(f func(*Unit) int64) int64 {
	var t int64
	for i := range m.Groups {
		for j := range m.Groups[i].Units {
			t += f(&m.Groups[i].Units[j])
		}
	}
	return t
}

// taskCPUs reads spark.task.cpus (1 when absent or not a positive integer).
func taskCPUs(conf map[string]string) int64 {
	n, err := strconv.ParseInt(conf["spark.task.cpus"], 10, 64)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// FromApp builds the replay's model of an app: nil when no stage ran a
// task or the app has no start time.
func FromApp(app *extract.App) *Model {
	r := app.Row
	if r.StartTime == nil || len(app.StageTasks) != len(app.Stages) {
		return nil
	}
	m := &Model{
		TaskCPUs: taskCPUs(app.Conf), Executors: r.MaxExecutors, ExecutorCores: r.ExecutorCores,
		DurationMS: r.DurationMS, Dynamic: app.Conf["spark.dynamicAllocation.enabled"] == "true",
		Incomplete: r.Status == extract.AppIncomplete, MissingTasks: missingTasks(app),
	}
	m.ExecStartMS = execStart(app)
	m.Timeline = timeline(app, m.TaskCPUs)
	m.ExecSpacingMS = spacing(m.Timeline, r.MaxExecutors)
	jobs := timedJobs(app)
	units := unitsOf(app, jobs)
	if len(units) == 0 {
		return nil
	}
	m.Groups, m.TailMS = groupsOf(app, jobs, units)
	return m
}

// timedJob is a job with its interval in the log.
type timedJob struct {
	j          *extract.Job
	start, end int64
}

// timedJobs are the app's jobs with a submission time, in submission order;
// a job still running ends at the app's end.
func timedJobs(app *extract.App) []timedJob {
	end := *app.Row.StartTime + app.Row.DurationMS
	var out []timedJob
	for i := range app.Jobs {
		j := &app.Jobs[i]
		if j.SubmissionTime == nil {
			continue
		}
		e := end
		if j.CompletionTime != nil {
			e = max(*j.CompletionTime, *j.SubmissionTime)
		}
		out = append(out, timedJob{j, *j.SubmissionTime, e})
	}
	slices.SortStableFunc(out, func(x, y timedJob) int { return cmp.Compare(x.start, y.start) })
	return out
}

// appUnit is a stage attempt that ran tasks, with the job it ran in.
type appUnit struct {
	row    *extract.StageRow
	tasks  extract.TaskSketch
	job    int // index into timedJobs, -1 when no job lists it
	submit int64
	end    int64
}

// unitsOf picks the stage attempts that ran tasks and the job each ran in:
// the latest job listing the stage that was submitted by the stage's
// submission.
func unitsOf(app *extract.App, jobs []timedJob) []appUnit {
	var out []appUnit
	for i := range app.Stages {
		s := &app.Stages[i]
		if app.StageTasks[i].Count == 0 {
			continue
		}
		u := appUnit{row: s, tasks: app.StageTasks[i], job: -1}
		u.submit = firstOf(s.SubmissionTime, s.FirstTaskLaunchedTime, jobsStart(jobs))
		u.tasks = clip(u.tasks, *app.Row.StartTime+app.Row.DurationMS-u.submit)
		u.end = max(u.submit, firstOf(s.CompletionTime, nil, u.submit+u.tasks.MaxMS))
		for k, j := range jobs {
			if j.start <= u.submit && slices.Contains(j.j.StageIDs, s.StageID) {
				u.job = k
			}
		}
		out = append(out, u)
	}
	return out
}

func jobsStart(jobs []timedJob) int64 {
	if len(jobs) == 0 {
		return 0
	}
	return jobs[0].start
}

func firstOf(a, b *int64, def int64) int64 {
	switch {
	case a != nil:
		return *a
	case b != nil:
		return *b
	}
	return def
}

// clip bounds every task's duration to limit ms: a task still running when
// the log ends has its duration up to the log's modification time (as the
// History Server shows it), which may be long after the app's end.
func clip(s extract.TaskSketch, limit int64) extract.TaskSketch {
	limit = max(0, limit)
	if s.MaxMS <= limit {
		return s
	}
	out := extract.TaskSketch{Count: s.Count, MaxMS: limit, Durations: make([]int32, len(s.Durations))}
	var sum int64
	for i, d := range s.Durations {
		out.Durations[i] = int32(min(int64(d), limit))
		sum += int64(out.Durations[i])
	}
	out.SumMS = sum
	if !s.Exact() {
		out.SumMS = sum * s.Count / int64(len(s.Durations))
	}
	return out
}

// execStart is the first executor's registration, from the app's start,
// never after the first task's launch (edited logs have executors added
// years later).
func execStart(app *extract.App) int64 {
	t := int64(math.MaxInt64)
	for _, e := range app.Executors {
		if e.ExecutorID != "driver" && e.AddedTime != nil {
			t = min(t, *e.AddedTime)
		}
	}
	for _, s := range app.Stages {
		if s.FirstTaskLaunchedTime != nil {
			t = min(t, *s.FirstTaskLaunchedTime)
		}
	}
	if t == math.MaxInt64 {
		return 0
	}
	return max(0, t-*app.Row.StartTime)
}

// Executor is one executor's slots and the time it held them, from the
// app's start.
type Executor struct {
	FromMS, UntilMS int64
	Slots           int64
}

// timeline lists the app's executors (none before the first one, see
// execStart).
func timeline(app *extract.App, taskCPUs int64) []Executor {
	start := *app.Row.StartTime
	first := execStart(app)
	var out []Executor
	for _, e := range app.Executors {
		if e.ExecutorID == "driver" || e.AddedTime == nil {
			continue
		}
		cores := cmp.Or(e.Cores, app.Row.ExecutorCores)
		x := Executor{FromMS: max(first, *e.AddedTime-start), UntilMS: math.MaxInt64, Slots: cores / taskCPUs}
		if x.FromMS > app.Row.DurationMS {
			x.FromMS = first // added after the app's end: an edited log
		}
		if e.RemovedTime != nil {
			x.UntilMS = *e.RemovedTime - start
		}
		out = append(out, x)
	}
	return out
}

// missingTasks counts the tasks complete stage attempts lack in the log.
func missingTasks(app *extract.App) int64 {
	var n int64
	for i, s := range app.Stages {
		if s.Status == extract.StatusComplete && i < len(app.StageTasks) {
			n += max(0, s.Tasks-app.StageTasks[i].Count)
		}
	}
	return n
}

// spacing is the (lower) median time between consecutive registrations
// of the first peak executors: a late replacement does not make every
// executor of the sweep late.
func spacing(tl []Executor, peak int64) int64 {
	adds := make([]int64, 0, len(tl))
	for _, e := range tl {
		adds = append(adds, e.FromMS)
	}
	slices.Sort(adds)
	adds = adds[:max(0, min(int64(len(adds)), peak))]
	if len(adds) < 2 {
		return 0
	}
	gaps := make([]int64, len(adds)-1)
	for i := range gaps {
		gaps[i] = adds[i+1] - adds[i]
	}
	slices.Sort(gaps)
	return gaps[(len(gaps)-1)/2]
}
