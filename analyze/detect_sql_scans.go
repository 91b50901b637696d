package analyze

import (
	"fmt"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/plan"
)

// smallFiles (small_files) flags a scan of at least small_files_min files
// averaging under small_file_bytes: each file costs an open and a task
// slot's share. Recommendation: spark.sql.files.openCostInBytes down to the
// average file (so Spark packs more files into one task) when it is under
// the current cost (4 MiB by default); the detail asks for compaction.
type smallFiles struct{ c SmallFilesConfig }

func (smallFiles) Name() string { return "small_files" }

func (d smallFiles) Detect(app *extract.App) []FindingRow {
	return opFindings(app, scans, func(e *extract.SQLExecution, s plan.Scan) (FindingRow, bool) {
		if s.Files < d.c.SmallFilesMin || s.Bytes/max(s.Files, 1) >= d.c.SmallFileBytes {
			return FindingRow{}, false
		}
		return d.finding(app, e, s), true
	})
}

func (d smallFiles) finding(app *extract.App, e *extract.SQLExecution, s plan.Scan) FindingRow {
	st := heaviestStage(app, s.Stages)
	avg := float64(s.Bytes) / float64(s.Files)
	n := float64(d.c.SmallFilesMin)
	f := queryFinding(d.Name(), e, s.Node, st, Grades{n, 10 * n, 100 * n, 1000 * n}.asc(float64(s.Files)), float64(s.Files)/n,
		fmt.Sprintf("Small files: %s reads %d files averaging %.1f MiB", opName(e, "Scan "+s.Format+" "+s.Table, s.Node), s.Files, avg/MiB))
	f.Detail = fmt.Sprintf("The scan of %s read %s in %d files (%s). Files this small cost more to list and open than to read: compact the table into files of 128 MiB to 1 GiB.",
		s.Table, gib(float64(s.Bytes)), s.Files, stageIDText(st))
	f.Evidence = []Evidence{ev("files", float64(s.Files), n), ev("avg_file_bytes", avg, float64(d.c.SmallFileBytes))}
	const key = "spark.sql.files.openCostInBytes"
	if cur := confBytes(app, key, 1, 4*MiB); avg < float64(cur) {
		f.Recommendations = []Recommendation{rec(app, key, propMiB(key, avg),
			"Spark counts each file as this many bytes when packing files into tasks; the files average less, so fewer, fuller tasks read them")}
	}
	return f
}

// noPartitionPruning (no_partition_pruning) flags a scan of a partitioned
// table (its scan counts partitions read) with no partition filter that
// read over unpruned_min_bytes. No config fixes it: the detail asks for a
// filter on the partition columns.
type noPartitionPruning struct{ c NoPartitionPruningConfig }

func (noPartitionPruning) Name() string { return "no_partition_pruning" }

func (d noPartitionPruning) Detect(app *extract.App) []FindingRow {
	return opFindings(app, scans, func(e *extract.SQLExecution, s plan.Scan) (FindingRow, bool) {
		if !s.Partitioned || s.PartitionFilters || s.Bytes < d.c.UnprunedMinBytes {
			return FindingRow{}, false
		}
		return d.finding(app, e, s), true
	})
}

func (d noPartitionPruning) finding(app *extract.App, e *extract.SQLExecution, s plan.Scan) FindingRow {
	st := heaviestStage(app, s.Stages)
	n := float64(d.c.UnprunedMinBytes)
	f := queryFinding(d.Name(), e, s.Node, st, Grades{n, 4 * n, 16 * n, 64 * n}.asc(float64(s.Bytes)), float64(s.Bytes)/n,
		fmt.Sprintf("No partition pruning: %s read %s of a partitioned table", opName(e, "Scan "+s.Format+" "+s.Table, s.Node), gib(float64(s.Bytes))))
	f.Detail = fmt.Sprintf("The table %s is partitioned but the scan has no partition filter, so it read every partition: %s in %d files (%s). A filter on the partition columns lets Spark skip the others.",
		s.Table, gib(float64(s.Bytes)), s.Files, stageIDText(st))
	f.Evidence = []Evidence{ev("bytes_read", float64(s.Bytes), n)}
	return f
}
