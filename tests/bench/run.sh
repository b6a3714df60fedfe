#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: time and peak memory of mirage-audit beside nm and readelf, as ratios.
#
# usage: MA=/abs/build/mirage-audit EXAMPLES=/abs/build/examples sh tests/bench/run.sh
#
# Images: the largest example (from $EXAMPLES/LIST, else the largest ELF executable under
# $EXAMPLES; skipped with a message when there is none) and build/bench/large.elf, made by
# tests/bench/gen-large.sh.  BENCH_IMAGES="a.elf b.elf" measures those files instead.
# Commands: tests/bench/commands (or BENCH_COMMANDS=FILE), a list of (label, command)
# pairs run on every image, and the verdicts to print.
#
# Each command runs once to warm the page cache and prove it works, then BENCH_RUNS times
# (default 5), round-robin across the commands so that drift hits them all alike, with
# stdout on /dev/null.  build/bench/rusage (tests/bench/rusage.c) measures each run: wall
# time and ru_maxrss.  Reported: the median time, the largest peak RSS, the time as a
# multiple of the reference's (the first verdict's reference, nm -S --size-sort) and the
# peak RSS as a multiple of the image size.  See tests/bench/README.md.
#
# Exit status: 0 when everything ran, whether or not a target was met (this is a
# measurement, not a gate); 2 when a command or a setup step failed.

# Per-command values live in numbered variables (label_1, med_1, ...) set through eval.
# shellcheck disable=SC2154

cd "$(dirname "$0")/../.." || exit 2
: "${MA:?MA must name the mirage-audit binary}"
EXAMPLES=${EXAMPLES:-$(pwd)/build/examples}
RUNS=${BENCH_RUNS:-5}
COMMANDS=${BENCH_COMMANDS:-tests/bench/commands}
OUT=build/bench
RUSAGE=$OUT/rusage
# The same locale for every tool: C, so no one pays for collation or multibyte output.
LC_ALL=C
export LC_ALL MA

die() {
	echo "bench: $*" >&2
	exit 2
}

# Progress goes to stderr, and only to a terminal.
progress() {
	if [ -t 2 ]; then
		echo "bench: $*" >&2
	fi
}

case $RUNS in
'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer, not '$RUNS'" ;;
esac
[ -x "$MA" ] || die "cannot run '$MA'; run 'make' first"
[ -r "$COMMANDS" ] || die "cannot read '$COMMANDS'"

tmp=$(mktemp -d) || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

mkdir -p "$OUT" || die "cannot create '$OUT'"
if [ ! -x "$RUSAGE" ] || [ -n "$(find tests/bench/rusage.c -newer "$RUSAGE")" ]; then
	${CC:-cc} -O2 -Wall -Wextra -Werror -o "$RUSAGE" tests/bench/rusage.c ||
		die "cannot build '$RUSAGE'"
fi

# --- the command list: label_N, cmd_N, vsub_N, vref_N ------------------------------
n_cmd=0
n_verdict=0
find_label() {
	j=1
	while [ "$j" -le "$n_cmd" ]; do
		eval "l=\$label_$j"
		if [ "$l" = "$1" ]; then
			echo "$j"
			return 0
		fi
		j=$((j + 1))
	done
	return 1
}
lineno=0
while IFS='|' read -r kind a b; do
	lineno=$((lineno + 1))
	case $kind in
	'' | '#'*) continue ;;
	cmd)
		if [ -z "$a" ] || [ -z "$b" ]; then
			die "$COMMANDS:$lineno: expected 'cmd|LABEL|COMMAND'"
		fi
		find_label "$a" >/dev/null && die "$COMMANDS:$lineno: duplicate label '$a'"
		n_cmd=$((n_cmd + 1))
		eval "label_$n_cmd=\$a; cmd_$n_cmd=\$b"
		;;
	verdict)
		s=$(find_label "$a") || die "$COMMANDS:$lineno: no command labelled '$a'"
		r=$(find_label "$b") || die "$COMMANDS:$lineno: no command labelled '$b'"
		n_verdict=$((n_verdict + 1))
		eval "vsub_$n_verdict=\$s; vref_$n_verdict=\$r"
		;;
	*) die "$COMMANDS:$lineno: unknown line kind '$kind'" ;;
	esac
done < "$COMMANDS"
[ "$n_cmd" -gt 0 ] || die "$COMMANDS: no commands"
ref=1
[ "$n_verdict" -gt 0 ] && ref=$vref_1
eval "ref_label=\$label_$ref"

# --- the images ------------------------------------------------------------------
file_size() {
	wc -c < "$1" | tr -d ' '
}

# An ELF executable (ET_EXEC or ET_DYN), in either byte order.
is_elf_exec() {
	[ "$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')" = 7f454c46 ] || return 1
	case $(od -An -tx1 -j16 -N2 "$1" | tr -d ' \n') in
	0200 | 0002 | 0300 | 0003) return 0 ;;
	esac
	return 1
}

# The largest example image: $EXAMPLES/LIST lines are "NAME IMAGE RUNNABLE", IMAGE relative
# to $EXAMPLES or to $EXAMPLES/NAME.
largest_example() {
	if [ -f "$EXAMPLES/LIST" ]; then
		while read -r name rel _; do
			case $name in '' | '#'*) continue ;; esac
			for cand in "$EXAMPLES/$name/$rel" "$EXAMPLES/$rel"; do
				if [ -f "$cand" ]; then
					echo "$cand"
					break
				fi
			done
		done < "$EXAMPLES/LIST"
	elif [ -d "$EXAMPLES" ]; then
		find "$EXAMPLES" -type f
	fi | while IFS= read -r f; do
		if is_elf_exec "$f"; then
			printf '%s %s\n' "$(file_size "$f")" "$f"
		fi
	done | sort -n -k 1,1 | tail -n 1 | cut -d ' ' -f 2-
}

: > "$tmp/images"
if [ -n "${BENCH_IMAGES:-}" ]; then
	for f in $BENCH_IMAGES; do
		[ -f "$f" ] || die "cannot read image '$f'"
		echo "$f" >> "$tmp/images"
	done
else
	ex=$(largest_example)
	if [ -n "$ex" ]; then
		echo "$ex" >> "$tmp/images"
	else
		echo "bench: no example image under '$EXAMPLES'; skipping the examples" >&2
	fi
	progress "building $OUT/large.elf (cached)"
	sh tests/bench/gen-large.sh "$OUT/large.elf" || die "cannot build '$OUT/large.elf'"
	echo "$OUT/large.elf" >> "$tmp/images"
fi

# --- measuring -------------------------------------------------------------------
# run_one N IMAGE: one measured run of command N; appends "SECONDS KIB CPU" to $tmp/m.N.
run_one() {
	n=$1
	eval "c=\$cmd_$n; l=\$label_$n"
	IMAGE=$2
	eval "set -- $c"
	res=$("$RUSAGE" "$@" 2> "$tmp/err")
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "bench: '$l' failed on '$IMAGE' with exit status $rc" >&2
		head -n 20 "$tmp/err" | sed 's/^/bench:   /' >&2
		return 2
	fi
	echo "$res" >> "$tmp/m.$n"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

show() {
	case $1 in "$(pwd)"/*) echo "${1#"$(pwd)"/}" ;; *) echo "$1" ;; esac
}

echo "mirage-audit bench: $RUNS runs per command after one warm-up, median wall time, largest peak RSS"
echo "host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs;" \
	"$(nm --version | head -n 1); $(readelf --version | head -n 1)"
status=0
: > "$tmp/verdicts"
# The images come on fd 3, so that no command can read the list from stdin.
while IFS= read -r img <&3; do
	name=$(show "$img")
	size=$(file_size "$img")
	nsyms=$(nm "$img" 2>/dev/null | wc -l | tr -d ' ')
	progress "measuring $name"
	failed=0
	N=1
	while [ "$N" -le "$n_cmd" ]; do
		: > "$tmp/m.$N"
		run_one "$N" "$img" || failed=1
		: > "$tmp/m.$N"
		N=$((N + 1))
	done
	r=1
	while [ "$failed" = 0 ] && [ "$r" -le "$RUNS" ]; do
		N=1
		while [ "$N" -le "$n_cmd" ]; do
			run_one "$N" "$img" || failed=1
			N=$((N + 1))
		done
		r=$((r + 1))
	done
	if [ "$failed" = 1 ]; then
		echo "$name: not measured: a command failed" >> "$tmp/verdicts"
		status=2
		continue
	fi
	N=1
	while [ "$N" -le "$n_cmd" ]; do
		eval "med_$N=\$(cut -d ' ' -f 1 < \"\$tmp/m.\$N\" | median)"
		eval "spread_$N=\$(cut -d ' ' -f 1 < \"\$tmp/m.\$N\" | sort -n |
			awk 'NR == 1 { lo = \$1 } { hi = \$1 } END { print hi - lo }')"
		eval "cpu_$N=\$(cut -d ' ' -f 3 < \"\$tmp/m.\$N\" | median)"
		eval "peak_$N=\$(awk '\$2 > m { m = \$2 } END { print m + 0 }' < \"\$tmp/m.\$N\")"
		N=$((N + 1))
	done
	eval "ref_med=\$med_$ref; ref_cpu=\$cpu_$ref"

	echo
	awk -v n="$name" -v s="$size" -v y="$nsyms" \
		'BEGIN { printf "%s: %.1f MiB, %d symbols\n", n, s / 1048576, y }'
	printf '  %-30s %9s %7s %9s %9s %9s %8s %10s\n' command 'median s' spread 'time/ref' \
		'cpu s' 'cpu/ref' 'peak MiB' 'peak/size'
	N=1
	while [ "$N" -le "$n_cmd" ]; do
		eval "l=\$label_$N; m=\$med_$N; p=\$peak_$N; w=\$spread_$N; u=\$cpu_$N"
		awk -v l="$l" -v m="$m" -v w="$w" -v u="$u" -v p="$p" -v r="$ref_med" \
			-v ru="$ref_cpu" -v s="$size" 'BEGIN {
			printf "  %-30s %9.3f ", l, m
			if (m > 0) printf "%6.0f%% ", 100 * w / m; else printf "%7s ", "n/a"
			if (r > 0) printf "%8.2fx ", m / r; else printf "%9s ", "n/a"
			printf "%9.3f ", u
			if (ru > 0) printf "%8.2fx ", u / ru; else printf "%9s ", "n/a"
			printf "%8.1f ", p / 1024
			if (s > 0) printf "%9.2fx\n", p * 1024 / s; else printf "%10s\n", "n/a"
		}'
		N=$((N + 1))
	done
	echo "  time/ref, cpu/ref: median wall and CPU (user+sys) time over those of $ref_label;"
	echo "  spread: (slowest - fastest) / median wall time; peak/size: peak RSS over the image size"

	v=1
	while [ "$v" -le "$n_verdict" ]; do
		eval "s=\$vsub_$v; r=\$vref_$v"
		eval "sl=\$label_$s; rl=\$label_$r; smed=\$med_$s; rmed=\$med_$r"
		awk -v n="$name" -v sl="$sl" -v rl="$rl" -v sm="$smed" -v rm="$rmed" 'BEGIN {
			if (rm > 0) x = sprintf("%.2f", sm / rm); else x = "n/a"
			printf "%s: %s is %sx the time of %s (target <= 1.00)\n", n, sl, x, rl
		}' >> "$tmp/verdicts"
		v=$((v + 1))
	done
done 3< "$tmp/images"

echo
cat "$tmp/verdicts"
exit "$status"
