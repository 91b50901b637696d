# sparkmine — make demo (the main job on the bundled sample logs), make test (every test).
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/bin:$(PATH)
export SPARKMINE_TOOLS := $(CURDIR)/.tools

.PHONY: demo test test-deps vet build build-static bench fuzz

# build links DuckDB (cgo: a C toolchain and glibc) for mcp and ask;
# build-static makes the static binary of the nightly job, without them.
build:
	go build -o bin/sparkmine ./cmd/sparkmine

build-static:
	CGO_ENABLED=0 go build -o bin/sparkmine-static ./cmd/sparkmine

demo:
	go run ./cmd/sparkmine run

# test installs what the tests need (versitygw, DuckDB for node) into .tools/
# and runs every test: vet, gofmt, the unit and integration tests, and the
# race detector on the concurrent packages.
test: test-deps
	bash scripts/test.sh

test-deps:
	bash scripts/install-test-deps.sh

bench:
	bash bench/run.sh

fuzz:
	bash scripts/fuzz.sh
