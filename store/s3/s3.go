// Package s3 is a store.Store in an Amazon S3 bucket, or in any
// S3-compatible store, rooted at a key prefix (s3://bucket/prefix/).
//
// It uses the aws-sdk-go-v2 S3 client with the default credential chain
// (environment, shared profiles, EMR/EC2 instance profile, …), the SDK's
// standard retryer, and the SDK's endpoint settings, so AWS_ENDPOINT_URL_S3
// points it at an S3-compatible store; Config.Endpoint does the same
// explicitly. The region comes from Config.Region, then the environment and
// profile, then us-east-1.
//
// Put buffers up to one part (Config.PartSize, 8 MiB by default) of the
// reader: an object that fits is stored with one PutObject, a larger one is
// streamed with a multipart upload, one part in memory at a time, which is
// aborted when the reader, the context or a request fails. Either way S3
// makes the object visible only once complete.
//
// The test harness (a real S3-compatible server process) is in subpackage
// s3test.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sparkmine/sparkmine/store"
)

// DefaultPartSize is the multipart part size, and the largest object that
// Put stores with a single PutObject.
const DefaultPartSize = 8 << 20

// minPartSize is S3's smallest part size (except the last).
const minPartSize = 5 << 20

// retryableCodes are error codes the SDK's retryer does not know but that
// a retry clears. S3-compatible stores on a POSIX file system (versitygw's
// posix backend) delete a folder left empty by a DeleteObject; a PutObject
// or CopyObject that has just created that folder for another key then
// fails to link its file, which versitygw reports as
// "409 ExistingObjectIsDirectory". Amazon S3 has no folders and never
// sends it.
var retryableCodes = []string{"ExistingObjectIsDirectory"}

// DefaultRegion is the region when neither Config nor the environment sets one.
const DefaultRegion = "us-east-1"

// Config says which bucket and prefix a Store serves and how to reach it.
// Only Bucket is required.
type Config struct {
	Bucket string
	Prefix string // key prefix of the store's root; a '/' is added if missing

	Region    string // "": AWS_REGION or the profile's, else DefaultRegion
	Endpoint  string // an S3-compatible store's URL; "": AWS_ENDPOINT_URL_S3 or AWS
	PathStyle bool   // address buckets as endpoint/bucket, as most S3-compatible stores need

	// Credentials replaces the default credential chain (tests use static
	// keys this way, leaving the environment alone).
	Credentials aws.CredentialsProvider

	// PartSize is the multipart part size and single-PUT threshold; 0 means
	// DefaultPartSize. S3 refuses parts under 5 MiB.
	PartSize int64

	// ClientOptions are applied to the S3 client after the above (an HTTP
	// client, a retryer, middleware…).
	ClientOptions []func(*awss3.Options)
}

// Store is a store.Store in an S3 bucket. It is safe for concurrent use.
type Store struct {
	client   *awss3.Client
	bucket   string
	prefix   string // "" or ending in '/'
	partSize int64
	bufs     sync.Pool // of *[]byte, partSize long
}

var _ store.Store = (*Store)(nil)

// New returns the store cfg describes. It loads the SDK's configuration but
// does not contact S3.
func New(ctx context.Context, cfg Config) (*Store, error) {
	awscfg, err := loadConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("s3 store %s: %w", root(cfg), err)
	}
	opts := append([]func(*awss3.Options){func(o *awss3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		o.Retryer = retry.AddWithErrorCodes(o.Retryer, retryableCodes...)
	}}, cfg.ClientOptions...)
	client := awss3.NewFromConfig(awscfg, opts...)
	return NewFromClient(client, cfg)
}

// NewFromClient returns a store that uses client, from cfg's Bucket, Prefix
// and PartSize.
func NewFromClient(client *awss3.Client, cfg Config) (*Store, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, fmt.Errorf("s3 store %s: %w", root(cfg), err)
	}
	s := &Store{client: client, bucket: cfg.Bucket, prefix: normPrefix(cfg.Prefix), partSize: cfg.PartSize}
	if s.partSize == 0 {
		s.partSize = DefaultPartSize
	}
	s.bufs.New = func() any { b := make([]byte, s.partSize); return &b }
	return s, nil
}

// loadConfig loads the SDK's default configuration with cfg's overrides.
func loadConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithLogger(sdkLogger{})}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	awscfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if awscfg.Region == "" {
		awscfg.Region = DefaultRegion
	}
	return awscfg, nil
}

func checkConfig(cfg Config) error {
	switch {
	case cfg.Bucket == "" || strings.ContainsAny(cfg.Bucket, "/ "):
		return fmt.Errorf("bad bucket name %q", cfg.Bucket)
	case cfg.PartSize != 0 && cfg.PartSize < minPartSize:
		return fmt.Errorf("part size %d is under S3's minimum of 5 MiB", cfg.PartSize)
	}
	return store.CheckPrefix(normPrefix(cfg.Prefix))
}

// normPrefix returns prefix ending in '/', or "".
func normPrefix(prefix string) string {
	if prefix == "" || strings.HasSuffix(prefix, "/") {
		return prefix
	}
	return prefix + "/"
}

func root(cfg Config) string { return "s3://" + cfg.Bucket + "/" + normPrefix(cfg.Prefix) }

// Bucket returns the store's bucket.
func (s *Store) Bucket() string { return s.bucket }

// Prefix returns the key prefix of the store's root ("" or ending in '/').
func (s *Store) Prefix() string { return s.prefix }

// URI returns s3://bucket/prefix/key.
func (s *Store) URI(key string) string { return "s3://" + s.bucket + "/" + s.prefix + key }

// Stat returns the object's info from HeadObject.
func (s *Store) Stat(ctx context.Context, key string) (store.ObjectInfo, error) {
	if err := store.CheckKey(key); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("stat %s: %w", s.URI(key), err)
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)})
	if err != nil {
		return store.ObjectInfo{}, s.fail("stat", key, err)
	}
	return store.ObjectInfo{
		Key:     key,
		Size:    aws.ToInt64(out.ContentLength),
		ModTime: aws.ToTime(out.LastModified),
		ETag:    etag(out.ETag),
	}, nil
}

// Delete removes the object; S3 does not mind a missing key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := store.CheckKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", s.URI(key), err)
	}
	_, err := s.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)})
	if err != nil && !isNotFound(err) {
		return s.fail("delete", key, err)
	}
	return nil
}

// fail wraps err from op on key; a not-found error becomes fs.ErrNotExist
// and a context error is kept as it is.
func (s *Store) fail(op, key string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("%s %s: %w", op, s.URI(key), fs.ErrNotExist)
	}
	if ctxErr := contextError(err); ctxErr != nil {
		return fmt.Errorf("%s %s: %w", op, s.URI(key), ctxErr)
	}
	return fmt.Errorf("%s %s: %w", op, s.URI(key), err)
}

// isNotFound reports whether err is S3's "no such key" (NotFound is what
// HeadObject reports, having no body to say more).
func isNotFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return false
}

// contextError returns the context error in err's chain, if any. The SDK
// wraps it, but not always where errors.Is finds it in one step.
func contextError(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	return nil
}

// etag returns an ETag without its quotes.
func etag(s *string) string { return strings.Trim(aws.ToString(s), `"`) }
