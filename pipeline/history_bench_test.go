package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// BenchmarkHistoryRead reads the history of one night of 200 recurring
// jobs from a dataset of a year of their nightly runs (73,000 apps rows, a
// part per day, and a finding with advice on one run in five), with the
// default window (90 days). It reports the bytes read from the store and
// the part files opened per read.
//
//	go test -run '^$' -bench BenchmarkHistoryRead -benchtime 5x ./pipeline
func BenchmarkHistoryRead(b *testing.B) {
	const jobs, days = 200, 365
	st := &countingStore{Store: openLocal(b, b.TempDir())}
	last := yearOfNights(b, st, jobs, days)
	keys := map[string]bool{}
	for j := range jobs {
		keys[fmt.Sprintf("job_%03d_<date>", j)] = true
	}
	cfg := history.DefaultConfig()
	from, to := table.Day(last.AddDate(0, 0, -cfg.Days).UnixMilli()), table.Day(last.UnixMilli())
	st.read.Store(0)
	b.ResetTimer()
	var h *jobHistory
	for range b.N {
		var err error
		if h, err = readHistory(context.Background(), st, keys, nil, from, to); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if want := int64(jobs * (cfg.Days + 1)); h.stats.RowsKept != want {
		b.Fatalf("read %d runs, want %d", h.stats.RowsKept, want)
	}
	b.ReportMetric(float64(st.read.Load())/float64(b.N), "bytes_read/op")
	b.ReportMetric(float64(h.stats.Parts), "parts/op")
	b.ReportMetric(float64(h.stats.RowsKept), "runs/op")
	b.ReportMetric(float64(h.stats.Kept), "advice/op")
}

// yearOfNights writes days nights of jobs runs each (apps and findings, a
// part per table and day) and returns the last night.
func yearOfNights(b testing.TB, st store.Store, jobs, days int) time.Time {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	conf := benchConf()
	day0 := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
	for d := range days {
		night := day0.AddDate(0, 0, d)
		var apps []analyze.AppRecord
		var findings []analyze.FindingRow
		for j := range jobs {
			end := night.Add(time.Duration(j) * time.Minute).UnixMilli()
			id := fmt.Sprintf("application_1764500000000_%03d%04d", d, j)
			core := int64(3.6e7 * (1 + 0.05*rng.NormFloat64()))
			apps = append(apps, analyze.AppRecord{
				AppRow: extract.AppRow{AppID: id, AttemptID: "1", AppName: fmt.Sprintf("job_%03d_%s", j, night.Format("2006-01-02")),
					EndTime: &end, DurationMS: core / 40, ExecutorTimeMS: core, TaskTimeMS: core * 7 / 10, MaxExecutors: 10,
					InputBytes: 50 << 30, ShuffleReadBytes: 8 << 30, SparkVersion: "3.5.3", SparkConf: conf, Status: "succeeded"},
				AppResult: analyze.AppResult{EstCostUSD: float64(core) / 3.6e6 * 0.05, JobKey: fmt.Sprintf("job_%03d_<date>", j)},
			})
			if (d+j)%5 == 0 {
				findings = append(findings, analyze.FindingRow{AppID: id, AttemptID: "1", FindingID: id + "-f", Detector: "tiny_tasks",
					Title: "many tiny tasks", Detail: "stage 3 ran 40,000 tasks of 12 ms median",
					Recommendations: []analyze.Recommendation{{Key: "spark.sql.files.maxPartitionBytes", Current: "134217728", Proposed: "256m"}}})
			}
		}
		name := table.PartName{RunID: fmt.Sprintf("20251201T%06d-bench", d), Shard: "0of1"}
		day := table.Day(night.UnixMilli())
		if _, err := table.WriteTable(context.Background(), st, "apps", apps, func(analyze.AppRecord) string { return day }, name); err != nil {
			b.Fatal(err)
		}
		if _, err := table.WriteTable(context.Background(), st, "findings", findings, func(analyze.FindingRow) string { return day }, name); err != nil {
			b.Fatal(err)
		}
	}
	return day0.AddDate(0, 0, days-1)
}

// benchConf is a spark_conf of the size a real app's has (about 40 tuning
// properties).
func benchConf() string {
	m := map[string]string{}
	for i := range 40 {
		m[fmt.Sprintf("spark.sql.some.tuning.property%02d", i)] = fmt.Sprintf("value-%d", i*7919)
	}
	js, _ := json.Marshal(m)
	return string(js)
}

// countingStore counts the bytes read through Open.
type countingStore struct {
	store.Store
	read atomic.Int64
}

func (c *countingStore) Open(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	rc, err := c.Store.Open(ctx, key, off, n)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{countingReader{rc, &c.read}, rc}, nil
}
