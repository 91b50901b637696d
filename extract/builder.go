package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sparkmine/sparkmine/extract/plan"
	"github.com/sparkmine/sparkmine/extract/redact"
	"github.com/valyala/fastjson"
)

// Options configure a Builder.
type Options struct {
	// LastUpdated is the log's modification time in epoch ms. Tasks that
	// never ended get duration = LastUpdated − Launch Time, as the History
	// Server does when it replays a log.
	LastUpdated int64
	// InProgress says the log is in progress by its name (.inprogress or an
	// in-progress appstatus file).
	InProgress bool
	SourceURI  string
	RunID      string
	// AppID and AttemptID are the ids derived from the log's name; they are
	// used when the log has no SparkListenerApplicationStart carrying them.
	AppID     string
	AttemptID string
	// Redactor hides secrets in spark_conf and in every free-text field
	// (Text); nil means redact.Default.
	Redactor *redact.Redactor
	// MaxWarnings caps App.Warnings (AppRow.MalformedLines is always the
	// exact count). Zero means DefaultMaxWarnings.
	MaxWarnings int
	// MaxLine bounds the longest line ReadLog reads (0:
	// logfile.DefaultMaxLineSize); a longer one makes the log unreadable.
	MaxLine int64
	// MaxBytes bounds the decompressed bytes ReadLog reads (0: none); past
	// them the log is unreadable.
	MaxBytes int64
}

// DefaultMaxWarnings is the cap on App.Warnings when Options.MaxWarnings is 0.
const DefaultMaxWarnings = 100

// Builder builds the model of one application attempt from its event lines,
// in one pass. It keeps per-task data only for live stage attempts, so its
// memory is bounded by the largest running stages, not by the log. A
// Builder is not safe for concurrent use.
type Builder struct {
	opts   Options
	parser fastjson.Parser

	app       appState
	stages    map[stageKey]*stageAttempt // not yet reduced to a row
	rows      map[stageKey]*stageResult  // reduced rows
	tasks     map[int64]liveTask         // task id → where its record is
	execs     map[string]*executor
	execList  []*executor // in order of creation
	jobs      map[int64]*Job
	jobOrder  []int64
	sql       map[int64]*sqlExec
	sqlOrder  []int64
	accums    plan.Accums // SQL metric values and the stages that carried them
	names     plan.Strings
	sparePlan *plan.Plan // a replaced plan whose storage the next one takes

	stageCtx map[int64]*stageContext // by stage id
	jobCtx   map[int64]*jobContext   // by job id
	isParent map[int64]bool          // stage ids some stage lists among its Parent IDs

	keepDist bool // keep each stage's sorted task values (tests)
	noFast   bool // decode every line with fastjson (tests: the reference path)

	scratch     taskEndEvent   // reused by every TaskEnd
	taskPool    [][]taskRecord // record storage of reduced stage attempts
	distScratch []int64        // distOf's values when not kept
	lastStage   *stageAttempt  // nil or the member of stages last looked up
	jobMemo     jobMemo        // values of job and stage events seen before (fastjob.go)

	warnings  []Warning
	damages   []Warning // events left out for a missing required member
	damaged   int64
	malformed int64
	unknown   int64
	logBytes  int64
}

// NewBuilder returns a Builder for one application attempt.
func NewBuilder(opts Options) *Builder {
	if opts.Redactor == nil {
		opts.Redactor = redact.Default
	}
	if opts.MaxWarnings <= 0 {
		opts.MaxWarnings = DefaultMaxWarnings
	}
	return &Builder{
		opts:   opts,
		stages: make(map[stageKey]*stageAttempt),
		rows:   make(map[stageKey]*stageResult),
		tasks:  make(map[int64]liveTask),
		execs:  make(map[string]*executor),
		jobs:   make(map[int64]*Job),
		sql:    make(map[int64]*sqlExec),

		stageCtx: make(map[int64]*stageContext),
		jobCtx:   make(map[int64]*jobContext),
		isParent: make(map[int64]bool),
	}
}

// Line decodes one event line (without its trailing newline; a trailing
// '\r' is tolerated). file and lineNo name the line in warnings. A malformed
// line, or one without an "Event", is a counted warning; an unknown event is
// counted in AppRow.UnknownEvents and skipped. Line never panics on any
// input.
func (b *Builder) Line(line []byte, file string, lineNo int64) {
	b.logBytes += int64(len(line)) + 1
	line = bytes.TrimRight(line, "\r")
	if !b.noFast && b.fastLine(line) {
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	v, err := b.parser.ParseBytes(line)
	if err != nil {
		b.warn(file, lineNo, malformed(err, len(line)))
		return
	}
	name := v.GetStringBytes("Event")
	if name == nil {
		b.warn(file, lineNo, `no "Event" field`)
		return
	}
	if f := missingField(string(name), v); f != "" {
		b.damage(file, lineNo, string(name), f)
		return
	}
	if !b.dispatch(string(name), v) {
		b.unknown++
	}
}

// malformed words a parse error without quoting the line: a log line may
// hold a secret, and warnings reach log lines and the run manifest. The
// parser quotes the input it stopped at ("unparsed tail: ...", "unexpected
// tail: ..."); that becomes the byte offset, and every quoted part of the
// message is dropped.
func malformed(err error, lineLen int) string {
	msg := err.Error()
	where := ""
	for _, marker := range []string{"unparsed tail: ", "unexpected tail: "} {
		if i := strings.Index(msg, marker); i >= 0 {
			if tail, uerr := strconv.Unquote(msg[i+len(marker):]); uerr == nil {
				where = fmt.Sprintf(" at byte %d of %d", lineLen-len(tail)+1, lineLen)
			}
			break
		}
	}
	msg = quoted.ReplaceAllString(msg, "")
	msg = strings.NewReplacer("; unparsed tail: ", "", "unparsed tail: ", "").Replace(msg)
	return "malformed JSON" + where + ": " + strings.TrimRight(msg, " :;")
}

// quoted matches a Go-quoted string in a parser message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// warn records a counted warning, keeping at most MaxWarnings of them.
func (b *Builder) warn(file string, lineNo int64, reason string) {
	b.malformed++
	if len(b.warnings) < b.opts.MaxWarnings {
		b.warnings = append(b.warnings, Warning{File: file, Line: lineNo, Reason: Clip(reason, 200)})
	}
}

// dispatch hands an event to its handler and reports whether the event is
// one sparkmine knows (handled or deliberately ignored).
func (b *Builder) dispatch(name string, v *fastjson.Value) bool {
	switch name {
	case "SparkListenerTaskEnd":
		b.onTaskEnd(v)
	case "SparkListenerTaskStart":
		b.onTaskStart(v)
	case "SparkListenerStageSubmitted":
		b.onStageSubmitted(v)
	case "SparkListenerStageCompleted":
		b.onStageCompleted(v)
	case "SparkListenerJobStart":
		b.onJobStart(v)
	case "SparkListenerJobEnd":
		b.onJobEnd(v)
	case "SparkListenerExecutorAdded":
		b.onExecutorAdded(v)
	case "SparkListenerExecutorRemoved":
		b.onExecutorRemoved(v)
	case "SparkListenerBlockManagerAdded":
		b.onBlockManagerAdded(v)
	case "SparkListenerStageExecutorMetrics":
		b.onStageExecutorMetrics(v)
	case "SparkListenerExecutorMetricsUpdate":
		b.onExecutorMetricsUpdate(v)
	case "SparkListenerLogStart":
		b.app.sparkVersion = string(v.GetStringBytes("Spark Version"))
	case "SparkListenerApplicationStart":
		b.onApplicationStart(v)
	case "SparkListenerApplicationEnd":
		b.onApplicationEnd(v)
	case "SparkListenerEnvironmentUpdate":
		b.onEnvironmentUpdate(v)
	case sqlPrefix + "SparkListenerSQLExecutionStart":
		b.onSQLStart(v)
	case sqlPrefix + "SparkListenerSQLExecutionEnd":
		b.onSQLEnd(v)
	case sqlPrefix + "SparkListenerSQLAdaptiveExecutionUpdate":
		b.onSQLAdaptive(v)
	case sqlPrefix + "SparkListenerDriverAccumUpdates":
		b.onDriverAccumUpdates(v)
	default:
		return knownIgnored[name]
	}
	return true
}

const sqlPrefix = "org.apache.spark.sql.execution.ui."

// knownIgnored are events sparkmine recognises but does not model.
var knownIgnored = map[string]bool{
	"SparkListenerTaskGettingResult":                                             true,
	"SparkListenerBlockManagerRemoved":                                           true,
	"SparkListenerUnpersistRDD":                                                  true,
	"SparkListenerBlockUpdated":                                                  true,
	"SparkListenerResourceProfileAdded":                                          true,
	"SparkListenerExecutorBlacklisted":                                           true,
	"SparkListenerExecutorUnblacklisted":                                         true,
	"SparkListenerNodeBlacklisted":                                               true,
	"SparkListenerNodeUnblacklisted":                                             true,
	"org.apache.spark.scheduler.SparkListenerExecutorBlacklisted":                true,
	"org.apache.spark.scheduler.SparkListenerExecutorBlacklistedForStage":        true,
	"org.apache.spark.scheduler.SparkListenerExecutorUnblacklisted":              true,
	"org.apache.spark.scheduler.SparkListenerNodeBlacklisted":                    true,
	"org.apache.spark.scheduler.SparkListenerNodeBlacklistedForStage":            true,
	"org.apache.spark.scheduler.SparkListenerNodeUnblacklisted":                  true,
	"org.apache.spark.scheduler.SparkListenerExecutorExcluded":                   true,
	"org.apache.spark.scheduler.SparkListenerExecutorExcludedForStage":           true,
	"org.apache.spark.scheduler.SparkListenerExecutorUnexcluded":                 true,
	"org.apache.spark.scheduler.SparkListenerNodeExcluded":                       true,
	"org.apache.spark.scheduler.SparkListenerNodeExcludedForStage":               true,
	"org.apache.spark.scheduler.SparkListenerNodeUnexcluded":                     true,
	"org.apache.spark.scheduler.SparkListenerSpeculativeTaskSubmitted":           true,
	"org.apache.spark.scheduler.SparkListenerUnschedulableTaskSetAdded":          true,
	"org.apache.spark.scheduler.SparkListenerUnschedulableTaskSetRemoved":        true,
	"org.apache.spark.scheduler.SparkListenerMiscellaneousProcessAdded":          true,
	"org.apache.spark.scheduler.SparkListenerExecutorDecommissioned":             true,
	sqlPrefix + "SparkListenerSQLAdaptiveSQLMetricUpdates":                       true,
	"org.apache.spark.sql.streaming.StreamingQueryListener$QueryStartedEvent":    true,
	"org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent":   true,
	"org.apache.spark.sql.streaming.StreamingQueryListener$QueryIdleEvent":       true,
	"org.apache.spark.sql.streaming.StreamingQueryListener$QueryTerminatedEvent": true,
}

// Clip returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence: it bounds free text (a failure message, a plan
// excerpt, a finding's detail) without breaking a character.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// optInt64 returns a pointer to the number at keys, nil when it is absent
// or not a number.
func optInt64(v *fastjson.Value, keys ...string) *int64 {
	x := v.Get(keys...)
	if x == nil || x.Type() != fastjson.TypeNumber {
		return nil
	}
	n := x.GetInt64()
	return &n
}

// str returns the string at keys ("" when absent). It allocates.
func str(v *fastjson.Value, keys ...string) string {
	return string(v.GetStringBytes(keys...))
}
