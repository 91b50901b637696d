//go:build cgo

package sqldb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// TestMirror: a dataset on S3 (versitygw) is mirrored into a folder and
// answers as the original; a second mirror fetches nothing; a part gone
// from S3 goes from the mirror; a day filter fetches only its days.
func TestMirror(t *testing.T) {
	ctx := context.Background()
	root, rows := dataset(t)
	srv := s3test.Shared(t)
	bucket := srv.Store(t, srv.NewBucket(t), "sparkmine/")
	src, err := local.New(root)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := src.List(ctx, "", func(o store.ObjectInfo) error { keys = append(keys, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		r, _ := src.Open(ctx, k, 0, -1)
		if err := bucket.Put(ctx, k, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	dir := t.TempDir()
	n, err := Mirror(ctx, bucket, dir, []string{"apps", "stages"}, nil)
	if err != nil || n == 0 {
		t.Fatalf("Mirror: %d bytes, %v", n, err)
	}
	db := open(t, dir, DefaultLimits())
	res, err := db.Query(ctx, "SELECT count(*) FROM apps")
	if err != nil || res.Rows[0][0] != int64(len(rows)) {
		t.Errorf("mirrored apps: %v, %v; want %d", res, err, len(rows))
	}
	if n, err := Mirror(ctx, bucket, dir, []string{"apps"}, nil); n != 0 || err != nil {
		t.Errorf("second mirror fetched %d bytes, %v", n, err)
	}
	gone := keys[0]
	if err := bucket.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := Mirror(ctx, bucket, dir, []string{"apps"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
		t.Errorf("%s deleted from S3 is still mirrored: %v", gone, err)
	}
	only := t.TempDir()
	if _, err := Mirror(ctx, bucket, only, []string{"apps"}, func(d string) bool { return d == "2026-11-25" }); err != nil {
		t.Fatal(err)
	}
	days, _ := filepath.Glob(filepath.Join(only, "apps", "dt=*"))
	if len(days) != 1 || filepath.Base(days[0]) != "dt=2026-11-25" {
		t.Errorf("day filter mirrored %v", days)
	}
}
