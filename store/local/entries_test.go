package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// TestListEntries plants every kind of bad entry among good files: each is
// reported with its reason and the listing goes on; plain List fails on the
// first.
func TestListEntries(t *testing.T) {
	root := t.TempDir()
	write := func(name string) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("{}\n"), 0o644)
	}
	write("a/good1")
	write("locked/inside")
	write("z/good2")
	os.Mkdir(filepath.Join(root, "m"), 0o755)
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("x"), 0o644)
	must(t, os.Symlink("loop2", filepath.Join(root, "loop1")))
	must(t, os.Symlink("loop1", filepath.Join(root, "loop2")))
	must(t, os.Symlink(outside, filepath.Join(root, "m/out")))
	must(t, os.Symlink("../a/good1", filepath.Join(root, "m/in")))
	// Root reads every folder, so the permission error is stood in.
	os.Chmod(filepath.Join(root, "locked"), 0)
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "locked"), 0o755) })
	readDir = func(name string) ([]os.DirEntry, error) {
		if filepath.Base(name) == "locked" {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return os.ReadDir(name)
	}
	t.Cleanup(func() { readDir = os.ReadDir })

	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	var keys, bad []string
	err = s.ListEntries(context.Background(), "", func(o store.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	}, func(key string, reason error) {
		if !errors.Is(reason, store.ErrBadEntry) {
			t.Errorf("%s: reason %v does not wrap ErrBadEntry", key, reason)
		}
		bad = append(bad, key+": "+reason.Error())
	})
	if err != nil {
		t.Fatalf("ListEntries: %v", err)
	}
	if got, want := strings.Join(keys, " "), "a/good1 m/in z/good2"; got != want {
		t.Errorf("listed %q, want %q", got, want)
	}
	want := []string{
		"locked/: bad entry: unreadable folder: permission denied",
		"loop1: bad entry: symbolic link loop",
		"loop2: bad entry: symbolic link loop",
		"m/out: bad entry: symbolic link to a file outside " + root,
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad entries:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	if err := s.List(context.Background(), "", func(store.ObjectInfo) error { return nil }); !errors.Is(err, store.ErrBadEntry) {
		t.Errorf("List over bad entries = %v, want an error wrapping ErrBadEntry", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Skip(err)
	}
}
