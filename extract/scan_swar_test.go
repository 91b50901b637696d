package extract

import "testing"

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
