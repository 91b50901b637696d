#!/usr/bin/env bash
# bench/run.sh — throughput and memory harness for sparkmine's extract path.
#
# Generates realistic event logs with sparkgen, compresses them in Spark's
# codec framings, and times, in interleaved rounds on one pinned core:
#   extract   bench/cmd/extractbench (logfile.Open → extract.Builder, as extract.ReadLog)
#   lines     the same without the Builder: the codec + line reader floor
#   base      the same program built against extract at -base REV (optional)
#   zstd -dc  the reference: zstd -dc FILE.zstd > /dev/null
#   jq        a filter pulling the task metrics from TaskEnd lines (plain log)
#   python    a json.loads loop over every line (plain log)
#   sparkmine `sparkmine extract --json` when ./cmd/sparkmine builds
# MB/s are of uncompressed JSON per CPU second (user+sys, robust on a loaded
# machine); "x zstd" is that figure over zstd -dc's on the same file (>1 =
# faster than zstd -dc). Medians over -reps rounds. Times and peak RSS come
# from the kernel's rusage, to the microsecond, via bench/cmd/timeit (GNU
# time prints hundredths: 4 % of a quarter-second run). Run from anywhere;
# needs go, zstd, jq, python3, taskset.
#
# Usage: bench/run.sh [-stages 20] [-tasks 2500] [-plan-bytes 4000000]
#          [-nds LOG] [-nds-copies 2] [-no-nds]
#          [-reps 3] [-base REV] [-work DIR] [-codecs "zstd lz4 snappy"]
#          [-no-jq] [-no-python] [-mem] [-mem-stages 200] [-mem-tasks 5000]
#          [-workers-logs 60] [-workers-only] [-no-workers] [-keep]
# Defaults (50k tasks, ~300 MB of JSON) finish in a few minutes on 2 cores.
# -mem adds the memory runs: a zstd log of mem-stages x mem-tasks tasks
# (1M by default), and the same task count in mem-stages/10 stages (the
# per-stage size of a 10x larger log), each streamed through extractbench.
# -workers-only times just `sparkmine run --workers 1` against 2 (-reps
# interleaved rounds over -workers-logs generated zstd logs); -no-workers
# leaves them out.
# A real SQL-heavy log rides along (-nds LOG, default the Databricks Photon
# NDS q88 log under ../shared/eventlogs/rapids-tools/; -no-nds skips it): its
# jobs replayed -nds-copies times with ids and times shifted
# (bench/cmd/replaylog), timed as extract of the zstd file beside zstd -dc,
# and a variant whose plans are padded to -plan-bytes, for its peak RSS.
set -euo pipefail

STAGES=20 TASKS=2500 PLAN_BYTES=4000000 REPS=3 BASE="" WORK="" CODECS="zstd lz4 snappy"
JQ=1 PY=1 MEM=0 MEM_STAGES=200 MEM_TASKS=5000 WLOGS=60 KEEP=0 WORKERS_ONLY=0 WORKERS=1
NDS_LOG="" NDS_COPIES=2 NDS=1
while [ $# -gt 0 ]; do
	case "$1" in
	-stages) STAGES=$2; shift ;;
	-tasks) TASKS=$2; shift ;;
	-plan-bytes) PLAN_BYTES=$2; shift ;;
	-reps) REPS=$2; shift ;;
	-base) BASE=$2; shift ;;
	-work) WORK=$2; shift ;;
	-codecs) CODECS=$2; shift ;;
	-no-jq) JQ=0 ;;
	-no-python) PY=0 ;;
	-mem) MEM=1 ;;
	-mem-stages) MEM_STAGES=$2; shift ;;
	-mem-tasks) MEM_TASKS=$2; shift ;;
	-workers-logs) WLOGS=$2; shift ;;
	-keep) KEEP=1 ;;
	-nds) NDS_LOG=$2; shift ;;
	-nds-copies) NDS_COPIES=$2; shift ;;
	-no-nds) NDS=0 ;;
	-workers-only) WORKERS_ONLY=1 ;;
	-no-workers) WORKERS=0 ;;
	-h | --help) sed -n '2,36p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown flag $1" >&2; exit 2 ;;
	esac
	shift
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$NDS_LOG" ] || NDS_LOG="$REPO/../shared/eventlogs/rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"
if [ -z "$WORK" ]; then WORK=$(mktemp -d /tmp/sparkmine-bench.XXXXXX); fi
mkdir -p "$WORK/bin"
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT
PIN=""
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then PIN="taskset -c 0"; fi

log() { echo "# $*" >&2; }

# ---- build ---------------------------------------------------------------
build() {
	log "building tools in $WORK/bin"
	(cd "$REPO" && go build -o "$WORK/bin/" ./extract/gen/cmd/sparkgen ./bench/cmd/extractbench ./bench/cmd/sparkcompress ./bench/cmd/timeit ./bench/cmd/replaylog)
	HAVE_SPARKMINE=0
	if (cd "$REPO" && go build -o "$WORK/bin/sparkmine" ./cmd/sparkmine) 2>"$WORK/sparkmine-build.log"; then
		HAVE_SPARKMINE=1
	else
		log "cmd/sparkmine does not build (see $WORK/sparkmine-build.log): skipping its rows"
	fi
	if [ -n "$BASE" ]; then
		log "building the baseline extractbench against extract at $BASE"
		mkdir -p "$WORK/base"
		git -C "$REPO" archive "$BASE" | tar -x -C "$WORK/base"
		mkdir -p "$WORK/base/bench/cmd"
		cp -r "$REPO/bench/cmd/extractbench" "$WORK/base/bench/cmd/"
		(cd "$WORK/base" && go build -o "$WORK/bin/extractbench-base" ./bench/cmd/extractbench)
	fi
}

# ---- logs ----------------------------------------------------------------
# gen NAME ARGS...: plain log NAME plus NAME.<codec> for each codec.
gen() {
	local name=$1; shift
	log "generating $name ($*)"
	"$WORK/bin/sparkgen" -seed 7 "$@" -o "$WORK/$name" 2>/dev/null
	for c in $CODECS; do
		# sparkgen -codec writes Spark's framing itself once gen supports it.
		if ! "$WORK/bin/sparkgen" -seed 7 "$@" -codec "$c" -o "$WORK/$name.$c" 2>/dev/null; then
			"$WORK/bin/sparkcompress" -codec "$c" "$WORK/$name" "$WORK/$name.$c"
		fi
	done
	[ -f "$WORK/$name.zstd" ] || zstd -q -1 "$WORK/$name" -o "$WORK/$name.zstd"
}

# ---- measuring -----------------------------------------------------------
declare -A WALL CPU RSS
CASES=()
# run KEY CMD...: one timed run on the pinned core; results appended.
run() {
	local key=$1; shift
	local out="$WORK/time.out"
	$PIN "$WORK/bin/timeit" -o "$out" "$@" >"${RUN_OUT:-/dev/null}" 2>"$WORK/stderr.out" || {
		echo "run.sh: $key failed:" >&2; cat "$WORK/stderr.out" >&2; return 1; }
	local e u s m; read -r e u s m <"$out"
	WALL[$key]+="$e "
	CPU[$key]+="$(echo "$u + $s" | bc -l) "
	RSS[$key]+="$m "
}
# div A B: A/B, with B at least 1 ms.
div() { echo "d = $2; if (d < 0.001) d = 0.001; $1 / d" | bc -l; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

JQ_FILTER='select(.Event=="SparkListenerTaskEnd") | [."Stage ID", ."Stage Attempt ID", ."Task End Reason".Reason,
 ."Task Info"."Task ID", ."Task Info"."Index", ."Task Info"."Launch Time", ."Task Info"."Finish Time",
 ."Task Info"."Failed", ."Task Info"."Killed", ."Task Info"."Executor ID",
 ."Task Metrics"."Executor Run Time", ."Task Metrics"."Executor CPU Time", ."Task Metrics"."JVM GC Time",
 ."Task Metrics"."Peak Execution Memory", ."Task Metrics"."Memory Bytes Spilled", ."Task Metrics"."Disk Bytes Spilled",
 ."Task Metrics"."Input Metrics"."Bytes Read", ."Task Metrics"."Output Metrics"."Bytes Written",
 ."Task Metrics"."Shuffle Read Metrics"."Remote Bytes Read", ."Task Metrics"."Shuffle Read Metrics"."Local Bytes Read",
 ."Task Metrics"."Shuffle Write Metrics"."Shuffle Bytes Written"]'
PY_LOOP='import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    if line.strip():
        json.loads(line)
        n += 1
print(n)'

# round NAME: one timed run of every case over log NAME.
round() {
	local n=$1 f="$WORK/$1"
	run "$n|zstd -dc|zstd" zstd -dc "$f.zstd"
	run "$n|extract|plain" "$WORK/bin/extractbench" "$f"
	for c in $CODECS; do run "$n|extract|$c" "$WORK/bin/extractbench" "$f.$c"; done
	run "$n|lines only (codec+reader)|plain" "$WORK/bin/extractbench" -lines "$f"
	run "$n|lines only (codec+reader)|zstd" "$WORK/bin/extractbench" -lines "$f.zstd"
	if [ -n "$BASE" ]; then
		run "$n|base $BASE|plain" "$WORK/bin/extractbench-base" "$f"
		run "$n|base $BASE|zstd" "$WORK/bin/extractbench-base" "$f.zstd"
	fi
	if [ "$HAVE_SPARKMINE" = 1 ]; then run "$n|sparkmine extract --json|zstd" "$WORK/bin/sparkmine" extract --json "$f.zstd"; fi
	if [ "$JQ" = 1 ]; then run "$n|jq|plain" jq -c "$JQ_FILTER" "$f"; fi
	if [ "$PY" = 1 ]; then run "$n|python json.loads|plain" python3 -c "$PY_LOOP" "$f"; fi
}

# table NAME: the medians for log NAME.
table() {
	local n=$1 bytes zcpu
	bytes=$(stat -c %s "$WORK/$n")
	zcpu=$(echo "${CPU[$n|zstd -dc|zstd]}" | median)
	printf '\n%s: %.1f MB of JSON, %s rounds, pinned: %s\n' "$n" "$(echo "$bytes/1000000" | bc -l)" "$REPS" "${PIN:-no}"
	printf '%-34s %-7s %8s %8s %9s %8s %9s\n' tool input "wall s" "cpu s" "MB/s cpu" "x zstd" "RSS MiB"
	for key in "${!CPU[@]}"; do
		case $key in "$n|"*) ;; *) continue ;; esac
		local tool=${key#*|} input cpu wall rss
		input=${tool##*|}; tool=${tool%|*}
		cpu=$(echo "${CPU[$key]}" | median); wall=$(echo "${WALL[$key]}" | median); rss=$(echo "${RSS[$key]}" | median)
		printf '%-34s %-7s %8.3f %8.3f %9.0f %8.3f %9.0f\n' "$tool" "$input" "$wall" "$cpu" \
			"$(div "$bytes/1000000" "$cpu")" "$(div "$zcpu" "$cpu")" "$(echo "$rss/1024" | bc -l)"
	done | sort -t'|' -k1,1
	local ex jq
	ex=$(echo "${CPU[$n|extract|zstd]}" | median)
	if [ "$JQ" = 1 ] && [ -n "${CPU[$n|jq|plain]:-}" ]; then
		jq=$(echo "${CPU[$n|jq|plain]}" | median)
		printf 'extract(zstd) vs jq(plain): %.1fx\n' "$(div "$jq" "$ex")"
	fi
}

# ---- a real SQL-heavy log ------------------------------------------------
# ndsgen: the NDS log's jobs replayed NDS_COPIES times (nds, nds.zstd) and
# once with plans padded to PLAN_BYTES (nds-plan.zstd).
ndsgen() {
	log "replaying $NDS_LOG x$NDS_COPIES"
	"$WORK/bin/replaylog" -copies "$NDS_COPIES" "$NDS_LOG" >"$WORK/nds"
	zstd -q -1 -f "$WORK/nds" -o "$WORK/nds.zstd"
	"$WORK/bin/replaylog" -copies 1 -plan-bytes "$PLAN_BYTES" "$NDS_LOG" | zstd -q -1 -o "$WORK/nds-plan.zstd"
}
# ndsround: extract of the zstd replay beside zstd -dc (and -base's), and
# the padded one.
ndsround() {
	run "nds|zstd -dc|zstd" zstd -dc "$WORK/nds.zstd"
	run "nds|extract|zstd" "$WORK/bin/extractbench" "$WORK/nds.zstd"
	run "nds|lines only (codec+reader)|zstd" "$WORK/bin/extractbench" -lines "$WORK/nds.zstd"
	if [ -n "$BASE" ]; then run "nds|base $BASE|zstd" "$WORK/bin/extractbench-base" "$WORK/nds.zstd"; fi
	run "nds|extract, plans padded to $PLAN_BYTES B|zstd" "$WORK/bin/extractbench" "$WORK/nds-plan.zstd"
}

# ---- memory --------------------------------------------------------------
memrun() {
	local stages=$1 tasks=$2 name="mem-$1x$2"
	log "memory: generating $name (zstd, streamed)"
	"$WORK/bin/sparkgen" -seed 3 -stages "$stages" -tasks-per-stage "$tasks" 2>/dev/null |
		"$WORK/bin/sparkcompress" -codec zstd /dev/stdin "$WORK/$name.zstd"
	RUN_OUT="$WORK/summary.out" run "mem|$name" "$WORK/bin/extractbench" "$WORK/$name.zstd"
	printf '%-22s %8d tasks %7.1f MB zstd  cpu %6.1fs  peak RSS %6.0f MiB  %s\n' "$name" $((stages * tasks)) \
		"$(echo "$(stat -c %s "$WORK/$name.zstd")/1000000" | bc -l)" "$(echo "${CPU[mem|$name]}" | median)" \
		"$(echo "$(echo "${RSS[mem|$name]}" | median)/1024" | bc -l)" "$(cut -d: -f2- "$WORK/summary.out")"
	rm -f "$WORK/$name.zstd"
}

# ---- workers -------------------------------------------------------------
workers() {
	if [ "$HAVE_SPARKMINE" != 1 ]; then
		echo "TODO: run --workers 1 vs 2 over $WLOGS logs: cmd/sparkmine does not build yet"
		return
	fi
	mkdir -p "$WORK/fleet"
	for i in $(seq 1 "$WLOGS"); do
		"$WORK/bin/sparkgen" -seed "$i" -stages 10 -tasks-per-stage 500 2>/dev/null |
			"$WORK/bin/sparkcompress" -codec zstd /dev/stdin "$WORK/fleet/application_1700000000000_$(printf %04d "$i").zstd"
	done
	# Interleaved rounds, -reps of them: 1 worker, 2 workers, 1, 2, ...; the
	# ratio is of the median wall times, so one noisy round cannot make it.
	declare -A WALL=() WCPU=() WRSS=() WMB=()
	for r in $(seq 1 "$REPS"); do
		for w in 1 2; do
			rm -rf "$WORK/out$w"
			"$WORK/bin/timeit" -o "$WORK/time.out" "$WORK/bin/sparkmine" run --source "$WORK/fleet" \
				--out "$WORK/out$w" --workers "$w" --llm off >/dev/null 2>&1 || echo "sparkmine run --workers $w failed"
			read -r e u s m <"$WORK/time.out"
			WALL[$w]+="$e " WCPU[$w]+="$(echo "$u + $s" | bc -l) " WRSS[$w]+="$m "
			WMB[$w]=$(jq -r '.bytes_out' "$WORK/out$w"/_sparkmine/runs/*.json | head -1)
		done
	done
	for w in 1 2; do
		e=$(echo "${WALL[$w]}" | median)
		printf 'sparkmine run --workers %d: %6.3fs wall (median of %d: %s), %6.3fs cpu, peak RSS %.0f MiB, %d logs: %.1f logs/s, %.0f MB/s of JSON\n' \
			"$w" "$e" "$REPS" "$(printf "%.2f " ${WALL[$w]})" "$(echo "${WCPU[$w]}" | median)" "$(echo "$(echo "${WRSS[$w]}" | median)/1024" | bc -l)" \
			"$WLOGS" "$(echo "$WLOGS / $e" | bc -l)" "$(echo "${WMB[$w]} / 1000000 / $e" | bc -l)"
	done
	printf 'workers 2 vs 1: %.2fx (median wall times)\n' \
		"$(echo "$(echo "${WALL[1]}" | median) / $(echo "${WALL[2]}" | median)" | bc -l)"
}

main() {
	build
	if [ "$WORKERS_ONLY" = 1 ]; then
		workers
		return
	fi
	gen main -stages "$STAGES" -tasks-per-stage "$TASKS"
	gen plan -stages 10 -tasks-per-stage 200 -plan-bytes "$PLAN_BYTES"
	if [ "$NDS" = 1 ] && [ ! -f "$NDS_LOG" ]; then log "no $NDS_LOG: skipping the NDS replay"; NDS=0; fi
	if [ "$NDS" = 1 ]; then ndsgen; fi
	for r in $(seq 1 "$REPS"); do
		log "round $r/$REPS"
		round main
		round plan
		if [ "$NDS" = 1 ]; then ndsround; fi
	done
	table main
	table plan
	if [ "$NDS" = 1 ]; then table nds; fi
	if [ "$MEM" = 1 ]; then
		echo
		memrun "$MEM_STAGES" "$MEM_TASKS"
		memrun $((MEM_STAGES / 10)) $((MEM_TASKS * 10))
	fi
	if [ "$WORKERS" = 1 ]; then
		echo
		workers
	fi
}
main
