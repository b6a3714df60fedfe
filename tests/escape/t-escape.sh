#!/bin/sh
# SPDX-License-Identifier: ISC
# Output escaping: names from the image (symbols, the DWARF module) that carry
# HTML, quotes, backslashes, pipes, backticks, brackets, DOT attribute syntax,
# ANSI escapes, newlines and invalid UTF-8 go through every output format:
# text and CSV with no raw control bytes (escaped \xNN as text does), JSON
# that parses and gives the names back, DOT that Graphviz parses into the
# same graph as the plain image's (no injected node or attribute), and
# warnings on stderr that stay one line each.  check.py has one function per
# format; a format the tool offers without one is a SKIP.
#
# How the image is built: tests/escape/hostile.c, copied as
# mahostile_module_placeholder_aaaaaaaaaaaaaa.c and built with
# `gcc -static -nostdlib -no-pie -O1 -g -fno-inline`; check.py then replaces
# each placeholder name with a hostile one of the same length (its NAMES).
# DOT is drawn with `dot -Tsvg` when Graphviz's tools are installed, else
# with dotsvg.c (the same: cgraph's agread, then gvLayout and gvRender),
# built here against libgvc.
. "${TOP:-.}/tests/lib.sh"

here=${TOP:-.}/tests/escape
CC=${CC:-gcc}
src=mahostile_module_placeholder_aaaaaaaaaaaaaa.c
cp "$here/hostile.c" "$TMPD/$src"
if ! (cd "$TMPD" && $CC -static -nostdlib -no-pie -O1 -g -fno-inline -o plain "$src") \
	2> "$TMPD/cc.err"; then
	fail "escape: the image builds with $CC" "$(head -c 200 "$TMPD/cc.err")"
	exit 1
fi
dotsvg=
if command -v dot > /dev/null; then
	dotsvg="dot -Tsvg"
# shellcheck disable=SC2046
elif $CC -o "$TMPD/dotsvg" "$here/dotsvg.c" $(pkg-config --cflags --libs libgvc) \
	2> "$TMPD/cc.err"; then
	dotsvg=$TMPD/dotsvg
else
	# libgraphviz-dev is one of the tool's own build dependencies (make setup)
	fail "escape/dot-svg: dotsvg.c builds against libgvc" "$(head -c 200 "$TMPD/cc.err")"
fi
ma_run=$MA
if [ "${VALGRIND:-}" = 1 ]; then
	# check.py runs the tool itself: the same valgrind command line as lib.sh's ma
	ma_run=$TMPD/ma-valgrind
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions="%s" "%s" "$@"\n' \
		"$TOP/tests/graph/graphviz.supp" "$MA" > "$ma_run"
	chmod +x "$ma_run"
fi
python3 "$here/check.py" "$ma_run" "$TMPD/plain" "$TMPD" "$dotsvg"
