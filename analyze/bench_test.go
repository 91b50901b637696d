package analyze

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/gen"
)

// benchSpec is bench/run.sh's default log: 20 stages of 2,500 tasks with
// 4 MB plans (about 300 MB of JSON), with every anomaly planted so every
// detector works.
var benchSpec = gen.Spec{Seed: 7, Stages: 20, TasksPerStage: 2500, PlanBytes: 4_000_000,
	Anomalies: gen.Anomalies{TaskSkew: 8, ShuffleSkew: 10, Spill: 0.5, GCPressure: 0.3, ExecutorLoss: 2,
		FetchFailures: 3, TaskFailures: 0.1, TinyTasks: true, UnderParallel: true, LargeResult: 600 << 20}}

func benchLog(b *testing.B) []byte {
	var buf bytes.Buffer
	if _, err := gen.Write(&buf, benchSpec); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func buildFrom(log []byte) *extract.App {
	bld := extract.NewBuilder(extract.Options{RunID: "bench"})
	r := bufio.NewReaderSize(bytes.NewReader(log), 1<<20)
	for n := int64(1); ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			bld.Line(bytes.TrimSuffix(line, []byte("\n")), "bench.log", n)
		}
		if err != nil {
			return bld.Finish(false)
		}
	}
}

// BenchmarkExtractBenchLog and BenchmarkAnalyzeBenchLog time building the
// model of bench/run.sh's default log and analyzing it: analysis must stay
// a small share (goal < 5 %) of extraction.
func BenchmarkExtractBenchLog(b *testing.B) {
	log := benchLog(b)
	b.SetBytes(int64(len(log)))
	b.ResetTimer()
	for range b.N {
		buildFrom(log)
	}
}

func BenchmarkAnalyzeBenchLog(b *testing.B) {
	app := buildFrom(benchLog(b))
	cfg := DefaultConfig()
	b.ResetTimer()
	for range b.N {
		Analyze(app, cfg)
	}
}
