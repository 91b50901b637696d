package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.Creator = (*Store)(nil)

// Create writes r to a synced temporary file beside the object and
// hard-links it under the object's name, which fails with fs.ErrExist where
// a file already is: link(2) is atomic and never replaces its target, so of
// concurrent Creates one wins. The temporary name is then removed.
func (s *Store) Create(ctx context.Context, key string, r io.Reader) error {
	p, err := s.checked(ctx, key)
	if err != nil {
		return fmt.Errorf("create %s: %w", s.URI(key), err)
	}
	tmp, err := writeTemp(ctx, filepath.Dir(p), r)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, p); err != nil {
		return fmt.Errorf("create %s: %w", p, unwrapPath(err))
	}
	return unwrapPath(syncDir(filepath.Dir(p)))
}
