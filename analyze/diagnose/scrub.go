package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// scrubber hides what must not leave the machine, for one prompt: secret
// property values (spark.redaction.regex semantics, via redact), secrets in
// free text (key=value pairs whose key looks secret, bearer tokens, AWS
// access key ids, credentials in URLs) and, when names is set, paths and
// table names, and when hosts is set, host names and IP addresses, replaced
// by placeholders that are stable within the prompt.
type scrubber struct {
	red      *redact.Redactor
	secretKV []*regexp.Regexp
	names    bool
	hosts    bool
	ids      map[string]string // original name → placeholder
	counts   map[string]int    // placeholder kind → last number used
	memo     map[string]string // text → scrubbed text
}

// newScrubber builds a scrubber; extra are the config's redact_patterns.
func newScrubber(extra []string, names, hosts bool) (*scrubber, error) {
	red, err := redact.New(extra...)
	if err != nil {
		return nil, err
	}
	s := &scrubber{red: red, names: names, hosts: hosts, ids: map[string]string{}, counts: map[string]int{},
		memo: map[string]string{}}
	for _, p := range append([]string{secretWords}, extra...) {
		re, err := regexp.Compile(`(?i)([\w.\-]*(?:` + p + `)[\w.\-]*"?\s*[=:]\s*)(\*{9}\(redacted\)|"[^"]*"|'[^']*'|[^\s,;&)\]}>"']+)`)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %q: %w", p, err)
		}
		s.secretKV = append(s.secretKV, re)
	}
	return s, nil
}

// secretWords widens spark.redaction.regex's default for free text, where
// a key is any word before = or :.
const secretWords = `secret|password|passwd|pwd|token|access[._-]?key|api[._-]?key|credential|private[._-]?key`

var (
	bearerRE = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}`)
	awsKeyRE = regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)
	// uriRE is a URI with a scheme and at least one slash (s3://b/k,
	// hdfs://nn/p, file:/tmp/x, postgresql://host/db).
	uriRE = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.\-]*:/{1,3}(?:[^\s,;'"\][(){}<>]|\*{9}\(redacted\))+`)
	// absPathRE is an absolute path of two segments or more after a
	// delimiter (/user/hive/warehouse/x.db).
	absPathRE = regexp.MustCompile(`(^|[\s\[(,=:'"])(/[\w.\-]+(?:/[\w.\-$=]*)+)`)
	// quotedTableRE is a back-quoted multipart identifier: `db`.`t`.
	quotedTableRE = regexp.MustCompile("`[^`]+`(?:\\.`[^`]+`){1,2}")
	// ipv4RE is a dotted-quad IPv4 address.
	ipv4RE = regexp.MustCompile(`\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b`)
	// hostSuffixRE is a host name under a private or cloud-internal domain
	// (ip-10-0-0-1.ec2.internal, node7.corp, ec2-3-4-5-6.compute-1.amazonaws.com):
	// class and package names never end so.
	hostSuffixRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:internal|local|localdomain|lan|corp|intra|intranet|home\.arpa|amazonaws\.com|cloudapp\.net|cloudapp\.azure\.com)\b`)
	// hostWordRE is a name where Spark and YARN put a host: "host X",
	// "on host: X", "hostname=X", BlockManagerId(7, X, 7337, …). Only a
	// name with a digit, a dot or a hyphen is taken for a host (see
	// scrubHosts), so prose ("host memory") stays.
	hostWordRE = regexp.MustCompile(`(?i)(\bhost(?:name)?(?:\s*[:=]\s*|\s+)|\bBlockManagerId\(\s*[\w-]+\s*,\s*)([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)`)
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
	t = redact.URLCredentials(t)
	for _, re := range s.secretKV {
		t = re.ReplaceAllString(t, "${1}"+redact.Redacted)
	}
	t = bearerRE.ReplaceAllString(t, "$1 "+redact.Redacted)
	t = awsKeyRE.ReplaceAllString(t, redact.Redacted)
	if s.names {
		t = s.scrubNames(t)
	}
	if s.hosts {
		t = s.scrubHosts(t)
	}
	return t
}

// scrubHosts replaces host names and IPv4 addresses (after scrubNames, so
// a URI is one placeholder rather than a scheme around a host's).
func (s *scrubber) scrubHosts(t string) string {
	t = hostWordRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := hostWordRE.FindStringSubmatch(m)
		if !strings.ContainsAny(sub[2], "0123456789.-") {
			return m
		}
		return sub[1] + s.placeholder("host", sub[2])
	})
	t = hostSuffixRE.ReplaceAllStringFunc(t, func(m string) string { return s.placeholder("host", m) })
	locs := ipv4RE.FindAllStringIndex(t, -1)
	if locs == nil {
		return t
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if versionLike(t, l[0], l[1]) {
			continue
		}
		b.WriteString(t[last:l[0]])
		b.WriteString(s.placeholder("host", t[l[0]:l[1]]))
		last = l[1]
	}
	b.WriteString(t[last:])
	return b.String()
}

// versionLike reports whether the dotted quad t[i:j] is a version rather
// than an address: -Dhdp.version=2.2.0.0-2041, v1.2.3.4, 1.2.3.4.5.
func versionLike(t string, i, j int) bool {
	if j < len(t) && strings.IndexByte("-._", t[j]) >= 0 {
		return true
	}
	if i > 0 && strings.IndexByte(".-_vV", t[i-1]) >= 0 {
		return true
	}
	before := strings.ToLower(t[max(0, i-9):i])
	return strings.HasSuffix(before, "version=") || strings.HasSuffix(before, "version ") ||
		strings.HasSuffix(before, "version:")
}

// scrubNames replaces paths and table names.
func (s *scrubber) scrubNames(t string) string {
	t = uriRE.ReplaceAllStringFunc(t, func(m string) string { return s.placeholder("path", m) })
	t = absPathRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := absPathRE.FindStringSubmatch(m)
		return sub[1] + s.placeholder("path", sub[2])
	})
	t = quotedTableRE.ReplaceAllStringFunc(t, func(m string) string {
		return s.placeholder("table", strings.ReplaceAll(m, "`", ""))
	})
	return tableRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := tableRE.FindStringSubmatch(m)
		return sub[1] + s.placeholder("table", sub[2])
	})
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
