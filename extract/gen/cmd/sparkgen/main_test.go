package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
)

func TestParseAnomalies(t *testing.T) {
	cases := []struct {
		in   string
		want gen.Anomalies
		err  bool
	}{
		{"", gen.Anomalies{}, false},
		{"task_skew=8,spill=0.3", gen.Anomalies{TaskSkew: 8, Spill: 0.3}, false},
		{"tiny_tasks,failed_job=true,long_stage=false", gen.Anomalies{TinyTasks: true, FailedJob: true}, false},
		{"executor_loss=2,fetch_failures=3,large_result=2g", gen.Anomalies{ExecutorLoss: 2, FetchFailures: 3, LargeResult: 2 << 30}, false},
		{"idle_executors=0.8, driver_bound=0.5", gen.Anomalies{IdleExecutors: 0.8, DriverBound: 0.5}, false},
		{"nosuch=1", gen.Anomalies{}, true},
		{"task_skew=x", gen.Anomalies{}, true},
		{"executor_loss=1.5", gen.Anomalies{}, true},
	}
	for _, c := range cases {
		var got gen.Anomalies
		err := parseAnomalies(c.in, &got)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("parseAnomalies(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"128m": 128 << 20, "2G": 2 << 30, "10k": 10 << 10, "4096": 4096} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "-5m", "1.5g", "12x"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) accepted", in)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-rolling", "10m"},
		{"-codec", "zstd"},
		{"-start", "yesterday", "-o", "x"},
		{"-anomaly", "bogus"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestRunWritesFileAndRolling(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.zstd")
	o, err := parseFlags([]string{"-seed", "3", "-stages", "3", "-tasks-per-stage", "20", "-codec", "zstd", "-o", file,
		"-anomaly", "task_skew=4", "-app-id", "application_1700000000000_0001"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if err := run(o, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 || !strings.Contains(stderr.String(), "60 tasks") {
		t.Errorf("file %v, stderr %q", err, stderr.String())
	}
	o.rolling, o.out = "1m", dir
	if err := run(o, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "eventlog_v2_application_1700000000000_0001", "appstatus_application_1700000000000_0001")); err != nil {
		t.Error(err)
	}
}
