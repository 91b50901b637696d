package main

import (
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
