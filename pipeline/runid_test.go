package pipeline

import (
	"testing"
	"time"
)

func TestRunIDRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.FixedZone("CET", 3600))
	for _, s := range []Shard{All, {2, 3}, {11, 12}} {
		id := NewRunID(now, s)
		str := id.String()
		if len(str) != len("20261125T010000Z-abcdef-")+len(s.Tag()) || str[:17] != "20261125T010000Z-" {
			t.Errorf("NewRunID = %q, want 20261125T010000Z-<6 hex>-%s", str, s.Tag())
		}
		got, err := ParseRunID(str)
		if err != nil || got != id {
			t.Errorf("ParseRunID(%q) = %+v, %v; want %+v", str, got, err, id)
		}
		if p := id.part(7); p.RunID+"-"+p.Shard != str || p.Seq != 7 {
			t.Errorf("part names of %s: %+v", str, p)
		}
	}
	for _, bad := range []string{"", "0of1", "-0of1", "x-00of1", "x-1of1", "x-0of0", "x-0of", "x-of1", "x-0", "x-+0of1"} {
		if id, err := ParseRunID(bad); err == nil {
			t.Errorf("ParseRunID(%q) = %+v, want an error", bad, id)
		}
	}
}
