package local_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newStore(t *testing.T) *local.Store {
	s, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
}

// files returns every file and folder under dir, relative, '/'-separated.
func files(t *testing.T, dir string) []string {
	var got []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != "." {
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	return got
}

func TestFailedPutLeavesNoTempFile(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "a/b", strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v", err)
	}
	boom := errors.New("boom")
	if err := s.Put(context.Background(), "a/b", errReader{boom}); !errors.Is(err, boom) {
		t.Fatalf("Put = %v", err)
	}
	for _, f := range files(t, s.Root()) {
		if strings.Contains(f, ".sparkmine-tmp-") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestTempFilesAreHiddenAndReserved(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, "d/x", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Root(), "d", ".sparkmine-tmp-123"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	s.List(ctx, "", func(oi store.ObjectInfo) error { got = append(got, oi.Key); return nil })
	if len(got) != 1 || got[0] != "d/x" {
		t.Errorf("List = %q, want [d/x]", got)
	}
	if err := s.Put(ctx, "d/.sparkmine-tmp-9", strings.NewReader("x")); !errors.Is(err, store.ErrBadKey) {
		t.Errorf("Put of a temporary name = %v, want ErrBadKey", err)
	}
}

func TestDeletePrunesEmptyFolders(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, k := range []string{"a/b/c/d", "a/x"} {
		if err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "a/b/c/d"); err != nil {
		t.Fatal(err)
	}
	if got := files(t, s.Root()); len(got) != 2 || got[0] != "a" || got[1] != "a/x" {
		t.Errorf("after Delete the folder holds %q, want [a a/x]", got)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Errorf("Delete of a folder = %v, want nil (no such object)", err)
	}
	if _, err := s.Stat(ctx, "a"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat of a folder = %v, want fs.ErrNotExist", err)
	}
	if _, err := s.Open(ctx, "a", 0, -1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a folder = %v, want fs.ErrNotExist", err)
	}
}

func TestPutMakesReadableFiles(t *testing.T) {
	s := newStore(t)
	if err := s.Put(context.Background(), "f", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(s.Root(), "f"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode = %v, %v; want 0644", fi.Mode(), err)
	}
	if got, want := s.URI("f"), filepath.Join(s.Root(), "f"); got != want {
		t.Errorf("URI = %q, want %q", got, want)
	}
}

func TestNewAndCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "root")
	if _, err := local.New(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("New(missing) = %v, want fs.ErrNotExist", err)
	}
	s, err := local.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Root() != dir {
		t.Errorf("Root = %q, want %q", s.Root(), dir)
	}
	if _, err := local.New(dir); err != nil {
		t.Errorf("New(existing) = %v", err)
	}
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := local.New(f); err == nil {
		t.Errorf("New(a file) succeeded")
	}
}

func TestListFollowsFileLinks(t *testing.T) {
	s := newStore(t)
	os.WriteFile(filepath.Join(s.Root(), "log"), []byte("12345"), 0o644)
	if err := os.Symlink(filepath.Join(s.Root(), "log"), filepath.Join(s.Root(), "linked")); err != nil {
		t.Skip(err)
	}
	os.Symlink(t.TempDir(), filepath.Join(s.Root(), "dirlink"))
	var got []store.ObjectInfo
	s.List(context.Background(), "", func(oi store.ObjectInfo) error { got = append(got, oi); return nil })
	if len(got) != 2 || got[1].Key != "log" || got[0].Key != "linked" || got[0].Size != 5 {
		t.Errorf("List = %+v, want the file and its link", got)
	}
}
