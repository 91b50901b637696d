#!/usr/bin/env bash
# Installs what the tests need into ./.tools, from the Go module proxy and npm:
#   .tools/bin/versitygw   an S3-compatible server for the S3 tests
#   .tools/node            @duckdb/node-api, to read our Parquet as users do, and
#                          hyparquet (+ hyparquet-compressors for zstd), a second,
#                          independent Parquet reader (scripts/parquet/read.mjs)
# $SPARKMINE_TOOLS, when set, replaces .tools.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${SPARKMINE_TOOLS:-$PWD/.tools}"
mkdir -p "$tools/bin" "$tools/node"

if [ ! -x "$tools/bin/versitygw" ]; then
	echo "install-test-deps: building versitygw (go install, about a minute)" >&2
	GOBIN="$tools/bin" go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

if [ ! -d "$tools/node/node_modules/@duckdb/node-api" ]; then
	echo "install-test-deps: installing @duckdb/node-api (npm)" >&2
	(cd "$tools/node" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
		npm install --no-audit --no-fund --silent @duckdb/node-api@1.5.6-r.1 >&2)
fi

if [ ! -d "$tools/node/node_modules/hyparquet-compressors" ]; then
	echo "install-test-deps: installing hyparquet (npm)" >&2
	(cd "$tools/node" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
		npm install --no-audit --no-fund --silent hyparquet@1.33.0 hyparquet-compressors@1.1.2 >&2)
fi
