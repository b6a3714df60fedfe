#!/bin/sh
# SPDX-License-Identifier: ISC
# The code bytes of `dead`'s reachability (live_code_bytes + dead_code_bytes) against
# the image, for every example and both precisions. The code is what the executable
# PT_LOAD segments map, and holds every function:
#   union of the FUNC symbols' [value, value + size) (readelf -sW)
#     <= live_code_bytes + dead_code_bytes <= the executable PT_LOADs' p_memsz (readelf -lW)
# t-schema.sh checks that the code and data figures add up to reachable_bytes and
# dead_bytes; this checks the split between them (mutant dead-code-as-data: live code
# counted as data and live data as code keeps every sum and broke no other test).
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "code bytes: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 0
fi
while read -r name image _; do
	case $name in '' | '#'*) continue ;; esac
	img=$EXAMPLES/$image
	for prec in conservative ocaml; do
		if ! ma dead --precision "$prec" -f json "$img" > "$TMPD/d.json" 2> "$TMPD/err"; then
			fail "code bytes $name $prec: dead runs" "$(head -n 1 "$TMPD/err")"
			continue
		fi
		readelf -sW "$img" > "$TMPD/syms" && readelf -lW "$img" > "$TMPD/phdrs" ||
			{ fail "code bytes $name: readelf"; continue; }
		python3 - "$name $prec" "$TMPD/d.json" "$TMPD/syms" "$TMPD/phdrs" <<'PY'
import json, sys

what, rep, syms, phdrs = sys.argv[1:]
r = json.load(open(rep))["reachability"]
code = r["live_code_bytes"] + r["dead_code_bytes"]
spans = []
for ln in open(syms):
    f = ln.split()
    # Num: Value Size Type Bind Vis Ndx Name
    if len(f) >= 7 and f[0].endswith(":") and f[3] == "FUNC" and f[6] not in ("UND", "ABS"):
        size = int(f[2], 16) if f[2].startswith("0x") else int(f[2])
        if size:
            spans.append((int(f[1], 16), int(f[1], 16) + size))
funcs, end = 0, 0
for lo, hi in sorted(spans):
    lo = max(lo, end)
    if hi > lo:
        funcs += hi - lo
    end = max(end, hi)
exe = 0
for ln in open(phdrs):
    f = ln.split()
    # LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align: the flags are "R E", "RWE"...
    if f and f[0] == "LOAD" and "E" in "".join(f[6:-1]):
        exe += int(f[5], 16)
name = "code bytes %s: FUNC symbols <= live + dead code <= executable PT_LOAD" % what
if funcs <= code <= exe:
    print("PASS: " + name)
else:
    print("FAIL: %s: %d <= %d + %d = %d <= %d does not hold" % (
        name, funcs, r["live_code_bytes"], r["dead_code_bytes"], code, exe))
PY
	done
done < "$EXAMPLES/LIST"
exit 0
