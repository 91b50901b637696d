package extract

import (
	"encoding/json"
	"strconv"
	"strings"
)

// confPrefixes and confKeys choose the tuning-relevant Spark properties
// kept in App.Conf and AppRow.SparkConf.
var confPrefixes = []string{
	"spark.executor.", "spark.driver.", "spark.sql.adaptive.", "spark.dynamicAllocation.",
	"spark.memory.", "spark.speculation", "spark.shuffle.", "spark.yarn.executor.",
	"spark.yarn.driver.", "spark.yarn.am.", "spark.kubernetes.executor.", "spark.reducer.",
	"spark.rapids.", "spark.task.resource.", // plugin (RAPIDS) and resource settings
	"spark.sparkmine.", // a team's own tags, such as spark.sparkmine.job_key
}

var confKeys = map[string]bool{
	"spark.sql.shuffle.partitions": true, "spark.default.parallelism": true,
	"spark.serializer": true, "spark.sql.autoBroadcastJoinThreshold": true,
	"spark.sql.files.maxPartitionBytes": true, "spark.locality.wait": true,
	"spark.task.cpus": true, "spark.yarn.queue": true, "spark.master": true,
	"spark.submit.deployMode": true, "spark.task.maxFailures": true,
	"spark.cores.max": true, "spark.network.timeout": true,
	"spark.sql.broadcastTimeout": true, "spark.kryoserializer.buffer.max": true,
	"spark.sql.files.openCostInBytes": true, "spark.sql.join.preferSortMergeJoin": true,
	"spark.io.compression.codec": true, "spark.rdd.compress": true,
	"spark.sql.inMemoryColumnarStorage.batchSize": true, "spark.storage.memoryFraction": true,
	"spark.shuffle.memoryFraction": true, "spark.executor.instances": true,
	"spark.plugins": true, "spark.sql.extensions": true, "spark.storage.unrollFraction": true,
	// where schedulers name the job (analyze/history's job keys)
	"spark.yarn.tags": true, "spark.databricks.job.id": true, "spark.openlineage.parentJobName": true,
}

func tuningKey(k string) bool {
	if confKeys[k] {
		return true
	}
	for _, p := range confPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// conf returns the tuning-relevant properties, every value redacted.
func (b *Builder) conf() map[string]string {
	out := make(map[string]string)
	for k, v := range b.app.props {
		if tuningKey(k) {
			out[k] = b.opts.Redactor.Conf(k, v)
		}
	}
	return out
}

// confJSON encodes the conf map (keys sorted, as encoding/json does).
func confJSON(m map[string]string) string {
	p, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(p)
}

// fillResources sets the cores and memory columns.
//
// executor_memory_mb = heap + overhead, where heap is spark.executor.memory
// (Spark's default 1g when unset) and overhead is
// spark.executor.memoryOverhead (or the older
// spark.yarn.executor.memoryOverhead), else
// max(384 MiB, spark.executor.memoryOverheadFactor (default 0.10) × heap),
// Spark's own rule for YARN and Kubernetes. driver_memory_mb applies the same
// rule to spark.driver.*. executor_cores is spark.executor.cores, else the
// largest Total Cores of an added executor; driver_cores is
// spark.driver.cores, else 1.
func (b *Builder) fillResources(r *AppRow) {
	p := b.app.props
	r.ExecutorMemoryMB = memoryMB(p, "spark.executor")
	r.DriverMemoryMB = memoryMB(p, "spark.driver")
	if n, err := strconv.ParseInt(strings.TrimSpace(p["spark.executor.cores"]), 10, 64); err == nil {
		r.ExecutorCores = n
	} else {
		for _, e := range b.execList {
			if e.id != "driver" {
				r.ExecutorCores = max(r.ExecutorCores, e.cores)
			}
		}
	}
	r.DriverCores = 1
	if n, err := strconv.ParseInt(strings.TrimSpace(p["spark.driver.cores"]), 10, 64); err == nil {
		r.DriverCores = n
	}
}

// ContainerMiB is the heap plus overhead, in MiB, of role
// ("spark.executor" or "spark.driver") under conf: the rule of
// executor_memory_mb (fillResources), for the catalogue's checks.
func ContainerMiB(conf map[string]string, role string) int64 { return memoryMB(conf, role) }

// memoryMB applies the heap + overhead rule to role "spark.executor" or
// "spark.driver".
func memoryMB(p map[string]string, role string) int64 {
	heap, ok := parseMiB(p[role+".memory"])
	if !ok {
		heap = 1024
	}
	yarnRole := strings.Replace(role, "spark.", "spark.yarn.", 1)
	for _, k := range []string{role + ".memoryOverhead", yarnRole + ".memoryOverhead"} {
		if o, ok := parseMiB(p[k]); ok {
			return heap + o
		}
	}
	factor := 0.10
	if f, err := strconv.ParseFloat(strings.TrimSpace(p[role+".memoryOverheadFactor"]), 64); err == nil && f >= 0 {
		factor = f
	}
	return heap + max(384, int64(factor*float64(heap)))
}

// parseMiB reads a JVM memory string ("4g", "512m", "2048"; a bare number
// is MiB, as Spark reads these properties) as MiB.
func parseMiB(s string) (int64, bool) {
	n, err := ParseBytes(s, 1<<20)
	return n >> 20, err == nil && n >= 0
}
