package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// codecs are the compressed codecs with Java-made fixtures.
var javaCodecs = []Codec{LZ4, Snappy, Zstd, LZF}

func TestFromName(t *testing.T) {
	tests := []struct {
		name string
		want Codec
	}{
		{"local-1422981759269", Plain},
		{"app-20161116163331-0000.lz4", LZ4},
		{"app-20161116163331-0000.lz4.inprogress", LZ4},
		{"application_1536831636016_59384_1.snappy", Snappy},
		{"events_1_local-1623876083964.zstd", Zstd},
		{"events_3_app.zstd.compact", Zstd},
		{"events_3_app.lzf.inprogress", LZF},
		{"eventlog-2021-06-15--15-00.gz", Gzip},
		{"s3://bucket/dir.lz4/app-1", Plain},
		{"s3://bucket/dir/app-1.LZ4", LZ4},
		{"a.b.snappy", Snappy},
		{"app.snappy.json", Plain},
		{"app.json", Plain},
		{"app.inprogress", Plain},
		{".lz4", LZ4},
		{"", Plain},
	}
	for _, tt := range tests {
		if got := FromName(tt.name); got != tt.want {
			t.Errorf("FromName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestXXH32 checks the hash against lz4-java's output (testdata/xxh32.golden,
// written by javagen).
func TestXXH32(t *testing.T) {
	data := make([]byte, 300)
	for i := range data {
		data[i] = byte(i*7 + 3)
	}
	b, err := os.ReadFile("testdata/xxh32.golden")
	if err != nil {
		t.Fatal(err)
	}
	golden := string(b)
	lines := 0
	for _, l := range strings.Split(strings.TrimSpace(golden), "\n") {
		var n int
		var seed, want uint32
		if _, err := fmt.Sscanf(l, "%d %x %x", &n, &seed, &want); err != nil {
			t.Fatalf("golden line %q: %v", l, err)
		}
		if got := xxh32(data[:n], seed); got != want {
			t.Errorf("xxh32(len %d, seed %08x) = %08x, want %08x", n, seed, got, want)
		}
		lines++
	}
	if lines < 20 {
		t.Fatalf("only %d golden vectors", lines)
	}
	if got := xxh32(nil, 0); got != 0x02cc5d05 { // the xxHash spec's empty-input value
		t.Errorf("xxh32(empty, 0) = %08x", got)
	}
}

func decodeAll(t testing.TB, data []byte, name string) ([]byte, Codec, error) {
	t.Helper()
	r, c, err := NewReader(bytes.NewReader(data), name)
	if err != nil {
		return nil, c, err
	}
	out, err := io.ReadAll(r)
	return out, c, err
}

func TestJavaFixtures(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	for _, c := range javaCodecs {
		t.Run(string(c), func(t *testing.T) {
			name := "local-1700000000000." + string(c)
			got, gotC, err := decodeAll(t, readFixture(t, name), name)
			if err != nil {
				t.Fatal(err)
			}
			if gotC != c {
				t.Errorf("codec %q, want %q", gotC, c)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("decoded %d bytes, differ from the %d plain bytes", len(got), len(plain))
			}
		})
	}
}

// TestFixtureCoverage checks the Java fixtures hold what the readers must
// handle: lz4 RAW and compressed blocks and the end block, LZF stored and
// compressed chunks, snappy chunks cut by flushes, many zstd frames.
func TestFixtureCoverage(t *testing.T) {
	lz := lz4Blocks(t, readFixture(t, "local-1700000000000.lz4"))
	var raw, comp, end int
	for _, b := range lz {
		switch {
		case b.dlen == 0:
			end++
		case b.token == 0x15:
			raw++
		case b.token == 0x25:
			comp++
		}
	}
	if raw == 0 || comp == 0 || end != 1 || lz[len(lz)-1].dlen != 0 {
		t.Errorf("lz4 fixture: %d raw, %d compressed, %d end blocks", raw, comp, end)
	}
	var stored, compressed int
	for _, ch := range lzfChunks(t, readFixture(t, "local-1700000000000.lzf")) {
		if ch.typ == 0 {
			stored++
		} else {
			compressed++
		}
	}
	if stored == 0 || compressed == 0 {
		t.Errorf("lzf fixture: %d stored, %d compressed chunks", stored, compressed)
	}
	if n := len(snappyChunks(t, readFixture(t, "local-1700000000000.snappy"))); n < 20 {
		t.Errorf("snappy fixture: %d chunks, want flushes to cut many", n)
	}
	if n := bytes.Count(readFixture(t, "local-1700000000000.zstd"), zstdMagic); n < 20 {
		t.Errorf("zstd fixture: %d frames, want many", n)
	}
}

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

type lz4Block struct {
	off             int
	token           byte
	clen, dlen, sum uint32
}

func lz4Blocks(t testing.TB, b []byte) []lz4Block {
	t.Helper()
	var out []lz4Block
	for off := 0; off < len(b); {
		if len(b)-off < lz4HeaderLen || string(b[off:off+8]) != "LZ4Block" {
			t.Fatalf("no lz4 header at %d", off)
		}
		h := b[off:]
		blk := lz4Block{off, h[8], binary.LittleEndian.Uint32(h[9:]), binary.LittleEndian.Uint32(h[13:]), binary.LittleEndian.Uint32(h[17:])}
		out = append(out, blk)
		off += lz4HeaderLen + int(blk.clen)
	}
	return out
}

type lzfChunk struct{ off, typ, clen, dlen int }

func lzfChunks(t testing.TB, b []byte) []lzfChunk {
	t.Helper()
	var out []lzfChunk
	for off := 0; off < len(b); {
		h := b[off:]
		if len(h) < 5 || h[0] != 'Z' || h[1] != 'V' {
			t.Fatalf("no lzf header at %d", off)
		}
		ch := lzfChunk{off: off, typ: int(h[2]), clen: int(binary.BigEndian.Uint16(h[3:]))}
		ch.dlen = ch.clen
		hl := 5
		if ch.typ == 1 {
			ch.dlen, hl = int(binary.BigEndian.Uint16(h[5:])), 7
		}
		out = append(out, ch)
		off += hl + ch.clen
	}
	return out
}

// snappyChunks returns the decoded lengths of a snappy-java stream's chunks.
func snappyChunks(t testing.TB, b []byte) []int {
	t.Helper()
	var out []int
	for off := snappyHeaderLen; off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		r, _, err := NewReader(bytes.NewReader(append(append([]byte{}, snappyHeader...), b[off:off+4+n]...)), "x.snappy")
		if err != nil {
			t.Fatal(err)
		}
		d, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("chunk at %d: %v", off, err)
		}
		out = append(out, len(d))
		off += 4 + n
	}
	return out
}

// writeSpark writes plain through c's writer line by line, flushing as Spark
// does (flushAfter), like the Java generator.
func writeSpark(t testing.TB, plain []byte, c Codec) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, c)
	if err != nil {
		t.Fatal(err)
	}
	f := w.(Flusher)
	for len(plain) > 0 {
		i := bytes.IndexByte(plain, '\n') + 1
		if i == 0 {
			i = len(plain)
		}
		line := plain[:i]
		plain = plain[i:]
		if _, err := w.Write(line); err != nil {
			t.Fatal(err)
		}
		if flushAfter(string(line)) {
			if err := f.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"fixture": readFixture(t, "local-1700000000000"),
		"empty":   nil,
		"short":   []byte(`{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}` + "\n"),
		"nonl":    []byte(`{"Event":"x"}`),
		"zeros":   make([]byte, 300_000),
	}
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		for iname, in := range inputs {
			t.Run(c.String()+"/"+iname, func(t *testing.T) {
				enc := writeSpark(t, in, c)
				got, gotC, err := decodeAll(t, enc, "app."+string(c))
				if c == Plain && iname == "zeros" {
					if !errors.Is(err, ErrUnknownFormat) {
						t.Fatalf("binary zeros named plain: err %v, want ErrUnknownFormat", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(in) > 0 && gotC != c {
					t.Errorf("read as %q", gotC)
				}
				if !bytes.Equal(got, in) {
					t.Fatalf("round trip gave %d bytes, want %d", len(got), len(in))
				}
			})
		}
	}
}

// TestWriterMatchesJava compares this package's writers with the Java
// libraries' output for the same input and flushes.
func TestWriterMatchesJava(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	t.Run("lz4", func(t *testing.T) {
		got := writeSpark(t, plain, LZ4)
		want := readFixture(t, "local-1700000000000.lz4")
		if !bytes.Equal(got, want) {
			gb, wb := lz4Blocks(t, got), lz4Blocks(t, want)
			t.Errorf("lz4: %d bytes in %d blocks, Java %d bytes in %d blocks", len(got), len(gb), len(want), len(wb))
		}
	})
	t.Run("snappy", func(t *testing.T) {
		got := writeSpark(t, plain, Snappy)
		want := readFixture(t, "local-1700000000000.snappy")
		gc, wc := snappyChunks(t, got), snappyChunks(t, want)
		if fmt.Sprint(gc) != fmt.Sprint(wc) {
			t.Errorf("snappy chunk sizes differ:\n got %v\nwant %v", gc, wc)
		}
		if !bytes.Equal(got, want) {
			t.Logf("snappy: not byte-identical (%d bytes, Java %d): golang/snappy's encoder is not the C++ one; framing matches", len(got), len(want))
		}
	})
	t.Run("lzf", func(t *testing.T) {
		got := writeSpark(t, plain, LZF)
		want := readFixture(t, "local-1700000000000.lzf")
		gc, wc := lzfChunks(t, got), lzfChunks(t, want)
		if len(gc) != len(wc) {
			t.Fatalf("lzf: %d chunks, Java %d", len(gc), len(wc))
		}
		for i := range gc {
			if gc[i].dlen != wc[i].dlen || (gc[i].typ == 0) != (wc[i].typ == 0) {
				t.Errorf("lzf chunk %d: %+v, Java %+v", i, gc[i], wc[i])
			}
		}
		t.Logf("lzf: %d bytes, Java %d", len(got), len(want))
	})
	t.Run("zstd", func(t *testing.T) {
		got := writeSpark(t, plain, Zstd)
		want := readFixture(t, "local-1700000000000.zstd")
		g, w := bytes.Count(got, zstdMagic), bytes.Count(want, zstdMagic)
		if g != w {
			t.Errorf("zstd: %d frames, Java %d", g, w)
		}
		t.Logf("zstd: %d bytes in %d frames, Java %d bytes in %d frames", len(got), g, len(want), w)
	})
}

// TestConcatenated checks that a stream followed by another (a concatenated
// file) reads as both.
func TestConcatenated(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	for _, c := range []Codec{LZ4, Snappy, Zstd, LZF, Gzip} {
		t.Run(string(c), func(t *testing.T) {
			one := writeSpark(t, plain[:50_000], c)
			two := writeSpark(t, plain[50_000:], c)
			got, _, err := decodeAll(t, append(one, two...), "app."+string(c))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("got %d bytes, want %d", len(got), len(plain))
			}
		})
	}
}

func TestRealLogs(t *testing.T) {
	var files []string
	for _, pat := range []string{
		"../../../shared/eventlogs/nvidia/*.zstd",
		"../../../shared/eventlogs/rolling/*/events_*.zstd",
		"../../../shared/eventlogs/nvidia/db_sim_eventlog/*.gz",
	} {
		m, _ := filepathGlob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no real logs: ../../../shared/eventlogs is absent")
	}
	for _, f := range files {
		t.Run(f[len("../../../shared/eventlogs/"):], func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			r, c, err := NewReader(fh, f)
			if err != nil {
				t.Fatal(err)
			}
			if c != FromName(f) {
				t.Errorf("read as %q, name says %q", c, FromName(f))
			}
			lines, events := checkLines(t, r)
			if lines == 0 || events != lines {
				t.Errorf("%d lines, %d with an Event", lines, events)
			}
			t.Logf("%s: %d lines", c, lines)
		})
	}
}

func checkLines(t *testing.T, r io.Reader) (lines, events int) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			lines++
			if jsonValid(bytes.TrimSpace(line)) && bytes.Contains(line, []byte(`"Event":`)) {
				events++
			} else if lines-events < 3 {
				t.Errorf("line %d is not an event: %.80q", lines, line)
			}
		}
		if err == io.EOF {
			return lines, events
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func isCorrupt(err error) bool {
	var ce *CorruptError
	return errors.As(err, &ce)
}
