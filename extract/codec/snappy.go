package codec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/golang/snappy"
)

// snappy-java SnappyOutputStream framing (eventlog-format.md §1.4).
const (
	snappyHeaderLen = 16
	snappyBlockSize = 32 << 10 // Spark's spark.io.compression.snappy.blockSize
	snappyMaxChunk  = 1 << 30  // far over any block size Spark accepts
)

var snappyHeader = []byte("\x82SNAPPY\x00\x00\x00\x00\x01\x00\x00\x00\x01")

// snappyMagicHead is the first 4 magic bytes read as a big-endian int: a chunk
// length equal to it starts a concatenated stream's header.
const snappyMagicHead = 0x82534e41

type snappyReader struct {
	r      *bufio.Reader
	name   string
	off    int64 // offset of the next chunk length
	header bool  // the stream header has been read
	lenBuf [snappyHeaderLen]byte
	comp   []byte
	blk    []byte
	blockReader
}

func newSnappyReader(r *bufio.Reader, name string) *snappyReader {
	return &snappyReader{r: r, name: name}
}

func (z *snappyReader) Read(p []byte) (int, error) {
	return z.read(p, z)
}

// readHeader reads a 16-byte stream header whose first skip bytes (the
// magic head a chunk length turned out to be) are already consumed.
func (z *snappyReader) readHeader(off int64, skip int) error {
	h := z.lenBuf[:]
	copy(h, snappyHeader[:skip])
	n, err := io.ReadFull(z.r, h[skip:])
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return truncated(z.name, Snappy, off, fmt.Sprintf("stream header cut after %d of %d bytes", skip+n, snappyHeaderLen))
	case err != nil:
		return fmt.Errorf("%s: read snappy header at offset %d: %w", z.name, off, err)
	case string(h[:8]) != string(snappyHeader[:8]):
		return corrupt(z.name, Snappy, off, "bad stream magic % x", h[:8])
	}
	if compat := int32(binary.BigEndian.Uint32(h[12:])); compat > 1 {
		return corrupt(z.name, Snappy, off, "stream needs snappy-java format version %d", compat)
	}
	z.off = off + snappyHeaderLen
	z.header = true
	return nil
}

func (z *snappyReader) nextBlock(p []byte) (int, error) {
	if !z.header {
		if err := z.readHeader(0, 0); err != nil {
			return 0, err
		}
	}
	off := z.off
	n, err := io.ReadFull(z.r, z.lenBuf[:4])
	switch {
	case err == io.EOF:
		return 0, io.EOF
	case err == io.ErrUnexpectedEOF:
		return 0, truncated(z.name, Snappy, off, fmt.Sprintf("chunk length cut after %d of 4 bytes", n))
	case err != nil:
		return 0, fmt.Errorf("%s: read snappy chunk at offset %d: %w", z.name, off, err)
	}
	clen := binary.BigEndian.Uint32(z.lenBuf[:4])
	if clen == snappyMagicHead {
		return 0, z.readHeader(off, 4)
	}
	if clen == 0 || clen > snappyMaxChunk {
		return 0, corrupt(z.name, Snappy, off, "bad chunk length %d", int32(clen))
	}
	var got int
	z.comp, got, err = readFull(z.r, z.comp, int(clen))
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return 0, truncated(z.name, Snappy, off, fmt.Sprintf("chunk cut after %d of %d bytes", got, clen))
	} else if err != nil {
		return 0, fmt.Errorf("%s: read snappy chunk at offset %d: %w", z.name, off, err)
	}
	z.off += 4 + int64(clen)
	dlen, err := snappy.DecodedLen(z.comp)
	if err != nil {
		return 0, corrupt(z.name, Snappy, off, "invalid snappy data: %v", err)
	}
	// A snappy copy of at most 64 bytes costs at least 2, so no honest block
	// expands more than 32 times; a larger claim is corrupt, not allocated.
	if dlen > 32*int(clen)+64 {
		return 0, corrupt(z.name, Snappy, off, "decoded length %d implausible for %d bytes", dlen, clen)
	}
	direct := len(p) >= dlen
	var dst []byte
	if direct {
		dst = p[:dlen]
	} else {
		if cap(z.blk) < dlen {
			z.blk = make([]byte, max(dlen, snappyBlockSize))
		}
		dst = z.blk[:dlen]
	}
	out, err := snappy.Decode(dst, z.comp)
	if err != nil {
		return 0, corrupt(z.name, Snappy, off, "invalid snappy data: %v", err)
	}
	if direct {
		return len(out), nil
	}
	z.buf = out
	return 0, nil
}

// snappyWriter writes snappy-java's stream: the header, then one chunk per
// full 32 KiB block or Flush.
type snappyWriter struct {
	w io.Writer
	blockWriter
	out    []byte
	header bool
}

func newSnappyWriter(w io.Writer) *snappyWriter {
	return &snappyWriter{
		w:           w,
		blockWriter: blockWriter{buf: make([]byte, 0, snappyBlockSize)},
		out:         make([]byte, 4+snappy.MaxEncodedLen(snappyBlockSize)),
	}
}

func (z *snappyWriter) Write(p []byte) (int, error) {
	return z.write(p, z)
}

func (z *snappyWriter) writeChunk() error {
	if !z.header {
		z.header = true
		if _, err := z.w.Write(snappyHeader); err != nil {
			return err
		}
	}
	if len(z.buf) == 0 {
		return nil
	}
	enc := snappy.Encode(z.out[4:], z.buf)
	binary.BigEndian.PutUint32(z.out, uint32(len(enc)))
	z.buf = z.buf[:0]
	_, err := z.w.Write(z.out[:4+len(enc)])
	return err
}

// Flush writes the pending bytes as a chunk, like SnappyOutputStream.flush.
func (z *snappyWriter) Flush() error { return flushChunk(&z.err, z) }

// Close flushes (snappy-java has no end marker); it does not close the
// underlying writer. A stream with no data is just the header.
func (z *snappyWriter) Close() error { return closeChunks(&z.err, z) }
