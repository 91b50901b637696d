package store

import (
	"context"
	"io"
)

// Creator is implemented by a Store that creates an object only where none
// exists, atomically: of any number of concurrent Creates of one key exactly
// one succeeds, and the others fail with an error wrapping fs.ErrExist (as
// does a Create of a key that holds an object). Like Put, readers see the
// whole object or none. It is the primitive of a lease: S3's conditional
// PutObject (If-None-Match: *), a hard link on a local disk. Objects made by
// Create are small (at most MaxCreateSize bytes).
type Creator interface {
	Create(ctx context.Context, key string, r io.Reader) error
}

// MaxCreateSize is the largest object a Creator must accept.
const MaxCreateSize = 1 << 20
