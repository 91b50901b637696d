// Package s3test runs a real S3-compatible server for tests: a versitygw
// process serving a temporary folder on 127.0.0.1, with static test keys.
// Any package's tests can use it (the S3 store's, the pipeline's end to
// end tests, cmd's).
//
// One server per test binary, started on first use and stopped by Main:
//
//	func TestMain(m *testing.M) { s3test.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		srv := s3test.Shared(t)         // skips when versitygw is missing (fails under CI)
//		bucket := srv.NewBucket(t)      // a new empty bucket
//		st := srv.Store(t, bucket, "logs/") // a *s3.Store on s3://bucket/logs/
//		// or srv.Config(bucket, prefix) for s3.New; srv.Client() for raw calls;
//		// srv.Setenv(t) for code that opens "s3://bucket/..." with the default
//		// credential chain (AWS_ACCESS_KEY_ID…, AWS_ENDPOINT_URL_S3);
//		// srv.Env() for a child process.
//	}
//
// StartServer(t) starts a server of the test's own, stopped at its cleanup.
//
// versitygw is looked up on PATH, then in $SPARKMINE_TOOLS/bin, then in
// .tools/bin of the current folder or any above it (where
// scripts/install-test-deps.sh installs it), then in $GOPATH/bin. When it is
// missing the tests that need it are skipped, unless the environment
// variable CI is set: then they fail, asking for scripts/install-test-deps.sh.
package s3test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	sparks3 "github.com/sparkmine/sparkmine/store/s3"
)

// The server's root keys and region.
const (
	AccessKey = "sparkmine-test-access"
	SecretKey = "sparkmine-test-secret"
	Region    = "us-east-1"
)

// Server is a running versitygw.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	Dir      string // the folder it serves: one subfolder per bucket

	proc    *process
	client  *awss3.Client
	buckets atomic.Int64
}

// Credentials returns the server's static keys for an SDK client.
func Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")
}

// Client returns an S3 client of the server, for calls the store does not
// make (ListMultipartUploads, …).
func (s *Server) Client() *awss3.Client { return s.client }

// Config returns the store configuration for bucket and prefix on the server.
func (s *Server) Config(bucket, prefix string) sparks3.Config {
	return sparks3.Config{
		Bucket:      bucket,
		Prefix:      prefix,
		Region:      Region,
		Endpoint:    s.Endpoint,
		PathStyle:   true,
		Credentials: Credentials(),
	}
}

// Store returns a store of bucket and prefix on the server.
func (s *Server) Store(tb testing.TB, bucket, prefix string) *sparks3.Store {
	tb.Helper()
	st, err := sparks3.New(context.Background(), s.Config(bucket, prefix))
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// CreateBucket creates a bucket.
func (s *Server) CreateBucket(ctx context.Context, name string) error {
	_, err := s.client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &name})
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

// NewBucket creates a bucket of a new name and returns the name.
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test-%04d", s.buckets.Add(1))
	if err := s.CreateBucket(context.Background(), name); err != nil {
		tb.Fatal(err)
	}
	return name
}

// Env returns the environment that points the SDK's default chain at the
// server: keys, region and AWS_ENDPOINT_URL_S3. The SDK addresses buckets
// path-style on an IP endpoint, so no other setting is needed.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + Region,
		"AWS_ENDPOINT_URL_S3=" + s.Endpoint,
		"AWS_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Setenv sets Env for the rest of the test (not in parallel tests).
func (s *Server) Setenv(tb testing.TB) {
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		tb.Setenv(k, v)
	}
}

// StartServer starts a server of the test's own, stopped when the test
// ends. It skips the test when versitygw is missing, or fails it under CI.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	bin := require(tb)
	srv, err := start(context.Background(), bin)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Error(err)
		}
	})
	return srv
}

var shared struct {
	sync.Mutex
	main bool // Main is running the tests
	srv  *Server
	err  error
}

// Shared returns the test binary's server, starting it on first use; Main
// stops it. It skips the test when versitygw is missing, or fails it under
// CI.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	bin := require(tb)
	shared.Lock()
	defer shared.Unlock()
	if !shared.main {
		tb.Fatal("s3test.Shared needs s3test.Main(m) in the package's TestMain, to stop the server")
	}
	if shared.srv == nil && shared.err == nil {
		shared.srv, shared.err = start(context.Background(), bin)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.srv
}

// Main runs the tests and stops the shared server, if one was started.
func Main(m *testing.M) {
	shared.Lock()
	shared.main = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	if shared.srv != nil {
		if err := shared.srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "s3test:", err)
			code = max(code, 1)
		}
		shared.srv = nil
	}
	shared.Unlock()
	os.Exit(code)
}

// require returns versitygw's path, or skips tb (fails it under CI).
func require(tb testing.TB) string {
	tb.Helper()
	bin, err := Find()
	switch {
	case err == nil:
		return bin
	case os.Getenv("CI") != "" || !errors.Is(err, ErrNotInstalled):
		tb.Fatalf("%v: run scripts/install-test-deps.sh (or make test)", err)
	default:
		tb.Skipf("%v: run scripts/install-test-deps.sh to run the S3 tests", err)
	}
	return ""
}
