#!/bin/sh
# SPDX-License-Identifier: ISC
# The test driver itself (tests/run.sh) on a fake tests tree whose results are known
# from how it is written:
#   t-pass.sh   two PASS lines, exit 0
#   t-fail.sh   one PASS and one FAIL line, exit 1
#   t-skip.sh   one PASS and one SKIP through lib.sh's skip, exit 0
#   t-crash.sh  one PASS line, then exit 3 without a FAIL line: one failure
#   t-need.sh   lib.sh's need on a tool no machine has: one FAIL line, exit 1
# so the last line must be "5 passed, 3 failed, 1 skipped" and the status 1; the pass
# and skip scripts alone give "3 passed, 0 failed, 1 skipped" and status 0; a glob that
# names no script is a failure, not an empty success. Last, no t-*.sh prints its own
# SKIP line: every skip goes through lib.sh's skip, so that it says why in one shape.
#
# Environment: MA, EXAMPLES (passed through to run.sh), TOP (repo root).
. "$TOP/tests/lib.sh"

F=$TMPD/fake/fam
mkdir -p "$F"
# shellcheck disable=SC2016 # $TOP expands when the fake scripts run
printf 'echo "PASS: p1"\necho "PASS: p2"\n' > "$F/t-pass.sh"
printf 'echo "PASS: f1"\necho "FAIL: f2: broken"\nexit 1\n' > "$F/t-fail.sh"
printf '. "$TOP/tests/lib.sh"\npass s1\nskip "s2: not here"\n' > "$F/t-skip.sh"
printf 'sleep 1\necho "PASS: c1"\nexit 3\n' > "$F/t-crash.sh"
printf '. "$TOP/tests/lib.sh"\nneed no-such-tool-ma-driver || exit 1\npass n1\n' \
	> "$F/t-need.sh"

# driver GLOB OUT: run.sh on the scripts GLOB names; its status in $rc.
driver() {
	TESTS_GLOB=$1 sh "$TOP/tests/run.sh" > "$2" 2>&1
	rc=$?
}

driver "$F/t-*.sh" "$TMPD/all"
check "driver: last line counts passes, failures (a crash is one) and skips" \
	[ "$(tail -n 1 "$TMPD/all")" = "5 passed, 3 failed, 1 skipped" ]
check "driver: status 1 when something failed" [ "$rc" -eq 1 ]
check "driver: a script's exit status without a FAIL line is reported" \
	grep -qx "    FAIL: $F/t-crash.sh exited with status 3" "$TMPD/all"
check "driver: need names the missing tool" \
	grep -qx "    FAIL: t-need.sh: no-such-tool-ma-driver installed: not on PATH; 'make setup' installs it" "$TMPD/all"
check "driver: the skip's reason is shown" grep -qx '    SKIP: s2: not here' "$TMPD/all"

# Scripts run in parallel (TEST_JOBS, default the cores), but the report keeps the glob's
# order: t-crash.sh sleeps, so with 4 jobs it ends last and must still come first.
# nosecs FILE: the report without each script's seconds (they vary from run to run).
nosecs() { sed -E 's/ +[0-9]+s$//' "$1"; }
TEST_JOBS=4 driver "$F/t-*.sh" "$TMPD/par"
check "driver: 4 jobs: the same report as the default" \
	[ "$(nosecs "$TMPD/all")" = "$(nosecs "$TMPD/par")" ]
check "driver: 4 jobs: results in the glob's order" \
	[ "$(head -n 1 "$TMPD/par" | cut -d' ' -f1)" = "$F/t-crash.sh" ]
TEST_JOBS=1 driver "$F/t-*.sh" "$TMPD/one"
check "driver: 1 job: the same report" [ "$(nosecs "$TMPD/all")" = "$(nosecs "$TMPD/one")" ]
check "driver: each script's line ends with its seconds" \
	grep -qE "^$F/t-crash.sh +1 passed +1 failed +0 skipped +[1-9][0-9]*s\$" "$TMPD/one"
TEST_JOBS=x driver "$F/t-*.sh" "$TMPD/bad"
check "driver: TEST_JOBS that is not a count: status 2" [ "$rc" -eq 2 ]

driver "$F/t-[ps]*.sh" "$TMPD/ok"
check "driver: pass and skip only: last line" \
	[ "$(tail -n 1 "$TMPD/ok")" = "3 passed, 0 failed, 1 skipped" ]
check "driver: status 0 when nothing failed, skips or not" [ "$rc" -eq 0 ]

driver "$TMPD/fake/none/t-*.sh" "$TMPD/none"
check "driver: no script matched: last line" \
	[ "$(tail -n 1 "$TMPD/none")" = "0 passed, 1 failed, 0 skipped" ]
check "driver: no script matched: status 1" [ "$rc" -eq 1 ]

# Skips go through lib.sh's skip (the helper scripts in Python print their own).
check "driver: no t-*.sh echoes a SKIP line by hand" \
	sh -c "! grep -nE '^[^#]*echo \"SKIP:' '$TOP'/tests/*/t-*.sh"
exit 0
