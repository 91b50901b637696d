package codec

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// cutPoints returns every offset in the first and last 64 bytes and around
// each stride, plus a stride through the rest.
func cutPoints(n int) []int {
	var cuts []int
	for i := 1; i < n; i++ {
		if i < 64 || n-i < 64 || i%251 == 0 {
			cuts = append(cuts, i)
		}
	}
	return cuts
}

// TestTruncated cuts each stream at many offsets: the reader must deliver a
// prefix of the plain bytes, then ErrTruncated (or EOF, when a cut falls on
// a block boundary of a codec without an end marker), and never panic.
func TestTruncated(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	for _, c := range []Codec{LZ4, Snappy, Zstd, LZF, Gzip} {
		t.Run(string(c), func(t *testing.T) {
			name := "app." + string(c)
			full := writeSpark(t, plain, c)
			if c != Gzip {
				full = readFixture(t, "local-1700000000000."+string(c))
			}
			var trunc, clean, delivered int
			for _, cut := range cutPoints(len(full)) {
				got, _, err := decodeAll(t, full[:cut], name)
				if !bytes.HasPrefix(plain, got) {
					t.Fatalf("cut at %d: output is not a prefix of the plain bytes", cut)
				}
				switch {
				case err == nil:
					clean++
				case errors.Is(err, ErrTruncated) && errors.Is(err, io.ErrUnexpectedEOF) && !isCorrupt(err):
					trunc++
				default:
					t.Fatalf("cut at %d: %v", cut, err)
				}
				delivered += len(got)
			}
			// lz4 has an end block, so every cut is detectable.
			if c == LZ4 && clean > 0 {
				t.Errorf("lz4: %d cuts read as complete", clean)
			}
			if trunc < 10*clean {
				t.Errorf("%d truncated, %d clean", trunc, clean)
			}
			if delivered == 0 {
				t.Error("no cut delivered any complete block")
			}
		})
	}
}

// TestTruncatedMessage checks the error names the file, codec and block.
func TestTruncatedMessage(t *testing.T) {
	b := readFixture(t, "local-1700000000000.lz4")
	blocks := lz4Blocks(t, b)
	cut := blocks[2].off + 30
	_, _, err := decodeAll(t, b[:cut], "events_1_app.lz4")
	want := "events_1_app.lz4: lz4 block at offset " + strconv.Itoa(blocks[2].off) + ": payload cut after 9 of"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err %v, want prefix %q", err, want)
	}
}

// TestCorrupt flips bytes across each stream. Nothing may panic; every error
// must be a CorruptError or a truncation; lz4 and gzip, which carry
// checksums, must never give wrong bytes without an error.
func TestCorrupt(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	for _, c := range []Codec{LZ4, Snappy, Zstd, LZF, Gzip} {
		t.Run(string(c), func(t *testing.T) {
			name := "app." + string(c)
			full := writeSpark(t, plain, c)
			if c != Gzip {
				full = readFixture(t, "local-1700000000000."+string(c))
			}
			var errs int
			for off := 0; off < len(full); off += 97 {
				bad := bytes.Clone(full)
				bad[off] ^= 0x5a
				got, _, err := decodeAll(t, bad, name)
				switch {
				case err == nil:
					if (c == LZ4 || c == Gzip) && !bytes.Equal(got, plain) {
						t.Fatalf("flip at %d: wrong output and no error", off)
					}
				case isCorrupt(err) || errors.Is(err, ErrTruncated) || errors.Is(err, ErrUnknownFormat):
					errs++
				default:
					t.Fatalf("flip at %d: unclassified error %v", off, err)
				}
			}
			if errs == 0 {
				t.Error("no flip gave an error")
			}
		})
	}
}

// TestChecksumMessage flips a byte of a RAW lz4 block: the checksum must
// catch it, in the documented message format.
func TestChecksumMessage(t *testing.T) {
	b := bytes.Clone(readFixture(t, "local-1700000000000.lz4"))
	for _, blk := range lz4Blocks(t, b) {
		if blk.token != 0x15 || blk.dlen == 0 {
			continue
		}
		b[blk.off+lz4HeaderLen+100] ^= 1
		_, _, err := decodeAll(t, b, "events_1_app.lz4")
		want := "events_1_app.lz4: lz4 block at offset " + strconv.Itoa(blk.off) + ": checksum mismatch"
		var ce *CorruptError
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("err %v, want CorruptError %q", err, want)
		}
		if ce.Codec != LZ4 || ce.Offset != int64(blk.off) || ce.Name != "events_1_app.lz4" {
			t.Errorf("CorruptError %+v", ce)
		}
		return
	}
	t.Fatal("fixture has no RAW block")
}

func TestCorruptCases(t *testing.T) {
	lz := readFixture(t, "local-1700000000000.lz4")
	sn := readFixture(t, "local-1700000000000.snappy")
	lzf := readFixture(t, "local-1700000000000.lzf")
	set := func(b []byte, off int, v ...byte) []byte {
		b = bytes.Clone(b)
		copy(b[off:], v)
		return b
	}
	second := lz4Blocks(t, lz)[1].off
	tests := []struct {
		name   string
		data   []byte
		file   string
		reason string
		off    int64
	}{
		{"lz4 bad magic mid-stream", set(lz, second, 'X'), "a.lz4", "bad magic", int64(second)},
		{"lz4 bad token", set(lz, second+8, 0x35), "a.lz4", "bad token", int64(second)},
		{"lz4 dlen over block", set(lz, second+13, 0, 0, 1, 0), "a.lz4", "over block size", int64(second)},
		{"lz4 clen zero", set(lz, second+9, 0, 0, 0, 0), "a.lz4", "only one is zero", int64(second)},
		{"lz4 end block checksum", set(lz, len(lz)-4, 1), "a.lz4", "end block with checksum", int64(len(lz) - 21)},
		{"snappy bad magic", set(sn, 1, 'X'), "a.snappy", "bad stream magic", 0},
		{"snappy negative length", set(sn, 16, 0xff), "a.snappy", "bad chunk length", 16},
		{"snappy version", set(sn, 12, 0, 0, 0, 9), "a.snappy", "format version 9", 0},
		{"lzf bad type", set(lzf, 2, 7), "a.lzf", "bad chunk header", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeAll(t, tt.data, tt.file)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("err %v, want CorruptError", err)
			}
			if !strings.Contains(ce.Reason, tt.reason) || ce.Offset != tt.off || ce.Name != tt.file {
				t.Errorf("got %+v, want reason %q at %d", ce, tt.reason, tt.off)
			}
		})
	}
}

// TestIOTest runs every reader over sources that return one byte at a time,
// half reads, and data with the final error, and checks Read's contract.
func TestIOTest(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	wraps := map[string]func(io.Reader) io.Reader{
		"OneByte": iotest.OneByteReader,
		"Half":    iotest.HalfReader,
		"DataErr": iotest.DataErrReader,
	}
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		enc := writeSpark(t, plain, c)
		if c != Plain && c != Gzip {
			enc = readFixture(t, "local-1700000000000."+string(c))
		}
		for wname, wrap := range wraps {
			t.Run(c.String()+"/"+wname, func(t *testing.T) {
				r, _, err := NewReader(wrap(bytes.NewReader(enc)), "app."+string(c))
				if err != nil {
					t.Fatal(err)
				}
				if err := iotest.TestReader(r, plain); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestSourceError checks an error of the source surfaces wrapped, not as
// corruption or truncation.
func TestSourceError(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	boom := errors.New("connection reset")
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			enc := writeSpark(t, plain, c)
			src := io.MultiReader(bytes.NewReader(enc[:len(enc)/2]), iotest.ErrReader(boom))
			r, _, err := NewReader(src, "app."+string(c))
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if !errors.Is(err, boom) || isCorrupt(err) || errors.Is(err, ErrTruncated) {
				t.Fatalf("err %v, want the source's error alone", err)
			}
			if !strings.Contains(err.Error(), "app."+string(c)) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	zst := readFixture(t, "local-1700000000000.zstd")
	lz := readFixture(t, "local-1700000000000.lz4")
	tests := []struct {
		name    string
		file    string
		data    []byte
		want    Codec
		out     []byte
		errKind error // nil, ErrTruncated, ErrUnknownFormat, or errCorrupt
	}{
		{"zstd named lz4", "a.lz4", zst, Zstd, plain, nil},
		{"lz4 named snappy", "a.snappy", lz, LZ4, plain, nil},
		{"lz4 named plain", "app-1", lz, LZ4, plain, nil},
		{"plain named zstd", "a.zstd", plain, Plain, plain, nil},
		{"plain with BOM named lz4", "a.lz4", []byte("\xef\xbb\xbf{\"Event\":1}\n"), Plain, []byte("\xef\xbb\xbf{\"Event\":1}\n"), nil},
		{"text named plain", "notes", []byte("hello\n"), Plain, []byte("hello\n"), nil},
		{"empty lz4", "a.lz4", nil, LZ4, nil, nil},
		{"empty plain", "a", nil, Plain, nil, nil},
		{"cut lz4 magic", "a.lz4.inprogress", []byte("LZ4B"), LZ4, nil, ErrTruncated},
		{"cut zstd magic", "a.zstd", []byte{0x28, 0xb5}, Zstd, nil, ErrTruncated},
		{"unknown binary", "app-1", []byte{0, 1, 2, 3, 0xff, 0xfe, 7, 8, 9}, Plain, nil, ErrUnknownFormat},
		{"unknown binary named lz4", "a.lz4", []byte{0, 1, 2, 3, 0xff, 0xfe, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, LZ4, nil, errCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, c, err := decodeAll(t, tt.data, tt.file)
			switch {
			case tt.errKind == nil && err != nil:
				t.Fatal(err)
			case tt.errKind == errCorrupt && !isCorrupt(err):
				t.Fatalf("err %v, want CorruptError", err)
			case tt.errKind != nil && tt.errKind != errCorrupt && !errors.Is(err, tt.errKind):
				t.Fatalf("err %v, want %v", err, tt.errKind)
			}
			if err != nil && !strings.HasPrefix(err.Error(), tt.file+": ") {
				t.Errorf("error %q does not start with the file name", err)
			}
			if c != tt.want {
				t.Errorf("codec %q, want %q", c, tt.want)
			}
			if !bytes.Equal(got, tt.out) {
				t.Errorf("got %d bytes, want %d", len(got), len(tt.out))
			}
		})
	}
}

var errCorrupt = errors.New("corrupt")

// TestAbandon reads a little of each stream and drops the reader: TestMain's
// goleak check fails if a decoder left a goroutine behind.
func TestAbandon(t *testing.T) {
	plain := readFixture(t, "local-1700000000000")
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		r, _, err := NewReader(bytes.NewReader(writeSpark(t, plain, c)), "app."+string(c))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, plain[:100]) {
			t.Fatalf("%s: first bytes %q, err %v", c, buf, err)
		}
	}
}
