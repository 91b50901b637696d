#!/usr/bin/env bash
# Runs every test of the project. make test calls it after installing the
# tools the tests need; .ci/run calls make test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PATH"
export SPARKMINE_TOOLS="$PWD/.tools"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.tools/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
go test -count=1 -timeout 40m ./...
# The race detector on the packages that run goroutines.
go test -count=1 -race -timeout 30m ./pipeline/... ./store/... ./analyze/diagnose/... ./extract/logfile/...
