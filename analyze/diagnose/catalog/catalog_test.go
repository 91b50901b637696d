package catalog

import (
	"strings"
	"testing"
)

func TestCatalogueLoads(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
	all := All()
	if len(all) < 250 {
		t.Fatalf("catalogue has %d properties, want at least 250", len(all))
	}
	for _, prefix := range []string{"spark.executor.", "spark.driver.", "spark.memory.", "spark.sql.adaptive.",
		"spark.shuffle.", "spark.dynamicAllocation.", "spark.speculation", "spark.locality.", "spark.network.",
		"spark.reducer.", "spark.io.", "spark.kryo", "spark.task."} {
		n := 0
		for _, p := range all {
			if strings.HasPrefix(p.Key, prefix) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no property under %s", prefix)
		}
	}
}

// Every default must be valid for its own type: a typo in the table shows.
func TestDefaultsMatchTheirType(t *testing.T) {
	for _, p := range All() {
		if p.Default == "" {
			continue
		}
		if err := p.Check(p.Default); err != nil {
			t.Errorf("default of %s: %v", p.Key, err)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		key, value string
		ok         bool
	}{
		{"spark.executor.memory", "4g", true},
		{"spark.executor.memory", "512m", true},
		{"spark.executor.memory", "1024k", true},
		{"spark.executor.memory", "1073741824", true},
		{"spark.executor.memory", "4 GB", false},
		{"spark.executor.memory", "4.5g", false},
		{"spark.executor.memory", "4GiB", false},
		{"spark.executor.memory", "-1g", false},
		{"spark.sql.autoBroadcastJoinThreshold", "-1", true},
		{"spark.sql.autoBroadcastJoinThreshold", "64MB", true},
		{"spark.network.timeout", "120s", true},
		{"spark.network.timeout", "5min", true},
		{"spark.network.timeout", "100ms", true},
		{"spark.network.timeout", "2 minutes", false},
		{"spark.task.reaper.killTimeout", "-1", true},
		{"spark.speculation", "true", true},
		{"spark.speculation", "TRUE", true},
		{"spark.speculation", "yes", false},
		{"spark.sql.shuffle.partitions", "400", true},
		{"spark.sql.shuffle.partitions", "0", false},
		{"spark.sql.shuffle.partitions", "many", false},
		{"spark.sql.shuffle.partitions", "3000000000", false},
		{"spark.executor.cores", "4", true},
		{"spark.storage.decommission.shuffleBlocks.maxThreads", "0", false},
		{"spark.memory.fraction", "0.7", true},
		{"spark.memory.storageFraction", "1.5", false},
		{"spark.memory.fraction", "NaN", false},
		{"spark.io.compression.codec", "zstd", true},
		{"spark.io.compression.codec", "ZSTD", true},
		{"spark.sql.orc.compression.codec", "ZSTD", true},
		{"spark.sql.orc.compression.codec", "gzip", false},
		{"spark.serializer", "org.apache.spark.serializer.KryoSerializer", true},
		{"spark.executor.extraJavaOptions", "-XX:+UseG1GC", true},
		{"spark.executor.extraJavaOptions", "  ", false},
		{"spark.shuffle.maxChunksBeingTransferred", "9223372036854775807", true},
	}
	for _, tt := range tests {
		p, ok := Lookup(tt.key)
		if !ok {
			t.Fatalf("%s not catalogued", tt.key)
		}
		err := p.Check(tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%s=%q) = %v, want ok=%v", tt.key, tt.value, err, tt.ok)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, k := range []string{"spark.executor.turbo", "spark.sql.shuffle.Partitions", "", "executor.memory"} {
		if _, ok := Lookup(k); ok {
			t.Errorf("Lookup(%q) found a property", k)
		}
	}
}

func TestParseRejectsBadTables(t *testing.T) {
	tests := []struct{ text, want string }{
		{"spark.a|int|1", "want 4 fields"},
		{"spark.a|float|1|", "unknown type"},
		{"spark.a|enum|x|", "enum without allowed values"},
		{"spark.a|int|1|\nspark.a|int|2|", "duplicate key"},
		{"hadoop.a|int|1|", "does not start with spark."},
		{"spark.a|int|1|x..y", "range bound"},
		{"spark.a|bool|true|1..2", "takes no constraint"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tt.text, err, tt.want)
		}
	}
}
