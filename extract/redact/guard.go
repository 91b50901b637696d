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
	secretGuard = []string{"secret", "password", "passwd", "pwd", "token", "access", "api", "credential", "private"}
	tokenGuard  = []string{"bearer", "basic", "akia", "asia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "aiza", "eyj"}
	// hostShapeGuards are hostShapes' guards, in order.
	hostShapeGuards = [][]string{{" executor "}, {"(tid "}, {"executor "}, {"/"},
		{".host", "hostname", "bindaddress", ".addr"}}
	hostAfterGuard = []string{"host", "blockmanagerid"}
	domainGuard    = []string{"internal", "local", "lan", "corp", "intra", "home.arpa", "amazonaws.com",
		"cloudapp.net", "cloudapp.azure.com", "windows.net", "googleusercontent.com"}
)
