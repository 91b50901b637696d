//go:build cgo

package fleet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/sqldb"
	"github.com/sparkmine/sparkmine/store/table"
)

// fleetOf writes a dataset of n apps over 90 days (200 jobs, 10 stages and
// up to 3 findings each) with the store's own writer.
func fleetOf(b *testing.B, n int) string {
	root := b.TempDir()
	st, err := local.New(root)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	day0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var apps []analyze.AppRecord
	var stages []extract.StageRow
	var findings []analyze.FindingRow
	for i := range n {
		end := day0.Add(time.Duration(i) * 90 * 24 * time.Hour / time.Duration(n)).UnixMilli()
		start := end - 3_600_000
		id := fmt.Sprintf("application_1700000000000_%06d", i)
		job := fmt.Sprintf("job_%03d", i%200)
		apps = append(apps, analyze.AppRecord{
			AppRow: extract.AppRow{AppID: id, AppName: job, User: fmt.Sprintf("user%02d", i%37), Queue: fmt.Sprintf("q%d", i%5),
				StartTime: &start, EndTime: &end, DurationMS: end - start, Status: "succeeded", SparkConf: `{"spark.executor.cores":"4"}`},
			AppResult: analyze.AppResult{EstCostUSD: rng.Float64() * 10, EstWasteUSD: rng.Float64() * 3},
		})
		for s := range 10 {
			stages = append(stages, extract.StageRow{AppID: id, StageID: int64(s), Name: "stage", DurationMS: rng.Int64N(600_000), CompletionTime: &end})
		}
		for d := range rng.IntN(4) {
			sid := int64(d)
			findings = append(findings, analyze.FindingRow{AppID: id, Detector: []string{"task_skew", "spill", "idle_executors"}[d%3], StageID: &sid, Severity: "moderate", EstWasteUSD: rng.Float64()})
		}
	}
	ctx := context.Background()
	name := table.PartName{RunID: "bench", Shard: "0of1"}
	day := func(ms int64) string { return table.Day(ms) }
	if _, err := table.WriteTable(ctx, st, "apps", apps, func(a analyze.AppRecord) string { return day(*a.EndTime) }, name); err != nil {
		b.Fatal(err)
	}
	if _, err := table.WriteTable(ctx, st, "stages", stages, func(s extract.StageRow) string { return day(*s.CompletionTime) }, name); err != nil {
		b.Fatal(err)
	}
	ends := map[string]int64{}
	for _, a := range apps {
		ends[a.AppID] = *a.EndTime
	}
	if _, err := table.WriteTable(ctx, st, "findings", findings, func(f analyze.FindingRow) string { return day(ends[f.AppID]) }, name); err != nil {
		b.Fatal(err)
	}
	return root
}

// BenchmarkTools times get_app and top_waste on a dataset of 100,000 apps
// and reports their p95 latency.
func BenchmarkTools(b *testing.B) {
	root := fleetOf(b, 100_000)
	ctx := context.Background()
	f, err := Open(ctx, root, sqldb.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(2, 2))
	calls := map[string]func() error{
		"get_app": func() error {
			_, err := f.GetApp(ctx, AppInput{AppID: fmt.Sprintf("application_1700000000000_%06d", rng.IntN(100_000))})
			return err
		},
		"top_waste": func() error {
			_, err := f.TopWaste(ctx, TopWasteInput{By: []string{"job", "user", "queue"}[rng.IntN(3)], Week: fmt.Sprintf("2026-W%d", 36+rng.IntN(12))})
			return err
		},
	}
	for _, name := range []string{"get_app", "top_waste"} {
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				t := time.Now()
				if err := calls[name](); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
