package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plainLogs lists every plain (uncompressed, single-file) log in the shared
// folders the model must digest.
func plainLogs(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"spark", "sparklint", "sparkscope", "spark-broken"} {
		err := filepath.WalkDir(filepath.Join(eventlogs, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "expectations" {
				return filepath.SkipDir
			}
			if !d.IsDir() && !strings.HasSuffix(p, ".md") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("list %s: %v", dir, err)
		}
	}
	for _, p := range []string{"empty_eventlog", "truncated_eventlog", "db_sim_eventlog/eventlog"} {
		if _, err := os.Stat(filepath.Join(eventlogs, "nvidia", p)); err == nil {
			out = append(out, filepath.Join(eventlogs, "nvidia", p))
		}
	}
	return out
}

// TestEveryLog decodes every plain log without panic and checks the result
// is sane: a known status, consistent counts, rows keyed and ordered.
func TestEveryLog(t *testing.T) {
	needEventlogs(t)
	logs := plainLogs(t)
	if len(logs) < 20 {
		t.Fatalf("found only %d logs under %s", len(logs), eventlogs)
	}
	for _, p := range logs {
		rel, _ := filepath.Rel(eventlogs, p)
		t.Run(rel, func(t *testing.T) {
			_, app := buildLog(t, p)
			r := app.Row
			switch r.Status {
			case AppSucceeded, AppFailed, AppIncomplete:
			default:
				t.Errorf("status %q", r.Status)
			}
			if r.Status != AppIncomplete && r.EndTime == nil {
				t.Errorf("status %s without an end time", r.Status)
			}
			if r.FailedTasks+r.KilledTasks > r.Tasks {
				t.Errorf("failed %d + killed %d > tasks %d", r.FailedTasks, r.KilledTasks, r.Tasks)
			}
			if int64(len(app.Stages)) != r.Stages {
				t.Errorf("%d stage rows, stages column %d", len(app.Stages), r.Stages)
			}
			for _, s := range app.Stages {
				if s.CompleteTasks < s.CompletedIndices || s.QuantileTasks > s.CompleteTasks+s.FailedTasks+s.KilledTasks+1 && s.Status != StatusSkipped {
					t.Errorf("stage %d.%d: complete %d, indices %d, quantile tasks %d", s.StageID, s.StageAttemptID, s.CompleteTasks, s.CompletedIndices, s.QuantileTasks)
				}
			}
			t.Logf("%s: %s, %d jobs, %d stages, %d tasks, %d executors, %d malformed, %d unknown",
				r.AppID, r.Status, r.Jobs, r.Stages, r.Tasks, len(app.Executors), r.MalformedLines, r.UnknownEvents)
		})
	}
}
