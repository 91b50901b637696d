package redact

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// HostPolicy says what Text does with host names and IP addresses.
type HostPolicy string

// Host policies.
const (
	// HostsRedact (the default) replaces IPv4 and IPv6 addresses with
	// <ip>, and with <host> the names that have a host's shape: under a
	// private or cloud-internal domain, after "host", in a BlockManagerId,
	// and whole values of properties naming a host (spark.driver.host).
	HostsRedact HostPolicy = "redact"
	// HostsKeep keeps host names and addresses.
	HostsKeep HostPolicy = "keep"
)

// Placeholders Text writes.
const (
	EmailPlaceholder = "<email>"
	IPPlaceholder    = "<ip>"
	HostPlaceholder  = "<host>"
)

// ParseHostPolicy checks a policy's name ("" is HostsRedact).
func ParseHostPolicy(s string) (HostPolicy, error) {
	switch p := HostPolicy(s); p {
	case "":
		return HostsRedact, nil
	case HostsRedact, HostsKeep:
		return p, nil
	}
	return "", fmt.Errorf("host policy %q: want %q or %q", s, HostsRedact, HostsKeep)
}

// WithHosts returns a copy of r applying host policy p.
func (r *Redactor) WithHosts(p HostPolicy) *Redactor {
	c := *r
	c.hosts = p
	return &c
}

// secretWords widens spark.redaction.regex's default for free text, where
// a key is any word before '=' or ':' (or a SQL attribute, password#12).
const secretWords = `secret|password|passwd|pwd|token|access[._-]?key|api[._-]?key|credential|private[._-]?key`

// secretKV compiles the pattern of key=value pairs whose key matches p:
// the value (quoted, or up to a delimiter) is group 2.
func secretKV(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`(?i)([\w.\-]*(?:` + p + `)[\w.\-]*(?:#\d+L?)?"?\s*(?:<=>|==|[=:])\s*)(\*{9}\(redacted\)|"[^"]*"|'[^']*'|[^\s,;&)\]}>"']+)`)
}

var (
	// tokenRE is a credential recognisable by its shape: an Authorization
	// header's bearer or basic token, AWS access key ids, GitHub, Slack and
	// Google API tokens, JSON Web Tokens.
	tokenRE = regexp.MustCompile(`(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_\-]{35}\b|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}`)
	// emailRE is an e-mail address (or a Kerberos principal's user@REALM).
	emailRE = regexp.MustCompile(`\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+\b`)
	// ipv4RE is a dotted-quad IPv4 address.
	ipv4RE = regexp.MustCompile(`\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b`)
	// ipv6RE is a candidate IPv6 address (checked by netip), with an
	// optional zone and an optional embedded IPv4 tail.
	ipv6RE = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?:%[\w.]+)?`)
	// hostSuffixRE is a host name under a private or cloud-internal domain
	// (ip-10-0-0-1.ec2.internal, node7.corp, ec2-3-4-5-6.compute-1.amazonaws.com):
	// class and package names never end so.
	hostSuffixRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:internal|local|localdomain|lan|corp|intra|intranet|home\.arpa|amazonaws\.com|cloudapp\.net|cloudapp\.azure\.com)\b`)
	// hostWordRE is a name where Spark and YARN put a host: "host X",
	// "on host: X", "hostname=X", BlockManagerId(7, X, 7337, …). Only a name
	// with a digit, a dot or a hyphen is taken for a host, so prose ("host
	// memory") stays.
	hostWordRE = regexp.MustCompile(`(?i)(\bhost(?:name)?(?:\s*[:=]\s*|\s+)|\bBlockManagerId\(\s*[\w-]+\s*,\s*)([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)`)
)

// Text returns free text (a failure reason, a plan, a description, a user
// name) with its secrets hidden: credentials in URLs, values of secret-looking
// keys (key=value, key: value, SQL's password#12 = '…'), tokens known by their
// shape, e-mail addresses, and, unless the policy keeps them, IP addresses and
// host names. It is the one pass every stored string goes through.
func (r *Redactor) Text(t string) string {
	if t == "" {
		return t
	}
	t = URLCredentials(t)
	for _, re := range r.kv {
		t = re.ReplaceAllString(t, "${1}"+Redacted)
	}
	t = tokenRE.ReplaceAllStringFunc(t, redactToken)
	if strings.Contains(t, "@") {
		t = emailRE.ReplaceAllString(t, EmailPlaceholder)
	}
	if r.hosts == HostsKeep {
		return t
	}
	return hostsOut(t)
}

// redactToken keeps an Authorization scheme's name before its hidden token.
func redactToken(m string) string {
	if i := strings.IndexAny(m, " \t"); i > 0 && (strings.EqualFold(m[:i], "bearer") || strings.EqualFold(m[:i], "basic")) {
		return m[:i] + " " + Redacted
	}
	return Redacted
}

// hostsOut replaces host names and addresses.
func hostsOut(t string) string {
	t = hostWordRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := hostWordRE.FindStringSubmatch(m)
		if !strings.ContainsAny(sub[2], "0123456789.-") {
			return m
		}
		if ipv4RE.MatchString(sub[2]) {
			return sub[1] + IPPlaceholder
		}
		return sub[1] + HostPlaceholder
	})
	t = hostSuffixRE.ReplaceAllString(t, HostPlaceholder)
	if strings.Contains(t, ":") {
		t = replaceChecked(t, ipv6RE, isIPv6)
	}
	return replaceChecked(t, ipv4RE, func(t string, i, j int) bool { return !versionLike(t, i, j) })
}

// replaceChecked replaces with IPPlaceholder each match of re that ok accepts.
func replaceChecked(t string, re *regexp.Regexp, ok func(t string, i, j int) bool) string {
	locs := re.FindAllStringIndex(t, -1)
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if !ok(t, l[0], l[1]) {
			continue
		}
		b.WriteString(t[last:l[0]])
		b.WriteString(IPPlaceholder)
		last = l[1]
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// isIPv6 reports whether t[i:j] is an IPv6 address standing alone (not a
// part of a word, as in Scala's Foo::bad or a time 12:30:45).
func isIPv6(t string, i, j int) bool {
	s := t[i:j]
	if !strings.ContainsAny(s, "0123456789abcdefABCDEF") || (i > 0 && isWord(t[i-1])) || (j < len(t) && isWord(t[j])) {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
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

// Conf returns the value of property key as it may be stored: Value's
// redaction, then Text's; under HostsRedact the whole value of a property
// naming a host (spark.driver.host, spark.driver.bindAddress, …) is
// HostPlaceholder, whatever it looks like.
func (r *Redactor) Conf(key, value string) string {
	if r.hosts != HostsKeep && value != "" && HostKey(key) {
		return HostPlaceholder
	}
	return r.Text(r.Value(key, value))
}

// HostKey reports whether property key names a host or an address.
func HostKey(key string) bool {
	k := strings.ToLower(key)
	return strings.HasSuffix(k, ".host") || strings.HasSuffix(k, "hostname") ||
		strings.HasSuffix(k, "bindaddress") || strings.HasSuffix(k, ".address")
}
