package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
)

// console is where a command's messages go on stderr. Off a terminal (a
// cron, a container, AWS Batch) every line is one JSON object: the log
// lines, the final summary, a fatal error, and — through slog's default
// logger, which it becomes — the SDKs' own logs and anything printed with
// the log package. On a terminal it prints text, hides info-level log lines,
// and keeps a progress line that it clears before any other line.
type console struct {
	tty bool
	w   *lineWriter
	log *slog.Logger
}

// newConsole returns the console for stderr and makes its logger slog's
// default (and so the log package's output).
func newConsole(stderr io.Writer) *console {
	c := &console{w: &lineWriter{w: stderr}}
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		c.tty = true
		c.log = slog.New(slog.NewTextHandler(c.w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	} else {
		c.log = slog.New(slog.NewJSONHandler(c.w, nil))
	}
	slog.SetDefault(c.log)
	return c
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// result reports what a command did: on a terminal the sentence text, off
// it one info line whose message is msg, with attrs.
func (c *console) result(msg, text string, attrs ...any) {
	if c.tty {
		c.w.line("sparkmine: " + text)
		return
	}
	c.log.Info(msg, attrs...)
}

// warn reports a problem that does not stop the command.
func (c *console) warn(msg string, attrs ...any) { c.log.Warn(msg, attrs...) }

// fail reports the error that ends the command with exit code code.
func (c *console) fail(err error, code int) {
	if c.tty {
		c.w.line("sparkmine: " + err.Error())
		return
	}
	c.log.LogAttrs(context.Background(), slog.LevelError, "sparkmine: "+err.Error(), slog.Int("exit_code", code))
}

// progress replaces the progress line; only a terminal has one.
func (c *console) progress(text string) {
	if c.tty {
		c.w.progress(text)
	}
}

// done clears the progress line, if any.
func (c *console) done() { c.w.clear() }

// lineWriter writes whole lines to w, first clearing the progress line it
// may have left on the screen. It is safe for concurrent use.
type lineWriter struct {
	mu      sync.Mutex
	w       io.Writer
	showing bool // a progress line is on the screen
}

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	return l.w.Write(p)
}

func (l *lineWriter) line(s string) { fmt.Fprintln(l, s) }

func (l *lineWriter) progress(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
	io.WriteString(l.w, s)
	l.showing = true
}

func (l *lineWriter) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clearLocked()
}

func (l *lineWriter) clearLocked() {
	if l.showing {
		io.WriteString(l.w, clearLine)
		l.showing = false
	}
}
