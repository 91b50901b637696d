package catalog

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
)

// Limits is what is known of where an app's processes run. The event log
// does not carry the cluster's bounds (yarn.scheduler.maximum-allocation-mb
// and the like), so they come from the configuration: the node of the cost
// config's instance type, else a ceiling on any one container.
type Limits struct {
	NodeMiB    int64 // a node's memory (0: unknown); a container may take 90 % of it
	NodeCores  int64 // a node's cores (0: unknown)
	CeilingMiB int64 // a container's bound when the node is unknown (0: none)
	// SeenMiB is the largest container the app was seen to run with
	// (an executor's storage memory in its log, at least): a bound below
	// it is not a limit.
	SeenMiB int64
}

// nodeShare is the part of a node's memory a container may take: the
// operating system and the node's own daemons keep the rest.
const nodeShare = 0.9

// Within returns the view that checks proposals against l too (Fit).
func (w View) Within(l Limits) View {
	w.limits = l
	return w
}

// Fit checks proposed changes together, against what they leave the app
// with: each container (heap, overhead, off-heap and PySpark memory) within
// the node or the ceiling, spark.driver.maxResultSize within the driver's
// heap, and spark.executor.cores within the node's cores, the Kubernetes
// limit and not below spark.task.cpus. It returns, for each proposed key
// taking part in a sum or a bound that does not hold, why not. Keys the
// app's version does not read are left out of the sums.
func (w View) Fit(proposed map[string]string) map[string]string {
	now, next := w.readable(nil), w.readable(proposed)
	out := map[string]string{}
	blame := func(why string, keys ...string) {
		for _, k := range keys {
			if _, ok := proposed[k]; ok && why != "" {
				if _, done := out[k]; !done {
					out[k] = why
				}
			}
		}
	}
	for _, role := range []string{"spark.executor", "spark.driver"} {
		blame(w.container(role, now, next), memoryKeys(role)...)
	}
	blame(resultSize(next), "spark.driver.maxResultSize", "spark.driver.memory")
	blame(w.cores(next), "spark.executor.cores", "spark.task.cpus")
	return out
}

// readable is the app's conf with the proposals applied, without the keys
// its Spark version does not read.
func (w View) readable(proposed map[string]string) map[string]string {
	m := maps.Clone(w.conf)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, proposed)
	for k := range m {
		if p, v := w.Lookup(k); p.Key != "" && !v.OK {
			delete(m, k)
		}
	}
	return m
}

func memoryKeys(role string) []string {
	yarn := strings.Replace(role, "spark.", "spark.yarn.", 1)
	ks := []string{role + ".memory", role + ".memoryOverhead", yarn + ".memoryOverhead", role + ".memoryOverheadFactor"}
	if role == "spark.executor" {
		ks = append(ks, "spark.memory.offHeap.enabled", "spark.memory.offHeap.size", "spark.executor.pyspark.memory")
	}
	return ks
}

// containerMiB is role's container under conf m: heap + overhead
// (memoryOverhead, the older spark.yarn.*.memoryOverhead, else max(384 MiB,
// factor × heap), the factor from memoryOverheadFactor, else on Kubernetes
// spark.kubernetes.memoryOverheadFactor, else 0.10), and for an executor
// the off-heap size when off-heap is enabled and
// spark.executor.pyspark.memory.
func containerMiB(m map[string]string, role string) int64 {
	f, ok := m["spark.kubernetes.memoryOverheadFactor"]
	if ok && strings.HasPrefix(m["spark.master"], "k8s://") && m[role+".memoryOverheadFactor"] == "" {
		m = maps.Clone(m)
		m[role+".memoryOverheadFactor"] = f
	}
	total := extract.ContainerMiB(m, role)
	if role != "spark.executor" {
		return total
	}
	if strings.EqualFold(strings.TrimSpace(m["spark.memory.offHeap.enabled"]), "true") {
		total += mib(m["spark.memory.offHeap.size"], 1)
	}
	return total + mib(m["spark.executor.pyspark.memory"], 1<<20)
}

// mib reads a size ("" and errors as 0) in MiB; a bare number is in unit
// bytes.
func mib(s string, unit int64) int64 {
	n, err := extract.ParseBytes(s, unit)
	if err != nil || n < 0 {
		return 0
	}
	return n >> 20
}

// MaxContainerMiB is the largest container (heap, overhead, off-heap and
// PySpark memory) Fit lets an executor of the app take: 90 % of the node,
// else the ceiling, and never less than the app ran with; 0 when nothing
// bounds it.
func (w View) MaxContainerMiB() int64 {
	bound, _ := w.bound()
	if bound == 0 {
		return 0
	}
	return max(bound, w.had("spark.executor", w.readable(nil)))
}

// bound is the limit a container must stay within and its words; 0 when
// nothing bounds it.
func (w View) bound() (int64, string) {
	switch l := w.limits; {
	case l.NodeMiB > 0:
		return int64(nodeShare * float64(l.NodeMiB)), fmt.Sprintf("more than 90%% of the %s node", FormatMiB(l.NodeMiB))
	case l.CeilingMiB > 0:
		return l.CeilingMiB, fmt.Sprintf("more than the %s container ceiling", FormatMiB(l.CeilingMiB))
	}
	return 0, ""
}

// had is role's container as the app ran: from its conf, or the storage
// memory its executors reported when that is more.
func (w View) had(role string, now map[string]string) int64 {
	return max(containerMiB(now, role), w.limits.SeenMiB)
}

// container says why role's container under the proposals does not fit,
// or "".
func (w View) container(role string, now, next map[string]string) string {
	bound, what := w.bound()
	had, want := w.had(role, now), containerMiB(next, role)
	if bound == 0 || want <= max(bound, had) {
		return ""
	}
	name := strings.TrimPrefix(role, "spark.")
	return fmt.Sprintf("the %s's container would take %s (heap, overhead, off-heap and PySpark memory), %s (the app ran with %s)",
		name, FormatMiB(want), what, FormatMiB(had))
}

// resultSize says why spark.driver.maxResultSize does not fit the
// driver's heap, or "". 0 (unlimited) is Spark's to allow.
func resultSize(m map[string]string) string {
	heap := mib(or(m["spark.driver.memory"], "1g"), 1<<20)     // a bare number is MiB
	limit := mib(or(m["spark.driver.maxResultSize"], "1g"), 1) // a bare number is bytes
	if limit > heap {
		return fmt.Sprintf("spark.driver.maxResultSize %s is more than the driver's %s heap: the results it lets through would not fit",
			FormatMiB(limit), FormatMiB(heap))
	}
	return ""
}

// cores says why spark.executor.cores does not fit, or "".
func (w View) cores(m map[string]string) string {
	c, err := strconv.ParseInt(strings.TrimSpace(m["spark.executor.cores"]), 10, 64)
	if err != nil {
		return ""
	}
	if t, err := strconv.ParseInt(strings.TrimSpace(or(m["spark.task.cpus"], "1")), 10, 64); err == nil && t > c {
		return fmt.Sprintf("spark.task.cpus %d is more than spark.executor.cores %d: no task could run", t, c)
	}
	if n := w.limits.NodeCores; n > 0 && c > n {
		return fmt.Sprintf("spark.executor.cores %d is more than the node's %d cores", c, n)
	}
	if lim, err := strconv.ParseFloat(strings.TrimSpace(m["spark.kubernetes.executor.limit.cores"]), 64); err == nil && float64(c) > math.Ceil(lim) {
		return fmt.Sprintf("spark.executor.cores %d is more than the pod's limit of %v cores (spark.kubernetes.executor.limit.cores)", c, lim)
	}
	return ""
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// FormatMiB writes MiB as Spark does: whole GiB as "64g", else "9728m".
func FormatMiB(mib int64) string {
	if mib > 0 && mib%1024 == 0 {
		return strconv.FormatInt(mib/1024, 10) + "g"
	}
	return strconv.FormatInt(mib, 10) + "m"
}
