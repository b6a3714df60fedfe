#!/bin/sh
# SPDX-License-Identifier: ISC
# buildlog.sh LOG TARGET [INPUT]...: write LOG, in the shape of dune's _build/log, from the
# fragments logrun.sh wrote for each INPUT (INPUT.log, when it exists: the compile lines)
# and for TARGET (the link), in that order. The log is rewritten, never appended to: it is
# assembled in a temporary file and renamed, so a relink replaces it and two makes never
# interleave.
set -eu
log=$1
target=$2
shift 2
tmp=$log.tmp.$$
{
	printf '# examples.mk: make %s\n' "$target"
	for f; do
		[ ! -f "$f.log" ] || cat "$f.log"
	done
	cat "$target.log"
} > "$tmp"
mv "$tmp" "$log"
