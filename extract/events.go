package extract

import "github.com/valyala/fastjson"

// appState is what the Builder gathers about the application itself.
type appState struct {
	id, attempt, name, user, sparkVersion string

	start, end *int64
	exitCode   *int64
	lastEvent  int64
	props      map[string]string // Spark Properties, raw

	tasks, failedTasks, killedTasks int64
	sums                            [numMetrics]int64 // over every TaskEnd with Task Metrics
}

// touch and touchValue track the newest timestamp in the log.
func (b *Builder) touch(t *int64) {
	if t != nil {
		b.touchValue(*t)
	}
}

func (b *Builder) touchValue(t int64) {
	if t > b.app.lastEvent {
		b.app.lastEvent = t
	}
}

func (a *appState) countTaskEnd(reason []byte) {
	a.tasks++
	_, failed, killed := endDeltas(reason)
	a.failedTasks += failed
	a.killedTasks += killed
}

func (b *Builder) onApplicationStart(v *fastjson.Value) {
	a := &b.app
	a.name = str(v, "App Name")
	a.user = str(v, "User")
	if id := str(v, "App ID"); id != "" {
		a.id = id
	}
	if att := str(v, "App Attempt ID"); att != "" {
		a.attempt = att
	}
	a.start = optInt64(v, "Timestamp")
	b.touch(a.start)
}

func (b *Builder) onApplicationEnd(v *fastjson.Value) {
	b.app.end = optInt64(v, "Timestamp")
	b.app.exitCode = optInt64(v, "ExitCode")
	if b.app.end == nil {
		t := b.app.lastEvent
		b.app.end = &t // an ApplicationEnd without a time still ends the app
	}
	b.touch(b.app.end)
	b.driverAtEnd()
}

// driverAtEnd reproduces a History Server quirk checked against every
// executor expectation with a driver: at ApplicationEnd the driver's
// totalDuration becomes the application's duration and its totalGCTime
// the driver's TotalGCTime executor metric (0 when absent), replacing the
// task sums (executor_list_json: 9011 ms and 0 for a local app whose
// driver ran 32 tasks).
func (b *Builder) driverAtEnd() {
	d := b.execs["driver"]
	if d == nil || !d.live || b.app.start == nil {
		return
	}
	d.duration = *b.app.end - *b.app.start
	d.gc = d.peakValue("TotalGCTime")
}

func (b *Builder) onEnvironmentUpdate(v *fastjson.Value) {
	o := v.GetObject("Spark Properties")
	if o == nil {
		return
	}
	if b.app.props == nil {
		b.app.props = make(map[string]string)
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		if s, err := x.StringBytes(); err == nil {
			b.app.props[string(k)] = string(s)
		}
	})
}

func (b *Builder) onJobStart(v *fastjson.Value) {
	id := v.GetInt64("Job ID")
	j := &Job{JobID: id, SubmissionTime: optTime(v, "Submission Time")}
	b.touch(j.SubmissionTime)
	for _, x := range v.GetArray("Stage IDs") {
		j.StageIDs = append(j.StageIDs, x.GetInt64())
	}
	p := v.Get("Properties")
	if p != nil {
		j.SQLExecutionID, _ = sqlExecutionID(p)
		j.Description = str(p, "spark.job.description")
		if j.Description == "" {
			j.Description = str(p, "callSite.short")
		}
		j.Description = Clip(j.Description, 512)
	}
	if _, dup := b.jobs[id]; !dup {
		b.jobOrder = append(b.jobOrder, id)
	}
	b.jobs[id] = j
	jc := jobContextFrom(p, j.StageIDs)
	b.jobCtx[id] = jc
	b.noteJobStages(v, id, jc)
	for _, si := range v.GetArray("Stage Infos") {
		k, info := stageInfoFromJSON(si)
		b.liveStage(k, info)
	}
}

// optTime is optInt64 for job times, where Spark writes -1 for "none".
func optTime(v *fastjson.Value, key string) *int64 {
	t := optInt64(v, key)
	if t != nil && *t < 0 {
		return nil
	}
	return t
}

func (b *Builder) onJobEnd(v *fastjson.Value) {
	j := b.jobs[v.GetInt64("Job ID")]
	if j == nil {
		return
	}
	j.CompletionTime = optTime(v, "Completion Time")
	b.touch(j.CompletionTime)
	j.Result = str(v, "Job Result", "Result")
	if j.Result == "JobFailed" {
		j.FailureMessage = firstLine(str(v, "Job Result", "Exception", "Message"), 1024)
	}
	b.skipPendingStages(j.StageIDs)
}

// skipPendingStages marks the job's stages still PENDING as SKIPPED and
// takes them out of the live set (AppStatusListener.onJobEnd).
func (b *Builder) skipPendingStages(ids []int64) {
	var pending []*stageAttempt
	for _, s := range b.stages {
		if s.live && s.c.status == StatusPending && containsID(ids, s.key.id) {
			pending = append(pending, s)
		}
	}
	for _, s := range pending {
		s.c.status = StatusSkipped
		s.live = false
		if s.running <= 0 {
			b.reduce(s)
		}
	}
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// firstLine returns the first line of s, bounded to n bytes.
func firstLine(s string, n int) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			s = s[:i]
			break
		}
	}
	return Clip(s, n)
}
