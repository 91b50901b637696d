package analyze

import (
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
)

func TestFindRootCause(t *testing.T) {
	at := func(ms int64) *int64 { return &ms }
	oom := "Job aborted due to stage failure: Task 3 in stage 4.0 failed 4 times, most recent failure: Lost task 3.3 in stage 4.0 (TID 77) (10.0.0.5 executor 2): java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf"
	wrapped := "org.apache.spark.SparkException: Job aborted due to stage failure: ... : com.nvidia.spark.rapids.jni.GpuRetryOOM: GPU OutOfMemory: could not allocate"
	shutdown := "Stage cancelled because SparkContext was shut down"
	tests := []struct {
		name      string
		app       extract.App
		stage     int64 // -1: no stage
		class     string
		inExcerpt string
	}{
		{"the exception, not the later shutdown", extract.App{Stages: []extract.StageRow{
			{StageID: 7, Status: "FAILED", FailureReason: shutdown, CompletionTime: at(2000)},
			{StageID: 4, Status: "FAILED", FailureReason: oom, CompletionTime: at(1000), ExceptionFailures: 4},
		}}, 4, "java.lang.OutOfMemoryError", "Java heap space"},
		{"the earliest failing stage", extract.App{Stages: []extract.StageRow{
			{StageID: 2, Status: "FAILED", FailureReason: oom, CompletionTime: at(5000)},
			{StageID: 9, Status: "FAILED", FailureReason: wrapped, CompletionTime: at(3000)},
		}}, 9, "com.nvidia.spark.rapids.jni.GpuRetryOOM", "could not allocate"},
		{"a job's message when no stage names one", extract.App{Jobs: []extract.Job{
			{JobID: 1, Result: "JobFailed", FailureMessage: "java.io.FileNotFoundException: s3://b/k"},
		}}, -1, "java.io.FileNotFoundException", "s3://b/k"},
		{"only a shutdown: the stop is the cause", extract.App{
			Stages: []extract.StageRow{{StageID: 7, Status: "FAILED", FailureReason: shutdown}},
			Jobs:   []extract.Job{{JobID: 3, Result: "JobFailed", FailureMessage: "Job cancelled because SparkContext was shut down"}},
		}, -1, "", "shut down while job 3 ran"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, ok := findRootCause(&tt.app)
			if !ok {
				t.Fatal("no root cause")
			}
			stage := int64(-1)
			if rc.stage != nil {
				stage = rc.stage.StageID
			}
			if stage != tt.stage || rc.class != tt.class || !strings.Contains(rc.excerpt, tt.inExcerpt) {
				t.Errorf("stage %d class %q excerpt %q, want stage %d class %q excerpt with %q", stage, rc.class, rc.excerpt, tt.stage, tt.class, tt.inExcerpt)
			}
		})
	}
}
