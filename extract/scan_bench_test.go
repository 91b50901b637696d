package extract

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// BenchmarkScanTask measures the task-line decoders alone over ~1 MB of
// generated TaskEnd (or TaskStart) lines, in cache as lines fresh from the
// line reader are.
func BenchmarkScanTask(b *testing.B) {
	for _, ev := range []string{"SparkListenerTaskEnd", "SparkListenerTaskStart"} {
		var lines [][]byte
		var size int64
		for _, l := range benchGen() {
			if i, name, ok := fastPrefix(l); ok && name == ev && size < 1<<20 {
				lines = append(lines, l[i:])
				size += int64(len(l)) - int64(i)
			}
		}
		b.Run(ev[len("SparkListener"):], func(b *testing.B) {
			b.SetBytes(size)
			var e taskEndEvent
			var s taskStartEvent
			for b.Loop() {
				for _, l := range lines {
					e.reset()
					ok := false
					if ev == "SparkListenerTaskEnd" {
						ok = scanTaskEnd(l, 0, &e)
					} else {
						ok = scanTaskStart(l, 0, &s)
					}
					if !ok {
						b.Fatalf("rejected %.200s", l)
					}
				}
			}
		})
	}
}

// BenchmarkScanTaskNDS measures the TaskEnd decoder over the TaskEnd lines
// of a real Photon NDS log (about 130 MB of them: Photon writes ~225 SQL
// accumulables per task), one event and its accumulables memo reused across
// lines as the Builder does; "hot" over 4 MB of them only, which stay in
// cache as lines fresh from the decoder are.
func BenchmarkScanTaskNDS(b *testing.B) {
	f, err := os.Open(filepath.Join(eventlogs, "rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"))
	if err != nil {
		b.Skipf("no NDS log: %v", err)
	}
	defer f.Close()
	d, err := zstd.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var lines [][]byte
	var size int64
	br := bufio.NewReaderSize(d, 1<<20)
	for {
		l, err := br.ReadBytes('\n')
		if i, name, ok := fastPrefix(l); ok && name == "SparkListenerTaskEnd" {
			lines = append(lines, bytes.TrimSuffix(l, []byte("\n"))[i:])
			size += int64(len(l)) - int64(i)
		}
		if err != nil {
			break
		}
	}
	hot, hotSize := lines[len(lines)/2:], int64(0) // 4 MB from the middle, in cache as fresh lines are
	for k, l := range hot {
		if hotSize += int64(len(l)); hotSize > 4<<20 {
			hot = hot[:k+1]
			break
		}
	}
	for _, c := range []struct {
		name  string
		lines [][]byte
		size  int64
	}{{"all", lines, size}, {"hot", hot, hotSize}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(c.size)
			var e taskEndEvent
			for b.Loop() {
				for _, l := range c.lines {
					e.reset()
					if !scanTaskEnd(l, 0, &e) {
						b.Fatalf("rejected %.200s", l)
					}
				}
			}
		})
	}
}
