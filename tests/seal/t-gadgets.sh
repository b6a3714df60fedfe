#!/bin/sh
# Gadget counts (analyzers/gadgets.c, docs/seal.md "Gadget counts"), checked
# against independent truth:
#   - two fixtures built here from the assembler beside this script
#     (gadgets-x86.s with as and ld; gadgets-a64.s with aarch64-linux-gnu-as
#     -march=armv8.3-a and ld -z separate-code, so that the ELF headers are not
#     in the executable segment): the exact counts by kind are the hand count
#     written in each block's comment, repeated below; the bytes scanned are
#     the executable PT_LOAD's file size by readelf; with a hostile copy whose
#     headers' segment is made executable over .text, their union
#   - ROPgadget (Debian's python3-ropgadget, `make setup`) on ocaml-net.spt
#     and aarch64-hello.hvt: the same order of magnitude (ratio within 1/4..4),
#     its gadgets brought as near our definition as its options and output allow
#     (rg_count below says how, and docs/seal.md why they still differ)
#   - a copy of ocaml-net.spt whose ten largest functions (nm -S) are
#     overwritten with int3 bytes: both counts go down, by amounts of the same
#     order of magnitude
. tests/lib.sh
S=tests/seal
J=$TMPD/j.json
X=$EXAMPLES/ocaml-net/ocaml-net.spt
A=$EXAMPLES/aarch64-hello/aarch64-hello.hvt

# ours IMAGE: "total ret jmp call code_bytes" from `report -f json`, or nothing.
ours() {
	ma report -f json -n 0 "$1" > "$J" 2> /dev/null || return 1
	python3 -c "import json; g = json.load(open('$J'))['gadgets']
print(g['total'], g['ret'], g['jmp'], g['call'], g['code_bytes'], g['max_insns'])"
}

# exec_filesz IMAGE: the file bytes of the executable PT_LOADs, by readelf (the
# flags are columns 7 to NF-1: "R E" is two).
exec_filesz() {
	s=0
	for z in $(readelf -lW "$1" | awk '$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $i; if (f ~ /E/) print $5 }'); do
		s=$((s + z))
	done
	echo $s
}

# rg_count IMAGE DEPTH: ROPgadget's gadgets as near ours as it allows, as
# "total ret jmp call". --all keeps every address (no deduplication by text);
# --nosys drops its syscall/int 0x80 gadgets, which are not ours. --depth is in
# bytes before the last instruction on x86 (in 4-byte steps on AArch64, where
# 5 is 5 instructions). From its listing: gadgets of at most 5 instructions
# (GADGET_MAX_INSNS), not ending in a direct jmp (its JOP engine counts `jmp
# 0x...` ends), each start address once.
rg_count() {
	ROPgadget --binary "$1" --all --nosys --depth "$2" > "$TMPD/rg.txt" 2>&1 || return 1
	python3 - "$TMPD/rg.txt" <<'PY'
import re, sys
by = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(0x[0-9a-f]+) : (.*)$', line.rstrip('\n'))
    if not m:
        continue
    insns = m.group(2).split(' ; ')
    last = insns[-1]
    if len(insns) > 5 or re.match(r'^jmp 0x[0-9a-f]+$', last):
        continue
    op = last.split(' ')[0]
    kind = 'ret' if op.startswith('ret') else 'jmp' if op in ('jmp', 'br', 'ljmp') else 'call'
    by.setdefault(m.group(1), kind)
k = list(by.values())
print(len(k), k.count('ret'), k.count('jmp'), k.count('call'))
PY
}

# within LO HI A B: A/B is between LO and HI (B > 0).
within() { python3 -c "import sys; sys.exit(not ($3 > 0 and $4 > 0 and $1 <= $3 / $4 <= $2))"; }

# --- fixtures: exact hand counts --------------------------------------------------
# gadgets-x86.s, by block: A 2 ret, B 1 jmp, C 1 call, D 1 ret, E 0, F 3 ret,
# G 5 ret, H 1 ret, I 2 jmp, J 1 call: 12 ret, 3 jmp, 2 call, 17 in all.
if as -o "$TMPD/gx.o" $S/gadgets-x86.s && ld -o "$TMPD/gx" "$TMPD/gx.o"; then
	got=$(ours "$TMPD/gx")
	check "x86 fixture: gadgets 17 (ret 12, jmp 3, call 2) by hand" \
		[ "$(echo "$got" | cut -d' ' -f1-4)" = "17 12 3 2" ]
	check "x86 fixture: at most 5 instructions (GADGET_MAX_INSNS, block G)" \
		[ "$(echo "$got" | cut -d' ' -f6)" = 5 ]
	check "x86 fixture: code bytes = the executable PT_LOAD's file size (readelf)" \
		[ "$(echo "$got" | cut -d' ' -f5)" = "$(exec_filesz "$TMPD/gx")" ]
	echo "x86 fixture: $got"
else
	fail "x86 fixture: as/ld failed"
fi
# Hostile headers: the fixture's first PT_LOAD (the ELF headers) made
# executable and stretched over .text, so two executable segments claim the
# same bytes: each byte is scanned once (the union of the two ranges, from
# readelf on the copy), not once per header.
if [ -f "$TMPD/gx" ] && python3 - "$TMPD/gx" "$TMPD/gx-ov" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', d, 0x20)
end = max(off + fs for t, fl, off, va, pa, fs, ms in
          (struct.unpack_from('<IIQQQQQ', d, phoff + i * 56)
           for i in range(struct.unpack_from('<H', d, 0x38)[0])) if t == 1)
t, fl, off, va, pa, fs, ms = struct.unpack_from('<IIQQQQQ', d, phoff)
struct.pack_into('<IIQQQQQ', d, phoff, t, fl | 1, off, va, pa, end - off, end - off)
open(sys.argv[2], 'wb').write(d)
PY
then
	union=$(readelf -lW "$TMPD/gx-ov" | python3 -c "
import sys
r = sorted((int(f[1], 16), int(f[1], 16) + int(f[4], 16)) for f in map(str.split, sys.stdin)
           if f and f[0] == 'LOAD' and 'E' in f[6:-1])
n, hi = 0, 0
for lo, h in r:
    lo = max(lo, hi)
    n += max(0, h - lo)
    hi = max(hi, h)
print(n)")
	got=$(ours "$TMPD/gx-ov")
	check "overlapping executable segments: code bytes = their union ($union by readelf)" \
		[ "$(echo "$got" | cut -d' ' -f5)" = "$union" ]
else
	fail "overlapping segments: could not build the copy"
fi
# gadgets-a64.s, by block: A 2 ret, B 1 jmp, C 1 call, D 0, E 1 ret, F 5 ret,
# G retaa, braaz, blraa 1 each: 9 ret, 2 jmp, 2 call, 13 in all.
if aarch64-linux-gnu-as -march=armv8.3-a -o "$TMPD/ga.o" $S/gadgets-a64.s &&
	aarch64-linux-gnu-ld -z separate-code -o "$TMPD/ga" "$TMPD/ga.o"; then
	got=$(ours "$TMPD/ga")
	check "AArch64 fixture: gadgets 13 (ret 9, jmp 2, call 2) by hand" \
		[ "$(echo "$got" | cut -d' ' -f1-4)" = "13 9 2 2" ]
	check "AArch64 fixture: code bytes = the executable PT_LOAD's file size (readelf)" \
		[ "$(echo "$got" | cut -d' ' -f5)" = "$(exec_filesz "$TMPD/ga")" ]
	echo "AArch64 fixture: $got"
else
	fail "AArch64 fixture: as/ld failed"
fi

# --- ROPgadget: the same order of magnitude -----------------------------------------
if ! command -v ROPgadget > /dev/null; then
	fail "ROPgadget missing: make setup installs python3-ropgadget"
	exit 0
fi
for img in "$X 20" "$A 5"; do
	set -- $img
	o=$(ours "$1")
	r=$(rg_count "$1" "$2")
	echo "$(basename "$1"): ours total ret jmp call bytes insns = $o; ROPgadget total ret jmp call = $r"
	check "$(basename "$1"): gadget total within 1/4..4 of ROPgadget's" \
		within 0.25 4 "${o%% *}" "${r%% *}"
	check "$(basename "$1"): code bytes = the executable PT_LOADs' file size (readelf)" \
		[ "$(echo "$o" | cut -d' ' -f5)" = "$(exec_filesz "$1")" ]
done

# --- int3 over the ten largest functions: both counts go down ------------------------
python3 - "$X" "$TMPD/cc.spt" <<'PY' > "$TMPD/cc.txt"
import subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
# Segments by readelf, functions by nm: vaddr -> file offset through the PT_LOAD.
segs = []
for l in subprocess.run(['readelf', '-lW', src], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if f and f[0] == 'LOAD':
        segs.append((int(f[2], 16), int(f[1], 16), int(f[4], 16)))
fns = []
for l in subprocess.run(['nm', '-S', src], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) == 4 and f[2] in 'tT':
        fns.append((int(f[1], 16), int(f[0], 16), f[3]))
fns.sort(reverse=True)
data = bytearray(open(src, 'rb').read())
n = 0
for size, va, name in fns[:10]:
    for sva, off, filesz in segs:
        if sva <= va and va + size <= sva + filesz:
            o = off + va - sva
            data[o:o + size] = b'\xcc' * size
            n += size
            break
open(dst, 'wb').write(data)
print(n)
PY
o0=$(ours "$X"); o1=$(ours "$TMPD/cc.spt")
r0=$(rg_count "$X" 20); r1=$(rg_count "$TMPD/cc.spt" 20)
echo "int3 over $(cat "$TMPD/cc.txt") bytes: ours ${o0%% *} -> ${o1%% *}; ROPgadget ${r0%% *} -> ${r1%% *}"
check "int3: our count goes down" [ "${o1%% *}" -lt "${o0%% *}" ]
check "int3: ROPgadget's count goes down" [ "${r1%% *}" -lt "${r0%% *}" ]
check "int3: the two reductions within 1/4..4 of each other" \
	within 0.25 4 $((${o0%% *} - ${o1%% *})) $((${r0%% *} - ${r1%% *}))

# --- sealing: both counters see fewer gadgets, and seal's own before/after agree with ours ---
# solo5-seeded (freestanding, small: ROPgadget reads it in a second) sealed at function level.
SD=$EXAMPLES/solo5-seeded/solo5-seeded.spt
if "$MA" seal -q -o "$TMPD/sealed.spt" "$SD" > /dev/null 2>&1; then
	o0=$(ours "$SD")
	o1=$(ours "$TMPD/sealed.spt")
	r0=$(rg_count "$SD" 20)
	r1=$(rg_count "$TMPD/sealed.spt" 20)
	echo "sealed solo5-seeded: ours ${o0%% *} -> ${o1%% *}; ROPgadget ${r0%% *} -> ${r1%% *}"
	check "sealed: our count goes down" [ "${o1%% *}" -lt "${o0%% *}" ]
	check "sealed: ROPgadget's count goes down" [ "${r1%% *}" -lt "${r0%% *}" ]
	check "sealed: the two reductions within 1/4..4 of each other" \
		within 0.25 4 "$(( ${o0%% *} - ${o1%% *} ))" "$(( ${r0%% *} - ${r1%% *} ))"
else
	fail "sealed: seal of solo5-seeded failed"
fi
