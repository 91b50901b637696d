package store_test

import (
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

func TestCheckKey(t *testing.T) {
	for _, k := range []string{"a", "a/b", "a b/ü.log", "...", "a/.hidden", "a..b/c"} {
		if err := store.CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "/a", "a/", "a//b", "..", "a/../b", "./a", `a\b`, "C:x", "a\x00b"} {
		if err := store.CheckKey(k); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrBadKey", k, err)
		}
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "a/b/", "a/b c"} {
		if err := store.CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"/", "//", "a//", "../", "a/../", "/a"} {
		if err := store.CheckPrefix(p); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("CheckPrefix(%q) = %v, want ErrBadKey", p, err)
		}
	}
}

// TestImportDirection keeps store's packages free of the packages above
// them (their tests may use them, to check rows of real producers).
func TestImportDirection(t *testing.T) {
	const mod = "github.com/sparkmine/sparkmine/"
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, mod); ok && !strings.HasPrefix(rest, "store") {
				t.Errorf("%s imports %s: store imports no other sparkmine package", path, p)
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
