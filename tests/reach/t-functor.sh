#!/bin/sh
# SPDX-License-Identifier: ISC
# Module blocks held in registers (docs/reachability.md, OCaml precision):
# a module coerced to a functor's smaller signature keeps alive only the
# fields that code reads.
#
# 1. examples/ocaml-functor (OCaml source, Debian's ocamlopt): Unikernel.Make's
#    signature names `read`; Main applies it to Store (read, write, delete,
#    never_called_compact) and calls Store.write directly. The truth is the
#    source, as truth.txt states it: dead-function-stamped and
#    live-function-stamped PREFIX name the function PREFIX_<stamp>, found with
#    nm. Dead ones must be in `dead -f json`'s dead_functions, live ones not.
# 2. tests/reach/functor-x86.S and functor-a64.S: the same coercion in the
#    shape of ocamlopt's amd64 and arm64 code (register copy, a call to
#    caml_alloc1 between the load of the block's address and the field read,
#    a field read at an absolute address). The source says fields 0 and 8 are
#    read and 16 and 24 are not: camlStore__delete_12 and camlStore__compact_13
#    are dead, read and write are not. With -DESCAPE the block's address is
#    spilled to the stack: nothing of Store may be dead (an escape).
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
HERE=$TOP/tests/reach
need python3 nm || exit 1

# dead_names IMAGE: the names in dead_functions, one a line (ocaml precision).
dead_names() {
	ma dead -f json "$1" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["dead_functions"]:
    print(f["name"])'
}

# stamped IMAGE PREFIX: the function symbol PREFIX_<digits> of nm, exactly one.
stamped() {
	nm "$1" | awk -v p="$2" '$2 ~ /^[Tt]$/ && $3 ~ ("^" p "_[0-9]+$") { print $3 }'
}

# verdicts LABEL IMAGE DEADFILE WANT PREFIX...: each PREFIX_<stamp> of nm is
# dead (WANT=dead) or not (WANT=live) in DEADFILE.
verdicts() {
	label=$1 img=$2 dl=$3 want=$4
	shift 4
	for p in "$@"; do
		s=$(stamped "$img" "$p")
		if [ "$(echo "$s" | grep -c .)" != 1 ]; then
			fail "$label: $p: one function ${p}_<stamp> in nm" "found '$s'"
			continue
		fi
		if grep -qx "$s" "$dl"; then got=dead; else got=live; fi
		if [ "$got" = "$want" ]; then
			pass "$label: $s is $want"
		else
			fail "$label: $s is $want" "mirage-audit says $got"
		fi
	done
}

# 1. The example.
img=$EXAMPLES/ocaml-functor/ocaml-functor.spt
truth=$TOP/examples/ocaml-functor/truth.txt
if [ -f "$img" ] && [ -f "$truth" ]; then
	if dead_names "$img" > "$TMPD/ex.dead"; then
		pass "ocaml-functor: dead -f json"
		verdicts ocaml-functor "$img" "$TMPD/ex.dead" dead \
			$(sed -n 's/^dead-function-stamped //p' "$truth")
		verdicts ocaml-functor "$img" "$TMPD/ex.dead" live \
			$(sed -n 's/^live-function-stamped //p' "$truth")
	else
		fail "ocaml-functor: dead -f json"
	fi
	# Conservative precision follows every edge: none of Store is dead.
	if ma dead --precision conservative -f json "$img" | python3 -c '
import json, sys
sys.exit(any(f["name"].startswith("camlStore__") for f in json.load(sys.stdin)["dead_functions"]))'
	then
		pass "ocaml-functor: conservative precision keeps all of Store"
	else
		fail "ocaml-functor: conservative precision keeps all of Store"
	fi
else
	fail "ocaml-functor: inputs" "$img or $truth missing: run 'make examples'"
fi

# 2. Assembler fixtures, x86-64 and AArch64.
fixture() {	# fixture LABEL CC SRC: build SRC both ways, check both
	label=$1 cc=$2 src=$3
	for v in PLAIN ESCAPE; do
		if ! "$cc" -D$v -c -o "$TMPD/$label.$v.o" "$src" ||
		    ! "$cc" -nostdlib -static -Wl,--build-id=none -o "$TMPD/$label.$v" \
			"$TMPD/$label.$v.o"; then
			fail "$label $v: builds"
			continue
		fi
		if ! dead_names "$TMPD/$label.$v" > "$TMPD/$label.$v.dead"; then
			fail "$label $v: dead -f json"
			continue
		fi
		if [ $v = PLAIN ]; then
			verdicts "$label" "$TMPD/$label.$v" "$TMPD/$label.$v.dead" dead \
				camlStore__delete camlStore__compact
			verdicts "$label" "$TMPD/$label.$v" "$TMPD/$label.$v.dead" live \
				camlStore__read camlStore__write
		else
			verdicts "$label escaping" "$TMPD/$label.$v" "$TMPD/$label.$v.dead" live \
				camlStore__read camlStore__write camlStore__delete camlStore__compact
		fi
	done
}
if [ "$(uname -m)" != x86_64 ]; then
	skip "reach functor x86-64 fixture: the host is $(uname -m), gcc does not build x86-64"
elif need gcc; then
	fixture functor-x86 gcc "$HERE/functor-x86.S"
fi
A64CC=${EX_A64_CC:-aarch64-linux-gnu-gcc}
if need "$A64CC"; then
	fixture functor-a64 "$A64CC" "$HERE/functor-a64.S"
fi
exit 0
