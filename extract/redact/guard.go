package redact

import "strings"

// Guards: the regexps below run at a few MB/s (a leading [\w.]* or (?i)
// alternation tried at every byte), and most text (plans, descriptions,
// call sites) holds none of the words each one needs. A guard lists words
// (lower case) of which every match of its regexp holds one, ignoring
// case; the regexp runs only when the text holds one. On ASCII text that
// is exact: (?i) folds ASCII letters as strings.ToLower does. Text with
// other bytes (where (?i) also folds ſ to s and K to k) is not guarded.

// folded is a text with its lower-case form, kept while the text does not
// change.
type folded struct {
	t, lower string
	ascii    bool
	set      bool
}

// may reports whether t may match a regexp guarded by words.
func (f *folded) may(t string, words []string) bool {
	if !f.set || t != f.t {
		f.t, f.set, f.ascii = t, true, isASCII(t)
		if f.ascii {
			f.lower = strings.ToLower(t)
		}
	}
	if !f.ascii || noGuards {
		return true
	}
	for _, w := range words {
		if strings.Contains(f.lower, w) {
			return true
		}
	}
	return false
}

func isASCII(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] >= 0x80 {
			return false
		}
	}
	return true
}

// noGuards runs every regexp (tests: the reference).
var noGuards = false

// The guards' words, each of its regexp's alternatives' literal parts.
var (
	defaultGuard = []string{"secret", "password", "token", "access"}
	secretGuard  = []string{"secret", "password", "passwd", "pwd", "token", "access", "api", "credential", "private"}
	tokenGuard   = []string{"bearer", "basic", "akia", "asia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "aiza", "eyj"}
	// hostShapeGuards are hostShapes' guards, in order.
	hostShapeGuards = [][]string{{" executor "}, {"(tid "}, {"executor "}, {"/0", "/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8", "/9"},
		{".host", "hostname", "bindaddress", ".addr"}}
	hostAfterGuard = []string{"host", "blockmanagerid"}
	// domainGuard: a domain follows a label's dot (plans say "Plan" and
	// "LocalLimit" everywhere, never ".lan" or ".local").
	domainGuard = []string{".internal", ".local", ".lan", ".corp", ".intra", ".home.arpa", ".amazonaws.com",
		".cloudapp.net", ".cloudapp.azure.com", ".windows.net", ".googleusercontent.com"}
)

// Guards of the address regexps, exact on any text (\d, \b and hex digits
// under (?i) are ASCII only).

// mayQuad reports whether t may hold a dotted quad (quadRE): a digit, a
// dot and a digit.
func mayQuad(t string) bool {
	return noGuards || anyByte(t, '.', func(i int) bool {
		return i > 0 && i+1 < len(t) && isDigit(t[i-1]) && isDigit(t[i+1])
	})
}

// mayIPv6 reports whether t may hold an IPv6 candidate (ipv6CandRE): two
// colons with at most four hex digits between them.
func mayIPv6(t string) bool {
	return noGuards || anyByte(t, ':', func(i int) bool {
		j := i + 1
		for j < len(t) && j <= i+4 && isHex(t[j]) {
			j++
		}
		return j < len(t) && t[j] == ':'
	})
}

// anyByte reports whether ok holds at some index of byte c in t.
func anyByte(t string, c byte, ok func(i int) bool) bool {
	for i := strings.IndexByte(t, c); i >= 0; {
		if ok(i) {
			return true
		}
		j := strings.IndexByte(t[i+1:], c)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }
