package redact

import (
	"net/netip"
	"regexp"
	"strings"
)

// Kinds of name Hosts finds.
const (
	KindHost  = "host"  // a host name, an IPv4 or IPv6 address, a bucket in a URL
	KindEmail = "email" // an e-mail address
)

// hostShapes are the places Spark, YARN, Netty and the JVM write a host,
// each with the host in group 1 (and an address in group 2 where there is
// one). Only a name with a digit, a dot or a hyphen is taken for a host
// after "host" or in a BlockManagerId, so prose ("host memory") stays.
var hostShapes = []*regexp.Regexp{
	// Lost task 51.3 in stage 34.0 (TID 12417) (HOST executor 0)
	regexp.MustCompile(`\(([A-Za-z0-9][\w.\-]*) executor [\w\-]+\)`),
	// Spark 1.x and 2.x: (TID 1, HOST, executor 3)
	regexp.MustCompile(`\(TID \d+, ([A-Za-z0-9][\w.\-]*), executor`),
	// Lost executor 3 on HOST: …; Executor 3 on HOST killed
	regexp.MustCompile(`(?i)\bexecutor [\w\-]+ on ([A-Za-z0-9][\w.\-]*[A-Za-z0-9])`),
	// java.net.InetAddress: HOST/10.0.0.1 (Failed to connect to HOST/IP:7337)
	regexp.MustCompile(`\b([A-Za-z0-9][\w.\-]*)/((?:\d{1,3}\.){3}\d{1,3})\b`),
	// -Dspark.driver.host=HOST, java.rmi.server.hostname=HOST, bindAddress: IP
	regexp.MustCompile(`(?i)[\w.]*(?:\.host|hostname|bindaddress|\.address|\.addr)\s*[=:]\s*"?([^\s"',;)\]}]+)`),
}

// hostAfterRE is a name after "host" (on host: X, host X, hostname=X) or
// as a BlockManagerId's host: BlockManagerId(7, X, 7337, …).
var hostAfterRE = regexp.MustCompile(`(?i)(?:\bhost(?:name)?(?:\s*[:=]\s*|\s+)|\bBlockManagerId\(\s*[\w\-]+\s*,\s*)([a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?)`)

var (
	// domainRE is a host name under a private or cloud-internal domain
	// (ip-10-0-0-1.ec2.internal, node7.corp, ec2-3-4-5-6.compute-1.amazonaws.com):
	// class and package names never end so.
	domainRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:internal|local|localdomain|lan|corp|intra|intranet|home\.arpa|amazonaws\.com|cloudapp\.net|cloudapp\.azure\.com|windows\.net|googleusercontent\.com)\b`)
	// authorityRE is a URL's host (or bucket): scheme://[user@]HOST.
	authorityRE = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.\-]*://(?:[^/@\s"']*@)?([A-Za-z0-9_](?:[A-Za-z0-9.\-_]*[A-Za-z0-9_])?)`)
	// mailRE is an e-mail address; its local part has a letter (a JVM
	// object's Foo$$Lambda/443638755@31f31b20.apply is not one).
	mailRE = regexp.MustCompile(`\b[A-Za-z0-9._%+\-]*[A-Za-z][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b`)
	// quadRE is a dotted quad; ipv6CandRE a candidate IPv6 address,
	// checked by netip.
	quadRE     = regexp.MustCompile(`\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b`)
	ipv6CandRE = regexp.MustCompile(`(?i)\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?:%[\w.]+)?\]?`)
)

// Hosts returns t with every host name, IP address, URL bucket and e-mail
// address it finds replaced by ph(kind, name) (KindHost or KindEmail), in
// the order they appear in t's shapes: URL hosts, e-mails, the places
// Spark writes a host, names after "host", private and cloud domains, IPv6
// (with a digit),
// then IPv4 addresses that are not versions (hdp.version=2.2.0.0-2041).
func Hosts(t string, ph func(kind, name string) string) string {
	return hosts(t, ph, &folded{})
}

// hosts is Hosts with f, the folded form of t (or of an earlier text).
func hosts(t string, ph func(kind, name string) string, f *folded) string {
	host := func(name string) string { return ph(KindHost, name) }
	if strings.Contains(t, "://") {
		t = replaceGroups(t, authorityRE, isHost, host)
	}
	if strings.Contains(t, "@") {
		t = mailRE.ReplaceAllStringFunc(t, func(m string) string { return ph(KindEmail, m) })
	}
	for i, re := range hostShapes {
		if f.may(t, hostShapeGuards[i]) {
			t = replaceGroups(t, re, isHost, host)
		}
	}
	if f.may(t, hostAfterGuard) {
		t = replaceGroups(t, hostAfterRE, func(s string) bool { return strings.ContainsAny(s, "0123456789.-") && isHost(s) }, host)
	}
	if f.may(t, domainGuard) {
		t = domainRE.ReplaceAllStringFunc(t, host)
	}
	if mayIPv6(t) {
		t = replaceMatches(t, ipv6CandRE, isIPv6At, host)
	}
	if !mayQuad(t) {
		return t
	}
	return replaceMatches(t, quadRE, func(t string, i, j int) bool { return !versionAt(t, i, j) }, host)
}

// isHost rejects what a shape catches that is not a name: an already
// placed placeholder, an empty or redacted value, a bare number.
func isHost(s string) bool {
	if s == "" || strings.HasPrefix(s, "<") || strings.Contains(s, Redacted) || strings.Trim(s, "0123456789") == "" {
		return false
	}
	return !strings.EqualFold(s, "localhost") && s != "true" && s != "false"
}

// replaceGroups replaces each non-empty capture group of re's matches that
// ok accepts with repl of it.
func replaceGroups(t string, re *regexp.Regexp, ok func(string) bool, repl func(string) string) string {
	var spans [][]int
	for _, l := range re.FindAllStringSubmatchIndex(t, -1) {
		for g := 2; g+1 < len(l); g += 2 {
			if l[g] >= 0 && ok(t[l[g]:l[g+1]]) {
				spans = append(spans, l[g:g+2])
			}
		}
	}
	return replaceSpans(t, spans, repl)
}

// replaceMatches replaces each match of re that ok accepts with repl of it.
func replaceMatches(t string, re *regexp.Regexp, ok func(t string, i, j int) bool, repl func(string) string) string {
	var spans [][]int
	for _, l := range re.FindAllStringIndex(t, -1) {
		if ok(t, l[0], l[1]) {
			spans = append(spans, l)
		}
	}
	return replaceSpans(t, spans, repl)
}

// replaceSpans replaces each span [i, j) of t, in order and not
// overlapping an earlier one, with repl of its text.
func replaceSpans(t string, spans [][]int, repl func(string) string) string {
	if spans == nil {
		return t
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp[0] < last {
			continue
		}
		b.WriteString(t[last:sp[0]])
		b.WriteString(repl(t[sp[0]:sp[1]]))
		last = sp[1]
	}
	b.WriteString(t[last:])
	return b.String()
}

// isIPv6At reports whether t[i:j] is an IPv6 address standing alone (not a
// part of a word, as in Scala's Foo::bar or a time 12:30:45).
func isIPv6At(t string, i, j int) bool {
	s := strings.Trim(t[i:j], "[]")
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
// than an address: -Dhdp.version=2.2.0.0-2041, v1.2.3.4, 1.2.3.4.5,
// spark-hive_2.12-3.1.1.119.jar, "Spark Version":"3.1.1.119".
func versionAt(t string, i, j int) bool {
	if j < len(t) && strings.IndexByte("-._", t[j]) >= 0 {
		return true
	}
	if i > 0 && strings.IndexByte(".-_vV", t[i-1]) >= 0 {
		return true
	}
	before := strings.ToLower(strings.TrimRight(t[max(0, i-12):i], `"':= `))
	return strings.HasSuffix(before, "version")
}
