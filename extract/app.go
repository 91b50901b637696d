package extract

import "github.com/sparkmine/sparkmine/extract/plan"

// App is the model of one application attempt built in one pass over its
// event log: the rows of the apps, stages and executors tables plus the jobs
// and SQL executions the detectors and the diagnosis need.
type App struct {
	Row    AppRow
	Stages []StageRow // ordered by stage id, then attempt id
	// StageTasks are the stage attempts' task-duration sketches, in the
	// order of Stages (the right-sizing simulator's input).
	StageTasks []TaskSketch
	Executors  []ExecutorRow // ordered by add time, the driver first
	Jobs       []Job
	SQL        []SQLExecution
	Queries    []QueryRow    // one per SQL execution, in SQL's order
	PlanNodes  []PlanNodeRow // the operators of every query's final plan

	// Conf holds the tuning-relevant Spark properties (already redacted):
	// the same map that AppRow.SparkConf carries as JSON.
	Conf map[string]string

	// Warnings are the counted, non-fatal problems met while reading the
	// log (malformed lines, gaps in rolling parts), each naming the file
	// and line. The list is capped; AppRow.MalformedLines has the count.
	Warnings []Warning

	// Damage lists the events left out of the model because a member
	// Spark always writes is missing (capped like Warnings); Damaged counts
	// them all. A log with damage is a problem of its run.
	Damage  []Warning
	Damaged int64
}

// Job is one Spark job.
type Job struct {
	JobID          int64
	SubmissionTime *int64
	CompletionTime *int64
	Result         string // JobSucceeded | JobFailed | "" while running
	FailureMessage string // first line of the exception message, bounded
	StageIDs       []int64
	SQLExecutionID *int64 // spark.sql.execution.id
	Description    string // spark.job.description or callSite.short
}

// SQLExecution is one SQL query execution.
type SQLExecution struct {
	ExecutionID     int64
	RootExecutionID *int64 // Spark 3.4+: the execution this one is a sub-execution of
	Description     string
	StartTime       *int64
	EndTime         *int64
	ErrorMessage    string
	// PlanExcerpt is the beginning of the final physical plan description
	// (the last adaptive update wins), bounded to PlanExcerptLimit bytes.
	PlanExcerpt string
	// FinalPlan says the plan read is final: AQE's final plan, or a plan
	// without adaptive execution.
	FinalPlan bool
	// Operators sums up the final plan: joins, exchanges, scans and AQE
	// changes, each operator with the stages that ran it.
	Operators plan.Summary
}

// PlanExcerptLimit bounds SQLExecution.PlanExcerpt.
const PlanExcerptLimit = 8 << 10

// Warning is a non-fatal problem in a log, like fs.PathError: the file (a
// part of the log), the 1-based line number (0 when not about a line) and
// what was wrong.
type Warning struct {
	File   string
	Line   int64
	Reason string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return w.File + ":" + itoa(w.Line) + ": " + w.Reason
	}
	return w.File + ": " + w.Reason
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
