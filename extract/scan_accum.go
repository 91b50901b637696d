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
// the generic skipValue, which alone decides whether it is valid.

// skipAccumulables checks the value at i (depth as for skipValue), with
// the fast path for the elements of an array.
func skipAccumulables(b []byte, i, depth int) int {
	if i >= len(b) || b[i] != '[' || depth+2 > maxScanDepth {
		return skipValue(b, i, depth)
	}
	depth++ // the array's
	if i = ws(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		j := skipAccum(b, i, depth+1)
		if j < 0 {
			if j = skipValue(b, i, depth); j < 0 {
				return -1
			}
		}
		if i = ws(b, j); i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = ws(b, i+1)
		case ']':
			return i + 1
		default:
			return -1
		}
	}
}

// skipAccum checks an element written in Spark's member order at i, whose
// members' values are at depth (<= maxScanDepth); -1 if it is not one.
func skipAccum(b []byte, i, depth int) int {
	if len(b)-i < 6 || string(b[i:i+6]) != `{"ID":` {
		return -1
	}
	if i = skipScalar(b, i+6, depth); i < 0 {
		return -1
	}
	if len(b)-i >= 8 && string(b[i:i+8]) == `,"Name":` {
		if i = skipScalar(b, i+8, depth); i < 0 {
			return -1
		}
	}
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
