package extract

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/valyala/fastjson"
)

// The skippers against the references. They accept exactly what
// encoding/json's Valid (strict RFC 8259) accepts, and so never anything
// fastjson rejects (fastjson is laxer: it takes control bytes in strings;
// such lines go to the fastjson path). The rule for UTF-8: none. A string
// may hold any byte >= 0x20 other than '"' and '\' unescaped; bytes >= 0x80
// are not checked as UTF-8, as neither reference checks them.

// checkString fails t when scanString disagrees with encoding/json and
// fastjson on whether `"s"` is a string, or misplaces its end or escapes.
func checkString(t testing.TB, s []byte) {
	t.Helper()
	for pad := 0; pad < 9; pad++ { // every alignment of the SWAR words
		b := append(append(append(bytes.Repeat([]byte{'a'}, pad), '"'), s...), '"')
		j, esc := scanString(b, pad+1)
		want := json.Valid(b[pad:])
		got := j == len(b)
		if got != want {
			t.Fatalf("scanString(%q) = %d, want valid %v (len %d)", b[pad:], j, want, len(b))
		}
		if got && fastjson.ValidateBytes(b[pad:]) != nil {
			t.Fatalf("scanString accepts %q, which fastjson rejects", b[pad:])
		}
		if want && esc != (bytes.IndexByte(s, '\\') >= 0) {
			t.Fatalf("scanString(%q): esc %v", b[pad:], esc)
		}
		// A valid string followed by more bytes ends at its own quote.
		if want {
			c := append(b[:len(b):len(b)], `,"x":1}`...)
			if j2, _ := scanString(c, pad+1); j2 != len(b) {
				t.Fatalf("scanString(%q) ends at %d, want %d", c[pad:], j2, len(b))
			}
		}
	}
}

// randString returns random string content rich in what stops the SWAR
// scan: quotes, backslashes, escapes good and bad, control bytes, bytes
// >= 0x80 (often invalid UTF-8) and runs long enough for whole words.
func randString(r *rand.Rand) []byte {
	var b []byte
	for n := r.IntN(40); n > 0; n-- {
		switch r.IntN(12) {
		case 0:
			b = append(b, '"')
		case 1:
			b = append(b, '\\')
		case 2, 3:
			b = append(b, escapes[r.IntN(len(escapes))]...)
		case 4:
			b = append(b, byte(r.IntN(0x20)))
		case 5:
			b = append(b, byte(0x80+r.IntN(0x80)))
		case 6:
			b = append(b, "é€😀"...)
		case 7:
			b = append(b, 0x7f, ' ', '!', '#', '[', ']')
		default:
			b = append(b, bytes.Repeat([]byte{byte('a' + r.IntN(26))}, r.IntN(17))...)
		}
	}
	return b
}

var escapes = []string{`\n`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r`, `\t`, `\u00e9`, `\uD83D`, `\uABCDEF`,
	`\u12g4`, `\u1`, `\x`, `\'`, `\U0041`, `\0`}

func TestScanStringRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkString(t, randString(r))
	}
	for c := 0; c < 256; c++ { // every byte, alone and inside a long run
		checkString(t, []byte{byte(c)})
		checkString(t, append(bytes.Repeat([]byte("x"), 13), byte(c), 'y'))
	}
}

func FuzzScanString(f *testing.F) {
	f.Add([]byte(`internal.metrics.executorRunTime`))
	f.Add([]byte("a\\u00e9\xff\x1f\\\""))
	f.Fuzz(func(t *testing.T, s []byte) { checkString(t, s) })
}

// checkSkip fails t when skipValue accepts what encoding/json rejects, or
// (for values too short to nest past maxScanDepth) rejects what both
// references accept; and when skipAccum accepts anything skipValue does not
// skip to the same end.
func checkSkip(t testing.TB, b []byte) {
	t.Helper()
	j := skipValue(b, 0, 0)
	got := j >= 0 && atEnd(b, j)
	want := json.Valid(b) && fastjson.ValidateBytes(b) == nil
	if got && !want || !got && want && len(b) < 2*maxScanDepth && b[0] > ' ' {
		t.Fatalf("skipValue(%q) = %d, references say valid %v", b, j, want)
	}
	if k := skipAccum(b, 0, 1); k >= 0 && k != j {
		t.Fatalf("skipAccum(%q) = %d, skipValue %d", b, k, j)
	}
	if k := skipAccumulables(b, 0, 0, nil); k != j {
		t.Fatalf("skipAccumulables(%q) = %d, skipValue %d", b, k, j)
	}
	// With a memo of accumSeed's elements (then of b's own), as the next
	// task's array finds it.
	var memo accumMemo
	for _, prev := range [][]byte{[]byte(accumSeed), b} {
		skipAccumulables(prev, 0, 0, &memo)
		if k := skipAccumulables(b, 0, 0, &memo); k != j {
			t.Fatalf("skipAccumulables(%q) after %q = %d, skipValue %d", b, prev, k, j)
		}
	}
	if k := skipNumbersObject(b, 0, 0, pushOrder); k != j {
		t.Fatalf("skipNumbersObject(%q) = %d, skipValue %d", b, k, j)
	}
}

const accumSeed = `[{"ID":28,"Name":"internal.metrics.executorDeserializeTime","Update":23,"Value":23,"Internal":true,"Count Failed Values":true},` +
	`{"ID":0,"Name":"number of output rows","Update":"1226914","Value":"1226914","Internal":true,"Count Failed Values":true,"Metadata":"sql"},` +
	`{"ID":9,"Update":[{"Block ID":"rdd_1_0","Status":{"Storage Level":{"Use Disk":false}}}],"Internal":false,"Count Failed Values":true}]`

// TestSkipMutations checks the skippers over Accumulables arrays and whole
// generated lines with random bytes changed, inserted or deleted.
func TestSkipMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	seeds := [][]byte{[]byte(accumSeed), []byte(pushOrder.zeros), []byte(strings.ReplaceAll(pushOrder.zeros, ":0", ":12"))}
	for i, l := range genLines(t, 1, 20, gen.Anomalies{TaskFailures: 0.3}) {
		if i%3 == 0 {
			seeds = append(seeds, l)
		}
	}
	if j := skipAccum([]byte(accumSeed), 1, 4); j < 100 || accumSeed[j-1] != '}' {
		t.Fatalf("skipAccum does not take Spark's element: %d", j)
	}
	alphabet := []byte(`{}[]:,"\ 0123456789-+.eEtrufalsn` + "\x00\x1f\x80\xff")
	for _, s := range seeds {
		checkSkip(t, s)
		for range 300 {
			b := mutate(r, s, alphabet)
			checkSkip(t, b)
			var st lineStats
			checkLine(t, b, &st)
		}
	}
}

// mutate returns s with one to three random edits.
func mutate(r *rand.Rand, s, alphabet []byte) []byte {
	b := bytes.Clone(s)
	for n := 1 + r.IntN(3); n > 0 && len(b) > 0; n-- {
		p := r.IntN(len(b))
		c := alphabet[r.IntN(len(alphabet))]
		switch r.IntN(3) {
		case 0:
			b[p] = c
		case 1:
			b = append(b[:p], b[p+1:]...)
		default:
			b = append(b[:p], append([]byte{c}, b[p:]...)...)
		}
	}
	return b
}

func FuzzSkip(f *testing.F) {
	f.Add([]byte(accumSeed))
	f.Add([]byte(`{"ID":1,"Name":"x","Update":"7","Value":[1,2],"Internal":true,"Count Failed Values":false,"Metadata":null}`))
	f.Add([]byte(`[{"ID":1,"Internal":true,"Count Failed Values":true,"Name":"x"}]`))
	f.Add([]byte(pushOrder.zeros))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 {
			checkSkip(t, b)
		}
	})
}
