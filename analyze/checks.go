package analyze

import (
	"fmt"
	"strings"

	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"github.com/sparkmine/sparkmine/extract"
)

// Every recommendation is checked before it is made, and the checks it
// passed are recorded in it (Recommendation.Checks); a proposal a check
// refuses moves to the finding's Rejected, with the reason:
//
//   - governs: the key governs the flagged stage. spark.sql.shuffle.partitions
//     only when the stage's task count comes from it (equals it; raising it
//     for a stage with fewer tasks changes nothing: its count comes from the
//     code or AQE), never for a stage outside SQL; spark.default.parallelism
//     only outside SQL; spark.sql.files.maxPartitionBytes only for a stage
//     reading input in SQL; a setting is never lowered to fix too few tasks.
//   - version: the key exists in the app's Spark version (and plugins), as
//     the version-aware catalogue analyze/diagnose/catalog says, under its
//     legacy name where the version needs it
//     (spark.yarn.executor.memoryOverhead before 2.3).
//   - size: with the rest of the app's conf, the proposal fits a node of
//     the cost config's instance type, when it names one (the catalogue's
//     View.Fit: heap, overhead, off-heap and PySpark memory within 90 % of
//     its memory, executor cores within its vCPUs and not below
//     spark.task.cpus, spark.driver.maxResultSize within the driver's heap).
//   - platform: with the RAPIDS Accelerator (spark.plugins holds
//     com.nvidia.spark.SQLPlugin) the work's memory is the GPU's: no heap
//     proposals for GC or spill; on Databricks, cluster autoscaling, not
//     spark.dynamicAllocation.*, sizes executors.

// checkEnv is what the checks need beyond the app.
type checkEnv struct {
	app       *extract.App
	stage     *extract.StageRow // nil for an app-level finding
	det       string
	nodeMB    int64 // the node's memory, 0 when unknown
	nodeCores int64 // the node's vCPUs, 0 when unknown
}

// check is one check: it returns what it found (passed), or an error
// saying why the proposal must not be made. It may rename the key.
type check func(e checkEnv, r *Recommendation) (string, error)

var checks = []check{checkGoverns, checkVersion, checkSize, checkPlatform}

// checkRecs runs every check over a finding's recommendations.
func checkRecs(f *FindingRow, e checkEnv) {
	var kept []Recommendation
	for _, r := range f.Recommendations {
		ok := true
		for _, c := range checks {
			note, err := c(e, &r)
			if err != nil {
				r.Checks = append(r.Checks, err.Error())
				f.Rejected = append(f.Rejected, r)
				ok = false
				break
			}
			if note != "" {
				r.Checks = append(r.Checks, note)
			}
		}
		if ok {
			kept = append(kept, r)
		}
	}
	f.Recommendations = kept
}

func checkGoverns(e checkEnv, r *Recommendation) (string, error) {
	st := e.stage
	if st == nil {
		return "", nil
	}
	inSQL, known := st.SQLExecutionID != nil, len(e.app.SQL) > 0
	switch r.Key {
	case keyPartitions:
		return governsPartitions(e, r, inSQL, known)
	case keyParallelism:
		if inSQL {
			return "", fmt.Errorf("governs: stage %d runs in SQL execution %d, whose shuffles spark.default.parallelism does not size", st.StageID, *st.SQLExecutionID)
		}
		return fmt.Sprintf("governs: stage %d is outside SQL, where spark.default.parallelism sizes shuffles", st.StageID), nil
	case keyMaxPartByte:
		if st.InputBytes <= 0 || (known && !inSQL) {
			return "", fmt.Errorf("governs: stage %d does not scan files in SQL, so spark.sql.files.maxPartitionBytes does not split its input", st.StageID)
		}
		return fmt.Sprintf("governs: stage %d scans %s of files in SQL", st.StageID, gib(float64(st.InputBytes))), nil
	}
	return "", nil
}

// governsPartitions: the stage's task count must come from the setting.
func governsPartitions(e checkEnv, r *Recommendation, inSQL, known bool) (string, error) {
	st, p := e.stage, shufflePartitions(e.app)
	var want int64
	fmt.Sscan(r.Proposed, &want)
	switch {
	case known && !inSQL:
		return "", fmt.Errorf("governs: stage %d is outside SQL: spark.sql.shuffle.partitions does not size it", st.StageID)
	case st.Tasks != p:
		return "", fmt.Errorf("governs: stage %d's %d tasks do not come from spark.sql.shuffle.partitions (%d) but from the code (repartition, coalesce, numPartitions) or AQE's coalescing: change it there", st.StageID, st.Tasks, p)
	case e.det == "under_parallel" && want < p:
		return "", fmt.Errorf("governs: lowering spark.sql.shuffle.partitions (%d) cannot fix too few tasks", p)
	}
	return fmt.Sprintf("governs: stage %d's %d tasks equal spark.sql.shuffle.partitions", st.StageID, st.Tasks), nil
}

// checkVersion asks the version-aware catalogue (analyze/diagnose/catalog,
// the one place of truth for since-versions, legacy and removed names)
// whether the key exists in the app's Spark version; a key younger than
// the app becomes the older name that version reads, where there is one.
// An unknown version, or a key the catalogue does not know, is not checked.
func checkVersion(e checkEnv, r *Recommendation) (string, error) {
	v := e.app.Row.SparkVersion
	p, verdict := catalog.For(v, e.app.Conf).Lookup(r.Key)
	switch {
	case v == "" || p.Key == "":
		return "", nil
	case verdict.OK && verdict.Reason != "":
		return "version: " + verdict.Reason, nil
	case verdict.OK && catalog.Since(r.Key) != "":
		return fmt.Sprintf("version: %s exists since Spark %s (app %s)", r.Key, catalog.Since(r.Key), v), nil
	case verdict.OK:
		return "", nil
	}
	if old, ok := catalog.LegacyName(r.Key, v); ok {
		note := fmt.Sprintf("version: %s is %s before Spark %s (app %s)", r.Key, old, catalog.Since(r.Key), v)
		r.Key, r.Current = old, conf(e.app, old)
		return note, nil
	}
	return "", fmt.Errorf("version: %s", verdict.Reason)
}

// checkSize asks the catalogue whether the proposal, with the rest of the
// app's conf, fits a node of the cost config's instance type (catalog
// View.Fit).
func checkSize(e checkEnv, r *Recommendation) (string, error) {
	if e.nodeMB <= 0 {
		return "", nil
	}
	view := catalog.For(e.app.Row.SparkVersion, e.app.Conf).Within(catalog.Limits{NodeMiB: e.nodeMB, NodeCores: e.nodeCores})
	if why, ok := view.Fit(map[string]string{r.Key: r.Proposed})[r.Key]; ok {
		return "", fmt.Errorf("size: %s", why)
	}
	if r.Key != keyExecMem {
		return "", nil
	}
	return fmt.Sprintf("size: the executor's container fits the %s node", formatMiB(e.nodeMB)), nil
}

// databricks reports whether the app runs on Databricks (its shell's name,
// or its own properties).
func databricks(app *extract.App) bool {
	if strings.HasPrefix(app.Row.AppName, "Databricks") {
		return true
	}
	for k := range app.Conf {
		if strings.HasPrefix(k, "spark.databricks.") {
			return true
		}
	}
	return false
}

// rapids reports whether the app runs the RAPIDS Accelerator.
func rapids(app *extract.App) bool {
	return strings.Contains(conf(app, "spark.plugins"), "com.nvidia.spark.SQLPlugin")
}

func checkPlatform(e checkEnv, r *Recommendation) (string, error) {
	if strings.HasPrefix(r.Key, "spark.dynamicAllocation.") && databricks(e.app) {
		return "", fmt.Errorf("platform: Databricks sizes a cluster by its autoscaling and auto-termination settings, not spark.dynamicAllocation.*")
	}
	heapKey := r.Key == keyExecMem || r.Key == keyMemFraction
	if !heapKey || (e.det != "gc_pressure" && e.det != "spill") {
		return "", nil
	}
	if rapids(e.app) {
		return "", fmt.Errorf("platform: the RAPIDS Accelerator runs this work on the GPU; heap does not govern it (see spark.rapids.sql.concurrentGpuTasks and spark.rapids.memory.gpu.* instead)")
	}
	return "platform: JVM execution (no RAPIDS plugin)", nil
}

// alternatives marks recommendations that are alternatives to each other
// (apply one, not all) with group, when there are two or more.
func alternatives(group string, rs []Recommendation) []Recommendation {
	if len(rs) < 2 {
		return rs
	}
	for i := range rs {
		rs[i].Alternative = group
	}
	return rs
}
