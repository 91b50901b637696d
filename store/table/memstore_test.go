package table_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sparkmine/sparkmine/store"
)

// memStore is a store.Store in memory, enough for the table tests.
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	failPut func(key string) error // when set and non-nil for a key, Put fails
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{objects: map[string][]byte{}} }

func (m *memStore) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ks := make([]string, 0, len(m.objects))
	for k := range m.objects {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (m *memStore) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	for _, k := range m.keys() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		info, err := m.Stat(ctx, k)
		if err != nil {
			return err
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) Stat(_ context.Context, key string) (store.ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return store.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, fs.ErrNotExist)
	}
	return store.ObjectInfo{Key: key, Size: int64(len(b)), ModTime: time.Unix(0, 0)}, nil
}

func (m *memStore) Open(_ context.Context, key string, off, length int64) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", key, fs.ErrNotExist)
	}
	b = b[min(off, int64(len(b))):]
	if length >= 0 {
		b = b[:min(length, int64(len(b)))]
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Put(ctx context.Context, key string, r io.Reader) error {
	if err := store.CheckKey(key); err != nil {
		return err
	}
	if m.failPut != nil {
		if err := m.failPut(key); err != nil {
			return err
		}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[key] = b
	return nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *memStore) URI(key string) string { return "mem://" + key }

var errInjected = errors.New("injected put failure")
