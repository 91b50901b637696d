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
