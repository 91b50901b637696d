package codec

// blockDecoder decodes the next block of a block-framed stream (lz4,
// snappy, lzf): straight into p when the block fits, returning n > 0, or
// into the blockReader's buf for later reads.
type blockDecoder interface {
	nextBlock(p []byte) (int, error)
}

// blockReader is the io.Reader loop the block-framed readers share.
type blockReader struct {
	buf []byte // the decoded block; its unread part is buf[pos:]
	pos int
	err error // sticky: the error after the last block
}

func (b *blockReader) read(p []byte, d blockDecoder) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for b.pos == len(b.buf) {
		if b.err != nil {
			return 0, b.err
		}
		b.buf, b.pos = nil, 0
		var n int
		n, b.err = d.nextBlock(p)
		if n > 0 {
			return n, nil
		}
	}
	n := copy(p, b.buf[b.pos:])
	b.pos += n
	return n, nil
}

// chunker writes the pending bytes of a block-framed writer (lz4, snappy,
// lzf) as one block or chunk, and empties them.
type chunker interface {
	writeChunk() error
}

// blockWriter is the io.Writer loop the block-framed writers share: it
// collects bytes into buf, whose capacity is the block size, and has each
// full block written.
type blockWriter struct {
	buf []byte // the pending bytes
	err error  // sticky
}

func (b *blockWriter) write(p []byte, c chunker) (int, error) {
	n := 0
	for len(p) > 0 && b.err == nil {
		k := copy(b.buf[len(b.buf):cap(b.buf)], p)
		b.buf = b.buf[:len(b.buf)+k]
		p, n = p[k:], n+k
		if len(b.buf) == cap(b.buf) {
			b.err = c.writeChunk()
		}
	}
	return n, b.err
}

// flushChunk cuts a chunk of the pending bytes, as the Java streams do on
// flush. err is the writer's sticky error.
func flushChunk(err *error, c chunker) error {
	if *err == nil {
		*err = c.writeChunk()
	}
	return nilIfClosed(*err)
}

// closeChunks writes the pending chunk (these framings have no end marker)
// and marks the writer closed; it does not close the underlying writer.
func closeChunks(err *error, c chunker) error {
	if *err != nil {
		return nilIfClosed(*err)
	}
	if *err = c.writeChunk(); *err == nil {
		*err = errClosed
	}
	return nilIfClosed(*err)
}
