package extract

import "testing"

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
