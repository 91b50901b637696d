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

// KeepsHosts reports whether the policy keeps host names and addresses.
func (r *Redactor) KeepsHosts() bool { return r.hosts == HostsKeep }

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
	var f folded // shared: most text leaves Secrets unchanged
	return hosts(r.secrets(t, &f), r.stored, &f)
}

// Secrets returns t with credentials in URLs, values of secret-looking keys
// and tokens known by their shape hidden: Text without the names.
func (r *Redactor) Secrets(t string) string {
	return r.secrets(t, &folded{})
}

func (r *Redactor) secrets(t string, f *folded) string {
	t = URLCredentials(t)
	for i, re := range r.kv {
		if i > 0 || f.may(t, secretGuard) { // r.kv[0] is secretWords'
			t = re.ReplaceAllString(t, "${1}"+Redacted)
		}
	}
	if !f.may(t, tokenGuard) {
		return t
	}
	return tokenRE.ReplaceAllStringFunc(t, redactToken)
}

// stored is the placeholder a stored string gets for a name Hosts found:
// every e-mail address goes; hosts and addresses go unless the policy
// keeps them.
func (r *Redactor) stored(kind, name string) string {
	switch {
	case kind == KindEmail:
		return EmailPlaceholder
	case r.hosts == HostsKeep:
		return name
	}
	if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil || strings.Contains(name, "%") {
		return IPPlaceholder
	}
	return HostPlaceholder
}

// redactToken keeps an Authorization scheme's name before its hidden token.
func redactToken(m string) string {
	if i := strings.IndexAny(m, " \t"); i > 0 && (strings.EqualFold(m[:i], "bearer") || strings.EqualFold(m[:i], "basic")) {
		return m[:i] + " " + Redacted
	}
	return Redacted
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
