package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.Creator = (*Store)(nil)

// Create stores r under key with one conditional PutObject (If-None-Match:
// *): S3 refuses it with 412 Precondition Failed where the key holds an
// object, and with 409 ConditionalRequestConflict while a concurrent
// conditional write of the key is in flight; both are reported as
// fs.ErrExist. r may hold at most store.MaxCreateSize bytes.
func (s *Store) Create(ctx context.Context, key string, r io.Reader) error {
	if err := store.CheckKey(key); err != nil {
		return fmt.Errorf("create %s: %w", s.URI(key), err)
	}
	data, err := io.ReadAll(io.LimitReader(store.ContextReader(ctx, r), store.MaxCreateSize+1))
	if err == nil && len(data) > store.MaxCreateSize {
		err = fmt.Errorf("object over %d bytes", store.MaxCreateSize)
	}
	if err != nil {
		return s.fail("create", key, err)
	}
	_, err = s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           aws.String(s.prefix + key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		IfNoneMatch:   aws.String("*"),
	})
	if isConditionFailed(err) {
		return fmt.Errorf("create %s: %w", s.URI(key), fs.ErrExist)
	}
	if err != nil {
		return s.fail("create", key, err)
	}
	return nil
}

// isConditionFailed reports whether err is S3's refusal of a conditional
// write.
func isConditionFailed(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "PreconditionFailed", "ConditionalRequestConflict":
		return true
	}
	return false
}
