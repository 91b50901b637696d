package interop_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// readable are the encodings every engine reads, Spark's vectorized reader
// before 3.4 included (SPARK-40128): no DELTA_*, no BYTE_STREAM_SPLIT.
var readable = map[string]bool{"PLAIN": true, "RLE_DICTIONARY": true, "PLAIN_DICTIONARY": true, "RLE": true, "BIT_PACKED": true}

// TestEncodings reads every column chunk's encodings with DuckDB's
// parquet_metadata and accepts only those every engine reads.
func TestEncodings(t *testing.T) {
	db := duckdbtest.Open(t)
	root := writeDataset(t)
	var stmts []string
	for _, tc := range tables {
		stmts = append(stmts, fmt.Sprintf(
			"SELECT path_in_schema AS col, type, encodings FROM parquet_metadata('%s/%s/*/*.parquet') GROUP BY ALL ORDER BY ALL", root, tc.name))
	}
	for i, res := range db.Query(t, stmts...) {
		used := map[string]bool{}
		for _, r := range res {
			for _, e := range strings.Split(r["encodings"].(string), ",") {
				e = strings.TrimSpace(e)
				used[e] = true
				if !readable[e] {
					t.Errorf("%s.%s (%s): encoding %s", tables[i].name, r["col"], r["type"], e)
				}
			}
		}
		t.Logf("%s: %d column chunks, encodings %v", tables[i].name, len(res), slices.Sorted(maps.Keys(used)))
	}
}
