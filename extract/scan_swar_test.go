package extract

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestStringStop checks the SWAR test against a byte loop for every byte
// value at every position, over plain neighbours.
func TestStringStop(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for _, fill := range []byte{'a', 0x7f, 0x80, 0xff, 0x21, 0x23, 0x5b, 0x5d} {
				var w [8]byte
				for k := range w {
					w[k] = fill
				}
				w[pos] = byte(c)
				x := uint64(0)
				for k := 7; k >= 0; k-- {
					x = x<<8 | uint64(w[k])
				}
				want := -1
				for k, v := range w {
					if !strPlain[v] {
						want = k
						break
					}
				}
				got := -1
				if m := stringStop(x); m != 0 {
					for k := 0; k < 8; k++ {
						if m>>(8*k)&0x80 != 0 {
							got = k
							break
						}
					}
				}
				if got != want {
					t.Fatalf("byte %#x at %d among %#x: first stop %d, want %d", c, pos, fill, got, want)
				}
			}
		}
	}
}

// refScanInt and refSkipNumber are the byte-loop readers the SWAR fast
// paths of scanInt and skipNumber must equal.
func refScanInt(b []byte, i int) (n int64, next int, ok bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
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

func refSkipNumber(b []byte, i int) int {
	digits := func(i int) int {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i
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
		i = digits(i + 1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(i + 1); b[i-1] == '.' {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func checkNumber(t testing.TB, b []byte) {
	t.Helper()
	n, next, ok := scanInt(b, 0)
	rn, rnext, rok := refScanInt(b, 0)
	if n != rn || next != rnext || ok != rok {
		t.Fatalf("scanInt(%q) = %d, %d, %v; want %d, %d, %v", b, n, next, ok, rn, rnext, rok)
	}
	if got, want := skipNumber(b, 0), refSkipNumber(b, 0); got != want {
		t.Fatalf("skipNumber(%q) = %d, want %d", b, got, want)
	}
}

func TestNumbersSWAR(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const alpha = "0123456789000999-.eE+,}\"x/:"
	for range 200000 {
		b := make([]byte, r.IntN(28))
		for k := range b {
			if r.IntN(4) > 0 {
				b[k] = '0' + byte(r.IntN(10))
			} else {
				b[k] = alpha[r.IntN(len(alpha))]
			}
		}
		checkNumber(t, b)
	}
	for d := 1; d <= 20; d++ { // every length of 9s and of 1 then 0s, alone and followed
		for _, tail := range []string{"", ",", "}", ".5", "e3", `,"x":1}`, `}}}}}}}}}}`} {
			checkNumber(t, []byte(strings.Repeat("9", d)+tail))
			checkNumber(t, []byte("-1"+strings.Repeat("0", d-1)+tail))
		}
	}
}

func FuzzNumber(f *testing.F) {
	f.Add([]byte("1793597941842,"))
	f.Add([]byte("-0.5e+3}"))
	f.Fuzz(func(t *testing.T, b []byte) { checkNumber(t, b) })
}

// TestNonDigits checks the SWAR digit test for every byte at every position.
func TestNonDigits(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			var w [8]byte
			for k := range w {
				w[k] = '0' + byte(k)
			}
			w[pos] = byte(c)
			x := uint64(0)
			for k := 7; k >= 0; k-- {
				x = x<<8 | uint64(w[k])
			}
			z := nonDigits(x)
			for k, v := range w {
				if isDigit := v >= '0' && v <= '9'; isDigit != (z>>(8*k)&0xff == 0) {
					t.Fatalf("byte %#x at %d of %q: nonDigits %#x", v, k, w, z)
				}
			}
		}
	}
}
