package s3test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records a skip or a failure instead of ending the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skipf(format string, args ...any)  { f.skipped = format }
func (f *fakeTB) Fatalf(format string, args ...any) { f.failed = format }

// noTools hides every versitygw from Find for the rest of the test.
func noTools(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("PATH", "")
	t.Setenv("SPARKMINE_TOOLS", "")
	t.Setenv("GOPATH", dir)
	t.Chdir(dir)
	return dir
}

func TestMissingServerSkipsOrFailsUnderCI(t *testing.T) {
	noTools(t)
	t.Setenv("CI", "")
	tb := &fakeTB{TB: t}
	require(tb)
	if tb.skipped == "" || tb.failed != "" {
		t.Errorf("without CI: skipped %q, failed %q; want a skip", tb.skipped, tb.failed)
	}
	t.Setenv("CI", "true")
	tb = &fakeTB{TB: t}
	require(tb)
	if tb.failed == "" || !strings.Contains(tb.failed, "install-test-deps.sh") {
		t.Errorf("under CI: skipped %q, failed %q; want a failure naming install-test-deps.sh", tb.skipped, tb.failed)
	}
}

func TestFindLooksInToolFolders(t *testing.T) {
	dir := noTools(t)
	fake := func(d string) string {
		os.MkdirAll(d, 0o755)
		p := filepath.Join(d, binName)
		os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
		return p
	}
	want := fake(filepath.Join(dir, ".tools", "bin"))
	t.Chdir(mkdir(t, filepath.Join(dir, "store", "s3")))
	if got, err := Find(); err != nil || got != want {
		t.Errorf("Find from a package folder = %q, %v; want %q", got, err, want)
	}
	want = fake(filepath.Join(dir, "tools", "bin"))
	t.Setenv("SPARKMINE_TOOLS", filepath.Join(dir, "tools"))
	if got, err := Find(); err != nil || got != want {
		t.Errorf("Find with SPARKMINE_TOOLS = %q, %v; want %q", got, err, want)
	}
}

func mkdir(t *testing.T, d string) string {
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStartReportsAnEarlyExit(t *testing.T) {
	_, err := start(context.Background(), "/bin/false")
	if err == nil || !strings.Contains(err.Error(), "exited") {
		t.Errorf("start(/bin/false) = %v, want an error saying it exited", err)
	}
}
