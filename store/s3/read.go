package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/sparkmine/sparkmine/store"
)

// List calls fn for every object under prefix, in S3's order (lexical by
// UTF-8 bytes), from the calling goroutine, fetching pages of up to 1,000
// keys with ListObjectsV2 as it goes. It checks ctx before each call of fn.
// Keys ending in '/' (the folder markers of consoles) are left out.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := store.CheckPrefix(prefix); err != nil {
		return fmt.Errorf("list %s: %w", s.URI(prefix), err)
	}
	pages := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{
		Bucket: &s.bucket,
		Prefix: aws.String(s.prefix + prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return s.fail("list", prefix, err)
		}
		if err := s.visit(ctx, page, fn); err != nil {
			return err
		}
	}
	return nil
}

// visit calls fn for the objects of one listing page.
func (s *Store) visit(ctx context.Context, page *awss3.ListObjectsV2Output, fn func(store.ObjectInfo) error) error {
	for _, o := range page.Contents {
		if err := ctx.Err(); err != nil {
			return err
		}
		key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
		if key == "" || strings.HasSuffix(key, "/") {
			continue
		}
		err := fn(store.ObjectInfo{
			Key:     key,
			Size:    aws.ToInt64(o.Size),
			ModTime: aws.ToTime(o.LastModified),
			ETag:    etag(o.ETag),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Open streams the object with GetObject, asking for a Range when only part
// of it is wanted. A range past the end yields what is there, possibly
// nothing. The stream fails once ctx is done.
func (s *Store) Open(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	err := store.CheckKey(key)
	if err == nil && off < 0 {
		err = fmt.Errorf("negative offset %d", off)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.URI(key), err)
	}
	if length == 0 {
		if _, err := s.Stat(ctx, key); err != nil {
			return nil, err
		}
		return io.NopCloser(strings.NewReader("")), nil
	}
	out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{
		Bucket: &s.bucket,
		Key:    aws.String(s.prefix + key),
		Range:  httpRange(off, length),
	})
	if isInvalidRange(err) {
		// The object exists but starts at or before off.
		return io.NopCloser(strings.NewReader("")), nil
	}
	if err != nil {
		return nil, s.fail("open", key, err)
	}
	return out.Body, nil
}

// httpRange returns the Range header for length bytes from off (length < 0:
// to the end), or nil for the whole object.
func httpRange(off, length int64) *string {
	switch {
	case length < 0 && off == 0:
		return nil
	case length < 0:
		return aws.String("bytes=" + strconv.FormatInt(off, 10) + "-")
	}
	return aws.String(fmt.Sprintf("bytes=%d-%d", off, off+length-1))
}

// isInvalidRange reports whether err is S3's 416 for a range starting past
// the end of an object.
func isInvalidRange(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "InvalidRange"
}
