#!/bin/sh
# SPDX-License-Identifier: ISC
# logrun.sh FRAGMENT COMMAND [ARG]...: run COMMAND (no shell) and write FRAGMENT in the shape
# of dune's _build/log: "$ (cd DIR && COMMAND)", then what COMMAND printed on stderr (for an
# ocamlopt link with -verbose, its "+ as ..." and "+ gcc ..." lines). A failing command shows
# its stderr and fails; otherwise stderr goes to the fragment only, and what is not a -verbose
# trace line is also shown, so warnings stay visible. ocamlfind's own -verbose trace (its
# "+ ocamlopt ..." and "Effective set ..." lines, on stdout) is not in dune's log: dropped.
# buildlog.sh assembles the fragments.
set -u
frag=$1
shift
q() {
	case $1 in
	'' | *[!A-Za-z0-9_./=,:+@%^-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}
tmp=$frag.tmp.$$
err=$frag.err.$$
out=$frag.out.$$
{
	printf '$ (cd %s && ' "$(q "$PWD")"
	sep=
	for a; do
		printf '%s%s' "$sep" "$(q "$a")"
		sep=' '
	done
	printf ')\n'
} > "$tmp"
trace='^+ \|^Effective set of compiler predicates'
if ! "$@" 2> "$err" > "$out"; then
	grep -v "$trace" "$out"
	cat "$err" >&2
	rm -f "$tmp" "$err" "$out" "$frag"
	exit 1
fi
grep -v "$trace" "$out"
grep -v "$trace" "$err" >&2
cat "$err" >> "$tmp" && rm -f "$err" "$out" && mv "$tmp" "$frag"
