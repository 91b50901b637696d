package extract

import (
	"encoding/binary"
	"math/bits"
)

// The Accumulables memo. The tasks of a stage list the same accumulators in
// the same order, and their elements differ from the previous task's mostly
// in the digits of Update and Value:
//
//	{"ID":6075,"Name":"time taken to compress data","Update":"12957","Value":"12957",…}
//
// (Photon writes ~225 of them per task, 90 % of a TaskEnd line). The memo
// keeps the last few arrays it checked as shapes: their bytes with the
// digits of each such value cut out (holes). An array equal to a shape but
// for other digits in its holes is checked by comparing the bytes between
// the holes, a few long comparisons per task instead of a parse per element.
//
// Why that is a check: a shape's bytes were checked as valid JSON at the
// same depth; a hole held the whole of a number written as digits alone or
// the whole content of a string of digits; the new bytes equal the shape's
// outside the holes and hold one or more digits in each (and no leading
// zero in a number), so they are valid JSON of the same structure. Where
// they differ otherwise, the element there is checked as skipAccum and
// skipValue check it, and matching resumes at the next element against any
// shape (tasks of two kinds, or of two stages running at once, alternate).

// memoShapes is how many shapes a memo keeps.
const memoShapes = 4

// accumMemo remembers the shapes of the last Accumulables arrays checked at
// one depth, most recent first.
type accumMemo struct {
	depth  int
	ring   []*shape
	spare  *shape  // a shape's storage to build the next one in
	pieces []piece // how the array being checked was matched
	fresh  runs    // the holes of its elements checked anew, in b
}

// shape is a checked array from its first element through its ']', with
// the digits of its holes cut out.
type shape struct {
	lits  []byte
	holes []hole
	elems []elemAt // element k starts at elems[k]; one more: the end
}

// hole is where digits were cut out of a shape's lits: before lits[at],
// inside a string or not, in element elem.
type hole struct {
	at, elem int32
	str      bool
}

// elemAt is where an element starts in its shape's lits, and the index of
// its first hole.
type elemAt struct{ lit, hole int32 }

// piece is a run of the array's elements: elements [from, to) of a shape,
// or (s == nil) bytes [from, to) of the array checked anew.
type piece struct {
	s        *shape
	from, to int
}

// runs collects the digit runs found in checked bytes.
type runs []digitRun

// digitRun is a run of digits in b: its start, length and whether inside
// a string.
type digitRun struct {
	at, n int
	str   bool
}

// skipDigitsValue checks the value at i like skipScalar and adds it to rs
// when it is digits alone: a number such as 20348 or a string such as
// "20348".
func skipDigitsValue(b []byte, i, depth int, rs *runs) int {
	j := skipScalar(b, i, depth)
	if rs == nil || j < 0 {
		return j
	}
	from, to, str := i, j, false
	if b[i] == '"' {
		from, to, str = i+1, j-1, true
	}
	if to > from && digitsEnd(b, from) == to {
		*rs = append(*rs, digitRun{from, to - from, str})
	}
	return j
}

// digitsEnd is the index of the first non-digit at or after i, eight
// bytes per step (nonDigits) while eight remain.
func digitsEnd(b []byte, i int) int {
	for i >= 0 && len(b)-i >= 8 {
		if z := nonDigits(binary.LittleEndian.Uint64(b[i:])); z != 0 {
			return i + bits.TrailingZeros64(z)>>3
		}
		i += 8
	}
	for i < len(b) && b[i]-'0' <= 9 {
		i++
	}
	return i
}

// skip checks the elements of an array from its first at i through its
// ']', the array's at depth, and returns the index past it, or -1.
func (m *accumMemo) skip(b []byte, i, depth int) int {
	if m.depth != depth {
		m.depth, m.ring = depth, m.ring[:0]
	}
	m.pieces = m.pieces[:0]
	m.fresh = m.fresh[:0]
	for k, s := 0, i; ; {
		end, k2, s2 := m.resume(b, s, k)
		if end >= 0 {
			m.remember(b)
			return end
		}
		if k2 > k {
			s, k = s2, k2
			continue
		}
		t, last := afterElement(b, skipFreshElement(b, s, depth, &m.fresh))
		if t < 0 {
			return -1
		}
		m.pieces = append(m.pieces, piece{nil, s, t})
		if last {
			m.remember(b)
			return t
		}
		s, k = t, k+1
	}
}

// skipFreshElement checks the element at i with skipElement, adding its
// digit runs to rs only when it is read as Spark writes an element.
func skipFreshElement(b []byte, i, depth int, rs *runs) int {
	n := len(*rs)
	j, spark := skipElement(b, i, depth, rs)
	if !spark {
		*rs = (*rs)[:n]
	}
	return j
}

// resume matches the array's elements from its k-th, at s, against the
// shapes' elements from their k-th, the most recent shape first. It
// returns the index past the array's ']' when a shape matches to its end;
// else -1 and, when a shape matched some elements, the index of the first
// it did not match and where that starts (else k and s).
func (m *accumMemo) resume(b []byte, s, k int) (int, int, int) {
	for _, sh := range m.ring {
		if k >= len(sh.elems)-1 {
			continue
		}
		end, f, fs := sh.match(b, s, k)
		if end >= 0 {
			m.pieces = append(m.pieces, piece{sh, k, len(sh.elems) - 1})
			return end, 0, 0
		}
		if f > k {
			m.pieces = append(m.pieces, piece{sh, k, f})
			return -1, f, fs
		}
	}
	return -1, k, s
}

// match compares b from s with the shape from its element k through its
// end. It returns the index past the match, or -1 and the first element
// that did not match and where it starts in b.
func (sh *shape) match(b []byte, s, k int) (int, int, int) {
	pp, j := int(sh.elems[k].lit), s
	cur, curB := k, s // the element holding lits[pp], and its start in b
	for _, h := range sh.holes[sh.elems[k].hole:] {
		lit := sh.lits[pp:h.at]
		if len(b)-j < len(lit) || string(b[j:j+len(lit)]) != string(lit) {
			f, fs := sh.failedAt(b, pp, j, cur, curB, int(h.elem))
			return -1, f, fs
		}
		if int(h.elem) != cur {
			cur, curB = int(h.elem), j+int(sh.elems[h.elem].lit)-pp
		}
		j += len(lit)
		d := digitsEnd(b, j)
		if d == j || !h.str && d-j > 1 && b[j] == '0' {
			return -1, cur, curB
		}
		j, pp = d, int(h.at)
	}
	lit := sh.lits[pp:]
	if len(b)-j < len(lit) || string(b[j:j+len(lit)]) != string(lit) {
		f, fs := sh.failedAt(b, pp, j, cur, curB, len(sh.elems)-2)
		return -1, f, fs
	}
	return j + len(lit), 0, 0
}

// failedAt finds, when lits[pp:…] (at j in b) did not match, the element
// among cur..last that holds the first byte that differs, and where it
// starts in b. A difference at an element's first byte is taken as its
// predecessor's (the separator before it may be longer in b).
func (sh *shape) failedAt(b []byte, pp, j, cur, curB, last int) (int, int) {
	q := pp + commonPrefix(sh.lits[pp:], b[j:])
	f := cur
	for lo, hi := cur+1, last; lo <= hi; { // the last element starting before q
		mid := (lo + hi) / 2
		if int(sh.elems[mid].lit) < q {
			f, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if f == cur {
		return f, curB
	}
	return f, j + int(sh.elems[f].lit) - pp
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// remember makes the array just checked, b's, the most recent shape. One
// matched whole from its first element is that shape already; one matched
// by an earlier shape up to element f and by another from there is that
// other when their first f elements are alike; else the array's shape is
// built from its pieces.
func (m *accumMemo) remember(b []byte) {
	if p := m.pieces; len(p) == 1 && p[0].s != nil && p[0].from == 0 {
		m.toFront(p[0].s)
		return
	}
	if p := m.pieces; len(p) == 2 && p[0].s != nil && p[1].s != nil && p[0].from == 0 &&
		p[1].to == len(p[1].s.elems)-1 && samePrefix(p[0].s, p[1].s, p[0].to) {
		m.toFront(p[1].s)
		return
	}
	sh := m.spare
	if sh == nil {
		sh = &shape{}
	}
	m.spare = nil
	sh.build(b, m.pieces, m.fresh)
	if len(m.ring) == memoShapes {
		m.spare = m.ring[memoShapes-1]
		m.ring = m.ring[:memoShapes-1]
	}
	m.ring = append(m.ring, nil)
	copy(m.ring[1:], m.ring)
	m.ring[0] = sh
}

// toFront moves sh, a shape of the ring, to its front.
func (m *accumMemo) toFront(sh *shape) {
	for i, r := range m.ring {
		if r == sh {
			copy(m.ring[1:i+1], m.ring[:i])
			m.ring[0] = sh
			return
		}
	}
}

// samePrefix reports whether shapes a and b have the same first f
// elements.
func samePrefix(a, b *shape, f int) bool {
	if len(a.elems) <= f || len(b.elems) <= f {
		return false
	}
	ea, eb := a.elems[f], b.elems[f]
	if ea != eb || string(a.lits[:ea.lit]) != string(b.lits[:eb.lit]) {
		return false
	}
	for i := range int(ea.hole) {
		if a.holes[i] != b.holes[i] {
			return false
		}
	}
	for i := range f {
		if a.elems[i] != b.elems[i] {
			return false
		}
	}
	return true
}

// build makes sh the shape of array b matched as pieces, fresh holding the
// holes of its pieces checked anew.
func (sh *shape) build(b []byte, pieces []piece, fresh runs) {
	sh.lits, sh.holes, sh.elems = sh.lits[:0], sh.holes[:0], sh.elems[:0]
	r := 0 // the next of fresh's runs
	for _, p := range pieces {
		if p.s != nil {
			sh.appendShape(p.s, p.from, p.to)
			continue
		}
		sh.elems = append(sh.elems, elemAt{int32(len(sh.lits)), int32(len(sh.holes))})
		from := p.from
		for ; r < len(fresh) && fresh[r].at < p.to; r++ {
			sh.lits = append(sh.lits, b[from:fresh[r].at]...)
			sh.holes = append(sh.holes, hole{int32(len(sh.lits)), int32(len(sh.elems) - 1), fresh[r].str})
			from = fresh[r].at + fresh[r].n
		}
		sh.lits = append(sh.lits, b[from:p.to]...)
	}
	sh.elems = append(sh.elems, elemAt{int32(len(sh.lits)), int32(len(sh.holes))})
}

// appendShape appends elements [from, to) of shape o.
func (sh *shape) appendShape(o *shape, from, to int) {
	lit0, hole0, elem0 := o.elems[from].lit, o.elems[from].hole, int32(len(sh.elems))
	dl, dh := int32(len(sh.lits))-lit0, int32(len(sh.holes))-hole0
	sh.lits = append(sh.lits, o.lits[lit0:o.elems[to].lit]...)
	for _, e := range o.elems[from:to] {
		sh.elems = append(sh.elems, elemAt{e.lit + dl, e.hole + dh})
	}
	for _, h := range o.holes[hole0:o.elems[to].hole] {
		sh.holes = append(sh.holes, hole{h.at + dl, h.elem - int32(from) + elem0, h.str})
	}
}
