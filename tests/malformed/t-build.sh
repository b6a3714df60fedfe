#!/bin/sh
# SPDX-License-Identifier: ISC
# Hostile build directories (--build DIR, -M FILE.map; audit/core/build*.c,
# docs/build.md): a bad file is one warning naming it, what it would have told
# stays unknown, and the load goes on (build-dump exits 0); only a DIR or a map
# that cannot be opened at all is an error (exit 2, one stderr line naming it).
# Never a crash, a hang (each run is bounded by timeout 60) or a leak
# (VALGRIND=1: each run of build-dump under valgrind, which must report nothing).
#
# Each case is a directory made here, from the examples or from scratch:
#   trunc-map      the first 800000 bytes of ocaml-net.map (cut in the discards)
#   random-map     64 KiB of /dev/urandom named x.map
#   text-map       the same without its NUL bytes (a text file that is no map)
#   garbage-ar     a map whose LOAD line and included member name garbage.a:
#                  "!<arch>\n" and 2000 random bytes
#   trunc-ar       libmirage_solo5_bindings.a cut to its first 3000 bytes
#   trunc-obj      solo5-hello's hello.o cut to its first 300 bytes
#   missing-member a map naming a member nothere.o of a good archive (a copy of
#                  libmirage_solo5_bindings.a) that does not hold it
#   device-obj     a map that LOADs /dev/zero
#   quotes-log     a build.log whose link line has an unbalanced quote
#   long-map       a map heading, then one line of 10 MiB
#   long-log       a build.log with a "$ gcc" line of 10 MiB (5 Mi words)
#   fifo-map       a FIFO named x.map (no writer: must not be waited on)
#   unreadable-map x.map with mode 000 (as root, which reads anything: a
#                  dangling symlink named x.map instead)
#   loop-dir       symlinks to . and to .. inside DIR (never followed: a note)
# and the two errors: a DIR that does not exist, --map naming a FIFO.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
BD=${BUILD_DUMP:-$TOP/${BUILD:-build}/tests/build-dump}
if [ ! -x "$BD" ]; then
	fail "build-dump built" "no $BD: run make"
	exit 1
fi
bd() {
	if ma_valgrind; then
		timeout 600 valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$BD" "$@"
	else
		timeout 60 "$BD" "$@"
	fi
}
NET=$EXAMPLES/ocaml-net/ocaml-net.map
HELLO=$EXAMPLES/solo5-hello
C=$TMPD/cases
mkdir -p "$C"

# warned NAME FILE-TEXT ARGS...: exit 0, a warning (or note) line naming FILE-TEXT
warned() {
	name=$1 what=$2
	shift 2
	bd "$@" > "$TMPD/o" 2> "$TMPD/e"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -E '^(warning|note) ' "$TMPD/o" | grep -qF "$what"; then
		pass "build: $name: a warning names $what"
	else
		fail "build: $name" "exit $rc (124: it hung), $(grep -E '^(warning|note) ' "$TMPD/o" |
			head -n 2) $(head -n 2 "$TMPD/e")"
	fi
}
# refused NAME FILE-TEXT ARGS...: exit 2, empty stdout, one stderr line naming FILE-TEXT
refused() {
	name=$1 what=$2
	shift 2
	bd "$@" > "$TMPD/o" 2> "$TMPD/e"
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$TMPD/o" ] && [ "$(wc -l < "$TMPD/e")" -eq 1 ] &&
	   grep -qF "$what" "$TMPD/e"; then
		pass "build: $name: exit 2, one line naming it"
	else
		fail "build: $name" "exit $rc, stderr: $(head -n 2 "$TMPD/e")"
	fi
}
mk() { mkdir -p "$C/$1" && echo "$C/$1"; }
# A small map in GNU ld's shape that LOADs FILE (and includes MEMBER of it when given).
small_map() {
	if [ -n "${2:-}" ]; then
		printf 'Archive member included to satisfy reference by file (symbol)\n\n'
		printf '%-30s%s\n\n' "$1($2)" 'main.o (foo)'
	fi
	printf 'Linker script and memory map\n\nLOAD %s\n\n' "$1"
	printf '.text           0x0000000000401000       0x10\n'
	printf ' .text          0x0000000000401000       0x10 %s\n' "${2:+$1($2)}${2:-$1}"
	printf '\nOUTPUT(x.spt elf64-x86-64)\n'
}

d=$(mk trunc-map)
head -c 800000 "$NET" > "$d/x.map"
warned trunc-map "$d/x.map" "$d"
d=$(mk random-map)
head -c 65536 /dev/urandom > "$d/x.map"
warned random-map "$d/x.map" "$d"
d=$(mk text-map)
head -c 65536 /dev/urandom | tr -d '\000' > "$d/x.map"
warned text-map "$d/x.map" "$d"
d=$(mk garbage-ar)
{ printf '!<arch>\n'; head -c 2000 /dev/urandom; } > "$d/garbage.a"
small_map garbage.a a.o > "$d/x.map"
warned garbage-ar "garbage.a" "$d"
check "build: garbage-ar: the member the map names is linked, its symbols unknown" \
	grep -q '^object linked garbage.a(a.o) .* known=no' "$TMPD/o"
d=$(mk trunc-ar)
head -c 3000 "$EXAMPLES/common/hosted/libmirage_solo5_bindings.a" > "$d/trunc.a"
small_map trunc.a solo5.o > "$d/x.map"
warned trunc-ar "trunc.a" "$d"
d=$(mk trunc-obj)
head -c 300 "$HELLO/hello.o" > "$d/obj.o"
small_map obj.o > "$d/x.map"
warned trunc-obj "obj.o" "$d"
check "build: trunc-obj: linked, placed bytes from the map, symbols unknown" \
	grep -q '^object linked obj.o .* bytes=16 .* known=no' "$TMPD/o"
d=$(mk missing-member)
cp "$EXAMPLES/common/hosted/libmirage_solo5_bindings.a" "$d/good.a"
small_map good.a nothere.o > "$d/x.map"
warned missing-member "archive 'good.a': 1 members the map names are not in it" "$d"
check "build: missing-member: the archive's own members are read and left out" \
	grep -q '^object left-out good.a(solo5.o) .* known=yes' "$TMPD/o"
d=$(mk device-obj)
small_map /dev/zero > "$d/x.map"
warned device-obj "/dev/zero" "$d"
d=$(mk quotes-log)
printf '$ (cd /tmp && gcc -o x.spt '"'"'a.o b.o)\n' > "$d/build.log"
warned quotes-log "$d/build.log" "$d"
d=$(mk long-map)
{ printf 'Linker script and memory map\n\n'; head -c $((10 * 1024 * 1024)) /dev/zero |
	tr '\000' 'A'; printf '\n'; } > "$d/x.map"
warned long-map "$d/x.map" "$d"
d=$(mk long-log)
{ printf '$ gcc -o x.spt '; head -c $((10 * 1024 * 1024)) /dev/zero | tr '\000' ' ' |
	sed 's/  /a /g'; printf '\n'; } > "$d/build.log"
warned long-log "$d/build.log" "$d"
d=$(mk fifo-map)
mkfifo "$d/x.map"
warned fifo-map "$d/x.map" "$d"
refused "--map FIFO" "$d/x.map" --map "$d/x.map"
d=$(mk unreadable-map)
if [ "$(id -u)" -eq 0 ]; then
	ln -s "$d/nowhere" "$d/x.map"
else
	cp "$NET" "$d/x.map" && chmod 000 "$d/x.map"
fi
warned unreadable-map "$d/x.map" "$d"
d=$(mk loop-dir)
mkdir -p "$d/sub"
ln -s . "$d/loop"
ln -s .. "$d/sub/up"
cp "$HELLO/solo5-hello.map" "$d/sub/x.map"
warned loop-dir "$d/loop" "$d"
check "build: loop-dir: the map under the loop is read once" grep -qx "map $d/sub/x.map" "$TMPD/o"
refused "DIR that does not exist" "$C/nowhere" "$C/nowhere"
