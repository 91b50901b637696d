package extract

import (
	"path/filepath"
	"testing"
)

// TestUtilizationNullWithoutExecutorTime: a local-mode app (only the
// driver) has no executor time, so its utilization is undefined: NULL, not
// 0; an app with executors has one.
func TestUtilizationNullWithoutExecutorTime(t *testing.T) {
	needEventlogs(t)
	for _, c := range []struct {
		log     string
		defined bool
	}{
		{"spark/local-1422981780767", false},
		{"spark/app-20200706201101-0003", true},
	} {
		app := buildAnyLog(t, filepath.Join(eventlogs, c.log))
		if got := app.Row.Utilization != nil; got != c.defined || (got && app.Row.ExecutorTimeMS == 0) {
			t.Errorf("%s: utilization %v with executor time %d ms, want defined = %v", c.log, app.Row.Utilization, app.Row.ExecutorTimeMS, c.defined)
		}
	}
}
