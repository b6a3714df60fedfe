#!/bin/sh
# SPDX-License-Identifier: ISC
# seal against running code and independent truth (docs/seal.md).
#
# Every runnable example (LIST column 3 = yes) runs as its truth.txt "run" line says
# (tender: build/examples/tender; direct: the image is the executable), then is sealed
# in both precision modes at both levels, and each sealed image must print exactly what
# the original prints, with the same exit status. Each sealed image: readelf -a -W and nm
# warn about nothing the original does not warn about; sealcheck.py bytes finds every
# changed loaded byte inside a trapped range and every trapped byte a trap; seal --check
# passes against the original. At function level, ocaml precision: no function that ran
# under callgrind has a trap byte; the trapped bytes equal nm -S's sizes of the functions
# `dead` lists (images with symbols); sealing the sealed image gives the same bytes, and
# sealing again the same input too. The run check can fail: with the test-only
# MIRAGE_AUDIT_TEST_FORCE_DEAD=solo5_app_main (a function that runs) the sealed image
# stops on SIGTRAP (exit 133) and seal --check fails; a sealed image with one byte of a
# live function patched to 0xcc fails seal --check, with and without its original.
# --strip-debug and --strip-all keep the sections binutils' strip keeps. The examples
# that do not run here (AArch64, Xen) are sealed and checked by bytes and --check.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

HERE=$TOP/tests/seal

need_examples "seal" || exit 1
# Everything here is installed by `make setup`: a missing tool is a failure, not a skip.
need python3 readelf nm strip valgrind || exit 1
have_callgrind=1

. "$TOP/tests/reach/lib.sh"

. "$HERE/runlib.sh"

# warnings TOOL IMAGE: what readelf -a -W or nm prints on stderr, the file name taken out.
warnings() {
	case $1 in
	readelf) readelf -a -W "$2" 2>&1 >/dev/null ;;
	nm) nm "$2" 2>&1 >/dev/null ;;
	esac | sed "s|$2|IMAGE|g"
}

# same_warnings LABEL IMAGE ORIGINAL: readelf and nm warn about IMAGE as about ORIGINAL.
same_warnings() {
	for tool in readelf nm; do
		warnings "$tool" "$3" > "$TMPD/w.orig"
		warnings "$tool" "$2" > "$TMPD/w.seal"
		if cmp -s "$TMPD/w.orig" "$TMPD/w.seal"; then
			pass "$1: $tool reads it without new warnings"
		else
			fail "$1: $tool reads it without new warnings" "$(diff "$TMPD/w.orig" \
				"$TMPD/w.seal" | grep '^>' | head -n 2 | tr '\n' '|')"
		fi
	done
}

# sealcheck LABEL ARGS...: tests/seal/sealcheck.py ARGS as one check.
sealcheck() {
	sc_label=$1
	shift
	if sc_msg=$(python3 "$HERE/sealcheck.py" "$@" 2>&1); then
		pass "$sc_label"
	else
		fail "$sc_label" "$(printf '%s' "$sc_msg" | tail -n 1)"
	fi
}

# seal_check LABEL WANT_RC ARGS...: seal --check ARGS exits WANT_RC.
seal_check() {
	sk_label=$1 sk_want=$2
	shift 2
	ma seal --check "$@" > "$TMPD/check.out" 2>&1
	sk_rc=$?
	if [ "$sk_rc" -eq "$sk_want" ]; then
		pass "$sk_label"
	else
		fail "$sk_label" "exit $sk_rc, not $sk_want: $(grep -m 1 FAIL "$TMPD/check.out")"
	fi
}

while read -r ex image runnable; do
	case $ex in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	ra_dir=$(dirname "$img")
	if ! [ -f "$img" ]; then
		fail "seal $ex: inputs" "$img missing"
		continue
	fi
	run_line=$(sed -n 's/^run //p' "$TOP/examples/$ex/truth.txt" | head -n 1)
	[ "$runnable" = yes ] && [ -n "$run_line" ] || runnable=no
	if [ "$runnable" = yes ]; then
		run_as "$ex" "$img" "$TMPD/$ex.orig.out"
		orig_rc=$run_rc
		want=$(sed -n 's/^prints //p' "$TOP/examples/$ex/truth.txt" | head -n 1)
		check "seal $ex: the original runs and prints its line" \
			grep -qxF "$want" "$TMPD/$ex.orig.out"
	fi
	for mode in conservative ocaml; do
		for level in function module; do
			o=$TMPD/$ex.$mode.$level
			label="seal $ex $mode $level"
			if ! ma seal --precision "$mode" --level "$level" -f json -o "$o.img" "$img" \
			    > "$o.json" 2> "$o.err"; then
				fail "$label: seal" "exit $?: $(head -n 1 "$o.err")"
				continue
			fi
			if [ "$runnable" = yes ]; then
				run_as "$ex" "$o.img" "$o.out"
				if [ "$run_rc" -eq "$orig_rc" ] && cmp -s "$TMPD/$ex.orig.out" "$o.out"
				then
					pass "$label: runs and prints what the original prints"
				else
					fail "$label: runs and prints what the original prints" \
						"exit $run_rc (original $orig_rc), prints '$(head -n 1 "$o.out")'"
				fi
			fi
		done
	done
	o=$TMPD/$ex.ocaml.function
	[ -f "$o.img" ] || continue
	label="seal $ex ocaml function"
	# The independent checks on the largest seal (the run time stays near a minute).
	sealcheck "$label: loaded bytes changed only to traps, in the ranges" \
		bytes "$img" "$o.img" "$o.json"
	same_warnings "$label" "$o.img" "$img"
	seal_check "$label: seal --check passes against the original" 0 "$o.img" "$img"
	ma seal -o "$o.again" "$o.img" > /dev/null 2>&1
	check "$label: sealing the sealed image gives the same bytes" cmp -s "$o.img" "$o.again"
	ma seal -o "$o.again" "$img" > /dev/null 2>&1
	check "$label: the same input gives the same bytes" cmp -s "$o.img" "$o.again"
	set --
	if has_symtab "$img"; then
		ma dead -f json "$img" > "$o.dead" 2>/dev/null
		sealcheck "$label: trapped bytes = nm sizes of the dead functions" \
			count "$img" "$o.dead" "$o.json"
	elif tw=$(twin "$img"); then
		set -- "$tw"
	fi
	if [ "$runnable" = yes ] && [ "$have_callgrind" = 1 ]; then
		if trace "$ex" "$img"; then
			sealcheck "$label: no function that ran has a trap byte" \
				executed "$img" "$o.json" "$TMPD/cg.$ex" "$@"
		else
			fail "$label: callgrind run" "exit $tr_rc, no trace"
		fi
	fi
done < "$EXAMPLES/LIST"

# The run check can fail: a function that runs, forced dead (test only), traps.
for ex in solo5-hello ocaml-net; do
	image=$(awk -v n="$ex" '$1 == n { print $2 }' "$EXAMPLES/LIST")
	img=$EXAMPLES/$image
	ra_dir=$(dirname "$img")
	[ -f "$img" ] || continue
	o=$TMPD/$ex.forced
	if ! MIRAGE_AUDIT_TEST_FORCE_DEAD=solo5_app_main ma seal -o "$o.img" "$img" > /dev/null \
	    2> "$o.err"; then
		fail "seal $ex forced dead: seal" "$(head -n 1 "$o.err")"
		continue
	fi
	# (the shell's own "Trace/breakpoint trap" line goes to null)
	run_as "$ex" "$o.img" "$o.out" 2>/dev/null
	check "seal $ex forced dead: the sealed image stops on SIGTRAP (exit 133)" \
		[ "$run_rc" -eq 133 ]
	seal_check "seal $ex forced dead: seal --check fails against the original" 1 "$o.img" "$img"
	# One byte of a live function patched to a trap, after sealing.
	p=$TMPD/$ex.patched
	if python3 "$HERE/sealcheck.py" patch "$TMPD/$ex.ocaml.function.img" solo5_app_main \
	    "$p.img" > /dev/null; then
		seal_check "seal $ex patched: seal --check fails" 1 "$p.img"
		seal_check "seal $ex patched: seal --check fails against the original" 1 "$p.img" "$img"
	else
		fail "seal $ex patched: patch" "no solo5_app_main in $ex"
	fi
done

# The JSON documents against their schemas: seal, seal --check, and a sealed image's report.
S=$TOP/docs/seal.schema.json R=$TOP/docs/report.schema.json
o=$TMPD/ocaml-net.ocaml.function
if [ -f "$o.img" ]; then
	sealcheck "seal -f json: valid (docs/seal.schema.json)" schema "$S" "$o.json" "$R"
	ma seal --check -f json "$o.img" "$EXAMPLES/ocaml-net/ocaml-net.spt" > "$o.check.json" 2>/dev/null
	sealcheck "seal --check -f json: valid (docs/seal.schema.json)" schema "$S" "$o.check.json"
	ma report -f json "$o.img" > "$o.report.json" 2>/dev/null
	sealcheck "report -f json of a sealed image: valid (docs/report.schema.json)" \
		schema "$R" "$o.report.json"
	check "report -f json of a sealed image: a 'sealed' object" \
		grep -q '"sealed": {' "$o.report.json"
	check "report of a sealed image: a 'sealed' line" sh -c "'$MA' report '$o.img' | grep -q '^sealed '"
	# A record that lies (more ranges than it holds) is malformed: a warning, and --check fails.
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.rindex(b"\nranges ") + 8
j = d.index(b"\n", i); open(sys.argv[2], "wb").write(d[:i] + b"9" * (j - i) + d[j:])' \
		"$o.img" "$o.lie"
	check "report of a malformed record: a warning" sh -c "'$MA' report '$o.lie' 2>&1 >/dev/null | \
grep -q 'malformed seal record'"
	seal_check "seal --check of a malformed record fails" 1 "$o.lie"
fi

# --strip-debug and --strip-all keep the sections binutils' strip keeps (and the record).
ex=ocaml-net
image=$(awk -v n="$ex" '$1 == n { print $2 }' "$EXAMPLES/LIST")
img=$EXAMPLES/$image
ra_dir=$(dirname "$img")
# sections IMAGE: the section names, the seal record's left out.
sections() {
	readelf -SW "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p' |
		grep -vx '.note.mirage-audit.seal'
}
for s in debug all; do
	o=$TMPD/$ex.strip-$s
	if ! ma seal --strip-$s -o "$o.img" "$img" > /dev/null 2> "$o.err"; then
		fail "seal $ex --strip-$s: seal" "$(head -n 1 "$o.err")"
		continue
	fi
	strip --strip-$s -o "$o.ref" "$img"
	sections "$o.img" > "$o.have"
	sections "$o.ref" > "$o.want"
	check "seal $ex --strip-$s: the sections strip --strip-$s keeps" cmp -s "$o.have" "$o.want"
	if [ -z "$(readelf -a -W "$o.img" 2>&1 >/dev/null | grep -v "$(readelf -a -W "$img" 2>&1 \
	    >/dev/null | head -n 1)" | grep -v 'type: 0x')" ]; then
		pass "seal $ex --strip-$s: readelf reads it without new warnings"
	else
		fail "seal $ex --strip-$s: readelf reads it without new warnings" \
			"$(readelf -a -W "$o.img" 2>&1 >/dev/null | head -n 1)"
	fi
	run_as "$ex" "$o.img" "$o.out"
	check "seal $ex --strip-$s: runs and prints what the original prints" \
		cmp -s "$o.out" "$TMPD/$ex.orig.out"
	seal_check "seal $ex --strip-$s: seal --check passes against the original" 0 "$o.img" "$img"
done
# Every dead facility is sealed by traps: solo5-seeded links Solo5's block API but never calls
# it (its README; nm shows solo5_block_write). Sealed whole, --check against the original
# holds; with solo5_block_write spared by --keep, the block-device facility is dead but not
# sealed, and --check says so.
SD=$EXAMPLES/solo5-seeded/solo5-seeded.spt
check "dead facility: solo5-seeded links solo5_block_write (nm)" \
	sh -c "nm '$SD' | grep -qw solo5_block_write"
ma seal -q -o "$TMPD/df.img" "$SD" > /dev/null 2>&1
seal_check "dead facility: every dead facility trapped, --check holds" 0 "$TMPD/df.img" "$SD"
ma seal -q --keep solo5_block_write -o "$TMPD/dk.img" "$SD" > /dev/null 2>&1
seal_check "dead facility: one function of block-device kept, --check fails" 1 "$TMPD/dk.img" "$SD"
check "dead facility: the failure names block-device and the function" \
	grep -q "dead facility 'block-device'.*solo5_block_write" "$TMPD/check.out"
exit 0
