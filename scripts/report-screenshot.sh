#!/bin/sh
# report-screenshot.sh renders the weekly report of the generated three-week
# dataset (analyze/report's TestGeneratedThreeWeeks) and screenshots it with
# headless Chromium, to look at the charts. Output: $OUT.html, $OUT.md and
# $OUT.png (default OUT=/tmp/report). Needs chromium (Debian: apt-get install chromium).
set -eu
OUT=${OUT:-/tmp/report}
cd "$(dirname "$0")/.."
go test ./analyze/report -run 'TestGeneratedThreeWeeks$' -count=1 -args -out="$OUT"
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$PROFILE" --screenshot="$OUT.png" --window-size=1280,${HEIGHT:-2400} \
	"file://$OUT.html" 2>/dev/null
echo "wrote $OUT.html $OUT.md $OUT.png"
