package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// memStore is an in-memory OpenFunc that counts opens and closes.
type memStore struct {
	files  map[string][]byte
	wrap   func(io.Reader) io.Reader // e.g. an iotest reader; nil for none
	opens  int
	closed int
}

func (m *memStore) open(ctx context.Context, key string) (io.ReadCloser, error) {
	b, ok := m.files[key]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", key, fs.ErrNotExist)
	}
	m.opens++
	var r io.Reader = bytes.NewReader(b)
	if m.wrap != nil {
		r = m.wrap(r)
	}
	return &closeCounter{Reader: r, n: &m.closed}, nil
}

type closeCounter struct {
	io.Reader
	n *int
}

func (c *closeCounter) Close() error { *c.n++; return nil }

// logOf builds a log of the given parts, in order, and a store holding them.
func logOf(parts ...[]byte) (Log, *memStore) {
	m := &memStore{files: map[string][]byte{}}
	l := Log{Key: "app", Layout: LayoutRolling}
	for i, b := range parts {
		key := fmt.Sprintf("app/events_%d_app", i+1)
		m.files[key] = b
		l.Parts = append(l.Parts, Part{Object: Object{Key: key, Size: int64(len(b))}, Index: int64(i + 1)})
	}
	return l, m
}

// readAll returns every line (copied) and the error that ended reading.
func readAll(r *Reader) ([]string, error) {
	var lines []string
	for {
		line, err := r.Next()
		if err != nil {
			return lines, err
		}
		lines = append(lines, string(line))
	}
}

func TestReaderLines(t *testing.T) {
	tests := []struct {
		name      string
		parts     []string
		want      []string
		truncated bool
	}{
		{"empty log", nil, nil, false},
		{"empty part", []string{""}, nil, false},
		{"lf", []string{"{1}\n{2}\n"}, []string{"{1}", "{2}"}, false},
		{"crlf", []string{"{1}\r\n{2}\r\n"}, []string{"{1}", "{2}"}, false},
		{"inner cr kept", []string{"{1\r2}\n"}, []string{"{1\r2}"}, false},
		{"blank lines", []string{"{1}\n\n{2}\n\n"}, []string{"{1}", "", "{2}", ""}, false},
		{"bom", []string{"\xEF\xBB\xBF{1}\n{2}\n"}, []string{"{1}", "{2}"}, false},
		{"no final newline", []string{"{1}\n{2}"}, []string{"{1}", "{2}"}, false},
		{"cut without final newline", []string{"{1}\n{2"}, []string{"{1}", "{2"}, true},
		{"cut mid-line, then newline", []string{"{1}\n{\"Event\":\"x\n"}, []string{"{1}", `{"Event":"x`}, true},
		{"trailing blanks after brace", []string{"{1}  \n"}, []string{"{1}  "}, false},
		{"two parts", []string{"{1}\n{2}\n", "{3}\n"}, []string{"{1}", "{2}", "{3}"}, false},
		{"middle part without newline", []string{"{1}", "{2}\n"}, []string{"{1}", "{2}"}, false},
		{"last part without newline", []string{"{1}\n", "{2}"}, []string{"{1}", "{2}"}, false},
		{"empty parts around", []string{"", "{1}\n", "", "{2}\n", ""}, []string{"{1}", "{2}"}, false},
		{"bom in each part", []string{"\xEF\xBB\xBF{1}\n", "\xEF\xBB\xBF{2}\n"}, []string{"{1}", "{2}"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts [][]byte
			total := 0
			for _, p := range tt.parts {
				parts = append(parts, []byte(p))
				total += len(p)
			}
			l, m := logOf(parts...)
			r := Open(context.Background(), l, m.open)
			got, err := readAll(r)
			if err != io.EOF {
				t.Fatalf("Next: %v, want io.EOF", err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("lines = %q, want %q", got, tt.want)
			}
			if r.Truncated() != tt.truncated {
				t.Errorf("Truncated() = %v, want %v", r.Truncated(), tt.truncated)
			}
			if c := r.Cut(); tt.truncated && (c.Part != l.Parts[len(l.Parts)-1].Key || c.Line != int64(len(tt.want)) ||
				c.Offset != int64(len(tt.parts[len(tt.parts)-1])) || !strings.Contains(c.Reason, "mid-line")) {
				t.Errorf("Cut() = %v, want the last part, after line %d, at its end, mid-line", c, len(tt.want))
			}
			if r.BytesIn() != int64(total) || r.BytesOut() != int64(total) {
				t.Errorf("BytesIn, BytesOut = %d, %d, want %d", r.BytesIn(), r.BytesOut(), total)
			}
			if m.opens != len(parts) || m.closed != len(parts) {
				t.Errorf("opened %d, closed %d parts, want %d", m.opens, m.closed, len(parts))
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("Next after the end: %v, want io.EOF again", err)
			}
		})
	}
}

// TestReaderPosition checks File and Line against every line of a
// three-part log.
func TestReaderPosition(t *testing.T) {
	l, m := logOf([]byte("{a}\n{b}\n"), []byte{}, []byte("{c}\n{d}\n{e}"))
	r := Open(context.Background(), l, m.open)
	if m.opens != 0 {
		t.Fatalf("Open opened %d parts before the first Next, want 0", m.opens)
	}
	want := []struct {
		line string
		file string
		n    int64
	}{
		{"{a}", "app/events_1_app", 1}, {"{b}", "app/events_1_app", 2},
		{"{c}", "app/events_3_app", 1}, {"{d}", "app/events_3_app", 2}, {"{e}", "app/events_3_app", 3},
	}
	for _, w := range want {
		line, err := r.Next()
		if err != nil || string(line) != w.line || r.File() != w.file || r.Line() != w.n {
			t.Fatalf("Next = %q, %v at %s:%d; want %q at %s:%d", line, err, r.File(), r.Line(), w.line, w.file, w.n)
		}
		if m.opens-m.closed > 1 {
			t.Fatalf("%d parts open at once", m.opens-m.closed)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next at end = %v, want io.EOF", err)
	}
}

// jsonLines makes n lines of about size bytes each, with a line number,
// so that compressed streams span several blocks.
func jsonLines(n, size int) []byte {
	var b bytes.Buffer
	rng := rand.New(rand.NewPCG(uint64(n), uint64(size)))
	pad := make([]byte, size)
	for i := range n {
		for j := range pad {
			pad[j] = "0123456789abcdef"[rng.IntN(16)]
		}
		fmt.Fprintf(&b, "{\"Event\":\"E\",\"n\":%d,\"pad\":\"%s\"}\n", i, pad[:size-i%7])
	}
	return b.Bytes()
}

func compress(t testing.TB, c codec.Codec, plain []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := codec.NewWriter(&b, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var allCodecs = []codec.Codec{codec.Plain, codec.LZ4, codec.LZF, codec.Snappy, codec.Zstd, codec.Gzip}

// TestReaderCodecs reads a log whose parts are each their own stream in
// every codec, named the way Spark names them.
func TestReaderCodecs(t *testing.T) {
	m := &memStore{files: map[string][]byte{}}
	l := Log{Key: "eventlog_v2_local-1"}
	var want bytes.Buffer
	var in int64
	for i, c := range allCodecs {
		plain := jsonLines(300+i, 400)
		want.Write(plain)
		key := fmt.Sprintf("eventlog_v2_local-1/events_%d_local-1", i+1)
		if c != codec.Plain {
			key += "." + string(c)
		}
		m.files[key] = compress(t, c, plain)
		in += int64(len(m.files[key]))
		l.Parts = append(l.Parts, Part{Object: Object{Key: key}, Index: int64(i + 1)})
	}
	r := Open(context.Background(), l, m.open)
	got, err := readAll(r)
	if err != io.EOF {
		t.Fatalf("Next: %v", err)
	}
	if g := strings.Join(got, "\n") + "\n"; g != want.String() {
		t.Errorf("lines differ from the plain text (%d vs %d bytes)", len(g), want.Len())
	}
	if r.BytesIn() != in || r.BytesOut() != int64(want.Len()) || r.Truncated() {
		t.Errorf("BytesIn %d (want %d), BytesOut %d (want %d), Truncated %v",
			r.BytesIn(), in, r.BytesOut(), want.Len(), r.Truncated())
	}
}

// TestReaderTruncatedTail cuts the last part's compressed stream at many
// offsets: the lines decoded so far come out, then io.EOF with Truncated.
func TestReaderTruncatedTail(t *testing.T) {
	plain := jsonLines(400, 300) // several 32 KiB lz4 blocks
	lines := strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
	for _, c := range []codec.Codec{codec.LZ4, codec.LZF, codec.Snappy, codec.Zstd, codec.Gzip} {
		full := compress(t, c, plain)
		for _, cut := range []int{3, 10, 30, len(full) / 3, len(full) / 2, len(full) - 22, len(full) - 5} {
			t.Run(fmt.Sprintf("%s/%d", c, cut), func(t *testing.T) {
				l, m := logOf([]byte("{first}\n"), full[:cut])
				l.Parts[1].Key += "." + string(c)
				m.files[l.Parts[1].Key] = full[:cut]
				r := Open(context.Background(), l, m.open)
				got, err := readAll(r)
				if err != io.EOF {
					t.Fatalf("Next: %v, want io.EOF", err)
				}
				if !r.Truncated() {
					t.Errorf("Truncated() = false for a stream cut at %d of %d", cut, len(full))
				}
				checkPrefix(t, got[1:], lines)
				// The cut is named in the part, after the lines delivered.
				delivered := int64(len(got) - 1)
				if c := r.Cut(); c.Part != l.Parts[1].Key || c.Line != delivered || c.Reason == "" {
					t.Errorf("Cut() = %v, want %s after line %d with a reason", c, l.Parts[1].Key, delivered)
				}
			})
		}
	}
}

// checkPrefix checks that got are the first lines of want, the last of
// them possibly cut short.
func checkPrefix(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) > len(want) {
		t.Fatalf("%d lines, more than the %d written", len(got), len(want))
	}
	for i, g := range got {
		if g != want[i] && !(i == len(got)-1 && strings.HasPrefix(want[i], g)) {
			t.Fatalf("line %d = %.40q…, want %.40q…", i+1, g, want[i])
		}
	}
}

// TestReaderTruncatedMiddle: a cut stream in a part that is not the last
// loses events, so it is an error naming the part.
func TestReaderTruncatedMiddle(t *testing.T) {
	full := compress(t, codec.LZ4, jsonLines(400, 300))
	l, m := logOf(full[:len(full)/2], []byte("{last}\n"))
	l.Parts[0].Key += ".lz4"
	m.files[l.Parts[0].Key] = full[:len(full)/2]
	_, err := readAll(Open(context.Background(), l, m.open))
	var pe *PartError
	if !errors.As(err, &pe) || pe.Key != l.Parts[0].Key || !errors.Is(err, codec.ErrTruncated) {
		t.Fatalf("err = %v, want a *PartError for %s wrapping codec.ErrTruncated", err, l.Parts[0].Key)
	}
}

// TestReaderCorrupt flips a payload byte of an lz4 part: the error is a
// *codec.CorruptError wrapped with the part's key, and it is sticky.
func TestReaderCorrupt(t *testing.T) {
	bad := compress(t, codec.LZ4, jsonLines(400, 300))
	bad[40000] ^= 0x55
	l, m := logOf([]byte("{first}\n"), bad)
	l.Parts[1].Key = "app/events_2_app.lz4"
	m.files[l.Parts[1].Key] = bad
	r := Open(context.Background(), l, m.open)
	_, err := readAll(r)
	var ce *codec.CorruptError
	var pe *PartError
	if !errors.As(err, &ce) || !errors.As(err, &pe) || pe.Key != "app/events_2_app.lz4" {
		t.Fatalf("err = %v, want a *PartError for app/events_2_app.lz4 wrapping *codec.CorruptError", err)
	}
	if !strings.HasPrefix(err.Error(), "read app/events_2_app.lz4 after line ") ||
		strings.Count(err.Error(), "events_2_app.lz4") != 1 {
		t.Errorf("message %q: want the key once, with the line", err)
	}
	if _, again := r.Next(); again != err {
		t.Errorf("Next after an error = %v, want the same error", again)
	}
}

func TestReaderOpenError(t *testing.T) {
	l, m := logOf([]byte("{1}\n"), nil)
	delete(m.files, l.Parts[1].Key)
	got, err := readAll(Open(context.Background(), l, m.open))
	var pe *PartError
	if len(got) != 1 || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Op != "open" || pe.Key != l.Parts[1].Key {
		t.Fatalf("lines %q, err %v; want 1 line then an open *PartError for %s wrapping fs.ErrNotExist", got, err, l.Parts[1].Key)
	}
}

// TestReaderIOTest reads through the testing/iotest readers: the lines
// must not depend on how reads are split, and a read error must surface.
func TestReaderIOTest(t *testing.T) {
	plain := jsonLines(200, 500)
	want := strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
	for _, c := range allCodecs {
		stream := compress(t, c, plain)
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"OneByte": iotest.OneByteReader, "Half": iotest.HalfReader, "DataErr": iotest.DataErrReader,
		} {
			t.Run(string(c.String())+"/"+name, func(t *testing.T) {
				l, m := logOf(stream)
				m.wrap = wrap
				got, err := readAll(Open(context.Background(), l, m.open))
				if err != io.EOF || len(got) != len(want) || got[len(got)-1] != want[len(want)-1] {
					t.Fatalf("%d lines, err %v; want %d lines, io.EOF", len(got), err, len(want))
				}
			})
		}
		t.Run(c.String()+"/Timeout", func(t *testing.T) {
			l, m := logOf(stream)
			m.wrap = iotest.TimeoutReader
			_, err := readAll(Open(context.Background(), l, m.open))
			var pe *PartError
			if !errors.Is(err, iotest.ErrTimeout) || !errors.As(err, &pe) || pe.Op != "read" {
				t.Fatalf("err = %v, want a read *PartError wrapping iotest.ErrTimeout", err)
			}
		})
	}
}

// TestReaderLongLine reads a 20 MB line between two short ones.
func TestReaderLongLine(t *testing.T) {
	long := append(append([]byte(`{"plan":"`), bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)...), '"', '}')
	var in bytes.Buffer
	in.WriteString("{1}\n")
	in.Write(long)
	in.WriteString("\r\n{3}\n")
	l, m := logOf(in.Bytes())
	r := Open(context.Background(), l, m.open)
	for i, want := range [][]byte{[]byte("{1}"), long, []byte("{3}")} {
		got, err := r.Next()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("line %d: %d bytes, err %v; want %d bytes", i+1, len(got), err, len(want))
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next at end: %v", err)
	}

	r = Open(context.Background(), l, m.open)
	r.SetMaxLineSize(1 << 20)
	_, err := readAll(r)
	if !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("err = %v with a 1 MiB limit, want ErrLineTooLong", err)
	}
}

func TestReaderContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		l, m := logOf([]byte("{1}\n"))
		_, err := readAll(Open(ctx, l, m.open))
		if !errors.Is(err, context.Canceled) || m.opens != 0 {
			t.Fatalf("err %v after %d opens, want context.Canceled before any open", err, m.opens)
		}
	})
	t.Run("cancelled while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		l, m := logOf(jsonLines(2000, 500))
		m.wrap = iotest.HalfReader
		r := Open(ctx, l, m.open)
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		cancel()
		_, err := readAll(r)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestReaderClose(t *testing.T) {
	l, m := logOf([]byte("{1}\n{2}\n"), []byte("{3}\n"))
	r := Open(context.Background(), l, m.open)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if m.opens != 1 || m.closed != 1 {
		t.Errorf("after Close: %d opened, %d closed; want 1, 1", m.opens, m.closed)
	}
	if _, err := r.Next(); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close = %v, want ErrClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// TestReaderMaxBytes: a log that decompresses past the bound fails with
// ErrTooLarge naming the line; one within it reads whole.
func TestReaderMaxBytes(t *testing.T) {
	plain := []byte(strings.Repeat("{\"a\":1}\n", 1000)) // 8,000 bytes
	for _, c := range []struct {
		max  int64
		fail bool
	}{{8000, false}, {7999, true}, {100, true}} {
		l, m := logOf(compress(t, codec.Zstd, plain))
		l.Parts[0].Key += ".zstd"
		m.files[l.Parts[0].Key] = m.files["app/events_1_app"]
		r := Open(context.Background(), l, m.open)
		r.SetMaxBytes(c.max)
		lines, err := readAll(r)
		if c.fail != errors.Is(err, ErrTooLarge) || (!c.fail && err != io.EOF) {
			t.Errorf("max %d: %d lines, %v", c.max, len(lines), err)
		}
		if c.fail && int64(len(lines)*8) > c.max {
			t.Errorf("max %d: %d lines delivered past the bound", c.max, len(lines))
		}
	}
}
