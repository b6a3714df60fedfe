#!/bin/sh
# SPDX-License-Identifier: ISC
# The text inputs besides the image (--rules, --catalogue, --budget, a saved
# report on either side of diff or as --baseline, a certificate for verify) go
# through one bounded reader (audit/core/readfile.c). Each is given a directory,
# a FIFO with no writer, a file one byte over its limit (16 MiB for hand-written
# inputs, of spaces; 256 MiB for reports and certificates, sparse, made with
# truncate; docs/architecture.md) and a file with a NUL byte. Each must exit
# 2 within 20 seconds (a FIFO must not be waited on), print nothing on stdout and
# one stderr line naming the file and the problem that test(1) and stat(1) see.
. tests/lib.sh
IMG=$EXAMPLES/solo5-hello/solo5-hello.spt
D=$TMPD/in
mkdir -p "$D/dir"
mkfifo "$D/fifo" || { fail "inputs: mkfifo"; exit 1; }
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\000' ' ' > "$D/over16"
truncate -s $((256 * 1024 * 1024 + 1)) "$D/over256"
printf 'symbol exact x\0y lib\n' > "$D/nul"
NUL_AT=$(printf 'symbol exact x' | wc -c)
printf '{"schema": "mirage-audit/budget", "schema_version": 1}\n' > "$D/budget.json"
ma facilities --certificate "$D/cert.json" "$IMG" > /dev/null 2>&1

# refused NAME FILE REASON-REGEX ARGS...: exit 2, no stdout, one stderr line naming FILE
refused() {
	name=$1 file=$2 re=$3
	shift 3
	timeout 20 "$MA" "$@" > "$TMPD/o" 2> "$TMPD/e"
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$TMPD/o" ] && [ "$(wc -l < "$TMPD/e")" -eq 1 ] &&
	   grep -qF "$file" "$TMPD/e" && grep -qE "$re" "$TMPD/e"; then
		pass "inputs: $name"
	else
		fail "inputs: $name" "exit $rc (124: it hung), stderr: $(head -n 2 "$TMPD/e")"
	fi
}
# What the files are, by test(1) and stat(1), not by the tool.
if [ -d "$D/dir" ] && [ -p "$D/fifo" ] && [ "$(stat -c %s "$D/over16")" -eq 16777217 ] &&
   [ "$(stat -c %s "$D/over256")" -eq 268435457 ] &&
   [ "$(tr -d '\000' < "$D/nul" | wc -c)" -lt "$(stat -c %s "$D/nul")" ]; then
	pass "inputs: the fixtures are a directory, a FIFO, 16 MiB + 1, 256 MiB + 1 and a NUL byte"
else
	fail "inputs: the fixtures"
fi
[ -s "$D/cert.json" ] || fail "inputs: a certificate to start from" "facilities --certificate wrote none"

# why KIND: what the one stderr line must say about that fixture
why() {
	case $1 in
	dir) echo 'is a directory$' ;;
	fifo) echo 'not a regular file$' ;;
	over16) echo 'larger than 16 MiB$' ;;
	over256) echo 'larger than 256 MiB$' ;;
	nul) echo "NUL byte at offset $NUL_AT\$" ;;
	esac
}
for kind in dir fifo over16 nul; do
	f=$D/$kind
	refused "--rules $kind" "$f" "$(why $kind)" --rules "$f" "$IMG"
	refused "--catalogue $kind" "$f" "$(why $kind)" --catalogue "$f" "$IMG"
	refused "check --budget $kind" "$f" "$(why $kind)" check --budget "$f" "$IMG"
done
# Saved reports and certificates: the 16 MiB file is not over their limit (it is
# read, and refused as not JSON); 256 MiB + 1 is.
for kind in dir fifo over256 nul; do
	f=$D/$kind
	refused "diff OLD: a saved report, $kind" "$f" "$(why $kind)" diff "$f" "$IMG"
	refused "diff NEW: a saved report, $kind" "$f" "$(why $kind)" diff "$IMG" "$f"
	refused "check --baseline: a saved report, $kind" "$f" "$(why $kind)" \
		check --budget "$D/budget.json" --baseline "$f" "$IMG"
	refused "verify: a certificate, $kind" "$f" "$(why $kind)" verify "$IMG" "$f"
done
refused "diff: a 16 MiB + 1 report is read and is not JSON" "$D/over16" 'not a JSON report' \
	diff "$D/over16" "$IMG"
