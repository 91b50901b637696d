#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 20s) each, one after another.
# New crashers land in the package's testdata/fuzz/<Target>/ as regression seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${FUZZTIME:-20s}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "== $pkg $target ($t)"
		go test -run='^$' -fuzz="^${target}\$" -fuzztime="$t" -fuzzminimizetime=2s -parallel=1 "$pkg"
	done
done
