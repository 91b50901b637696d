package extract

// Skipping the Accumulables array of a Task Info: about half of a TaskEnd
// line. Spark writes each element with its members in one order
// (JsonProtocol.accumulableInfoToJson):
//
//	{"ID":…,"Name":…,"Update":…,"Value":…,"Internal":…,"Count Failed Values":…,"Metadata":…}
//
// with Name, Update, Value and Metadata optional. skipAccum matches the
// members' `,"key":` bytes in that order instead of scanning each key, and
// still checks every value with skipValue; an element written any other way
// (another order, whitespace, an unknown or escaped key) is skipped again by
// the generic skipValue, which alone decides whether it is valid. Elements
// that repeat the previous task's byte for byte are compared instead
// (accumMemo).

// skipAccumulables checks the value at i (depth as for skipValue), with
// the fast path for the elements of an array. memo (nil: none) remembers
// the elements of the last array it skipped.
func skipAccumulables(b []byte, i, depth int, memo *accumMemo) int {
	if i >= len(b) || b[i] != '[' || depth+2 > maxScanDepth {
		return skipValue(b, i, depth)
	}
	depth++ // the array's
	start := i
	if i = ws(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	memo.start(depth)
	for k := 0; ; k++ {
		j, h := memo.match(b, i, k, depth)
		if j < 0 {
			if j, h = skipElement(b, i, depth); j < 0 {
				return -1
			}
		}
		memo.note(i-start, j-start, h)
		if i = ws(b, j); i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case ']':
			memo.finish(b[start : i+1])
			return i + 1
		default:
			return -1
		}
	}
}

// skipElement checks the array element at i, the array's at depth, and
// returns the index past it and the length of its head (0: none).
func skipElement(b []byte, i, depth int) (int, int) {
	if h := accumHead(b, i, depth+1); h >= 0 {
		if j := accumTail(b, h, depth+1); j >= 0 {
			return j, headLen(b, i, h)
		}
	}
	return skipValue(b, i, depth), 0
}

// headLen is the length of the head b[i:h] when it ends with a string
// (whose closing quote ends it whatever follows), else 0.
func headLen(b []byte, i, h int) int {
	if b[h-1] == '"' {
		return h - i
	}
	return 0
}

// accumMemo remembers the last Accumulables array checked and where its
// elements are. The tasks of a stage list the same accumulators in the
// same order, and a third of the elements (Photon's SQL metrics: the same
// ID, name, update and value, often 0) recur byte for byte at the same
// position in the next task's array, most others with the same head
// (`{"ID":…,"Name":"…"`): those bytes are compared, not scanned. Bytes
// equal to a value checked at the same depth are that value; bytes equal
// to a head that ends with a string are those tokens, and the element is
// then checked from there as skipAccum would.
type accumMemo struct {
	depth int
	prev  []byte // the last array checked
	elems []span // its elements, in prev
	cur   []span // the elements of the array being checked, from its '['
}

// span is an element's bytes [from, to) and the length of its head (0:
// none).
type span struct{ from, to, head int }

// start readies m for an array at depth; a nil m is no memo.
func (m *accumMemo) start(depth int) {
	if m == nil {
		return
	}
	if m.depth != depth {
		m.depth, m.prev, m.elems = depth, m.prev[:0], m.elems[:0]
	}
	m.cur = m.cur[:0]
}

// match returns the index past the element at i (an array's at depth)
// and the length of its head when its bytes, or its head's, are the last
// array's element k's; else -1.
func (m *accumMemo) match(b []byte, i, k, depth int) (int, int) {
	if m == nil || k >= len(m.elems) {
		return -1, 0
	}
	sp := m.elems[k]
	h := m.prev[sp.from : sp.from+sp.head] // empty when it has no head
	if len(b)-i < len(h) || string(b[i:i+len(h)]) != string(h) {
		return -1, 0
	}
	i += len(h)
	if rest := m.prev[sp.from+sp.head : sp.to]; len(b)-i >= len(rest) && string(b[i:i+len(rest)]) == string(rest) {
		return i + len(rest), sp.head
	}
	if sp.head == 0 {
		return -1, 0
	}
	if j := accumTail(b, i, depth+1); j >= 0 {
		return j, sp.head
	}
	return -1, 0
}

// note records the next element's span in the array being checked.
func (m *accumMemo) note(from, to, head int) {
	if m != nil {
		m.cur = append(m.cur, span{from, to, head})
	}
}

// finish remembers the array just checked, arr.
func (m *accumMemo) finish(arr []byte) {
	if m != nil {
		m.prev = append(m.prev[:0], arr...)
		m.elems, m.cur = m.cur, m.elems
	}
}

// skipAccum checks an element written in Spark's member order at i, whose
// members' values are at depth (<= maxScanDepth); -1 if it is not one.
func skipAccum(b []byte, i, depth int) int {
	if i = accumHead(b, i, depth); i < 0 {
		return -1
	}
	return accumTail(b, i, depth)
}

// accumHead reads skipAccum's element up to its Name's value, or its ID's
// when Name does not follow: the index past it, or -1.
func accumHead(b []byte, i, depth int) int {
	if len(b)-i < 6 || string(b[i:i+6]) != `{"ID":` {
		return -1
	}
	if i = skipScalar(b, i+6, depth); i < 0 {
		return -1
	}
	if len(b)-i >= 8 && string(b[i:i+8]) == `,"Name":` {
		return skipScalar(b, i+8, depth)
	}
	return i
}

// accumTail reads the rest of skipAccum's element after its head at i.
func accumTail(b []byte, i, depth int) int {
	if len(b)-i >= 10 && string(b[i:i+10]) == `,"Update":` {
		if i = skipScalar(b, i+10, depth); i < 0 {
			return -1
		}
	}
	if len(b)-i >= 9 && string(b[i:i+9]) == `,"Value":` {
		if i = skipScalar(b, i+9, depth); i < 0 {
			return -1
		}
	}
	// The rest, most often one of two ways, as one comparison.
	const tail, sqlTail = `,"Internal":true,"Count Failed Values":true}`,
		`,"Internal":true,"Count Failed Values":true,"Metadata":"sql"}`
	if len(b)-i >= len(tail) && string(b[i:i+len(tail)]) == tail {
		return i + len(tail)
	}
	if len(b)-i >= len(sqlTail) && string(b[i:i+len(sqlTail)]) == sqlTail {
		return i + len(sqlTail)
	}
	if len(b)-i >= 12 && string(b[i:i+12]) == `,"Internal":` {
		if i = skipValue(b, i+12, depth); i < 0 {
			return -1
		}
	}
	if len(b)-i >= 23 && string(b[i:i+23]) == `,"Count Failed Values":` {
		if i = skipValue(b, i+23, depth); i < 0 {
			return -1
		}
	}
	if len(b)-i >= 12 && string(b[i:i+12]) == `,"Metadata":` {
		if i = skipScalar(b, i+12, depth); i < 0 {
			return -1
		}
	}
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	return -1
}

// skipScalar is skipValue with strings and numbers tried first.
func skipScalar(b []byte, i, depth int) int {
	if i < len(b) {
		if c := b[i]; c == '"' {
			i, _ = scanString(b, i+1)
			return i
		} else if c-'0' <= 9 {
			return skipNumber(b, i)
		}
	}
	return skipValue(b, i, depth)
}

// skipNumbersObject checks the value at i like skipValue(b, i, depth),
// faster for an object whose members are numbers named as ord predicts
// (Spark's "Push Based Shuffle": first as the all-zero object it nearly
// always is, then member by member); any other value is skipped by
// skipValue, which alone decides whether it is valid.
func skipNumbersObject(b []byte, i, depth int, ord *memberOrder) int {
	if z := ord.zeros; len(b)-i >= len(z) && string(b[i:i+len(z)]) == z {
		return i + len(z)
	}
	if j := skipNumbersFast(b, i, ord); j >= 0 {
		return j
	}
	return skipValue(b, i, depth)
}

func skipNumbersFast(b []byte, i int, ord *memberOrder) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	i++
	for k, p := range ord.pats {
		if k > 0 {
			if i >= len(b) || b[i] != ',' {
				return -1
			}
			i++
		}
		if len(b)-i < len(p) || string(b[i:i+len(p)]) != p {
			return -1
		}
		if i = skipNumber(b, i+len(p)); i < 0 {
			return -1
		}
	}
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	return -1
}
