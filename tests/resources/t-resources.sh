#!/bin/sh
# SPDX-License-Identifier: ISC
# Resource bounds: inputs shaped to make a careless analysis quadratic or
# recursive must finish in time proportional to their size, in memory
# proportional to their size, without a signal. docs/resources.md has the
# measured figures; tests/resources/gen.py says how each input is built.
#
# Environment: MA, TOP, VALGRIND=1 (skipped: valgrind measures itself),
# SANITIZE (limits x5).
#
# The inputs (gen.py, written into $TMPD at test time, nothing committed):
#   syms     2^20 one-byte STT_FUNC symbols (`ret` each), 33 MB
#   chain    200 000 functions each `call` to the next and no `ret`: the
#            reference chain is 200 000 deep; a noreturn fixpoint by rounds
#            needed 200 000 rounds (52 s before the worklist)
#   jumptab  `jmp *table(,%rax,8)` through a .rodata table of 131 072
#            entries, each to its own 1-byte function
#   notes    100 000 Xen notes in one PT_NOTE, 64 more PT_NOTEs over the same
#            bytes (hung before: quadratic note dedupe and Xen note array)
#   headers  30 000 PT_LOADs and 30 000 sections, a symbol each (13.5 s before)
#
# The bounds, for every run:
#   exit 0, no signal, stdout not empty, stderr only "warning:" lines;
#   wall time <= 10 s + 20 x the time `nm` takes on the same file (the tool
#   takes 5-9x nm), and <= a cap per input, about 10x what it takes on an
#   idle machine, so that the paths that were quadratic fail it (x5 with
#   sanitizers);
#   peak RSS (/usr/bin/time -f %M) <= 64 MB + 20 x the file size (measured:
#   14x on syms, chain and jumptab).
. "${TOP:-.}/tests/lib.sh"

here=${TOP:-.}/tests/resources
if [ "${VALGRIND:-}" = 1 ]; then
	skip "resources: under valgrind (it would measure valgrind)"
	exit 0
fi
need nm || exit 1
if [ ! -x /usr/bin/time ]; then
	# GNU time is not among make setup's packages (Debian: time)
	skip "resources: no /usr/bin/time to measure time and peak memory"
	exit 0
fi
cp "$MA" "$TMPD/mirage-audit" && MA=$TMPD/mirage-audit || exit 1
# With sanitizers, LSan lists the Graphviz suppressions it used on stderr.
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
export LSAN_OPTIONS
scale=1
[ -n "${SANITIZE:-}" ] && scale=5
start=$(date +%s)
if ! python3 "$here/gen.py" "$TMPD" 2> "$TMPD/gen.err"; then
	fail "resources/gen.py" "$(tr '\n' ' ' < "$TMPD/gen.err")"
	exit 1
fi

# seconds NAME FILE: wall time of nm on FILE, as a decimal
nm_time() {
	/usr/bin/time -f %e -o "$TMPD/nm.t" nm "$1" > /dev/null 2>&1
	cat "$TMPD/nm.t"
}

# bound NAME FILE CAP ARGS...: run the tool and check the bounds above
bound() {
	name=$1 f=$2 cap=$3
	shift 3
	size=$(wc -c < "$f")
	limit=$(awk -v t="$(nm_time "$f")" -v k="$scale" -v c="$cap" \
		'BEGIN { l = 10 + 20 * t; if (c < l) l = c; printf "%d", k * l }')
	mem_limit=$(( (65536 + 20 * size / 1024) * scale ))
	/usr/bin/time -f '%e %M' -o "$TMPD/t" timeout -k 2 "$limit" "$MA" "$@" \
		> "$TMPD/out" 2> "$TMPD/err"
	rc=$?
	read -r secs mem < "$TMPD/t" 2> /dev/null || { secs='?'; mem=0; }
	case $mem in *[!0-9]* | '') mem=0 ;; esac
	why=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="killed after the bound of ${limit}s"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ]; then
		why="exit $rc: $(head -c 300 "$TMPD/err")"
	elif [ ! -s "$TMPD/out" ]; then
		why="empty stdout"
	elif grep -v "^mirage-audit: $f: warning: " "$TMPD/err" | grep -q .; then
		why="stderr: $(head -c 300 "$TMPD/err")"
	elif [ "$mem" -gt "$mem_limit" ]; then
		why="peak RSS ${mem} KB > ${mem_limit} KB (64 MB + 20 x ${size} bytes)"
	fi
	echo "# $name: ${secs}s (bound ${limit}s), peak ${mem} KB, file ${size} bytes"
	if [ -n "$why" ]; then fail "resources/$name" "$why"; else pass "resources/$name"; fi
}

bound syms-report "$TMPD/syms" 60 "$TMPD/syms"
bound chain-report "$TMPD/chain" 15 "$TMPD/chain"
bound chain-retained "$TMPD/chain" 15 size -d symbol --retained -n 5 "$TMPD/chain"
bound chain-why "$TMPD/chain" 20 why "$TMPD/chain" c30d3f
# The witness is the whole chain: 200 000 steps, no truncation, no recursion.
steps=$(grep -c '<- call at' "$TMPD/out")
if [ "$steps" -eq 199999 ]; then
	pass "resources/chain-why-depth"
else
	fail "resources/chain-why-depth" "$steps call steps in the witness, expected 199999"
fi
bound jumptab-report "$TMPD/jumptab" 10 "$TMPD/jumptab"
bound jumptab-graph "$TMPD/jumptab" 10 graph -f dot "$TMPD/jumptab"
bound notes-report "$TMPD/notes" 5 "$TMPD/notes"
bound headers-report "$TMPD/headers" 8 "$TMPD/headers"
echo "# resources: $(($(date +%s) - start))s"
