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
