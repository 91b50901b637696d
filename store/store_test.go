package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

func TestCheckKey(t *testing.T) {
	for _, k := range []string{"a", "a/b", "a b/ü.log", "...", "a/.hidden", "a..b/c"} {
		if err := store.CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "/a", "a/", "a//b", "..", "a/../b", "./a", `a\b`, "C:x", "a\x00b"} {
		if err := store.CheckKey(k); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrBadKey", k, err)
		}
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "a/b/", "a/b c"} {
		if err := store.CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"/", "//", "a//", "../", "a/../", "/a"} {
		if err := store.CheckPrefix(p); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrBadKey", p, err)
		}
	}
}

func TestContextReaderStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := store.ContextReader(ctx, strings.NewReader("abcdef"))
	buf := make([]byte, 3)
	if n, err := r.Read(buf); n != 3 || err != nil || string(buf) != "abc" {
		t.Fatalf("Read = %d, %v (%q)", n, err, buf)
	}
	cancel()
	if n, err := r.Read(buf); n != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("Read after cancel = %d, %v; want 0, context.Canceled", n, err)
	}
}
