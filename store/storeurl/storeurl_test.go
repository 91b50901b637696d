package storeurl_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store/s3/s3test"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

func TestMain(m *testing.M) { s3test.Main(m) }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want storeurl.Location
	}{
		{"s3://bucket/spark-logs/", storeurl.Location{Scheme: "s3", Bucket: "bucket", Prefix: "spark-logs/"}},
		{"s3://bucket/a/b", storeurl.Location{Scheme: "s3", Bucket: "bucket", Prefix: "a/b/"}},
		{"s3://bucket", storeurl.Location{Scheme: "s3", Bucket: "bucket"}},
		{"s3://bucket/", storeurl.Location{Scheme: "s3", Bucket: "bucket"}},
		{"s3a://bucket/logs/", storeurl.Location{Scheme: "s3", Bucket: "bucket", Prefix: "logs/"}},
		{"s3://bucket/odd?#%20/", storeurl.Location{Scheme: "s3", Bucket: "bucket", Prefix: "odd?#%20/"}},
		{"S3://bucket/with space/", storeurl.Location{Scheme: "s3", Bucket: "bucket", Prefix: "with space/"}},
		{"file:///var/log/spark/", storeurl.Location{Scheme: "file", Path: "/var/log/spark"}},
		{"file://localhost/tmp/x", storeurl.Location{Scheme: "file", Path: "/tmp/x"}},
		{"/var/log/spark/", storeurl.Location{Scheme: "file", Path: "/var/log/spark"}},
		{"./sparkmine-out", storeurl.Location{Scheme: "file", Path: "sparkmine-out"}},
		{"out", storeurl.Location{Scheme: "file", Path: "out"}},
	} {
		got, err := storeurl.Parse(tc.raw)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.raw, got, err, tc.want)
		}
	}
	for _, raw := range []string{"", "s3://", "s3:///prefix", "s3://b/../x", "s3://b/a//c/", "gs://b/x", "hdfs://nn/logs", "file://otherhost/x", "file://"} {
		if got, err := storeurl.Parse(raw); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", raw, got)
		}
	}
}

func TestLocationString(t *testing.T) {
	for _, raw := range []string{"s3://b/p/", "s3://b/", "/tmp/x"} {
		loc, _ := storeurl.Parse(raw)
		if loc.String() != raw {
			t.Errorf("Parse(%q).String() = %q", raw, loc.String())
		}
	}
}

func TestOpenLocal(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := storeurl.Open(ctx, dir, storeurl.Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing folder) = %v, want fs.ErrNotExist", err)
	}
	st, err := storeurl.Open(ctx, "file://"+filepath.ToSlash(dir), storeurl.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "a/b", strings.NewReader("hi")); err != nil {
		t.Fatal(err)
	}
	if got, want := st.URI("a/b"), filepath.Join(dir, "a", "b"); got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
	st2, err := storeurl.Open(ctx, dir, storeurl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st2.Stat(ctx, "a/b"); err != nil {
		t.Errorf("Stat through a second Open: %v", err)
	}
}

// TestOpenS3FromEnvironment opens s3:// with nothing but the environment a
// deployment has (keys, region, AWS_ENDPOINT_URL_S3), as cmd does.
func TestOpenS3FromEnvironment(t *testing.T) {
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	srv.Setenv(t)
	ctx := context.Background()
	st, err := storeurl.Open(ctx, "s3a://"+bucket+"/logs", storeurl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "app-1", strings.NewReader("event log")); err != nil {
		t.Fatal(err)
	}
	if got, want := st.URI("app-1"), "s3://"+bucket+"/logs/app-1"; got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
	check := srv.Store(t, bucket, "logs/")
	rc, err := check.Open(ctx, "app-1", 6, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); string(b) != "log" {
		t.Errorf("read %q", b)
	}
}

// TestOpenS3WithOptions opens s3:// with an explicit endpoint, as a config
// file would give it.
func TestOpenS3WithOptions(t *testing.T) {
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	srv.Setenv(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1") // overridden by Options
	ctx := context.Background()
	st, err := storeurl.Open(ctx, "s3://"+bucket+"/", storeurl.Options{Endpoint: srv.Endpoint, PathStyle: true, Region: s3test.Region})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "k", strings.NewReader("v")); err != nil {
		t.Fatal(err)
	}
}
