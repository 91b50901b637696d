package codec

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

var errUnexpectedEOF = io.ErrUnexpectedEOF

// bufSize is the read-ahead of the buffered reader under every codec reader:
// large enough that a 32 KiB block costs one read of the source.
const bufSize = 256 << 10

// NewReader returns a reader of the decompressed bytes of r. name is the
// file's name: it picks the codec (FromName) and appears in every error. The
// first bytes of r confirm the codec; when they say another codec (sniff
// table, eventlog-format.md §1.7), the bytes win. The Codec returned is the
// one in use. A name without a codec and binary first bytes of no known
// format give an error wrapping ErrUnknownFormat. An empty r reads as empty.
//
// Read errors: a stream cut inside a block wraps ErrTruncated (after all
// complete blocks were delivered); invalid data is a *CorruptError; an error
// of r itself is wrapped with the name and offset.
func NewReader(r io.Reader, name string) (io.Reader, Codec, error) {
	br := bufio.NewReaderSize(r, bufSize)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, Plain, fmt.Errorf("%s: read first bytes: %w", name, err)
	}
	want := FromName(name)
	if len(head) == 0 {
		return eofReader{}, want, nil
	}
	c, ok := sniff(head, want)
	if !ok {
		n := min(len(head), 8)
		return nil, want, fmt.Errorf("%s: first bytes % x: %w", name, head[:n], ErrUnknownFormat)
	}
	return newCodecReader(br, name, c)
}

func newCodecReader(br *bufio.Reader, name string, c Codec) (io.Reader, Codec, error) {
	switch c {
	case Plain:
		return &plainReader{r: br, name: name}, c, nil
	case LZ4:
		return newLZ4Reader(br, name), c, nil
	case Snappy:
		return newSnappyReader(br, name), c, nil
	case LZF:
		return newLZFReader(br, name), c, nil
	case Zstd:
		zr, err := newZstdReader(br, name)
		return zr, c, err
	case Gzip:
		zr, err := newGzipReader(br, name)
		return zr, c, err
	}
	return nil, c, fmt.Errorf("%s: unsupported codec %q", name, string(c))
}

var magics = []struct {
	c     Codec
	magic []byte
}{
	{LZ4, []byte("LZ4Block")},
	{Snappy, []byte("\x82SNAPPY\x00")},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{LZF, []byte("ZV\x00")},
	{LZF, []byte("ZV\x01")},
	{Gzip, []byte{0x1f, 0x8b}},
}

// sniff picks the codec of a stream from its first bytes (head, which holds
// the whole stream when it is shorter than head), preferring want, the codec
// of the name. ok is false for binary data of no known format.
func sniff(head []byte, want Codec) (c Codec, ok bool) {
	// The name's codec wins when the bytes agree or are a cut-short magic.
	for _, m := range magics {
		if m.c == want && want != Plain && hasMagic(head, m.magic) {
			return want, true
		}
	}
	for _, m := range magics {
		if len(head) >= len(m.magic) && bytes.HasPrefix(head, m.magic) {
			return m.c, true
		}
	}
	if looksPlain(head) {
		return Plain, true
	}
	// A name's codec stands when nothing else is recognisable: its reader
	// reports a bad magic at offset 0 with the name and codec.
	if want != Plain {
		return want, true
	}
	return Plain, false
}

// hasMagic reports whether head starts with magic, or is all of a stream
// shorter than magic that starts like it (a cut-short in-progress file).
func hasMagic(head, magic []byte) bool {
	if len(head) < len(magic) {
		return bytes.HasPrefix(magic, head)
	}
	return bytes.HasPrefix(head, magic)
}

// looksPlain accepts a JSON line start (after a BOM and white space) or, for
// lenience, any text without control characters.
func looksPlain(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return true
	}
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n <= 1 && len(head) >= utf8.UTFMax {
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
		head = head[n:]
	}
	return true
}

// plainReader passes bytes through and names the file in a source error.
type plainReader struct {
	r    *bufio.Reader
	name string
	off  int64
}

func (p *plainReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.off += int64(n)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: read at offset %d: %w", p.name, p.off, err)
	}
	return n, err
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// readFull reads n bytes into buf (grown as needed and returned), growing it
// step by step so that a huge length in a corrupt or cut header allocates
// only as much as the stream really holds. got is the number of bytes read.
func readFull(r io.Reader, buf []byte, n int) (out []byte, got int, err error) {
	if cap(buf) >= n {
		got, err = io.ReadFull(r, buf[:n])
		return buf[:n], got, err
	}
	buf = buf[:cap(buf)]
	for got < n {
		if got == len(buf) {
			size := min(n, max(2*len(buf), 64<<10))
			buf = append(buf[:got], make([]byte, size-got)...)
		}
		var m int
		m, err = io.ReadFull(r, buf[got:min(n, len(buf))])
		got += m
		if err != nil {
			if err == io.EOF && got > 0 {
				err = io.ErrUnexpectedEOF
			}
			return buf, got, err
		}
	}
	return buf[:n], got, nil
}
