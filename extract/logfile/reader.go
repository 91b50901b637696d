package logfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// OpenFunc opens an object for reading, as store.Store.Open does for a
// whole object. It should honour ctx.
type OpenFunc func(ctx context.Context, key string) (io.ReadCloser, error)

// DefaultMaxLineSize is the longest line a Reader returns unless told
// otherwise. Spark lines with SQL plans reach tens of megabytes.
const DefaultMaxLineSize = 512 << 20

const lineBufSize = 1 << 20

var utf8BOM = []byte("\xEF\xBB\xBF")

// Reader returns the lines of a log, part after part. It is not safe for
// concurrent use.
type Reader struct {
	ctx     context.Context
	log     Log
	open    OpenFunc
	next    int // index in log.Parts of the next part to open
	part    *partStream
	br      *bufio.Reader // reused across plain-by-codec parts
	buf     []byte        // a line longer than the bufio buffer
	maxLine int
	maxOut  int64 // decompressed bytes allowed (0: no bound)

	file     string
	line     int64
	err      error // sticky: io.EOF, ErrClosed or a *PartError
	endState       // what the last delivered bytes looked like
	bytesIn  int64
	bytesOut int64
}

// endState tracks how the stream ended, for Truncated and Cut.
type endState struct {
	truncated  bool  // a codec stream was cut
	cut        Cut   // where and how, once truncated
	partOut    int64 // decompressed bytes of the current part delivered
	delivered  bool  // any byte was delivered
	endedNL    bool  // the last byte delivered was '\n'
	lastBrace  bool  // the last non-blank line ended with '}'
	sawNonBlnk bool
}

// partStream is one open part.
type partStream struct {
	key  string
	last bool
	raw  io.ReadCloser
	src  *sourceReader
	dec  io.Reader
	br   *bufio.Reader
	end  error // why the part ended, once it has; handled by the next Next
}

// Open returns a Reader of l's lines. Nothing is opened until the first
// call to Next; each part is opened when the one before it is done, and
// decoded as its own stream by codec.NewReader, which picks the codec from
// the part's name and first bytes.
func Open(ctx context.Context, l Log, open OpenFunc) *Reader {
	return &Reader{ctx: ctx, log: l, open: open, maxLine: DefaultMaxLineSize}
}

// SetMaxLineSize sets the longest line Next returns; a longer one is an
// error wrapping ErrLineTooLong. Call it before the first Next.
func (r *Reader) SetMaxLineSize(n int) { r.maxLine = n }

// SetMaxBytes bounds the decompressed bytes of the whole log; past them
// Next fails with an error wrapping ErrTooLarge (a decompression bomb of
// short lines). Call it before the first Next.
func (r *Reader) SetMaxBytes(n int64) { r.maxOut = n }

// Next returns the next line without its trailing "\n" or "\r\n" (and
// without a UTF-8 byte-order mark on a part's first line). The slice is
// valid until the next call. A final line without a newline is returned as
// it is: the caller decides what to make of it.
//
// At the end of the log Next returns io.EOF. A last part whose codec stream
// stops mid-block (the tail of an in-progress log) ends the log normally,
// after the data decoded so far, with Truncated reporting true. Any other
// failure, including a cut stream in a part that is not the last, is a
// *PartError naming the part; Next then keeps returning it.
func (r *Reader) Next() ([]byte, error) {
	for r.err == nil {
		switch {
		case r.part == nil:
			r.openNext()
		case r.part.end != nil:
			r.endPart()
		default:
			line, err := r.readLine()
			if r.maxOut > 0 && r.bytesOut+int64(len(line)) > r.maxOut {
				line, err = nil, fmt.Errorf("line %d: %w: over %d bytes decompressed", r.line+1, ErrTooLarge, r.maxOut)
			}
			if err != nil {
				r.part.end = err
			}
			if len(line) > 0 && r.deliverable(err) {
				return r.deliver(line), nil
			}
		}
	}
	return nil, r.err
}

// deliverable reports whether data read with err belongs to the log: all
// of it at the end of a part, the decoded part of a cut stream, nothing
// of a corrupt one.
func (r *Reader) deliverable(err error) bool {
	return err == nil || err == io.EOF || r.isTruncation(err)
}

func (r *Reader) isTruncation(err error) bool {
	return errors.Is(err, codec.ErrTruncated) && r.part.src.err == nil
}

// openNext opens the next part, or ends the log when there is none.
func (r *Reader) openNext() {
	if r.next >= len(r.log.Parts) {
		r.finish()
		return
	}
	p := r.log.Parts[r.next]
	r.next++
	r.file, r.line, r.partOut = p.Key, 0, 0
	if err := r.ctx.Err(); err != nil {
		r.err = &PartError{Op: "open", Key: p.Key, Err: err}
		return
	}
	rc, err := r.open(r.ctx, p.Key)
	if err != nil {
		r.err = &PartError{Op: "open", Key: p.Key, Err: err}
		return
	}
	ps := &partStream{key: p.Key, last: r.next == len(r.log.Parts), raw: rc}
	ps.src = &sourceReader{ctx: r.ctx, r: rc, n: &r.bytesIn}
	r.part = ps
	ps.dec, _, err = codec.NewReader(ps.src, p.Key)
	if err != nil {
		ps.end = err
		return
	}
	ps.br = r.bufferFor(ps.dec)
}

// bufferFor returns a buffered reader of dec, dec itself when it is one.
func (r *Reader) bufferFor(dec io.Reader) *bufio.Reader {
	if br, ok := dec.(*bufio.Reader); ok && br.Size() >= lineBufSize {
		return br
	}
	if r.br == nil {
		r.br = bufio.NewReaderSize(dec, lineBufSize)
	} else {
		r.br.Reset(dec)
	}
	return r.br
}

// endPart closes the current part and decides, from why it ended, whether
// the log goes on.
func (r *Reader) endPart() {
	ps := r.part
	r.part = nil
	closePart(ps)
	switch err := ps.end; {
	case err == io.EOF:
	case errors.Is(err, codec.ErrTruncated) && ps.src.err == nil && ps.last:
		r.truncated = true
		r.cut = Cut{Part: ps.key, Line: r.line, Offset: r.partOut, Reason: "cut mid-block: " + err.Error()}
		r.finish()
	default:
		if ps.src.err != nil && !errors.Is(err, ps.src.err) {
			err = fmt.Errorf("%w (decoder: %w)", ps.src.err, err)
		}
		r.err = &PartError{Op: "read", Key: ps.key, Line: r.line, Err: err}
	}
}

// finish ends the log.
func (r *Reader) finish() {
	e := &r.endState
	// A missing final newline alone is no cut: Spark's own test logs
	// (local-1430917381535_1) end "}" without one, and the History Server
	// lists them as completed.
	if e.sawNonBlnk && !e.lastBrace && !e.truncated {
		e.truncated = true
		e.cut = Cut{Part: r.file, Line: r.line, Offset: e.partOut, Reason: "cut mid-line: the last line does not end with '}'"}
	}
	r.err = io.EOF
}

// readLine reads up to and including the next '\n', growing r.buf for
// lines longer than the buffer.
func (r *Reader) readLine() ([]byte, error) {
	if r.part.br == nil {
		return nil, r.part.end
	}
	r.buf = r.buf[:0]
	for {
		s, err := r.part.br.ReadSlice('\n')
		if err != bufio.ErrBufferFull {
			if len(r.buf) == 0 {
				return s, err
			}
			r.buf = append(r.buf, s...)
			return r.buf, err
		}
		r.buf = append(r.buf, s...)
		if len(r.buf) > r.maxLine {
			return nil, fmt.Errorf("line %d: %w: over %d bytes", r.line+1, ErrLineTooLong, r.maxLine)
		}
	}
}

// deliver accounts for a line and strips its terminator and BOM.
func (r *Reader) deliver(line []byte) []byte {
	r.line++
	r.bytesOut += int64(len(line))
	r.partOut += int64(len(line))
	r.delivered = true
	r.endedNL = line[len(line)-1] == '\n'
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if r.line == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	if t := bytes.TrimRight(line, " \t\r"); len(t) > 0 {
		r.sawNonBlnk = true
		r.lastBrace = t[len(t)-1] == '}'
	}
	return line
}

// File returns the key of the part the last line came from.
func (r *Reader) File() string { return r.file }

// Line returns the 1-based number of the last line within its part.
func (r *Reader) Line() int64 { return r.line }

// Truncated reports, once Next has returned io.EOF, whether the log looks
// cut short: a codec stream of the last part stopped mid-block or
// mid-header, or the last non-blank line does not end with '}' (every line
// Spark writes is a JSON object, so such a line was cut, even when a
// newline follows it; a last line ending in '}' without a newline is whole). A log whose lines
// are all whole but that lacks SparkListenerApplicationEnd is not
// truncated here: that is for the event decoder to see.
func (r *Reader) Truncated() bool { return r.truncated }

// Cut says, when Truncated, where the log was cut and how.
func (r *Reader) Cut() Cut { return r.cut }

// Cut is where a log's stream ends early: its part, the lines of the part
// delivered, the part's decompressed bytes delivered, and how it ends.
type Cut struct {
	Part   string
	Line   int64
	Offset int64
	Reason string
}

func (c Cut) String() string {
	return fmt.Sprintf("%s: after line %d (byte %d): %s", c.Part, c.Line, c.Offset, c.Reason)
}

// BytesIn returns the bytes read from the store so far (compressed).
func (r *Reader) BytesIn() int64 { return r.bytesIn }

// BytesOut returns the decompressed bytes delivered so far, terminators
// included.
func (r *Reader) BytesOut() int64 { return r.bytesOut }

// Close closes the part being read. Next returns ErrClosed afterwards.
func (r *Reader) Close() error {
	var err error
	if r.part != nil {
		err = closePart(r.part)
		r.part = nil
	}
	r.err = ErrClosed
	return err
}

// closePart closes a part's decoder, when it has a Close, and the object.
func closePart(ps *partStream) error {
	var errDec error
	switch c := ps.dec.(type) {
	case io.Closer:
		errDec = c.Close()
	case interface{ Close() }:
		c.Close()
	}
	return errors.Join(errDec, ps.raw.Close())
}

// sourceReader counts the bytes read from the store, remembers the store's
// own error, and stops when ctx is cancelled.
type sourceReader struct {
	ctx context.Context
	r   io.Reader
	n   *int64
	err error // the first error other than io.EOF
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	n, err := s.r.Read(p)
	*s.n += int64(n)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}
