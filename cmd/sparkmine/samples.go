package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The bundled sample logs: the project's own generated logs (not copies of
// any real cluster's), in several codecs and layouts, a few with planted
// anomalies so that the demo shows findings. Regenerate with go generate.
//
//go:generate rm -rf samples
//go:generate mkdir -p samples
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 101 -stages 5 -tasks-per-stage 40 -app-name etl_orders_daily -app-id application_1764000000000_0001 -codec zstd -o samples/application_1764000000000_0001.zstd
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 102 -stages 5 -tasks-per-stage 40 -app-name sessionize_clickstream_hourly -app-id application_1764000000000_0002 -median-task-ms 20000 -anomaly task_skew=20,shuffle_skew=12 -codec lz4 -o samples/application_1764000000000_0002.lz4
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 103 -stages 5 -tasks-per-stage 40 -app-name build_customer_360 -app-id application_1764000000000_0003 -median-task-ms 30000 -anomaly spill=0.3,gc_pressure=0.2 -codec snappy -o samples/application_1764000000000_0003_1.snappy
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 104 -stages 5 -tasks-per-stage 40 -app-name fraud_features_hourly -app-id spark-5b1c0e2f9a7d4c3e8f6a1b2c3d4e5f60 -anomaly executor_loss=2,fetch_failures=6 -codec zstd -rolling 10m -o samples/
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 105 -stages 5 -tasks-per-stage 40 -app-name ads_attribution_daily -app-id application_1764000000000_0005 -median-task-ms 30000 -anomaly idle_executors=0.8 -codec lzf -o samples/application_1764000000000_0005.lzf
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 106 -stages 5 -tasks-per-stage 40 -app-name payments_reconcile_daily -app-id app-20261124020000-0006 -anomaly failed_job -o samples/app-20261124020000-0006
//go:generate go run ../../extract/gen/cmd/sparkgen -seed 107 -stages 5 -tasks-per-stage 40 -app-name inventory_snapshot_daily -app-id application_1764000000000_0007 -incomplete -o samples/application_1764000000000_0007.inprogress
//go:embed samples
var samples embed.FS

// sampleLogs writes the bundled sample logs to the user's cache folder
// (once per version) and returns that folder.
func sampleLogs() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "sparkmine", "samples-"+version)
	err = fs.WalkDir(samples, "samples", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p[len("samples/"):]))
		b, err := samples.ReadFile(p)
		if err != nil {
			return err
		}
		if fi, err := os.Stat(dst); err == nil && fi.Size() == int64(len(b)) {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		tmp := dst + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, dst)
	})
	if err != nil {
		return "", fmt.Errorf("write sample logs to %s: %w", dir, err)
	}
	return dir, nil
}
