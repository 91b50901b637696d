#!/usr/bin/env bash
# bench/hostile.sh — sparkmine run against hostile inputs: exit code, the
# manifest's entry for the bad input, and peak RSS (bench/cmd/timeit) at 1
# and 3 workers. Each case is a source folder holding one good sample log
# and the bad input, so "the run goes on" shows as a processed log.
#
#   line200    a plain log with one 200 MB line (a SQL plan)
#   zstdbomb   a zstd log of ~60 KB expanding to one 2 GB line
#   symloop    a symbolic link pair a -> b -> a
#   unreadable a sub-folder with mode 000; run as user nobody (setpriv),
#              since root reads every folder
#   truncated  a completed (not .inprogress) zstd log cut mid-frame
#   cutline    a completed plain log cut mid-line
#   empty      an empty completed log
#   missing    a TaskEnd without its "Task Info"
#
# Usage: bench/hostile.sh [-work DIR] [-cases "line200 zstdbomb ..."] [-memory 4GiB]
# Needs go, zstd, jq, python3, setpriv. Prints a Markdown table.
set -euo pipefail

WORK="" CASES="line200 zstdbomb symloop unreadable truncated cutline empty missing" MEMFLAG=()
while [ $# -gt 0 ]; do
	case "$1" in
	-work) WORK=$2; shift ;;
	-cases) CASES=$2; shift ;;
	-memory) MEMFLAG=(--memory "$2"); shift ;;
	*) echo "unknown flag $1" >&2; exit 2 ;;
	esac
	shift
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$WORK" ] || WORK=$(mktemp -d /tmp/sparkmine-hostile.XXXXXX)
mkdir -p "$WORK"
chmod 755 "$WORK"
BIN=$WORK/bin
mkdir -p "$BIN"
(cd "$ROOT" && go build -o "$BIN/sparkmine" ./cmd/sparkmine && go build -o "$BIN/timeit" ./bench/cmd/timeit)
chmod 755 "$BIN" "$BIN"/*
GOOD=$ROOT/cmd/sparkmine/samples/application_1764000000000_0001.zstd

# bigline N writes a log whose second line is a SQL start event with an
# N-byte plan.
bigline() {
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
w = sys.stdout.buffer
w.write(b'{"Event":"SparkListenerLogStart","Spark Version":"3.5.0"}\n')
w.write(b'{"Event":"SparkListenerApplicationStart","App Name":"big","App ID":"application_1764000000000_0901","Timestamp":1764000000000,"User":"u"}\n')
w.write(b'{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0,"description":"d","details":"","physicalPlanDescription":"')
chunk = b'P' * (1 << 20)
for _ in range(n >> 20):
    w.write(chunk)
w.write(b'","sparkPlanInfo":{"nodeName":"x","simpleString":"x","children":[],"metadata":{},"metrics":[]},"time":1764000000100}\n')
w.write(b'{"Event":"SparkListenerApplicationEnd","Timestamp":1764000001000}\n')
PY
}

setup() {
	local c=$1 d=$WORK/src-$1
	rm -rf "$d"
	mkdir -p "$d"
	cp "$GOOD" "$d/"
	case $c in
	line200) bigline $((200 << 20)) > "$d/application_1764000000000_0901" ;;
	zstdbomb)
		{ printf '{"Event":"SparkListenerLogStart","Spark Version":"'; head -c $((2 << 30)) /dev/zero | tr '\0' a; printf '"}\n'; } |
			zstd -q -3 -o "$d/application_1764000000000_0902.zstd" ;;
	symloop) ln -s b "$d/a"; ln -s a "$d/b" ;;
	unreadable) mkdir -p "$d/locked"; cp "$GOOD" "$d/locked/application_1764000000000_0903.zstd"; chmod 000 "$d/locked" ;;
	truncated) s=$(stat -c %s "$GOOD"); head -c $((s / 2)) "$GOOD" > "$d/application_1764000000000_0904.zstd" ;;
	cutline) { zstd -dc "$GOOD" || true; } | head -c 3000 > "$d/application_1764000000000_0905" ;;
	empty) : > "$d/application_1764000000000_0906" ;;
	missing)
		zstd -dc "$GOOD" | python3 -c '
import json, sys
done = False
for line in sys.stdin:
    ev = json.loads(line)
    if not done and ev.get("Event") == "SparkListenerTaskEnd":
        del ev["Task Info"]; done = True
        line = json.dumps(ev) + "\n"
    sys.stdout.write(line)' > "$d/application_1764000000000_0907" ;;
	esac
	chmod -R a+rX "$d" 2>/dev/null || true
	[ "$c" = unreadable ] && chmod 000 "$d/locked"
	true
}

run() { # case workers
	local c=$1 w=$2 out=$WORK/out-$1-$2
	rm -rf "$out"
	mkdir -p "$out"
	chmod 777 "$out"
	local as=()
	[ "$c" = unreadable ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	set +e
	"$BIN/timeit" -o "$WORK/time-$c-$w" "${as[@]}" "$BIN/sparkmine" run --source "$WORK/src-$c" --out "$out" \
		--workers "$w" --llm off "${MEMFLAG[@]}" > "$WORK/log-$c-$w" 2>&1
	local code=$?
	set -e
	local rss entry
	rss=$(awk '{printf "%.0f", $4/1024}' "$WORK/time-$c-$w" 2>/dev/null || echo "?")
	entry=$(cat "$out"/_sparkmine/runs/*.json 2>/dev/null | jq -r '[(.unreadable // [])[] | "unreadable \(.log): \(.reason)"] + [(.unlisted // [])[] | "unlisted \(.log): \(.reason)"] + [(.damaged // [])[] | "damaged \(.log): \(.where): \(.reason)"] + (.problems // []) | join("; ")' 2>/dev/null | sed "s#$WORK/##g" | cut -c 1-400)
	if [ -z "$entry" ]; then
		if ls "$out"/_sparkmine/runs/*.json > /dev/null 2>&1; then entry="(none)"; else entry="(no manifest) $(tail -1 "$WORK/log-$c-$w")"; fi
	fi
	echo "$code|$rss|$entry"
}

echo "| input | workers | exit | peak RSS MiB | manifest entry |"
echo "| --- | --- | --- | --- | --- |"
for c in $CASES; do
	setup "$c"
	for w in 1 3; do
		IFS='|' read -r code rss entry < <(run "$c" "$w")
		echo "| $c | $w | $code | $rss | ${entry//|/\\|} |"
	done
done
echo
echo "work folder: $WORK"
