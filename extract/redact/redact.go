// Package redact hides secrets before they are stored or sent anywhere:
// Spark property values with the semantics of Spark's spark.redaction.regex
// (Value, Conf), and secrets, e-mail addresses, IP addresses and host names
// in free text (Text), one pass for every string sparkmine keeps.
package redact

import (
	"fmt"
	"regexp"
	"strings"
)

// DefaultPattern is the default of spark.redaction.regex.
const DefaultPattern = `(?i)secret|password|token|access[.]?key`

// Redacted replaces a hidden value, as Spark writes it.
const Redacted = "*********(redacted)"

// Redactor decides which property values are secret.
type Redactor struct {
	keys  []*regexp.Regexp // a key matching any of these has its value hidden
	kv    []*regexp.Regexp // key=value pairs in free text whose value is hidden
	hosts HostPolicy
}

// New returns a Redactor using Spark's default pattern plus extra patterns
// (Go regexp syntax) from the config file, with host policy HostsRedact.
func New(extra ...string) (*Redactor, error) {
	r := &Redactor{keys: []*regexp.Regexp{regexp.MustCompile(DefaultPattern)}, hosts: HostsRedact}
	for _, p := range extra {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %q: %w", p, err)
		}
		r.keys = append(r.keys, re)
	}
	for _, p := range append([]string{secretWords}, extra...) {
		kv, err := secretKV(p)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %q: %w", p, err)
		}
		r.kv = append(r.kv, kv)
	}
	return r, nil
}

// Default is a Redactor with Spark's default pattern only.
var Default, _ = New()

// Value returns the value to keep for property key: Redacted when the key
// or the value matches a pattern (Spark redacts on either), otherwise the
// value with credentials inside URLs removed.
func (r *Redactor) Value(key, value string) string {
	var fk, fv folded
	for i, re := range r.keys {
		if i == 0 && !fk.may(key, defaultGuard) && !fv.may(value, defaultGuard) {
			continue // r.keys[0] is DefaultPattern's
		}
		if re.MatchString(key) || re.MatchString(value) {
			return Redacted
		}
	}
	return URLCredentials(value)
}

// userinfo matches the user:password@ part of scheme://user:password@host.
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@`)

// URLCredentials removes user-info (user:password@) from every URL in s.
func URLCredentials(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllString(s, "${1}"+Redacted+"@")
}
