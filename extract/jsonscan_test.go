package extract

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/valyala/fastjson"
)

// benchGen is a realistic log of 10 stages × 1000 tasks (~57 MB), made once.
var benchGen = sync.OnceValue(func() [][]byte {
	lines, err := generate(10, 1000, gen.Anomalies{})
	if err != nil {
		panic(err)
	}
	return lines
})

func genBytes(lines [][]byte) int64 {
	var n int64
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	return n
}

// BenchmarkScan compares whole-line validation speeds over realistic
// lines: this package's scanner, fastjson's parser and validator, and
// encoding/json's validator.
func BenchmarkScan(b *testing.B) {
	for _, size := range []string{"57MB", "hot"} {
		lines := benchGen()
		if size == "hot" {
			lines = lines[:400] // ~1 MB: in cache, as lines fresh from the line reader are
		}
		b.Run(size, func(b *testing.B) { benchScan(b, lines) })
	}
}

func benchScan(b *testing.B, lines [][]byte) {
	run := func(name string, f func([]byte) bool) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(genBytes(lines))
			for b.Loop() {
				for _, l := range lines {
					if !f(l) {
						b.Fatalf("%s rejected %.200s", name, l)
					}
				}
			}
		})
	}
	run("skipValue", func(l []byte) bool { return atEnd(l, skipValue(l, 0, 0)) })
	var p fastjson.Parser
	run("fastjson.Parse", func(l []byte) bool { _, err := p.ParseBytes(l); return err == nil })
	run("fastjson.Validate", func(l []byte) bool { return fastjson.ValidateBytes(l) == nil })
	run("json.Valid", json.Valid)
}
