package extract

import (
	"math"
	"testing"
	"time"
)

// Expected values from Spark's JavaUtils.byteStringAs / timeStringAs.
func TestParseBytes(t *testing.T) {
	for _, tt := range []struct {
		s    string
		unit int64
		want int64
		ok   bool
	}{
		{"4g", 1, 4 << 30, true},
		{"4G", 1, 4 << 30, true},
		{" 512mb ", 1, 512 << 20, true},
		{"1024", 1 << 20, 1 << 30, true}, // a bare number in the unit
		{"100b", 1 << 20, 100, true},
		{"2p", 1, 2 << 50, true},
		{"-1", 1, -1, true},
		{"0k", 1, 0, true},
		{"4 g", 1, 0, false},
		{"4x", 1, 0, false},
		{"g", 1, 0, false},
		{"", 1, 0, false},
		{"1.5g", 1, 0, false},
		{"+4g", 1, 0, false},
		{"9999999999t", 1, 0, false}, // overflows int64
	} {
		got, err := ParseBytes(tt.s, tt.unit)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseBytes(%q, %d) = %d, %v; want %d, ok %v", tt.s, tt.unit, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		s    string
		unit time.Duration
		want time.Duration
		ok   bool
	}{
		{"120s", time.Millisecond, 2 * time.Minute, true},
		{"5min", time.Millisecond, 5 * time.Minute, true},
		{"5m", time.Millisecond, 5 * time.Minute, true},
		{"100ms", time.Second, 100 * time.Millisecond, true},
		{"250us", time.Second, 250 * time.Microsecond, true},
		{"2d", time.Second, 48 * time.Hour, true},
		{"30", time.Second, 30 * time.Second, true},
		{"-1", time.Second, -time.Second, true},
		{"5 s", time.Second, 0, false},
		{"5sec", time.Second, 0, false},
		{"1000000000d", time.Second, math.MaxInt64, true}, // saturates, as TimeUnit.convert does
		{"9223372036854775807ms", time.Second, math.MaxInt64, true},
		{"-9223372036854775807ms", time.Second, -math.MaxInt64, true},
		{"9223372036854775808", time.Second, 0, false}, // not an int64
	} {
		got, err := ParseTime(tt.s, tt.unit)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseTime(%q, %v) = %v, %v; want %v, ok %v", tt.s, tt.unit, got, err, tt.want, tt.ok)
		}
	}
}
