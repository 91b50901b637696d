package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// eventlogs is the shared folder of real Spark logs, read in place.
const eventlogs = "../../shared/eventlogs"

// needEventlogs skips the test when the shared logs are absent.
func needEventlogs(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(eventlogs); err != nil {
		t.Skipf("shared event logs not found at %s (%v): conformance needs the real Spark logs", eventlogs, err)
	}
}

// feed sends every line of r to b and reports whether the stream ended
// mid-line: a last line without a newline that is also malformed (a
// complete last line merely missing its newline is not a truncation).
func feed(b *Builder, r io.Reader, name string) (truncated bool, err error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var n int64
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			n++
			full := line[len(line)-1] == '\n'
			before := b.malformed
			b.Line(bytes.TrimSuffix(line, []byte("\n")), name, n)
			if !full && b.malformed > before {
				truncated = true
			}
		}
		if errors.Is(err, io.EOF) {
			return truncated, nil
		}
		if err != nil {
			return truncated, err
		}
	}
}

// buildLog builds the model of a plain log file with per-stage
// distributions kept, LastUpdated being the file's modification time.
func buildLog(t testing.TB, path string) (*Builder, *App) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatalf("stat log: %v", err)
	}
	b := NewBuilder(Options{LastUpdated: st.ModTime().UnixMilli(), SourceURI: path, AppID: filepath.Base(path)})
	b.keepDist = true
	truncated, err := feed(b, f, filepath.Base(path))
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b, b.Finish(truncated)
}

// readJSON decodes an expectation file with numbers kept exact.
func readJSON(t testing.TB, path string) any {
	t.Helper()
	p, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read expectation: %v", err)
	}
	d := json.NewDecoder(bytes.NewReader(p))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return v
}

// shsTime parses the History Server's date format to epoch ms.
func shsTime(s string) (int64, bool) {
	t, err := time.Parse("2006-01-02T15:04:05.000GMT", s)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

// buildAnyLog builds the model of a single-file log in any codec (sniffed
// from its name and first bytes).
func buildAnyLog(t testing.TB, path string) *App {
	t.Helper()
	return buildAnyLogWith(t, path, Options{})
}

// buildAnyLogWith is buildAnyLog with options (the source and app id are
// the path's).
func buildAnyLogWith(t testing.TB, path string, o Options) *App {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, filepath.Base(path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	o.SourceURI, o.AppID = path, filepath.Base(path)
	b := NewBuilder(o)
	truncated, err := feed(b, r, filepath.Base(path))
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b.Finish(truncated)
}
