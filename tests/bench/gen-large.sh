#!/bin/sh
# SPDX-License-Identifier: ISC
# Builds the large unikernel-shaped ELF image that `make bench` measures (cached).
#
# usage: sh tests/bench/gen-large.sh [OUT]          (default: build/bench/large.elf)
#
# tests/bench/gen-large.py writes GNU assembler source (about 3000 OCaml-like units,
# ~350k functions, ~550k symbols; see its header for what the symbols look like), `as`
# assembles it in parallel chunks and `ld -static -nostdlib` links a static ET_EXEC
# (about 70 MB: .text, .rodata, .data, .bss and a Solo5 ABI note) in about 20 seconds.
# Assembler source, not C: compiling that much C would take minutes.
#
# OUT is rebuilt only when it is missing or when OUT.stamp (a checksum of this script,
# the generator, BENCH_UNITS and the assembler and linker versions) no longer matches.
# Environment: BENCH_UNITS (default 3000) scales the image; BENCH_JOBS (default: the
# number of CPUs) caps the parallel `as` runs.
# Exit status: 0 when OUT is ready, 2 when a step failed (its output is on stderr).

cd "$(dirname "$0")/../.." || exit 2
out=${1:-build/bench/large.elf}
units=${BENCH_UNITS:-3000}
jobs=${BENCH_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
gen=tests/bench/gen-large.py

die() {
	echo "gen-large: $*" >&2
	exit 2
}

for tool in python3 as ld; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; run 'make setup' as root"
done

key=$( { cat "$0" "$gen"; echo "units=$units"; as --version | head -n 1; ld --version | head -n 1; } |
	cksum) || die "cannot checksum the generator"
if [ -f "$out" ] && [ -f "$out.stamp" ] && [ "$(cat "$out.stamp")" = "$key" ]; then
	exit 0
fi

work=$out.work
rm -rf "$work" "$out" "$out.stamp"
mkdir -p "$work" || die "cannot create '$work'"
trap 'rm -rf "$work"' EXIT
trap 'exit 2' INT TERM HUP

[ -t 2 ] && echo "gen-large: generating $out ($units units)" >&2
python3 "$gen" "$work" "$units" 8 || die "'$gen' failed"

# Assemble in batches of $jobs; each background `as` leaves a .ok file when it succeeds,
# since POSIX `wait` without operands does not report the jobs' statuses.
n=0
objs=
rest=
while read -r s; do
	o=${s%.s}.o
	objs="$objs $o"
	case $o in */c-start.o) ;; *) rest="$rest $o" ;; esac
	{ as --64 -o "$o" "$s" && : > "$o.ok"; } &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done < "$work/files"
wait
for o in $objs; do
	[ -f "$o.ok" ] || die "'as' failed on '${o%.o}.s'"
done

# c-start.o comes first so that _start and caml_program lead .text, as in a real image.
# The object paths have no blanks (build/bench/...), so $rest splits safely.
# shellcheck disable=SC2086
ld -static -nostdlib -e _start -z noexecstack -z max-page-size=0x1000 -o "$out.tmp" \
	"$work/c-start.o" $rest || die "'ld' failed"
mv "$out.tmp" "$out" || die "cannot rename '$out.tmp'"
echo "$key" > "$out.stamp" || die "cannot write '$out.stamp'"
exit 0
