package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrBadEntry is wrapped by the reason of an entry a listing met but could
// not list as an object: an unreadable folder, a symbolic link loop, a link
// pointing out of the store's root, a key that would escape the root.
var ErrBadEntry = errors.New("bad entry")

// EntryLister is implemented by a Store whose listing can meet entries that
// are not objects it can read (a local folder: unreadable sub-folders,
// symbolic link loops, links out of the root). ListEntries is List, except
// that such an entry does not stop the listing: bad is called with its key
// and the reason (wrapping ErrBadEntry), from the calling goroutine, in
// listing order, and the listing goes on. An unreadable root still fails it.
type EntryLister interface {
	ListEntries(ctx context.Context, prefix string, fn func(ObjectInfo) error, bad func(key string, reason error)) error
}

// ListEntries lists s under prefix like List, reporting to bad rather than
// failing on the entries it cannot list as objects: through s's own
// EntryLister when it has one, and, for every store, a listed key that
// would escape the root (an S3 key with a ".." element) instead of handing
// it to fn.
func ListEntries(ctx context.Context, s Store, prefix string, fn func(ObjectInfo) error, bad func(key string, reason error)) error {
	checked := func(o ObjectInfo) error {
		if err := CheckKey(o.Key); err != nil {
			bad(o.Key, fmt.Errorf("%w: %w", ErrBadEntry, err))
			return nil
		}
		return fn(o)
	}
	if el, ok := s.(EntryLister); ok {
		return el.ListEntries(ctx, prefix, checked, bad)
	}
	return s.List(ctx, prefix, checked)
}

// TempSweeper is implemented by a Store whose interrupted writes leave
// temporary files behind (a local folder: a process killed inside Put).
// SweepTemp deletes those last changed before a time and returns how many.
type TempSweeper interface {
	SweepTemp(ctx context.Context, before time.Time) (int, error)
}
