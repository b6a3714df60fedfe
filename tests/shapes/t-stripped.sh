#!/bin/sh
# SPDX-License-Identifier: ISC
# Stripped OCaml images (issue 10, finding 6): without caml<U>__code_begin symbols the
# OCaml runtime is recognised from its strings, its allocation code and its tables, and
# the units are recovered from caml_code_segments, caml_data_segments and
# caml_globals_map (docs/attribution.md, "Stripped images").
#
# Fixtures: a two-module OCaml program built here with ocamlopt (static, so that no
# .dynsym keeps the markers), stripped with strip(1); copies of it with the globals map
# or the code segment table broken by dd; the example ocaml-net.stripped.spt; a stripped
# copy of solo5-hello (C, no OCaml) and of the tool itself (C that quotes the runtime's
# strings). Truth: nm of the unstripped twin (caml<U>__code_begin/end, data_begin/end,
# caml_code_segments, caml_data_segments, caml_globals_map), never the tool's output.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

J=$TMPD/j.json
eq() {	# eq NAME GOT WANT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
json() { python3 -c "import json,sys; d=json.load(open('$J')); print($1)"; }

# nm_units UNSTRIPPED: "name code_lo code_hi data_lo data_hi" per unit, sorted, from the
# marker symbols; caml_system and caml_hot are the runtime's assembly and the hot-code
# marker, which caml_code_segments does not list (ocamlopt's startup file).
nm_units() {
	nm "$1" | python3 -c '
import re, sys
u = {}
for l in sys.stdin:
    p = l.split()
    if len(p) != 3:
        continue
    m = re.match(r"caml(.+?)__(code_begin|code_end|data_begin|data_end)$", p[2])
    if m and m.group(1) not in ("_system", "_hot"):
        u.setdefault(m.group(1), {})[m.group(2)] = int(p[0], 16)
for n in sorted(u):
    r = u[n]
    print(n, *["%#x" % r.get(k, 0) for k in ("code_begin", "code_end", "data_begin", "data_end")])
'
}
# tool_units: the same rows from the report in $J.
tool_units() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["ocaml"]
for u in sorted(d["units"], key=lambda u: u["name"]):
    c, t = u["code"] or {}, u["data"] or {}
    print(u["name"], *["%#x" % int(x.get(k, "0x0"), 16) for x in (c, t) for k in ("lo", "hi")])
' "$J"
}
# tool_segments: code_segments of the report in $J as "lo hi" rows, sorted.
tool_segments() {
	python3 -c '
import json, sys
for s in sorted(json.load(open(sys.argv[1]))["ocaml"]["code_segments"], key=lambda s: int(s["lo"], 16)):
    print("%#x %#x" % (int(s["lo"], 16), int(s["hi"], 16)))
' "$J"
}
# nm_addr IMAGE SYMBOL: its address as 0x..., lowercase, no leading zeros.
nm_addr() { nm "$1" | awk -v s="$2" '$3 == s { print $1 }' | python3 -c 'import sys; print(hex(int(sys.stdin.read(), 16)))'; }
# evidence_has SUBSTRING: a runtime_evidence line of $J holds it.
evidence_has() { python3 -c "import json,sys; sys.exit(not any(sys.argv[1] in e for e in json.load(open('$J'))['ocaml']['runtime_evidence']))" "$1"; }
# file_off IMAGE VADDR: the file offset of a virtual address (readelf -S, the section holding it).
file_off() {
	readelf -SW "$1" | python3 -c '
import re, sys
v = int(sys.argv[1], 16)
for l in sys.stdin:
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", l)
    if m and m.group(2) != "NOBITS":
        a, o, s = int(m.group(3), 16), int(m.group(4), 16), int(m.group(5), 16)
        if a <= v < a + s:
            print(o + v - a)
            break
' "$2"
}
# stripped_checks NAME STRIPPED UNSTRIPPED: every unit, range and table address against nm.
stripped_checks() {
	n=$1
	if ! ma -f json "$2" > $J; then
		fail "$n: report" "exit $?"
		return
	fi
	eq "$n: OCaml present" "$(json "d['ocaml']['present']")" True
	eq "$n: stripped" "$(json "d['ocaml']['stripped']")" True
	eq "$n: units from the runtime tables" "$(json "d['ocaml']['units_from']")" "runtime tables"
	nm_units "$3" > $TMPD/want.units
	tool_units > $TMPD/got.units
	if diff -u $TMPD/want.units $TMPD/got.units > $TMPD/d.units; then
		pass "$n: units, code and data ranges = nm of the unstripped image ($(wc -l < $TMPD/want.units))"
	else
		fail "$n: units, code and data ranges = nm of the unstripped image" "$(head -20 $TMPD/d.units)"
	fi
	awk '{ print $2, $3 }' $TMPD/want.units | sort > $TMPD/want.segs
	tool_segments > $TMPD/got.segs
	check "$n: code segments = the units' code ranges of nm" cmp -s $TMPD/want.segs $TMPD/got.segs
	for t in caml_code_segments caml_data_segments caml_globals_map; do
		check "$n: evidence names $t at nm's address" evidence_has "at $(nm_addr "$3" $t) "
	done
	ma "$2" > $TMPD/t.txt
	check "$n: text says the runtime is present" grep -q "^ocaml     OCaml runtime present (stripped" $TMPD/t.txt
	check "$n: text no longer says no OCaml" eval "! grep -q 'no OCaml native code found' $TMPD/t.txt"
	check "$n: text lists the evidence" test "$(grep -c '^          - ' $TMPD/t.txt)" -ge 4
}

# 1. A program built here: two units of its own and the part of the stdlib they use.
if command -v ocamlopt > /dev/null 2>&1; then
	mkdir -p $TMPD/oc
	printf 'let greet n = Printf.printf "hello %%s\\n" n\n' > $TMPD/oc/a.ml
	printf 'let () = A.greet (String.concat "," (List.map string_of_int [1; 2; 3]))\n' > $TMPD/oc/b.ml
	if (cd $TMPD/oc && ocamlopt -ccopt -static -o prog a.ml b.ml) > $TMPD/oc/log 2>&1 &&
	   strip -o $TMPD/oc/prog.s $TMPD/oc/prog; then
		pass "ocamlopt fixture: built and stripped"
		check "ocamlopt fixture: no symbols left (readelf -s)" eval \
			"! readelf -sW $TMPD/oc/prog.s | grep -q '__code_begin'"
		stripped_checks "ocamlopt fixture" $TMPD/oc/prog.s $TMPD/oc/prog
		# The unstripped original keeps the symbol path.
		ma -f json $TMPD/oc/prog > $J
		eq "ocamlopt fixture unstripped: units from symbols" "$(json "d['ocaml']['units_from']")" symbols
		eq "ocamlopt fixture unstripped: not stripped" "$(json "d['ocaml']['stripped']")" False
		eq "ocamlopt fixture unstripped: no code segments by shape" \
			"$(json "len(d['ocaml']['code_segments'])")" 0

		# 2. caml_globals_map broken (its marshal magic overwritten): present, the code
		# segments are still found, the units stay anonymous and the note says why.
		cp $TMPD/oc/prog.s $TMPD/oc/nomap
		off=$(file_off $TMPD/oc/prog "$(nm_addr $TMPD/oc/prog caml_globals_map)")
		printf 'XXXX' | dd of=$TMPD/oc/nomap bs=1 seek="$off" conv=notrunc 2> /dev/null
		ma -f json $TMPD/oc/nomap > $J
		eq "no globals map: present" "$(json "d['ocaml']['present']")" True
		eq "no globals map: no units named" "$(json "d['ocaml']['n_units']")" 0
		eq "no globals map: code segments = nm's units" "$(json "len(d['ocaml']['code_segments'])")" \
			"$(wc -l < $TMPD/want.units)"
		check "no globals map: the note says what was lost" eval \
			"ma $TMPD/oc/nomap | grep -q 'caml_globals_map was not found or not read'"
		check "no globals map: text counts the segments" eval \
			"ma $TMPD/oc/nomap | grep -q 'code segments found, units could not be named'"

		# 3. The code segment table's terminator overwritten: no table; present still.
		cp $TMPD/oc/prog.s $TMPD/oc/notab
		cs=$(nm_addr $TMPD/oc/prog caml_code_segments)
		end=$(python3 -c "print(hex($cs + 16 * $(wc -l < $TMPD/want.units)))")
		off=$(file_off $TMPD/oc/prog "$end")
		printf '\377\377\377\377\377\377\377\377' | dd of=$TMPD/oc/notab bs=1 seek="$off" \
			conv=notrunc 2> /dev/null
		ma -f json $TMPD/oc/notab > $J
		eq "no code table: present" "$(json "d['ocaml']['present']")" True
		eq "no code table: no segments" "$(json "len(d['ocaml']['code_segments'])")" 0
		eq "no code table: no units" "$(json "d['ocaml']['n_units']")" 0
		check "no code table: the note says what was lost" eval \
			"ma $TMPD/oc/notab | grep -q 'caml_code_segments was not found by its shape'"
	else
		fail "ocamlopt fixture: built and stripped" "$(tail -3 $TMPD/oc/log)"
	fi
else
	fail "ocamlopt fixture" "ocamlopt not installed (make setup)"
fi

# 4. The example: strip(1) of ocaml-net, against ocaml-net's own symbols.
S=$EXAMPLES/ocaml-net-stripped/ocaml-net.stripped.spt
U=$EXAMPLES/ocaml-net/ocaml-net.spt
if [ -f "$S" ] && [ -f "$U" ]; then
	stripped_checks "ocaml-net.stripped" "$S" "$U"
	# Every __code_begin of nm but the runtime's own two (caml_system, caml_hot).
	ma -f json "$S" > $J
	eq "ocaml-net.stripped: unit count = nm's __code_begin symbols less caml_system, caml_hot" \
		"$(json "d['ocaml']['n_units']")" \
		"$(nm "$U" | grep '__code_begin$' | grep -cv ' caml_\(system\|hot\)__code_begin$')"
	# Facilities stay unknown where symbols would be needed: never sealed.
	check "ocaml-net.stripped: no facility sealed" eval \
		"! ma facilities -f json '$S' | grep -q '\"verdict\": \"sealed\"'"
else
	fail "ocaml-net.stripped" "missing example images (make examples)"
fi

# 5. No OCaml: solo5-hello, a stripped copy of it, and a stripped copy of this tool, whose
# C strings quote the runtime's ("OCAMLRUNPARAM", the exception names) but not as OCaml lays
# them out.
H=$EXAMPLES/solo5-hello/solo5-hello.spt
strip -o $TMPD/hello.s "$H"
cp "$MA" $TMPD/ma && strip $TMPD/ma
check "tool copy quotes OCAMLRUNPARAM (the test bites)" grep -q OCAMLRUNPARAM $TMPD/ma
for f in "$H" $TMPD/hello.s $TMPD/ma; do
	n=$(basename "$f")
	ma -f json "$f" > $J
	eq "$n: no OCaml" "$(json "d['ocaml']['present']")" False
	eq "$n: not called stripped OCaml" "$(json "d['ocaml']['stripped']")" False
	eq "$n: no runtime evidence" "$(json "len(d['ocaml']['runtime_evidence'])")" 0
	check "$n: text says no OCaml" eval "ma '$f' | grep -q '^ocaml     no OCaml native code found'"
done
