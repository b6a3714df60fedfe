#!/bin/sh
# SPDX-License-Identifier: ISC
# make test-mutants: build the tool with one deliberate fault at a time (tests/mutants/*.mut,
# README.md there), run the tests on each build, and say which test killed it, or SURVIVED.
#
#   sh tests/mutants/run.sh [--apply-only] [MUTANT.mut...]    default: tests/mutants/*.mut
#
# Per mutant: the tree is copied to $MUTANTS_OUT/NAME/src (the working tree is never
# edited), the edit is applied (refused unless its anchor occurs exactly once), the copy
# is built with the normal Makefile, seeded with the objects of the normal build so that
# only the mutated file is compiled again; that file's object code must change (else the
# mutant is equivalent and proves nothing). Then its `kill` scripts run with MA set to the
# mutant binary and EXAMPLES to the normal examples, in order; the first FAIL line kills
# the mutant and stops the run. When none fails, every other script of MUTANT_TESTS runs,
# up to the first failure. A kill counts only if the same check passes on the normal
# binary (the control: the script runs there up to that check, wholly if the checks do
# not line up); else the campaign is invalid.
# --apply-only: apply each mutant to a copy of its one file and stop (no build, no tests).
#
# Environment: TOP (repo root; default: two levels up), EXAMPLES (built examples; default
# $TOP/build/examples), BUILD (the normal build directory, relative to TOP or absolute;
# default build), SANITIZE (as that build was made; the mutants are built alike), MUTANTS_OUT
# (default $TOP/build/mutants), MUTANT_TESTS (the scripts of the second round, relative
# to TOP; default every tests/*/t-*.sh but those that do not test $MA, see NOT_MA),
# MUTANTS_FULL=1 (run a killing script to its end and count its failures: slower).
# Exit: 0 every mutant killed; 1 a mutant survived; 2 a mutant could not be applied or
# built, or the check that killed it fails on the normal binary too (2 wins over 1).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 2
BUILD=${BUILD:-build}
EXAMPLES=${EXAMPLES:-$TOP/build/examples}
OUT=${MUTANTS_OUT:-$TOP/build/mutants}
case $BUILD in
/*) SEED=$BUILD ;;
*) SEED=$TOP/$BUILD ;;
esac
ORIG=$SEED/mirage-audit
MUT=$TOP/tests/mutants/mutant.py
# Scripts that never run $MA: the lint reads the sources, the fuzz smoke test and the
# install test build the working tree's own code; the runner's own test would recurse.
NOT_MA="tests/tools/t-lint.sh tests/fuzz/t-smoke.sh"
NOT_MA="$NOT_MA tests/install/t-install.sh tests/mutants/t-runner.sh"

apply_only=0
if [ "${1:-}" = --apply-only ]; then
	apply_only=1
	shift
fi
if [ $# -eq 0 ]; then
	set -- tests/mutants/*.mut
	[ -f "$1" ] || { echo "test-mutants: no tests/mutants/*.mut" >&2; exit 2; }
fi
if [ "$apply_only" = 0 ]; then
	for f in "$ORIG" "$EXAMPLES/LIST"; do
		[ -f "$f" ] || { echo "test-mutants: $f missing: run 'make' and 'make examples'" >&2; exit 2; }
	done
fi
if [ -z "${MUTANT_TESTS+set}" ]; then
	MUTANT_TESTS=
	for t in tests/*/t-*.sh; do
		case " $NOT_MA " in *" $t "*) continue ;; esac
		MUTANT_TESTS="$MUTANT_TESTS $t"
	done
fi
stop=fail
[ "${MUTANTS_FULL:-}" = 1 ] && stop=none
# The mutants are built as the seed was (its objects are reused), but the test runs
# inherit nothing that would change how the tool is wrapped.
san=${SANITIZE:-}
unset VALGRIND VALGRIND_ALL SANITIZE

# run_on BIN SCRIPT LOG STOP: run SCRIPT with MA=BIN (mutant.py run); sets r_kind, r_k and
# r_rest from its one line. Temporary files go under $OUT/tmp: a script stopped early
# does not clean up after itself.
run_on() {
	mkdir -p "$OUT/tmp"
	# build-dump is built next to the binary (build/tests/build-dump): the mutant's own
	r=$(MA=$1 BUILD_DUMP=$(dirname "$1")/tests/build-dump EXAMPLES=$EXAMPLES TOP=$TOP \
		TMPDIR=$OUT/tmp python3 "$MUT" run "$3" "$4" "$2")
	rm -rf "$OUT/tmp"
	r_kind=${r%% *}
	r=${r#* }
	r_k=${r%% *}
	r_rest=${r#* }
}

# control_line SCRIPT K: the result line K of SCRIPT on the normal binary, or nothing when
# it prints fewer. One control log per script and campaign, run as far as any kill needed.
control_line() {
	c_log=$OUT/control/$(echo "$1" | tr / _).log
	c_have=0
	[ -f "$c_log.k" ] && read -r c_have < "$c_log.k"
	if [ "$c_have" != all ] && [ "$c_have" -lt "$2" ]; then
		run_on "$ORIG" "$1" "$c_log" "$2"
		if [ "$r_kind" = line ]; then echo "$2" > "$c_log.k"; else echo all > "$c_log.k"; fi
	fi
	grep -E '^(PASS|FAIL): ' "$c_log" | sed -n "$2p"
}

# control_whole SCRIPT: whether SCRIPT passes whole on the normal binary.
control_whole() {
	c_log=$OUT/control/$(echo "$1" | tr / _).log
	if [ "$(cat "$c_log.k" 2>/dev/null)" != all ] || ! [ -f "$c_log.rc" ]; then
		run_on "$ORIG" "$1" "$c_log" none
		echo all > "$c_log.k"
		echo "$r_rest" > "$c_log.rc"
	fi
	[ "$(cat "$c_log.rc")" = 0 ] && ! grep -q '^FAIL: ' "$c_log"
}

# valid SCRIPT KIND K LINE: whether the kill of SCRIPT (KIND, K and LINE as run_on set
# them) is the mutant's: the check that failed passes on the normal binary; when the
# checks do not line up, or no FAIL line was printed, the script must pass whole there.
# Sets why when it is not valid.
valid() {
	why=
	v_log=$OUT/control/$(echo "$1" | tr / _).log
	if [ "$2" = fail ]; then
		v_c=$(control_line "$1" "$3")
		case $v_c in
		"FAIL: "*)
			why="its check $3 fails on the normal binary too ($v_log)"
			return 1 ;;
		"PASS: "*)
			v_fail=${4#FAIL: }
			v_pass=${v_c#PASS: }
			case $v_fail in "$v_pass" | "$v_pass: "*) return 0 ;; esac ;;
		esac
	fi
	control_whole "$1" && return 0
	why="it fails on the normal binary too ($v_log)"
	return 1
}

# The control runs of an earlier campaign may be of another tree: start afresh.
rm -rf "$OUT/control"
mkdir -p "$OUT/control" || exit 2
n_killed=0 n_survived=0 n_broken=0 worst=0
start=$(date +%s)
# broken WHAT: the mutant $name could not be applied, built or trusted.
broken() {
	printf '%-26s %s\n' "$name" "$1"
	n_broken=$((n_broken + 1))
	worst=2
}
for m in "$@"; do
	name=$(basename "$m" .mut)
	fields=$(python3 "$MUT" fields "$m") || { broken "NOT APPLIED"; continue; }
	file=$(echo "$fields" | sed -n 's/^file //p')
	kill=$(echo "$fields" | sed -n 's/^kill //p')
	missing=
	for t in $kill; do
		[ -f "$t" ] || missing="$missing $t"
	done
	[ -z "$missing" ] || { broken "NOT APPLIED: no kill script$missing"; continue; }
	dir=$OUT/$name
	rm -rf "$dir"
	if [ "$apply_only" = 1 ]; then
		if mkdir -p "$dir/src/$(dirname "$file")" && cp "$file" "$dir/src/$file" &&
			python3 "$MUT" apply "$m" "$dir/src"; then
			printf '%-26s applies to %s\n' "$name" "$file"
		else
			broken "NOT APPLIED"
		fi
		rm -rf "$dir"
		continue
	fi
	t0=$(date +%s)
	mkdir -p "$dir/src" || exit 2
	# The tree without its build directories and git metadata; tar keeps the times, so
	# the seeded objects stay newer than every source but the mutated one.
	tar -C "$TOP" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . |
		tar -C "$dir/src" -xpf - || exit 2
	python3 "$MUT" apply "$m" "$dir/src" || { broken "NOT APPLIED"; continue; }
	mkdir -p "$dir/src/build" && cp -pR "$SEED/obj" "$SEED/CFLAGS" "$dir/src/build/" ||
		exit 2
	# The mutated object first: an edit that leaves its code as it was proves nothing.
	case $file in
	*.c)
		o=obj/${file%.c}.o
		if ${MAKE:-make} -C "$dir/src" -s BUILD=build SANITIZE="$san" "build/$o" \
			> "$dir/build.log" 2>&1 &&
			strip --strip-debug -o "$dir/orig.o" "$SEED/$o" &&
			strip --strip-debug -o "$dir/mut.o" "$dir/src/build/$o" &&
			cmp -s "$dir/orig.o" "$dir/mut.o"; then
			broken "NOT BUILT: the edit leaves the object code of $file as it was"
			continue
		fi
		;;
	esac
	if ! ${MAKE:-make} -C "$dir/src" -s -j2 BUILD=build SANITIZE="$san" \
		>> "$dir/build.log" 2>&1; then
		broken "NOT BUILT ($dir/build.log)"
		grep -E 'error|Error' "$dir/build.log" | head -n 5 | sed 's/^/    | /'
		continue
	fi
	bin=$dir/src/build/mirage-audit
	# Its kill scripts first, then the rest.
	order=$kill
	for t in $MUTANT_TESTS; do
		case " $kill " in *" $t "*) ;; *) order="$order $t" ;; esac
	done
	killer=
	for t in $order; do
		run_on "$bin" "$t" "$dir/$(echo "$t" | tr / _).log" $stop
		case $r_kind in
		fail | exit) killer=$t ;;
		failures) [ "$r_k" -gt 0 ] && killer=$t ;;
		esac
		[ -n "$killer" ] && break
	done
	secs=$(($(date +%s) - t0))
	if [ -z "$killer" ]; then
		printf '%-26s SURVIVED (%ss)\n' "$name" "$secs"
		n_survived=$((n_survived + 1))
		[ "$worst" -lt 1 ] && worst=1
		continue
	fi
	case $r_kind in
	fail) how="at its check $r_k" line=$r_rest ;;
	exit) how="by exit status $r_rest after $r_k checks" line= ;;
	*) how="with $r_k failures" line=$(grep -m 1 '^FAIL: ' "$dir/$(echo "$killer" | tr / _).log") ;;
	esac
	if ! valid "$killer" "$r_kind" "$r_k" "$r_rest"; then
		broken "NOT VALID: killed by $killer $how, but $why"
		continue
	fi
	printf '%-26s killed by %s %s (%ss)\n' "$name" "$killer" "$how" "$secs"
	[ -n "$line" ] && echo "$line" | cut -c 1-160 | sed 's/^/    /'
	n_killed=$((n_killed + 1))
	# Keep the logs, not the copy of the tree (about 10 MB a mutant).
	rm -rf "$dir/src"
done
if [ "$apply_only" = 1 ]; then
	[ "$worst" = 0 ] && echo "$# mutants apply"
	exit "$worst"
fi
echo "$n_killed killed, $n_survived survived, $n_broken not applied, built or valid" \
	"($# mutants, $(($(date +%s) - start))s)"
exit "$worst"
