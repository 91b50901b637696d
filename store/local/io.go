package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sparkmine/sparkmine/store"
)

// Open returns a stream of length bytes of the object from offset off
// (length < 0: to the end). A range past the end yields what is there,
// possibly nothing. The stream reads the file as it was when opened, even if
// it is replaced meanwhile, and fails once ctx is done.
func (s *Store) Open(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	p, err := s.checked(ctx, key)
	if err == nil && off < 0 {
		err = fmt.Errorf("negative offset %d", off)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.URI(key), err)
	}
	f, err := openRegular(p)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", p, unwrapPath(err))
	}
	n := max(fi.Size()-off, 0)
	if length >= 0 {
		n = min(n, length)
	}
	return &section{ctx: ctx, r: io.NewSectionReader(f, off, n), f: f}, nil
}

// openRegular opens the file at p, reporting a folder as not found.
func openRegular(p string) (*os.File, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, unwrapPath(err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, unwrapPath(err)
	}
	return f, nil
}

// section is an open object.
type section struct {
	ctx context.Context
	r   *io.SectionReader
	f   *os.File
}

func (s *section) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	return s.r.Read(p)
}

func (s *section) Close() error { return s.f.Close() }

// Put writes everything r yields to a temporary file beside the object,
// syncs it and renames it into place. When r or ctx fails, the temporary
// file is removed and the old object, if any, stays as it was.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := s.checked(ctx, key)
	if err != nil {
		return fmt.Errorf("put %s: %w", s.URI(key), err)
	}
	tmp, err := writeTemp(ctx, filepath.Dir(p), r)
	if err == nil {
		err = commit(tmp, p)
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", p, err)
	}
	return nil
}

// writeTemp copies r into a new synced temporary file in dir and returns its
// name; on failure it leaves no file.
func writeTemp(ctx context.Context, dir string, r io.Reader) (name string, err error) {
	f, err := createTemp(dir)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = io.Copy(f, store.ContextReader(ctx, r)); err != nil {
		return "", err
	}
	if err = f.Chmod(0o644); err != nil {
		return "", unwrapPath(err)
	}
	if err = f.Sync(); err != nil {
		return "", unwrapPath(err)
	}
	return f.Name(), unwrapPath(f.Close())
}

// createTemp creates a temporary file in dir, creating dir first.
func createTemp(dir string) (f *os.File, err error) {
	err = inFolder(dir, func() error {
		f, err = os.CreateTemp(dir, tempPrefix+"*")
		return err
	})
	return f, unwrapPath(err)
}

// errSourceGone ends inFolder's retries: what create needs besides the
// folder is missing.
var errSourceGone = fmt.Errorf("source %w", fs.ErrNotExist)

// inFolder makes sure the folder dir exists and runs create, which makes
// something in it. A concurrent Delete may prune dir, or one of its parents
// while MkdirAll is still creating the folders below it, so a step that
// finds a folder gone tries again: every such failure means another Delete
// made progress.
func inFolder(dir string, create func() error) error {
	var err error
	for range 100 {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			err = create()
		}
		if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, errSourceGone) {
			break
		}
	}
	return err
}

// commit renames tmp to p and syncs the folder so that the rename lasts.
func commit(tmp, p string) error {
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return unwrapPath(err)
	}
	return unwrapPath(syncDir(filepath.Dir(p)))
}

// syncDir syncs the folder dir, so that a new name in it lasts.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
