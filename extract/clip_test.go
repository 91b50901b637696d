package extract

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abc", 2, "ab"},
		{"héllo", 2, "h"},  // é is two bytes: not split
		{"héllo", 3, "hé"}, // ends right after it
		{"a😀b", 4, "a"},    // a four-byte rune
		{"a😀b", 5, "a😀"},
		{"😀", 3, ""},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := Clip(tt.s, tt.n)
		if got != tt.want || !utf8.ValidString(got) || len(got) > tt.n && got != tt.s {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
