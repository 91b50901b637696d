package main

import (
	"bytes"
	"log/slog"
	"runtime/debug"
	"strings"
	"testing"
)

// TestProgressClearedBeforeLines checks a terminal's stream: the progress
// line is erased before a log line or a result is written, and at the end.
func TestProgressClearedBeforeLines(t *testing.T) {
	var b bytes.Buffer
	c := &console{tty: true, w: &lineWriter{w: &b}}
	c.log = slog.New(slog.NewTextHandler(c.w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	c.progress("1/2 logs")
	c.progress("2/2 logs")
	c.warn("unreadable log", "log", "x.lz4")
	c.progress("2/2 logs")
	c.result("run summary", "run r: 2 logs")
	c.progress("2/2 logs")
	c.done()
	c.done()
	want := "1/2 logs" + clearLine + "2/2 logs" + clearLine + "level=WARN msg=\"unreadable log\" log=x.lz4\n" +
		"2/2 logs" + clearLine + "sparkmine: run r: 2 logs\n" + "2/2 logs" + clearLine
	if got := b.String(); got != want {
		t.Errorf("terminal got\n%q\nwant\n%q", got, want)
	}
}

func TestModuleVersion(t *testing.T) {
	for _, c := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{nil, false, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, true, "v0.3.1"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203091500-823f7b3a1b2c+dirty"}}, true, "v0.0.0-20261203091500-823f7b3a1b2c+dirty"},
	} {
		if got := moduleVersion(c.bi, c.ok); got != c.want {
			t.Errorf("moduleVersion(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 logs", 1: "1 log", 2: "2 logs"} {
		if got := plural(n, "log"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestHelpExitCodes checks that each command's help lists the exit codes
// it can return, and no other's.
func TestHelpExitCodes(t *testing.T) {
	for _, c := range []struct {
		cmd, want, not string
	}{
		{"run", "3 committed, some logs unreadable", ""},
		{"extract", "3 some logs unreadable", "committed"},
		{"diagnose", "1 failed, nothing stored", "logs unreadable"},
	} {
		code, stdout, _ := sparkmine(t, c.cmd, "-h")
		if code != 0 || !strings.Contains(stdout, c.want) || (c.not != "" && strings.Contains(stdout, c.not)) {
			t.Errorf("%s -h: exit %d, want 0 and %q in:\n%s", c.cmd, code, c.want, stdout)
		}
	}
	if code, stdout, _ := sparkmine(t, "--version"); code != 0 || !strings.HasPrefix(stdout, "sparkmine "+version) {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}
