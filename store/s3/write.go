package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sparkmine/sparkmine/store"
)

// abortTimeout bounds the AbortMultipartUpload of a failed Put, which runs
// even when the Put's context is done.
const abortTimeout = 30 * time.Second

// Put stores everything r yields under key. It reads up to one part: if r
// ends within it, one PutObject stores it; otherwise a multipart upload
// streams r one part at a time and is aborted if anything fails. S3 shows
// the object only once the PutObject or CompleteMultipartUpload succeeds,
// so a failed Put leaves the old object, or none.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	if err := store.CheckKey(key); err != nil {
		return fmt.Errorf("put %s: %w", s.URI(key), err)
	}
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	r = store.ContextReader(ctx, r)
	n, full, err := readPart(r, *bp)
	if err != nil {
		return s.fail("put", key, err)
	}
	if !full {
		err = s.putObject(ctx, key, (*bp)[:n])
	} else {
		err = s.putMultipart(ctx, key, *bp, r)
	}
	if err != nil {
		return s.fail("put", key, err)
	}
	return nil
}

// readPart fills buf from r. It reports how many bytes it read and whether
// buf is full (so r may have more); r's end is not an error.
func readPart(r io.Reader, buf []byte) (n int, full bool, err error) {
	n, err = io.ReadFull(r, buf)
	switch {
	case err == nil:
		return n, true, nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return n, false, nil
	}
	return n, false, err
}

func (s *Store) putObject(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           aws.String(s.prefix + key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	})
	return err
}

// putMultipart uploads first, a full part, and the rest of r in parts, and
// completes the upload, or aborts it on any failure.
func (s *Store) putMultipart(ctx context.Context, key string, first []byte, r io.Reader) error {
	out, err := s.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{
		Bucket:            &s.bucket,
		Key:               aws.String(s.prefix + key),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return fmt.Errorf("create multipart upload: %w", err)
	}
	up := &upload{s: s, key: aws.String(s.prefix + key), id: out.UploadId}
	err = up.run(ctx, first, r)
	if err != nil {
		if abortErr := up.abort(ctx); abortErr != nil {
			err = fmt.Errorf("%w (and abort multipart upload %s: %v)", err, aws.ToString(up.id), abortErr)
		}
	}
	return err
}

// upload is a multipart upload in progress.
type upload struct {
	s     *Store
	key   *string
	id    *string
	parts []types.CompletedPart
}

// run uploads buf, which is full, then the rest of r reusing buf, then
// completes the upload.
func (u *upload) run(ctx context.Context, buf []byte, r io.Reader) error {
	for n, full := len(buf), true; n > 0; {
		if err := u.part(ctx, buf[:n]); err != nil {
			return err
		}
		if !full {
			break
		}
		var err error
		if n, full, err = readPart(r, buf); err != nil {
			return err
		}
	}
	_, err := u.s.client.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{
		Bucket:          &u.s.bucket,
		Key:             u.key,
		UploadId:        u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts},
	})
	if err != nil {
		return fmt.Errorf("complete multipart upload: %w", err)
	}
	return nil
}

// part uploads the next part.
func (u *upload) part(ctx context.Context, data []byte) error {
	num := aws.Int32(int32(len(u.parts) + 1))
	out, err := u.s.client.UploadPart(ctx, &awss3.UploadPartInput{
		Bucket:            &u.s.bucket,
		Key:               u.key,
		UploadId:          u.id,
		PartNumber:        num,
		Body:              bytes.NewReader(data),
		ContentLength:     aws.Int64(int64(len(data))),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return fmt.Errorf("upload part %d: %w", *num, err)
	}
	u.parts = append(u.parts, types.CompletedPart{PartNumber: num, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	return nil
}

// abortTries bounds abort's rounds of AbortMultipartUpload and ListParts.
const abortTries = 4

// abort aborts the upload, even when ctx is done. A part upload whose
// request was cancelled with ctx may still be landing on the server and
// outlive the abort ("it might be necessary to abort a given multipart
// upload multiple times", S3's AbortMultipartUpload documentation), so
// abort asks ListParts whether the upload is gone, and aborts again if not.
func (u *upload) abort(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	for try := 1; ; try++ {
		_, err := u.s.client.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{
			Bucket:   &u.s.bucket,
			Key:      u.key,
			UploadId: u.id,
		})
		if err != nil && !isNoSuchUpload(err) {
			return err
		}
		_, err = u.s.client.ListParts(ctx, &awss3.ListPartsInput{
			Bucket:   &u.s.bucket,
			Key:      u.key,
			UploadId: u.id,
			MaxParts: aws.Int32(1),
		})
		switch {
		case isNoSuchUpload(err):
			return nil
		case try == abortTries && err != nil:
			return err
		case try == abortTries:
			return fmt.Errorf("multipart upload %s still there after %d aborts", *u.id, try)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(try) * 100 * time.Millisecond):
		}
	}
}

// isNoSuchUpload reports whether err is S3's "no such upload".
func isNoSuchUpload(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchUpload"
}
