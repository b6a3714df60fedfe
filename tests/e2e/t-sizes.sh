#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end size accounting on every example image, against independent truth:
# stat(1) and readelf -lW for the totals, readelf -SWt for sections, readelf -lW for
# segments, nm -S with readelf -sW for symbols, readelf -hW/-nW for the header, nm for
# the OCaml unit markers. The tool's own numbers are never the expectation; they are
# only compared with each other where two outputs must agree (size tree vs report,
# CSV vs JSON). The comparisons live in truth.py; this script runs the tool, so that
# VALGRIND=1 wraps every run of it.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
TRUTH_PY=$TOP/tests/e2e/truth.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "sizes: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 readelf nm || exit 1

# run NAME OUTFILE ARGS...: the tool's stdout into OUTFILE; a FAIL line when it does not exit 0.
run() {
	r_name=$1 r_out=$2
	shift 2
	ma "$@" > "$r_out" 2> "$r_out.err"
	r_rc=$?
	if [ "$r_rc" -ne 0 ]; then
		fail "sizes $r_name: mirage-audit $*" "exit $r_rc: $(head -n 1 "$r_out.err")"
		return 1
	fi
	return 0
}

while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	truth=$TOP/examples/$name/truth.txt
	if ! [ -f "$img" ]; then
		fail "sizes $name: image" "$img missing: run 'make examples'"
		continue
	fi
	if ! [ -f "$truth" ]; then
		fail "sizes $name: truth" "$truth missing"
		continue
	fi
	d=$TMPD/$name
	mkdir -p "$d"
	ok=1
	run "$name" "$d/report.json" -f json "$img" || ok=0
	run "$name" "$d/report.csv" -f csv "$img" || ok=0
	run "$name" "$d/sections.json" size -d section -n 0 -f json "$img" || ok=0
	run "$name" "$d/nested.json" size -d component,library -n 0 -f json "$img" || ok=0
	run "$name" "$d/nested.csv" size -d component,library -n 0 -f csv "$img" || ok=0
	[ "$ok" = 1 ] && pass "sizes $name: mirage-audit runs exit 0"
	python3 "$TRUTH_PY" sizes "$name" "$img" "$truth" "$d" ||
		fail "sizes $name: truth.py" "exited with status $?"
done < "$EXAMPLES/LIST"
exit 0
