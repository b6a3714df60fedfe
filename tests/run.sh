#!/bin/sh
# Test driver: runs every tests/*/t-*.sh, counts its "PASS: ", "FAIL: " and "SKIP: "
# lines, and ends with the plain count "N passed, N failed, N skipped" that CI reads;
# the exit status is 1 when anything failed, else 0.
#
# Environment: MA (the binary), EXAMPLES (built examples), BUILD, VALGRIND=1
# (wrap runs of the tool in valgrind: a sample of each script's runs, see
# tests/lib.sh; VALGRIND_ALL=1 for every run, which takes hours; VALGRIND_EVERY=N
# sets the sample), SANITIZE (set when built with sanitizers), TEST_JOBS (scripts run
# at once, default the online cores), TESTS_GLOB (the
# scripts to run, relative to the top or absolute; default tests/*/t-*.sh).
# A SKIP line says why a case did not run (tests/lib.sh's skip); a tool that
# `make setup` installs being missing is a FAIL instead (lib.sh's need).
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
skipped=0
ran=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# The scripts are independent (each works in its own lib.sh TMPD), so up to
# TEST_JOBS of them run at once (default: the online cores); their results are
# printed in the glob's order, so the output does not depend on it.
jobs=${TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
case $jobs in ''|*[!0-9]*|0) echo "run.sh: TEST_JOBS must be a positive count" >&2; exit 2 ;; esac
list="$logs/list"
: > "$list"
# shellcheck disable=SC2086 # the glob is meant to expand
for t in ${TESTS_GLOB:-tests/*/t-*.sh}; do
	[ -f "$t" ] || continue
	ran=$((ran + 1))
	printf '%s %s\n' "$ran" "$t" >> "$list"
done
# One line per script: "N PATH"; each writes $logs/N.log and then its status to
# $logs/N.rc with the seconds it took. Results are printed in order as soon as each one's status is there.
# shellcheck disable=SC2016 # expanded by the inner shell
[ "$ran" -eq 0 ] || xargs -P "$jobs" -L 1 sh -c \
	'b=$(date +%s); sh "$2" > "$0/$1.log" 2>&1; r=$?; e=$(date +%s)
	echo "$r $((e - b))" > "$0/$1.rc.tmp" && mv "$0/$1.rc.tmp" "$0/$1.rc"' \
	"$logs" < "$list" &
runner=$!
while read -r n t; do
	log="$logs/$n.log"
	while [ ! -f "$logs/$n.rc" ] && kill -0 "$runner" 2>/dev/null; do
		sleep 1
	done
	rc=127 secs=0
	[ -f "$logs/$n.rc" ] && read -r rc secs < "$logs/$n.rc"
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	s=$(grep -c '^SKIP: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $t exited with status $rc" >> "$log"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-40s %4d passed %4d failed %4d skipped %5ds\n' "$t" "$p" "$f" "$s" "$secs"
	grep -E '^(FAIL|SKIP): ' "$log" | sed 's/^/    /'
	if [ "$f" -ne 0 ]; then
		grep -vE '^(PASS|FAIL|SKIP): ' "$log" | head -40 | sed 's/^/    | /'
	fi
done < "$list"
[ "$ran" -eq 0 ] || wait "$runner"
if [ "$ran" -eq 0 ]; then
	# a glob that names nothing must not read as a clean run
	echo "FAIL: no test script matches ${TESTS_GLOB:-tests/*/t-*.sh}"
	failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
