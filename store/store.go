// Package store holds sparkmine's data where users keep it: one object-store
// interface with a local-folder backend (subpackage local) and an S3 backend
// (subpackage s3), both checked by one conformance suite (subpackage
// storetest), and the Parquet tables written and read through it (subpackage
// table). It knows nothing of Spark.
//
// Open a store from a user's location (s3://bucket/prefix/, file:///path or
// a folder) with package storeurl.
package store

import (
	"context"
	"io"
	"time"
)

// ObjectInfo describes one stored object.
type ObjectInfo struct {
	Key     string    // relative to the store's root, '/'-separated
	Size    int64     // bytes
	ModTime time.Time // last modified
	ETag    string    // the backend's version tag ("" where it has none)
}

// Store is an object store rooted at a prefix (a folder, or s3://bucket/prefix/).
//
// Keys are '/'-separated paths relative to the root. A key that is empty,
// absolute, or that would escape the root (a ".." element) is refused with an
// error wrapping ErrBadKey. Not-found errors wrap fs.ErrNotExist.
type Store interface {
	// List calls fn for every object whose key starts with prefix, in
	// lexical key order, from the calling goroutine. It stops at the first
	// error fn returns and returns it. Cancelling ctx stops the listing
	// with ctx.Err(), checked before each call of fn. Listing a prefix with
	// no objects is not an error. The prefix is plain string matching: "a/b"
	// lists "a/b/c" and "a/bc"; "a/b/" only the first. A prefix that could
	// escape the root is refused (see CheckPrefix).
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error

	// Stat returns the object's info.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// Open returns a stream of the object's bytes from offset off; length
	// < 0 reads to the end. A range past the end yields what is there,
	// possibly nothing; a negative off is an error. The stream fails once
	// ctx is done. The caller closes it.
	Open(ctx context.Context, key string, off, length int64) (io.ReadCloser, error)

	// Put stores everything r yields under key atomically: readers see the
	// old object (or none) until the whole new one is there. When r or ctx
	// fails midway, no object is left behind and the error wraps r's error
	// or ctx's. Put does not close r.
	Put(ctx context.Context, key string, r io.Reader) error

	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error

	// URI returns the location of key as a user would write it
	// (s3://bucket/prefix/key, or a local path).
	URI(key string) string
}
