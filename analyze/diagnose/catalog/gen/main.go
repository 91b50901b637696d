// Command gen writes properties.txt, the catalogue of package catalog, from
// a local copy of Apache Spark's sources: the property tables of the
// documentation (HTML rows <tr><td><code>spark.x</code></td><td>default</td>
// <td>meaning</td>...</tr>) and the Scala config definitions
// (ConfigBuilder("spark.x") / buildConf("spark.x") ... .intConf ...
// .createWithDefault(...)). Spark's files are not part of this repository;
// fetch them into a folder and run:
//
//	go run ./analyze/diagnose/catalog/gen -src /tmp/spark-src -o analyze/diagnose/catalog/properties.txt
//
// The folder holds the files under their path in the Spark repository (see
// docFiles and codeFiles; missing ones are skipped with a warning) and,
// optionally, a file SOURCES whose lines ("path revision") are copied into
// the header of the output.
//
// Rules: a key defined in Scala takes its type, default and constraint from
// the definition; a key only in the documentation takes a type inferred from
// its documented default. Deprecated and removed definitions, credential-like
// keys and templated keys (spark.executor.resource.{x}.amount) are left out;
// so are definitions Spark marks internal when -internal=false, except keys
// named with -keep.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
)

// docFiles are the documentation pages whose property tables are read.
var docFiles = []string{
	"docs/configuration.md",
	"docs/sql-performance-tuning.md",
	"docs/running-on-yarn.md",
	"docs/running-on-kubernetes.md",
}

// codeFiles are the sources whose config definitions (Scala) or key
// constants (Scala and Java: NAME = "spark.x") are read.
var codeFiles = []string{
	"core/src/main/scala/org/apache/spark/internal/config/package.scala",
	"sql/catalyst/src/main/scala/org/apache/spark/sql/internal/SQLConf.scala",
	"sql/catalyst/src/main/scala/org/apache/spark/sql/internal/StaticSQLConf.scala",
	"sql/api/src/main/scala/org/apache/spark/sql/internal/SqlApiConfHelper.scala",
	"sql/hive/src/main/scala/org/apache/spark/sql/hive/HiveUtils.scala",
	"launcher/src/main/java/org/apache/spark/launcher/SparkLauncher.java",
}

func main() {
	src := flag.String("src", "", "folder holding the Spark source files (required)")
	out := flag.String("o", "", "output file (default standard output)")
	date := flag.String("date", time.Now().UTC().Format("2006-01-02"), "date written in the header")
	keep := flag.String("keep", "", "comma-separated keys kept even when Spark marks them internal")
	internal := flag.Bool("internal", true, "keep every definition Spark marks internal (real keys Spark accepts)")
	sinceFrom := flag.String("since-from", "", "write since.txt (to -o) instead, from these comma-separated docs pages (Since Version column) and Scala sources (.version)")
	flag.Parse()
	if *sinceFrom != "" {
		sinceMain(strings.Split(*sinceFrom, ","), *out, *date)
		return
	}
	if *src == "" {
		fmt.Fprintln(os.Stderr, "gen: -src is required")
		flag.Usage()
		os.Exit(2)
	}
	in, err := readSources(*src, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	in.Date = *date
	in.Internal = *internal
	for _, k := range strings.Split(*keep, ",") {
		if k = strings.TrimSpace(k); k != "" {
			in.Keep = append(in.Keep, k)
		}
	}
	text, st := Generate(in, os.Stderr)
	if _, err := catalog.Parse(text); err != nil {
		fmt.Fprintln(os.Stderr, "gen: generated catalogue does not parse:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %d properties: %d typed from Scala definitions (%d of them also in docs tables), %d from docs tables only\n",
		st.Total, st.FromScala, st.Both, st.DocsOnly)
	if *out == "" {
		fmt.Print(text)
		return
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// Input is what Generate reads: file contents by Spark path.
type Input struct {
	Docs    map[string]string // docs/*.md
	Code    map[string]string // *.scala, *.java
	Sources []string          // lines of SOURCES
	Date    string
	Keep    []string
	// Internal keeps the definitions Spark marks internal(): they are
	// real keys Spark accepts, and users do set some of them
	// (spark.sql.legacy.timeParserPolicy, spark.sql.crossJoin.enabled).
	Internal bool
}

func readSources(dir string, warn io.Writer) (Input, error) {
	in := Input{Docs: map[string]string{}, Code: map[string]string{}}
	read := func(p string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			fmt.Fprintf(warn, "gen: skipping %s: %v\n", p, err)
			return "", false
		}
		return string(b), true
	}
	for _, p := range docFiles {
		if s, ok := read(p); ok {
			in.Docs[p] = s
		}
	}
	for _, p := range codeFiles {
		if s, ok := read(p); ok {
			in.Code[p] = s
		}
	}
	if len(in.Docs)+len(in.Code) == 0 {
		return in, errors.New("no Spark source file found under " + dir)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "SOURCES")); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				in.Sources = append(in.Sources, l)
			}
		}
	}
	return in, nil
}

// ---------------------------------------------------------------- docs tables

// DocRow is one property row of a documentation table.
type DocRow struct {
	Key, Default, Meaning, File string
}

var (
	rowRE  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	codeRE = regexp.MustCompile(`(?s)^\s*<code>\s*([^<]*?)\s*</code>\s*$`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
	wsRE   = regexp.MustCompile(`\s+`)
)

// ParseDocs returns the property rows of the HTML tables in a page: rows
// whose first cell is a single <code>spark.…</code>. Defaults and meanings
// are plain text (tags removed, entities decoded, spaces collapsed).
func ParseDocs(text, file string) []DocRow {
	var rows []DocRow
	for _, m := range rowRE.FindAllStringSubmatch(text, -1) {
		cells := cellRE.FindAllStringSubmatch(m[1], -1)
		if len(cells) < 3 {
			continue
		}
		c := codeRE.FindStringSubmatch(cells[0][1])
		if c == nil || !strings.HasPrefix(c[1], "spark.") {
			continue
		}
		rows = append(rows, DocRow{
			Key:     html.UnescapeString(c[1]),
			Default: plain(cells[1][1]),
			Meaning: plain(cells[2][1]),
			File:    file,
		})
	}
	return rows
}

func plain(s string) string {
	s = tagRE.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.TrimSpace(wsRE.ReplaceAllString(s, " "))
}

var (
	docIntRE     = regexp.MustCompile(`^-?\d+$`)
	docIntNoteRE = regexp.MustCompile(`^(-?\d+) \(.*\)$`)
	docFloatRE   = regexp.MustCompile(`^-?\d+\.\d+$`)
	docProductRE = regexp.MustCompile(`^\d+( \* \d+)+$`)
	docSizeRE    = regexp.MustCompile(`(?i)^(\d+) ?(b|k|kb|m|mb|g|gb|t|tb|p|pb)$`)
	docTimeRE    = regexp.MustCompile(`(?i)^(\d+) ?(us|ms|s|min|h|d)$`)
	noneDefaults = map[string]bool{"": true, "(none)": true, "none": true, "not set": true, "(not set)": true, "(random)": true}
)

// DocDefault reads a documented default: the value Spark would accept and
// the type it shows (bool, int, long, double, size, time, string), or ""
// and "" when the documentation describes a computed value or none.
func DocDefault(raw string) (value string, typ catalog.Type) {
	s := strings.TrimSpace(raw)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1] // "3": the docs quote a string value
	}
	if noneDefaults[strings.ToLower(s)] {
		return "", ""
	}
	if m := docIntNoteRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	switch {
	case s == "true" || s == "false":
		return s, catalog.Bool
	case s == "Int.MaxValue" || s == "Integer.MAX_VALUE":
		return strconv.Itoa(math.MaxInt32), catalog.Int
	case s == "Long.MaxValue" || s == "Long.MAX_VALUE":
		return strconv.FormatInt(math.MaxInt64, 10), catalog.Long
	case docIntRE.MatchString(s) || docProductRE.MatchString(s):
		n, ok := evalInt(s)
		if !ok {
			return "", ""
		}
		if n.IsInt64() && n.Int64() >= math.MinInt32 && n.Int64() <= math.MaxInt32 {
			return n.String(), catalog.Int
		}
		return n.String(), catalog.Long
	case docFloatRE.MatchString(s):
		return s, catalog.Double
	}
	if m := docSizeRE.FindStringSubmatch(s); m != nil {
		return m[1] + strings.ToLower(m[2]), catalog.Size
	}
	if m := docTimeRE.FindStringSubmatch(s); m != nil {
		return m[1] + strings.ToLower(m[2]), catalog.Time
	}
	if strings.ContainsAny(s, " |") || strings.HasPrefix(s, "spark.") || strings.EqualFold(s, "infinity") {
		return "", "" // prose, a fallback to another key, or unbounded
	}
	return s, catalog.String
}

// ---------------------------------------------------------- Scala definitions

// Def is one config definition read from Scala.
type Def struct {
	Name, Key, File string
	Type            catalog.Type // "" when unknown (an unresolved fallbackConf)
	Unit            float64      // size: bytes per unit; time: milliseconds per unit
	UnitSuffix      string       // suffix of a bare number in Spark's unit: "m" for MiB, "s" for SECONDS
	Default         string
	DefaultKnown    bool // Default is what Spark uses (including "none")
	Allowed         []string
	Min, Max        *float64
	Internal        bool
	Deprecated      bool
	Fallback        string // name of the entry it falls back to
	Doc             string // raw .doc(...) argument
}

type call struct{ name, args string }

var (
	valRE     = regexp.MustCompile(`(?m)^[ \t]*(?:private\[\w+\][ \t]+)?(?:lazy[ \t]+)?val[ \t]+(\w+)[ \t]*=`)
	constRE   = regexp.MustCompile(`(?:val|static\s+final\s+String)\s+([A-Z][A-Z0-9_]*)\s*(?::\s*String\s*)?=\s*"(spark\.[^"$]+)"`)
	enumObjRE = regexp.MustCompile(`object\s+(\w+)\s+extends\s+Enumeration\s*\{\s*val\s+([\w\s,]+?)\s*=\s*Value\s*\}`)
	deprRE    = regexp.MustCompile(`DeprecatedConfig\(\s*(?:"(spark\.[^"]+)"|(\w+)\.key)`)
	removedRE = regexp.MustCompile(`RemovedConfig\(\s*"(spark\.[^"]+)"`)
	strLitRE  = regexp.MustCompile(`^"((?:[^"\\]|\\.)*)"$`)
	identRE   = regexp.MustCompile(`^[\w.]+$`)
)

// Consts returns the NAME = "spark.x" string constants of a Scala or Java
// file.
func Consts(text string) map[string]string {
	out := map[string]string{}
	for _, m := range constRE.FindAllStringSubmatch(text, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// ParseScala returns the config definitions of a Scala file. consts maps
// constant names (from any file) to keys, for ConfigBuilder(SomeObject.NAME).
func ParseScala(text, file string, consts map[string]string) []Def {
	enums := map[string][]string{}
	for _, m := range enumObjRE.FindAllStringSubmatch(text, -1) {
		for _, v := range strings.Split(m[2], ",") {
			enums[m[1]] = append(enums[m[1]], strings.TrimSpace(v))
		}
	}
	deprKeys, deprNames := map[string]bool{}, map[string]bool{}
	for _, m := range deprRE.FindAllStringSubmatch(text, -1) {
		if m[1] != "" {
			deprKeys[m[1]] = true
		} else {
			deprNames[m[2]] = true
		}
	}
	for _, m := range removedRE.FindAllStringSubmatch(text, -1) {
		deprKeys[m[1]] = true
	}
	var defs []Def
	for _, loc := range valRE.FindAllStringSubmatchIndex(text, -1) {
		name := text[loc[2]:loc[3]]
		calls, ok := chain(text[loc[1]:])
		if !ok || len(calls) == 0 {
			continue
		}
		switch calls[0].name {
		case "ConfigBuilder", "buildConf", "buildStaticConf":
		default:
			continue
		}
		key := builderKey(calls[0].args, consts)
		if key == "" {
			continue
		}
		d := Def{Name: name, Key: key, File: file}
		d.apply(calls[1:], enums)
		if deprKeys[key] || deprNames[name] || deprecatedDoc(d.Doc) {
			d.Deprecated = true
		}
		defs = append(defs, d)
	}
	return defs
}

func builderKey(arg string, consts map[string]string) string {
	arg = strings.TrimSpace(arg)
	if m := strLitRE.FindStringSubmatch(arg); m != nil {
		return m[1]
	}
	if identRE.MatchString(arg) {
		parts := strings.Split(arg, ".")
		return consts[parts[len(parts)-1]]
	}
	return "" // interpolated (s"spark.sql.catalog.$X") or computed
}

var deprDocRE = regexp.MustCompile(`(?i)^\s*s?"\s*\(?\s*deprecated`)

func deprecatedDoc(doc string) bool { return deprDocRE.MatchString(doc) }

var (
	byteUnits = map[string]struct {
		n      float64
		suffix string
	}{
		"BYTE": {1, ""}, "KiB": {1 << 10, "k"}, "MiB": {1 << 20, "m"}, "GiB": {1 << 30, "g"},
		"TiB": {1 << 40, "t"}, "PiB": {1 << 50, "p"},
	}
	timeUnits = map[string]struct {
		n      float64
		suffix string
	}{
		"NANOSECONDS": {1e-6, ""}, "MICROSECONDS": {1e-3, "us"}, "MILLISECONDS": {1, "ms"},
		"SECONDS": {1e3, "s"}, "MINUTES": {60e3, "min"}, "HOURS": {3600e3, "h"}, "DAYS": {86400e3, "d"},
	}
)

func (d *Def) apply(calls []call, enums map[string][]string) {
	var checks []string
	for _, c := range calls {
		switch c.name {
		case "internal":
			d.Internal = true
		case "doc":
			d.Doc = c.args
		case "intConf":
			d.Type = catalog.Int
		case "longConf":
			d.Type = catalog.Long
		case "doubleConf":
			d.Type = catalog.Double
		case "booleanConf":
			d.Type = catalog.Bool
		case "stringConf", "regexConf":
			d.Type = catalog.String
		case "toSequence":
			d.Type = catalog.String
			d.Allowed = nil
		case "bytesConf":
			u, ok := byteUnits[strings.TrimPrefix(strings.TrimSpace(c.args), "ByteUnit.")]
			if !ok {
				return
			}
			d.Type, d.Unit, d.UnitSuffix = catalog.Size, u.n, u.suffix
		case "timeConf":
			u, ok := timeUnits[strings.TrimPrefix(strings.TrimSpace(c.args), "TimeUnit.")]
			if !ok {
				return
			}
			d.Type, d.Unit, d.UnitSuffix = catalog.Time, u.n, u.suffix
		case "checkValue":
			checks = append(checks, firstArg(c.args))
		case "checkValues":
			if d.Type == catalog.String {
				d.Allowed = setValues(c.args, enums)
			}
		case "fallbackConf":
			f := strings.TrimSpace(c.args)
			d.Fallback = f[strings.LastIndex(f, ".")+1:]
			// the value of another key: no default of its own (the docs may show it)
		case "createOptional", "createWithDefaultFunction":
			d.DefaultKnown = true
		case "createWithDefault":
			d.Default, d.DefaultKnown = d.evalDefault(c.args, enums)
		case "createWithDefaultString":
			if m := interpRE.FindStringSubmatch(strings.TrimSpace(c.args)); m != nil {
				if n, ok := evalInt(m[1]); ok {
					d.Default, d.DefaultKnown = d.numDefault(n.String())
				}
			} else if m := strLitRE.FindStringSubmatch(strings.TrimSpace(c.args)); m != nil {
				d.Default, d.DefaultKnown = d.stringDefault(m[1])
			}
		}
	}
	for _, chk := range checks {
		if d.Type == catalog.String && d.Allowed == nil {
			if vals := containsSet(chk); vals != nil {
				d.Allowed = vals
			}
			continue
		}
		d.bound(chk)
	}
	if d.Type == catalog.String && d.Allowed != nil {
		d.Type = catalog.Enum
	}
}

var interpRE = regexp.MustCompile(`^s"\$\{([^}"]*)\}"$`)

// stringDefault reads createWithDefaultString("…"): Spark parses the string
// with the entry's converter, so a bare number counts in the entry's unit.
func (d *Def) stringDefault(s string) (string, bool) {
	switch d.Type {
	case catalog.Size, catalog.Time:
		if _, ok := evalInt(s); ok {
			return d.numDefault(s)
		}
		if d.Type == catalog.Size {
			if _, err := catalog.ParseSize(s); err != nil {
				return "", false
			}
		} else if _, err := catalog.ParseTime(s); err != nil {
			return "", false
		}
		return s, true
	}
	return s, true
}

// numDefault writes an integer n counted in the entry's unit.
func (d *Def) numDefault(n string) (string, bool) {
	switch d.Type {
	case catalog.Size:
		if d.UnitSuffix == "" {
			return prettyBytes(n), true
		}
		return n + d.UnitSuffix, true
	case catalog.Time:
		if d.UnitSuffix == "" { // nanoseconds: whole milliseconds only
			v, _ := new(big.Int).SetString(n, 10)
			q, r := new(big.Int).QuoRem(v, big.NewInt(1e6), new(big.Int))
			if r.Sign() != 0 {
				return "", false
			}
			return q.String() + "ms", true
		}
		return n + d.UnitSuffix, true
	}
	return n, true
}

func prettyBytes(n string) string {
	v, ok := new(big.Int).SetString(n, 10)
	if !ok || v.Sign() <= 0 {
		return n
	}
	for _, u := range []struct {
		shift  uint
		suffix string
	}{{40, "t"}, {30, "g"}, {20, "m"}, {10, "k"}} {
		q, r := new(big.Int).QuoRem(v, new(big.Int).Lsh(big.NewInt(1), u.shift), new(big.Int))
		if r.Sign() == 0 {
			return q.String() + u.suffix
		}
	}
	return n
}

var (
	toMillisRE = regexp.MustCompile(`^TimeUnit\.(\w+)\.toMillis\(([^()]*)\)$`)
	enumValRE  = regexp.MustCompile(`^(\w+)\.(\w+)\.toString$`)
)

// evalDefault reads the argument of createWithDefault; ok is false when it
// is an expression this generator does not evaluate.
func (d *Def) evalDefault(expr string, enums map[string][]string) (string, bool) {
	e := strings.TrimSpace(expr)
	if m := strLitRE.FindStringSubmatch(e); m != nil {
		return m[1], d.Type == catalog.String || d.Type == catalog.Enum
	}
	switch e {
	case "Nil":
		return "", true
	case "true", "false":
		return e, d.Type == catalog.Bool
	case "Utils.isTesting": // false outside Spark's own test suites
		return "false", d.Type == catalog.Bool
	case "!Utils.isTesting":
		return "true", d.Type == catalog.Bool
	}
	if m := enumValRE.FindStringSubmatch(e); m != nil {
		for _, v := range enums[m[1]] {
			if v == m[2] {
				return v, true
			}
		}
		return "", false
	}
	if m := toMillisRE.FindStringSubmatch(e); m != nil && d.Type == catalog.Time && d.Unit == 1 {
		u, ok := timeUnits[m[1]]
		n, ok2 := evalInt(m[2])
		if !ok || !ok2 || u.suffix == "" {
			return "", false
		}
		return n.String() + u.suffix, true
	}
	switch d.Type {
	case catalog.Double:
		f, err := strconv.ParseFloat(strings.TrimRight(e, "dDfF"), 64)
		if err != nil {
			if n, ok := evalInt(e); ok {
				return n.String(), true
			}
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case catalog.Int, catalog.Long, catalog.Size, catalog.Time:
		n, ok := evalInt(e)
		if !ok {
			return "", false
		}
		return d.numDefault(n.String())
	}
	return "", false
}

// bound reads a simple checkValue lambda (_ > 0, v => v >= 1 && v <= 9)
// into Min and Max, in the catalogue's units. A strict bound becomes the
// next integer for whole numbers and stays inclusive for decimals.
// Clauses it does not read are ignored: each clause alone is a necessary
// condition, so the range read is never narrower than Spark's.
func (d *Def) bound(lambda string) {
	switch d.Type {
	case catalog.Int, catalog.Long, catalog.Double, catalog.Size, catalog.Time:
	default:
		return
	}
	param, body := "_", strings.TrimSpace(lambda)
	if m := lambdaRE.FindStringSubmatch(body); m != nil {
		param, body = m[1], m[2]
	}
	if strings.Contains(body, "||") {
		return
	}
	scale := 1.0
	if d.Type == catalog.Size || d.Type == catalog.Time {
		scale = d.Unit
	}
	whole := d.Type != catalog.Double
	for _, clause := range strings.Split(body, "&&") {
		clause = strings.Trim(strings.TrimSpace(clause), "()")
		clause = strings.TrimSpace(clause)
		var op, num string
		if m := clauseRE.FindStringSubmatch(clause); m != nil && m[1] == param {
			op, num = m[2], m[3]
		} else if m := revClauseRE.FindStringSubmatch(clause); m != nil && m[3] == param {
			num, op = m[1], map[string]string{"<": ">", "<=": ">="}[m[2]]
		} else {
			continue
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			continue
		}
		switch op {
		case ">":
			if whole {
				v++
			}
			d.setMin(v * scale)
		case ">=":
			d.setMin(v * scale)
		case "<":
			if whole {
				v--
			}
			d.setMax(v * scale)
		case "<=":
			d.setMax(v * scale)
		}
	}
}

var (
	lambdaRE    = regexp.MustCompile(`(?s)^(\w+)\s*=>\s*(.*)$`)
	clauseRE    = regexp.MustCompile(`^(\w+)\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)[LlDdFf]?$`)
	revClauseRE = regexp.MustCompile(`^(-?\d+(?:\.\d+)?)[LlDdFf]?\s*(<=|<)\s*(\w+)$`)
	setLitRE    = regexp.MustCompile(`(?s)^Set\((.*)\)$`)
	setContRE   = regexp.MustCompile(`(?s)Set\(([^()]*)\)\.contains`)
)

func (d *Def) setMin(v float64) {
	if d.Min == nil || v > *d.Min {
		d.Min = &v
	}
}

func (d *Def) setMax(v float64) {
	if d.Max == nil || v < *d.Max {
		d.Max = &v
	}
}

// setValues reads checkValues(Set("a", "b")) or checkValues(E.values…) of a
// known Enumeration; nil otherwise.
func setValues(args string, enums map[string][]string) []string {
	a := strings.TrimSpace(args)
	if m := setLitRE.FindStringSubmatch(a); m != nil {
		return stringList(m[1])
	}
	if i := strings.Index(a, ".values"); i > 0 {
		return enums[a[:i]]
	}
	return nil
}

// containsSet reads checkValue(x => Set("a", "b").contains(x), …) and
// checkValue(Set("a", "b").contains, …).
func containsSet(lambda string) []string {
	if m := setContRE.FindStringSubmatch(lambda); m != nil {
		return stringList(m[1])
	}
	return nil
}

func stringList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		m := strLitRE.FindStringSubmatch(strings.TrimSpace(p))
		if m == nil {
			return nil
		}
		out = append(out, m[1])
	}
	return out
}

// evalInt evaluates an integer expression of literals (10L, 1024), Int/Long
// bounds, *, <<, + and - (left to right, * and << first) and parentheses.
func evalInt(expr string) (*big.Int, bool) {
	toks, ok := tokens(expr)
	if !ok || len(toks) == 0 {
		return nil, false
	}
	p := &intParser{toks: toks}
	v, ok := p.sum()
	return v, ok && p.i == len(toks)
}

var tokRE = regexp.MustCompile(`^\s*(<<|\d+[Ll]?|Int\.MaxValue|Integer\.MAX_VALUE|Long\.MaxValue|Long\.MAX_VALUE|Int\.MinValue|[-+*()])`)

func tokens(s string) ([]string, bool) {
	var out []string
	for strings.TrimSpace(s) != "" {
		m := tokRE.FindStringSubmatchIndex(s)
		if m == nil {
			return nil, false
		}
		out = append(out, s[m[2]:m[3]])
		s = s[m[1]:]
	}
	return out, true
}

type intParser struct {
	toks []string
	i    int
}

func (p *intParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *intParser) sum() (*big.Int, bool) {
	v, ok := p.product()
	for ok && (p.peek() == "+" || p.peek() == "-") {
		op := p.toks[p.i]
		p.i++
		var w *big.Int
		if w, ok = p.product(); ok {
			if op == "+" {
				v = new(big.Int).Add(v, w)
			} else {
				v = new(big.Int).Sub(v, w)
			}
		}
	}
	return v, ok
}

func (p *intParser) product() (*big.Int, bool) {
	v, ok := p.factor()
	for ok && (p.peek() == "*" || p.peek() == "<<") {
		op := p.toks[p.i]
		p.i++
		var w *big.Int
		if w, ok = p.factor(); ok {
			if op == "*" {
				v = new(big.Int).Mul(v, w)
			} else if w.IsInt64() && w.Int64() >= 0 && w.Int64() < 64 {
				v = new(big.Int).Lsh(v, uint(w.Int64()))
			} else {
				ok = false
			}
		}
	}
	return v, ok
}

func (p *intParser) factor() (*big.Int, bool) {
	t := p.peek()
	p.i++
	switch {
	case t == "-":
		v, ok := p.factor()
		if !ok {
			return nil, false
		}
		return new(big.Int).Neg(v), true
	case t == "(":
		v, ok := p.sum()
		if !ok || p.peek() != ")" {
			return nil, false
		}
		p.i++
		return v, true
	case t == "Int.MaxValue" || t == "Integer.MAX_VALUE":
		return big.NewInt(math.MaxInt32), true
	case t == "Int.MinValue":
		return big.NewInt(math.MinInt32), true
	case t == "Long.MaxValue" || t == "Long.MAX_VALUE":
		return big.NewInt(math.MaxInt64), true
	case t != "" && t[0] >= '0' && t[0] <= '9':
		v, ok := new(big.Int).SetString(strings.TrimRight(t, "Ll"), 10)
		return v, ok
	}
	return nil, false
}

// ------------------------------------------------------------ Scala scanning

// chain reads a builder expression at the start of s: a call
// Name(args) followed by .method or .method(args) links, skipping blanks
// and // comments between links.
func chain(s string) ([]call, bool) {
	i := skipBlank(s, 0)
	var calls []call
	first := true
	for {
		if !first {
			j := skipBlank(s, i)
			if j >= len(s) || s[j] != '.' {
				return calls, true
			}
			i = skipBlank(s, j+1)
		}
		j := i
		for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if j == i {
			return calls, !first
		}
		c := call{name: s[i:j]}
		i = j
		if i < len(s) && s[i] == '(' {
			end, ok := closing(s, i)
			if !ok {
				return nil, false
			}
			c.args = s[i+1 : end]
			i = end + 1
		} else if first {
			return nil, false
		}
		calls = append(calls, c)
		first = false
	}
}

func skipBlank(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// closing returns the index of the parenthesis closing the one at s[open],
// skipping string literals ("…", """…""") and character literals.
func closing(s string, open int) (int, bool) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; {
		case strings.HasPrefix(s[i:], `"""`):
			end := strings.Index(s[i+3:], `"""`)
			if end < 0 {
				return 0, false
			}
			i += 3 + end + 2
		case c == '"':
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
		case c == '\'' && i+2 < len(s) && s[i+2] == '\'':
			i += 2
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}

// firstArg returns the first top-level argument of an argument list.
func firstArg(args string) string {
	depth := 0
	for i := 0; i < len(args); i++ {
		switch c := args[i]; c {
		case '"':
			for i++; i < len(args) && args[i] != '"'; i++ {
				if args[i] == '\\' {
					i++
				}
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				return strings.TrimSpace(args[:i])
			}
		}
	}
	return strings.TrimSpace(args)
}

// -------------------------------------------------------------------- merge

// Stats counts where the properties came from.
type Stats struct {
	Total, FromScala, Both, DocsOnly int
}

var (
	credentialRE = regexp.MustCompile(`(?i)secret|password|token|credential|keytab|principal|kerberos|keystore|truststore|\.key$|accesskey|access\.key`)
	templateRE   = regexp.MustCompile(`[^A-Za-z0-9._-]`)
	docDeprRE    = regexp.MustCompile(`(?i)^\(?deprecated\b|\b(?:was |is )?deprecated (since|as of|in|from)\b`)
	minusOneRE   = regexp.MustCompile(`(^|[^\w.-])-1([^\w.]|$)`)
)

type prop struct {
	catalog.Property
	fromScala, inDocs bool
	ref               string // docs-only key whose default is "value of <ref>"
}

var refRE = regexp.MustCompile(`(?i)^\(?(?:value of |fall back on )?(spark\.[A-Za-z0-9._-]+)\)?$`)

// Generate builds the catalogue text; warnings go to warn.
func Generate(in Input, warn io.Writer) (string, Stats) {
	consts := map[string]string{}
	for _, p := range sortedKeys(in.Code) {
		for k, v := range Consts(in.Code[p]) {
			consts[k] = v
		}
	}
	defs := map[string]Def{}
	byName := map[string]Def{}
	for _, p := range sortedKeys(in.Code) {
		if !strings.HasSuffix(p, ".scala") {
			continue
		}
		for _, d := range ParseScala(in.Code[p], p, consts) {
			byName[d.Name] = d
			if _, dup := defs[d.Key]; !dup {
				defs[d.Key] = d
			}
		}
	}
	docs := map[string]DocRow{}
	for _, p := range docFiles {
		for _, r := range ParseDocs(in.Docs[p], p) {
			if _, dup := docs[r.Key]; !dup {
				docs[r.Key] = r
			}
		}
	}
	keep := map[string]bool{}
	for _, k := range in.Keep {
		keep[k] = true
	}

	keys := map[string]bool{}
	for k := range defs {
		keys[k] = true
	}
	for k := range docs {
		keys[k] = true
	}
	var props []prop
	for _, key := range sortedKeys(keys) {
		d, inScala := defs[key]
		r, inDocs := docs[key]
		switch {
		case !strings.HasPrefix(key, "spark.") || templateRE.MatchString(key):
			continue
		case credentialRE.MatchString(key):
			continue
		case inScala && d.Deprecated, inDocs && docDeprRE.MatchString(r.Meaning):
			continue
		case inScala && d.Internal && !inDocs && !keep[key] && !in.Internal:
			continue
		}
		p, ok := build(key, d, inScala, r, inDocs, byName, warn)
		if ok {
			props = append(props, p)
		}
	}
	// A docs-only key documented as "value of spark.x" takes the type and
	// range of spark.x.
	index := map[string]int{}
	for i, p := range props {
		index[p.Key] = i
	}
	for pass := 0; pass < 3; pass++ {
		for i, p := range props {
			if j, ok := index[p.ref]; ok && p.Type == catalog.String && p.Default == "" && props[j].Type != catalog.String {
				props[i].Type, props[i].Min, props[i].Max, props[i].Allowed = props[j].Type, props[j].Min, props[j].Max, props[j].Allowed
			}
		}
	}
	var st Stats
	var b strings.Builder
	writeHeader(&b, in)
	for _, p := range props {
		st.Total++
		switch {
		case p.fromScala && p.inDocs:
			st.FromScala++
			st.Both++
		case p.fromScala:
			st.FromScala++
		default:
			st.DocsOnly++
		}
		b.WriteString(line(p.Property))
		b.WriteByte('\n')
	}
	return b.String(), st
}

func build(key string, d Def, inScala bool, r DocRow, inDocs bool, byName map[string]Def, warn io.Writer) (prop, bool) {
	p := prop{Property: catalog.Property{Key: key}, inDocs: inDocs}
	docVal, docType := "", catalog.Type("")
	if inDocs {
		docVal, docType = DocDefault(r.Default)
	}
	if inScala {
		typ, unit := d.Type, d.Unit
		if typ == "" && d.Fallback != "" {
			if f, ok := byName[d.Fallback]; ok && f.Type != "" {
				typ, unit = f.Type, f.Unit
				d.Type, d.Unit = typ, unit
			}
		}
		if typ != "" {
			p.fromScala = true
			p.Type, p.Allowed, p.Min, p.Max = typ, d.Allowed, d.Min, d.Max
			p.Default = d.Default
			if !d.DefaultKnown && docVal != "" {
				p.Default = docVal // an expression the generator cannot evaluate; the docs show its value
			}
		}
	}
	if !p.fromScala {
		if docType == "" {
			docType = catalog.String
			if m := refRE.FindStringSubmatch(r.Default); m != nil {
				p.ref = m[1]
			}
		}
		p.Type, p.Default = docType, docVal
	}
	// A size or time documented (or defaulting) to -1 takes -1 as "off".
	if p.Type == catalog.Size || p.Type == catalog.Time {
		text := d.Doc + " " + r.Meaning
		if strings.HasPrefix(p.Default, "-") || minusOneRE.MatchString(text) {
			if p.Min == nil || *p.Min > -1 {
				v := -1.0
				if n, err := parseNum(p.Default, p.Type); err == nil && n < v {
					v = n
				}
				p.Min = &v
			}
		}
	}
	if p.Type == catalog.Enum && len(p.Allowed) == 0 {
		p.Type = catalog.String
	}
	if strings.ContainsAny(p.Default, "|\n") {
		p.Default = ""
	}
	if p.Default != "" {
		if err := p.Check(p.Default); err != nil {
			fmt.Fprintf(warn, "gen: %s: default dropped: %v\n", key, err)
			p.Default = ""
		}
	}
	if _, err := catalog.Parse(line(p.Property)); err != nil {
		fmt.Fprintf(warn, "gen: %s: left out: %v\n", key, err)
		return p, false
	}
	return p, true
}

func parseNum(v string, t catalog.Type) (float64, error) {
	if t == catalog.Size {
		return catalog.ParseSize(v)
	}
	return catalog.ParseTime(v)
}

func line(p catalog.Property) string {
	c := ""
	switch p.Type {
	case catalog.Enum:
		c = strings.Join(p.Allowed, ",")
	case catalog.Int, catalog.Long, catalog.Double, catalog.Size, catalog.Time:
		if p.Min != nil || p.Max != nil {
			c = bound(p.Min) + ".." + bound(p.Max)
		}
	}
	return p.Key + "|" + string(p.Type) + "|" + p.Default + "|" + c
}

func bound(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func writeHeader(b *strings.Builder, in Input) {
	b.WriteString(`# Spark configuration catalogue for sparkmine's diagnosis (package catalog).
#
# HOW IT WAS MADE: generated on ` + in.Date + ` by
#   go run ./analyze/diagnose/catalog/gen -src <folder of Spark sources> -o analyze/diagnose/catalog/properties.txt
# from Apache Spark's documentation tables (docs/*.md) and Scala config
# definitions (core .../internal/config/package.scala, sql .../SQLConf.scala,
# StaticSQLConf.scala and sql/hive .../HiveUtils.scala; key constants from
# SparkLauncher.java and SqlApiConfHelper.scala). Do not edit by hand: fix
# the generator or its input. Sources read (path, repository@commit):
`)
	if len(in.Sources) == 0 {
		b.WriteString("#   (no SOURCES file given)\n")
	}
	for _, s := range in.Sources {
		b.WriteString("#   " + s + "\n")
	}
	b.WriteString(`# A key defined in Scala takes type, default and range from its definition
# (the documented default when the definition's default is an expression the
# generator does not evaluate); a key only in the docs takes a type read from
# its documented default. Left out: deprecated and removed definitions,
# credentials, templated keys`)
	if in.Internal {
		b.WriteString(` (definitions Spark marks internal are in:
# they are real keys Spark accepts).`)
	} else {
		b.WriteString(`, and definitions Spark marks internal
# unless a docs table lists them or -keep names them.`)
	}
	b.WriteString(`
# Ranges come from simple checkValue lambdas only; a size or time whose
# docs or default use -1 accepts -1.
#
# Format, one property per line, fields separated by "|":
#   key | type | default | constraint
# type: int (32-bit), long, double, bool, size (Spark byte string: 512m, 4g,
# 1024k, plain bytes), time (Spark time string: 100ms, 120s, 5min, 1h), enum,
# string. default: empty when Spark computes it or it has none. constraint:
# for enum the allowed values (comma separated, case-insensitive as Spark
# reads them); for numbers, sizes and times an inclusive range "min..max"
# (either end may be empty; sizes in bytes, times in milliseconds). Sizes
# and times are non-negative unless the range says otherwise.

`)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
