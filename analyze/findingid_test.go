package analyze

import "testing"

// The id depends on app, attempt, detector and stage, and on nothing else.
func TestFindingID(t *testing.T) {
	one, two := int64(1), int64(2)
	base := FindingRow{AppID: "a", AttemptID: "1", Detector: "task_skew", StageID: &one, StageAttemptID: &one, Score: 3}
	same := base
	same.Score, same.Title, same.RunID = 9, "other", "r2"
	if FindingID(base) != FindingID(same) || len(FindingID(base)) != 32 {
		t.Errorf("score, title or run changed the id: %s %s", FindingID(base), FindingID(same))
	}
	seen := map[string]string{FindingID(base): "base"}
	for name, f := range map[string]FindingRow{
		"app":      {AppID: "b", AttemptID: "1", Detector: "task_skew", StageID: &one, StageAttemptID: &one},
		"attempt":  {AppID: "a", AttemptID: "2", Detector: "task_skew", StageID: &one, StageAttemptID: &one},
		"detector": {AppID: "a", AttemptID: "1", Detector: "spill", StageID: &one, StageAttemptID: &one},
		"stage":    {AppID: "a", AttemptID: "1", Detector: "task_skew", StageID: &two, StageAttemptID: &one},
		"attempt2": {AppID: "a", AttemptID: "1", Detector: "task_skew", StageID: &one, StageAttemptID: &two},
		"app-lvl":  {AppID: "a", AttemptID: "1", Detector: "task_skew"},
		"shifted":  {AppID: "a1", AttemptID: "", Detector: "task_skew", StageID: &one, StageAttemptID: &one},
	} {
		id := FindingID(f)
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share id %s", name, prev, id)
		}
		seen[id] = name
	}
}
