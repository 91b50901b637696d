package logfile

import (
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// TestNamed checks that a file a user names is a log whatever its name,
// while a named folder keeps Discover's rules.
func TestNamed(t *testing.T) {
	obj := func(key string) Object { return Object{Key: key, Size: 10, ModTime: baseTime} }
	for _, c := range []struct {
		objs                []Object
		key                 string
		app, attempt        string
		codec               codec.Codec
		inProgress, problem bool
	}{
		{[]Object{obj("big.json")}, "big.json", "big", "", codec.Plain, false, false},
		{[]Object{obj("dir/app.log.zst")}, "dir/app.log.zst", "app_log", "", codec.Plain, false, false}, // .zst is not Spark's: sniffed
		{[]Object{obj("application_1_2_3.lz4.inprogress")}, "application_1_2_3.lz4.inprogress", "application_1_2", "3", codec.LZ4, true, false},
		{[]Object{obj("events_1_local-1")}, "events_1_local-1", "events_1_local-1", "", codec.Plain, false, false},
		{[]Object{obj(".json")}, ".json", "_json", "", codec.Plain, false, false},
		// A folder: Discover's rules, so a .json inside is a problem.
		{[]Object{obj("logs/x.json")}, "logs", "", "", "", false, true},
	} {
		logs, problems := Named(c.objs, c.key)
		if c.problem {
			if len(logs) != 0 || len(problems) != 1 {
				t.Errorf("Named(%s) = %v, %v; want one problem", c.key, logs, problems)
			}
			continue
		}
		if len(logs) != 1 || len(problems) != 0 {
			t.Fatalf("Named(%s) = %v, %v; want one log", c.key, logs, problems)
		}
		l := logs[0]
		if l.AppID != c.app || l.AttemptID != c.attempt || l.Codec != c.codec || l.InProgress != c.inProgress ||
			l.Layout != LayoutSingle || l.Size != 10 || l.Fingerprint == "" {
			t.Errorf("Named(%s) = %+v, want app %q attempt %q codec %q in progress %v", c.key, l, c.app, c.attempt, c.codec, c.inProgress)
		}
	}
}
