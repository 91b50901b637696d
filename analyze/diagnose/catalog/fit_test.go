package catalog

import (
	"strings"
	"testing"
)

// Proposals are checked together against the app's containers: each case
// is an app (its Spark version, conf and what is known of its nodes), the
// proposed changes, and the keys refused with a word of the reason.
func TestFit(t *testing.T) {
	ceiling := Limits{CeilingMiB: 64 << 10}
	node := Limits{NodeMiB: 64 << 10, NodeCores: 16} // r5.2xlarge-like: 90 % is 57.6 GiB
	tests := []struct {
		name     string
		version  string
		conf     map[string]string
		limits   Limits
		proposed map[string]string
		refused  map[string]string // key → a word of why not
	}{
		{"heap within the ceiling", "3.5.1", map[string]string{"spark.executor.memory": "8g"}, ceiling,
			map[string]string{"spark.executor.memory": "50g"}, nil}, // 50g + 5g overhead
		{"heap and default overhead past the ceiling", "3.5.1", map[string]string{"spark.executor.memory": "8g"}, ceiling,
			map[string]string{"spark.executor.memory": "60g"}, map[string]string{"spark.executor.memory": "66g"}},
		{"heap past 90 % of the node", "3.5.1", nil, node,
			map[string]string{"spark.executor.memory": "56g"}, map[string]string{"spark.executor.memory": "90% of the 64g node"}},
		{"each fits, together not", "3.5.1", map[string]string{"spark.executor.memory": "8g"}, ceiling,
			map[string]string{"spark.executor.memory": "48g", "spark.executor.memoryOverhead": "20g"},
			map[string]string{"spark.executor.memory": "68g", "spark.executor.memoryOverhead": "68g"}},
		{"off-heap counts when enabled", "3.5.1", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "24g"},
			map[string]string{"spark.memory.offHeap.enabled": "68g", "spark.memory.offHeap.size": "68g"}},
		{"off-heap fits exactly", "3.5.1", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "20g"}, nil},
		{"off-heap size alone while disabled", "3.5.1", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.memory.offHeap.size": "40g"}, nil},
		{"PySpark memory counts", "3.3.0", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.executor.pyspark.memory": "30g"}, map[string]string{"spark.executor.pyspark.memory": "74g"}},
		{"2.2: the YARN overhead name counts", "2.2.0", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.yarn.executor.memoryOverhead": "30g"}, map[string]string{"spark.yarn.executor.memoryOverhead": "70g"}},
		{"2.2: the 2.3 overhead name is not read", "2.2.0", map[string]string{"spark.executor.memory": "40g"}, ceiling,
			map[string]string{"spark.executor.memoryOverhead": "30g"}, nil},
		{"3.3: the overhead factor counts", "3.3.0", map[string]string{"spark.executor.memory": "48g"}, ceiling,
			map[string]string{"spark.executor.memoryOverheadFactor": "0.5"}, map[string]string{"spark.executor.memoryOverheadFactor": "72g"}},
		{"3.2: the overhead factor is not read", "3.2.0", map[string]string{"spark.executor.memory": "48g"}, ceiling,
			map[string]string{"spark.executor.memoryOverheadFactor": "0.5"}, nil},
		{"Kubernetes before 3.3: its own factor", "3.2.0",
			map[string]string{"spark.master": "k8s://https://x", "spark.kubernetes.memoryOverheadFactor": "0.4"}, ceiling,
			map[string]string{"spark.executor.memory": "48g"}, map[string]string{"spark.executor.memory": "68812m"}},
		{"YARN does not read the Kubernetes factor", "3.2.0",
			map[string]string{"spark.master": "yarn", "spark.kubernetes.memoryOverheadFactor": "0.4"}, ceiling,
			map[string]string{"spark.executor.memory": "48g"}, nil},
		{"an app that ran bigger is bounded by its own", "3.5.1", map[string]string{"spark.executor.memory": "90g"}, ceiling,
			map[string]string{"spark.executor.memory": "90g", "spark.executor.cores": "8"}, nil},
		{"above its own too", "3.5.1", map[string]string{"spark.executor.memory": "90g"}, ceiling,
			map[string]string{"spark.executor.memory": "92g"}, map[string]string{"spark.executor.memory": "ran with 99g"}},
		{"storage memory seen in the log raises the bound", "3.5.1", nil, Limits{CeilingMiB: 64 << 10, SeenMiB: 80 << 10},
			map[string]string{"spark.executor.memory": "70g"}, nil},
		{"nothing known: no bound", "3.5.1", nil, Limits{},
			map[string]string{"spark.executor.memory": "500g"}, nil},
		{"driver container", "3.5.1", nil, ceiling,
			map[string]string{"spark.driver.memory": "62g"}, map[string]string{"spark.driver.memory": "driver's container"}},
		{"result size above the driver's heap", "3.5.1", map[string]string{"spark.driver.memory": "4g"}, ceiling,
			map[string]string{"spark.driver.maxResultSize": "8g"}, map[string]string{"spark.driver.maxResultSize": "4g heap"}},
		{"result size within it", "3.5.1", map[string]string{"spark.driver.memory": "4g"}, ceiling,
			map[string]string{"spark.driver.maxResultSize": "2g"}, nil},
		{"result size in bytes, above", "3.5.1", map[string]string{"spark.driver.memory": "4096"}, ceiling,
			map[string]string{"spark.driver.maxResultSize": "8589934592"}, map[string]string{"spark.driver.maxResultSize": "8g is more than the driver's 4g"}},
		{"result size in bytes, within", "3.5.1", map[string]string{"spark.driver.memory": "4096"}, ceiling,
			map[string]string{"spark.driver.maxResultSize": "2147483648"}, nil},
		{"result size unlimited is Spark's to allow", "3.5.1", nil, ceiling,
			map[string]string{"spark.driver.maxResultSize": "0"}, nil},
		{"driver heap below the result size", "2.4.8", map[string]string{"spark.driver.maxResultSize": "4g"}, ceiling,
			map[string]string{"spark.driver.memory": "2g"}, map[string]string{"spark.driver.memory": "maxResultSize 4g"}},
		{"cores past the node", "3.5.1", nil, node,
			map[string]string{"spark.executor.cores": "32"}, map[string]string{"spark.executor.cores": "node's 16 cores"}},
		{"cores within the node", "3.5.1", nil, node,
			map[string]string{"spark.executor.cores": "16"}, nil},
		{"task cpus past the executor's cores", "3.5.1", map[string]string{"spark.executor.cores": "2"}, ceiling,
			map[string]string{"spark.task.cpus": "4"}, map[string]string{"spark.task.cpus": "no task could run"}},
		{"cores past the pod's limit", "3.4.1", map[string]string{"spark.kubernetes.executor.limit.cores": "4"}, ceiling,
			map[string]string{"spark.executor.cores": "8"}, map[string]string{"spark.executor.cores": "limit of 4 cores"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := For(tt.version, tt.conf).Within(tt.limits).Fit(tt.proposed)
			for k, why := range got {
				if want, ok := tt.refused[k]; !ok || !strings.Contains(why, want) {
					t.Errorf("%s refused: %s; want %q", k, why, want)
				}
			}
			for k := range tt.refused {
				if _, ok := got[k]; !ok {
					t.Errorf("%s = %s accepted, want refused", k, tt.proposed[k])
				}
			}
		})
	}
}

func TestSinceAndLegacyName(t *testing.T) {
	for _, c := range []struct{ key, since string }{
		{"spark.executor.memoryOverhead", "2.3.0"}, {"spark.sql.files.maxPartitionBytes", "2.0.0"},
		{"spark.sql.adaptive.coalescePartitions.enabled", "3.0.0"}, {"spark.no.such.key", ""},
	} {
		if got := Since(c.key); got != c.since {
			t.Errorf("Since(%s) = %q, want %q", c.key, got, c.since)
		}
	}
	for _, c := range []struct{ key, version, old string }{
		{"spark.executor.memoryOverhead", "2.2.1", "spark.yarn.executor.memoryOverhead"},
		{"spark.executor.memoryOverhead", "2.3.0", ""}, // its own name
		{"spark.executor.memoryOverhead", "", ""},      // unknown version
		{"spark.sql.files.maxPartitionBytes", "1.6.3", ""},
		{"spark.excludeOnFailure.enabled", "2.4.8", "spark.blacklist.enabled"},
	} {
		if got, ok := LegacyName(c.key, c.version); got != c.old || ok != (c.old != "") {
			t.Errorf("LegacyName(%s, %q) = %q, %v; want %q", c.key, c.version, got, ok, c.old)
		}
	}
}
