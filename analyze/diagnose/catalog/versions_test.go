package catalog

import (
	"strings"
	"testing"
)

var rapids = map[string]string{"spark.plugins": "com.nvidia.spark.SQLPlugin"}

// The catalogue's answers on real keys per version and on plausible
// made-up ones; every case says what Spark of that version does.
func TestLookupPerVersion(t *testing.T) {
	tests := []struct {
		key, version string
		conf         map[string]string
		ok           bool
	}{
		// Real keys, in the versions that have them.
		{"spark.executor.memory", "1.6.0", nil, true},
		{"spark.sql.shuffle.partitions", "2.4.8", nil, true},
		{"spark.sql.adaptive.enabled", "3.5.1", nil, true},
		{"spark.sql.adaptive.coalescePartitions.enabled", "3.0.0", nil, true},
		{"spark.executor.memoryOverhead", "2.3.0", nil, true},
		{"spark.executor.memoryOverhead", "3.3.0-amzn-0", nil, true},
		{"spark.memory.fraction", "1.6.0", nil, true},
		{"spark.yarn.executor.memoryOverhead", "2.2.0", nil, true}, // its own name before 2.3
		{"spark.yarn.executor.memoryOverhead", "3.1.1", nil, true}, // still read, deprecated
		{"spark.shuffle.memoryFraction", "1.5.2", nil, true},       // legacy memory mode
		{"spark.storage.memoryFraction", "2.4.0", nil, true},
		{"spark.executor.resource.gpu.amount", "3.0.1", nil, true},
		{"spark.task.resource.gpu.amount", "3.2.0", nil, true},
		{"spark.rapids.sql.concurrentGpuTasks", "3.3.0", rapids, true},
		{"spark.rapids.memory.pinnedPool.size", "3.1.1", rapids, true},
		{"spark.executor.memoryOverheadFactor", "3.3.0", nil, true},
		{"spark.sql.shuffle.partitions", "", nil, true}, // unknown version: no version check
		{"spark.shuffle.memoryFraction", "", nil, true}, // nor for a removed key
		// Real keys, in versions that do not have them.
		{"spark.executor.memoryOverhead", "2.2.0", nil, false},
		{"spark.sql.adaptive.coalescePartitions.enabled", "2.4.8", nil, false},
		{"spark.executor.memoryOverheadFactor", "3.2.0", nil, false},
		{"spark.shuffle.memoryFraction", "3.0.0", nil, false},
		{"spark.memory.fraction", "1.5.2", nil, false},
		{"spark.executor.resource.gpu.amount", "2.4.0", nil, false},
		{"spark.rapids.sql.concurrentGpuTasks", "3.3.0", nil, false}, // plugin not configured
		// Made up.
		{"spark.sql.turbo.enabled", "3.5.0", nil, false},
		{"spark.executor.memoryOverheadFraction", "3.5.0", nil, false},
		{"spark.sql.adaptive.skewJoin.threshold", "3.5.0", nil, false},
		{"spark.shuffle.partitions", "3.5.0", nil, false},
		{"spark.dynamicAllocation.maxExecutor", "3.5.0", nil, false},
		{"spark.rapids.sql.turbo", "3.3.0", rapids, false},
		{"spark.executor.resource.gpu.count", "3.3.0", nil, false},
	}
	falseAccepts, falseRejects := 0, 0
	for _, tt := range tests {
		_, v := For(tt.version, tt.conf).Lookup(tt.key)
		if v.OK != tt.ok {
			if v.OK {
				falseAccepts++
			} else {
				falseRejects++
			}
			t.Errorf("%s on Spark %q: ok %v (%s), want %v", tt.key, tt.version, v.OK, v.Reason, tt.ok)
		}
		if !v.OK && v.Reason == "" {
			t.Errorf("%s on Spark %q: rejected without a reason", tt.key, tt.version)
		}
	}
	t.Logf("%d cases: %d false accepts, %d false rejects", len(tests), falseAccepts, falseRejects)
}

// Values Spark's types let through but no sane setting is are rejected,
// with the reason.
func TestSemanticRanges(t *testing.T) {
	w := For("3.5.1", rapids)
	for _, c := range []struct {
		key, value, why string
	}{
		{"spark.memory.fraction", "5", "(0, 1)"},
		{"spark.memory.fraction", "1", "(0, 1)"},
		{"spark.memory.fraction", "0", "(0, 1)"},
		{"spark.memory.storageFraction", "1.5", "maximum 1"},
		{"spark.memory.storageFraction", "1", "[0, 1)"}, // Spark's own check
		{"spark.executor.memory", "0", "positive"},
		{"spark.executor.memoryOverhead", "0m", "positive"},
		{"spark.sql.shuffle.partitions", "lots", "integer"},
	} {
		err := w.Check(c.key, c.value)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Check(%s, %s) = %v, want a reason with %q", c.key, c.value, err, c.why)
		}
	}
	for _, c := range [][2]string{{"spark.memory.fraction", "0.6"}, {"spark.executor.memory", "8g"},
		{"spark.rapids.memory.gpu.allocFraction", "1.0"}, {"spark.executor.resource.gpu.amount", "1"},
		{"spark.memory.storageFraction", "0"}} {
		if err := w.Check(c[0], c[1]); err != nil {
			t.Errorf("Check(%s, %s) = %v", c[0], c[1], err)
		}
	}
	if _, v := LookupVersion("spark.yarn.executor.memoryOverhead", "3.1.1"); !v.OK || !strings.Contains(v.Reason, "spark.executor.memoryOverhead") {
		t.Errorf("a deprecated name's note = %q", v.Reason)
	}
}

func TestVersionFilesLoad(t *testing.T) {
	loadVersions()
	if versionsErr != nil || len(since) < 500 || len(legacies) < 20 || len(plugins) < 20 {
		t.Fatalf("since %d legacy %d plugins %d: %v", len(since), len(legacies), len(plugins), versionsErr)
	}
	for k := range legacies {
		if _, ok := Lookup(k); ok {
			t.Errorf("%s is both legacy and current", k)
		}
	}
}

// The catalogue's answers on real keys of the versions sparkmine meets
// (1.x, 2.2, 2.4, 3.0, 3.3, 3.5, 4.0), each case what Spark of that
// version does (its own .version declarations and release notes), and on
// plausible made-up keys; false accepts and false rejects are counted.
func TestCatalogueAnswersPerVersion(t *testing.T) {
	type c struct {
		key string
		ok  bool
	}
	real := map[string][]c{
		"1.5.2": {{"spark.memory.fraction", false}, {"spark.sql.parquet.mergeSchema", true}, {"spark.shuffle.memoryFraction", true}},
		"1.6.3": {{"spark.executor.memory", true}, {"spark.memory.fraction", true}, {"spark.sql.shuffle.partitions", true},
			{"spark.dynamicAllocation.enabled", true}, {"spark.sql.autoBroadcastJoinThreshold", true}, {"spark.sql.adaptive.enabled", true},
			{"spark.sql.files.maxPartitionBytes", false}, {"spark.executor.memoryOverhead", false},
			{"spark.dynamicAllocation.shuffleTracking.enabled", false}, {"spark.sql.codegen.wholeStage", false},
			{"spark.task.reaper.enabled", false}, {"spark.network.timeout", true}, {"spark.rpc.message.maxSize", false},
			{"spark.akka.frameSize", true}},
		"2.2.1": {{"spark.yarn.executor.memoryOverhead", true}, {"spark.sql.cbo.enabled", true},
			{"spark.reducer.maxBlocksInFlightPerAddress", true}, {"spark.sql.files.maxRecordsPerFile", true},
			{"spark.executor.memoryOverhead", false}, {"spark.sql.adaptive.skewJoin.enabled", false},
			{"spark.sql.execution.arrow.enabled", false}, {"spark.excludeOnFailure.enabled", false},
			{"spark.yarn.executor.nodeLabelExpression", true}, {"spark.kubernetes.executor.limit.cores", false},
			{"spark.blacklist.enabled", true}},
		"2.4.8": {{"spark.executor.pyspark.memory", true}, {"spark.sql.execution.removeRedundantSorts", true},
			{"spark.sql.sources.partitionOverwriteMode", true}, {"spark.sql.shuffle.partitions", true},
			{"spark.sql.execution.arrow.pyspark.enabled", false}, {"spark.sql.adaptive.coalescePartitions.enabled", false},
			{"spark.dynamicAllocation.shuffleTracking.enabled", false}, {"spark.storage.decommission.enabled", false},
			{"spark.kubernetes.memoryOverheadFactor", true}, {"spark.kubernetes.executor.request.cores", true},
			{"spark.sql.parquet.int64AsTimestampMillis", true}},
		"3.0.1": {{"spark.sql.adaptive.coalescePartitions.enabled", true}, {"spark.sql.adaptive.skewJoin.enabled", true},
			{"spark.executor.resource.gpu.amount", true}, {"spark.dynamicAllocation.shuffleTracking.enabled", true},
			{"spark.sql.adaptive.coalescePartitions.parallelismFirst", false}, {"spark.sql.files.minPartitionNum", false},
			{"spark.shuffle.push.enabled", false}, {"spark.decommission.enabled", false}, {"spark.shuffle.memoryFraction", false},
			{"spark.yarn.executor.launch.excludeOnFailure.enabled", false}, {"spark.kubernetes.allocation.maxPendingPods", false},
			{"spark.sql.parquet.int64AsTimestampMillis", false}},
		"3.3.0": {{"spark.executor.memoryOverheadFactor", true}, {"spark.sql.optimizer.runtime.bloomFilter.enabled", true},
			{"spark.sql.adaptive.rebalancePartitionsSmallPartitionFactor", true}, {"spark.shuffle.push.enabled", true},
			{"spark.sql.files.maxPartitionNum", false}, {"spark.executor.minMemoryOverhead", false},
			{"spark.sql.maxSinglePartitionBytes", false}},
		"3.5.1": {{"spark.sql.files.maxPartitionNum", true}, {"spark.executor.maxNumFailures", true},
			{"spark.stage.maxAttempts", true}, {"spark.sql.legacy.allowStarWithSingleTableIdentifierInCount", true},
			{"spark.sql.execution.interruptOnCancel", false}, {"spark.driver.timeout", false},
			{"spark.io.compression.zstd.workers", false}, {"spark.sql.hive.verifyPartitionPath", true},
			{"spark.blacklist.enabled", true}},
		"4.0.0": {{"spark.executor.minMemoryOverhead", true}, {"spark.sql.execution.interruptOnCancel", true},
			{"spark.sql.adaptive.enabled", true}, {"spark.io.compression.zstd.workers", true},
			{"spark.yarn.executor.memoryOverhead", true}, {"spark.shuffle.memoryFraction", false},
			{"spark.sql.hive.verifyPartitionPath", false}},
	}
	madeUp := []string{"spark.sql.adaptive.skewJoin.threshold", "spark.executor.memoryOverheadFraction",
		"spark.sql.shuffle.partitions.max", "spark.dynamicAllocation.maxExecutor", "spark.sql.files.maxPartitionSize",
		"spark.memory.offHeap.fraction", "spark.sql.autoBroadcastJoinThresholdBytes", "spark.executor.heapSize",
		"spark.sql.adaptive.coalescePartitions.targetSize", "spark.shuffle.compress.codec",
		"spark.sql.optimizer.runtime.bloomFilter.size", "spark.driver.memoryFraction", "spark.rapids.sql.turbo",
		"spark.executor.resource.gpu.count", "spark.sql.turbo.enabled", "spark.shuffle.partitions"}
	falseAccepts, falseRejects, n := 0, 0, 0
	check := func(key, version string, ok bool) {
		n++
		_, v := For(version, rapids).Lookup(key)
		if v.OK == ok {
			return
		}
		if v.OK {
			falseAccepts++
		} else {
			falseRejects++
		}
		t.Errorf("%s on Spark %s: ok %v (%s), want %v", key, version, v.OK, v.Reason, ok)
	}
	for version, cases := range real {
		for _, c := range cases {
			check(c.key, version, c.ok)
		}
		for _, key := range madeUp {
			check(key, version, false)
		}
	}
	t.Logf("%d answers: %d false accepts, %d false rejects", n, falseAccepts, falseRejects)
}
