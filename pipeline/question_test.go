package pipeline

import (
	"context"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
)

// TestRecordQuestion: each question is a committed run of its own whose
// row reads back with its run id; compaction folds a day's questions into
// one part and keeps every row.
func TestRecordQuestion(t *testing.T) {
	ctx := context.Background()
	out := openLocal(t, t.TempDir())
	for i, q := range []string{"how many apps?", "which jobs wasted most?"} {
		row := analyze.QuestionRow{Time: 1764000000000 + int64(i)*60_000, Question: q, Status: "checked", Assumptions: []string{}}
		if err := RecordQuestion(ctx, out, "test", row); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(tableFiles(t, out)); n == 0 || tableFiles(t, out)["questions"][0] != 2 {
		t.Fatalf("questions parts before compaction: %v, want 2", tableFiles(t, out)["questions"])
	}
	if _, err := Compact(ctx, CompactOptions{Out: out}); err != nil {
		t.Fatal(err)
	}
	if got := tableFiles(t, out)["questions"][0]; got != 1 {
		t.Errorf("questions parts after compaction: %d, want 1", got)
	}
	rows, err := dataset.Questions.Read(ctx, out, nil)
	if err != nil || len(rows) != 2 {
		t.Fatalf("questions: %d rows, %v; want 2", len(rows), err)
	}
	if rows[0].RunID == "" || rows[0].RunID == rows[1].RunID {
		t.Errorf("run ids %q and %q: want one run per question", rows[0].RunID, rows[1].RunID)
	}
	for _, r := range rows {
		if _, err := out.Stat(ctx, runsDir+r.RunID+".json"); err != nil {
			t.Errorf("no manifest of %s: %v", r.RunID, err)
		}
	}
}
