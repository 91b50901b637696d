package analyze

import (
	"math"
	"strconv"
	"time"

	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
	"github.com/sparkmine/sparkmine/extract"
)

// propKind is the type of a Spark property's value.
type propKind int

const (
	kindInt      propKind = iota // a decimal integer
	kindSize                     // a Spark size string: "6g", "2048m", "512k"
	kindFraction                 // a decimal in (0, 1)
	kindBool                     // "true" or "false"
	kindDuration                 // a Spark time string: "30s", "500ms", "2min"
)

// Property is a Spark property the detectors may recommend, with the range
// of values that make sense. Min and Max are in the kind's unit: the number,
// bytes for sizes, milliseconds for durations.
type Property struct {
	Key      string
	kind     propKind
	Min, Max float64
	// unit is what a size without a suffix means (bytes or MiB), as Spark
	// reads that property.
	unit int64
}

// Properties is the catalogue of every property a detector recommends.
// Ranges are deliberately narrower than what Spark accepts: they are the
// values a sane recommendation stays within.
var Properties = catalogue(
	Property{Key: "spark.sql.shuffle.partitions", kind: kindInt, Min: 1, Max: 100_000},
	Property{Key: "spark.default.parallelism", kind: kindInt, Min: 1, Max: 100_000},
	Property{Key: "spark.sql.adaptive.enabled", kind: kindBool},
	Property{Key: "spark.sql.adaptive.coalescePartitions.enabled", kind: kindBool},
	Property{Key: "spark.sql.adaptive.skewJoin.enabled", kind: kindBool},
	Property{Key: "spark.speculation", kind: kindBool},
	Property{Key: "spark.sql.adaptive.skewJoin.skewedPartitionFactor", kind: kindInt, Min: 2, Max: 100},
	Property{Key: "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", kind: kindSize, Min: 16 * MiB, Max: 64 * GiB, unit: 1},
	Property{Key: "spark.sql.files.maxPartitionBytes", kind: kindSize, Min: 1 * MiB, Max: 2 * GiB, unit: 1},
	Property{Key: "spark.executor.memory", kind: kindSize, Min: 1 * GiB, Max: 512 * GiB, unit: MiB},
	Property{Key: "spark.executor.memoryOverhead", kind: kindSize, Min: 384 * MiB, Max: 256 * GiB, unit: MiB},
	// Its name before Spark 2.3 (the version check renames to it).
	Property{Key: "spark.yarn.executor.memoryOverhead", kind: kindSize, Min: 384 * MiB, Max: 256 * GiB, unit: MiB},
	Property{Key: "spark.executor.cores", kind: kindInt, Min: 1, Max: 64},
	Property{Key: "spark.executor.instances", kind: kindInt, Min: 1, Max: 10_000},
	Property{Key: "spark.memory.fraction", kind: kindFraction, Min: 0.1, Max: 0.9},
	Property{Key: "spark.dynamicAllocation.enabled", kind: kindBool},
	Property{Key: "spark.dynamicAllocation.maxExecutors", kind: kindInt, Min: 1, Max: 10_000},
	Property{Key: "spark.dynamicAllocation.shuffleTracking.enabled", kind: kindBool},
	Property{Key: "spark.shuffle.service.enabled", kind: kindBool},
	Property{Key: "spark.shuffle.io.maxRetries", kind: kindInt, Min: 1, Max: 100},
	Property{Key: "spark.shuffle.io.retryWait", kind: kindDuration, Min: 1000, Max: 300_000},
	Property{Key: "spark.network.timeout", kind: kindDuration, Min: 10_000, Max: 3_600_000},
	Property{Key: "spark.driver.maxResultSize", kind: kindSize, Min: 1 * MiB, Max: 64 * GiB, unit: 1},
	Property{Key: "spark.driver.memory", kind: kindSize, Min: 1 * GiB, Max: 512 * GiB, unit: MiB},
	// The RAPIDS Accelerator's (a plugin's, not Spark's own).
	Property{Key: "spark.rapids.sql.concurrentGpuTasks", kind: kindInt, Min: 1, Max: 16},
	Property{Key: "spark.sql.autoBroadcastJoinThreshold", kind: kindSize, Min: 1 * MiB, Max: 8 * GiB, unit: 1},
	Property{Key: "spark.sql.files.openCostInBytes", kind: kindSize, Min: 64 << 10, Max: 1 * GiB, unit: 1},
)

func catalogue(ps ...Property) map[string]Property {
	m := make(map[string]Property, len(ps))
	for _, p := range ps {
		m[p.Key] = p
	}
	return m
}

// parseSize reads a Spark size string ("4g", "512m", "1024") as bytes; a
// bare number is in unit bytes. Negative sizes are refused.
func parseSize(s string, unit int64) (int64, bool) {
	n, err := extract.ParseBytes(s, unit)
	return n, err == nil && n >= 0
}

// parseDurationMS reads a Spark time string ("5s", "120ms", "2min") as
// milliseconds; a bare number is in unit milliseconds. Negative times are
// refused.
func parseDurationMS(s string, unit int64) (int64, bool) {
	d, err := extract.ParseTime(s, time.Duration(unit)*time.Millisecond)
	return d.Milliseconds(), err == nil && d >= 0
}

// formatMiB writes a size in MiB as Spark reads it: "6g" when whole GiB,
// else "2560m".
func formatMiB(mib int64) string { return catalog.FormatMiB(mib) }

// clampInt bounds an integer proposal to the property's range.
func clampProp(key string, v float64) float64 {
	p := Properties[key]
	if !finite(v) || v < p.Min {
		return p.Min
	}
	if v > p.Max {
		return p.Max
	}
	return v
}

// propInt formats an integer proposal for key, clamped to its range.
func propInt(key string, v float64) string {
	return strconv.FormatInt(int64(math.Ceil(clampProp(key, v))), 10)
}

// propMiB formats a size proposal (in bytes) for key, rounded up to whole
// MiB (whole GiB above 8 GiB) and clamped to its range.
func propMiB(key string, bytes float64) string {
	b := clampProp(key, bytes)
	mib := int64(math.Ceil(b / MiB))
	if mib > 8*1024 {
		mib = (mib + 1023) / 1024 * 1024
	}
	if float64(mib)*MiB > Properties[key].Max {
		mib = int64(Properties[key].Max / MiB)
	}
	return formatMiB(mib)
}

// propSeconds formats a duration proposal (ms) for key as whole seconds.
func propSeconds(key string, ms float64) string {
	return strconv.FormatInt(int64(math.Ceil(clampProp(key, ms)/1000)), 10) + "s"
}
