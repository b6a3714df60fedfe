#!/bin/sh
# Real images differ from ours: old Xen PV kernels (one RWX PT_LOAD at 0, the
# __xen_guest string, NOTYPE symbols of size 0), Mini-OS .note.Xen notes,
# ELF32 multiboot kernels, AArch64 Solo5 images, images without section
# headers. Each fixture is built here from the source beside this script (how
# each is built is in the commands below); facts are checked against readelf,
# nm and the source.
. tests/lib.sh
S=tests/shapes
J=$TMPD/j.json

# json EXPR: evaluate a python expression over the report in $J (bound to d).
json() { python3 -c "import json,sys; d=json.load(open('$J')); print($1)"; }
sums() {
	python3 - "$J" "$1" <<'PY'
import json, sys, os
d = json.load(open(sys.argv[1])); s = d['sizes']
ok = s['file_total'] == os.path.getsize(sys.argv[2])
for lvl in ('segments', 'sections', 'components', 'libraries', 'modules', 'symbols'):
    ok &= sum(e['file_size'] for e in s[lvl]) == s['file_total']
    ok &= sum(e['vm_size'] for e in s[lvl]) == s['vm_total']
sys.exit(0 if ok else 1)
PY
}
hexnum() { python3 -c "import sys; print(int(sys.argv[1], 16))" "$1"; }
eq() {	# eq NAME GOT WANT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# 1. Mirage 1.x Xen PV: ld -N makes one RWX segment at address 0.
as --64 -o $TMPD/m1.o $S/xenpv-mirage1.s && ld -N -static -nostdlib -Ttext=0x0 -e _start \
	--no-warn-rwx-segments -o $TMPD/m1.xen $TMPD/m1.o 2>/dev/null ||
	ld -N -static -nostdlib -Ttext=0x0 -e _start -o $TMPD/m1.xen $TMPD/m1.o 2>/dev/null
if ma -f json $TMPD/m1.xen > $J; then
	pass "xen-pv mirage1: loads"
	eq "xen-pv mirage1: target" "$(json "d['platform']['target']")" xen-pv
	eq "xen-pv mirage1: guest OS from __xen_guest" "$(json "d['platform']['xen']['guest_os']")" Mirage
	eq "xen-pv mirage1: one RWX LOAD" "$(json "[e['name'] for e in d['sizes']['segments'] if e['name'].startswith('LOAD')]")" \
		"['LOAD #0 [RWX]']"
	eq "xen-pv mirage1: OCaml units" "$(json "d['ocaml']['n_units']")" \
		"$(nm $TMPD/m1.xen | grep -c '__code_begin$')"
	# A NOTYPE symbol of size 0 owns the bytes up to the next symbol (nm -n).
	want=$(nm -n $TMPD/m1.xen | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if len(l.split()) == 3]
i = [r[2] for r in rows].index("camlUnikernel__helper_12")
a = int(rows[i][0], 16)
print(min(int(r[0], 16) for r in rows if int(r[0], 16) > a) - a)')
	eq "xen-pv mirage1: derived size of a NOTYPE symbol" \
		"$(json "[e['vm_size'] for e in d['sizes']['symbols'] if e['name'] == 'camlUnikernel__helper_12'][0]")" "$want"
	check "xen-pv mirage1: levels sum to the totals" sums $TMPD/m1.xen
else
	fail "xen-pv mirage1: loads"
fi

# 2. Mirage 2.x/3.x Xen PV: Mini-OS notes in .note.Xen.
as --64 -o $TMPD/mo.o $S/xenpv-minios.s && ld -static -nostdlib -e _start -o $TMPD/mo.xen $TMPD/mo.o
if ma -f json $TMPD/mo.xen > $J; then
	pass "xen-pv minios: loads"
	eq "xen-pv minios: target" "$(json "d['platform']['target']")" xen-pv
	eq "xen-pv minios: GUEST_OS note" "$(json "d['platform']['xen']['guest_os']")" Mini-OS
	eq "xen-pv minios: HYPERCALL_PAGE note" \
		"$(json "[n['value'] for n in d['platform']['xen']['notes'] if n['name'] == 'HYPERCALL_PAGE'][0]")" \
		"0x$(nm $TMPD/mo.xen | awk '$3 == "hypercall_page" { sub(/^0+/, "", $1); print $1 }')"
	check "xen-pv minios: levels sum to the totals" sums $TMPD/mo.xen
else
	fail "xen-pv minios: loads"
fi

# 3. ELF32 i386 multiboot kernel (Unikraft QEMU images are such files).
as --32 -o $TMPD/u.o $S/elf32-multiboot.s && ld -m elf_i386 -static -nostdlib -e _start -o $TMPD/u.elf $TMPD/u.o
if ma -f json $TMPD/u.elf > $J; then
	pass "elf32: loads"
	eq "elf32: class" "$(json "d['image']['class']")" ELF32
	eq "elf32: machine" "$(json "d['image']['machine']")" i386
	# The header is the first thing in .text: its file offset is .text's.
	eq "elf32: multiboot header offset" "$(json "d['platform']['multiboot']['offset']")" \
		"$(hexnum "$(readelf -SW $TMPD/u.elf | awk '{ for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 3) }')")"
	eq "elf32: symbol size" "$(json "[e['vm_size'] for e in d['sizes']['symbols'] if e['name'] == 'ukplat_entry'][0]")" \
		"$(hexnum "$(nm -S $TMPD/u.elf | awk '$4 == "ukplat_entry" { print $2 }')")"
	check "elf32: says code analysis is unavailable" grep -q 'code analysis is available for x86-64 and AArch64 only' $J
	check "elf32: levels sum to the totals" sums $TMPD/u.elf
else
	fail "elf32: loads"
fi

# 4. AArch64 freestanding image with a Solo5 ABI note (cross gcc from Debian).
if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
	aarch64-linux-gnu-gcc -O2 -ffreestanding -nostdlib -static -o $TMPD/a64.hvt $S/aarch64.c
	if ma -f json $TMPD/a64.hvt > $J; then
		pass "aarch64: loads"
		eq "aarch64: machine" "$(json "d['image']['machine']")" AArch64
		eq "aarch64: target from the ABI note" "$(json "d['platform']['target']")" hvt
		eq "aarch64: ABI version" "$(json "d['platform']['solo5']['abi']['version']")" 2
		eq "aarch64: function size" \
			"$(json "[e['vm_size'] for e in d['sizes']['symbols'] if e['name'] == 'solo5_app_main'][0]")" \
			"$(hexnum "$(aarch64-linux-gnu-nm -S $TMPD/a64.hvt | awk '$4 == "solo5_app_main" { print $2 }')")"
		check "aarch64: levels sum to the totals" sums $TMPD/a64.hvt
	else
		fail "aarch64: loads"
	fi
else
	fail "aarch64: aarch64-linux-gnu-gcc missing (make setup installs gcc-aarch64-linux-gnu)"
fi

# 5. No section headers at all (e_shoff = e_shnum = e_shstrndx = 0): sized from PT_LOAD.
python3 - $TMPD/m1.xen $TMPD/nosh.xen <<'PY'
import sys, struct
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', b, 0x28, 0)      # e_shoff
struct.pack_into('<HH', b, 0x3c, 0, 0)  # e_shnum, e_shstrndx
open(sys.argv[2], 'wb').write(b)
PY
if ma -f json $TMPD/nosh.xen > $J 2>$TMPD/err; then
	pass "no section headers: loads"
	eq "no section headers: has_section_headers" "$(json "d['image']['has_section_headers']")" False
	eq "no section headers: VM size from PT_LOAD" "$(json "d['sizes']['vm_total']")" \
		"$(readelf -lW $TMPD/nosh.xen 2>/dev/null | awk '$1 == "LOAD" { print $6 }' |
			python3 -c 'import sys; print(sum(int(x, 16) for x in sys.stdin.read().split()))')"
	check "no section headers: levels sum to the totals" sums $TMPD/nosh.xen
else
	fail "no section headers: loads" "$(cat $TMPD/err)"
fi
