package codec

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// errClosed marks a closed writer; Close reports it as success once.
var errClosed = errors.New("codec: write to closed writer")

func nilIfClosed(err error) error {
	if err == errClosed {
		return nil
	}
	return err
}

// Flusher is implemented by every writer NewWriter returns. Flush does what
// a flush of Spark's codec stream does: snappy and lzf cut a chunk, zstd ends
// the frame (zstd-jni's closeFrameOnFlush), gzip does a sync flush, and lz4
// (syncFlush=false) and plain do nothing.
type Flusher interface {
	Flush() error
}

// NewWriter returns a writer that compresses into w in Spark's exact framing
// for c: lz4-java LZ4Block with 32 KiB blocks (RAW when compression does not
// shrink a block, masked XXH32 checksums, an end block on Close);
// snappy-java's stream with 32 KiB blocks; zstd level 1 without checksums;
// ning LZF chunks of up to 65535 bytes (compressed by this package's LZF
// compressor, stored when that does not save); gzip. Close finishes the
// stream but does not close w. The writer also implements Flusher.
func NewWriter(w io.Writer, c Codec) (io.WriteCloser, error) {
	switch c {
	case Plain:
		return plainWriter{w}, nil
	case LZ4:
		return newLZ4Writer(w), nil
	case Snappy:
		return newSnappyWriter(w), nil
	case LZF:
		return newLZFWriter(w), nil
	case Zstd:
		return newZstdWriter(w)
	case Gzip:
		return gzip.NewWriter(w), nil
	}
	return nil, fmt.Errorf("unsupported codec %q", string(c))
}

type plainWriter struct{ io.Writer }

func (plainWriter) Flush() error { return nil }
func (plainWriter) Close() error { return nil }

// zstdWriter writes zstd-jni's output as Spark configures it: level 1, no
// checksum, and a frame ended at every Flush (setCloseFrameOnFlush(true)).
type zstdWriter struct {
	w       io.Writer
	enc     *zstd.Encoder
	inFrame bool // bytes written since the frame began
	err     error
}

func newZstdWriter(w io.Writer) (*zstdWriter, error) {
	enc, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderCRC(false), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("zstd writer: %w", err)
	}
	return &zstdWriter{w: w, enc: enc}, nil
}

func (z *zstdWriter) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	z.inFrame = true
	n, err := z.enc.Write(p)
	z.err = err
	return n, err
}

// Flush ends the current frame; the next Write starts a new one.
func (z *zstdWriter) Flush() error {
	if z.err != nil || !z.inFrame {
		return nilIfClosed(z.err)
	}
	if z.err = z.enc.Close(); z.err == nil {
		z.enc.Reset(z.w)
		z.inFrame = false
	}
	return z.err
}

// Close ends the last frame; it does not close the underlying writer.
func (z *zstdWriter) Close() error {
	if z.err != nil {
		return nilIfClosed(z.err)
	}
	if z.inFrame {
		z.err = z.enc.Close()
	}
	if z.err == nil {
		z.err = errClosed
	}
	return nilIfClosed(z.err)
}
