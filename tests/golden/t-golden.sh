#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden tests: the shape of the outputs people read (text tables, Markdown, the
# synopsis), compared byte for byte with `diff -u` against tests/golden/expected/, as
# pax-utils and git do. The other families check the figures against nm, readelf and
# the linker; these catch a column that moves, a header that changes, a row that
# disappears. When an output changes on purpose, refresh the files with
#     make test-golden UPDATE=1        (or UPDATE=1 sh tests/golden/t-golden.sh)
# and review their diff in the commit that changes the output.
#
# Inputs: the freestanding C examples (solo5-hello, solo5-seeded, gc-sections plain and
# --gc-sections), with their debug information stripped (objcopy --strip-debug). Every
# example builds byte-identically twice in one place (no timestamps), but the DWARF
# holds the absolute directory of the checkout, so the raw images, their sizes and
# their SHA-256 change with where the tree sits; the OCaml examples also carry a GNU
# build ID hashed over that DWARF. Stripped, the C examples are byte-identical wherever
# they are built (checked by building in two directories of different lengths); the
# OCaml ones still differ in their build ID, so they are not used. The expected files
# still follow the toolchain: another gcc gives other code, and other figures.
# The tool runs in a work directory on relative names, so no path of the checkout
# or of the temporary directory reaches the output.
#
# The synopsis: the SYNOPSIS section of docs/mirage-audit.1, rendered to plain text here
# (its macros .B .I .RB .IR .RI .BR and .br only, so no groff version in between), is a
# golden file, and must say what `mirage-audit --help` says in its usage lines; the
# usage lines of every command's --help are a golden file too.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root),
# UPDATE=1 (rewrite the expected files instead of comparing).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
G=$TOP/tests/golden
EXP=$G/expected
need objcopy readelf || exit 1

W=$TMPD/w
mkdir -p "$W" "$EXP"
for x in solo5-hello/solo5-hello.spt solo5-seeded/solo5-seeded.spt \
	gc-sections/gc-sections.plain.spt gc-sections/gc-sections.gc.spt; do
	if ! objcopy --strip-debug "$EXAMPLES/$x" "$W/${x##*/}" 2> "$TMPD/err"; then
		fail "golden: input ${x##*/}" "$(head -n 1 "$TMPD/err"); run 'make examples'"
		exit 1
	fi
	# What moves with the checkout lives in the DWARF and in a build ID hashed over it.
	check "golden: input ${x##*/}: no debug section and no build ID left" \
		sh -c "! readelf -SW '$W/${x##*/}' | grep -qE '\\.debug_|\\.note\\.gnu\\.build-id'"
done
cp "$G/budget.json" "$W/budget.json"

# golden FILE RC ARGS...: the tool's stdout for ARGS (run in $W) against expected/FILE,
# and its exit status RC.
cases=
golden() {
	g_file=$1 g_rc=$2
	shift 2
	cases="$cases $g_file"
	(cd "$W" && ma "$@") > "$TMPD/$g_file" 2> "$TMPD/err" < /dev/null
	rc=$?
	if [ "$rc" -ne "$g_rc" ]; then
		fail "golden $g_file: mirage-audit $*: exit $g_rc" "exit $rc: $(head -n 2 "$TMPD/err")"
	fi
	same "$g_file"
}

# same FILE: $TMPD/FILE against expected/FILE (or into it, with UPDATE=1).
same() {
	if [ "${UPDATE:-}" = 1 ]; then
		if cmp -s "$TMPD/$1" "$EXP/$1"; then
			pass "golden $1: unchanged"
		else
			cp "$TMPD/$1" "$EXP/$1" && pass "golden $1: updated"
		fi
	elif ! [ -f "$EXP/$1" ]; then
		fail "golden $1" "no expected file: UPDATE=1 sh tests/golden/t-golden.sh writes it"
	elif diff -u --label "expected/$1" --label "got/$1" "$EXP/$1" "$TMPD/$1" > "$TMPD/diff"; then
		pass "golden $1"
	else
		head -n 60 "$TMPD/diff"
		fail "golden $1" "differs from tests/golden/expected/$1 (diff -u above)"
	fi
}

# ---- text tables ---------------------------------------------------------------------
golden report.solo5-hello.txt 0 solo5-hello.spt
golden size.solo5-hello.txt 0 size -d segment,section,module -n 4 solo5-hello.spt
golden size.solo5-seeded.txt 0 size -d component,library,symbol -n 3 --sort vm solo5-seeded.spt
golden dead.solo5-seeded.txt 0 dead -n 5 solo5-seeded.spt
golden facilities.solo5-seeded.txt 0 facilities solo5-seeded.spt
golden diff.gc-sections.txt 0 diff -n 3 gc-sections.plain.spt gc-sections.gc.spt
golden check.gc-sections.txt 1 check --budget budget.json --baseline gc-sections.plain.spt -n 3 \
	gc-sections.gc.spt

# ---- Markdown --------------------------------------------------------------------------
golden diff.gc-sections.md 0 diff -f md -n 3 gc-sections.plain.spt gc-sections.gc.spt
golden check.gc-sections.md 1 check -f md --budget budget.json --baseline gc-sections.plain.spt \
	-n 3 gc-sections.gc.spt

# ---- the synopsis ----------------------------------------------------------------------
# The man page's SYNOPSIS as text: each macro line is one word, its arguments joined
# without spaces for the alternating macros (.RB [ \-o -> "[-o"), with spaces for .B/.I;
# .br ends a line.
awk '
/^\.SH/ { on = ($2 == "SYNOPSIS"); next }
!on { next }
/^\.br/ { print line; line = ""; next }
{
	w = $0
	if (w ~ /^\.(RB|RI|BR|BI|IB|IR) /) { sub(/^\.[A-Z][A-Z] /, "", w); gsub(/ /, "", w) }
	else sub(/^\.[BI] /, "", w)
	gsub(/\\-/, "-", w); gsub(/"/, "", w)
	line = line == "" ? w : line " " w
}
END { if (line != "") print line }
' "$TOP/docs/mirage-audit.1" > "$TMPD/synopsis.txt"
cases="$cases synopsis.txt"
same synopsis.txt
ma --help > "$TMPD/help" 2>&1 < /dev/null
sed -n '1,/^$/p' "$TMPD/help" | sed 's/^usage: //; s/^ *//; /^$/d' | tr -s ' ' > "$TMPD/help-usage"
if cmp -s "$TMPD/synopsis.txt" "$TMPD/help-usage"; then
	pass "golden: the man page's SYNOPSIS says what --help's usage lines say"
else
	diff -u --label "SYNOPSIS of docs/mirage-audit.1" --label "usage of mirage-audit --help" \
		"$TMPD/synopsis.txt" "$TMPD/help-usage" | head -n 20
	fail "golden: the man page's SYNOPSIS says what --help's usage lines say" \
		"docs/mirage-audit.1 against mirage-audit --help (diff -u above)"
fi
# Every command's usage lines, in the order --help lists the commands.
: > "$TMPD/usage.txt"
for c in $(sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$TMPD/help"); do
	ma "$c" --help < /dev/null 2>&1 | sed '/^$/q' >> "$TMPD/usage.txt"
done
cases="$cases usage.txt"
same usage.txt

# ---- no stale expected file ------------------------------------------------------------
for f in "$EXP"/*; do
	[ -f "$f" ] || continue
	case " $cases " in
	*" ${f##*/} "*) ;;
	*) fail "golden: expected/${f##*/} belongs to no case" "remove it, or add its case" ;;
	esac
done
exit 0
