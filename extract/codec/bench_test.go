package codec

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

var benchInput = sync.OnceValue(func() []byte { return synthLog(7, 20<<20, 0) })

// BenchmarkDecode reports decompressed MB/s over a ~20 MB log-like input
// written by this package's writers with Spark's flush pattern, read in
// 64 KiB reads as a line reader would. With CODEC_BENCH_DIR set, the
// compressed inputs are also written there (for comparing with zstd -dc).
func BenchmarkDecode(b *testing.B) {
	plain := benchInput()
	for _, c := range []Codec{Plain, LZ4, Snappy, Zstd, LZF, Gzip} {
		enc := writeSpark(b, plain, c)
		if dir := os.Getenv("CODEC_BENCH_DIR"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, "bench."+c.String()), enc, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(c.String(), func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			buf := make([]byte, 64<<10)
			for b.Loop() {
				r, _, err := NewReader(bytes.NewReader(enc), "bench."+string(c))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					m, err := r.Read(buf)
					n += m
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if n != len(plain) {
					b.Fatalf("decoded %d bytes, want %d", n, len(plain))
				}
			}
			b.ReportMetric(float64(len(enc))/float64(len(plain)), "ratio")
		})
	}
}

// BenchmarkLibrary decodes the same inputs with the bare libraries (lz4 block
// loop without checksums, zstd stream decoder), the floor the readers aim at.
func BenchmarkLibrary(b *testing.B) {
	plain := benchInput()
	b.Run("lz4", func(b *testing.B) {
		enc := writeSpark(b, plain, LZ4)
		blocks := lz4Blocks(b, enc)
		dst := make([]byte, lz4BlockSize)
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			for _, blk := range blocks {
				p := enc[blk.off+lz4HeaderLen : blk.off+lz4HeaderLen+int(blk.clen)]
				if blk.token == 0x25 {
					if _, err := lz4.UncompressBlock(p, dst); err != nil {
						b.Fatal(err)
					}
				} else {
					copy(dst, p)
				}
			}
		}
	})
	b.Run("zstd", func(b *testing.B) {
		enc := writeSpark(b, plain, Zstd)
		b.SetBytes(int64(len(plain)))
		buf := make([]byte, 64<<10)
		for b.Loop() {
			d, err := zstd.NewReader(bytes.NewReader(enc), zstd.WithDecoderConcurrency(1))
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := d.Read(buf); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
			d.Close()
		}
	})
}
