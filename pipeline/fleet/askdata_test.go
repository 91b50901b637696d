//go:build cgo

package fleet

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/gen"
)

// generatedDataset runs the pipeline over 16 generated logs: four users,
// three queues, five recurring jobs over six days, some with planted
// skew, spill, idle executors, executor loss or a failed job, some with
// SQL queries, into out, and returns out.
func generatedDataset(t testing.TB, out string) string {
	t.Helper()
	srcDir := t.TempDir()
	day0 := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	anomalies := []gen.Anomalies{{}, {TaskSkew: 8}, {Spill: 0.5}, {IdleExecutors: 0.7}, {ExecutorLoss: 1}, {FailedJob: true}, {GCPressure: 0.3}, {}}
	for i := range 16 {
		s := gen.Spec{Seed: int64(100 + i), AppID: fmt.Sprintf("application_1763600000000_%04d", i),
			AppName:   []string{"etl_orders_daily", "sessionize_clicks", "build_customer_360", "fraud_features", "ledger_rollup"}[i%5],
			User:      []string{"alice", "bob", "carol", "dave"}[i%4],
			Queue:     []string{"etl", "adhoc", "ml"}[i%3],
			Start:     day0.AddDate(0, 0, i%6).Add(time.Duration(i) * time.Hour),
			Executors: 2 + i%3, ExecutorCores: 2, Stages: 3 + i%3, TasksPerStage: 8 + 4*(i%4),
			SQLQueries: []int{-1, 0, 2}[i%3], Anomalies: anomalies[i%len(anomalies)]}
		if _, err := gen.WriteFile(filepath.Join(srcDir, s.AppID+".zstd"), s, codec.Zstd); err != nil {
			t.Fatal(err)
		}
	}
	runPipeline(t, srcDir, out)
	return out
}
