package extract

import (
	"fmt"

	"github.com/valyala/fastjson"
)

// required are the members Spark's JsonProtocol always writes for the
// events sparkmine models (since Spark 1.0). An event without one of them
// is damage, not a variant: it is left out of the model and listed in
// App.Damage.
var required = map[string][]string{
	"SparkListenerTaskStart":                     {"Stage ID", "Task Info"},
	"SparkListenerTaskEnd":                       {"Stage ID", "Task End Reason", "Task Info"},
	"SparkListenerStageSubmitted":                {"Stage Info"},
	"SparkListenerStageCompleted":                {"Stage Info"},
	"SparkListenerJobStart":                      {"Job ID"},
	"SparkListenerJobEnd":                        {"Job ID", "Job Result"},
	"SparkListenerExecutorAdded":                 {"Executor ID", "Executor Info"},
	"SparkListenerExecutorRemoved":               {"Executor ID"},
	"SparkListenerApplicationStart":              {"App Name", "Timestamp"},
	"SparkListenerApplicationEnd":                {"Timestamp"},
	"SparkListenerEnvironmentUpdate":             {"Spark Properties"},
	sqlPrefix + "SparkListenerSQLExecutionStart": {"executionId"},
	sqlPrefix + "SparkListenerSQLExecutionEnd":   {"executionId"},
}

// missingField returns the first required member event name lacks in v,
// or "".
func missingField(name string, v *fastjson.Value) string {
	for _, f := range required[name] {
		if v.Get(f) == nil {
			return f
		}
	}
	return ""
}

// damage records an event the model leaves out because it is damaged,
// keeping at most MaxWarnings of them.
func (b *Builder) damage(file string, lineNo int64, event, field string) {
	b.damaged++
	if len(b.damages) < b.opts.MaxWarnings {
		b.damages = append(b.damages, Warning{File: file, Line: lineNo,
			Reason: fmt.Sprintf("%s without its required %q", event, field)})
	}
}
