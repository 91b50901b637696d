package gen

import (
	"strconv"
	"unicode/utf8"
)

// line builds one JSON event line in a reused buffer. Methods append a
// key (with the comma bookkeeping) and a value; callers open and close
// objects and arrays explicitly. It writes exactly what Jackson writes for
// Spark: no spaces, keys in the order given.
type line struct {
	b     []byte
	first bool // the next key or element is the first of its object or array
}

func (l *line) reset() {
	l.b = l.b[:0]
	l.first = true
}

func (l *line) sep() {
	if !l.first {
		l.b = append(l.b, ',')
	}
	l.first = false
}

// key writes `"k":`; k must not need escaping.
func (l *line) key(k string) {
	l.sep()
	l.b = append(l.b, '"')
	l.b = append(l.b, k...)
	l.b = append(l.b, '"', ':')
}

func (l *line) open(c byte) {
	l.b = append(l.b, c)
	l.first = true
}

func (l *line) close(c byte) {
	l.b = append(l.b, c)
	l.first = false
}

// obj opens an object under key k.
func (l *line) obj(k string) { l.key(k); l.open('{') }

// arr opens an array under key k.
func (l *line) arr(k string) { l.key(k); l.open('[') }

func (l *line) str(k, v string) {
	l.key(k)
	l.b = appendStr(l.b, v)
}

func (l *line) int(k string, v int64) {
	l.key(k)
	l.b = strconv.AppendInt(l.b, v, 10)
}

func (l *line) bool(k string, v bool) {
	l.key(k)
	l.b = strconv.AppendBool(l.b, v)
}

// numStr writes v as a JSON string, as Spark writes SQL metric values.
func (l *line) numStr(k string, v int64) {
	l.key(k)
	l.b = append(l.b, '"')
	l.b = strconv.AppendInt(l.b, v, 10)
	l.b = append(l.b, '"')
}

// elemInt and elemStr append an array element.
func (l *line) elemInt(v int64) {
	l.sep()
	l.b = strconv.AppendInt(l.b, v, 10)
}

func (l *line) elemStr(v string) {
	l.sep()
	l.b = appendStr(l.b, v)
}

// elemOpen opens an object or array as an array element.
func (l *line) elemOpen(c byte) {
	l.sep()
	l.open(c)
}

// strMap writes an object of string pairs under key k.
func (l *line) strMap(k string, kv []kv) {
	l.obj(k)
	for _, p := range kv {
		l.key2(p.k)
		l.b = appendStr(l.b, p.v)
	}
	l.close('}')
}

// key2 writes a key that may need escaping.
func (l *line) key2(k string) {
	l.sep()
	l.b = appendStr(l.b, k)
	l.b = append(l.b, ':')
}

type kv struct{ k, v string }

const hexDigits = "0123456789abcdef"

// appendStr appends s as a JSON string with Jackson's escapes.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
