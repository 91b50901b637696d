package catalog

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed since.txt
var sinceTxt string

//go:embed legacy.txt
var legacyTxt string

//go:embed plugins.txt
var pluginsTxt string

// Verdict is what the catalogue says of a key for one app.
type Verdict struct {
	OK     bool   // the app's Spark (and plugins) accept the key
	Reason string // why not; or, when OK, a note (a legacy name, a deprecation)
}

// legacy is a renamed or removed key.
type legacy struct {
	Property
	newKey      string
	deprecated  version
	removed     version // zero: Spark still reads it
	hasRemovedV bool
}

// plugin is a property of a Spark plugin, accepted when its class is set.
type plugin struct {
	Property
	class string
}

var (
	versionsOnce sync.Once
	since        map[string]version
	legacies     map[string]legacy
	plugins      map[string]plugin
	versionsErr  error
)

func loadVersions() {
	versionsOnce.Do(func() { versionsErr = parseVersionFiles() })
}

// version is a Spark version as major, minor, patch; ok false when unknown.
type version struct {
	major, minor, patch int
	ok                  bool
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)

// parseVersion reads "3.3.0", "3.3.0-amzn-0", "3.1.1.119", "2.2"; anything
// else is an unknown version.
func parseVersion(s string) version {
	m := versionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return version{}
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3]) // "" reads as 0
	return version{a, b, c, true}
}

func (v version) less(w version) bool {
	if v.major != w.major {
		return v.major < w.major
	}
	if v.minor != w.minor {
		return v.minor < w.minor
	}
	return v.patch < w.patch
}

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

func parseVersionFiles() error {
	since = map[string]version{}
	legacies = map[string]legacy{}
	plugins = map[string]plugin{}
	err := eachLine(sinceTxt, 2, func(f []string) error {
		since[f[0]] = parseVersion(f[1])
		return nil
	})
	if err == nil {
		err = eachLine(legacyTxt, 5, func(f []string) error {
			p, err := parseLine(f[0] + "|" + f[1] + "||")
			legacies[f[0]] = legacy{Property: p, newKey: f[2], deprecated: parseVersion(f[3]),
				removed: parseVersion(f[4]), hasRemovedV: f[4] != ""}
			return err
		})
	}
	if err == nil {
		err = eachLine(pluginsTxt, 5, func(f []string) error {
			p, err := parseLine(strings.Join(f[:4], "|"))
			plugins[f[0]] = plugin{Property: p, class: f[4]}
			return err
		})
	}
	return err
}

// eachLine calls fn with the n fields of every data line of text.
func eachLine(text string, n int, fn func([]string) error) error {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != n {
			return fmt.Errorf("line %d: want %d fields, got %d", i+1, n, len(f))
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

// View is the catalogue as one app sees it: the keys its Spark version
// accepts, legacy names for the versions that used them, and the
// properties of the plugins its conf configures.
type View struct {
	v       version
	raw     string
	classes string // spark.plugins and spark.sql.extensions, joined
	conf    map[string]string
	limits  Limits
}

// For returns the view of an app running Spark sparkVersion ("" when
// unknown: no version check) with conf.
func For(sparkVersion string, conf map[string]string) View {
	loadVersions()
	return View{v: parseVersion(sparkVersion), raw: sparkVersion,
		classes: conf["spark.plugins"] + "," + conf["spark.sql.extensions"], conf: conf}
}

// LookupVersion is For(sparkVersion, nil).Lookup(key): the check the
// findings use for "the key exists in the app's Spark version".
func LookupVersion(key, sparkVersion string) (Property, Verdict) {
	return For(sparkVersion, nil).Lookup(key)
}

// Lookup returns the property named key and whether the app's Spark
// accepts it, with the reason when not.
func (w View) Lookup(key string) (Property, Verdict) {
	if versionsErr != nil {
		return Property{}, Verdict{Reason: "catalogue: " + versionsErr.Error()}
	}
	if p, ok := Lookup(key); ok {
		return p, w.core(key)
	}
	if l, ok := legacies[key]; ok {
		return l.Property, w.legacy(l)
	}
	if p, ok := plugins[key]; ok {
		if !strings.Contains(w.classes, p.class) {
			return p.Property, Verdict{Reason: fmt.Sprintf("%s is a property of the plugin %s, which this app does not configure (spark.plugins)", key, p.class)}
		}
		return p.Property, Verdict{OK: true}
	}
	if p, ok := resourceProperty(key); ok {
		return p, w.atLeast(key, version{3, 0, 0, true})
	}
	return Property{}, Verdict{Reason: key + " is not a catalogued Spark property"}
}

// core checks a current key against its since and, when it replaced a
// legacy name, against nothing else: it stays.
func (w View) core(key string) Verdict {
	if s, ok := since[key]; ok {
		return w.atLeast(key, s)
	}
	return Verdict{OK: true}
}

func (w View) atLeast(key string, s version) Verdict {
	if w.v.ok && s.ok && w.v.less(s) {
		return Verdict{Reason: fmt.Sprintf("%s was added in Spark %s; this app runs Spark %s", key, s, w.raw)}
	}
	return Verdict{OK: true}
}

func (w View) legacy(l legacy) Verdict {
	switch {
	case l.hasRemovedV && !w.v.ok: // an unknown version skips the version checks
		return Verdict{OK: true, Reason: fmt.Sprintf("%s was removed in Spark %s (this app's version is unknown)", l.Key, l.removed)}
	case l.hasRemovedV && !w.v.less(l.removed):
		return Verdict{Reason: fmt.Sprintf("%s was removed in Spark %s; this app runs Spark %s", l.Key, l.removed, w.raw)}
	case l.deprecated.ok && w.v.ok && !w.v.less(l.deprecated) && l.newKey != "":
		return Verdict{OK: true, Reason: fmt.Sprintf("%s is deprecated since Spark %s; %s replaces it", l.Key, l.deprecated, l.newKey)}
	}
	return Verdict{OK: true}
}

// resourceRE is a key of Spark's resource scheduling (3.0 and later):
// spark.{executor,driver}.resource.{name}.{amount,discoveryScript,vendor}
// and spark.task.resource.{name}.amount.
var resourceRE = regexp.MustCompile(`^spark\.(?:(?:executor|driver)\.resource\.[A-Za-z0-9_-]+\.(amount|discoveryScript|vendor)|task\.resource\.[A-Za-z0-9_-]+\.(amount))$`)

func resourceProperty(key string) (Property, bool) {
	m := resourceRE.FindStringSubmatch(key)
	if m == nil {
		return Property{}, false
	}
	switch {
	case m[2] == "amount": // a task may take a fraction of a resource
		return Property{Key: key, Type: Double, Min: ptr(0)}, true
	case m[1] == "amount":
		return Property{Key: key, Type: Long, Min: ptr(0)}, true
	}
	return Property{Key: key, Type: String}, true
}

func ptr(v float64) *float64 { return &v }

// Check reports why value cannot be proposed for key in this app, or nil:
// the key's verdict, the value's type and Spark's own range, then the
// semantic ranges (fractions in (0, 1), positive memory sizes).
func (w View) Check(key, value string) error {
	p, v := w.Lookup(key)
	if !v.OK {
		return fmt.Errorf("%s", v.Reason)
	}
	if err := p.Check(value); err != nil {
		return err
	}
	return semantic(p, value)
}

// semantic holds what Spark's type check lets through but no sane
// setting is: a fraction of memory at 0 or 1 or beyond (the storage
// fraction may be 0), and a memory size of zero.
func semantic(p Property, value string) error {
	k := strings.ToLower(p.Key)
	n, err := p.number(strings.TrimSpace(value))
	if err != nil {
		return nil // not a number type; Check already passed it
	}
	if k == "spark.memory.storagefraction" {
		if !(n >= 0 && n < 1) { // Spark's own check: "Storage fraction must be in [0,1)"
			return fmt.Errorf("%s: %q is not a fraction in [0, 1)", p.Key, value)
		}
		return nil
	}
	if p.Type == Double && strings.HasSuffix(k, "fraction") && !strings.HasPrefix(k, "spark.rapids.") && !(n > 0 && n < 1) {
		return fmt.Errorf("%s: %q is not a fraction in (0, 1)", p.Key, value)
	}
	if p.Type == Size && (strings.HasSuffix(k, ".memory") || strings.HasSuffix(k, "memoryoverhead")) && !(n > 0) {
		return fmt.Errorf("%s: %q: memory must be positive", p.Key, value)
	}
	return nil
}

// Since returns the Spark version that added key, as "3.0.0" ("" when the
// catalogue does not know it).
func Since(key string) string {
	loadVersions()
	if s, ok := since[key]; ok && s.ok {
		return s.String()
	}
	return ""
}

// LegacyName returns the older name an app of sparkVersion reads in place
// of key, when key is younger than the app and an older name Spark still
// read then exists (spark.yarn.executor.memoryOverhead for
// spark.executor.memoryOverhead before 2.3).
func LegacyName(key, sparkVersion string) (string, bool) {
	loadVersions()
	v, s := parseVersion(sparkVersion), since[key]
	if !v.ok || !s.ok || !v.less(s) {
		return "", false
	}
	var names []string
	for name, l := range legacies {
		if l.newKey == key && (!l.hasRemovedV || v.less(l.removed)) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	sort.Strings(names)
	return names[0], true
}
