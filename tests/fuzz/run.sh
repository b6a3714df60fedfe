#!/bin/sh
# SPDX-License-Identifier: ISC
# Run one libFuzzer target for a while, then minimise its corpus.
# usage: run.sh TARGET SECONDS   (from the top of the tree, after `make fuzz-build`)
#
# One fuzzing process (libFuzzer -fork=1), at nice 19, that keeps going after a
# crash, a timeout or an out-of-memory, so one bug does not end the run; each
# reproducer lands in build/fuzz/artifacts/TARGET/. The corpus is
# build/fuzz/corpus/TARGET (tests/fuzz/seeds.sh), merged afterwards into
# build/fuzz/min/TARGET. Prints one summary line; exits 2 when the run left
# a reproducer behind, else 0.
set -u
t=$1
secs=$2
bin=build/fuzz/fuzz_$t
corpus=build/fuzz/corpus/$t
art=build/fuzz/artifacts/$t
min=build/fuzz/min/$t
log=build/fuzz/log/$t.log
[ -x "$bin" ] || { echo "fuzz: $bin: not built (make fuzz-build)" >&2; exit 2; }
mkdir -p "$corpus" "$art" "$(dirname "$log")"
rm -rf "$min"
mkdir -p "$min"
# Inputs longer than this are cut: long enough for the small examples whole.
case $t in
load) max_len=262144 ;;
notes) max_len=262144 ;;
reach) max_len=16400 ;;
json) max_len=65536 ;;
*) max_len=65536 ;;
esac
# fuzz_json checks certificates against this image (fuzz_json.c).
: "${FUZZ_CERT_IMAGE:=build/examples/solo5-hello/solo5-hello.spt}"
export FUZZ_CERT_IMAGE
before=$(ls "$corpus" | wc -l)
n_art=$(ls "$art" | wc -l)
start=$(date +%s)
nice -n 19 "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	-max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
	-artifact_prefix="$art/" "$corpus" > "$log" 2>&1
rc=$?
wall=$(( $(date +%s) - start ))
# The last status line of the fork-mode parent: "#EXECS: cov: ... corp: N ...".
execs=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 | sed 's/^#\([0-9]*\):.*/\1/')
: "${execs:=0}"
after=$(ls "$corpus" | wc -l)
nice -n 19 "$bin" -merge=1 -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
	"$min" "$corpus" > "$log.merge" 2>&1
crashes=$(( $(ls "$art" | wc -l) - n_art ))
printf 'fuzz_%s: %s executions in %ss (%s/s), corpus %s -> %s, minimised %s, %s new reproducer(s)%s\n' \
	"$t" "$execs" "$wall" "$(( execs / (wall > 0 ? wall : 1) ))" "$before" "$after" \
	"$(ls "$min" | wc -l)" "$crashes" "$( [ "$crashes" -gt 0 ] && echo " in $art/")"
[ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || exit 2
