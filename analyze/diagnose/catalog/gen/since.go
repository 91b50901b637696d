package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// sinceRowRE is a property table row of Spark's docs: the key in the first
// cell's <code>, then cells, one of which is the "Since Version".
var (
	sinceRowRE  = regexp.MustCompile(`(?s)<tr>\s*<td>\s*<code>(spark\.[^<]+)</code>\s*</td>(.*?)</tr>`)
	sinceCellRE = regexp.MustCompile(`<td>\s*(\d+\.\d+\.\d+)\s*</td>`)
)

// ParseSince reads the Since Version of every property row of a docs page
// (docs/configuration.md and the pages like it): key → version.
func ParseSince(text string) map[string]string {
	out := map[string]string{}
	for _, m := range sinceRowRE.FindAllStringSubmatch(text, -1) {
		if v := sinceCellRE.FindStringSubmatch(m[2]); v != nil {
			out[strings.TrimSpace(m[1])] = v[1]
		}
	}
	return out
}

// scalaBuilderRE opens a config definition with a literal key (core's
// ConfigBuilder, SQLConf's buildConf and buildStaticConf); scalaVersionRE
// is the .version("x.y.z") Spark declares on every definition since 3.1.
var (
	scalaBuilderRE = regexp.MustCompile(`\b(?:ConfigBuilder|buildConf|buildStaticConf)\(\s*"(spark\.[^"]+)"\s*\)`)
	scalaVersionRE = regexp.MustCompile(`\.version\(\s*"(\d+\.\d+(?:\.\d+)?)"\s*\)`)
)

// ParseScalaSince reads the .version of every config definition of a Scala
// source (core/.../internal/config/*.scala, SQLConf.scala, the YARN and
// Kubernetes Config.scala): key → version. A definition's version is the
// first .version after its builder and before the next builder; a key
// given by a constant (ConfigBuilder(SparkLauncher.X)) is skipped.
func ParseScalaSince(text string) map[string]string {
	out := map[string]string{}
	builders := scalaBuilderRE.FindAllStringSubmatchIndex(text, -1)
	for i, b := range builders {
		end := len(text)
		if i+1 < len(builders) {
			end = builders[i+1][0]
		}
		if v := scalaVersionRE.FindStringSubmatch(text[b[1]:end]); v != nil {
			out[text[b[2]:b[3]]] = fullVersion(v[1])
		}
	}
	return out
}

// fullVersion writes a two-part version ("3.2", as a few definitions
// declare it) as three ("3.2.0").
func fullVersion(v string) string {
	if strings.Count(v, ".") == 1 {
		return v + ".0"
	}
	return v
}

// sinceMain writes since.txt from files: docs pages (their Since Version
// column) and Scala sources (their .version declarations). The Scala
// declaration wins: for a renamed key it is the version of the name
// (spark.excludeOnFailure.* 3.1.0), where the docs give the feature's
// first version under its old name (spark.blacklist.* 2.1.0).
func sinceMain(files []string, out, date string) {
	since, from := map[string]string{}, map[string]string{}
	var sources []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		src, got := sinceOf(f, string(b))
		sources = append(sources, src)
		for k, v := range got {
			if old, ok := since[k]; ok && old != v {
				fmt.Fprintf(os.Stderr, "gen: %s: %s says %s, %s says %s\n", k, from[k], old, filepath.Base(f), v)
				if !strings.HasSuffix(f, ".scala") || strings.HasSuffix(from[k], ".scala") {
					continue
				}
			}
			since[k], from[k] = v, filepath.Base(f)
		}
	}
	writeSince(out, date, sources, since)
}

// sinceOf parses one file by its kind and returns the header line naming
// it: its first line when that is a "// source: …" or "<!-- source: … -->"
// provenance note, else its name.
func sinceOf(file, text string) (string, map[string]string) {
	first, _, _ := strings.Cut(text, "\n")
	src := filepath.Base(file)
	if s, ok := strings.CutPrefix(strings.TrimSpace(first), "// source: "); ok {
		src = s
	} else if s, ok := strings.CutPrefix(strings.TrimSpace(first), "<!-- source: "); ok {
		src = strings.TrimSuffix(s, " -->")
	}
	switch {
	case strings.HasSuffix(file, ".scala"):
		return src, ParseScalaSince(text)
	case strings.HasSuffix(file, ".txt"):
		return "an earlier since.txt of this generator (carried over), made" + sinceSources(text), parseSinceTable(text)
	}
	return src, ParseSince(text)
}

// parseSinceTable reads a since.txt this generator wrote (key|since), so
// a table made from a page not at hand is carried over.
func parseSinceTable(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "|"); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out
}

// sinceSources is the provenance an earlier since.txt names: its header's
// lines between HOW IT WAS MADE and the format.
func sinceSources(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "# Do not edit") || strings.HasPrefix(line, "# Format") {
			break
		}
		s, ok := strings.CutPrefix(line, "# ")
		if !ok || strings.HasPrefix(strings.TrimSpace(s), "go run") || strings.HasPrefix(s, "HOW IT WAS MADE") || strings.HasPrefix(s, "The Spark version") {
			continue
		}
		b.WriteString("\n#     " + strings.TrimSuffix(strings.TrimSpace(s), " Do not edit by hand."))
	}
	return b.String()
}

func writeSince(out, date string, sources []string, since map[string]string) {
	var w strings.Builder
	fmt.Fprintf(&w, "# The Spark version that added each property (package catalog).\n#\n")
	fmt.Fprintf(&w, "# HOW IT WAS MADE: generated on %s by\n#   go run ./analyze/diagnose/catalog/gen -since-from <file>,<file>,... -o analyze/diagnose/catalog/since.txt\n", date)
	fmt.Fprintf(&w, "# from the \"Since Version\" column of Spark's docs tables and the .version(\"x.y.z\") of\n")
	fmt.Fprintf(&w, "# Spark's Scala config definitions (the Scala one wins where both name a key). Sources:\n")
	for _, s := range sources {
		fmt.Fprintf(&w, "#   %s\n", s)
	}
	fmt.Fprintf(&w, "# Do not edit by hand.\n#\n# Format: key | since\n")
	for _, k := range sortedKeys(since) {
		fmt.Fprintf(&w, "%s|%s\n", k, since[k])
	}
	fmt.Fprintf(os.Stderr, "gen: %d properties with a since version\n", len(since))
	if err := os.WriteFile(out, []byte(w.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
