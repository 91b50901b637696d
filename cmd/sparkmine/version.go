package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"runtime/debug"
)

// buildVersion is sparkmine's version as the diagnoses rows and the
// manifest record it: the -ldflags version when one was set, else the
// module version and the VCS revision from the build info
// ("(devel)+3f2a9c1b7d4e-dirty"); "dev" when the build has neither.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	v, rev, dirty := info.Main.Version, "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v == "" {
		v = version
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
