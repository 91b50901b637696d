package extract

import (
	"strings"
	"testing"
)

// TestMissingRequiredField: an event without a member Spark always writes
// is left out and named as damage, on the fast path and the fastjson path
// alike; a whole event of the same kind is modelled.
func TestMissingRequiredField(t *testing.T) {
	whole := `{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":1,"Index":0,"Attempt":0,"Launch Time":1000,"Executor ID":"1","Host":"h","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":2000,"Failed":false,"Killed":false,"Accumulables":[]}}`
	for _, c := range []struct {
		name, line, want string
	}{
		{"task end without Task Info", `{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"}}`, `SparkListenerTaskEnd without its required "Task Info"`},
		{"task end without reason", strings.Replace(whole, `"Task End Reason":{"Reason":"Success"},`, "", 1), `SparkListenerTaskEnd without its required "Task End Reason"`},
		{"task start without Stage ID", `{"Event":"SparkListenerTaskStart","Stage Attempt ID":0,"Task Info":{"Task ID":1}}`, `SparkListenerTaskStart without its required "Stage ID"`},
		{"stage completed without Stage Info", `{"Event":"SparkListenerStageCompleted"}`, `SparkListenerStageCompleted without its required "Stage Info"`},
		{"job end without result", `{"Event":"SparkListenerJobEnd","Job ID":3,"Completion Time":5}`, `SparkListenerJobEnd without its required "Job Result"`},
		{"whole task end", whole, ""},
	} {
		for _, fast := range []bool{true, false} {
			b := NewBuilder(Options{AppID: "app-1"})
			b.noFast = !fast
			b.Line([]byte(`{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"s","Number of Tasks":1,"RDD Info":[],"Parent IDs":[],"Details":"","Accumulables":[]}}`), "log", 1)
			b.Line([]byte(c.line), "log", 2)
			a := b.Finish(false)
			got := ""
			if len(a.Damage) > 0 {
				got = a.Damage[0].Reason
				if a.Damage[0].Line != 2 || a.Damage[0].File != "log" {
					t.Errorf("%s (fast %v): damage at %s:%d, want log:2", c.name, fast, a.Damage[0].File, a.Damage[0].Line)
				}
			}
			if got != c.want || a.Damaged != int64(len(a.Damage)) {
				t.Errorf("%s (fast %v): damage %q (%d), want %q", c.name, fast, got, a.Damaged, c.want)
			}
			if c.want == "" && a.Row.Tasks != 1 {
				t.Errorf("%s (fast %v): %d tasks, want the whole event modelled", c.name, fast, a.Row.Tasks)
			}
		}
	}
}
