package pipeline

import (
	"context"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
)

// TestRecordQuestion: each question is a committed run of its own whose
// row reads back with its run id, and survives the cleanup of a later
// writer (compact's Recover), which deletes what no commit references.
func TestRecordQuestion(t *testing.T) {
	ctx := context.Background()
	out := openLocal(t, t.TempDir())
	for i, q := range []string{"how many apps?", "which jobs wasted most?"} {
		row := analyze.QuestionRow{Time: 1764000000000 + int64(i)*86_400_000, Question: q, Status: "checked", Assumptions: []string{}}
		if err := RecordQuestion(ctx, out, "test", row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Compact(ctx, CompactOptions{Out: out}); err != nil {
		t.Fatal(err)
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
