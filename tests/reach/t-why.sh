#!/bin/sh
# SPDX-License-Identifier: ISC
# `mirage-audit why` against objdump, nm, readelf and the image bytes.
#
# For each example, a handful of functions that must be reachable (the ELF entry's
# function, solo5_app_main, caml_program, five functions spread over what a
# callgrind run of a runnable example executed, and an executed function of the
# application unit; see whycheck.py) are asked about with `why -f json`, and every
# step of each chain is checked independently by whycheck.py: one check per chain.
# Then: `why` on each seeded dead function (truth.txt dead-function and
# dead-c-function) must say reachable=false in ocaml mode, and the text form must
# say "is not reachable"; `why` on a name that does not exist must exit 2 with an
# empty stdout and one "mirage-audit: " line on stderr.
# A stripped example is asked by address, with names from its unstripped twin
# (the LIST image with the same build ID).
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

HERE=$TOP/tests/reach

need_examples "why" || exit 1
need python3 readelf nm objdump valgrind || exit 1
vg_keys=

. tests/reach/lib.sh

is_aarch64() {
	readelf -hW "$1" 2>/dev/null | grep -q 'Machine:.*AArch64'
}

# tool KEY ARGS...: run the tool. Under VALGRIND=1 only the first run of each KEY
# goes through valgrind (ma): the first chain of each image (chain:NAME), the
# first seeded-dead query in JSON and in text, the first missing name. memcheck
# learns little from the tenth chain of an image, and at ~15 s a run on an OCaml
# image the script would take half an hour; the chains are what it checks.
tool() {
	tool_key=$1
	shift
	case " $vg_keys " in
	*" $tool_key "*) "$MA" "$@" ;;
	*)
		vg_keys="$vg_keys $tool_key"
		ma "$@" ;;
	esac
}


while read -r name image runnable; do
	case $name in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	truth=$TOP/examples/$name/truth.txt
	if ! [ -f "$img" ] || ! [ -f "$truth" ]; then
		fail "why $name: inputs" "$img or $truth missing"
		continue
	fi
	if is_aarch64 "$img" && ! need aarch64-linux-gnu-objdump; then
		continue
	fi
	set --
	if ! has_symtab "$img"; then
		if tw=$(twin "$img"); then
			set -- --names-from "$tw"
		else
			fail "why $name: names" "stripped, and no LIST image shares its build ID"
			continue
		fi
	fi
	topts="$* --truth $truth"
	if [ "$runnable" = yes ] && trace "$name" "$img"; then
		topts="$topts --trace $TMPD/cg.$name"
	fi
	# shellcheck disable=SC2086
	python3 "$HERE/whycheck.py" targets "$name" "$img" $topts < /dev/null > "$TMPD/targets.$name" ||
		fail "why $name: targets" "whycheck.py exit $?"
	i=0
	while read -r label query; do
		i=$((i + 1))
		out=$TMPD/why.$name.$i
		if tool "chain:$name" why -f json "$img" "$query" < /dev/null > "$out" 2> "$out.err"; then
			set -- "$@" "$label=$query=$out"
		else
			fail "why $name: chain to $label ($query)" \
				"mirage-audit why exit $?: $(head -n 1 "$out.err")"
		fi
	done < "$TMPD/targets.$name"
	python3 "$HERE/whycheck.py" verify "$name" "$img" "$@" < /dev/null ||
		fail "why $name: whycheck.py" "exit $?"

	for sym in $(sed -n 's/^dead-function //p; s/^dead-c-function //p' "$truth"); do
		check="why $name: seeded dead $sym is not reachable (ocaml)"
		out=$TMPD/whydead.$name.$sym
		tool dead-json why --precision ocaml -f json "$img" "$sym" < /dev/null > "$out" 2> "$out.err"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			fail "$check" "why -f json exit $rc: $(head -n 1 "$out.err")"
			continue
		fi
		r=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["why"]["reachable"])' \
			"$out" 2>&1)
		tool dead-text why --precision ocaml "$img" "$sym" < /dev/null > "$out.txt" 2> "$out.err"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			fail "$check" "why exit $rc: $(head -n 1 "$out.err")"
		elif [ "$r" != False ] && grep -q '"kind": "page"' "$out" &&
			[ "$(sed -n 's/^machine //p' "$truth")" = AArch64 ]; then
			# docs/reachability.md assumption 5: kept alive by an escaping anchor.
			skip "$check: known AArch64 imprecision (chain through a page step)"
		elif [ "$r" != False ]; then
			# shellcheck disable=SC2086
			fail "$check" "JSON reachable is $r: $(sed -n 2,20p "$out.txt" | tr -s ' ' |
				tr '\n' ';') chain check: $(python3 "$HERE/whycheck.py" explain "$name" \
				"$img" $topts "$sym" "$out" < /dev/null 2>&1 | head -n 1)"
		elif ! grep -q 'is not reachable' "$out.txt"; then
			fail "$check" "text says: $(head -n 1 "$out.txt")"
		else
			pass "$check"
		fi
	done

	check="why $name: a name that does not exist exits 2 with one error line"
	tool missing why "$img" mirage_audit_no_such_symbol < /dev/null > "$TMPD/nx.out" 2> "$TMPD/nx.err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		fail "$check" "exit $rc"
	elif [ -s "$TMPD/nx.out" ]; then
		fail "$check" "stdout not empty: $(head -n 1 "$TMPD/nx.out")"
	elif [ "$(grep -c . "$TMPD/nx.err")" -ne 1 ] || ! grep -q '^mirage-audit: ' "$TMPD/nx.err"; then
		fail "$check" "stderr: $(head -n 3 "$TMPD/nx.err" | tr '\n' '|')"
	else
		pass "$check"
	fi
done < "$EXAMPLES/LIST"
exit 0
