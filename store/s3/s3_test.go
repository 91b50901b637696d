package s3_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/sparkmine/sparkmine/store"
	sparks3 "github.com/sparkmine/sparkmine/store/s3"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
	"github.com/sparkmine/sparkmine/store/storetest"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// calls counts the S3 operations a client makes, and the listing pages that
// had more after them.
type calls struct {
	mu        sync.Mutex
	ops       map[string]int
	truncated int
}

// option returns a client option that counts the client's calls.
func (c *calls) option() func(*awss3.Options) {
	count := middleware.InitializeMiddlewareFunc("count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleInitialize(ctx, in)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.ops[middleware.GetOperationName(ctx)]++
		if l, ok := out.Result.(*awss3.ListObjectsV2Output); ok && l.IsTruncated != nil && *l.IsTruncated {
			c.truncated++
		}
		return out, md, err
	})
	return func(o *awss3.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(count, middleware.After)
		})
	}
}

func TestConformance(t *testing.T) {
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	c := &calls{ops: map[string]int{}}
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		n++
		cfg := srv.Config(bucket, fmt.Sprintf("suite/%03d", n))
		cfg.ClientOptions = append(cfg.ClientOptions, c.option())
		st, err := sparks3.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { checkNoUploads(t, srv, bucket, st.Prefix()) })
		return st
	})
	// The suite took the paths it means to test (when -run selected all of it).
	t.Logf("S3 calls: %v; truncated listing pages: %d", c.ops, c.truncated)
	if f := flag.Lookup("test.run"); f != nil && strings.Contains(f.Value.String(), "/") {
		return
	}
	if c.truncated == 0 {
		t.Errorf("no listing went past one page")
	}
	for op, min := range map[string]int{"CompleteMultipartUpload": 1, "UploadPart": 3, "AbortMultipartUpload": 3, "ListParts": 3, "CopyObject": 1} {
		if c.ops[op] < min {
			t.Errorf("%d %s calls, want at least %d", c.ops[op], op, min)
		}
	}
	if got := c.ops["ListMultipartUploads"]; got != 0 {
		t.Errorf("the store listed multipart uploads %d times", got)
	}
}

// checkNoUploads fails t if a multipart upload is left under prefix: a
// failed or cancelled Put must abort its upload.
func checkNoUploads(t *testing.T, srv *s3test.Server, bucket, prefix string) {
	out, err := srv.Client().ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{
		Bucket: &bucket,
		Prefix: &prefix,
	})
	if err != nil {
		t.Fatalf("list multipart uploads: %v", err)
	}
	for _, u := range out.Uploads {
		t.Errorf("multipart upload left: %s (id %s)", *u.Key, *u.UploadId)
	}
}

func TestBucketRootAndPrefixes(t *testing.T) {
	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	ctx := context.Background()
	rootStore := srv.Store(t, bucket, "")
	for _, k := range []string{"a/x", "ab/y", "a/folder/", "z"} {
		body := k // a folder marker is empty
		if strings.HasSuffix(k, "/") {
			body = ""
		}
		if _, err := srv.Client().PutObject(ctx, &awss3.PutObjectInput{Bucket: &bucket, Key: &k, Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := listKeys(t, rootStore, ""); strings.Join(got, " ") != "a/x ab/y z" {
		t.Errorf("root List = %q, want [a/x ab/y z] (no folder marker)", got)
	}
	a := srv.Store(t, bucket, "a") // the prefix "a" means the folder "a/"
	if got := listKeys(t, a, ""); strings.Join(got, " ") != "x" {
		t.Errorf("List of s3://%s/a/ = %q, want [x]", bucket, got)
	}
	if got, want := a.URI("x"), "s3://"+bucket+"/a/x"; got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
	if _, err := a.Stat(ctx, "y"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat of a sibling prefix's key = %v, want fs.ErrNotExist", err)
	}
	oi, err := rootStore.Stat(ctx, "a/x")
	if err != nil || oi.ETag == "" || strings.Contains(oi.ETag, `"`) {
		t.Errorf("Stat = %+v, %v; want an ETag without quotes", oi, err)
	}
}

func TestMissingBucketIsNotNotFound(t *testing.T) {
	srv := s3test.Shared(t)
	st := srv.Store(t, "no-such-bucket", "")
	ctx := context.Background()
	err := st.List(ctx, "", func(store.ObjectInfo) error { return nil })
	if err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "s3://no-such-bucket/") {
		t.Errorf("List of a missing bucket = %v, want an error naming it, not fs.ErrNotExist", err)
	}
	if err := st.Put(ctx, "k", strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "put s3://no-such-bucket/k") {
		t.Errorf("Put to a missing bucket = %v", err)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []sparks3.Config{
		{},
		{Bucket: "a/b"},
		{Bucket: "b", Prefix: "../x"},
		{Bucket: "b", Prefix: "/x"},
		{Bucket: "b", PartSize: 1 << 20},
	} {
		if _, err := sparks3.New(ctx, cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestDefaultRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
	var region string
	_, err := sparks3.New(context.Background(), sparks3.Config{
		Bucket:        "b",
		ClientOptions: []func(*awss3.Options){func(o *awss3.Options) { region = o.Region }},
	})
	if err != nil || region != sparks3.DefaultRegion {
		t.Errorf("region = %q, %v; want %q", region, err, sparks3.DefaultRegion)
	}
}

func listKeys(t *testing.T, s store.Store, prefix string) []string {
	var got []string
	if err := s.List(context.Background(), prefix, func(oi store.ObjectInfo) error {
		got = append(got, oi.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}
