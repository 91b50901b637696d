package interop_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sparkmine/sparkmine/store"
)

// dirStore is a store.Store on a folder, just enough for these tests: the
// dataset must be real files for DuckDB to read.
type dirStore struct{ root string }

var _ store.Store = dirStore{}

func (d dirStore) path(key string) string { return filepath.Join(d.root, filepath.FromSlash(key)) }

func (d dirStore) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	var infos []store.ObjectInfo
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(d.root, p)
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			fi, err := e.Info()
			if err != nil {
				return err
			}
			infos = append(infos, store.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range infos { // WalkDir visits in lexical order of each folder
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (d dirStore) Stat(_ context.Context, key string) (store.ObjectInfo, error) {
	fi, err := os.Stat(d.path(key))
	if err != nil {
		return store.ObjectInfo{}, err
	}
	return store.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

func (d dirStore) Open(_ context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if off != 0 || length >= 0 {
		return nil, errors.New("dirStore: ranges not supported")
	}
	return os.Open(d.path(key))
}

func (d dirStore) Put(_ context.Context, key string, r io.Reader) error {
	if err := store.CheckKey(key); err != nil {
		return err
	}
	p := d.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

func (d dirStore) Delete(_ context.Context, key string) error {
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (d dirStore) URI(key string) string { return d.path(key) }
