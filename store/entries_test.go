package store_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// keysStore lists fixed keys, as an S3 bucket may hold them.
type keysStore struct {
	store.Store
	keys []string
}

func (k keysStore) List(_ context.Context, _ string, fn func(store.ObjectInfo) error) error {
	for _, key := range k.keys {
		if err := fn(store.ObjectInfo{Key: key}); err != nil {
			return err
		}
	}
	return nil
}

func (keysStore) Open(context.Context, string, int64, int64) (io.ReadCloser, error) {
	return nil, errors.New("not here")
}

func TestListEntriesEscapingKeys(t *testing.T) {
	s := keysStore{keys: []string{"a/log1", "a/../../etc/passwd", "b/./x", "b/log2"}}
	var got, bad []string
	err := store.ListEntries(context.Background(), s, "", func(o store.ObjectInfo) error {
		got = append(got, o.Key)
		return nil
	}, func(key string, reason error) {
		if !errors.Is(reason, store.ErrBadEntry) || !errors.Is(reason, store.ErrBadKey) {
			t.Errorf("%s: reason %v wraps neither ErrBadEntry nor ErrBadKey", key, reason)
		}
		bad = append(bad, key)
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(got, " "); g != "a/log1 b/log2" {
		t.Errorf("listed %q, want the two good keys", g)
	}
	if b := strings.Join(bad, " "); b != "a/../../etc/passwd b/./x" {
		t.Errorf("bad entries %q, want the escaping keys", b)
	}
}
