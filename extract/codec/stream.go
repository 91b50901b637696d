package codec

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// countingReader counts the compressed bytes a decoder has consumed, for the
// offsets in its errors, and keeps the source's last error apart from the
// decoder's own.
type countingReader struct {
	r   *bufio.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	} else if err != io.EOF {
		c.err = err
	}
	return b, err
}

// streamReader adapts a library decoder (zstd, gzip) to this package's
// errors: truncation wraps ErrTruncated, bad data is a *CorruptError, and a
// source error is wrapped with the name.
type streamReader struct {
	dec   io.Reader
	src   *countingReader
	name  string
	codec Codec
	done  func() // releases the decoder at the end, may be nil
	err   error
}

func (s *streamReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.dec.Read(p)
	if err != nil {
		s.err = s.classify(err)
		if s.done != nil {
			s.done()
			s.done = nil
		}
		if n > 0 {
			return n, nil
		}
		return 0, s.err
	}
	return n, nil
}

func (s *streamReader) classify(err error) error {
	switch {
	case err == io.EOF:
		return io.EOF
	case s.src.err != nil && errors.Is(err, s.src.err):
		return fmt.Errorf("%s: read %s at offset %d: %w", s.name, s.codec, s.src.n, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return truncated(s.name, s.codec, s.src.n, "stream ends inside a frame")
	}
	return corrupt(s.name, s.codec, s.src.n, "%v", err)
}

func newZstdReader(br *bufio.Reader, name string) (io.Reader, error) {
	src := &countingReader{r: br}
	// Concurrency 1 decodes synchronously: no goroutines to leak, as the
	// caller gets an io.Reader with no Close.
	dec, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(false))
	if err != nil {
		return nil, fmt.Errorf("%s: zstd reader: %w", name, err)
	}
	return &streamReader{dec: dec, src: src, name: name, codec: Zstd, done: dec.Close}, nil
}

func newGzipReader(br *bufio.Reader, name string) (io.Reader, error) {
	src := &countingReader{r: br}
	s := &streamReader{src: src, name: name, codec: Gzip}
	dec, err := gzip.NewReader(src)
	if err != nil {
		return nil, s.classify(err)
	}
	s.dec = dec
	return s, nil
}

var _ flate.Reader = (*countingReader)(nil)
