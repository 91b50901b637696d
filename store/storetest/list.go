package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/sparkmine/sparkmine/store"
)

// listKeys are valid in a folder too (no key is another's folder). Their
// order tests '-' (0x2d) < '/' (0x2f) < '0' (0x30): a backend that walks
// folders depth first in name order gets it wrong.
var listKeys = []string{"a-c", "a/b/c", "a/b/d/e", "a/bc", "a0", "b"}

func testList(t *testing.T, s store.Store) {
	for i, k := range []string{"b", "a/bc", "a0", "a/b/d/e", "a-c", "a/b/c"} {
		put(t, s, k, make([]byte, i))
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", listKeys},
		{"a", []string{"a-c", "a/b/c", "a/b/d/e", "a/bc", "a0"}},
		{"a/", []string{"a/b/c", "a/b/d/e", "a/bc"}},
		{"a/b", []string{"a/b/c", "a/b/d/e", "a/bc"}},
		{"a/b/", []string{"a/b/c", "a/b/d/e"}},
		{"a/bc", []string{"a/bc"}},
		{"a/b/d/", []string{"a/b/d/e"}},
		{"a/b/d/e", []string{"a/b/d/e"}},
		{"a/b/c/", nil},
		{"a/x", nil},
		{"zzz/", nil},
	} {
		if got := keys(t, s, tc.prefix); !equal(got, tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
	sizes := map[string]int64{}
	s.List(context.Background(), "", func(oi store.ObjectInfo) error {
		sizes[oi.Key] = oi.Size
		return nil
	})
	if sizes["b"] != 0 || sizes["a/bc"] != 1 || sizes["a/b/c"] != 5 {
		t.Errorf("listed sizes = %v", sizes)
	}
}

// testListStops checks that an error from fn ends the listing and comes back.
func testListStops(t *testing.T, s store.Store) {
	for _, k := range listKeys {
		put(t, s, k, nil)
	}
	stop := errors.New("stop here")
	calls := 0
	err := s.List(context.Background(), "", func(store.ObjectInfo) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("List with fn failing at the 2nd call = %v after %d calls", err, calls)
	}
}

// paginationKeys is past the 1,000 keys of one S3 listing page.
const paginationKeys = 1100

// putMany puts n small objects p/0000… with a few at a time.
func putMany(t *testing.T, s store.Store, n int) []string {
	var ks []string
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for i := range n {
		k := fmt.Sprintf("p/%04d", i)
		ks = append(ks, k)
		g.Go(func() error { return s.Put(ctx, k, bytes.NewReader(nil)) })
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("put %d objects: %v", n, err)
	}
	return ks
}

func testPagination(t *testing.T, s store.Store) {
	want := putMany(t, s, paginationKeys)
	put(t, s, "q", nil)
	if got := keys(t, s, "p/"); !slices.Equal(got, want) {
		t.Errorf("List(p/) gave %d keys (sorted: %v), want the %d put", len(got), slices.IsSorted(got), len(want))
	}
	if got := keys(t, s, "p/10"); len(got) != 100 || got[0] != "p/1000" {
		t.Errorf("List(p/10) gave %d keys, want p/1000…p/1099", len(got))
	}
	if got := keys(t, s, ""); len(got) != paginationKeys+1 || got[len(got)-1] != "q" {
		t.Errorf("List() gave %d keys, want %d ending with q", len(got), paginationKeys+1)
	}
}

// testCancel checks cancellation before, during and after a listing, and
// of the other calls.
func testCancel(t *testing.T, s store.Store) {
	putMany(t, s, 30)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	count := func(store.ObjectInfo) error { calls++; return nil }
	if err := s.List(ctx, "", count); !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("List with a cancelled context = %v after %d calls, want context.Canceled, 0 calls", err, calls)
	}
	checkCancelledCalls(t, s, ctx)

	const n = 10
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	calls = 0
	err := s.List(ctx, "p/", func(store.ObjectInfo) error {
		if calls++; calls == n {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != n {
		t.Errorf("List cancelled at entry %d = %v after %d calls, want context.Canceled at once", n, err, calls)
	}

	ctx, cancel = context.WithCancel(context.Background())
	calls = 0
	err = s.List(ctx, "p/000", count)
	cancel()
	if err != nil || calls != 10 {
		t.Errorf("List(p/000) = %v after %d calls, want nil after 10", err, calls)
	}
	if got := mustGet(t, s, "p/0001"); len(got) != 0 {
		t.Errorf("store unusable after a cancelled list")
	}
}

// checkCancelledCalls checks that every call fails with ctx's error.
func checkCancelledCalls(t *testing.T, s store.Store, ctx context.Context) {
	if _, err := s.Stat(ctx, "p/0001"); !errors.Is(err, context.Canceled) {
		t.Errorf("Stat with a cancelled context = %v", err)
	}
	if rc, err := s.Open(ctx, "p/0001", 0, -1); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context = %v", err)
		if rc != nil {
			rc.Close()
		}
	}
	if err := s.Put(ctx, "new", bytes.NewReader(nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v", err)
	}
	if _, err := s.Stat(context.Background(), "new"); err == nil {
		t.Errorf("Put with a cancelled context stored the object")
	}
	if err := s.Delete(ctx, "p/0001"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete with a cancelled context = %v", err)
	}
}
