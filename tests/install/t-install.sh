#!/bin/sh
# make install PREFIX= DESTDIR= puts the binary, the rules and the man page in place,
# and the installed binary runs on an example.
. tests/lib.sh
dest=$TMPD/dest
if make -s install PREFIX=/opt/ma DESTDIR="$dest" BUILD="${BUILD:-build}" >"$TMPD/log" 2>&1; then
	pass "install: make install succeeds"
else
	fail "install: make install failed" "$(tail -3 "$TMPD/log")"
fi
check "install: binary" test -x "$dest/opt/ma/bin/mirage-audit"
check "install: rules" test -s "$dest/opt/ma/share/mirage-audit/attribution.rules"
check "install: man page" test -s "$dest/opt/ma/share/man/man1/mirage-audit.1"
if command -v man >/dev/null 2>&1; then
	man -l "$dest/opt/ma/share/man/man1/mirage-audit.1" 2>/dev/null | grep -q 'EXIT STATUS' &&
		pass "install: man page renders" || fail "install: man page renders"
fi
# The installed rules file is the one compiled in: the installed copy parses as --rules.
img=$(awk '$3 == "yes" { print $2; exit }' "$EXAMPLES/LIST")
if "$dest/opt/ma/bin/mirage-audit" --rules "$dest/opt/ma/share/mirage-audit/attribution.rules" \
	-f json "$EXAMPLES/$img" > "$TMPD/a.json" && "$MA" -f json "$EXAMPLES/$img" > "$TMPD/b.json" &&
	cmp -s "$TMPD/a.json" "$TMPD/b.json"; then
	pass "install: installed rules give the same report as the built-in ones"
else
	fail "install: installed rules give the same report as the built-in ones"
fi
