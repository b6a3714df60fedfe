#!/bin/sh
# Test driver: runs every tests/*/t-*.sh, counts "PASS: " and "FAIL: " lines,
# and ends with the plain count "N passed, N failed" that CI reads.
#
# Environment: MA (the binary), EXAMPLES (built examples), BUILD, VALGRIND=1
# (wrap runs of the tool in valgrind: a sample of each script's runs, see
# tests/lib.sh; VALGRIND_ALL=1 for every run, which takes hours; VALGRIND_EVERY=N
# sets the sample), SANITIZE (set when built with sanitizers).
# A script may also print "SKIP: reason" lines; they are reported, not counted.
# A script that exits non-zero without printing a FAIL line counts as one failure.
cd "$(dirname "$0")/.." || exit 2
: "${MA:?MA must name the mirage-audit binary}"
: "${EXAMPLES:?EXAMPLES must name the examples directory}"
export MA EXAMPLES
TOP=$(pwd)
export TOP
# Graphviz 2.42 leaks inside its own layout and font code (tests/graph/*.supp):
# every script that draws a graph, not only tests/graph, runs with the suppressions.
LSAN_OPTIONS="suppressions=$TOP/tests/graph/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in tests/*/t-*.sh; do
	[ -f "$t" ] || continue
	sh "$t" > "$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $t exited with status $rc" >> "$log"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-40s %4d passed %4d failed\n' "$t" "$p" "$f"
	grep -E '^(FAIL|SKIP): ' "$log" | sed 's/^/    /'
	if [ "$f" -ne 0 ]; then
		grep -vE '^(PASS|FAIL|SKIP): ' "$log" | head -40 | sed 's/^/    | /'
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
