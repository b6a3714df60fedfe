#!/bin/sh
# SPDX-License-Identifier: ISC
# `mirage-audit facilities` and `drivers` against truth found without the tool:
# the catalogue (analyzers/facilities.catalogue) parsed by facheck.py, symbols
# and sizes from nm -S, OCaml units from their code/data markers, the ELF
# headers from the file, and the examples' truth.txt.
#
# (a) ocaml-net: block-device sealed; ocaml-full: block-device reachable, with a
#     witness chain from a root to a node of the Block unit (facheck.py checks
#     every reachable facility's witness the same way).
# (b) The manifest cross-check: each "finding RULE FACILITY" line of a truth.txt
#     (ocaml-declared: MA-DRV-001 block-device) is reported by facilities and
#     drivers, with its rule's premise, and drivers exits 0: findings are not gates.
#     On target xen (an empty manifest), no MA-DRV finding at all.
# (c) Each "dead-facility F SYM..." line (solo5-seeded): F is dead and its bytes
#     are the nm -S sizes of SYM..., which are all of F the image holds.
# (d) Every facility on every image: sealed exactly when nm shows no unit and no
#     symbol its patterns match; per facility, a positive and a negative case
#     (one side only: SKIP; neither: FAIL). A facility present by C symbols only
#     has the bytes their nm -S extents cover.
# (e) Policies: --forbid exits 1 with the witness in the finding, --require-sealed
#     exits 0 or 1, an unknown facility exits 2, --catalogue adds a facility.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
HERE=$TOP/tests/facilities
CAT=$TOP/analyzers/facilities.catalogue

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "facilities: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 nm || exit 1

# tool KEY ARGS...: run the tool; sets $rc. Under VALGRIND=1 only the first run
# of each KEY goes through valgrind (ma): an OCaml image takes seconds there.
vg_keys=
tool() {
	tool_key=$1
	shift
	case " $vg_keys " in
	*" $tool_key "*) "$MA" "$@" < /dev/null ;;
	*)
		vg_keys="$vg_keys $tool_key"
		ma "$@" < /dev/null ;;
	esac
	rc=$?
}

# image NAME: the LIST image of example NAME (absolute).
image() {
	awk -v n="$1" '$1 == n { print $2 }' "$EXAMPLES/LIST" | sed "s|^|$EXAMPLES/|"
}

# jq-like: py FILE EXPR prints the python expression EXPR over the JSON d.
py() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
fac = {f["name"]: f for f in d.get("facilities", d.get("drivers", []))}
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

mkdir -p "$TMPD/json"
while read -r ex img _; do
	case $ex in '' | '#'*) continue ;; esac
	out=$TMPD/json/$ex.json
	tool facilities facilities -f json "$EXAMPLES/$img" > "$out" 2> "$TMPD/err"
	check "facilities $ex: exit 0, one JSON document" \
		sh -c "[ $rc -eq 0 ] && python3 -m json.tool '$out' >/dev/null && ! [ -s '$TMPD/err' ]"
done < "$EXAMPLES/LIST"

# (a) block-device on ocaml-net and ocaml-full.
onet=$TMPD/json/ocaml-net.json
ofull=$TMPD/json/ocaml-full.json
check "ocaml-net: block-device sealed, no bytes, no units" test \
	"$(py "$onet" '(fac["block-device"]["verdict"], fac["block-device"]["bytes"],
		fac["block-device"]["units"], fac["block-device"]["witness"])')" = "('sealed', 0, [], [])"
check "ocaml-full: block-device reachable, unit Block" test \
	"$(py "$ofull" '(fac["block-device"]["verdict"], "Block" in fac["block-device"]["units"])')" = \
	"('reachable', True)"
# The chain's last node lies in camlBlock__code_begin..code_end or data_begin..data_end.
last=$(py "$ofull" 'int(fac["block-device"]["witness"][-1]["address"], 16)')
first=$(py "$ofull" 'fac["block-device"]["witness"][0]["name"]')
marks='s/^\([0-9a-f]*\) . camlBlock__\(code\|data\)_\(begin\|end\)$/\2_\3 \1/p'
nm "$(image ocaml-full)" | sed -n "$marks" > "$TMPD/block.marks"
check "ocaml-full: block-device witness ends in the Block unit (nm markers)" python3 -c '
import sys
m = {k: int(v, 16) for k, v in (l.split() for l in open(sys.argv[1]))}
a = int(sys.argv[2])
sys.exit(not (m["code_begin"] <= a < m["code_end"] or m["data_begin"] <= a < m["data_end"]))' \
	"$TMPD/block.marks" "$last"
check "ocaml-full: block-device witness starts at a root ($first)" sh -c "
	case '$first' in solo5_app_main | _start) exit 0 ;; *) exit 1 ;; esac"

# (c), (d) and every witness: facheck.py.
python3 "$HERE/facheck.py" verdicts "$CAT" "$EXAMPLES" "$TOP/examples" "$TMPD/json" ||
	fail "facilities: facheck.py verdicts" "exit $?"

# (b) findings: truth.txt "finding" lines; drivers exits 0 whatever it finds.
while read -r ex img _; do
	truth=$TOP/examples/$ex/truth.txt
	[ -f "$truth" ] && grep -q '^finding ' "$truth" || continue
	drv=$TMPD/json/$ex.drivers.json
	tool drivers drivers -f json "$EXAMPLES/$img" > "$drv" 2> "$TMPD/err"
	check "drivers $ex: exit 0 with findings (not a gate)" test "$rc" -eq 0
	tool drivers-text drivers "$EXAMPLES/$img" > "$TMPD/drivers.txt" 2> "$TMPD/err"
	for rule in $(sed -n 's/^finding \(MA-DRV-[0-9]*\) .*/\1/p' "$truth"); do
		check "drivers $ex: text exits 0 and shows $rule" \
			sh -c "[ $rc -eq 0 ] && grep -q '$rule' '$TMPD/drivers.txt'"
	done
	python3 "$HERE/facheck.py" findings "$CAT" "$ex" "$truth" "$TMPD/json/$ex.json" "$drv" ||
		fail "drivers $ex: facheck.py findings" "exit $?"
done < "$EXAMPLES/LIST"

# Xen images carry an empty manifest (devices come from Xenstore at run time):
# docs/facilities.md says their drivers get no manifest cross-check.
while read -r ex img _; do
	grep -qx 'target xen' "$TOP/examples/$ex/truth.txt" 2>/dev/null || continue
	tool drivers drivers -f json "$EXAMPLES/$img" > "$TMPD/xen.json" 2> "$TMPD/err"
	got=$(py "$TMPD/xen.json" '" ".join(sorted(f["rule"] + ":" + f["facility"]
		for f in d["findings"] if f["rule"].startswith("MA-DRV")))')
	check "drivers $ex: target xen, no MA-DRV finding${got:+ (got $got)}" \
		sh -c "[ $rc -eq 0 ] && [ -z '$got' ]"
done < "$EXAMPLES/LIST"

# (e) policies.
net=$(image ocaml-net)
full=$(image ocaml-full)
seeded=$(image solo5-seeded)
tool forbid facilities -f json --forbid dynamic-loading "$net" > "$TMPD/forbid.json" 2> "$TMPD/err"
check "--forbid dynamic-loading ocaml-net: exit 1" test "$rc" -eq 1
check "--forbid dynamic-loading ocaml-net: MA-POL-001 error with the facility's witness" test \
	"$(py "$TMPD/forbid.json" '[(f["severity"], len(f["witness"]) > 0 and
		f["witness"] == fac["dynamic-loading"]["witness"]) for f in d["findings"]
		if f["rule"] == "MA-POL-001" and f["facility"] == "dynamic-loading"]')" = \
	"[('error', True)]"
tool forbid-text facilities --forbid dynamic-loading "$net" > "$TMPD/forbid.txt" 2> "$TMPD/err"
wlast=$(py "$TMPD/forbid.json" 'fac["dynamic-loading"]["witness"][-1]["name"]')
check "--forbid dynamic-loading ocaml-net (text): exit 1, the finding shows its chain" sh -c "
	[ $rc -eq 1 ] && grep -A1 'MA-POL-001' '$TMPD/forbid.txt' | grep -q 'via .*-> $wlast\$'"
tool forbid facilities --forbid dynamic-loading "$seeded" > "$TMPD/out" 2> "$TMPD/err"
check "--forbid dynamic-loading solo5-seeded (linked, dead): exit 0" sh -c \
	"[ $rc -eq 0 ] && ! grep -q MA-POL-001 '$TMPD/out'"
tool sealed facilities --require-sealed block-device "$net" > "$TMPD/out" 2> "$TMPD/err"
check "--require-sealed block-device ocaml-net: exit 0" sh -c \
	"[ $rc -eq 0 ] && ! grep -q MA-POL-002 '$TMPD/out'"
tool sealed facilities --require-sealed block-device "$full" > "$TMPD/out" 2> "$TMPD/err"
check "--require-sealed block-device ocaml-full: exit 1, MA-POL-002" sh -c \
	"[ $rc -eq 1 ] && grep -q MA-POL-002 '$TMPD/out'"
tool sealed drivers --require-sealed block-device "$seeded" > "$TMPD/out" 2> "$TMPD/err"
check "--require-sealed block-device solo5-seeded (dead is not sealed): exit 1" sh -c \
	"[ $rc -eq 1 ] && grep -q MA-POL-002 '$TMPD/out'"
for opt in --forbid --require-sealed; do
	tool unknown facilities "$opt" no-such-facility "$net" > "$TMPD/out" 2> "$TMPD/err"
	check "$opt no-such-facility: exit 2, empty stdout, one stderr line" sh -c \
		"[ $rc -eq 2 ] && ! [ -s '$TMPD/out' ] && [ \$(wc -l < '$TMPD/err') -eq 1 ] &&
		grep -q '^mirage-audit: .*no-such-facility' '$TMPD/err'"
done

# --catalogue: a user facility by unit (reachable: Unikernel runs) and one by
# symbol (dead: the seeded unused_net_checksum of common/hosted/net.c).
cat > "$TMPD/user.catalogue" <<'EOF'
# user facilities for t-facilities.sh
facility my-app service - The application's own units
match my-app unit exact Unikernel
facility my-dead service - A seeded dead C function
match my-dead symbol exact unused_net_checksum
EOF
tool catalogue facilities -f json --catalogue "$TMPD/user.catalogue" "$net" \
	> "$TMPD/user.json" 2> "$TMPD/err"
check "--catalogue: exit 0" test "$rc" -eq 0
check "--catalogue: my-app reachable, unit Unikernel, witness ends in camlUnikernel__" test \
	"$(py "$TMPD/user.json" '(fac["my-app"]["verdict"], fac["my-app"]["units"],
		fac["my-app"]["witness"][-1]["name"].startswith("camlUnikernel__"))')" = \
	"('reachable', ['Unikernel'], True)"
size=$(nm -S "$net" | awk '$4 == "unused_net_checksum" { print $2 }')
size=$((0x$size))
check "--catalogue: my-dead dead, $size bytes (nm -S)" test \
	"$(py "$TMPD/user.json" '(fac["my-dead"]["verdict"], fac["my-dead"]["dead_bytes"],
		fac["my-dead"]["bytes"])')" = "('dead', $size, $size)"
check "--catalogue: the built-in facilities are still there" test \
	"$(py "$TMPD/user.json" 'len(d["facilities"])')" -eq \
	"$(($(grep -c '^facility ' "$CAT") + 2))"
exit 0
