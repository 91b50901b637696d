// Package local is a store.Store in a folder of the local file system.
//
// Keys map to files under the root ('/' becomes the OS separator). Put
// writes a temporary file in the object's folder, syncs it and renames it
// into place, so a reader sees the old file or the whole new one, never a
// half-written one. Temporary files are named ".sparkmine-tmp-*", are
// never listed, and keys that would collide with them are refused. Deleting
// an object removes the folders it leaves empty, so that the tree holds
// what an object store would.
//
// Unlike S3, a folder cannot hold both an object "a" and an object "a/b";
// putting the second fails.
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sparkmine/sparkmine/store"
)

// tempPrefix starts the name of every temporary file of Put. The leading
// '.' also hides them from Spark, DuckDB and Hive readers of the folder.
const tempPrefix = ".sparkmine-tmp-"

// Store is a store.Store rooted at a local folder. It is safe for
// concurrent use.
type Store struct {
	root string // absolute, cleaned
}

var _ store.Store = (*Store)(nil)

// New returns the store rooted at dir, which must be an existing folder;
// the error wraps fs.ErrNotExist when it is missing.
func New(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, unwrapPath(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open store %s: not a folder", abs)
	}
	return &Store{root: abs}, nil
}

// Create returns the store rooted at dir, creating the folder (and its
// parents) when it is missing.
func Create(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create store %s: %w", dir, unwrapPath(err))
	}
	return New(dir)
}

// Root returns the store's folder as an absolute path.
func (s *Store) Root() string { return s.root }

// URI returns the file path of key.
func (s *Store) URI(key string) string {
	return filepath.Join(s.root, filepath.FromSlash(key))
}

// path checks key and returns its file path.
func (s *Store) path(key string) (string, error) {
	if err := store.CheckKey(key); err != nil {
		return "", err
	}
	for _, el := range strings.Split(key, "/") {
		if strings.HasPrefix(el, tempPrefix) {
			return "", fmt.Errorf("key %q: %w: %q is reserved for temporary files", key, store.ErrBadKey, tempPrefix)
		}
	}
	return s.URI(key), nil
}

// Stat returns the object's info; a folder is not an object.
func (s *Store) Stat(ctx context.Context, key string) (store.ObjectInfo, error) {
	p, err := s.checked(ctx, key)
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("stat %s: %w", s.URI(key), err)
	}
	fi, err := os.Stat(p)
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("stat %s: %w", p, unwrapPath(err))
	}
	return objectInfo(key, fi), nil
}

// Delete removes the object and the folders it leaves empty. A missing key,
// or a key naming a folder, is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.checked(ctx, key)
	if err != nil {
		return fmt.Errorf("delete %s: %w", s.URI(key), err)
	}
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()) {
		return nil
	}
	if err == nil {
		err = os.Remove(p)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", p, unwrapPath(err))
	}
	s.pruneEmpty(filepath.Dir(p))
	return nil
}

// pruneEmpty removes dir and its parents while they are empty, up to (not
// including) the root. Failures are fine: a folder in use stays.
func (s *Store) pruneEmpty(dir string) {
	for dir != s.root && strings.HasPrefix(dir, s.root+string(filepath.Separator)) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// checked returns ctx's error, or key's path.
func (s *Store) checked(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return s.path(key)
}

func objectInfo(key string, fi fs.FileInfo) store.ObjectInfo {
	return store.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}
}

// unwrapPath drops the path os puts in its errors, where we name the
// object ourselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
