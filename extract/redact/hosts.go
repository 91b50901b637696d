package redact

import (
	"net/netip"
	"regexp"
	"strings"
)

// Kinds of name Hosts finds.
const (
	KindHost  = "host"  // a host name, an IPv4 or IPv6 address
	KindEmail = "email" // an e-mail address
)

var (
	// mailRE is an e-mail address (or a Kerberos principal's user@REALM).
	mailRE = regexp.MustCompile(`\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+\b`)
	// quadRE is a dotted-quad IPv4 address.
	quadRE = regexp.MustCompile(`\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b`)
	// ipv6CandRE is a candidate IPv6 address (checked by netip), with an
	// optional zone and an optional embedded IPv4 tail.
	ipv6CandRE = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?:%[\w.]+)?`)
	// domainRE is a host name under a private or cloud-internal domain
	// (ip-10-0-0-1.ec2.internal, node7.corp, ec2-3-4-5-6.compute-1.amazonaws.com):
	// class and package names never end so.
	domainRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:internal|local|localdomain|lan|corp|intra|intranet|home\.arpa|amazonaws\.com|cloudapp\.net|cloudapp\.azure\.com)\b`)
	// hostAfterRE is a name where Spark and YARN put a host: "host X",
	// "on host: X", "hostname=X", BlockManagerId(7, X, 7337, …). Only a
	// name with a digit, a dot or a hyphen is taken for a host, so prose
	// ("host memory") stays.
	hostAfterRE = regexp.MustCompile(`(?i)(\bhost(?:name)?(?:\s*[:=]\s*|\s+)|\bBlockManagerId\(\s*[\w-]+\s*,\s*)([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)`)
)

// Hosts returns t with every e-mail address, host name and IP address it
// finds replaced by ph(kind, name): e-mails, names after "host", private
// and cloud domains, IPv6, then IPv4 addresses that are not versions
// (hdp.version=2.2.0.0-2041).
func Hosts(t string, ph func(kind, name string) string) string {
	host := func(name string) string { return ph(KindHost, name) }
	if strings.Contains(t, "@") {
		t = mailRE.ReplaceAllStringFunc(t, func(m string) string { return ph(KindEmail, m) })
	}
	t = hostAfterRE.ReplaceAllStringFunc(t, func(m string) string {
		sub := hostAfterRE.FindStringSubmatch(m)
		if !strings.ContainsAny(sub[2], "0123456789.-") {
			return m
		}
		return sub[1] + host(sub[2])
	})
	t = domainRE.ReplaceAllStringFunc(t, host)
	if strings.Contains(t, ":") {
		t = replaceMatches(t, ipv6CandRE, isIPv6At, host)
	}
	return replaceMatches(t, quadRE, func(t string, i, j int) bool { return !versionAt(t, i, j) }, host)
}

// replaceMatches replaces each match of re that ok accepts with repl of it.
func replaceMatches(t string, re *regexp.Regexp, ok func(t string, i, j int) bool, repl func(string) string) string {
	locs := re.FindAllStringIndex(t, -1)
	if locs == nil {
		return t
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if !ok(t, l[0], l[1]) {
			continue
		}
		b.WriteString(t[last:l[0]])
		b.WriteString(repl(t[l[0]:l[1]]))
		last = l[1]
	}
	b.WriteString(t[last:])
	return b.String()
}

// isIPv6At reports whether t[i:j] is an IPv6 address standing alone (not a
// part of a word, as in Scala's Foo::bad or a time 12:30:45).
func isIPv6At(t string, i, j int) bool {
	s := t[i:j]
	if !strings.ContainsAny(s, "0123456789") || i > 0 && wordByte(t[i-1]) || j < len(t) && wordByte(t[j]) {
		return false
	}
	if k := strings.IndexByte(s, '%'); k >= 0 {
		s = s[:k]
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

func wordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// versionAt reports whether the dotted quad t[i:j] is a version rather
// than an address: -Dhdp.version=2.2.0.0-2041, v1.2.3.4, 1.2.3.4.5.
func versionAt(t string, i, j int) bool {
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
