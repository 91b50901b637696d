package local

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.Copier = (*Store)(nil)

// Copy gives the file of from a second name, to: it hard-links the file
// under a temporary name beside to and renames that into place, so no byte
// is copied and readers of to see the old file or the new one. Sharing the
// file is safe because nothing here writes a file in place (Put renames a
// new file over a name). Where the file system cannot link (a symbolic
// link, another device, no hard links), the bytes are streamed
// (store.CopyStream).
func (s *Store) Copy(ctx context.Context, from, to string) error {
	src, err := s.checked(ctx, from)
	if err != nil {
		return fmt.Errorf("copy %s: %w", s.URI(from), err)
	}
	dst, err := s.checked(ctx, to)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", s.URI(to), err)
	}
	fi, err := os.Lstat(src)
	if err == nil && fi.IsDir() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, unwrapPath(err))
	}
	if fi.Mode().IsRegular() {
		tmp, err := linkTemp(src, filepath.Dir(dst))
		if err == nil {
			if err := commit(tmp, dst); err != nil {
				return fmt.Errorf("copy to %s: %w", dst, err)
			}
			return nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("copy %s: %w", src, err)
		}
	}
	return store.CopyStream(ctx, s, from, to)
}

// linkTemp links the file src under a new temporary name in dir, creating
// dir first, and returns that name; it fails with fs.ErrNotExist when src
// is gone.
func linkTemp(src, dir string) (name string, err error) {
	err = inFolder(dir, func() error {
		name = filepath.Join(dir, tempPrefix+rand.Text())
		err := os.Link(src, name)
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
				return errSourceGone
			}
		}
		return err
	})
	return name, unwrapPath(err)
}
