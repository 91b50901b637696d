package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.EntryLister = (*Store)(nil)

// List calls fn, from the calling goroutine, for every file whose key
// starts with prefix, in lexical key order (the order of S3), skipping
// temporary files. It checks ctx before each call of fn. Files that vanish
// during the listing are left out; symbolic links to files inside the root
// are listed, to folders are not followed. An entry it cannot list (see
// ListEntries) fails the listing.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	return s.ListEntries(ctx, prefix, fn, nil)
}

// ListEntries is List, except that an entry it cannot list as an object
// is passed to bad with the reason, and the listing goes on: a sub-folder
// it cannot read, a symbolic link it cannot resolve (a loop, a dangling
// link is just left out) or one that points out of the root. With bad nil,
// such an entry fails the listing.
func (s *Store) ListEntries(ctx context.Context, prefix string, fn func(store.ObjectInfo) error, bad func(key string, reason error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := store.CheckPrefix(prefix); err != nil {
		return fmt.Errorf("list %s: %w", s.URI(prefix), err)
	}
	w := &walker{s: s, fn: fn, bad: bad}
	if w.bad == nil {
		w.bad = func(key string, reason error) { w.err = cmpErr(w.err, fmt.Errorf("list %s: %w", s.URI(key), reason)) }
	}
	dir, name := path.Split(prefix)
	entries, err := s.readDir(dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", s.URI(dir), err)
	}
	if err := w.walk(ctx, dir, name, entries); err != nil {
		return err
	}
	return w.err
}

// cmpErr keeps the first error.
func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// walker is one listing.
type walker struct {
	s    *Store
	fn   func(store.ObjectInfo) error
	bad  func(key string, reason error)
	err  error  // the first bad entry when the caller gave no bad
	real string // the root with its symbolic links resolved, once needed
}

// walk lists the entries of the folder dir ("" or ending in '/'), keeping
// those whose name (with a '/' after a folder's) starts with namePrefix.
func (w *walker) walk(ctx context.Context, dir, namePrefix string, entries []entry) error {
	for _, e := range entries {
		if w.err != nil {
			return w.err
		}
		if !strings.HasPrefix(e.name, namePrefix) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.visit(ctx, dir+e.name, e); err != nil {
			return err
		}
	}
	return nil
}

// visit lists the folder or file key.
func (w *walker) visit(ctx context.Context, key string, e entry) error {
	if e.dir {
		sub, err := w.s.readDir(key)
		if err != nil {
			w.bad(key, fmt.Errorf("%w: unreadable folder: %w", store.ErrBadEntry, err))
			return nil
		}
		return w.walk(ctx, key, "", sub)
	}
	fi, err := os.Stat(w.s.URI(key))
	switch {
	case errors.Is(err, syscall.ELOOP):
		w.bad(key, fmt.Errorf("%w: symbolic link loop", store.ErrBadEntry))
		return nil
	case errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.Mode().IsRegular()):
		return nil
	case err != nil:
		w.bad(key, fmt.Errorf("%w: %w", store.ErrBadEntry, unwrapPath(err)))
		return nil
	}
	if e.link && !w.inside(key) {
		w.bad(key, fmt.Errorf("%w: symbolic link to a file outside %s", store.ErrBadEntry, w.s.root))
		return nil
	}
	return w.fn(objectInfo(key, fi))
}

// inside reports whether the symbolic link key resolves to a file under
// the root.
func (w *walker) inside(key string) bool {
	if w.real == "" {
		w.real, _ = filepath.EvalSymlinks(w.s.root)
	}
	target, err := filepath.EvalSymlinks(w.s.URI(key))
	return err == nil && strings.HasPrefix(target, w.real+string(filepath.Separator))
}

// entry is a listed name; a folder's name ends in '/', so that sorting the
// names sorts the keys beneath them.
type entry struct {
	name string
	dir  bool
	link bool // a symbolic link
}

// readDir is os.ReadDir; a test stands in a permission error for it, as
// root reads every folder.
var readDir = os.ReadDir

// readDir returns the sorted entries of the folder dir, without temporary
// files; a missing folder has none.
func (s *Store) readDir(dir string) ([]entry, error) {
	des, err := readDir(s.URI(dir))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, unwrapPath(err)
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		switch {
		case strings.HasPrefix(de.Name(), tempPrefix):
		case de.IsDir():
			entries = append(entries, entry{name: de.Name() + "/", dir: true})
		default:
			entries = append(entries, entry{name: de.Name(), link: de.Type()&fs.ModeSymlink != 0})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return entries, nil
}
