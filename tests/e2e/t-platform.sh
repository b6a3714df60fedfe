#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end platform facts on every example image, against what the example declared
# (examples/NAME/truth.txt "target" and "device" lines, examples/NAME/manifest.json) and
# against the notes themselves (readelf -x .note.solo5.manifest bytes, readelf -nW for
# the Solo5 ABI and Xen notes, nm for _start32). Also: a stripped example against its
# unstripped original, and several images in one call (one JSON document each; a
# missing one gives exit 2 while the others still print).
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
TRUTH_PY=$TOP/tests/e2e/truth.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "platform: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 readelf nm || exit 1

images=
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	truth=$TOP/examples/$name/truth.txt
	if ! [ -f "$img" ] || ! [ -f "$truth" ]; then
		fail "platform $name: inputs" "$img or $truth missing: run 'make examples'"
		continue
	fi
	images="$images $img"
	manifest=$TOP/examples/$name/manifest.json
	[ -f "$manifest" ] || manifest=-
	ma -f json "$img" > "$TMPD/$name.json" 2> "$TMPD/$name.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "platform $name: report" "exit $rc: $(head -n 1 "$TMPD/$name.err")"
		continue
	fi
	python3 "$TRUTH_PY" platform "$name" "$img" "$truth" "$manifest" "$TMPD/$name.json" ||
		fail "platform $name: truth.py" "exited with status $?"
done < "$EXAMPLES/LIST"

# A stripped example (NAME-stripped) against its original (NAME), both from the LIST.
while read -r name image _; do
	case $name in *-stripped) ;; *) continue ;; esac
	orig=${name%-stripped}
	if ! [ -f "$TMPD/$name.json" ] || ! [ -f "$TMPD/$orig.json" ]; then
		fail "platform $name: stripped" "no report of '$name' or of its original '$orig'"
		continue
	fi
	python3 "$TRUTH_PY" stripped "$name" "$EXAMPLES/$image" "$TMPD/$name.json" \
		"$TMPD/$orig.json" || fail "platform $name: truth.py" "exited with status $?"
done < "$EXAMPLES/LIST"

# Several images in one call: one document per image, in argument order (matched by
# sha256 computed here), exit 0.
# shellcheck disable=SC2086
set -- $images
if [ $# -ge 2 ]; then
	for cmd in report size; do
		ma $cmd -f json "$@" > "$TMPD/multi.json" 2> "$TMPD/multi.err"
		rc=$?
		docs=$(python3 "$TRUTH_PY" docs "$TMPD/multi.json" "$@")
		if [ "$rc" -eq 0 ] && [ "$docs" = ok ]; then
			pass "platform: $cmd of $# images: one document each, exit 0"
		else
			fail "platform: $cmd of $# images: one document each, exit 0" \
				"exit $rc; $docs; stderr: $(head -n 1 "$TMPD/multi.err")"
		fi
	done
	# A missing image between two good ones: exit 2, one message naming it, and both
	# good ones still reported, in order.
	missing=$TMPD/no-such-image.hvt
	first=$1
	last=$(eval "echo \${$#}")
	ma -f json "$first" "$missing" "$last" > "$TMPD/miss.json" 2> "$TMPD/miss.err"
	rc=$?
	docs=$(python3 "$TRUTH_PY" docs "$TMPD/miss.json" "$first" "$last")
	nerr=$(grep -c . "$TMPD/miss.err")
	if [ "$rc" -eq 2 ] && [ "$docs" = ok ] && [ "$nerr" -eq 1 ] &&
		grep -q "^mirage-audit: .*no-such-image\.hvt" "$TMPD/miss.err"; then
		pass "platform: missing image among good ones: exit 2, the good ones still print"
	else
		fail "platform: missing image among good ones: exit 2, the good ones still print" \
			"exit $rc; $docs; $nerr stderr lines: $(head -n 2 "$TMPD/miss.err" | tr '\n' '|')"
	fi
	ma size -f csv "$first" "$missing" "$last" > "$TMPD/miss.csv" 2> "$TMPD/miss.err"
	rc=$?
	n_first=$(grep -cF "\"$first\"" "$TMPD/miss.csv")
	n_last=$(grep -cF "\"$last\"" "$TMPD/miss.csv")
	if [ "$rc" -eq 2 ] && [ "$n_first" -gt 0 ] && [ "$n_last" -gt 0 ]; then
		pass "platform: size -f csv with a missing image: exit 2, the good ones still print"
	else
		fail "platform: size -f csv with a missing image: exit 2, the good ones still print" \
			"exit $rc; rows: $n_first for the first image, $n_last for the last"
	fi
else
	fail "platform: several images" "fewer than two examples in $EXAMPLES/LIST"
fi
exit 0
