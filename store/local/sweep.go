package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/store"
)

var _ store.TempSweeper = (*Store)(nil)

// SweepTemp deletes the temporary files of writes that never finished (a
// process killed inside Put, Copy or Create) whose last change is older
// than before, anywhere under the root, and returns how many it deleted. A
// write in progress changes its file continuously, and a link made by Copy
// is renamed at once, so with a cutoff minutes ago only dead writes' files
// go. The change time (ctime) is used, as a link keeps its file's mtime.
func (s *Store) SweepTemp(ctx context.Context, before time.Time) (int, error) {
	n := 0
	cutoff := before
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return nil // gone meanwhile, or not ours to read
			}
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil || changed(fi).After(cutoff) {
			return nil
		}
		if os.Remove(p) == nil {
			n++
		}
		return nil
	})
	return n, err
}
