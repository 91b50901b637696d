package codec

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// ning compress-lzf chunk framing (eventlog-format.md §1.6).
const (
	lzfMaxChunk       = 0xffff // LZFChunk.MAX_CHUNK_LEN
	lzfStoredHdrLen   = 5
	lzfCompressHdrLen = 7
	lzfMinCompress    = 16 // ChunkEncoder.MIN_BLOCK_TO_COMPRESS
)

type lzfReader struct {
	r    *bufio.Reader
	name string
	off  int64
	hdr  [lzfCompressHdrLen]byte
	comp []byte
	blk  []byte
	blockReader
}

func newLZFReader(r *bufio.Reader, name string) *lzfReader {
	return &lzfReader{r: r, name: name, comp: make([]byte, lzfMaxChunk), blk: make([]byte, lzfMaxChunk)}
}

func (z *lzfReader) Read(p []byte) (int, error) {
	return z.read(p, z)
}

func (z *lzfReader) readErr(off int64, err error, what string, got, want int) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return truncated(z.name, LZF, off, fmt.Sprintf("%s cut after %d of %d bytes", what, got, want))
	}
	return fmt.Errorf("%s: read lzf chunk at offset %d: %w", z.name, off, err)
}

func (z *lzfReader) nextBlock(p []byte) (int, error) {
	off := z.off
	h := z.hdr[:]
	n, err := io.ReadFull(z.r, h[:lzfStoredHdrLen])
	if err == io.EOF {
		return 0, io.EOF
	} else if err != nil {
		return 0, z.readErr(off, err, "chunk header", n, lzfStoredHdrLen)
	}
	if h[0] != 'Z' || h[1] != 'V' || h[2] > 1 {
		return 0, corrupt(z.name, LZF, off, "bad chunk header % x", h[:3])
	}
	hlen, clen := lzfStoredHdrLen, int(binary.BigEndian.Uint16(h[3:]))
	dlen := clen
	if h[2] == 1 {
		hlen = lzfCompressHdrLen
		if n, err := io.ReadFull(z.r, h[lzfStoredHdrLen:]); err != nil {
			return 0, z.readErr(off, err, "chunk header", lzfStoredHdrLen+n, hlen)
		}
		dlen = int(binary.BigEndian.Uint16(h[5:]))
	}
	comp := z.comp[:clen]
	if n, err := io.ReadFull(z.r, comp); err != nil {
		return 0, z.readErr(off, err, "chunk", n, clen)
	}
	z.off += int64(hlen + clen)
	direct := len(p) >= dlen
	dst := z.blk[:dlen]
	if direct {
		dst = p[:dlen]
	}
	if h[2] == 0 {
		copy(dst, comp)
	} else if err := lzfDecode(comp, dst); err != nil {
		return 0, corrupt(z.name, LZF, off, "invalid lzf data: %v", err)
	}
	if direct {
		return dlen, nil
	}
	z.buf = dst
	return 0, nil
}

// lzfDecode decodes raw LZF data (liblzf's format) in into exactly len(out)
// bytes.
func lzfDecode(in, out []byte) error {
	ip, op := 0, 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 32 { // literal run of ctrl+1 bytes
			n := ctrl + 1
			if ip+n > len(in) {
				return fmt.Errorf("literal run past end of input at %d", ip-1)
			}
			if op+n > len(out) {
				return fmt.Errorf("output over %d bytes", len(out))
			}
			copy(out[op:], in[ip:ip+n])
			ip, op = ip+n, op+n
			continue
		}
		n := ctrl >> 5
		if n == 7 {
			if ip >= len(in) {
				return fmt.Errorf("back reference past end of input")
			}
			n += int(in[ip])
			ip++
		}
		n += 2
		if ip >= len(in) {
			return fmt.Errorf("back reference past end of input")
		}
		ref := op - ((ctrl&0x1f)<<8 | int(in[ip])) - 1
		ip++
		if ref < 0 {
			return fmt.Errorf("back reference before start of output at %d", op)
		}
		if op+n > len(out) {
			return fmt.Errorf("output over %d bytes", len(out))
		}
		if op-ref >= n { // no overlap
			copy(out[op:op+n], out[ref:ref+n])
			op += n
			continue
		}
		for ; n > 0; n-- {
			out[op] = out[ref]
			op, ref = op+1, ref+1
		}
	}
	if op != len(out) {
		return fmt.Errorf("decoded %d bytes, header says %d", op, len(out))
	}
	return nil
}

// lzfCompress compresses in as raw LZF data into out and returns its length,
// or 0 when it would not fit in out. A greedy single-probe hash matcher over
// 3-byte prefixes within liblzf's 8 KiB window.
func lzfCompress(in, out []byte, table *[1 << 14]int32) int {
	const (
		maxOff = 1 << 13
		maxLen = 264 // 2 + 7 + 255
	)
	clear(table[:])
	op, lit := 0, 0
	emitLiterals := func(end int) bool {
		for lit < end {
			n := min(end-lit, 32)
			if op+1+n > len(out) {
				return false
			}
			out[op] = byte(n - 1)
			copy(out[op+1:], in[lit:lit+n])
			op, lit = op+1+n, lit+n
		}
		return true
	}
	for ip := 0; ip+2 < len(in); {
		v := uint32(in[ip])<<16 | uint32(in[ip+1])<<8 | uint32(in[ip+2])
		h := (v * 2654435761) >> 18
		ref := int(table[h]) - 1
		table[h] = int32(ip + 1)
		if ref < 0 || ip-ref > maxOff || in[ref] != in[ip] || in[ref+1] != in[ip+1] || in[ref+2] != in[ip+2] {
			ip++
			continue
		}
		n, limit := 3, min(maxLen, len(in)-ip)
		for n < limit && in[ref+n] == in[ip+n] {
			n++
		}
		if !emitLiterals(ip) || op+3 > len(out) {
			return 0
		}
		l, d := n-2, ip-ref-1
		if l < 7 {
			out[op] = byte(l<<5 | d>>8)
			out[op+1] = byte(d)
			op += 2
		} else {
			out[op] = byte(7<<5 | d>>8)
			out[op+1] = byte(l - 7)
			out[op+2] = byte(d)
			op += 3
		}
		ip += n
		lit = ip
	}
	if !emitLiterals(len(in)) {
		return 0
	}
	return op
}

// lzfWriter writes ning's LZFOutputStream chunks as Spark configures it
// (finishBlockOnFlush): one chunk per 65535 bytes or Flush, compressed when
// that saves at least 2 bytes, stored otherwise.
type lzfWriter struct {
	w io.Writer
	blockWriter
	out   []byte
	table [1 << 14]int32
}

func newLZFWriter(w io.Writer) *lzfWriter {
	return &lzfWriter{
		w:           w,
		blockWriter: blockWriter{buf: make([]byte, 0, lzfMaxChunk)},
		out:         make([]byte, lzfCompressHdrLen+lzfMaxChunk),
	}
}

func (z *lzfWriter) Write(p []byte) (int, error) {
	return z.write(p, z)
}

func (z *lzfWriter) writeChunk() error {
	src, out := z.buf, z.out
	if len(src) == 0 {
		return nil
	}
	var chunk []byte
	clen := 0
	if len(src) >= lzfMinCompress {
		// ning keeps a compressed chunk only when compLen < len-2.
		clen = lzfCompress(src, out[lzfCompressHdrLen:lzfCompressHdrLen+len(src)-3], &z.table)
	}
	if clen > 0 {
		out[0], out[1], out[2] = 'Z', 'V', 1
		binary.BigEndian.PutUint16(out[3:], uint16(clen))
		binary.BigEndian.PutUint16(out[5:], uint16(len(src)))
		chunk = out[:lzfCompressHdrLen+clen]
	} else {
		out[0], out[1], out[2] = 'Z', 'V', 0
		binary.BigEndian.PutUint16(out[3:], uint16(len(src)))
		copy(out[lzfStoredHdrLen:], src)
		chunk = out[:lzfStoredHdrLen+len(src)]
	}
	z.buf = z.buf[:0]
	_, err := z.w.Write(chunk)
	return err
}

// Flush writes the pending bytes as a chunk, like LZFOutputStream with
// finishBlockOnFlush.
func (z *lzfWriter) Flush() error { return flushChunk(&z.err, z) }

// Close writes the pending chunk (LZF has no end marker); it does not close
// the underlying writer.
func (z *lzfWriter) Close() error { return closeChunks(&z.err, z) }
