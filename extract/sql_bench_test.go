package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract/redact"
)

const ndsLog = "rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"

// BenchmarkSQLLines measures the SQL starts and adaptive updates of the
// shared NDS log (~11 MB of plans), on the fast path and on fastjson's.
func BenchmarkSQLLines(b *testing.B) {
	benchNDSLines(b, func(name string) bool { return strings.HasPrefix(name, sqlPrefix+"SparkListenerSQL") })
}

// benchNDSLines measures the lines of the shared NDS log whose event
// match chooses, on the fast path and on fastjson's.
func benchNDSLines(b *testing.B, match func(name string) bool) {
	var lines [][]byte
	var size int64
	for _, l := range codecLines(b, filepath.Join(eventlogs, ndsLog)) {
		if _, name, ok := fastPrefix(l); ok && match(name) {
			lines = append(lines, l)
			size += int64(len(l)) + 1
		}
	}
	for _, noFast := range []bool{false, true} {
		b.Run(map[bool]string{false: "fast", true: "fastjson"}[noFast], func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				bl := NewBuilder(Options{})
				bl.noFast = noFast
				for i, l := range lines {
					bl.Line(l, "bench", int64(i+1))
				}
			}
		})
	}
}

// BenchmarkRedactText measures redactText over the shared NDS log's model
// (its text already redacted once: the same guards and regexps run).
func BenchmarkRedactText(b *testing.B) {
	a := buildAnyLog(b, filepath.Join(eventlogs, ndsLog))
	for b.Loop() {
		redactText(a, redact.Default)
	}
}
