package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/redact"
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

// TestExecutorHostsKeptOnlyByPolicy: under redact_hosts: keep an executor's
// host is the History Server's; by default no host of the log is stored.
func TestExecutorHostsKeptOnlyByPolicy(t *testing.T) {
	needEventlogs(t)
	const log = "spark/application_1553914137147_0018"
	b, err := os.ReadFile(filepath.Join(eventlogs, "spark", "expectations", "executor_list_with_executor_metrics_json_expectation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []struct{ ID, HostPort string }
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	build := func(r *redact.Redactor) map[string]string {
		hosts := map[string]string{}
		for _, e := range buildAnyLogWith(t, filepath.Join(eventlogs, log), Options{Redactor: r}).Executors {
			hosts[e.ExecutorID] = e.Host
		}
		return hosts
	}
	kept, aliased := build(redact.Default.WithHosts(redact.HostsKeep)), build(redact.Default)
	for _, w := range want {
		host := w.HostPort[:strings.LastIndexByte(w.HostPort, ':')]
		if kept[w.ID] != host {
			t.Errorf("executor %s kept: host %q, want %q", w.ID, kept[w.ID], host)
		}
		if a := aliased[w.ID]; a == "" || strings.Contains(a, host) || !strings.HasPrefix(a, "<host_") {
			t.Errorf("executor %s by default: host %q, want an alias", w.ID, a)
		}
	}
}
