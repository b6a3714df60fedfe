#!/bin/sh
# SPDX-License-Identifier: ISC
# seal --relink against running code and independent truth (docs/seal.md, "Relinking").
#
# Every example with a build log (LIST; the stripped one aside) is relinked with
# --build build/examples/NAME; the stubs are kept (MIRAGE_AUDIT_KEEP_TEMPS) so that their
# bytes can be measured. Each relinked image X:
# - runs, when the example runs here (LIST column 3, truth.txt "run" line), and prints
#   exactly what the original prints, with the same exit status;
# - is smaller than the original by at least the stubbed objects' placed bytes (an awk
#   parse of the original's map) less the stubs' allocated bytes (size -A on the stub
#   objects): in allocated section bytes (readelf -SW, flag A); in loaded bytes (readelf
#   -lW, the PT_LOADs' MemSiz) less at most the largest section alignment (a segment
#   also holds its sections' alignment padding, and one gap may grow); and in file size
#   once the relink note's own bytes (its section, header and name) are set aside;
# - readelf -a -W warns about nothing the original does not warn about; its -f json
#   document validates against docs/seal.schema.json;
# - every symbol nm shows a stubbed object defining (ar p for a member) points at a trap
#   in X (relinkcheck.py), but what OCaml's startup needs of a unit.
# The kept ones: ocaml-net's Unused_driver, whose initialiser calls Hashtbl.create
# (objdump shows the call), is kept and named with that call, and its probe function is
# no trap in X. The stripped image and a build directory without a build log: exit 2,
# one line naming what is missing; a link that fails: exit 2, the command named.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

HERE=$TOP/tests/seal

need_examples "relink" || exit 1
need python3 readelf nm ar awk size objdump || exit 1

# placed MAP: "file addr size" (decimal) for every input section the map places in an
# output section whose address is not 0 (tests/build/placed.awk).
placed() { awk -f "$TOP/tests/build/placed.awk" "$1"; }

# alloc IMAGE: the sizes of the allocated sections (readelf -SW, flag A), summed; and
# alloc_align IMAGE: their largest alignment.
alloc() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$7 ~ /A/ && $2 != "NULL" {
		v = 0
		for (i = 1; i <= length($5); i++)
			v = v * 16 + index("0123456789abcdef", tolower(substr($5, i, 1))) - 1
		s += v } END { print s + 0 }'
}
alloc_align() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$7 ~ /A/ && $NF + 0 > m { m = $NF + 0 }
		END { print m + 0 }'
}

# loaded IMAGE: the PT_LOADs' MemSiz, summed.
loaded() {
	readelf -lW "$1" | awk '$1 == "LOAD" { s += hex($6) } END { print s + 0 }
	function hex(x,   v, i) {
		v = 0
		for (i = 3; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef", tolower(substr(x, i, 1))) - 1
		return v
	}'
}

# note_cost IMAGE: what the relink note adds to the file: its section's bytes, its
# section header (64), its name in .shstrtab, and up to 8 bytes of alignment.
note_cost() {
	readelf -SW "$1" | awk '$2 == ".note.mirage-audit.relink" {
		v = 0
		for (i = 1; i <= length($6); i++)
			v = v * 16 + index("0123456789abcdef", tolower(substr($6, i, 1))) - 1
		print v + 64 + length($2) + 1 + 8 }'
}

. "$HERE/runlib.sh"

# object_syms NAME OUT: the global symbols nm shows object NAME ("path" or
# "archive(member)", relative to the link's directory, TOP) defining.
object_syms() {
	case $1 in
	*\)) os_ar=${1%%(*} os_mem=${1#*(} os_mem=${os_mem%)}
		(cd "$TOP" && ar p "$os_ar" "$os_mem") > "$TMPD/member.o" || return 1
		os_obj=$TMPD/member.o ;;
	*) os_obj=$TOP/$1 ;;
	esac
	nm -g --defined-only "$os_obj" | awk 'NF == 3 { print $3 }' | sort -u > "$2"
}

table=$TMPD/table
: > "$table"
while read -r ex img runnable; do
	[ "$ex" = ocaml-net-stripped ] && continue
	orig=$EXAMPLES/$img x=$TMPD/$ex.x keep=$TMPD/$ex.keep
	if ! MIRAGE_AUDIT_KEEP_TEMPS=$keep "$MA" seal --relink -q -f json \
			--build "$EXAMPLES/$ex" -o "$x" "$orig" > "$TMPD/$ex.json" 2> "$TMPD/err"; then
		fail "relink $ex: seal --relink succeeds" "$(head -c 400 "$TMPD/err")"
		continue
	fi
	pass "relink $ex: seal --relink succeeds"
	check "relink $ex: -f json valid (docs/seal.schema.json)" \
		python3 "$HERE/sealcheck.py" schema "$TOP/docs/seal.schema.json" "$TMPD/$ex.json"
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for o in d["stubbed"]: print(o["object"])' "$TMPD/$ex.json" > "$TMPD/stubbed"
	map=${orig%.*}.map
	placed "$map" > "$TMPD/placed"
	want_placed=$(awk 'NR == FNR { s[$0] = 1; next } ($1 in s) { t += $3 } END { print t + 0 }' \
		"$TMPD/stubbed" "$TMPD/placed")
	stub_bytes=0 stub_pad=0
	for o in "$keep"/stub*.o; do
		[ -f "$o" ] || continue
		b=$(size -A "$o" | awk '$1 ~ /^\./ && $3 != "" && $1 != ".note.GNU-stack" &&
			$1 !~ /^\.(comment|debug|note)/ { s += $2 } END { print s + 0 }')
		stub_bytes=$((stub_bytes + b))
		# A stub's non-empty allocated section is aligned inside its output section
		# (.balign 16 for the traps): up to its alignment - 1 bytes of padding come with
		# it, a cost the original need not have had (a data-only object has no .text).
		p=$(readelf -SW "$o" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$7 ~ /A/ && $5 != "000000" &&
			$NF + 0 > 1 { s += $NF - 1 } END { print s + 0 }')
		stub_pad=$((stub_pad + p))
	done
	lb=$(loaded "$orig") lx=$(loaded "$x")
	fb=$(wc -c < "$orig") fx=$(wc -c < "$x") nc=$(note_cost "$x")
	need_min=$((want_placed - stub_bytes))
	ab=$(alloc "$orig") ax=$(alloc "$x") al=$(alloc_align "$x")
	check "relink $ex: allocated bytes $ab -> $ax, smaller by >= $want_placed - $stub_bytes - $stub_pad (stub alignment)" \
		test $((ab - ax)) -ge $((need_min - stub_pad))
	# A segment also holds the padding that aligns its sections: one gap may grow.
	check "relink $ex: loaded bytes $lb -> $lx, smaller by >= $need_min - $al (alignment)" \
		test $((lb - lx)) -ge $((need_min - al))
	check "relink $ex: file $fb -> $fx (note $nc), smaller by >= $need_min" \
		test $((fb - (fx - ${nc:-0}))) -ge "$need_min"
	warnings_o=$(readelf -a -W "$orig" 2>&1 >/dev/null | sed "s|$orig|IMAGE|g")
	warnings_x=$(readelf -a -W "$x" 2>&1 >/dev/null | sed "s|$x|IMAGE|g")
	check "relink $ex: readelf -a warns as about the original" \
		test "$warnings_o" = "$warnings_x"
	n_bad=0
	while read -r obj; do
		object_syms "$obj" "$TMPD/syms" &&
			python3 "$HERE/relinkcheck.py" traps "$orig" "$x" "$TMPD/placed" "$obj" \
				"$TMPD/syms" > "$TMPD/tr" || { n_bad=$((n_bad + 1)); cat "$TMPD/tr"; }
	done < "$TMPD/stubbed"
	check "relink $ex: the stubbed objects' symbols are traps" test "$n_bad" = 0
	if [ "$runnable" = yes ]; then
		ra_dir=$EXAMPLES/$ex
		run_as "$ex" "$orig" "$TMPD/out.orig"
		rc_o=$run_rc
		cp "$x" "$EXAMPLES/$ex/.relinked.$$" && chmod +x "$EXAMPLES/$ex/.relinked.$$"
		run_as "$ex" "$EXAMPLES/$ex/.relinked.$$" "$TMPD/out.x"
		rc_x=$run_rc
		rm -f "$EXAMPLES/$ex/.relinked.$$"
		check "relink $ex: runs and prints what the original prints (exit $rc_o)" \
			cmp -s "$TMPD/out.orig" "$TMPD/out.x"
		check "relink $ex: same exit status" test "$rc_o" = "$rc_x"
	fi
	printf '%s %s %s %s %s/%s %s/%s %s/%s\n' "$ex" "$(wc -l < "$TMPD/stubbed")" \
		"$want_placed" "$stub_bytes" "$ab" "$ax" "$lb" "$lx" "$fb" "$fx" >> "$table"
done < "$EXAMPLES/LIST"

# The kept unit: Unused_driver's initialiser calls Hashtbl.create (objdump says so).
onet=$EXAMPLES/ocaml-net/ocaml-net.spt
callee=$(objdump -d --no-show-raw-insn --disassemble=camlUnused_driver__entry "$onet" |
	awk '$2 == "call" && $4 ~ /Hashtbl__create/ { gsub(/[<>]/, "", $4); print $4; exit }')
why=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("".join(k["why"] for k in d["kept"] if k["unit"] == "Unused_driver"))' \
	"$TMPD/ocaml-net.json" 2>/dev/null)
check "relink: Unused_driver's initialiser calls ${callee:-?} (objdump)" test -n "$callee"
check "relink: Unused_driver is kept, named with its call ($why)" \
	test "$why" = "its initialiser calls $callee"
check "relink: Unused_driver's probe is no trap in the relinked image" \
	python3 "$HERE/relinkcheck.py" notrap "$TMPD/ocaml-net.x" \
	"$(nm "$onet" | awk '$3 ~ /^camlUnused_driver__probe_/ { print $3; exit }')"

# What is missing: exit 2, one line (a usage error adds the --help hint).
ma_err() {	# ma_err LABEL LINES WANT-REGEX ARGS...: exit 2, LINES lines, the first matching
	me_label=$1 me_lines=$2 me_want=$3
	shift 3
	"$MA" "$@" > /dev/null 2> "$TMPD/err"
	me_rc=$?
	check "$me_label: exit 2" test "$me_rc" = 2
	check "$me_label: $me_lines line(s) naming it" sh -c 'test "$(wc -l < "$1")" = "$3" &&
		head -n 1 "$1" | grep -q -- "$2"' - "$TMPD/err" "$me_want" "$me_lines"
}
ma_err "relink stripped" 1 "no symbol table" seal --relink -q --build "$EXAMPLES/ocaml-net" \
	-o "$TMPD/s.x" "$EXAMPLES/ocaml-net-stripped/ocaml-net.stripped.spt"
mkdir -p "$TMPD/nolog"
cp "$EXAMPLES/ocaml-net/ocaml-net.map" "$TMPD/nolog/"
ma_err "relink without a build log" 1 "no link command" seal --relink -q --build "$TMPD/nolog" \
	-o "$TMPD/n.x" "$onet"
ma_err "relink without --build" 2 "needs '--build DIR'" seal --relink -o "$TMPD/n.x" "$onet"
check "relink: nothing written when it fails" test ! -e "$TMPD/n.x"
# A link that fails: what it printed, then one line naming the command; exit 2.
mkdir -p "$TMPD/badlink"
cp "$EXAMPLES/solo5-seeded/solo5-seeded.map" "$TMPD/badlink/"
sed 's|solo5-seeded/hello\.o|solo5-seeded/no-such-object.o|' "$EXAMPLES/solo5-seeded/build.log" \
	> "$TMPD/badlink/build.log"
"$MA" seal --relink -q --build "$TMPD/badlink" -o "$TMPD/b.x" \
	"$EXAMPLES/solo5-seeded/solo5-seeded.spt" > /dev/null 2> "$TMPD/err"
check "relink, the link fails: exit 2" test $? = 2
check "relink, the link fails: the last line names the command" \
	sh -c 'tail -n 1 "$1" | grep -q "relink: .*no-such-object\.o.* exited 1"' - "$TMPD/err"
check "relink, the link fails: nothing written" test ! -e "$TMPD/b.x"

# The table for the notes: name, objects stubbed, their placed bytes, the stubs' bytes,
# allocated, loaded and file bytes before/after.
while read -r l; do echo "# relink table: $l"; done < "$table"
