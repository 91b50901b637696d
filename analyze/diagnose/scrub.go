package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sparkmine/sparkmine/extract/redact"
)

// scrubber hides what must not leave the machine, for one prompt: secret
// property values (spark.redaction.regex semantics, via redact), secrets in
// free text (key=value pairs whose key looks secret, bearer tokens, AWS
// access key ids, credentials in URLs) and, when names is set, paths and
// table names, replaced by placeholders that are stable within the prompt.
type scrubber struct {
	red      *redact.Redactor
	secretKV []*regexp.Regexp
	names    bool
	ids      map[string]string // original name → placeholder
	counts   map[string]int    // placeholder kind → last number used
	memo     map[string]string // text → scrubbed text
}

// newScrubber builds a scrubber; extra are the config's redact_patterns.
func newScrubber(extra []string, names bool) (*scrubber, error) {
	red, err := redact.New(extra...)
	if err != nil {
		return nil, err
	}
	s := &scrubber{red: red, names: names, ids: map[string]string{}, counts: map[string]int{},
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
	// tableRE is an unquoted db.table (or catalog.db.table) after a plan
	// node that names a relation.
	tableRE = regexp.MustCompile(`\b((?:FileScan|Scan)\s+\w+\s+|BatchScan\s+|Relation\s+|HiveTableRelation\s*\[\s*|InsertIntoHiveTable\s+|JDBCRelation\(|CreateDataSourceTableAsSelectCommand\s+|CreateHiveTableAsSelectCommand\s+|(?i:table)\s*[=:]?\s*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*){1,2})\b`)
)

// conf returns the value of property key as it may be sent.
func (s *scrubber) conf(key, value string) string {
	return s.text(s.red.Value(key, value))
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
	if !s.names {
		return t
	}
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
	i := n - len(mark)
	if i < 0 {
		i = 0
	}
	for i > 0 && !utf8RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
