package codec

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzLimit caps what a fuzz input may decode to (lz4 expands ~255x).
const fuzzLimit = 16 << 20

// fuzzDecode reads data as name; the error must be classified.
func fuzzDecode(t *testing.T, data []byte, name string) []byte {
	r, _, err := NewReader(bytes.NewReader(data), name)
	if err != nil {
		if !errors.Is(err, ErrUnknownFormat) && !isCorrupt(err) && !errors.Is(err, ErrTruncated) {
			t.Fatalf("NewReader: unclassified error %v", err)
		}
		return nil
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, io.LimitReader(r, fuzzLimit))
	if err != nil && !isCorrupt(err) && !errors.Is(err, ErrTruncated) {
		t.Fatalf("unclassified error %v", err)
	}
	return out.Bytes()
}

// fuzzSeeds adds the head of the Java fixture and small writer outputs.
func fuzzSeeds(f *testing.F, c Codec) {
	plain := readFixture(f, "local-1700000000000")
	if c != Plain && c != Gzip {
		fx := readFixture(f, "local-1700000000000."+string(c))
		f.Add(fx[:min(len(fx), 4096)])
	}
	f.Add(writeSpark(f, plain[:3000], c))
	f.Add(writeSpark(f, []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcabcabcabc\n"), c))
	f.Add(writeSpark(f, nil, c))
}

// fuzzCodec decodes data as c, and round-trips data through c's writer.
func fuzzCodec(f *testing.F, c Codec) {
	fuzzSeeds(f, c)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzDecode(t, data, "fuzz."+string(c))
		enc := writeSpark(t, data, c)
		r, _, err := NewReader(bytes.NewReader(enc), "fuzz."+string(c))
		if err != nil {
			if c == Plain || len(data) == 0 {
				return // binary input named plain; empty input
			}
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %d bytes of %d, err %v", len(got), len(data), err)
		}
	})
}

func FuzzLZ4(f *testing.F)    { fuzzCodec(f, LZ4) }
func FuzzSnappy(f *testing.F) { fuzzCodec(f, Snappy) }
func FuzzZstd(f *testing.F)   { fuzzCodec(f, Zstd) }
func FuzzLZF(f *testing.F)    { fuzzCodec(f, LZF) }

// FuzzSniff feeds any bytes under each name to NewReader.
func FuzzSniff(f *testing.F) {
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		fuzzSeeds(f, c)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"app", "app.lz4", "app.snappy", "app.zstd", "app.lzf", "app.gz"} {
			fuzzDecode(t, data, name)
		}
	})
}
