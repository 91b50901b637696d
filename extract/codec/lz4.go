package codec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/pierrec/lz4/v4"
)

// lz4-java LZ4Block framing (eventlog-format.md §1.3).
const (
	lz4HeaderLen = 21
	lz4MethodRaw = 0x10
	lz4MethodLZ4 = 0x20
	lz4LevelBase = 10
	lz4BlockSize = 32 << 10 // Spark's spark.io.compression.lz4.blockSize
)

var lz4Magic = []byte("LZ4Block")

type lz4Reader struct {
	r     *bufio.Reader
	name  string
	off   int64 // offset of the next block header
	hdr   [lz4HeaderLen]byte
	comp  []byte
	blk   []byte // owned block buffer behind buf
	ended bool   // the last block was an end block
	blockReader
}

func newLZ4Reader(r *bufio.Reader, name string) *lz4Reader {
	return &lz4Reader{r: r, name: name, ended: true}
}

func (z *lz4Reader) Read(p []byte) (int, error) {
	return z.read(p, z)
}

// nextBlock reads one block. It decodes straight into p when the block fits
// there and returns its length; otherwise it decodes into z.buf and returns 0.
func (z *lz4Reader) nextBlock(p []byte) (int, error) {
	off := z.off
	n, err := io.ReadFull(z.r, z.hdr[:])
	switch {
	case err == io.EOF && z.ended:
		return 0, io.EOF
	case err == io.EOF:
		return 0, truncated(z.name, LZ4, off, "no end block")
	case err == io.ErrUnexpectedEOF:
		return 0, truncated(z.name, LZ4, off, fmt.Sprintf("header cut after %d of %d bytes", n, lz4HeaderLen))
	case err != nil:
		return 0, fmt.Errorf("%s: read lz4 block at offset %d: %w", z.name, off, err)
	}
	h := z.hdr[:]
	if string(h[:8]) != string(lz4Magic) {
		return 0, corrupt(z.name, LZ4, off, "bad magic % x", h[:8])
	}
	method, level := int(h[8]&0xf0), int(h[8]&0x0f)
	clen := binary.LittleEndian.Uint32(h[9:])
	dlen := binary.LittleEndian.Uint32(h[13:])
	check := binary.LittleEndian.Uint32(h[17:])
	maxLen := uint32(1) << (lz4LevelBase + level)
	switch {
	case method != lz4MethodRaw && method != lz4MethodLZ4:
		return 0, corrupt(z.name, LZ4, off, "bad token 0x%02x", h[8])
	case dlen > maxLen:
		return 0, corrupt(z.name, LZ4, off, "decompressed length %d over block size %d", dlen, maxLen)
	case clen > uint32(lz4.CompressBlockBound(int(maxLen))):
		return 0, corrupt(z.name, LZ4, off, "compressed length %d over bound", clen)
	case (clen == 0) != (dlen == 0):
		return 0, corrupt(z.name, LZ4, off, "lengths %d/%d: only one is zero", clen, dlen)
	case method == lz4MethodRaw && clen != dlen:
		return 0, corrupt(z.name, LZ4, off, "raw block lengths differ: %d/%d", clen, dlen)
	}
	z.off += lz4HeaderLen
	if dlen == 0 {
		if check != 0 {
			return 0, corrupt(z.name, LZ4, off, "end block with checksum 0x%x", check)
		}
		z.ended = true
		return 0, nil
	}
	z.ended = false
	var got int
	z.comp, got, err = readFull(z.r, z.comp, int(clen))
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return 0, truncated(z.name, LZ4, off, fmt.Sprintf("payload cut after %d of %d bytes", got, clen))
	} else if err != nil {
		return 0, fmt.Errorf("%s: read lz4 block at offset %d: %w", z.name, off, err)
	}
	z.off += int64(clen)
	direct := len(p) >= int(dlen)
	var dst []byte
	if direct {
		dst = p[:dlen]
	} else {
		if cap(z.blk) < int(dlen) {
			z.blk = make([]byte, max(int(dlen), lz4BlockSize))
		}
		dst = z.blk[:dlen]
	}
	if method == lz4MethodRaw {
		copy(dst, z.comp)
	} else {
		m, err := lz4.UncompressBlock(z.comp, dst)
		if err != nil {
			return 0, corrupt(z.name, LZ4, off, "invalid lz4 data: %v", err)
		}
		if m != int(dlen) {
			return 0, corrupt(z.name, LZ4, off, "decompressed %d bytes, header says %d", m, dlen)
		}
	}
	if sum := lz4Checksum(dst); sum != check {
		return 0, corrupt(z.name, LZ4, off, "checksum mismatch (0x%07x, header 0x%07x)", sum, check)
	}
	if direct {
		return len(dst), nil
	}
	z.buf = dst
	return 0, nil
}

// lz4Writer writes lz4-java's LZ4Block stream exactly as Spark configures it.
type lz4Writer struct {
	w io.Writer
	blockWriter
	out  []byte
	comp lz4.CompressorCCompat
}

func newLZ4Writer(w io.Writer) *lz4Writer {
	return &lz4Writer{
		w:           w,
		blockWriter: blockWriter{buf: make([]byte, 0, lz4BlockSize)},
		out:         make([]byte, lz4HeaderLen+lz4.CompressBlockBound(lz4BlockSize)),
	}
}

func (z *lz4Writer) Write(p []byte) (int, error) {
	return z.write(p, z)
}

// Flush does nothing, like lz4-java with Spark's syncFlush=false: a partial
// block waits for more data or Close.
func (z *lz4Writer) Flush() error { return z.err }

// writeChunk writes the pending bytes as one LZ4Block block.
func (z *lz4Writer) writeChunk() error {
	src := z.buf
	level := lz4Level(lz4BlockSize)
	out := z.out
	clen, err := z.comp.CompressBlock(src, out[lz4HeaderLen:])
	method := lz4MethodLZ4
	if err != nil || clen == 0 || clen >= len(src) {
		method, clen = lz4MethodRaw, len(src)
		copy(out[lz4HeaderLen:], src)
	}
	copy(out, lz4Magic)
	out[8] = byte(method | level)
	binary.LittleEndian.PutUint32(out[9:], uint32(clen))
	binary.LittleEndian.PutUint32(out[13:], uint32(len(src)))
	binary.LittleEndian.PutUint32(out[17:], lz4Checksum(src))
	z.buf = z.buf[:0]
	_, err = z.w.Write(out[:lz4HeaderLen+clen])
	return err
}

// Close writes the pending block and the end block; it does not close the
// underlying writer.
func (z *lz4Writer) Close() error {
	if z.err != nil {
		return z.err
	}
	if len(z.buf) > 0 {
		if z.err = z.writeChunk(); z.err != nil {
			return z.err
		}
	}
	var end [lz4HeaderLen]byte
	copy(end[:], lz4Magic)
	end[8] = byte(lz4MethodRaw | lz4Level(lz4BlockSize))
	_, z.err = z.w.Write(end[:])
	if z.err == nil {
		z.err = errClosed
	}
	return nilIfClosed(z.err)
}

// lz4Level is lz4-java's compressionLevel: max(0, ceil(log2(blockSize)) - 10).
func lz4Level(blockSize int) int {
	l := 0
	for 1<<(lz4LevelBase+l) < blockSize {
		l++
	}
	return l
}
