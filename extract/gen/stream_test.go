package gen

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// heapProbe discards what it is written and samples HeapInuse every
// 32 MiB, so a generator that held the log would show it.
type heapProbe struct {
	n, next uint64
	maxHeap uint64
}

func (p *heapProbe) Write(b []byte) (int, error) {
	p.n += uint64(len(b))
	if p.n >= p.next {
		p.next = p.n + 32<<20
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.maxHeap = max(p.maxHeap, m.HeapInuse)
	}
	return len(b), nil
}

func TestStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes ~1.2 GB to a discarding writer")
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	p := &heapProbe{}
	st, err := Write(p, Spec{Seed: 1, Stages: 40, TasksPerStage: 5000, Anomalies: Anomalies{ExecutorLoss: 2, TaskFailures: 0.05}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Tasks < 200_000 {
		t.Fatalf("only %d tasks", st.Tasks)
	}
	grew := int64(p.maxHeap) - int64(before.HeapInuse)
	t.Logf("%d tasks, %d MB, heap in use grew by at most %d KiB", st.Tasks, st.Bytes>>20, grew>>10)
	if grew > 32<<20 {
		t.Errorf("heap in use grew by %d MiB while writing %d MiB", grew>>20, st.Bytes>>20)
	}
}

func TestWriteFileMatchesWrite(t *testing.T) {
	s := small(61)
	want, _ := gen1(t, s)
	path := filepath.Join(t.TempDir(), "log")
	st, err := WriteFile(path, s, codec.Plain)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || st.Bytes != int64(len(want)) {
		t.Errorf("file differs from Write's output (%d vs %d bytes)", len(got), len(want))
	}
}

func TestWriteRolling(t *testing.T) {
	for _, incomplete := range []bool{false, true} {
		s := small(71)
		s.AppID = "application_1700000000000_0042"
		s.Incomplete = incomplete
		want, _ := gen1(t, s)
		dir := t.TempDir()
		const part = 256 << 10
		st, err := WriteRolling(dir, s, codec.Plain, part)
		if err != nil {
			t.Fatal(err)
		}
		folder := filepath.Join(dir, "eventlog_v2_"+s.AppID)
		status := "appstatus_" + s.AppID
		if incomplete {
			status += ".inprogress"
		}
		if fi, err := os.Stat(filepath.Join(folder, status)); err != nil || fi.Size() != 0 {
			t.Errorf("status file %s: %v", status, err)
		}
		var all []byte
		for n := 1; ; n++ {
			b, err := os.ReadFile(filepath.Join(folder, "events_"+strconv.Itoa(n)+"_"+s.AppID))
			if err != nil {
				if n < 3 {
					t.Fatalf("part %d: %v", n, err)
				}
				break
			}
			if len(b) > part || !strings.HasSuffix(string(b), "\n") {
				t.Errorf("part %d: %d bytes, ends in newline: %v", n, len(b), strings.HasSuffix(string(b), "\n"))
			}
			if n > 1 && bytes.HasPrefix(b, []byte(`{"Event":"SparkListenerLogStart"`)) {
				t.Errorf("part %d starts with LogStart", n)
			}
			all = append(all, b...)
		}
		if !bytes.Equal(all, want) || st.Bytes != int64(len(want)) {
			t.Errorf("parts joined differ from Write's output")
		}
	}
}

// TestCodecsRoundTrip: every Spark codec's file decodes (with the codec
// package's reader) to exactly Write's bytes, whole and as rolling parts.
func TestCodecsRoundTrip(t *testing.T) {
	s := small(81)
	s.AppID = "application_1700000000000_0077"
	want, _ := gen1(t, s)
	for _, c := range []codec.Codec{codec.Zstd, codec.LZ4, codec.Snappy, codec.LZF} {
		dir := t.TempDir()
		name := s.AppID + "." + string(c)
		if _, err := WriteFile(filepath.Join(dir, name), s, c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if got := decode(t, filepath.Join(dir, name)); !bytes.Equal(got, want) {
			t.Errorf("%s: file decodes to %d bytes, want %d", c, len(got), len(want))
		}
		if _, err := WriteRolling(dir, s, c, 200<<10); err != nil {
			t.Fatalf("%s rolling: %v", c, err)
		}
		var all []byte
		for n := 1; ; n++ {
			p := filepath.Join(dir, "eventlog_v2_"+s.AppID, "events_"+strconv.Itoa(n)+"_"+name)
			if _, err := os.Stat(p); err != nil {
				break
			}
			all = append(all, decode(t, p)...)
		}
		if !bytes.Equal(all, want) {
			t.Errorf("%s: rolling parts decode to %d bytes, want %d", c, len(all), len(want))
		}
	}
}

func decode(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, filepath.Base(path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

func TestUnsupportedCodec(t *testing.T) {
	_, err := WriteFile(filepath.Join(t.TempDir(), "x.lz4"), small(1), codec.Codec("brotli"))
	if err == nil {
		t.Error("unknown codec accepted")
	}
}

// BenchmarkWrite reports the generation speed for 50k tasks.
func BenchmarkWrite(b *testing.B) {
	s := Spec{Seed: 1, Stages: 10, TasksPerStage: 5000}
	var n int64
	for i := 0; i < b.N; i++ {
		st, err := Write(io.Discard, s)
		if err != nil {
			b.Fatal(err)
		}
		n = st.Bytes
	}
	b.SetBytes(n)
}
