package s3

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.Copier = (*Store)(nil)

// maxCopySize is the largest object one CopyObject copies (5 GiB); larger
// ones would need a multipart UploadPartCopy, and are streamed instead.
const maxCopySize = 5 << 30

// Copy copies the object from to the key to with one server-side
// CopyObject, so its bytes never pass through this machine; S3 shows the
// copy only once it is whole. An object over 5 GiB is streamed through Open
// and Put instead.
func (s *Store) Copy(ctx context.Context, from, to string) error {
	if err := store.CheckKey(from); err != nil {
		return fmt.Errorf("copy %s: %w", s.URI(from), err)
	}
	if err := store.CheckKey(to); err != nil {
		return fmt.Errorf("copy to %s: %w", s.URI(to), err)
	}
	info, err := s.Stat(ctx, from)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if info.Size > maxCopySize {
		return store.CopyStream(ctx, s, from, to)
	}
	// CopySource is "bucket/key" with the key URL-encoded ('/' may stay;
	// '+' must not, or S3 reads it as a space).
	esc := strings.ReplaceAll(url.QueryEscape(s.prefix+from), "+", "%20")
	src := s.bucket + "/" + strings.ReplaceAll(esc, "%2F", "/")
	_, err = s.client.CopyObject(ctx, &awss3.CopyObjectInput{
		Bucket:     &s.bucket,
		Key:        aws.String(s.prefix + to),
		CopySource: aws.String(src),
	})
	if err != nil {
		return fmt.Errorf("copy %s: %w", s.URI(from), s.fail("copy to", to, err))
	}
	return nil
}
