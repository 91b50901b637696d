package logfile

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// FuzzReader reads random bytes as a log of two parts (split at cut), the
// second named with one of Spark's codec suffixes. It must never panic,
// and a plain log read to the end must give back every byte and line.
func FuzzReader(f *testing.F) {
	plain := []byte("{\"Event\":\"SparkListenerLogStart\"}\r\n\xEF\xBB\xBF{}\n\n{\"a\":1}")
	f.Add(plain, uint8(0), uint16(20))
	for i, c := range allCodecs {
		f.Add(compress(f, c, plain), uint8(i), uint16(0))
		f.Add(compress(f, c, plain)[:9], uint8(i), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, suffix uint8, cut uint16) {
		at := min(int(cut), len(data))
		l, m := logOf(data[:at], data[at:])
		if c := allCodecs[int(suffix)%len(allCodecs)]; c != codec.Plain {
			l.Parts[1].Key += "." + string(c)
			m.files[l.Parts[1].Key] = data[at:]
		}
		r := Open(context.Background(), l, m.open)
		r.SetMaxLineSize(1 << 20)
		var n int64
		var err error
		for err == nil {
			_, err = r.Next()
			n++
		}
		r.Close()
		if err == io.EOF && looksPlainLog(data) && int(suffix)%len(allCodecs) == 0 {
			checkPlain(t, r, data[:at], data[at:], n-1)
		}
	})
}

// looksPlainLog reports whether both parts of a fuzzed log sniff as plain
// text for certain: JSON starts.
func looksPlainLog(data []byte) bool {
	return len(data) > 0 && data[0] == '{' && bytes.IndexByte(data, 0) < 0
}

func checkPlain(t *testing.T, r *Reader, p1, p2 []byte, lines int64) {
	if len(p2) > 0 && p2[0] != '{' {
		return // the second part may sniff as something else
	}
	want := countLines(p1) + countLines(p2)
	total := int64(len(p1) + len(p2))
	if lines != want || r.BytesOut() != total || r.BytesIn() != total {
		t.Fatalf("%d lines, BytesOut %d, BytesIn %d; want %d lines, %d bytes", lines, r.BytesOut(), r.BytesIn(), want, total)
	}
}

// FuzzDiscover groups random listings: it must never panic, put every key
// in at most one log, give each log a part, sort logs by key, and not
// depend on the listing's order.
func FuzzDiscover(f *testing.F) {
	ins, _ := filepath.Glob("testdata/discover/*.in")
	for _, in := range ins {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, listing string) {
		var objs []Object
		for _, key := range strings.Split(listing, "\n") {
			objs = append(objs, Object{Key: key, Size: int64(len(key)), ModTime: baseTime})
		}
		logs, problems := Discover(objs)
		checkLogs(t, logs)
		slices.Reverse(objs)
		if a, b := render(logs, problems), render(Discover(objs)); a != b {
			t.Fatalf("Discover depends on listing order:\n%s", lineDiff(a, b))
		}
	})
}

func checkLogs(t *testing.T, logs []Log) {
	seen := map[string]string{}
	for i, l := range logs {
		if i > 0 && logs[i-1].Key > l.Key {
			t.Fatalf("logs out of order: %q before %q", logs[i-1].Key, l.Key)
		}
		if len(l.Parts) == 0 {
			t.Fatalf("log %q has no parts", l.Key)
		}
		var size int64
		for _, p := range l.Parts {
			size += p.Size
		}
		if size != l.Size {
			t.Fatalf("log %q: Size %d, parts sum to %d", l.Key, l.Size, size)
		}
		for _, o := range append(partObjects(l.Parts), l.Extra...) {
			if prev, dup := seen[o.Key]; dup {
				t.Fatalf("key %q is in log %q and log %q", o.Key, prev, l.Key)
			}
			seen[o.Key] = l.Key
		}
	}
}

func partObjects(ps []Part) []Object {
	objs := make([]Object, len(ps))
	for i, p := range ps {
		objs[i] = p.Object
	}
	return objs
}
