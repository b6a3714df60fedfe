#!/bin/sh
# SPDX-License-Identifier: ISC
# mirage-audit diff OLD NEW on two examples that differ by a device: ocaml-net.spt (one
# NET_BASIC device) and ocaml-full.hvt (the same plus a BLOCK_BASIC "storage" device and
# mirage-crypto; both built by examples/examples.mk). diffcheck.py checks the JSON against
# readelf -SW (section deltas), nm -S (the summary's counts over sized, unique,
# non-overlapping symbols: the tool derives sizes for size-0 symbols, so only those are
# compared independently) and the file sizes (totals exact). Also: an image against itself
# and a saved report against its own image report no change and exit 0; a report with a
# retyped key, a truncated report and a report whose rows no longer sum to the totals exit 2
# with one stderr line and no stdout; the capability diff shows the storage device added and
# block-device sealed -> reachable.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
OLD=$EXAMPLES/ocaml-net/ocaml-net.spt
NEW=$EXAMPLES/ocaml-full/ocaml-full.hvt
for f in "$OLD" "$NEW"; do
	if ! [ -f "$f" ]; then
		fail "diff: inputs" "$f missing: run 'make examples'"
		exit 1
	fi
done
need python3 readelf nm || exit 1

# The two variants.
ma diff -f json "$OLD" "$NEW" > "$TMPD/d.json" 2> "$TMPD/d.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "diff: net vs full" "exit $rc: $(head -n 1 "$TMPD/d.err")"
else
	pass "diff: net vs full exits 0"
	python3 "$TOP/tests/diff/diffcheck.py" sizes "$OLD" "$NEW" "$TMPD/d.json" ||
		fail "diff: diffcheck.py" "exited with status $?"
	python3 - "$TMPD/d.json" <<'PY' && pass "diff: capabilities: storage added, block-device sealed -> reachable" || fail "diff: capabilities" "see above"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["capabilities"]
v = {x["name"]: x for x in c["verdicts"]}
assert d["schema"] == "mirage-audit/diff" and d["changed"] is True, d["schema"]
assert {"name": "storage", "type": "BLOCK_BASIC", "change": "added"} in c["devices"], c["devices"]
b = v.get("block-device")
assert b and b["class"] == "driver" and (b["old"], b["new"]) == ("sealed", "reachable"), b
assert "net-device" not in v, v.get("net-device")
PY
fi
ma diff "$OLD" "$NEW" > "$TMPD/d.txt" 2>&1
if [ $? -eq 0 ] && head -n 1 "$TMPD/d.txt" | grep -q "^add/remove: [0-9]*/[0-9]* grow/shrink: [0-9]*/[0-9]* up/down: [0-9]*/-[0-9]* ([0-9-]*)$" &&
   grep -q "^  driver     block-device: sealed -> reachable$" "$TMPD/d.txt" &&
   grep -q "^  device     added storage (BLOCK_BASIC)$" "$TMPD/d.txt" &&
   [ "$(head -n 1 "$TMPD/d.txt" | sed 's/.*up/up/')" = "$(python3 -c "import json; print(json.load(open('$TMPD/d.json'))['summary']['line'].split('grow/shrink')[1].split(' ',2)[2])")" ]; then
	pass "diff: text: summary line first, device and driver verdict in the capability diff"
else
	fail "diff: text" "$(head -n 3 "$TMPD/d.txt")"
fi

# No change: an image against itself, a saved report against its image (both orders).
nochange() {	# nochange NAME OLD NEW
	ma diff -f json "$2" "$3" > "$TMPD/n.json" 2> "$TMPD/n.err"
	rc=$?
	if [ "$rc" -eq 0 ] && python3 -c "
import json, sys
d = json.load(open('$TMPD/n.json'))
s = d['summary']
assert d['changed'] is False
assert (s['added'], s['removed'], s['grown'], s['shrunk'], s['up'], s['down'], s['net']) == (0,) * 7
assert all(not l['rows'] for l in d['levels'].values())
assert d['total'] == {'file_delta': 0, 'vm_delta': 0}
"; then pass "diff: $1: no change, exit 0"; else fail "diff: $1" "exit $rc: $(head -n 1 "$TMPD/n.err")"; fi
}
nochange "image vs itself" "$NEW" "$NEW"
ma -f json "$NEW" > "$TMPD/r.json"
nochange "report vs its image" "$TMPD/r.json" "$NEW"
nochange "image vs its report" "$NEW" "$TMPD/r.json"
ma diff "$NEW" "$NEW" > "$TMPD/n.txt" 2>&1
if [ $? -eq 0 ] && head -n 1 "$TMPD/n.txt" | grep -qx "add/remove: 0/0 grow/shrink: 0/0 up/down: 0/-0 (0)" &&
   grep -q "^total file +0, vm +0 (no change)$" "$TMPD/n.txt"; then
	pass "diff: text: image vs itself says no change"
else
	fail "diff: text: image vs itself" "$(head -n 4 "$TMPD/n.txt")"
fi

# Hostile reports: one stderr line, exit 2, nothing on stdout.
bad_report() {	# bad_report NAME FILE
	ma diff "$2" "$NEW" > "$TMPD/b.out" 2> "$TMPD/b.err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMPD/b.err")" -eq 1 ] && ! [ -s "$TMPD/b.out" ]; then
		pass "diff: $1: exit 2, one line"
	else
		fail "diff: $1" "exit $rc, $(wc -l < "$TMPD/b.err") stderr lines: $(head -n 2 "$TMPD/b.err")"
	fi
}
python3 - "$TMPD/r.json" "$TMPD" <<'PY'
import json, sys
src, d = sys.argv[1], sys.argv[2]
def save(name, doc):
    json.dump(doc, open(d + "/" + name, "w"))
doc = json.load(open(src)); doc["sizes"]["sections"][0]["vm_size"] = "12"; save("retyped.json", doc)
doc = json.load(open(src)); doc["sizes"]["symbols"][0]["file_size"] = 2 ** 62; save("huge.json", doc)
doc = json.load(open(src)); doc["sizes"]["modules"][0]["vm_size"] += 1; save("sum.json", doc)
doc = json.load(open(src)); del doc["platform"]["target"]; save("missing.json", doc)
doc = json.load(open(src)); doc["facilities"][0]["verdict"] = "maybe"; save("verdict.json", doc)
doc = json.load(open(src)); doc["sizes"]["file_total"] = -1; save("negative.json", doc)
PY
head -c 2000 "$TMPD/r.json" > "$TMPD/truncated.json"
printf '{"schema": "mirage-audit/report", "schema_version": 1, "image": {"sha256": null}, "sizes": {"file_total": 99999999999999999999999}}' > "$TMPD/bignum.json"
for f in retyped huge sum missing verdict negative truncated bignum; do
	bad_report "tampered report ($f)" "$TMPD/$f.json"
done
ma diff "$NEW" > /dev/null 2>&1
[ $? -eq 2 ] && pass "diff: one input is a usage error (exit 2)" || fail "diff: one input" "not exit 2"
ma diff -f csv "$NEW" "$NEW" > /dev/null 2>&1
[ $? -eq 2 ] && pass "diff: -f csv is a usage error (exit 2)" || fail "diff: -f csv" "not exit 2"

# The Solo5 ABI version: a copy of solo5-hello.spt whose ABI1 note says version 1 (the
# original's version read back with readelf -n). Tenders refuse another version, so
# diff must report the change even though the target is the same.
ABI_IMG=$EXAMPLES/solo5-hello/solo5-hello.spt
python3 - "$ABI_IMG" "$TMPD/abi1.spt" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
hdr = struct.pack('<III', 6, 16, 0x31494241) + b'Solo5\0\0\0'
i = b.index(hdr)
struct.pack_into('<I', b, i + len(hdr) + 4, 1)
open(sys.argv[2], 'wb').write(b)
PY
abi_ver() {	# the ABI1 note's version: the 2nd little-endian word of its description (readelf -n)
	readelf -nW "$1" 2>/dev/null | python3 -c '
import re, sys
for l in sys.stdin:
    m = re.search(r"0x31494241.*description data: ((?:[0-9a-f]{2} ?)+)", l)
    if m:
        b = bytes(int(x, 16) for x in m.group(1).split())
        print(int.from_bytes(b[4:8], "little"))
        break'
}
old_v=$(abi_ver "$ABI_IMG"); new_v=$(abi_ver "$TMPD/abi1.spt")
ma diff -f json "$ABI_IMG" "$TMPD/abi1.spt" > "$TMPD/abi.json" 2> "$TMPD/abi.err"
got=$(python3 -c "import json,sys; v=json.load(open(sys.argv[1]))['capabilities']['solo5_abi_version']; print(v['old'], v['new'], v['changed'])" "$TMPD/abi.json" 2>&1)
if [ -n "$old_v" ] && [ "$old_v" != "$new_v" ] && [ "$got" = "$old_v $new_v True" ]; then
	pass "diff: Solo5 ABI version change (json)"
else
	fail "diff: Solo5 ABI version change (json)" "readelf $old_v -> $new_v, diff says '$got'"
fi
ma diff "$ABI_IMG" "$TMPD/abi1.spt" > "$TMPD/abi.txt" 2>&1
check "diff: Solo5 ABI version change (text)" grep -q "^  solo5 abi  .* v$old_v -> .* v$new_v\$" "$TMPD/abi.txt"
ma diff "$ABI_IMG" "$ABI_IMG" > "$TMPD/abi0.txt" 2>&1
check "diff: same ABI version, no ABI line" sh -c "! grep -q 'solo5 abi' '$TMPD/abi0.txt'"
