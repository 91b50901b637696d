package interop_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hyparquetFile is what scripts/parquet/read.mjs prints for one file.
type hyparquetFile struct {
	File    string            `json:"file"`
	Rows    int               `json:"rows"`
	Columns []string          `json:"columns"`
	Data    []json.RawMessage `json:"data"`
}

// TestSecondReader reads the dataset with hyparquet, a Parquet reader
// written independently of parquet-go and DuckDB: every table's columns
// with the types DuckDB reports, its row count, and every row equal to
// what was written.
func TestSecondReader(t *testing.T) {
	root := writeDataset(t)
	for _, tc := range tables {
		files, _ := filepath.Glob(filepath.Join(root, tc.name, "dt=*", "*.parquet"))
		if len(files) == 0 {
			t.Fatalf("%s: no part files", tc.name)
		}
		var got []string
		n := 0
		for _, f := range readHyparquet(t, files) {
			if diff := cmp.Diff(duckColumns(tc.typ), unquote(f.Columns)); diff != "" {
				t.Errorf("%s: %s: columns (-DuckDB's +hyparquet's):\n%s", tc.name, filepath.Base(f.File), diff)
			}
			n += f.Rows
			for _, r := range f.Data {
				got = append(got, canonical(t, r, nil))
			}
		}
		want := expectedRows(t, tc)
		if n != len(want) || len(got) != len(want) {
			t.Errorf("%s: hyparquet counts %d rows (reads %d), want %d", tc.name, n, len(got), len(want))
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rows read by hyparquet (-written +read):\n%s", tc.name, diff)
		}
		t.Logf("%s: %d files, %d rows, %d columns", tc.name, len(files), n, len(duckColumns(tc.typ)))
	}
}

// readHyparquet runs scripts/parquet/read.mjs over files; it skips the
// test when node or hyparquet is missing (fails it under CI).
func readHyparquet(t *testing.T, files []string) []hyparquetFile {
	t.Helper()
	node, err := exec.LookPath("node")
	script := filepath.Join("..", "..", "..", "scripts", "parquet", "read.mjs")
	if err != nil {
		skipOrFail(t, "node not found")
	}
	cmd := exec.Command(node, append([]string{script}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if bytes.Contains(stderr.Bytes(), []byte("not found (looked in")) {
			skipOrFail(t, "hyparquet is not installed")
		}
		t.Fatalf("read.mjs: %v: %s", err, stderr.String())
	}
	var out []hyparquetFile
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var f hyparquetFile
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("read.mjs output: %v", err)
		}
		out = append(out, f)
	}
	return out
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (run scripts/install-test-deps.sh)", why)
	}
	t.Skipf("%s (run scripts/install-test-deps.sh)", why)
}
