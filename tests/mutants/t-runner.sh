#!/bin/sh
# SPDX-License-Identifier: ISC
# The mutation runner itself (tests/mutants/run.sh, README.md), cheaply enough for
# `make test`; the campaign over the real mutants is `make test-mutants`, not run here.
#
# 1. Every tests/mutants/*.mut applies to this tree: its anchor occurs exactly once
#    (run.sh --apply-only, no build). An edit under an anchor shows here first.
# 2. A mutant the runner must refuse, each alone, exits 2 and says why: an anchor that
#    is absent, one that occurs twice (and one that occurs twice overlapping), no kill
#    line, a kill script that does not exist, a file outside the tree, an unterminated
#    block. The runner exits 2 before
#    building anything for these.
# 3. Four mutants made here, built for real (about 5 s each on an idle machine), on
#    audit/core/escape.c: one whose kill script sees the change ("killed by"), one
#    whose change no script sees (SURVIVED: that campaign exits 1), one that only edits
#    a comment (refused, exit 2: the object code is unchanged), and one "killed" by a
#    check that fails on the normal binary too (NOT VALID, exit 2: the control). The
#    scripts are written here; MUTANT_TESTS keeps the second round to one of them.
#
# Environment: MA (the tool, whose build seeds the mutants'), EXAMPLES, TOP.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
RUN=tests/mutants/run.sh
# The mutants of part 3 are seeded from the build MA comes from.
BUILD=$(cd "$(dirname "$MA")" && pwd)
export BUILD

if out=$(sh $RUN --apply-only 2>&1); then
	pass "mutants: every tests/mutants/*.mut applies ($(echo "$out" | tail -n 1))"
else
	fail "mutants: every tests/mutants/*.mut applies" "$(echo "$out" | grep -v ' applies to ')"
fi

# mut FILE TARGET KILL ANCHOR REPLACEMENT: write a mutant file.
mut() {
	printf '# made by t-runner.sh\nfile %s\n%s@@ anchor\n%s\n@@ replacement\n%s\n@@ end\n' \
		"$2" "${3:+kill $3
}" "$4" "$5" > "$1"
}
# refused NAME PATTERN MUTANT: the runner exits 2 on MUTANT alone and says PATTERN.
refused() {
	MUTANTS_OUT=$TMPD/out sh $RUN "$3" > "$TMPD/r.out" 2>&1
	rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "mutants: $1: exit 2" "exit $rc: $(head -n 3 "$TMPD/r.out")"
	elif ! grep -q "$2" "$TMPD/r.out"; then
		fail "mutants: $1: says '$2'" "$(head -n 3 "$TMPD/r.out")"
	elif [ -d "$TMPD/out/$(basename "$3" .mut)/src/build" ]; then
		fail "mutants: $1: refused before building"
	else
		pass "mutants: $1: refused (exit 2)"
	fi
}
K=tests/escape/t-escape.sh
mut "$TMPD/absent.mut" audit/core/escape.c $K 'no such text in escape.c' 'x'
refused "anchor absent" "occurs 0 times" "$TMPD/absent.mut"
mut "$TMPD/twice.mut" audit/core/escape.c $K 'return buf;' 'return NULL;'
refused "anchor more than once" "not exactly once" "$TMPD/twice.mut"
printf 'file t\nkill %s\n@@ anchor\naa\n@@ replacement\nb\n@@ end\n' $K > "$TMPD/overlap.mut"
mkdir -p "$TMPD/tree"
printf 'aaa' > "$TMPD/tree/t"
if python3 tests/mutants/mutant.py apply "$TMPD/overlap.mut" "$TMPD/tree" 2> "$TMPD/r.out"; then
	fail "mutants: overlapping anchor 'aa' in 'aaa' refused"
else
	check "mutants: overlapping anchor 'aa' in 'aaa' refused" grep -q "occurs 2 times" "$TMPD/r.out"
fi
mut "$TMPD/nokill.mut" audit/core/escape.c "" '"%llu B"' '"%llu b"'
refused "no kill line" "needs a 'kill" "$TMPD/nokill.mut"
mut "$TMPD/outside.mut" ../escape.c $K 'a' 'b'
refused "file outside the tree" "not a path inside the tree" "$TMPD/outside.mut"
mut "$TMPD/nokiller.mut" audit/core/escape.c tests/no/t-such.sh '"%llu B"' '"%llu b"'
refused "kill script missing" "no kill script tests/no/t-such.sh" "$TMPD/nokiller.mut"
printf 'file audit/core/escape.c\nkill %s\n@@ anchor\n"%%llu B"\n' $K > "$TMPD/open.mut"
refused "unterminated block" "has no '@@ end'" "$TMPD/open.mut"

# 3. A real campaign of three. The kill script looks for the mutated unit in `size`'s
# text; the survivor's change ("%.0f %s" to "%.0f  %s", sizes of 100 units or more, e.g.
# "120 KiB") is in no output the scripts below look at.
img=$(awk '$3 == "yes" { print $2; exit }' "$EXAMPLES/LIST" 2>/dev/null)
if [ -z "$img" ] || ! [ -f "$EXAMPLES/$img" ]; then
	fail "mutants: campaign" "no runnable example in $EXAMPLES/LIST: run 'make examples'"
	exit 0
fi
mkdir -p "$TMPD/t"
cat > "$TMPD/t/t-sees-bytes.sh" <<EOF
if "\$MA" size -d segment -n 0 "$EXAMPLES/$img" | grep -q ' Bytes'; then
	echo "FAIL: size shows 'Bytes'"
else
	echo "PASS: size shows no 'Bytes'"
fi
EOF
printf 'echo "PASS: sees nothing"\n' > "$TMPD/t/t-sees-nothing.sh"
mut "$TMPD/killed.mut" audit/core/escape.c "$TMPD/t/t-sees-bytes.sh" '"%llu B"' '"%llu Bytes"'
mut "$TMPD/survives.mut" audit/core/escape.c "$TMPD/t/t-sees-nothing.sh" \
	'v < 100 ? "%.1f %s" : "%.0f %s"' 'v < 100 ? "%.1f %s" : "%.0f  %s"'
mut "$TMPD/equivalent.mut" audit/core/escape.c "$TMPD/t/t-sees-nothing.sh" \
	'/* Formatting helpers' '/* Formatting  helpers'
MUTANTS_OUT=$TMPD/out MUTANT_TESTS="$TMPD/t/t-sees-nothing.sh" \
	sh $RUN "$TMPD/killed.mut" "$TMPD/survives.mut" > "$TMPD/c.out" 2>&1
rc=$?
sed 's/^/    | /' "$TMPD/c.out"
check "mutants: a campaign with a survivor exits 1" [ "$rc" -eq 1 ]
check "mutants: a mutant its script sees is killed, by that script" \
	grep -q "^killed  *killed by $TMPD/t/t-sees-bytes.sh at its check 1 " "$TMPD/c.out"
check "mutants: a mutant no script sees SURVIVED" grep -q "^survives  *SURVIVED" "$TMPD/c.out"
check "mutants: the summary counts 1 killed, 1 survived" \
	grep -q "^1 killed, 1 survived, 0 not applied, built or valid" "$TMPD/c.out"
printf 'echo "PASS: first"\necho "FAIL: always"\n' > "$TMPD/t/t-always-fails.sh"
mut "$TMPD/falsekill.mut" audit/core/escape.c "$TMPD/t/t-always-fails.sh" '"%llu B"' '"%llu b"'
MUTANTS_OUT=$TMPD/out sh $RUN "$TMPD/equivalent.mut" "$TMPD/falsekill.mut" > "$TMPD/e.out" 2>&1
rc=$?
sed 's/^/    | /' "$TMPD/e.out"
check "mutants: a refused or unproven mutant makes the campaign exit 2" [ "$rc" -eq 2 ]
check "mutants: an edit that leaves the object code unchanged is refused" \
	grep -q "^equivalent  *NOT BUILT: the edit leaves the object code" "$TMPD/e.out"
check "mutants: a kill by a check that fails on the normal binary too does not count" \
	grep -q "^falsekill  *NOT VALID: .*check 2, but its check 2 fails on the normal binary" \
	"$TMPD/e.out"
check "mutants: the working tree is untouched" git diff --quiet -- audit/core/escape.c
exit 0
