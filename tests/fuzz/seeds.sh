#!/bin/sh
# SPDX-License-Identifier: ISC
# Seed corpora for the libFuzzer targets, generated from the built examples
# (never committed): usage: MA=BINARY seeds.sh EXAMPLES_DIR OUTDIR
# Writes OUTDIR/<target>/ for load, notes, reach, json, map and opam (see README.md for
# each target's input format). Existing files are kept: a corpus grows.
set -u
ex=$1
out=$2
: "${MA:?MA must name the mirage-audit binary}"
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$ex/LIST" ] || { echo "seeds: no $ex/LIST (run 'make examples')" >&2; exit 2; }
mkdir -p "$out/load" "$out/notes" "$out/reach" "$out/json" "$out/map" "$out/opam"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# load: every example image, and the hostile fixtures of tests/malformed.
while read -r name image _; do
	cp "$ex/$image" "$out/load/$name"
done < "$ex/LIST"
if python3 "$top/tests/malformed/gen.py" --base "$ex/solo5-hello/solo5-hello.spt" \
	"$tmp/malformed" > /dev/null 2>&1; then
	for f in "$tmp"/malformed/*; do
		[ -f "$f" ] && [ "$(basename "$f")" != expect ] && cp "$f" "$out/load/malformed-$(basename "$f")"
	done
fi

# notes: each PT_NOTE of each example behind the flags byte 0x01 (also an
# SHT_NOTE) or 0x02 (AArch64, PROGBITS section); the small images whole.
# reach: the header of fuzz_reach.c (flags 0x08: a .data quarter; symbols
# _start at 0 and caml_program at 1/2 of .text) and the first 16 KiB of
# each example's executable PT_LOAD (AArch64 images: flags 0x09).
python3 - "$ex" "$out" <<'PY'
import os, struct, sys
ex, out = sys.argv[1], sys.argv[2]
for line in open(os.path.join(ex, "LIST")):
    name, image = line.split()[:2]
    b = open(os.path.join(ex, image), "rb").read()
    if b[:4] != b"\x7fELF" or b[4] != 2 or b[5] != 1:
        continue
    machine, = struct.unpack_from("<H", b, 18)
    phoff, = struct.unpack_from("<Q", b, 32)
    phentsize, phnum = struct.unpack_from("<HH", b, 54)
    for i in range(phnum):
        typ, flags, off, vaddr, paddr, filesz = struct.unpack_from("<IIQQQQ", b, phoff + i * phentsize)
        seg = b[off:off + filesz]
        if typ == 4:
            for flag in (1, 2):
                open(os.path.join(out, "notes", "%s-note%d-%d" % (name, i, flag)), "wb").write(bytes([flag]) + seg)
        if typ == 1 and flags & 1:
            arch = 1 if machine == 183 else 0
            hdr = bytes([arch | 8, 2, 0x20, 0, 0x02, 128]) + bytes(10)
            open(os.path.join(out, "reach", "%s-text%d" % (name, i)), "wb").write(hdr + seg[:16384])
    if len(b) < 300000:
        open(os.path.join(out, "notes", name + "-whole"), "wb").write(b)
PY

# json: selector byte, then the document: 0 a saved report, 1 a certificate
# (9: the same with its sha256 replaced by the checked image's), 2 rules, 3 a catalogue.
while read -r name image cert; do
	printf '\000' > "$out/json/report-$name"
	"$MA" -q -f json "$ex/$image" >> "$out/json/report-$name" 2>/dev/null
	[ "$cert" = yes ] || continue
	if "$MA" -q --certificate "$tmp/cert" -o /dev/null "$ex/$image" 2>/dev/null; then
		{ printf '\001'; cat "$tmp/cert"; } > "$out/json/cert-$name"
		{ printf '\011'; cat "$tmp/cert"; } > "$out/json/cert-rehash-$name"
	fi
done < "$ex/LIST"
{ printf '\002'; cat "$top/analyzers/attribution.rules"; } > "$out/json/rules"
{ printf '\003'; cat "$top/analyzers/facilities.catalogue"; } > "$out/json/catalogue"
{ printf '\004'; cat "$top/examples/ocaml-net/budget.json"; } > "$out/json/budget-ocaml-net"
printf '\004{"schema": "mirage-audit/budget", "schema_version": 1, "symbols": {"a": {"max_file": 1}}, "growth": {"max_vm_percent": 0.5}, "devices": {"forbidden": ["x"]}}' > "$out/json/budget-small"
# map: selector byte 0 and a link map (the C examples' whole, whose LOAD lines name
# objects under build/examples/, read when fuzzing from the top; the first 60 KiB of
# an OCaml one: its include part, with /usr/ made relative so that each run does not
# read libc.a); selector 1 and 3 and a build log in dune's shape.
for m in "$ex"/*/*.map; do
	[ -f "$m" ] || continue
	n=$(basename "$m" .map)
	{ printf '\000'; head -c 61440 "$m" | sed 's|/usr/|usr/|g'; } > "$out/map/map-$n"
done
printf '\003$ (cd _build/solo5 && ocamlfind ocamlopt -verbose -o x.spt '"'"'a b.cmxa'"'"' main.cmx)\n+ as -o '"'"'/tmp/camlstartup1.o'"'"' '"'"'x.startup.s'"'"'\n+ cc -o '"'"'x.spt'"'"' '"'"'/tmp/camlstartup1.o'"'"' "q\\"x" -Wl,-Map,x.map\n' > "$out/map/log-dune"
# opam: selector byte (fuzz_opam.c's files[]), then the fixture file of that kind.
i=0
for f in build-mirage4/mirage/x-hvt.opam.locked build-mirage4/mirage/x-hvt.opam \
	 build-mirage4/mirage/main.ml build-mirage4/mirage/manifest.json build-mirage4/mirage/context \
	 build-mirage4/dune.build build-mirage4/dune-workspace build-mirage4/duniverse/tcpip/src/stack-direct/dune \
	 - - build-mirage3/x.xl build-mirage2/Makefile; do
	case $f in
	-) [ $i = 8 ] && src=/usr/lib/ocaml/lwt/META || src=/usr/lib/ocaml/lwt/dune-package ;;
	*) src=$top/tests/shapes/$f ;;
	esac
	[ -f "$src" ] && { printf "\\$(printf %o $i)"; cat "$src"; } > "$out/opam/seed-$i"
	i=$((i + 1))
done
echo "seeds: $(ls "$out/load" | wc -l) load, $(ls "$out/notes" | wc -l) notes," \
	"$(ls "$out/reach" | wc -l) reach, $(ls "$out/json" | wc -l) json," \
	"$(ls "$out/map" | wc -l) map, $(ls "$out/opam" | wc -l) opam inputs in $out"
