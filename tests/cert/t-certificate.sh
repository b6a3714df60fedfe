#!/bin/sh
# SPDX-License-Identifier: ISC
# Certificates: `--certificate FILE` writes what reachability and the facility
# verdicts concluded; `mirage-audit verify IMAGE CERT` re-checks it with its own
# small checker (audit/gates/verify.c), which never calls analyzers/reach.c.
#
# For every example of $EXAMPLES/LIST and both precisions:
#   - `facilities --certificate` writes one, and `verify` accepts it (exit 0);
#   - verify rejects (exit 1, one line naming the failed check) each tampered
#     copy, made by tests/cert/tamper.py (python3 edits the JSON, nothing else):
#       range     one "reachable" range removed, holding no root: the one holding
#                 caml_program (nm), else solo5_app_main's first direct callee
#                 (objdump --disassemble=solo5_app_main), else the first range
#                 without a root; an edge from the rest lands in it: not closed
#       root      the "reachable" range holding the first root removed
#       retained  the first "retained" range removed (ocaml precision, when any):
#                 an OCaml metadata table points into it
#       facility  a dead facility's first node range added to "reachable" (when
#                 no facility is dead: a reachable one with nodes certified dead)
#       sealed    a facility with nodes certified sealed (on a stripped image,
#                 an unknown one: no symbol table can show absence)
#       sha256    the certificate checked against the next example's image
#   - a truncated copy (its first half, cut with head -c) and garbage exit 2.
# Then: report, dead and drivers write certificates verify accepts; the
# certificate is the same bytes on a second run; --certificate with two images
# or with size is a usage error (exit 2); verify --help exits 0.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
TAMPER=$TOP/tests/cert/tamper.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "cert: examples built" "no $EXAMPLES/LIST (make examples)"
	exit 1
fi
images=$(awk 'NF >= 2 { print $2 }' "$EXAMPLES/LIST")
first=$(echo "$images" | head -n 1)

# expect NAME RC PATTERN CMD...: CMD exits RC; a failed check (1) or an input error (2) is one
# stderr line, and a failed check's names what failed (PATTERN). PATTERN "usage": a usage
# error, a line and a hint.
expect() {
	e_name=$1 e_rc=$2 e_pat=$3
	shift 3
	"$@" > "$TMPD/out" 2> "$TMPD/err"
	rc=$?
	if [ "$rc" -ne "$e_rc" ]; then
		fail "$e_name" "exit $rc, want $e_rc: $(head -n 1 "$TMPD/err")"
	elif [ "$e_rc" -ne 0 ] && [ "$e_pat" != usage ] && [ "$(wc -l < "$TMPD/err")" -ne 1 ]; then
		fail "$e_name" "$(wc -l < "$TMPD/err") lines on stderr, want one"
	elif [ "$e_rc" -eq 1 ] && ! grep -q "^mirage-audit: .*: verify: .*$e_pat" "$TMPD/err"; then
		fail "$e_name" "'$(cat "$TMPD/err")' does not say '$e_pat'"
	elif [ "$e_rc" -eq 0 ] && ! grep -qE \
		'^verified: [0-9]+ roots, [0-9]+ reachable ranges, [0-9]+ facilities$' "$TMPD/out"; then
		fail "$e_name" "stdout '$(head -n 1 "$TMPD/out")' is not the verified line"
	else
		pass "$e_name"
	fi
}

# next_image REL: the example after REL in the LIST, the first after the last.
next_image() {
	ni_seen= ni_next=
	for ni in $images; do
		[ -n "$ni_seen" ] && { ni_next=$ni; break; }
		[ "$ni" = "$1" ] && ni_seen=1
	done
	echo "${ni_next:-$first}"
}

# Candidate addresses for the range tamper: caml_program, solo5_app_main's first callee.
candidates() {
	nm "$1" 2>/dev/null | awk '$3 == "caml_program" { print $1 }'
	od=objdump
	readelf -h "$1" 2>/dev/null | grep -q 'Machine:.*AArch64' && od=aarch64-linux-gnu-objdump
	command -v "$od" > /dev/null || return 0
	"$od" -d --disassemble=solo5_app_main "$1" 2>/dev/null |
		sed -nE 's/.*[[:space:]](call|callq|bl)[[:space:]]+([0-9a-f]+) <.*/\2/p' | head -n 1
}

for rel in $images; do
	img=$EXAMPLES/$rel
	name=$(basename "$rel")
	other=$EXAMPLES/$(next_image "$rel")
	for p in ocaml conservative; do
		c=$TMPD/$name.$p.cert
		t="cert: $name $p"
		ma facilities --precision "$p" --certificate "$c" "$img" > /dev/null 2> "$TMPD/err"
		rc=$?
		if [ "$rc" -ne 0 ] || ! [ -s "$c" ]; then
			fail "$t: facilities --certificate writes it" "exit $rc: $(head -n 1 "$TMPD/err")"
			continue
		fi
		pass "$t: facilities --certificate writes it"
		expect "$t: verify accepts the genuine certificate" 0 "" ma verify "$img" "$c"
		# shellcheck disable=SC2046 # one hex address per word
		for mode in range root retained facility sealed; do
			how=$(python3 "$TAMPER" "$mode" "$c" "$TMPD/bad.json" \
				$( [ "$mode" = range ] && candidates "$img"))
			case $? in
			0) ;;
			3)
				# Retained ranges come from OCaml module blocks under ocaml
				# precision: with conservative precision, or no OCaml in nm
				# (C, stripped), none is claimed: nothing to test, no skip.
				if [ "$mode" = retained ] && { [ "$p" = conservative ] ||
					! nm "$img" 2> /dev/null | grep -q ' caml_program$'; }; then
					echo "# $t: no retained range claimed (conservative, or no OCaml in nm)"
				else
					skip "$t: $mode: nothing to tamper with"
				fi
				continue ;;
			*) fail "$t: tamper $mode"; continue ;;
			esac
			case $mode in
			range) pat="leaves the reachable set" ;;
			root) pat="root 0x" ;;
			retained) pat="leaves the reachable and retained set" ;;
			facility) pat="facility '.*' is certified dead" ;;
			sealed) pat="facility '.*' is certified sealed" ;;
			esac
			expect "$t: verify rejects a copy: $how" 1 "$pat" ma verify "$img" "$TMPD/bad.json"
		done
		if [ "$other" != "$img" ]; then
			expect "$t: verify rejects it against $(basename "$other")" 1 "sha256" \
				ma verify "$other" "$c"
		fi
		head -c $(($(wc -c < "$c") / 2)) "$c" > "$TMPD/trunc.json"
		expect "$t: a truncated certificate exits 2" 2 "" ma verify "$img" "$TMPD/trunc.json"
	done
done

img=$EXAMPLES/$first
echo 'certificate, not' > "$TMPD/garbage.json"
expect "cert: a garbage certificate exits 2" 2 "" ma verify "$img" "$TMPD/garbage.json"
expect "cert: a missing certificate exits 2" 2 "" ma verify "$img" "$TMPD/nonexistent.json"
expect "cert: a missing image exits 2" 2 "" ma verify "$TMPD/nonexistent" \
	"$TMPD/$(basename "$first").ocaml.cert"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); del d["roots"]; json.dump(d, open(sys.argv[2], "w"))' \
	"$TMPD/$(basename "$first").ocaml.cert" "$TMPD/noroots.json"
expect "cert: a certificate without roots exits 2" 2 "" ma verify "$img" "$TMPD/noroots.json"
for cmd in report dead drivers; do
	ma "$cmd" --certificate "$TMPD/$cmd.cert" "$img" > /dev/null 2>&1
	rc=$?
	check "cert: $cmd --certificate exits 0" [ "$rc" -eq 0 ]
	expect "cert: verify accepts the certificate of $cmd" 0 "" ma verify "$img" "$TMPD/$cmd.cert"
done
ma facilities --certificate "$TMPD/again.cert" "$img" > /dev/null 2>&1
check "cert: a second run writes the same bytes" cmp -s "$TMPD/again.cert" \
	"$TMPD/$(basename "$first").ocaml.cert"
check "cert: no temporary file is left beside it" \
	[ -z "$(find "$TMPD" -name '*.cert.tmp*')" ]
expect "cert: --certificate with two images exits 2" 2 usage \
	ma facilities --certificate "$TMPD/two.cert" "$img" "$img"
check "cert: nothing is written for two images" [ ! -e "$TMPD/two.cert" ]
expect "cert: size --certificate exits 2" 2 usage ma size --certificate "$TMPD/size.cert" "$img"
ma verify --help > "$TMPD/help" 2>&1
rc=$?
check "cert: verify --help exits 0 and prints the usage" \
	[ "$rc" -eq 0 -a "$(head -c 26 "$TMPD/help")" = "usage: mirage-audit verify" ]
expect "cert: verify with one operand exits 2" 2 usage ma verify "$img"
