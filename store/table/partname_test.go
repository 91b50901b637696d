package table_test

import (
	"testing"

	"github.com/sparkmine/sparkmine/store/table"
)

// TestPartNameRoundTrip: File writes what ParsePart reads back, for run ids
// that hold dashes, and ParsePart refuses every other name.
func TestPartNameRoundTrip(t *testing.T) {
	for _, p := range []table.PartName{
		{RunID: "20261125T020000Z-a1b2c3", Shard: "0of1", Seq: 1},
		{RunID: "r", Shard: "2of3", Seq: 123456},
		{RunID: "a-b-c-d", Shard: "x", Seq: 0},
	} {
		for _, key := range []string{p.File(p.Seq), "apps/dt=2026-11-25/" + p.File(p.Seq)} {
			got, ok := table.ParsePart(key)
			if !ok || got != p {
				t.Errorf("ParsePart(%q) = %+v, %v; want %+v", key, got, ok, p)
			}
		}
	}
	for _, bad := range []string{
		"part-0of1-00001.parquet",       // no run id
		"part--0of1-00001.parquet",      // empty run id
		"part-r-0of1-00001.parq",        // not parquet
		"prt-r-0of1-00001.parquet",      // not a part
		"part-r-0of1-+0001.parquet",     // not a number
		"part-r-0of1-.parquet",          // no number
		"part-r-0of1-00001.parquet/x",   // a folder of that name
		"apps/dt=2026-11-25/_SUCCESS",   // Hive's marker
		"part-r-0of1-0x1.parquet",       // hex
		"part-20261125T020000Z.parquet", // one field
		"apps/dt=2026-11-25/part-.parquet",
	} {
		if got, ok := table.ParsePart(bad); ok {
			t.Errorf("ParsePart(%q) = %+v, want not a part name", bad, got)
		}
	}
}
