package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime/debug"
	"strings"
)

// version is the module version: set at build time with
// -ldflags "-X main.version=…", else read from the build info (Go stamps a
// pseudo-version from the VCS), else "devel".
var version string

func init() {
	if version == "" {
		version = moduleVersion(debug.ReadBuildInfo())
	}
}

func moduleVersion(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}

// versionString is what --version prints: the module version, the VCS
// revision and time the binary was built from (and whether the tree had
// uncommitted changes), and the Go version.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	s := "sparkmine " + version
	if !ok {
		return s
	}
	setting := func(k string) string {
		for _, s := range bi.Settings {
			if s.Key == k {
				return s.Value
			}
		}
		return ""
	}
	var vcs []string
	if rev := setting("vcs.revision"); rev != "" {
		vcs = append(vcs, "revision "+rev)
	}
	if t := setting("vcs.time"); t != "" {
		vcs = append(vcs, t)
	}
	if setting("vcs.modified") == "true" {
		vcs = append(vcs, "modified")
	}
	if len(vcs) > 0 {
		s += fmt.Sprintf(" (%s)", strings.Join(vcs, ", "))
	}
	return s + " " + bi.GoVersion
}

// buildVersion is sparkmine's version as the diagnoses rows and the
// manifest record it: version with the VCS revision from the build info
// ("devel+3f2a9c1b7d4e-dirty").
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	v, rev, dirty := version, "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" {
		v += "+" + rev[:min(12, len(rev))]
	}
	if dirty {
		v += "-dirty"
	}
	return v
}

// sha256 is the hash of the effective configuration as --print-config
// prints it, kept in every diagnoses row.
func (c Config) sha256() string {
	var b bytes.Buffer
	_ = c.print(&b) // YAML of a plain struct into memory does not fail
	h := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(h[:])
}
