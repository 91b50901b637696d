package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepTemp: temporary files of dead writes go, a fresh one (a write
// in progress) and objects stay.
func TestSweepTemp(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a/" + tempPrefix + "dead1", "a/b/" + tempPrefix + "dead2", "obj", "a/obj2", "c/" + tempPrefix + "fresh"} {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	// ctime cannot be set back: the cutoff falls after the dead files'
	// change, and the fresh one is changed after it.
	time.Sleep(50 * time.Millisecond)
	cutoff := time.Now()
	time.Sleep(50 * time.Millisecond)
	os.WriteFile(filepath.Join(root, "c", tempPrefix+"fresh"), []byte("y"), 0o644)
	n, err := s.SweepTemp(context.Background(), cutoff)
	if err != nil || n != 2 {
		t.Fatalf("SweepTemp = %d, %v; want the 2 dead files", n, err)
	}
	var left []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(root, p)
			left = append(left, filepath.ToSlash(rel))
		}
		return nil
	})
	if got := strings.Join(left, " "); got != "a/obj2 c/"+tempPrefix+"fresh obj" {
		t.Errorf("left %q", got)
	}
}
