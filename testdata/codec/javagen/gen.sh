#!/bin/sh
# Regenerates the Java-made codec fixtures (testdata/codec) from the plain log,
# and extract/codec's xxh32.golden, with Debian's jars (apt-get install
# liblz4-java libsnappy-java libcompress-lzf-java libzstd-jni-java; Java 17).
# Run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
td=$(dirname "$here")
root=$(cd "$td/../.." && pwd)
cp=/usr/share/java/lz4-java.jar:/usr/share/java/snappy-java.jar:/usr/share/java/compress-lzf.jar:/usr/share/java/zstd-jni.jar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" -cp "$cp" "$here/Gen.java"
run() { java -cp "$tmp:$cp" Gen "$@"; }
in=$td/local-1700000000000
for c in lz4 snappy zstd lzf; do
	run "$c" "$in" "$in.$c"
done
run xxh32 > "$root/extract/codec/testdata/xxh32.golden"
ls -l "$td"
