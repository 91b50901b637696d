package sqldb

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sparkmine/sparkmine/store"
)

// Mirror brings the Parquet parts of tables from st (an S3 dataset, say)
// into the folder dir, so that DuckDB reads them locally: a part missing
// or of another size is fetched (to a temporary name, then renamed), and a
// local part no longer in st is removed. keepDay, when not nil, limits the
// dt partitions fetched ("2026-11-25"), so a question about last week does
// not fetch a year. It returns the bytes fetched.
func Mirror(ctx context.Context, st store.Store, dir string, tables []string, keepDay func(day string) bool) (int64, error) {
	var fetched int64
	for _, t := range tables {
		want := map[string]bool{}
		err := st.List(ctx, t+"/", func(o store.ObjectInfo) error {
			day, ok := partDay(t, o.Key)
			if !ok || (keepDay != nil && !keepDay(day)) {
				return nil
			}
			local := filepath.Join(dir, filepath.FromSlash(o.Key))
			want[local] = true
			if fi, err := os.Stat(local); err == nil && fi.Size() == o.Size {
				return nil
			}
			n, err := fetch(ctx, st, o.Key, local)
			fetched += n
			return err
		})
		if err != nil {
			return fetched, fmt.Errorf("mirror %s: %w", st.URI(t+"/"), err)
		}
		if err := prune(filepath.Join(dir, t), want); err != nil {
			return fetched, err
		}
	}
	return fetched, nil
}

// partDay returns the dt of a part key table/dt=DAY/part-….parquet.
func partDay(table, key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, table+"/dt=")
	day, file, ok2 := strings.Cut(rest, "/")
	return day, ok && ok2 && !strings.Contains(file, "/") && path.Ext(file) == ".parquet"
}

func fetch(ctx context.Context, st store.Store, key, local string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return 0, err
	}
	r, err := st.Open(ctx, key, 0, -1)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(filepath.Dir(local), ".fetch-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("fetch %s: %w", st.URI(key), err)
	}
	return n, os.Rename(tmp.Name(), local)
}

// prune removes the parts under root that are not in want.
func prune(root string, want map[string]bool) error {
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || want[p] {
			return err
		}
		return os.Remove(p)
	})
	if os.IsNotExist(err) {
		return nil
	}
	return err
}
