package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

var leaseTrials = flag.Int("lease-trials", 2, "trials of two overlapping runs per backend in TestOverlappingRuns (the closing note's figure: 25)")

// leaseBackend is an output store the built binary writes to, fresh per
// call of next.
type leaseBackend struct {
	name string
	env  []string
	next func(t *testing.T) (url string, out store.Store)
}

func leaseBackends(t *testing.T) []leaseBackend {
	locals := leaseBackend{name: "local", next: func(t *testing.T) (string, store.Store) {
		dir := t.TempDir()
		s, err := local.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		return dir, s
	}}
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	var n int
	s3s := leaseBackend{name: "versitygw", env: srv.Env(), next: func(t *testing.T) (string, store.Store) {
		n++
		prefix := fmt.Sprintf("out-%03d/", n)
		return "s3://" + bucket + "/" + prefix, srv.Store(t, bucket, prefix)
	}}
	return []leaseBackend{locals, s3s}
}

var buildOnce struct {
	sync.Once
	bin string
	err error
}

// binary builds sparkmine once per test binary, into one folder that every
// run reuses (so no run leaves a binary behind).
func binary(t *testing.T) string {
	buildOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "sparkmine-test-bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.bin = filepath.Join(dir, "sparkmine")
		build := exec.Command("go", "build", "-o", buildOnce.bin, ".")
		build.Env = append(os.Environ(), "GOCACHE="+goCache) // not a test's XDG_CACHE_HOME
		if b, err := build.CombinedOutput(); err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, b)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.bin
}

// leaseSource copies the shared spark/ logs and a zstd log into a folder.
func leaseSource(t *testing.T) string {
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("the shared Spark logs are not at %s: %v", sharedLogs, err)
	}
	dir := t.TempDir()
	names, _ := filepath.Glob(filepath.Join(sharedLogs, "spark", "*"))
	names = append(names, filepath.Join(sharedLogs, "nvidia", "rp_sql_eventlog.zstd"))
	for _, p := range names {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
	}
	return dir
}

// proc is a started sparkmine run.
type proc struct {
	cmd *exec.Cmd
	out strings.Builder
}

func startRun(t *testing.T, bin string, env []string, args ...string) *proc {
	p := &proc{cmd: exec.Command(bin, append([]string{"run", "--llm", "off"}, args...)...)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// wait returns the exit code and the last line of output.
func (p *proc) wait() (int, string) {
	err := p.cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	lines := strings.Split(strings.TrimSpace(p.out.String()), "\n")
	return code, lines[len(lines)-1]
}

// TestOverlappingRuns starts two runs of one shard at most 900 ms apart, on
// the local store and on versitygw: one takes the lease and commits, the
// other exits 2 naming it (or, when it starts after the first is done,
// finds everything done); either way the dataset equals one run's, row for
// row. -lease-trials sets how many times (bench figure: 25).
func TestOverlappingRuns(t *testing.T) {
	src, bin := leaseSource(t), binary(t)
	for _, be := range leaseBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			refURL, ref := be.next(t)
			if p := startRun(t, bin, be.env, "--source", src, "--out", refURL); true {
				if code, last := p.wait(); code != 0 && code != 3 {
					t.Fatalf("reference run: exit %d: %s", code, last)
				}
			}
			want := tables(t, ref)
			var lost, dups, overlapped int
			for i := range *leaseTrials {
				url, out := be.next(t)
				a := startRun(t, bin, be.env, "--source", src, "--out", url, "--workers", "2")
				// The second starts 0 to 900 ms later: at once, mid-listing,
				// mid-processing, and (on a fast machine) after the first.
				time.Sleep(time.Duration(i%10) * 100 * time.Millisecond)
				b := startRun(t, bin, be.env, "--source", src, "--out", url, "--workers", "2")
				ca, la := a.wait()
				cb, lb := b.wait()
				if ca == 2 {
					ca, la, cb, lb = cb, lb, ca, la
				}
				if cb == 2 {
					overlapped++
					if !strings.Contains(lb, "is being written by run") || !strings.Contains(lb, "until") {
						t.Errorf("trial %d: the second run's message names no holder: %s", i, lb)
					}
				}
				if (ca != 0 && ca != 3) || (cb != 2 && cb != 0 && cb != 3) {
					t.Errorf("trial %d: exits %d (%s) and %d (%s)", i, ca, la, cb, lb)
				}
				got := tables(t, out)
				l, d := diffRows(got, want)
				lost, dups = lost+l, dups+d
				equalTables(t, fmt.Sprintf("trial %d", i), got, want)
				t.Logf("trial %d: exits %d and %d; %d rows lost, %d duplicated; second: %s", i, ca, cb, l, d, lb)
			}
			t.Logf("%s: %d trials, %d overlapped (second run exit 2), %d rows lost, %d duplicated", be.name, *leaseTrials, overlapped, lost, dups)
		})
	}
}

// diffRows counts the rows of want missing from got and the rows of got
// beyond want's (duplicates), over every table.
func diffRows(got, want map[string][]string) (lost, extra int) {
	for tbl, rows := range want {
		n := map[string]int{}
		for _, r := range got[tbl] {
			n[r]++
		}
		for _, r := range rows {
			if n[r] > 0 {
				n[r]--
			} else {
				lost++
			}
		}
		for _, c := range n {
			extra += c
		}
	}
	return lost, extra
}

// TestKilledLeaseHolder kills a run holding the lease with SIGKILL: a run
// started at once exits 2 naming it; one that waits takes the lease once
// it expires (--lease-ttl 3s) and leaves the dataset of one clean run.
func TestKilledLeaseHolder(t *testing.T) {
	src, bin := leaseSource(t), binary(t)
	for _, be := range leaseBackends(t) {
		t.Run(be.name, func(t *testing.T) {
			refURL, ref := be.next(t)
			if code, last := startRun(t, bin, be.env, "--source", src, "--out", refURL).wait(); code != 0 && code != 3 {
				t.Fatalf("reference run: exit %d: %s", code, last)
			}
			url, out := be.next(t)
			a := startRun(t, bin, be.env, "--source", src, "--out", url, "--workers", "1", "--lease-ttl", "3s")
			holder := waitForLease(t, out)
			_ = a.cmd.Process.Signal(syscall.SIGKILL)
			a.wait()
			killedAt := time.Now()
			code, last := startRun(t, bin, be.env, "--source", src, "--out", url).wait()
			if code != 2 || !strings.Contains(last, holder) {
				t.Errorf("run beside the killed holder: exit %d, want 2 naming %s: %s", code, holder, last)
			}
			code, last = startRun(t, bin, be.env, "--source", src, "--out", url, "--wait-lease").wait()
			if code != 0 && code != 3 {
				t.Fatalf("run waiting for the lease: exit %d: %s", code, last)
			}
			t.Logf("holder %s killed; the waiting run took over after %.1fs: %s", holder, time.Since(killedAt).Seconds(), last)
			equalTables(t, "after the takeover", tables(t, out), tables(t, ref))
		})
	}
}

// waitForLease waits until a lease object exists and returns its run id.
func waitForLease(t *testing.T, out store.Store) string {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var key string
		_ = out.List(context.Background(), "_sparkmine/leases/", func(o store.ObjectInfo) error { key = o.Key; return nil })
		if key != "" {
			var rec struct {
				RunID string `json:"run_id"`
			}
			if rc, err := out.Open(context.Background(), key, 0, -1); err == nil {
				err = json.NewDecoder(rc).Decode(&rec)
				rc.Close()
				if err == nil && rec.RunID != "" {
					return rec.RunID
				}
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("no lease object appeared")
	return ""
}

// TestRunErrorsExitCodes: the run's own errors map to their documented
// exit codes.
func TestRunErrorsExitCodes(t *testing.T) {
	held := &pipeline.HeldError{Shard: "0/1", RunID: "r1", PID: 7, Until: time.Unix(0, 0)}
	for _, c := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("take lease: %w", held), 2},
		{fmt.Errorf("run x: %w: copy refused", pipeline.ErrPublish), 4},
		{fmt.Errorf("3 logs: %w", pipeline.ErrPartial), 3},
		{fmt.Errorf("run x: %w", pipeline.ErrLeaseLost), 1},
	} {
		var stderr strings.Builder
		if got := exitCode(c.err, newConsole(&stderr)); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
