package codec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the plain codec fixture (then run testdata/codec/javagen/gen.sh)")

// The Java-made codec fixtures are shared with other packages' tests: they
// live in the repository's root testdata (testdata/codec/javagen makes them).
const (
	fixtureDir  = "../../testdata/codec"
	fixtureBase = fixtureDir + "/local-1700000000000"
)

// TestPlainFixture keeps the plain input of the Java-made fixtures equal to
// what synthLog makes; -update rewrites it.
func TestPlainFixture(t *testing.T) {
	want := synthLog(1, 120_000, 8)
	if *update {
		if err := os.WriteFile(fixtureBase, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(fixtureBase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from synthLog output; run go test -run TestPlainFixture -update and testdata/codec/javagen/gen.sh", fixtureBase)
	}
}

// readFixture reads a Java-made fixture of the root testdata/codec.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
