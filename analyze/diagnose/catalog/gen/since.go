package main

import (
	"fmt"
	"os"
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

// sinceMain writes since.txt from the docs page in file.
func sinceMain(file, out, date string) {
	b, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	since := ParseSince(string(b))
	var w strings.Builder
	fmt.Fprintf(&w, "# The Spark version that added each documented property (package catalog).\n#\n")
	fmt.Fprintf(&w, "# HOW IT WAS MADE: generated on %s by\n#   go run ./analyze/diagnose/catalog/gen -since-from <docs page> -o analyze/diagnose/catalog/since.txt\n", date)
	fmt.Fprintf(&w, "# from the \"Since Version\" column of Spark 4.0's docs/configuration.md property tables, as\n")
	fmt.Fprintf(&w, "# copied in apache/incubator-gluten@02bc4f6e59 docs/velox-spark-configuration.md (the Spark\n")
	fmt.Fprintf(&w, "# docs' own table with a column added). Do not edit by hand.\n#\n# Format: key | since\n")
	for _, k := range sortedKeys(since) {
		fmt.Fprintf(&w, "%s|%s\n", k, since[k])
	}
	fmt.Fprintf(os.Stderr, "gen: %d properties with a since version\n", len(since))
	if err := os.WriteFile(out, []byte(w.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
