package extract

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// accumElement writes one Accumulables element as Spark does, its Update
// and Value as a number (internal metrics) or a string of digits (SQL
// metrics), or, now and then, as values that are not digits alone.
func accumElement(r *rand.Rand, id int) string {
	v := func() string {
		switch r.IntN(10) {
		case 0:
			return `"` + []string{"", "0", "-5", "1.5", "12ab", `1\u0032`, "00"}[r.IntN(7)] + `"`
		case 1:
			return []string{"0", "-3", "1.5", "2e3", "[1,2]", "null", `"x"`}[r.IntN(7)]
		case 2, 3, 4:
			return fmt.Sprint(r.IntN(100000))
		}
		return `"` + fmt.Sprint(r.IntN(100000)) + `"`
	}
	if id%2 == 0 {
		return fmt.Sprintf(`{"ID":%d,"Name":"internal.metrics.m%d","Update":%s,"Value":%s,"Internal":true,"Count Failed Values":true}`, id, id, v(), v())
	}
	return fmt.Sprintf(`{"ID":%d,"Name":"number of rows %d","Update":%s,"Value":%s,"Internal":true,"Count Failed Values":true,"Metadata":"sql"}`, id, id, v(), v())
}

// accumArray writes the elements of ids, fresh values each time.
func accumArray(r *rand.Rand, ids []int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for k, id := range ids {
		if k > 0 {
			b.WriteString([]string{",", ",", ",", ", "}[r.IntN(4)])
		}
		b.WriteString(accumElement(r, id))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// TestAccumMemoSequences feeds tasks' arrays through one memo, as a stage's
// TaskEnd lines are: a few kinds of task (lists of accumulators sharing a
// prefix, one with an accumulator inserted, one with one removed), two
// stages interleaved, values that change, and random edits. Each array
// must be skipped to where skipValue skips it, valid or not.
func TestAccumMemoSequences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte(`{}[]:,"\ 0123456789-+.eE` + "\x00\x1f")
	base := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	kinds := [][]int{base,
		append(append(append([]int{}, base[:5]...), 40, 41, 42), base[5:]...),
		append(append([]int{}, base[:7]...), base[8:]...),
		{101, 102, 103},
		{1},
	}
	var memo accumMemo
	for n := range 20000 {
		b := accumArray(r, kinds[r.IntN(len(kinds))])
		if n%7 == 0 {
			b = mutate(r, b, alphabet)
		}
		pad := []byte(strings.Repeat(" ", r.IntN(3)))
		line := append(append(pad, b...), `,"x":1}`...)
		want := skipValue(line, len(pad), 2)
		if got := skipAccumulables(line, len(pad), 2, &memo); got != want {
			t.Fatalf("array %d: skipAccumulables(%s) = %d, skipValue %d", n, b, got, want)
		}
	}
	if len(memo.ring) == 0 {
		t.Fatal("the memo kept no shape")
	}
}

// FuzzAccumMemo skips three arrays in turn, twice over, through one memo:
// each must end where skipValue ends it.
func FuzzAccumMemo(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	f.Add([]byte(accumSeed), accumArray(r, []int{1, 2, 3}), accumArray(r, []int{1, 2, 4, 3}))
	f.Add(accumArray(r, []int{1, 2, 3}), accumArray(r, []int{1, 2, 3}), accumArray(r, []int{2, 3}))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		var memo accumMemo
		for _, x := range [][]byte{a, b, c, a, b, c} {
			if want, got := skipValue(x, 0, 0), skipAccumulables(x, 0, 0, &memo); got != want {
				t.Fatalf("skipAccumulables(%q) = %d, skipValue %d", x, got, want)
			}
		}
	})
}
