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
// the generic skipValue, which alone decides whether it is valid. Arrays
// shaped like an earlier task's are compared with it instead (accumMemo,
// accum_memo.go).

// skipAccumulables checks the value at i (depth as for skipValue), with
// the fast path for the elements of an array. memo (nil: none) remembers
// the shapes of the last arrays it skipped (accum_memo.go).
func skipAccumulables(b []byte, i, depth int, memo *accumMemo) int {
	if i >= len(b) || b[i] != '[' || depth+2 > maxScanDepth {
		return skipValue(b, i, depth)
	}
	depth++ // the array's
	if i = ws(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	if memo != nil {
		return memo.skip(b, i, depth)
	}
	for {
		j, _ := skipElement(b, i, depth, nil)
		var end bool
		if i, end = afterElement(b, j); i < 0 || end {
			return i
		}
	}
}

// skipElement checks the array element at i, the array's at depth, and
// returns the index past it and whether it was read as Spark writes an
// element (skipAccum); the digit runs of such an element are added to rs
// (nil: not wanted).
func skipElement(b []byte, i, depth int, rs *runs) (int, bool) {
	if h := accumHead(b, i, depth+1); h >= 0 {
		if j := accumTail(b, h, depth+1, rs); j >= 0 {
			return j, true
		}
	}
	return skipValue(b, i, depth), false
}

// skipAccum checks an element written in Spark's member order at i, whose
// members' values are at depth (<= maxScanDepth); -1 if it is not one.
func skipAccum(b []byte, i, depth int) int {
	if i = accumHead(b, i, depth); i < 0 {
		return -1
	}
	return accumTail(b, i, depth, nil)
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
// The Update and Value written as digits alone (a number or a string's
// whole content) are added to rs when rs is not nil.
func accumTail(b []byte, i, depth int, rs *runs) int {
	if len(b)-i >= 10 && string(b[i:i+10]) == `,"Update":` {
		if i = skipDigitsValue(b, i+10, depth, rs); i < 0 {
			return -1
		}
	}
	if len(b)-i >= 9 && string(b[i:i+9]) == `,"Value":` {
		if i = skipDigitsValue(b, i+9, depth, rs); i < 0 {
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
