package extract

import (
	"strings"
	"testing"
)

// TestWarningsDoNotQuoteLines: a malformed line may hold a secret, and
// warnings go to log lines and the manifest, so they never quote the line.
func TestWarningsDoNotQuoteLines(t *testing.T) {
	const secret = "hunter2-S3CR3T"
	b := NewBuilder(Options{})
	for i, line := range []string{
		`{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.password":"` + secret + `" oops}`,
		`{"Event":"SparkListenerTaskEnd","Stage ID":1,"Task Info":{"Host":"` + secret + `",}}`,
		`{"Event":"SparkListenerLogStart","Spark Version":"3.5.0"} ` + secret,
		`not json ` + secret,
	} {
		b.Line([]byte(line), "app-1", int64(i+1))
	}
	app := b.Finish(false)
	if len(app.Warnings) != 4 {
		t.Fatalf("%d warnings, want 4: %v", len(app.Warnings), app.Warnings)
	}
	for _, w := range app.Warnings {
		if strings.Contains(w.String(), secret) || strings.Contains(w.String(), "oops") {
			t.Errorf("warning quotes the line: %s", w)
		}
		if !strings.Contains(w.Reason, "malformed JSON") {
			t.Errorf("warning %q does not say the line is malformed", w)
		}
	}
	if !strings.Contains(app.Warnings[0].Reason, " at byte ") {
		t.Errorf("warning %q does not say where parsing stopped", app.Warnings[0].Reason)
	}
}
