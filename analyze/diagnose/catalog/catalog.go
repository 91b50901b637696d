// Package catalog is the list of real Spark configuration properties that
// a diagnosis may recommend, each with its type and default, and the checks
// of a proposed value against that type (Spark's own size and time string
// syntax, booleans, numbers with ranges, enums).
//
// The list lives in properties.txt, embedded at build time. It is generated
// by ./gen from Apache Spark's own sources (the property tables of the
// documentation and the Scala config definitions); the file's header names
// the revisions read, and a test checks every default against its own type.
//
// The catalogue is version-aware. For(sparkVersion, conf) is the view of
// one app, and its Lookup(key) returns the property and a Verdict (OK, or
// the reason not): a key with a known since-version (since.txt, generated
// by ./gen -since-from from the "Since Version" column of Spark's docs
// tables and the .version("x.y.z") of Spark's Scala config definitions,
// the Scala one winning) is refused for older apps; legacy and removed names (legacy.txt, from SparkConf's
// deprecation tables) are accepted for the versions that used them and
// refused after their removal; a plugin's keys (plugins.txt: the RAPIDS
// Accelerator's documented options) only when the app's spark.plugins or
// spark.sql.extensions names the plugin; Spark's resource keys
// (spark.executor.resource.gpu.amount, …) from 3.0. View.Check adds the
// value's type and range and semantic ranges (fractions of memory in
// (0, 1), the storage fraction in [0, 1), positive memory sizes);
// View.Within(Limits).Fit checks a set of proposals together against the
// app's containers (heap, overhead by the version's rule, off-heap and
// PySpark memory within the node or a ceiling), the driver's heap against
// spark.driver.maxResultSize, and cores against the node, a Kubernetes
// limit and spark.task.cpus. LookupVersion(key, sparkVersion) is the
// check "the key exists in the app's Spark version" for callers without a
// conf. An unknown or empty version skips the version checks; a key with
// no documented since is taken as present in every version.
package catalog

// Regenerate properties.txt with `go generate` in this folder. It needs the
// Spark source files in a local folder named by SPARK_SRC (layout and list
// in gen/main.go; they are third-party text and stay out of this
// repository). -keep names the internal Spark properties the code of this
// repository refers to.
//
//go:generate go run ./gen -src ${SPARK_SRC} -o properties.txt -keep spark.sql.join.preferSortMergeJoin,spark.sql.catalogImplementation
//
// since.txt is regenerated the same way from files named on the command
// line (docs pages, Scala sources, or an earlier since.txt to carry over);
// its header lists the files and revisions it was made from:
//
//	go run ./gen -since-from since-old.txt,package.scala,SQLConf.scala,... -o since.txt

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sparkmine/sparkmine/extract"
)

// Type is the kind of value a property takes.
type Type string

// The property types.
const (
	Int    Type = "int"    // 32-bit integer
	Long   Type = "long"   // 64-bit integer
	Double Type = "double" // floating point
	Bool   Type = "bool"   // true | false
	Size   Type = "size"   // Spark byte string: 512m, 4g, 1024k, 1048576
	Time   Type = "time"   // Spark time string: 100ms, 120s, 5min, 1h
	Enum   Type = "enum"   // one of Allowed
	String Type = "string" // free text
)

// Property is one Spark configuration property.
type Property struct {
	Key     string
	Type    Type
	Default string   // "" when Spark computes it or there is none
	Allowed []string // Enum only
	// Min and Max bound numbers, sizes (bytes) and times (milliseconds),
	// inclusive; nil is unbounded (sizes and times default to Min 0).
	Min, Max *float64
}

//go:embed properties.txt
var propertiesTxt string

var (
	loadOnce sync.Once
	byKey    map[string]Property
	loadErr  error
)

// Lookup returns the property named key (exact, case-sensitive, as Spark
// reads keys) and whether it is catalogued.
func Lookup(key string) (Property, bool) {
	load()
	p, ok := byKey[key]
	return p, ok
}

// All returns every catalogued property, ordered by key.
func All() []Property {
	load()
	out := make([]Property, 0, len(byKey))
	for _, p := range byKey {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Err reports a malformed properties.txt (nil when it loaded).
func Err() error {
	load()
	return loadErr
}

func load() {
	loadOnce.Do(func() { byKey, loadErr = Parse(propertiesTxt) })
}

// Parse reads a catalogue in the properties.txt format.
func Parse(text string) (map[string]Property, error) {
	out := make(map[string]Property)
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("properties.txt:%d: %w", i+1, err)
		}
		if _, dup := out[p.Key]; dup {
			return nil, fmt.Errorf("properties.txt:%d: duplicate key %s", i+1, p.Key)
		}
		out[p.Key] = p
	}
	return out, nil
}

func parseLine(line string) (Property, error) {
	f := strings.Split(line, "|")
	if len(f) != 4 {
		return Property{}, fmt.Errorf("want 4 fields separated by |, got %d", len(f))
	}
	p := Property{Key: f[0], Type: Type(f[1]), Default: f[2]}
	if !strings.HasPrefix(p.Key, "spark.") {
		return Property{}, fmt.Errorf("key %q does not start with spark.", p.Key)
	}
	switch p.Type {
	case Enum:
		p.Allowed = strings.Split(f[3], ",")
		if f[3] == "" {
			return Property{}, fmt.Errorf("%s: enum without allowed values", p.Key)
		}
	case Int, Long, Double, Size, Time:
		var err error
		if p.Min, p.Max, err = parseRange(f[3]); err != nil {
			return Property{}, fmt.Errorf("%s: %w", p.Key, err)
		}
	case Bool, String:
		if f[3] != "" {
			return Property{}, fmt.Errorf("%s: %s takes no constraint", p.Key, p.Type)
		}
	default:
		return Property{}, fmt.Errorf("%s: unknown type %q", p.Key, p.Type)
	}
	return p, nil
}

// parseRange reads "min..max" (either end may be empty) or "".
func parseRange(s string) (lo, hi *float64, err error) {
	if s == "" {
		return nil, nil, nil
	}
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return nil, nil, fmt.Errorf("range %q: want min..max", s)
	}
	if lo, err = optFloat(a); err != nil {
		return nil, nil, err
	}
	hi, err = optFloat(b)
	return lo, hi, err
}

func optFloat(s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("range bound %q: %w", s, err)
	}
	return &v, nil
}

// Check reports whether value is valid for the property: nil, or an error
// saying why not.
func (p Property) Check(value string) error {
	v := strings.TrimSpace(value)
	if v == "" {
		return fmt.Errorf("%s: empty value", p.Key)
	}
	n, err := p.number(v)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Key, err)
	}
	if err := p.inRange(n); err != nil {
		return fmt.Errorf("%s: %q %w", p.Key, value, err)
	}
	return nil
}

// number parses v by type; it returns the value to range-check (NaN when
// the type has no range).
func (p Property) number(v string) (float64, error) {
	switch p.Type {
	case Int:
		n, err := strconv.ParseInt(v, 10, 32)
		return float64(n), numErr(err, v, "a 32-bit integer")
	case Long:
		n, err := strconv.ParseInt(v, 10, 64)
		return float64(n), numErr(err, v, "a 64-bit integer")
	case Double:
		n, err := strconv.ParseFloat(v, 64)
		if err == nil && (math.IsNaN(n) || math.IsInf(n, 0)) {
			err = strconv.ErrSyntax
		}
		return n, numErr(err, v, "a number")
	case Size:
		return ParseSize(v)
	case Time:
		return ParseTime(v)
	case Bool:
		if l := strings.ToLower(v); l != "true" && l != "false" {
			return 0, fmt.Errorf("%q is not true or false", v)
		}
	case Enum:
		for _, a := range p.Allowed {
			if strings.EqualFold(a, v) {
				return math.NaN(), nil
			}
		}
		return 0, fmt.Errorf("%q is not one of %s", v, strings.Join(p.Allowed, ", "))
	case String:
		if len(v) > 4096 {
			return 0, fmt.Errorf("value longer than 4096 bytes")
		}
	}
	return math.NaN(), nil
}

func numErr(err error, v, want string) error {
	if err != nil {
		return fmt.Errorf("%q is not %s", v, want)
	}
	return nil
}

func (p Property) inRange(n float64) error {
	if math.IsNaN(n) {
		return nil
	}
	lo := p.Min
	if lo == nil && (p.Type == Size || p.Type == Time) {
		zero := 0.0
		lo = &zero
	}
	if lo != nil && n < *lo {
		return fmt.Errorf("is below the minimum %v", *lo)
	}
	if p.Max != nil && n > *p.Max {
		return fmt.Errorf("is above the maximum %v", *p.Max)
	}
	return nil
}

// ParseSize parses a Spark byte string (4g, 512m, 1024k, 100b, 1048576) and
// returns bytes; a bare number counts as bytes here (Spark's default unit
// differs by property, which only matters for range checks).
func ParseSize(s string) (float64, error) {
	n, err := extract.ParseBytes(s, 1)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size like 512m, 4g or 1048576", s)
	}
	return float64(n), nil
}

// ParseTime parses a Spark time string (100ms, 120s, 5min, 1h) and returns
// milliseconds; a bare number counts as milliseconds here.
func ParseTime(s string) (float64, error) {
	d, err := extract.ParseTime(s, time.Millisecond)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration like 100ms, 120s or 5min", s)
	}
	return float64(d) / float64(time.Millisecond), nil
}
