#!/bin/sh
# SPDX-License-Identifier: ISC
# Hostile configuration artefacts in a build directory (--build DIR,
# docs/build.md "Layouts"): each case is a copy of a fixture of
# tests/shapes/build-mirage{4,3}/ with one file replaced, then build-dump on it
# under valgrind (leaks and invalid accesses fail; with SANITIZE set, the
# sanitizers of that build instead). Every case must exit 0 (a
# bad build file is a warning, never an error), print nothing on stderr, be
# valgrind clean, finish within 60 s, and, where the file can no longer be
# read or parsed, warn naming it ("warning build file 'NAME': ..."). The cases:
#   truncated     each artefact cut at half its size (a warning is required
#                 where the cut breaks the syntax: opam files, dune files, JSON)
#   garbage       4 KiB of /dev/urandom (with NUL bytes: refused by the reader)
#   garbage-text  the same bytes without NUL, parsed as text
#   opam-quotes   an opam file with an unbalanced quote; opam-braces: unbalanced { and [
#   line-5mb      a 5 MB line: in main.ml (one identifier), in the lock (one string),
#                 in the opam file (one unterminated string)
#   over-16mib    a main.ml one byte over 16 MiB (refused by size)
#   json-deep     a manifest.json nested 100000 deep
#   dune-deep     a duniverse dune file nested 100000 deep; meta-deep: a META
#                 with 100000 nested packages
#   functor-open  a main.ml whose last functor application is never closed
#   context-fifo  mirage/context a FIFO with no writer (must not block)
#   context-dir   mirage/context a directory
#   dune-loop     duniverse/ holding a symbolic link to its parent (not followed)
. tests/lib.sh
DUMP=${BUILD_DUMP:-$TOP/build/tests/build-dump}
need valgrind head tr timeout || exit 1
S=$TOP/tests/shapes
head -c 4096 /dev/urandom > "$TMPD/garbage"
tr -d '\000' < "$TMPD/garbage" > "$TMPD/garbage-text"

# run NAME DIR WARN-FILE: build-dump DIR; WARN-FILE (or "") must be named by a warning
run() {
	name=$1 dir=$2 wfile=$3
	if [ -n "${SANITIZE:-}" ]; then	# a sanitized build checks itself; valgrind cannot run it
		timeout 60 "$DUMP" "$dir" > "$TMPD/o" 2> "$TMPD/e"
	else
		timeout 60 valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$DUMP" "$dir" > "$TMPD/o" 2> "$TMPD/e"
	fi
	rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$TMPD/e" ]; then
		fail "build-config: $name" "exit $rc (124: timeout, 99: valgrind), $(head -n 3 "$TMPD/e")"
	elif [ -n "$wfile" ] && ! grep -qF "warning build file '$wfile'" "$TMPD/o"; then
		fail "build-config: $name" "no warning naming '$wfile'"
	else
		pass "build-config: $name"
	fi
}
# case NAME FIXTURE REL WARN: a copy of FIXTURE with REL from $TMPD/new, then run
case_() {
	rm -rf "$TMPD/d"
	cp -R "$S/$2" "$TMPD/d"
	rm -rf "${TMPD:?}/d/$3"
	cp "$TMPD/new" "$TMPD/d/$3"
	run "$1" "$TMPD/d" "$4"
}

for f in build-mirage4:mirage/context build-mirage4:mirage/main.ml \
	 build-mirage4:mirage/manifest.json build-mirage4:mirage/x-hvt.opam \
	 build-mirage4:mirage/x-hvt.opam.locked build-mirage4:dune.build \
	 build-mirage4:dune-workspace build-mirage4:duniverse/lwt/src/core/dune \
	 build-mirage3:x.xl build-mirage3:Makefile build-mirage3:x.opam build-mirage3:main.ml; do
	fx=${f%%:*} rel=${f#*:}
	size=$(wc -c < "$S/$fx/$rel")
	head -c $((size / 2)) "$S/$fx/$rel" > "$TMPD/new"
	case $rel in
	*.opam|*.locked|*dune*|*.json) w=$rel ;;	# cut in the middle of a bracket
	*) w= ;;
	esac
	case_ "truncated $fx/$rel" "$fx" "$rel" "$w"
	cp "$TMPD/garbage" "$TMPD/new"
	case_ "garbage $fx/$rel" "$fx" "$rel" "$rel"
	cp "$TMPD/garbage-text" "$TMPD/new"
	case $rel in
	mirage/context|*.xl|Makefile|*main.ml) w= ;;	# any text is some text there
	*) w=$rel ;;
	esac
	case_ "garbage-text $fx/$rel" "$fx" "$rel" "$w"
done

sed 's/"lwt"/"lwt/' "$S/build-mirage4/mirage/x-hvt.opam.locked" > "$TMPD/new"
case_ "opam-quotes" build-mirage4 mirage/x-hvt.opam.locked mirage/x-hvt.opam.locked
sed 's/{= "5.7.0"}/{= "5.7.0"/; s/^]$//' "$S/build-mirage4/mirage/x-hvt.opam.locked" > "$TMPD/new"
case_ "opam-braces" build-mirage4 mirage/x-hvt.opam.locked mirage/x-hvt.opam.locked

big() { head -c 5000000 /dev/zero | tr '\000' "$1"; }
{ cat "$S/build-mirage4/mirage/main.ml"; printf 'let '; big a; printf ' = 1\n'; } > "$TMPD/new"
case_ "line-5mb main.ml" build-mirage4 mirage/main.ml ""
{ printf 'opam-version: "2.0"\ndepends: [ "'; big a; printf '" {= "1"} ]\n'; } > "$TMPD/new"
case_ "line-5mb lock" build-mirage4 mirage/x-hvt.opam.locked ""
{ printf 'opam-version: "2.0"\nname: "'; big b; printf '\n'; } > "$TMPD/new"
case_ "line-5mb opam, unterminated" build-mirage4 mirage/x-hvt.opam mirage/x-hvt.opam
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\000' ' ' > "$TMPD/new"
case_ "over-16mib main.ml" build-mirage4 mirage/main.ml mirage/main.ml

{ big '[' | head -c 100000; big ']' | head -c 100000; } > "$TMPD/new"
case_ "json-deep" build-mirage4 mirage/manifest.json mirage/manifest.json
{ big '(' | head -c 100000; big ')' | head -c 100000; } > "$TMPD/new"
case_ "dune-deep" build-mirage4 duniverse/lwt/src/core/dune duniverse/lwt/src/core/dune
i=0
: > "$TMPD/new"
{ while [ $i -lt 100000 ]; do printf 'package "p" ('; i=$((i + 1)); done; } > "$TMPD/new"
rm -rf "$TMPD/d"; cp -R "$S/build-mirage4" "$TMPD/d"; mkdir -p "$TMPD/d/lib/deep"
cp "$TMPD/new" "$TMPD/d/lib/deep/META"
run "meta-deep" "$TMPD/d" lib/deep/META

{ cat "$S/build-mirage4/mirage/main.ml"; printf 'module Open__99 = Tcpip.Make(A)\n  (B)(C\n'; } > "$TMPD/new"
case_ "functor-open" build-mirage4 mirage/main.ml mirage/main.ml
if [ "$(grep -c '^functor ' "$TMPD/o")" -eq "$(grep -c '^module [A-Z][A-Za-z0-9_]* = [A-Z][A-Za-z0-9_.]*(' \
	"$S/build-mirage4/mirage/main.ml")" ]; then
	pass "build-config: functor-open keeps the applications before it"
else
	fail "build-config: functor-open keeps the applications before it"
fi

rm -rf "$TMPD/d"; cp -R "$S/build-mirage4" "$TMPD/d"; rm "$TMPD/d/mirage/context"
mkfifo "$TMPD/d/mirage/context" || fail "build-config: mkfifo"
run "context-fifo" "$TMPD/d" mirage/context
rm -rf "$TMPD/d"; cp -R "$S/build-mirage4" "$TMPD/d"; rm "$TMPD/d/mirage/context"
mkdir "$TMPD/d/mirage/context"
run "context-dir" "$TMPD/d" mirage/context
rm -rf "$TMPD/d"; cp -R "$S/build-mirage4" "$TMPD/d"; ln -s .. "$TMPD/d/duniverse/loop"
run "dune-loop" "$TMPD/d" ""
