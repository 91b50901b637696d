package storetest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// testCopy checks store.Copy twice: through the backend's own Copy when it
// has one (server-side), and through the streaming fallback every Store gets.
func testCopy(t *testing.T, s store.Store) {
	if _, ok := s.(store.Copier); !ok {
		t.Log("backend has no server-side Copy; checking the streaming fallback only")
	} else {
		t.Run("Backend", func(t *testing.T) { checkCopy(t, s) })
	}
	t.Run("Fallback", func(t *testing.T) { checkCopy(t, noCopier{s}) })
}

// noCopier hides a backend's Copy method.
type noCopier struct{ store.Store }

func checkCopy(t *testing.T, s store.Store) {
	ctx := context.Background()
	src, dst := "copy/from/a b+ü.bin", "copy/to/nested/c+d é.bin"
	data := randomBytes(300_000, 7)
	put(t, s, src, data)
	put(t, s, dst, []byte("old object"))

	if err := store.Copy(ctx, s, src, dst); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if got := mustGet(t, s, dst); !bytes.Equal(got, data) {
		t.Fatalf("copy holds %d bytes (sha %s), want %d (sha %s)", len(got), sha(got), len(data), sha(data))
	}
	if got := mustGet(t, s, src); !bytes.Equal(got, data) {
		t.Fatalf("source changed by the copy")
	}
	// The copy outlives its source and a new object under the source's key.
	put(t, s, src, []byte("replaced"))
	if got := mustGet(t, s, dst); !bytes.Equal(got, data) {
		t.Fatalf("replacing the source changed the copy")
	}
	if err := s.Delete(ctx, src); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, dst); !bytes.Equal(got, data) {
		t.Fatalf("deleting the source changed the copy")
	}

	err := store.Copy(ctx, s, "copy/missing", "copy/x")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Copy of a missing key = %v, want fs.ErrNotExist", err)
	}
	if _, err := s.Stat(ctx, "copy/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed Copy left copy/x: %v", err)
	}
	for _, bad := range []string{"../escape", "/abs"} {
		if err := store.Copy(ctx, s, dst, bad); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("Copy to %q = %v, want ErrBadKey", bad, err)
		}
		if err := store.Copy(ctx, s, bad, "copy/y"); err == nil {
			t.Errorf("Copy from %q succeeded", bad)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := store.Copy(cancelled, s, dst, "copy/z"); !errors.Is(err, context.Canceled) {
		t.Errorf("Copy with a cancelled context = %v, want context.Canceled", err)
	}
	if got := keys(t, s, "copy/"); len(got) != 1 || got[0] != dst {
		t.Errorf("after the copies, List(copy/) = %q, want [%q]", got, dst)
	}
}
