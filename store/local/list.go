package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/sparkmine/sparkmine/store"
)

// List calls fn, from the calling goroutine, for every file whose key
// starts with prefix, in lexical key order (the order of S3), skipping
// temporary files. It checks ctx before each call of fn. Files that vanish
// during the listing are left out; symbolic links to files are listed, to
// folders are not followed.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := store.CheckPrefix(prefix); err != nil {
		return fmt.Errorf("list %s: %w", s.URI(prefix), err)
	}
	dir, name := path.Split(prefix)
	return s.walk(ctx, dir, name, fn)
}

// walk lists the folder dir ("" or ending in '/'), keeping the entries whose
// name (with a '/' after a folder's) starts with namePrefix.
func (s *Store) walk(ctx context.Context, dir, namePrefix string, fn func(store.ObjectInfo) error) error {
	entries, err := s.readDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.name, namePrefix) {
			continue
		}
		if e.dir {
			if err := s.walk(ctx, dir+e.name, "", fn); err != nil {
				return err
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.visit(dir+e.name, fn); err != nil {
			return err
		}
	}
	return nil
}

// visit calls fn for the file key, unless it is gone or not a file.
func (s *Store) visit(key string, fn func(store.ObjectInfo) error) error {
	fi, err := os.Stat(s.URI(key))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.Mode().IsRegular()) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", s.URI(key), unwrapPath(err))
	}
	return fn(objectInfo(key, fi))
}

// entry is a listed name; a folder's name ends in '/', so that sorting the
// names sorts the keys beneath them.
type entry struct {
	name string
	dir  bool
}

// readDir returns the sorted entries of the folder dir, without temporary
// files; a missing folder has none.
func (s *Store) readDir(dir string) ([]entry, error) {
	des, err := os.ReadDir(s.URI(dir))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", s.URI(dir), unwrapPath(err))
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tempPrefix) {
			continue
		}
		if de.IsDir() {
			entries = append(entries, entry{de.Name() + "/", true})
		} else {
			entries = append(entries, entry{de.Name(), false})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return entries, nil
}
