package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// scrubRules are the rules of every prompt's scrubber: the one redactor
// the run was handed, and whether names and hosts are hidden.
type scrubRules struct {
	red   *redact.Redactor
	names bool
	hosts bool
}

// scrubber hides what must not leave the machine, for one prompt: secret
// property values and secrets in free text (the redactor's Value and
// Secrets: key=value pairs whose key looks secret, tokens known by their
// shape, credentials in URLs) and, when names is set, paths and
// table names, and when hosts is set, host names and IP addresses, replaced
// by placeholders that are stable within the prompt and numbered in the
// order they are first met.
type scrubber struct {
	*scrubRules
	ids    map[string]string // original name → placeholder
	counts map[string]int    // placeholder kind → last number used
	memo   map[string]string // text → scrubbed text
}

// scrubber returns a fresh scrubber (placeholders from 1) for one prompt.
func (r *scrubRules) scrubber() *scrubber {
	return &scrubber{scrubRules: r, ids: map[string]string{}, counts: map[string]int{}, memo: map[string]string{}}
}

var (
	// uriRE is a URI with a scheme and at least one slash (s3://b/k,
	// hdfs://nn/p, file:/tmp/x, postgresql://host/db).
	// A redacted user-info is tried first, so the URI does not end at its
	// parenthesis.
	uriRE = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.\-]*:/{1,3}(?:\*{9}\(redacted\)|[^\s,;'"\][(){}<>])+`)
	// absPathRE is an absolute path of two segments or more after a
	// delimiter (/user/hive/warehouse/x.db).
	absPathRE = regexp.MustCompile(`(^|[\s\[(,=:'"])(/[\w.\-]+(?:/[\w.\-$=]*)+)`)
	// quotedTableRE is a back-quoted multipart identifier: `db`.`t`.
	quotedTableRE = regexp.MustCompile("`[^`]+`(?:\\.`[^`]+`){1,2}")
	// tableRE is an unquoted db.table (or catalog.db.table) after a plan
	// node that names a relation.
	tableRE = regexp.MustCompile(`\b((?:FileScan|Scan)\s+\w+\s+|BatchScan\s+|Relation\s+|HiveTableRelation\s*\[\s*|InsertIntoHiveTable\s+|JDBCRelation\(|CreateDataSourceTableAsSelectCommand\s+|CreateHiveTableAsSelectCommand\s+|(?i:table)\s*[=:]?\s*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*){1,2})\b`)
)

// conf returns the value of property key as it may be sent. With hosts
// set, the whole value of a property naming a host (spark.driver.host,
// spark.driver.bindAddress, …) is a placeholder, whatever it looks like.
func (s *scrubber) conf(key, value string) string {
	if s.hosts && value != "" && hostKey(key) {
		return s.placeholder("host", value)
	}
	return s.text(s.red.Value(key, value))
}

// hostKey reports whether property key names a host or an address.
func hostKey(key string) bool {
	k := strings.ToLower(key)
	return strings.HasSuffix(k, ".host") || strings.HasSuffix(k, "hostname") ||
		strings.HasSuffix(k, "bindaddress") || strings.HasSuffix(k, ".address")
}

// maxScrubInput bounds the text scrubbed (the regexps backtrack); longer
// text is cut first, back to a whitespace so no partial token (half a URL
// with its credentials) survives the cut.
const maxScrubInput = 16 << 10

// text returns free text (a message, a plan, a name) as it may be sent.
// The same input gives the same output within a prompt.
func (s *scrubber) text(t string) string {
	if out, ok := s.memo[t]; ok {
		return out
	}
	out := s.scrub(cutAtSpace(t, maxScrubInput))
	s.memo[t] = out
	return out
}

func cutAtSpace(t string, n int) string {
	if len(t) <= n {
		return t
	}
	t = t[:n]
	if i := strings.LastIndexAny(t, " \t\n"); i >= 0 {
		return t[:i]
	}
	return ""
}

func (s *scrubber) scrub(t string) string {
	t = s.red.Secrets(t)
	if s.names {
		t = s.scrubNames(t)
	}
	if s.hosts {
		t = s.scrubHosts(t)
	}
	return t
}

// scrubHosts replaces host names, addresses, URL buckets and e-mail
// addresses with placeholders (after scrubNames, so a URI is one
// placeholder rather than a scheme around a host's).
func (s *scrubber) scrubHosts(t string) string {
	return redact.Hosts(t, s.placeholder)
}

// scrubNames replaces paths and table names.
func (s *scrubber) scrubNames(t string) string {
	t = uriRE.ReplaceAllStringFunc(t, s.path)
	t = absPathRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := absPathRE.FindStringSubmatch(m)
		return sub[1] + s.path(sub[2])
	})
	t = quotedTableRE.ReplaceAllStringFunc(t, func(m string) string {
		return s.placeholder("table", strings.ReplaceAll(m, "`", ""))
	})
	return tableRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := tableRE.FindStringSubmatch(m)
		return sub[1] + s.placeholder("table", sub[2])
	})
}

// fileExtRE is the extension of a path's last segment.
var fileExtRE = regexp.MustCompile(`[^/]\.([a-z][a-z0-9]{0,9})$`)

// path is the placeholder of path p followed by its file's extension, so
// the kind of a file stays visible (a missing shuffle <path_3>.index)
// while its path is hidden.
func (s *scrubber) path(p string) string {
	ph := s.placeholder("path", p)
	if m := fileExtRE.FindStringSubmatch(p); m != nil {
		return ph + "." + m[1]
	}
	return ph
}

// placeholder returns the stable placeholder of name: the same name gives
// the same <kind_N> within this scrubber.
func (s *scrubber) placeholder(kind, name string) string {
	k := kind + "\x00" + name
	if p, ok := s.ids[k]; ok {
		return p
	}
	s.counts[kind]++
	p := fmt.Sprintf("<%s_%d>", kind, s.counts[kind])
	s.ids[k] = p
	return p
}

// cut bounds s to n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = " …[cut]"
	return extract.Clip(s, max(n-len(mark), 0)) + mark
}
