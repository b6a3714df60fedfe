#!/bin/sh
# The house layout rules (tests/tools/lint.sh) hold, and the floor rule can fail:
# objects planted in a copy of the tree, each using one symbol that nm says another
# floor's object defines, are refused (one line naming both objects and the symbol)
# or accepted, as docs/architecture.md says.
. tests/lib.sh
if out=$(sh tests/tools/lint.sh 2>&1); then pass "lint: library headers and layers"; else fail "lint" "$out"; fi

obj=${BUILD:-build}/obj
T=$TMPD/tree
mkdir -p "$T/tests/tools" "$T/build"
cp -R audit analyzers reports "$T/" && cp tests/tools/lint.sh "$T/tests/tools/" &&
	cp -R "$obj" "$T/build/obj" || { fail "lint: copy the tree" "cp failed"; exit 1; }

# sym OBJECT: the first global symbol OBJECT defines, by nm
sym() { nm -g --defined-only "$T/build/obj/$1" | awk 'NF == 3 { print $3; exit }'; }
# plant DIR NAME DEFINER: DIR/NAME.c uses the first symbol DEFINER (an object) defines;
# runs the lint on the copy into $TMPD/lint.out, its status into $TMPD/lint.rc
plant() {
	s=$(sym "$3")
	printf 'extern char %s[];\nvoid *planted_%s(void);\nvoid *planted_%s(void) { return %s; }\n' \
		"$s" "$2" "$2" "$s" > "$T/$1/$2.c"
	${CC:-cc} -c -o "$T/build/obj/$1/$2.o" "$T/$1/$2.c" || return 1
	(cd "$T" && BUILD=build sh tests/tools/lint.sh) > "$TMPD/lint.out" 2>&1
	echo $? > "$TMPD/lint.rc"
	rm -f "$T/$1/$2.c" "$T/build/obj/$1/$2.o"
}
refused() {	# refused DIR NAME DEFINER FLOOR DEFINER-FLOOR
	plant "$1" "$2" "$3" || { fail "lint: $1 using $5 is refused" "cc failed"; return; }
	want="lint: build/obj/$1/$2.o ($4) uses $s, defined in build/obj/$3 ($5)"
	if [ "$(cat "$TMPD/lint.rc")" = 1 ] && [ "$(cat "$TMPD/lint.out")" = "$want" ]; then
		pass "lint: $1 using $s ($3) is refused"
	else
		fail "lint: $1 using $s ($3) is refused" "exit $(cat "$TMPD/lint.rc"): $(cat "$TMPD/lint.out")"
	fi
}
accepted() {	# accepted DIR NAME DEFINER
	plant "$1" "$2" "$3" || { fail "lint: $1 using $3 is accepted" "cc failed"; return; }
	if [ "$(cat "$TMPD/lint.rc")" = 0 ] && [ ! -s "$TMPD/lint.out" ]; then
		pass "lint: $1 using $s ($3) is accepted"
	else
		fail "lint: $1 using $s ($3) is accepted" "exit $(cat "$TMPD/lint.rc"): $(cat "$TMPD/lint.out")"
	fi
}
accepted reports planted audit/core/arena.o
refused reports planted analyzers/facilities.o reports analyzers
refused reports planted audit/cli/output.o reports cli
accepted reports planted audit/gates/check.o
refused audit/core planted analyzers/facilities.o core analyzers
refused audit/core planted audit/gates/check.o core gates
refused audit/core planted reports/registry.o core reports
refused analyzers planted audit/gates/check.o analyzers gates
refused analyzers planted reports/registry.o analyzers reports
accepted analyzers planted analyzers/facilities.o
accepted audit/gates planted analyzers/facilities.o
refused audit/gates planted reports/registry.o gates reports
refused audit/gates planted audit/cli/output.o gates cli
accepted audit/cli planted reports/registry.o

# A source without its object is refused, not passed over.
rm "$T/build/obj/reports/csv.o"
(cd "$T" && BUILD=build sh tests/tools/lint.sh) > "$TMPD/lint.out" 2>&1
check "lint: a source without its object is refused" grep -qx \
	'lint: no object build/obj/reports/csv.o for reports/csv.c (run make first)' "$TMPD/lint.out"
