package logfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// sharedLogs is the folder of real Spark logs, read in place.
const sharedLogs = "../../../shared/eventlogs"

// walkListing lists a local folder the way a store would.
func walkListing(t testing.TB, root string) []Object {
	t.Helper()
	if _, err := os.Stat(root); err != nil {
		t.Skipf("real event logs not found at %s (they live in the shared folder beside the repository): %v", root, err)
	}
	var objs []Object
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		objs = append(objs, Object{Key: filepath.ToSlash(rel), Size: info.Size(), ModTime: info.ModTime()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func localOpen(root string) OpenFunc {
	return func(_ context.Context, key string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(root, filepath.FromSlash(key)))
	}
}

// renderStable is render without the parts that change with a checkout
// (modification times, and the fingerprints made from them).
func renderStable(logs []Log, problems []Problem) string {
	for i := range logs {
		logs[i].Fingerprint = ""
		logs[i].ModTime = baseTime
	}
	return render(logs, problems)
}

// TestDiscoverReal groups the real logs and compares the result with
// testdata/real-listing.golden, then checks the groupings that matter by
// hand.
func TestDiscoverReal(t *testing.T) {
	objs := walkListing(t, sharedLogs)
	logs, problems := Discover(objs)
	got := renderStable(slices.Clone(logs), problems)
	const golden = "testdata/real-listing.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Discover(%s) differs from %s:\n%s", sharedLogs, golden, lineDiff(string(want), got))
	}

	byKey := map[string]Log{}
	count := map[Layout]map[string]int{}
	for _, l := range logs {
		byKey[l.Key] = l
		top, _, _ := strings.Cut(l.Key, "/")
		if count[l.Layout] == nil {
			count[l.Layout] = map[string]int{}
		}
		count[l.Layout][top]++
	}
	if n := count[LayoutLegacy]["spark-legacy"]; n != 5 || len(count[LayoutLegacy]) != 1 {
		t.Errorf("legacy logs: %v, want the 5 spark-legacy folders only", count[LayoutLegacy])
	}
	if n := count[LayoutRolling]["rolling"]; n != 3 {
		t.Errorf("rolling logs under rolling/: %d, want 3", n)
	}
	checkAttempts(t, byKey, map[string][2]string{
		"spark/local-1430917381535_1": {"local-1430917381535", "1"},
		"spark/local-1430917381535_2": {"local-1430917381535", "2"},
		"spark/local-1430917381534":   {"local-1430917381534", ""},
		"spark-broken/last-attempt-incomplete/application_1656321732247_0006_1": {"application_1656321732247_0006", "1"},
		"spark-broken/last-attempt-incomplete/application_1656321732247_0006_2": {"application_1656321732247_0006", "2"},
		"spark/application_1628109047826_1317105":                               {"application_1628109047826_1317105", ""},
	})
	checkPartOrder(t, byKey["rolling/eventlog_v2_local-1623876083964"],
		"events_1_local-1623876083964.zstd", "events_2_local-1623876083964.zstd")
	checkPartOrder(t, byKey["nvidia/db_sim_eventlog"], "eventlog-2021-06-15--15-00.gz", "eventlog")
	checkAccounted(t, objs, logs, problems)
}

func checkAttempts(t *testing.T, byKey map[string]Log, want map[string][2]string) {
	t.Helper()
	for key, w := range want {
		l, ok := byKey[key]
		if !ok || l.Layout != LayoutSingle || l.AppID != w[0] || l.AttemptID != w[1] {
			t.Errorf("log %s: %+v (found %v), want single log of app %q attempt %q", key, l, ok, w[0], w[1])
		}
	}
}

func checkPartOrder(t *testing.T, l Log, names ...string) {
	t.Helper()
	var got []string
	for _, p := range l.Parts {
		_, base := splitKey(p.Key)
		got = append(got, base)
	}
	if !slices.Equal(got, names) || l.Layout != LayoutRolling {
		t.Errorf("log %q (%s): parts %q, want rolling parts %q", l.Key, l.Layout, got, names)
	}
}

// checkAccounted checks that every listed file is in exactly one log or
// has a problem.
func checkAccounted(t *testing.T, objs []Object, logs []Log, problems []Problem) {
	t.Helper()
	seen := map[string]int{}
	for _, l := range logs {
		for _, p := range l.Parts {
			seen[p.Key]++
		}
		for _, o := range l.Extra {
			seen[o.Key]++
		}
	}
	for _, p := range problems {
		seen[p.Key]++
	}
	for _, o := range objs {
		if seen[o.Key] != 1 {
			t.Errorf("%s is in %d logs or problems, want 1", o.Key, seen[o.Key])
		}
	}
}

// truncatedReal are the real logs Reader.Truncated must report: a log cut
// mid-line (then a newline added), and two whose last line has no newline.
// nvidia/truncated_eventlog is not among them: its lines are whole, only
// ApplicationEnd is missing, which is for the event decoder to notice.
var truncatedReal = map[string]bool{
	"sparkscope/app-20231025121456-0004-eventLog-running-incomplete": true,
	// A driver's text log (notEventLogs): its last line is not a JSON object.
	"rapids-tools/spark-events-profiling/driverlog": true,
	// spark/local-1430917381535_1 and _2 end "}" with no newline: whole
	// lines, and the History Server lists both attempts as completed.
}

// notEventLogs are the files among the real logs that are not event logs
// (a driver's own text log): the reader reads their lines like any other;
// they must not start with '{', and the pipeline rejects them for it.
var notEventLogs = map[string]bool{
	"rapids-tools/spark-events-profiling/driverlog": true,
}

// TestReadReal reads every discovered real log and compares the line count
// of each part with a count made independently from the file.
func TestReadReal(t *testing.T) {
	logs, _ := Discover(walkListing(t, sharedLogs))
	open := localOpen(sharedLogs)
	for _, l := range logs {
		t.Run(l.Key, func(t *testing.T) {
			r := Open(context.Background(), l, open)
			defer r.Close()
			lines := map[string]int64{}
			for {
				line, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				if isJSON := bytes.HasPrefix(line, []byte("{")); isJSON == notEventLogs[l.Key] {
					t.Errorf("%s:%d starts with '{' %v, want %v: %.60q", r.File(), r.Line(), !notEventLogs[l.Key], notEventLogs[l.Key], line)
				}
				lines[r.File()] = r.Line()
			}
			var size int64
			for _, p := range l.Parts {
				plain := decodeIndependently(t, filepath.Join(sharedLogs, p.Key))
				size += int64(len(plain))
				if want := countLines(plain); lines[p.Key] != want {
					t.Errorf("%s: %d lines, want %d", p.Key, lines[p.Key], want)
				}
			}
			if r.BytesOut() != size || r.BytesIn() != l.Size {
				t.Errorf("BytesOut %d, BytesIn %d; want %d, %d", r.BytesOut(), r.BytesIn(), size, l.Size)
			}
			if r.Truncated() != truncatedReal[l.Key] {
				t.Errorf("Truncated() = %v, want %v", r.Truncated(), truncatedReal[l.Key])
			}
		})
	}
}

// decodeIndependently decompresses a file with the libraries directly,
// choosing by magic bytes, so the check does not rely on package codec.
func decodeIndependently(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader
	switch {
	case bytes.HasPrefix(raw, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		d, err := zstd.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		r = d
	case bytes.HasPrefix(raw, []byte{0x1f, 0x8b}):
		if r, err = gzip.NewReader(bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
	default:
		return raw
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return plain
}

// countLines counts lines as wc -l does, plus a last line without '\n'.
func countLines(b []byte) int64 {
	n := int64(bytes.Count(b, []byte{'\n'}))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// TestDatabricksOrderReal confirms the Databricks part order from the
// content: the first part read starts with SparkListenerLogStart and the
// live eventlog, read last, holds SparkListenerApplicationEnd.
func TestDatabricksOrderReal(t *testing.T) {
	logs, _ := Discover(walkListing(t, sharedLogs))
	i := slices.IndexFunc(logs, func(l Log) bool { return l.Key == "nvidia/db_sim_eventlog" })
	if i < 0 {
		t.Fatal("nvidia/db_sim_eventlog not discovered")
	}
	l := logs[i]
	r := Open(context.Background(), l, localOpen(sharedLogs))
	defer r.Close()
	first, err := r.Next()
	if err != nil || !bytes.HasPrefix(first, []byte(`{"Event":"SparkListenerLogStart"`)) || r.File() != l.Parts[0].Key {
		t.Fatalf("first line %.50q of %s (err %v): want SparkListenerLogStart from %s", first, r.File(), err, l.Parts[0].Key)
	}
	endIn := ""
	for {
		line, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(line, []byte(`{"Event":"SparkListenerApplicationEnd"`)) {
			endIn = r.File()
		}
	}
	if last := l.Parts[len(l.Parts)-1].Key; endIn != last {
		t.Errorf("ApplicationEnd found in %q, want the live part %s", endIn, last)
	}
}
