package logfile

import (
	"errors"
	"strconv"
	"strings"
)

// PartError records an error and the part of a log it happened in, like
// fs.PathError.
type PartError struct {
	Op   string // "open" or "read"
	Key  string // the part's key
	Line int64  // lines of the part read before the error (0 when opening)
	Err  error
}

// Error reads "read <key> after line <n>: <err>". The key is not repeated
// when Err already starts with it, as codec errors do.
func (e *PartError) Error() string {
	msg := e.Err.Error()
	if rest, ok := strings.CutPrefix(msg, e.Key+": "); ok {
		msg = rest
	}
	where := e.Op + " " + e.Key
	if e.Line > 0 {
		where += " after line " + strconv.FormatInt(e.Line, 10)
	}
	return where + ": " + msg
}

func (e *PartError) Unwrap() error { return e.Err }

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("logfile: reader closed")

// ErrLineTooLong is wrapped by Next's error for a line longer than the
// reader's limit (see SetMaxLineSize).
var ErrLineTooLong = errors.New("line too long")

// ErrTooLarge is wrapped by Next's error for a log that decompresses to
// more bytes than the reader's bound (see SetMaxBytes).
var ErrTooLarge = errors.New("log too large")
