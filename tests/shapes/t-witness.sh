#!/bin/sh
# SPDX-License-Identifier: ISC
# Witnesses a reviewer accepts on a MirageOS 1.x-shaped Xen PV kernel
# (xenpv-mirage1-full.s: one RWX segment at 0, NOTYPE symbols of size 0, a
# zero-filled hypercall_page right before caml_program, a size-0
# caml_absf_mask followed by C string literals whose bytes read as small
# addresses). Truth comes from the fixture's source, nm, readelf, objdump and
# the image bytes; every chain is checked step by step by
# tests/reach/whycheck.py.
. tests/lib.sh
S=tests/shapes
SRC=$S/xenpv-mirage1-full.s
IMG=$TMPD/m1full.xen
WHYCHECK=tests/reach/whycheck.py

need python3 readelf nm objdump as ld || exit 1

as --64 -o $TMPD/m1full.o $SRC && ld -N -static -nostdlib -Ttext=0x0 -e _start \
	--no-warn-rwx-segments -o $IMG $TMPD/m1full.o 2>/dev/null ||
	ld -N -static -nostdlib -Ttext=0x0 -e _start -o $IMG $TMPD/m1full.o 2>/dev/null
if ! [ -s $IMG ]; then
	fail "witness: fixture builds"
	exit 1
fi

# addr NAME: the address of NAME (nm), in decimal.
addr() { python3 -c "import sys; print(int(sys.argv[1], 16))" \
	"$(nm $IMG | awk -v n="$1" '$3 == n { print $1 }')"; }

HP=$(addr hypercall_page)
MASK=$(addr caml_absf_mask)
ENDS=$(addr console_ring_end)
DEAD_LO=$(addr camlEnv__fun_6152)
DEAD_HI=$(addr camlEnv__code_end)
# The source declares caml_absf_mask as two .quad: its own bytes are 16. The
# C string literals run from there to console_ring_end.
STR_LO=$((MASK + 16))

# The fixture is what it claims to be (else the checks below prove nothing):
# one RWX PT_LOAD at 0; hypercall_page 4 KiB of zeros ending where caml_program
# starts; text at caml_absf_mask + 16; an aligned word among the strings that
# holds an address inside camlEnv__fun_6152.
check "witness fixture: one RWX LOAD at 0" \
	sh -c "readelf -lW $IMG | awk '\$1 == \"LOAD\"' | grep -q '0x0000000000000000 0x0000000000000000 .* RWE'"
check "witness fixture: hypercall_page is 4 KiB right before caml_program" \
	test "$((HP + 4096))" -eq "$(addr caml_program)"
python3 - "$IMG" "$HP" "$STR_LO" "$ENDS" "$DEAD_LO" "$DEAD_HI" > $TMPD/fx <<'PY'
import sys, subprocess
img, hp, slo, send, dlo, dhi = sys.argv[1], *map(int, sys.argv[2:])
data = open(img, 'rb').read()
def rd(a, n):
    for l in subprocess.run(['readelf', '-lW', img], capture_output=True, text=True).stdout.splitlines():
        p = l.split()
        if p and p[0] == 'LOAD':
            off, va, fs = int(p[1], 16), int(p[2], 16), int(p[4], 16)
            if va <= a and a + n <= va + fs:
                return data[off + a - va:off + a - va + n]
print('zero' if rd(hp, 4096) == bytes(4096) else 'nonzero')
s = rd(slo, send - slo)
print('text' if all(32 <= c < 127 or c in (0, 9, 10) for c in s) and s[:4].isascii() and s[0] else 'binary')
hits = [a for a in range((slo + 7) & ~7, send - 7, 8) if dlo <= int.from_bytes(rd(a, 8), 'little') < dhi]
print(len(hits))
PY
check "witness fixture: hypercall_page is zero-filled in the file" test "$(sed -n 1p $TMPD/fx)" = zero
check "witness fixture: C string literals follow caml_absf_mask's 16 bytes" test "$(sed -n 2p $TMPD/fx)" = text
check "witness fixture: string bytes read as a pointer into camlEnv__fun_6152" \
	test "$(sed -n 3p $TMPD/fx)" -ge 1

# bad_step JSON: the first step of a chain in JSON (a why document's
# why.chain, or a report's witness list) that passes through hypercall_page or
# the string literals: a step other than the last whose node overlaps them (a
# symbol's node taken as nm shows it, up to the next symbol), or an edge whose
# site (`at`) lies in them. Nothing if none.
bad_step() {
	nm -n $IMG | awk 'NF == 3 { print $1 }' > $TMPD/nm.addrs
	python3 - "$1" "$HP" "$STR_LO" "$ENDS" $TMPD/nm.addrs <<'PY'
import bisect, json, sys
doc = json.load(open(sys.argv[1]))
hp, slo, send = map(int, sys.argv[2:5])
addrs = sorted(set(int(x, 16) for x in open(sys.argv[5]).read().split()))
bad = [(hp, hp + 4096), (slo, send)]
def hit(lo, hi):
    return any(lo < b and a < hi for a, b in bad)
def node_end(name, a):
    if name.startswith('['):
        return a + 1
    k = bisect.bisect_right(addrs, a)
    return addrs[k] if k < len(addrs) else a + 1
def chains(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ('witness', 'chain') and isinstance(v, list):
                yield v
            else:
                yield from chains(v)
    elif isinstance(o, list):
        for v in o:
            yield from chains(v)
n = 0
for c in chains(doc):
    n += 1
    path = ' -> '.join(x['name'] for x in c)
    for i, s in enumerate(c):
        a = int(s['address'], 16)
        at = int(s['at'], 16) if 'at' in s else None
        if (i + 1 < len(c) and hit(a, node_end(s['name'], a))) or \
                (at is not None and hit(at, at + 1)):
            print('%s (0x%x) in %s' % (s['name'], a, path))
            sys.exit(0)
if n == 0:
    print('no chain in the document')
PY
}

# 1. why caml_program runs through the OCaml startup, every step real.
if ma why -f json $IMG caml_program > $TMPD/why.cp 2> $TMPD/err; then
	steps=$(python3 -c 'import json, sys
print(" ".join(s["name"] for s in json.load(open(sys.argv[1]))["why"]["chain"]))' $TMPD/why.cp)
	case " $steps " in
	*" caml_main "*"caml_start_program caml_program ") pass "witness: why caml_program runs through caml_main and caml_start_program" ;;
	*) fail "witness: why caml_program runs through caml_main and caml_start_program" "chain: $steps" ;;
	esac
	python3 $WHYCHECK verify m1full $IMG "caml_program=caml_program=$TMPD/why.cp" < /dev/null |
		sed 's/^\([A-Z]*\): why m1full/\1: witness: why/'
	b=$(bad_step $TMPD/why.cp)
	if [ -z "$b" ]; then pass "witness: why caml_program avoids hypercall_page and strings"
	else fail "witness: why caml_program avoids hypercall_page and strings" "$b"; fi
else
	fail "witness: why caml_program" "exit $?: $(head -n 1 $TMPD/err)"
fi

# 2. Every function nm lists: when reachable, its chain checks out step by
# step and passes through neither hypercall_page nor a string.
n_chains=0
bad=
for f in $(nm $IMG | awk '$2 ~ /^[Tt]$/ { print $3 }' | sort -u); do
	out=$TMPD/why.f.$f
	if ! ma why -f json $IMG "$f" > $out 2> $TMPD/err; then
		fail "witness: why $f" "exit $?: $(head -n 1 $TMPD/err)"
		continue
	fi
	r=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["why"]["reachable"])' $out)
	[ "$r" = True ] || continue
	n_chains=$((n_chains + 1))
	set -- "$@" "$f=$f=$out"
	b=$(bad_step $out)
	[ -z "$b" ] || bad="$bad; $f: $b"
done
if [ -n "$bad" ]; then
	fail "witness: chains to every reachable function avoid hypercall_page and strings" "$bad"
elif [ "$n_chains" -lt 10 ]; then
	fail "witness: chains to every reachable function avoid hypercall_page and strings" \
		"only $n_chains reachable functions"
else
	pass "witness: chains to every reachable function avoid hypercall_page and strings"
fi
python3 $WHYCHECK verify m1full $IMG "$@" < /dev/null | sed 's/^\([A-Z]*\): why m1full/\1: witness: why/'

# 3. The whole report: every witness it prints (facilities, findings).
if ma -f json $IMG > $TMPD/r.json 2> $TMPD/err; then
	b=$(bad_step $TMPD/r.json)
	if [ -z "$b" ]; then pass "witness: no witness in the report passes through hypercall_page or strings"
	else fail "witness: no witness in the report passes through hypercall_page or strings" "$b"; fi
	# Section 4 of the report: the diagnostics say why a large node of small
	# integers (int_table, declared in the source as a table of counts) is
	# suspect as a pointer table.
	check "witness: a note on the node whose integers read as pointers" \
		grep -q 'data node int_table: .* read as addresses' $TMPD/r.json
else
	fail "witness: report" "exit $?: $(head -n 1 $TMPD/err)"
fi

# 4. camlEnv__fun_6152 is named by nothing in the source but its own label;
# the tool must call it dead (the old layout reached it through string bytes).
check "witness fixture: the source names camlEnv__fun_6152 only where it is defined" \
	test "$(grep -v '^[[:space:]]*#' $SRC | grep -c 'camlEnv__fun_6152')" -eq 2
if ma why -f json $IMG camlEnv__fun_6152 > $TMPD/why.dead 2> $TMPD/err; then
	check "witness: camlEnv__fun_6152, reached only through string bytes, is dead" \
		grep -q '"reachable": false' $TMPD/why.dead
else
	fail "witness: why camlEnv__fun_6152" "exit $?: $(head -n 1 $TMPD/err)"
fi

# 4b. Zeros do not run on: camlUnikernel__unused_20 follows zero padding after
# a ret, stub_unused_after_page follows the zero-filled shared_info page that
# arch_init names; the source names neither but where it is defined.
for f in camlUnikernel__unused_20 stub_unused_after_page; do
	check "witness fixture: the source names $f only where it is defined" \
		test "$(grep -v '^[[:space:]]*#' $SRC | grep -c "$f")" -eq 2
	if ma why -f json $IMG $f > $TMPD/why.z 2> $TMPD/err; then
		check "witness: $f, after zero bytes, is dead" grep -q '"reachable": false' $TMPD/why.z
	else
		fail "witness: why $f" "exit $?: $(head -n 1 $TMPD/err)"
	fi
done
check "witness fixture: arch_init names shared_info" grep -q 'lea shared_info(%rip)' $SRC

# 5. caml_absf_mask owns its 16 bytes, not the strings after it.
check "witness: caml_absf_mask owns 16 bytes" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [e["vm_size"] for e in d["sizes"]["symbols"] if e["name"] == "caml_absf_mask"] == [16] else 1)' \
	$TMPD/r.json

# 6. hypervisor_callback: arch_init takes its address, trap_init calls it, and
# _start calls both (the source): of the two chains of length 3, why shows the call.
if ma why -f json $IMG hypervisor_callback > $TMPD/why.hc 2> $TMPD/err; then
	k=$(python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["why"]["chain"]
print(len(c), c[-1].get("kind"), c[-2]["name"])' $TMPD/why.hc)
	check "witness: source: arch_init takes hypervisor_callback's address" \
		grep -q 'lea hypervisor_callback(%rip)' $SRC
	check "witness: why prefers the call to hypervisor_callback over the address" \
		test "$k" = "3 call trap_init"
else
	fail "witness: why hypervisor_callback" "exit $?: $(head -n 1 $TMPD/err)"
fi
exit 0
