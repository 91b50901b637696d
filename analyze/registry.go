package analyze

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// DetectorConfig is the registry of detectors: one field per detector, in
// the order they run, its yaml tag the detector's name and its section
// under `detectors:`. Each field's type lives in the detector's own file
// and implements detectorConfig: its defaults, the detector it configures,
// and, in `check` struct tags, the rules its values must keep. Adding a
// detector is that file plus one line here; Detectors,
// DefaultDetectorConfig, validation, `--print-config` and the README's
// config reference (ConfigReference) all range over this struct.
type DetectorConfig struct {
	TaskSkew      TaskSkewConfig      `yaml:"task_skew"`
	ShuffleSkew   ShuffleSkewConfig   `yaml:"shuffle_skew"`
	Spill         SpillConfig         `yaml:"spill"`
	GCPressure    GCPressureConfig    `yaml:"gc_pressure"`
	ExecutorLoss  ExecutorLossConfig  `yaml:"executor_loss"`
	FetchFailure  FetchFailureConfig  `yaml:"fetch_failure"`
	TaskFailures  TaskFailuresConfig  `yaml:"task_failures"`
	TinyTasks     TinyTasksConfig     `yaml:"tiny_tasks"`
	UnderParallel UnderParallelConfig `yaml:"under_parallel"`
	IdleExecutors IdleExecutorsConfig `yaml:"idle_executors"`
	DriverBound   DriverBoundConfig   `yaml:"driver_bound"`
	LargeResult   LargeResultConfig   `yaml:"large_result"`
	LongStage     LongStageConfig     `yaml:"long_stage"`
	OutOfMemory   OutOfMemoryConfig   `yaml:"out_of_memory"`
	// The plan-aware detectors (detect_sql*.go).
	SkewedJoin         SkewedJoinConfig         `yaml:"skewed_join"`
	BroadcastCandidate BroadcastCandidateConfig `yaml:"broadcast_candidate"`
	OversizedBroadcast OversizedBroadcastConfig `yaml:"oversized_broadcast"`
	SmallFiles         SmallFilesConfig         `yaml:"small_files"`
	NoPartitionPruning NoPartitionPruningConfig `yaml:"no_partition_pruning"`
	NestedLoopJoin     NestedLoopConfig         `yaml:"nested_loop_join"`
	Rightsize          RightsizeConfig          `yaml:"rightsize"`
}

// detectorConfig is what every field of DetectorConfig implements (value
// receivers; defaults is called on the zero value).
type detectorConfig interface {
	on() bool
	// defaults returns the detector's documented defaults.
	defaults() detectorConfig
	// detector returns the detector configured by this value.
	detector() Detector
}

// Switch turns a detector on or off; every detector config embeds it.
type Switch struct {
	Enabled bool `yaml:"enabled" doc:"run this detector"`
}

func (s Switch) on() bool { return s.Enabled }

// enabled is the Switch of every detector by default.
var enabled = Switch{Enabled: true}

// configs returns the registry's fields: their YAML names and values.
func (d *DetectorConfig) configs() ([]string, []reflect.Value) {
	v := reflect.ValueOf(d).Elem()
	names := make([]string, v.NumField())
	vals := make([]reflect.Value, v.NumField())
	for i := range names {
		names[i], vals[i] = yamlName(v.Type().Field(i)), v.Field(i)
	}
	return names, vals
}

// DefaultDetectorConfig returns every detector's defaults (their sources in
// each detector's doc comment).
func DefaultDetectorConfig() DetectorConfig {
	var d DetectorConfig
	_, vals := d.configs()
	for _, v := range vals {
		v.Set(reflect.ValueOf(v.Interface().(detectorConfig).defaults()))
	}
	return d
}

// Detectors returns the enabled detectors in the registry's order.
func Detectors(cfg DetectorConfig) []Detector {
	var ds []Detector
	_, vals := cfg.configs()
	for _, v := range vals {
		if c := v.Interface().(detectorConfig); c.on() {
			ds = append(ds, c.detector())
		}
	}
	return ds
}

// validate checks every detector's values against the rules in their
// `check` tags; each error names the value's YAML path.
func (d DetectorConfig) validate() error {
	var errs []error
	names, vals := d.configs()
	for i, v := range vals {
		errs = append(errs, checkFields("detectors."+names[i], v))
	}
	return errors.Join(errs...)
}

// checkFields applies the `check` rules of struct v's fields (comma
// separated: ascending, descending, fraction, open_fraction, nonneg,
// positive).
func checkFields(path string, v reflect.Value) error {
	var errs []error
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		for _, rule := range strings.Split(f.Tag.Get("check"), ",") {
			if rule != "" {
				errs = append(errs, checkRule(path+"."+yamlName(f), rule, v.Field(i).Interface()))
			}
		}
	}
	return errors.Join(errs...)
}

// checkRule checks one value against one rule.
func checkRule(path, rule string, x any) error {
	switch x := x.(type) {
	case Grades:
		return checkGrades(path, rule, x)
	case int64:
		if rule == "positive" {
			return positive(path, x)
		}
		if rule == "nonneg" {
			return nonNeg(path, x)
		}
	case float64:
		switch rule {
		case "nonneg":
			return nonNegF(path, x)
		case "fraction", "open_fraction":
			return fraction(path, x, rule == "open_fraction")
		}
	}
	return fmt.Errorf("%s: no check %q for a %T", path, rule, x)
}

// checkGrades checks a grade list's order, or each grade as a fraction.
func checkGrades(path, rule string, g Grades) error {
	switch rule {
	case "ascending", "descending":
		return fieldErr(path, g.validate(rule == "descending"))
	case "fraction":
		var errs []error
		for s := Low; s <= Critical && int(s) <= len(g); s++ {
			errs = append(errs, fraction(path+"["+s.String()+"]", g.at(s), false))
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s: no check %q for grades", path, rule)
}

// yamlName is a struct field's YAML key.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// ConfigReference is the README's reference of every detector setting: a
// Markdown table of each key under `detectors:` and `impact:`, its default
// and its `doc` tag, generated from the registry.
func ConfigReference() string {
	var b strings.Builder
	b.WriteString("| key | default | meaning |\n| --- | --- | --- |\n")
	def := DefaultDetectorConfig()
	names, vals := def.configs()
	for i, v := range vals {
		writeReference(&b, "detectors."+names[i], v)
	}
	writeReference(&b, "impact", reflect.ValueOf(DefaultImpactConfig()))
	return b.String()
}

// writeReference writes the rows of one detector's settings (an inline
// Switch is one row of its own).
func writeReference(b *strings.Builder, path string, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Anonymous {
			writeReference(b, path, v.Field(i))
			continue
		}
		fmt.Fprintf(b, "| `%s.%s` | `%s` | %s |\n", path, yamlName(f), formatDefault(v.Field(i).Interface()), f.Tag.Get("doc"))
	}
}

// formatDefault writes a default as the YAML a user would type.
func formatDefault(x any) string {
	switch x := x.(type) {
	case Grades:
		s := make([]string, len(x))
		for i, g := range x {
			s[i] = strconv.FormatFloat(g, 'g', -1, 64)
		}
		return "[" + strings.Join(s, ", ") + "]"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case map[string]int64:
		if len(x) == 0 {
			return "{}"
		}
	}
	return fmt.Sprint(x)
}
