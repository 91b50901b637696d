package logfile

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var baseTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// readListing parses a listing file: "key size [etag]" per line, '#'
// comments, blank lines skipped. ModTime is baseTime plus the line number
// in minutes, so the newest part is the one listed last.
func readListing(t testing.TB, path string) []Object {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var objs []Object
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		objs = append(objs, parseListingLine(t, path, n, line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return objs
}

func parseListingLine(t testing.TB, path string, n int, line string) Object {
	t.Helper()
	// Keys may hold spaces: size (and an optional quoted etag) come last.
	etag := ""
	if i := strings.LastIndex(line, ` "`); i >= 0 && strings.HasSuffix(line, `"`) {
		etag, line = line[i+1:], line[:i]
	}
	i := strings.LastIndexByte(line, ' ')
	size, err := strconv.ParseInt(line[i+1:], 10, 64)
	if i < 0 || err != nil {
		t.Fatalf("%s:%d: want \"key size [etag]\": %q", path, n, line)
	}
	return Object{Key: line[:i], Size: size, ModTime: baseTime.Add(time.Duration(n) * time.Minute), ETag: etag}
}

// render prints logs and problems in a stable, reviewable form.
func render(logs []Log, problems []Problem) string {
	var b strings.Builder
	for _, l := range logs {
		fmt.Fprintf(&b, "log %s\n  layout=%s app=%s attempt=%q codec=%q inprogress=%v\n  size=%d mtime=%s fingerprint=%s\n",
			l.Key, l.Layout, l.AppID, l.AttemptID, l.Codec, l.InProgress,
			l.Size, l.ModTime.Format(time.RFC3339), l.Fingerprint)
		for _, p := range l.Parts {
			fmt.Fprintf(&b, "  part %d %s\n", p.Index, p.Key)
		}
		for _, o := range l.Extra {
			fmt.Fprintf(&b, "  extra %s\n", o.Key)
		}
	}
	for _, p := range problems {
		fmt.Fprintf(&b, "problem %s\n", p)
	}
	return b.String()
}

// TestDiscoverGolden runs Discover over each testdata/discover/*.in listing
// and compares with the .golden file next to it (-update rewrites them).
func TestDiscoverGolden(t *testing.T) {
	ins, err := filepath.Glob("testdata/discover/*.in")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no listings in testdata/discover: %v", err)
	}
	for _, in := range ins {
		t.Run(strings.TrimSuffix(filepath.Base(in), ".in"), func(t *testing.T) {
			got := render(Discover(readListing(t, in)))
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Discover(%s) differs from %s:\n%s", in, golden, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] < 0 {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// TestFingerprint checks that the fingerprint follows the log's content
// and nothing else.
func TestFingerprint(t *testing.T) {
	const dir = "eventlog_v2_local-1/"
	base := func() []Object {
		return []Object{
			{Key: dir + "appstatus_local-1.inprogress", ModTime: baseTime},
			{Key: dir + "events_1_local-1.zstd", Size: 10, ModTime: baseTime, ETag: `"a"`},
			{Key: dir + "events_2_local-1.zstd", Size: 20, ModTime: baseTime},
		}
	}
	tests := []struct {
		name    string
		edit    func([]Object) []Object
		changed bool
	}{
		{"same listing", func(o []Object) []Object { return o }, false},
		{"listed in another order", func(o []Object) []Object { return []Object{o[2], o[0], o[1]} }, false},
		{"mtime of a part with an ETag", func(o []Object) []Object { o[1].ModTime = baseTime.Add(time.Hour); return o }, false},
		{"last part grew", func(o []Object) []Object { o[2].Size++; return o }, true},
		{"ETag changed", func(o []Object) []Object { o[1].ETag = `"b"`; return o }, true},
		{"mtime of a part without an ETag", func(o []Object) []Object { o[2].ModTime = baseTime.Add(time.Second); return o }, true},
		{"new part", func(o []Object) []Object {
			return append(o, Object{Key: dir + "events_3_local-1.zstd", Size: 1, ModTime: baseTime})
		}, true},
		{"completed", func(o []Object) []Object { o[0].Key = dir + "appstatus_local-1"; return o }, true},
	}
	want := fingerprintOf(t, base())
	for _, tt := range tests {
		got := fingerprintOf(t, tt.edit(base()))
		if (got != want) != tt.changed {
			t.Errorf("%s: fingerprint %s, base %s; want changed=%v", tt.name, got, want, tt.changed)
		}
	}
}

func fingerprintOf(t *testing.T, objs []Object) string {
	t.Helper()
	logs, _ := Discover(objs)
	if len(logs) != 1 || len(logs[0].Fingerprint) != 32 {
		t.Fatalf("Discover gave %d logs (%+v), want 1 with a 32-digit fingerprint", len(logs), logs)
	}
	return logs[0].Fingerprint
}
