package extract

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// A validating JSON scanner for the fast path (fastpath.go). Every function
// takes the line and an index and returns the index just past what it read,
// or -1 when the bytes there are not strict RFC 8259 JSON. It checks the
// whole grammar of every value it skips (structure, string escapes, control
// characters, number syntax, literals), so a line the fast path accepts is
// a line fastjson accepts too; anything it rejects goes to the fastjson
// path, which decides whether the line is malformed. UTF-8 is not checked,
// as fastjson does not check it either. Nothing is skipped unchecked: the
// Accumulables memo (accum_memo.go) takes only bytes equal to ones it
// checked before at the same depth but for the digits of values written as
// digits alone.

// maxScanDepth bounds nesting; deeper values go to the fastjson path.
const maxScanDepth = 64

const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// stringStop has the bits of the first byte of x that is a quote, a
// backslash or a control character set at or below the highest one (SWAR:
// only the lowest flagged byte is exact, which is all the caller uses).
// Quotes and control characters are one test: with bit 1 flipped, the
// quote (0x22) becomes 0x20 and control characters stay below 0x20, while
// no other byte lands below 0x21.
func stringStop(x uint64) uint64 {
	y := x ^ (swarOnes * 0x02)
	s := x ^ (swarOnes * '\\')
	return ((y-swarOnes*0x21)&^y | (s-swarOnes)&^s) & swarHigh
}

// skipWS skips JSON whitespace.
func skipWS(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// strPlain marks the bytes a string holds as they are: not a quote, a
// backslash or a control character.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString reads a string whose opening quote is at i-1 and returns the
// index past its closing quote, and whether it holds an escape. It looks
// at eight bytes per step (SWAR) up to the last eight of b, then byte by
// byte. Bytes >= 0x80 are taken as they are: like fastjson, the scanner
// does not check UTF-8.
func scanString(b []byte, i int) (int, bool) {
	esc := false
	for {
		if i < 0 || i > len(b) {
			return -1, false
		}
		s := b[i:]
		for len(s) >= 8 {
			if m := stringStop(binary.LittleEndian.Uint64(s)); m != 0 {
				s = s[bits.TrailingZeros64(m)>>3:]
				goto stop
			}
			s = s[8:]
		}
		for len(s) > 0 && strPlain[s[0]] {
			s = s[1:]
		}
		if len(s) == 0 {
			return -1, false
		}
	stop:
		i = len(b) - len(s)
		switch s[0] {
		case '"':
			return i + 1, esc
		case '\\':
			esc = true
			if i = skipEscape(b, i+1); i < 0 {
				return -1, false
			}
		default: // a control character
			return -1, false
		}
	}
}

// scanKey is scanString for a member name.
func scanKey(b []byte, i int) (int, bool) {
	return scanString(b, i)
}

// skipEscape checks the escape whose backslash is at i-1.
func skipEscape(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 1
	case 'u':
		if i+5 > len(b) {
			return -1
		}
		for _, c := range b[i+1 : i+5] {
			if hexVal[c] < 0 {
				return -1
			}
		}
		return i + 5
	}
	return -1
}

var hexVal = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = int8(c-'a'+10), int8(c-'a'+10)
	}
	return t
}()

// skipNumber checks -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at i.
func skipNumber(b []byte, i int) int {
	// Most numbers are short non-negative integers: one word.
	if i >= 0 && i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		if n := bits.TrailingZeros64(nonDigits(x)) >> 3; n > 0 && n < 8 && (n == 1 || b[i] != '0') {
			if c := byte(x >> (8 * n)); c != '.' && c|0x20 != 'e' {
				return i + n
			}
		}
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if i = skipDigits(b, i+1); b[i-1] == '.' {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// scanInt reads a plain integer (no fraction or exponent, at most 18
// digits: exactly what fastjson's ParseInt64 reads the same way) at i.
// ok is false for any other number, which the caller hands to fastjson.
func scanInt(b []byte, i int) (n int64, next int, ok bool) {
	if i >= 0 && i+1 < len(b) && b[i] == '0' && (b[i+1] == ',' || b[i+1] == '}') {
		return 0, i + 1, true // the most common value
	}
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	// Up to 15 digits followed by a byte that is not '.', 'e', 'E' (and
	// 8 more bytes in b): two words, parsed eight digits at a time.
	if i >= 0 && i+16 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		k := bits.TrailingZeros64(nonDigits(x)) >> 3
		var v uint64
		switch {
		case k == 0:
			return 0, -1, false
		case k == 1:
			v = x & 0x0f
		case k < 8:
			v = parseDigits(x, k)
		default:
			y := binary.LittleEndian.Uint64(b[i+8:])
			k2 := bits.TrailingZeros64(nonDigits(y)) >> 3
			if k2 == 8 {
				goto slow
			}
			v = parseDigits(x, 8)*pow10[k2] + parseDigits(y, k2)
			k += k2
		}
		if k > 1 && b[i] == '0' {
			return 0, -1, false
		}
		if c := b[i+k]; c == '.' || c|0x20 == 'e' {
			return 0, -1, false
		}
		n = int64(v)
		if neg {
			n = -n
		}
		return n, i + k, true
	}
slow:
	start := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int64(b[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || digits > 1 && b[start] == '0' {
		return 0, -1, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, -1, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}

// nonDigits is x with every byte that is an ASCII digit (0x30-0x39) zeroed
// and every other byte non-zero: digits have high nibble 3 and a low nibble
// that stays below 0x10 when 6 is added. No byte carries into the next, so
// every byte is exact (unlike stringStop's).
func nonDigits(x uint64) uint64 {
	const lo, hi = swarOnes * 0x0f, swarOnes * 0xf0
	return (x&hi ^ swarOnes*0x30) | ((x&lo)+swarOnes*0x06)&hi
}

// parseDigits returns the value of the k (1-8) ASCII digits in the low
// bytes of x, first digit lowest: the digits are moved to the top, below
// them zero bytes act as leading zeros, and pairs, quads and octets are
// combined by three multiplications.
func parseDigits(x uint64, k int) uint64 {
	x = (x & (swarOnes * 0x0f)) << (8 * (8 - k))
	x = (x * (10<<8 + 1)) >> 8
	x = ((x & 0x00ff00ff00ff00ff) * (100<<16 + 1)) >> 16
	return ((x & 0x0000ffff0000ffff) * (10000<<32 + 1)) >> 32
}

var pow10 = [9]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// skipLiteral checks the literal lit at i.
func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// skipValue checks the value at i (no leading whitespace).
func skipValue(b []byte, i, depth int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		i, _ = scanString(b, i+1)
		return i
	case c == '{':
		return skipObject(b, i+1, depth+1)
	case c == '[':
		return skipArray(b, i+1, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(b, i)
	}
	return -1
}

// ws skips whitespace, calling skipWS only when there is some (Spark
// writes none).
func ws(b []byte, i int) int {
	if i < len(b) && b[i] <= ' ' {
		return skipWS(b, i)
	}
	return i
}

// skipObject checks an object whose '{' is at i-1.
func skipObject(b []byte, i, depth int) int {
	if depth > maxScanDepth {
		return -1
	}
	if i = ws(b, i); i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return -1
		}
		if i, _ = scanKey(b, i+1); i < 0 {
			return -1
		}
		if i = ws(b, i); i >= len(b) || b[i] != ':' {
			return -1
		}
		if i = skipValue(b, ws(b, i+1), depth); i < 0 {
			return -1
		}
		if i = ws(b, i); i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case '}':
			return i + 1
		default:
			return -1
		}
	}
}

// skipArray checks an array whose '[' is at i-1.
func skipArray(b []byte, i, depth int) int {
	if depth > maxScanDepth {
		return -1
	}
	if i = ws(b, i); i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		var end bool
		if i, end = afterElement(b, skipValue(b, i, depth)); i < 0 || end {
			return i
		}
	}
}

// afterElement reads what follows an array element that ends at i (-1: an
// element not read): the index of the next element after a ',', or the
// index past the array after its ']' and true; -1 for anything else.
func afterElement(b []byte, i int) (int, bool) {
	if i < 0 {
		return -1, false
	}
	if i = ws(b, i); i < len(b) {
		switch b[i] {
		case ',':
			return ws(b, i+1), false
		case ']':
			return i + 1, true
		}
	}
	return -1, false
}

// objIter walks the members of an object:
//
//	var it objIter
//	it.init(b, i) // i just past '{'; it.ord = o to predict keys
//	for it.next() { // or it.predict() || it.next(), see predict
//		// it.key is the raw key (it.keyEsc says it has escapes), it.m its
//		// member number when it.ord is set (predict sets only it.m);
//		// read the value at it.i and set it.i past it (or to -1).
//	}
//	i = it.end() // past '}', or -1 if the object was malformed
type objIter struct {
	b      []byte
	i      int
	key    []byte
	keyEsc bool
	first  bool
	m      int          // it.ord.lookup(it.key), when ord is set
	ord    *memberOrder // the members as Spark writes them, or nil
	pos    int          // the member of ord expected next
}

// memberOrder lists the members of an object in the order Spark writes
// them. objIter then compares the bytes at each member with the expected
// `"key":` instead of scanning the key and looking it up: a match reads
// the same key (a whole string without escapes, then the colon); a
// mismatch (a member added, missing or moved, escapes, whitespace) reads
// the key the generic way and resynchronises.
type memberOrder struct {
	pats   []string // `"key":`
	lead   []string // `,"key":`
	ids    []int    // lookup(key)
	names  [][]byte // the keys
	lookup func([]byte) int
	zeros  string // {"key":0,...} with every member, in order
}

func newOrder(lookup func([]byte) int, keys ...string) *memberOrder {
	o := &memberOrder{lookup: lookup}
	for _, k := range keys {
		o.pats = append(o.pats, `"`+k+`":`)
		o.lead = append(o.lead, `,"`+k+`":`)
		o.ids = append(o.ids, lookup([]byte(k)))
		o.names = append(o.names, []byte(k))
	}
	o.zeros = "{" + strings.Join(o.pats, "0,") + "0}"
	return o
}

func (it *objIter) init(b []byte, i int) {
	if i >= 0 {
		i = ws(b, i)
	}
	*it = objIter{b: b, i: i, first: true}
}

// next moves to the next member's value; false at the end or on an error.
func (it *objIter) next() bool {
	b, i := it.b, it.i
	if i < 0 || i >= len(b) {
		it.i = -1
		return false
	}
	if !it.first {
		if i = ws(b, i); i >= len(b) {
			it.i = -1
			return false
		}
		if b[i] == '}' {
			return false
		}
		if b[i] != ',' {
			it.i = -1
			return false
		}
		i = ws(b, i+1)
	} else if b[i] == '}' {
		it.first = false
		return false
	}
	it.first = false
	if o := it.ord; o != nil && it.pos < len(o.pats) {
		if p := o.pats[it.pos]; len(b)-i >= len(p) && string(b[i:i+len(p)]) == p {
			it.key, it.keyEsc, it.m = b[i+1:i+len(p)-2], false, o.ids[it.pos]
			it.pos++
			it.i = ws(b, i+len(p))
			return true
		}
	}
	return it.member(i)
}

// predict moves to the value of the member Spark writes next when it
// stands at it.i as Spark writes it (`"key":` first, else `,"key":`); else
// it moves nothing. It sets it.m, not it.key (nor it.keyEsc: a key with
// escapes ends every decoder). The decoders range over an object's members, in
// Spark's order or not, with
//
//	for it.predict() || it.next() { … }
//
// where predict, small enough to be inlined, reads the common case
// cheaper than next (which reads the first member and every other).
func (it *objIter) predict() bool {
	if it.i < 0 || it.pos >= len(it.ord.lead) {
		return false
	}
	p, b := it.ord.lead[it.pos], it.b[it.i:]
	if it.first {
		p = p[1:]
	}
	if string(b[:min(len(b), len(p))]) != p {
		return false
	}
	it.m = it.ord.ids[it.pos]
	it.pos++
	it.i += len(p)
	it.first = false
	return true
}

// member reads `"key" :` at i.
func (it *objIter) member(i int) bool {
	b := it.b
	if i >= len(b) || b[i] != '"' {
		it.i = -1
		return false
	}
	j, esc := scanKey(b, i+1)
	if j < 0 {
		it.i = -1
		return false
	}
	it.key, it.keyEsc = b[i+1:j-1], esc
	if j < len(b) && b[j] == ':' {
		j++
	} else if j = skipWS(b, j); j >= len(b) || b[j] != ':' {
		it.i = -1
		return false
	} else {
		j++
	}
	it.i = ws(b, j)
	if o := it.ord; o != nil {
		it.m = o.lookup(it.key)
		for k, p := range o.pats {
			if len(p) == len(it.key)+3 && p[1:len(p)-2] == string(it.key) {
				it.pos = k + 1
				break
			}
		}
	}
	return true
}

// end returns the index past the object's '}', or -1.
func (it *objIter) end() int {
	if it.i < 0 {
		return -1
	}
	if i := ws(it.b, it.i); i < len(it.b) && it.b[i] == '}' {
		return i + 1
	}
	return -1
}
