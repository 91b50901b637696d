package store

import (
	"context"
	"fmt"
)

// Copier is implemented by a Store that copies an object to another key of
// the same store without its bytes passing through the client: S3's
// CopyObject, a hard link on a local disk. Copy is atomic like Put (readers
// of to see the old object or the whole copy), leaves from as it is, and
// fails with an error wrapping fs.ErrNotExist when from is missing.
type Copier interface {
	Copy(ctx context.Context, from, to string) error
}

// Copy copies the object from to the key to inside s: server-side when s is
// a Copier, otherwise with CopyStream.
func Copy(ctx context.Context, s Store, from, to string) error {
	if c, ok := s.(Copier); ok {
		return c.Copy(ctx, from, to)
	}
	return CopyStream(ctx, s, from, to)
}

// CopyStream copies the object from to the key to inside s by streaming its
// bytes through Open and Put: the fallback of a Copier that cannot copy an
// object server-side.
func CopyStream(ctx context.Context, s Store, from, to string) error {
	rc, err := s.Open(ctx, from, 0, -1)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	defer rc.Close()
	if err := s.Put(ctx, to, rc); err != nil {
		return fmt.Errorf("copy %s: %w", s.URI(from), err)
	}
	return nil
}
