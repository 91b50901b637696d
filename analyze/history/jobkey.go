package history

import (
	"regexp"
	"sort"
	"strings"
)

// KeyConfig says where a scheduler names the job.
type KeyConfig struct {
	// Properties are Spark properties whose value names the job; the first
	// one set wins.
	Properties []string `yaml:"properties"`
	// TagNames are the names kept from spark.yarn.tags ("name:value" or
	// "name=value" tags); the job is named by those present, in this order.
	TagNames []string `yaml:"tag_names"`
}

// DefaultKeyConfig is the configuration used where the config file says
// nothing.
func DefaultKeyConfig() KeyConfig {
	return KeyConfig{
		Properties: []string{"spark.sparkmine.job_key", "spark.databricks.job.id", "spark.openlineage.parentJobName"},
		TagNames:   []string{"dag_id", "task_id"},
	}
}

// masks are applied in order: each replaces what it matches in the
// lower-cased name with a placeholder.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "<uuid>"},
	{regexp.MustCompile(`application_\d+_\d+|app-\d{14}-\d{4}|local-\d{10,}|spark-[0-9a-f]{32}`), "<app>"},
	// dates with optional times: 2026-11-25, 20261125, 2026/11/25 10:04:05.123Z, 2026-11-25T10
	{regexp.MustCompile(`\d{4}[-/_.]?\d{2}[-/_.]?\d{2}(?:[t _-]?\d{2}(?:[:_-]?\d{2}(?:[:_-]?\d{2}(?:\.\d+)?)?)?z?)?`), "<date>"},
	{regexp.MustCompile(`\b\d{2}[/.]\d{2}[/.]\d{4}\b`), "<date>"},
	{regexp.MustCompile(`\b\d{1,2}:\d{2}(?::\d{2})?\b`), "<time>"},
	{regexp.MustCompile(`[0-9a-z]+`), ""}, // words: hex digests masked by maskHex
	{regexp.MustCompile(`\d{4,}`), "<n>"},
	{regexp.MustCompile(`\b(run|attempt|try|retry|batch|execution|exec|iteration|part|chunk)([ _#:=-]*)\d+`), "$1 <n>"},
}

var space = regexp.MustCompile(`\s+`)

// Mask returns name with the parts that change from run to run replaced by
// placeholders (see the package doc).
func Mask(name string) string {
	s := strings.ToLower(strings.TrimSpace(name))
	for _, m := range masks {
		if m.with == "" {
			s = m.re.ReplaceAllStringFunc(s, maskHex)
			continue
		}
		s = m.re.ReplaceAllString(s, m.with)
	}
	return space.ReplaceAllString(s, " ")
}

// maskHex masks a word (a run of letters and digits) of 8 or more hex
// digits that has both a digit and a letter: a digest or an id, not a word.
func maskHex(w string) string {
	if len(w) < 8 || strings.Trim(w, "0123456789abcdef") != "" ||
		!strings.ContainsAny(w, "0123456789") || !strings.ContainsAny(w, "abcdef") {
		return w
	}
	return "<hex>"
}

// interactive are the job keys of the names Spark's shells give their
// sessions (spark-shell, pyspark, sparkR, sparklyr): sessions of people
// exploring, not runs of one job.
var interactive = map[string]bool{"spark shell": true, "pysparkshell": true, "sparkr": true, "sparklyr": true}

// Recurring reports whether runs of jobKey can be compared as runs of one
// job: not an interactive shell's default name, and not empty.
func Recurring(jobKey string) bool { return jobKey != "" && !interactive[jobKey] }

// JobKey names the recurring job a run belongs to (see the package doc).
// conf holds the run's Spark properties.
func JobKey(appName string, conf map[string]string, cfg KeyConfig) string {
	for _, p := range cfg.Properties {
		if v := strings.TrimSpace(conf[p]); v != "" {
			return p + "=" + v
		}
	}
	if tags := schedulerTags(conf["spark.yarn.tags"], cfg.TagNames); tags != "" {
		return "tags:" + tags
	}
	return Mask(appName)
}

// schedulerTags keeps the named tags of a spark.yarn.tags value, in the
// order of names, as "name=value" joined by commas.
func schedulerTags(tags string, names []string) string {
	if tags == "" || len(names) == 0 {
		return ""
	}
	found := map[string]string{}
	for _, t := range strings.Split(tags, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(t), ":")
		if !ok {
			k, v, ok = strings.Cut(strings.TrimSpace(t), "=")
		}
		if ok && v != "" {
			found[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	var parts []string
	for _, n := range names {
		if v, ok := found[n]; ok {
			parts = append(parts, n+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
