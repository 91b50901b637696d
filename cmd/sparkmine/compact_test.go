package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCompactCommand: compact folds the parts two runs left on one day,
// says what it did, and its flags are checked.
func TestCompactCommand(t *testing.T) {
	out := t.TempDir()
	for _, log := range []string{"application_1764000000000_0001.zstd", "application_1764000000000_0002.lz4"} {
		src := t.TempDir()
		b, err := os.ReadFile(filepath.Join("samples", log))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, log), b, 0o644)
		if code, _, stderr := sparkmine(t, "run", "--source", src, "--out", out); code != 0 {
			t.Fatalf("run on %s: exit %d: %s", log, code, stderr)
		}
	}
	// every table-day the two runs both wrote to has two small parts to fold
	// (diagnoses' parts belong to their runs and are not folded)
	want := 0
	days, _ := filepath.Glob(filepath.Join(out, "*", "dt=*"))
	for _, d := range days {
		parts, _ := filepath.Glob(filepath.Join(d, "*.parquet"))
		if len(parts) > 1 && filepath.Base(filepath.Dir(d)) != "diagnoses" {
			want += len(parts)
		}
	}
	code, _, stderr := sparkmine(t, "compact", "--out", out, "--older-than", "7d")
	if r := lastRecord(t, stderr, "compact summary"); code != 0 || r["folded"] != float64(want) || want < 6 {
		t.Fatalf("compact: exit %d, %v; want %d parts folded (2 a table-day)", code, r, want)
	}
	code, _, stderr = sparkmine(t, "compact", "--out", out)
	if r := lastRecord(t, stderr, "compact summary"); code != 0 || r["folded"] != 0.0 {
		t.Errorf("second compact: exit %d, %v; want nothing folded", code, r)
	}
	for _, bad := range [][]string{{"compact"}, {"compact", "--out", out, "--older-than", "a week"}, {"run", "--compact", "--shard", "1/2"}} {
		if code, _, _ := sparkmine(t, bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	for s, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "0d": 0} {
		if got, err := parseDays(s); err != nil || got != want {
			t.Errorf("parseDays(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}
