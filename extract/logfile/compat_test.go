package logfile

import (
	"context"
	"io"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// The pipeline hands store listings and opens to this package: Object must
// stay convertible from store.ObjectInfo, and a Store's Open must adapt to
// an OpenFunc. This file fails to compile when either drifts.
var (
	_ = Object(store.ObjectInfo{})
	_ = func(s store.Store) OpenFunc {
		return func(ctx context.Context, key string) (io.ReadCloser, error) { return s.Open(ctx, key, 0, -1) }
	}
)

func TestStoreCompat(t *testing.T) {
	info := store.ObjectInfo{Key: "local-1", Size: 3, ETag: "e"}
	if o := Object(info); o.Key != info.Key || o.Size != info.Size || o.ETag != info.ETag {
		t.Errorf("Object(%+v) = %+v", info, o)
	}
}
