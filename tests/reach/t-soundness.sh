#!/bin/sh
# SPDX-License-Identifier: ISC
# Reachability against independent truth: what really executed, and what the
# examples seed as dead.
#
# 1. Soundness. Each runnable example (LIST column 3 = yes) runs once, exactly as
#    its truth.txt "run" line says, under valgrind --tool=callgrind --dump-instr=yes
#    (run tender: build/examples/tender maps the image from its file, anonymously
#    for valgrind, so the trace has raw addresses under object '???'; run direct: the
#    image is the executable). Every instruction address of the image's executable
#    PT_LOAD segments in the trace maps to a function through nm -S; no such
#    function may be in mirage-audit's dead_functions, in either precision mode.
#    The run must print the example's known line, and the trace must contain
#    solo5_app_main, so the run and the mapping are real.
# 2. Seeded dead code: truth.txt's dead-function, dead-c-function and dead-module
#    items must be dead in ocaml mode with nm -S's sizes (conservative mode: SKIP
#    when not found, since only ocaml mode is required to find them).
# A stripped example (no .symtab) takes its names from the LIST image with the same
# build ID that has symbols, after checking the two share a layout.
# The comparisons are in soundness.py; this script runs the tool (VALGRIND=1 wraps
# the ocaml-mode runs; the conservative ones run plain, for time).
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

HERE=$TOP/tests/reach

need_examples "reach soundness" || exit 1
need python3 readelf nm objdump valgrind || exit 1

. tests/reach/lib.sh

# run_traced NAME IMAGE: trace (tests/reach/lib.sh), as a check.
run_traced() {
	if ! trace "$1" "$2"; then
		fail "reach $1: callgrind run" "exit $tr_rc, no trace: $(head -n 2 "$TMPD/err.$1" 2>/dev/null)"
		return 1
	fi
	[ "$tr_rc" -eq 0 ] || echo "# $1: the traced run exited $tr_rc"
	return 0
}

# dead_json MODE IMAGE: the tool's dead code as JSON. Under VALGRIND=1 only the
# default mode runs in memcheck, which keeps the script near 90 s (a run on an
# OCaml image takes ~12 s there).
dead_json() {
	if [ "${VALGRIND:-}" = 1 ] && [ "$1" = conservative ]; then
		"$MA" dead --precision "$1" -f json "$2"
	else
		ma dead --precision "$1" -f json "$2"
	fi
}

while read -r name image runnable; do
	case $name in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	truth=$TOP/examples/$name/truth.txt
	if ! [ -f "$img" ] || ! [ -f "$truth" ]; then
		fail "reach $name: inputs" "$img or $truth missing"
		continue
	fi
	set --
	if ! has_symtab "$img"; then
		if tw=$(twin "$img"); then
			set -- --names-from "$tw"
		else
			fail "reach $name: names" "stripped, and no LIST image shares its build ID"
			continue
		fi
	fi
	if [ "$runnable" = yes ] && run_traced "$name" "$img"; then
		set -- "$@" --trace "$TMPD/cg.$name" --run-out "$TMPD/out.$name"
	fi
	for mode in conservative ocaml; do
		if dead_json "$mode" "$img" < /dev/null > "$TMPD/dead.$mode.$name" \
		    2> "$TMPD/dead.$mode.$name.err"; then
			set -- "$@" --dead "$mode=$TMPD/dead.$mode.$name"
		else
			fail "reach $name $mode: mirage-audit dead" \
				"exit $?: $(head -n 1 "$TMPD/dead.$mode.$name.err")"
		fi
	done
	python3 "$HERE/soundness.py" "$name" "$img" "$truth" "$@" < /dev/null ||
		fail "reach $name: soundness.py" "exit $?"
done < "$EXAMPLES/LIST"
exit 0
