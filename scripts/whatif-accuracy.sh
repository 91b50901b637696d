#!/usr/bin/env bash
# scripts/whatif-accuracy.sh — the right-sizing replay's error at each real
# log's own configuration (issue 15, "What it must show" 2).
#
# Runs `sparkmine extract --json` on every log under the shared event-log
# folders and prints, per app attempt, its peak executors × cores, whether
# allocation was dynamic, the real and the replayed duration, and
# sim_error = |replay − real| ÷ real. Logs with fewer than two executors or
# with dynamic allocation, and incomplete logs (whose duration is not the
# app's), are listed after the table and left out of the
# median. Usage: scripts/whatif-accuracy.sh [EVENTLOGS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS=${1:-../shared/eventlogs}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/sparkmine" ./cmd/sparkmine
for dir in "$LOGS"/*/; do
	"$BIN/sparkmine" extract --json "$dir" 2>/dev/null | jq -r --arg root "$(cd "$LOGS" && pwd)/" '
		.app as $a | ($a.spark_conf | fromjson? // {}) as $c |
		[($a.source_uri | ltrimstr($root)), $a.app_id, $a.status, $a.max_executors, $a.executor_cores,
		 (($c["spark.dynamicAllocation.enabled"] // "false") == "true"), $a.tasks,
		 $a.duration_ms, ($a.sim_duration_ms // "-"), (if $a.sim_error then ($a.sim_error * 1000 | round / 10) else "-" end)] | @tsv' || true
done | sort -u | sort -t$'\t' -k10,10g | awk -F'\t' '
	BEGIN { print "log\tapp\tstatus\texecutors\tcores\tdynamic\ttasks\tduration_ms\tsim_ms\terror_%" }
	$3 != "incomplete" && $4 >= 2 && $6 == "false" && $10 != "-" { print; errs[++n] = $10; next }
	{ other[++m] = $0 }
	END {
		med = n ? (n % 2 ? errs[(n + 1) / 2] : (errs[n / 2] + errs[n / 2 + 1]) / 2) : 0
		printf "# %d app attempts complete, with >= 2 executors and static allocation: median error %.1f %%\n", n, med
		print "# left out (incomplete, fewer than 2 executors, dynamic allocation, or not simulated):"
		for (i = 1; i <= m; i++) print "#  " other[i]
	}'
