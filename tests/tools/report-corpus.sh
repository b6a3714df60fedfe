#!/bin/sh
# SPDX-License-Identifier: ISC
# Write every report of every example into DIR, one file per command, format and
# example, so a refactoring that must not change behaviour can be shown byte-identical:
#   sh tests/tools/report-corpus.sh BIN EXAMPLES DIR-before
#   ...change the code, rebuild...
#   sh tests/tools/report-corpus.sh BIN EXAMPLES DIR-after && diff -r DIR-before DIR-after
# Each file ends with the command's exit status, so a changed status shows too.
# Timings and paths are not in the reports' bytes; the example paths are relative.
set -u
bin=$1 ex=$2 out=$3
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
cd "$ex" || exit 2
run() {	# run NAME ARGS...: the tool's stdout, then its status, into $out/NAME
	dst=$out/$1
	shift
	"$bin" "$@" > "$dst" 2> "$dst.err"
	echo "exit $?" >> "$dst"
}
prev=
while read -r name image _; do
	for f in text json csv sarif; do run "$name.report.$f" report -n 0 -f $f "$image"; done
	for l in segment section component library module symbol; do
		for f in text json csv; do run "$name.size.$l.$f" size -d $l -n 0 -f $f "$image"; done
	done
	run "$name.size.nested" size -d component,library,module -n 5 "$image"
	run "$name.size.retained" size -d module --retained -n 0 "$image"
	for f in text json csv; do
		run "$name.dead.$f" dead -n 0 -f $f "$image"
		run "$name.dead.cons.$f" dead -n 0 --precision conservative -f $f "$image"
	done
	for f in text json csv sarif; do
		run "$name.facilities.$f" facilities -f $f "$image"
		run "$name.drivers.$f" drivers -f $f "$image"
	done
	for s in caml_main solo5_app_main caml_program; do
		for f in text json; do run "$name.why.$s.$f" why -f $f "$image" $s; done
	done
	for lv in module library facility; do run "$name.graph.$lv.dot" graph --level $lv -f dot "$image"; done
	if [ -n "$prev" ]; then
		for f in text json md; do run "$name.diff.$f" diff -n 0 -f $f "$prev" "$image"; done
	fi
	prev=$image
done < LIST
