// Package storetest is the conformance suite every store.Store backend
// passes (in the manner of restic's backend tests and objstore's
// AcceptanceTest). A backend's test calls Run with a function returning a
// fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return newEmptyStore(t) })
//	}
//
// It checks the contract written on store.Store: not-found errors, round
// trips, atomic overwrites, ranged reads, listing order and prefix
// boundaries, pagination past 1,000 keys, awkward keys, bad keys,
// cancellation, failed puts that leave nothing behind, large (multipart)
// objects, concurrent puts, and copies (server-side where the backend is a
// store.Copier, and streamed), and exclusive creates (where it is a
// store.Creator). Run it with -race.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/store"
)

// LargeSize is the size of the large object of the suite: more than the S3
// backend's multipart threshold (8 MiB), so that it takes several parts.
const LargeSize = 20 << 20

// FailAfter is how many bytes the failing reader of the suite yields before
// its error: more than the multipart threshold, so that the S3 backend has
// an upload in progress to abort.
const FailAfter = 9 << 20

// Run runs the conformance suite; newStore returns a new empty store and may
// register cleanups on its t.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"NotFound", testNotFound},
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"AtomicOverwrite", testAtomicOverwrite},
		{"Ranges", testRanges},
		{"List", testList},
		{"ListStops", testListStops},
		{"Pagination", testPagination},
		{"Keys", testKeys},
		{"BadKeys", testBadKeys},
		{"Cancel", testCancel},
		{"FailedPut", testFailedPut},
		{"CancelledPut", testCancelledPut},
		{"Large", testLarge},
		{"ConcurrentPuts", testConcurrentPuts},
		{"Copy", testCopy},
		{"Create", testCreate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// put stores data under key or fails the test.
func put(t testing.TB, s store.Store, key string, data []byte) {
	t.Helper()
	// An unseekable reader, as a pipeline stage would hand over.
	if err := s.Put(context.Background(), key, struct{ io.Reader }{bytes.NewReader(data)}); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// get reads a range of key.
func get(s store.Store, key string, off, length int64) ([]byte, error) {
	rc, err := s.Open(context.Background(), key, off, length)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// mustGet reads all of key or fails the test.
func mustGet(t testing.TB, s store.Store, key string) []byte {
	t.Helper()
	data, err := get(s, key, 0, -1)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	return data
}

// keys lists prefix and returns the keys.
func keys(t testing.TB, s store.Store, prefix string) []string {
	t.Helper()
	var got []string
	err := s.List(context.Background(), prefix, func(oi store.ObjectInfo) error {
		got = append(got, oi.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return got
}

// randomBytes returns n reproducible random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	r.Read(b)
	return b
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Stat(ctx, "missing/key"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(missing) = %v, want an error wrapping fs.ErrNotExist", err)
	}
	if rc, err := s.Open(ctx, "missing/key", 0, -1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want an error wrapping fs.ErrNotExist", err)
		if rc != nil {
			rc.Close()
		}
	}
	if rc, err := s.Open(ctx, "missing/key", 5, 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing, 5, 10) = %v, want an error wrapping fs.ErrNotExist", err)
		if rc != nil {
			rc.Close()
		}
	}
	if err := s.Delete(ctx, "missing/key"); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("List of an empty store = %q", got)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	start := time.Now().Add(-time.Minute)
	for _, data := range [][]byte{{}, []byte("x"), randomBytes(100_000, 1)} {
		key := fmt.Sprintf("dir/obj-%d", len(data))
		put(t, s, key, data)
		if got := mustGet(t, s, key); !bytes.Equal(got, data) {
			t.Errorf("%s: read %d bytes, want the %d put", key, len(got), len(data))
		}
		oi, err := s.Stat(ctx, key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", key, err)
		}
		if oi.Key != key || oi.Size != int64(len(data)) {
			t.Errorf("Stat(%q) = %+v, want key %q size %d", key, oi, key, len(data))
		}
		if oi.ModTime.Before(start) || oi.ModTime.After(time.Now().Add(time.Minute)) {
			t.Errorf("Stat(%q).ModTime = %v, want about now", key, oi.ModTime)
		}
	}
	if err := s.Delete(ctx, "dir/obj-1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(ctx, "dir/obj-1"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Delete = %v, want fs.ErrNotExist", err)
	}
	if got, want := keys(t, s, ""), []string{"dir/obj-0", "dir/obj-100000"}; !equal(got, want) {
		t.Errorf("List after Delete = %q, want %q", got, want)
	}
	if u := s.URI("dir/obj-1"); u == "" {
		t.Errorf("URI is empty")
	}
}

func testOverwrite(t *testing.T, s store.Store) {
	put(t, s, "k", []byte("first version, the longer one"))
	oi1, _ := s.Stat(context.Background(), "k")
	put(t, s, "k", []byte("second"))
	if got := mustGet(t, s, "k"); string(got) != "second" {
		t.Errorf("after overwrite read %q", got)
	}
	oi2, err := s.Stat(context.Background(), "k")
	if err != nil || oi2.Size != 6 {
		t.Errorf("Stat after overwrite = %+v, %v", oi2, err)
	}
	if oi1.ETag != "" && oi1.ETag == oi2.ETag {
		t.Errorf("ETag %q did not change with the content", oi1.ETag)
	}
	if got := keys(t, s, ""); !equal(got, []string{"k"}) {
		t.Errorf("List after overwrite = %q", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
