package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/pipeline/pipelinetest"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

func TestMain(m *testing.M) { s3test.Main(m) }

const sharedLogs = "../../../shared/eventlogs"

// e2eLogs are uploaded to the source bucket: plain, zstd, rolling, Spark
// 1.2 folders, multi-attempt, cut mid-line.
var e2eLogs = []string{
	"spark/local-1422981780767",
	"spark/local-1430917381534",
	"spark/local-1426533911241",
	"spark/local-1426633911242",
	"spark/app-20200706201101-0003",
	"rolling/eventlog_v2_spark-110be3a8424d4a2789cb88134418217b",
	"rolling/eventlog_v2_local-1623876083964",
	"spark-legacy/local-1422981759269",
	"nvidia/rp_sql_eventlog.zstd",
	"sparkscope/app-20231025121456-0004-eventLog-running-incomplete",
}

// upload puts the named shared logs (files or folders) under prefix.
func upload(t *testing.T, st store.Store, prefix string, names ...string) {
	t.Helper()
	uploadTree(t, st, prefix, sharedLogs, names...)
}

// uploadTree puts every file under root/name (each name; root itself
// when none) into st, under prefix and its path below root.
func uploadTree(t *testing.T, st store.Store, prefix, root string, names ...string) {
	t.Helper()
	if len(names) == 0 {
		names = []string{"."}
	}
	for _, n := range names {
		err := filepath.Walk(filepath.Join(root, n), func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return st.Put(context.Background(), prefix+filepath.ToSlash(rel), f)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tables and equalTables compare datasets row for row.
var (
	tables      = pipelinetest.Dataset
	equalTables = pipelinetest.Equal
)

func manifests(t *testing.T, out store.Store) []pipeline.Manifest {
	t.Helper()
	var ms []pipeline.Manifest
	err := out.List(context.Background(), "_sparkmine/runs/", func(o store.ObjectInfo) error {
		rc, err := out.Open(context.Background(), o.Key, 0, -1)
		if err != nil {
			return err
		}
		defer rc.Close()
		var m pipeline.Manifest
		if err := json.NewDecoder(rc).Decode(&m); err != nil {
			return err
		}
		ms = append(ms, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Started.Before(ms[j].Started) })
	return ms
}

// TestS3EndToEnd runs the nightly job against a real S3-compatible server:
// a first run over good and broken logs, a rerun, a new log, and runs
// killed with SIGKILL at several points.
func TestS3EndToEnd(t *testing.T) {
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("the shared Spark logs are not at %s: %v", sharedLogs, err)
	}
	srv := s3test.Shared(t)
	srv.Setenv(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	logs, outB := srv.NewBucket(t), srv.NewBucket(t)
	src := srv.Store(t, logs, "spark-logs/")
	upload(t, src, "", e2eLogs...)
	badLog := "broken/application_1700000000000_0666.lz4"
	if err := src.Put(context.Background(), badLog, bytes.NewReader(append([]byte("LZ4Block\x25\x10\x00\x00\x00\x20\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 16)...))); err != nil {
		t.Fatal(err)
	}
	source, outURL := "s3://"+logs+"/spark-logs/", "s3://"+outB+"/sparkmine/"
	out := srv.Store(t, outB, "sparkmine/")

	code, _, stderr := sparkmine(t, "run", "--source", source, "--out", outURL, "--workers", "2")
	if code != 3 {
		t.Fatalf("first run: exit %d, want 3 (one broken log):\n%s", code, stderr)
	}
	ms := manifests(t, out)
	if len(ms) != 1 || len(ms[0].Unreadable) != 1 || !strings.Contains(ms[0].Unreadable[0].Log, badLog) {
		t.Fatalf("manifest unreadable = %+v, want %s", ms, badLog)
	}
	if ms[0].Counts.Processed != len(e2eLogs) {
		t.Errorf("first run processed %d logs, want %d", ms[0].Counts.Processed, len(e2eLogs))
	}
	first := tables(t, out)
	if len(first["apps"]) != len(e2eLogs) {
		t.Fatalf("apps has %d rows, want %d", len(first["apps"]), len(e2eLogs))
	}
	for _, tbl := range []string{"stages", "executors", "findings"} {
		if len(first[tbl]) == 0 {
			t.Errorf("table %s is empty", tbl)
		}
	}

	// The rerun reads nothing (the broken log is remembered until it changes).
	code, _, stderr = sparkmine(t, "run", "--source", source, "--out", outURL)
	if code != 0 {
		t.Fatalf("rerun: exit %d:\n%s", code, stderr)
	}
	if m := manifests(t, out); m[len(m)-1].Counts.Processed != 0 {
		t.Errorf("rerun processed %d logs, want 0", m[len(m)-1].Counts.Processed)
	}
	equalTables(t, "after a rerun", tables(t, out), first)

	// A new log: only it is read.
	upload(t, src, "", "spark/local-1430917381535_1")
	if code, _, stderr = sparkmine(t, "run", "--source", source, "--out", outURL); code != 0 {
		t.Fatalf("run after a new log: exit %d:\n%s", code, stderr)
	}
	if m := manifests(t, out); m[len(m)-1].Counts.Processed != 1 {
		t.Errorf("run after a new log processed %d logs, want 1", m[len(m)-1].Counts.Processed)
	}
	incremental := tables(t, out)

	// One uninterrupted run over the same logs. It equals the incremental
	// runs but for the history step's rows: the late log ran before some
	// of the runs the first run judged, whose baselines then lacked it.
	if code, _, stderr = sparkmine(t, "run", "--source", source, "--out", "s3://"+outB+"/whole/"); code != 3 {
		t.Fatalf("uninterrupted run: exit %d, want 3 (one broken log):\n%s", code, stderr)
	}
	want := tables(t, srv.Store(t, outB, "whole/"))
	for _, tbl := range []string{"apps", "stages", "executors", "queries", "plan_nodes", "simulations"} {
		if !slices.Equal(want[tbl], incremental[tbl]) {
			t.Errorf("table %s: one run and the incremental runs differ", tbl)
		}
	}

	// SIGKILL at several points, then a rerun: the uninterrupted run's dataset.
	bin := binary(t)
	for i, delay := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		prefix := "killed-" + string(rune('a'+i)) + "/"
		killedURL := "s3://" + outB + "/" + prefix
		cmd := exec.Command(bin, "run", "--source", source, "--out", killedURL, "--workers", "2", "--lease-ttl", "2s")
		cmd.Env = append(os.Environ(), srv.Env()...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		// The killed run's lease expires within 2s; the rerun waits for it.
		rerun := exec.Command(bin, "run", "--source", source, "--out", killedURL, "--wait-lease")
		rerun.Env = cmd.Env
		b, err := rerun.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 3) {
			t.Fatalf("rerun after SIGKILL at %v: %v\n%s", delay, err, b)
		}
		got := tables(t, srv.Store(t, outB, prefix))
		equalTables(t, "rerun after SIGKILL at "+delay.String(), got, want)
	}
}
