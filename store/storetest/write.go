package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"testing"
	"testing/iotest"

	"golang.org/x/sync/errgroup"

	"github.com/sparkmine/sparkmine/store"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// awkwardKeys need escaping in URLs, signatures or file names.
var awkwardKeys = []string{
	"with space/file name.txt",
	"unicode/日本語/café ü.log",
	"plus+sign/a+b=c&d;e,f@g$h'(i)!~*",
	"percent/100%25 %20 done",
	"hash#and?query",
	"dots/.hidden/..x/...",
	"_sparkmine/runs/2026-11-25T10:00:00Z.json",
}

func testKeys(t *testing.T, s store.Store) {
	for _, k := range awkwardKeys {
		put(t, s, k, []byte(k))
		if got := mustGet(t, s, k); string(got) != k {
			t.Errorf("Open(%q) read %q", k, got)
		}
		if oi, err := s.Stat(context.Background(), k); err != nil || oi.Key != k || oi.Size != int64(len(k)) {
			t.Errorf("Stat(%q) = %+v, %v", k, oi, err)
		}
	}
	want := append([]string(nil), awkwardKeys...)
	slices.Sort(want)
	if got := keys(t, s, ""); !equal(got, want) {
		t.Errorf("List() = %q, want %q", got, want)
	}
	if got := keys(t, s, "unicode/日本"); !equal(got, []string{"unicode/日本語/café ü.log"}) {
		t.Errorf("List(unicode/日本) = %q", got)
	}
	for _, k := range awkwardKeys {
		if err := s.Delete(context.Background(), k); err != nil {
			t.Errorf("Delete(%q): %v", k, err)
		}
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("List after deleting all = %q", got)
	}
}

func testBadKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, k := range []string{"", "/abs", "/", "../up", "a/../../up", "a/..", "./a", "a//b", "a/", `a\b`, "C:/x"} {
		if err := s.Put(ctx, k, bytes.NewReader([]byte("x"))); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("Put(%q) = %v, want ErrBadKey", k, err)
		}
		if _, err := s.Stat(ctx, k); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("Stat(%q) = %v, want ErrBadKey", k, err)
		}
		if rc, err := s.Open(ctx, k, 0, -1); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("Open(%q) = %v, want ErrBadKey", k, err)
			if rc != nil {
				rc.Close()
			}
		}
		if err := s.Delete(ctx, k); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("Delete(%q) = %v, want ErrBadKey", k, err)
		}
	}
	for _, p := range []string{"../", "/", "a/../..", "a//"} {
		if err := s.List(ctx, p, func(store.ObjectInfo) error { return nil }); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("List(%q) = %v, want ErrBadKey", p, err)
		}
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("bad keys left objects: %q", got)
	}
}

// testFailedPut puts readers that fail midway, small and past the
// multipart threshold, over nothing and over an old version.
func testFailedPut(t *testing.T, s store.Store) {
	boom := errors.New("reader broke")
	for _, size := range []int{1000, FailAfter} {
		failing := func() io.Reader {
			return io.MultiReader(bytes.NewReader(randomBytes(size, 4)), iotest.ErrReader(boom))
		}
		key := fmt.Sprintf("new-%d", size)
		if err := s.Put(context.Background(), key, failing()); !errors.Is(err, boom) {
			t.Errorf("Put(%s) with a failing reader = %v, want the reader's error", key, err)
		}
		if _, err := s.Stat(context.Background(), key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after a failed Put, Stat(%s) = %v, want fs.ErrNotExist", key, err)
		}
		key = fmt.Sprintf("old-%d", size)
		put(t, s, key, []byte("old"))
		if err := s.Put(context.Background(), key, failing()); !errors.Is(err, boom) {
			t.Errorf("Put(%s) with a failing reader = %v, want the reader's error", key, err)
		}
		if got := mustGet(t, s, key); string(got) != "old" {
			t.Errorf("a failed Put changed %s to %d bytes", key, len(got))
		}
	}
	if got := keys(t, s, ""); !equal(got, []string{"old-1000", fmt.Sprintf("old-%d", FailAfter)}) {
		t.Errorf("List after failed puts = %q", got)
	}
}

// cancelReader cancels its context once it has yielded n bytes.
type cancelReader struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p[:min(len(p), max(c.n, 1))])
	c.n -= n
	return n, err
}

// testCancelledPut cancels the context while Put reads, small and past the
// multipart threshold.
func testCancelledPut(t *testing.T, s store.Store) {
	for _, size := range []int{1000, FailAfter} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancelReader{r: bytes.NewReader(randomBytes(2*size, 5)), n: size, cancel: cancel}
		key := fmt.Sprintf("c-%d", size)
		if err := s.Put(ctx, key, r); !errors.Is(err, context.Canceled) {
			t.Errorf("Put(%s) cancelled midway = %v, want context.Canceled", key, err)
		}
		cancel()
		if _, err := s.Stat(context.Background(), key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after a cancelled Put, Stat(%s) = %v, want fs.ErrNotExist", key, err)
		}
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("cancelled puts left %q", got)
	}
}

// testConcurrentPuts puts, deletes and puts again different keys in the
// same folders at once.
func testConcurrentPuts(t *testing.T, s store.Store) {
	const n = 16
	g, ctx := errgroup.WithContext(context.Background())
	for i := range n {
		g.Go(func() error {
			key := fmt.Sprintf("c/%d/k%02d", i%2, i)
			data := randomBytes(10_000+i, uint64(i))
			for _, step := range []func() error{
				func() error { return s.Put(ctx, key, bytes.NewReader(data)) },
				func() error { return s.Delete(ctx, key) },
				func() error { return s.Put(ctx, key, bytes.NewReader(data)) },
			} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent puts: %v", err)
	}
	got := keys(t, s, "c/")
	if len(got) != n {
		t.Fatalf("List(c/) = %d keys, want %d", len(got), n)
	}
	for i := range n {
		key := fmt.Sprintf("c/%d/k%02d", i%2, i)
		if data := mustGet(t, s, key); sha(data) != sha(randomBytes(10_000+i, uint64(i))) {
			t.Errorf("%s holds other bytes", key)
		}
	}
}
