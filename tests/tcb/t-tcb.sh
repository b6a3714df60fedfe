#!/bin/sh
# SPDX-License-Identifier: ISC
# The trusted computing base (analyzers/tcb.c, docs/tcb.md) against readelf, nm and objdump.
# For every example in $EXAMPLES/LIST, report -f json's tcb:
# - image_bytes = the sum of the PT_LOAD segments' p_memsz (readelf -lW); the classes'
#   reachable bytes sum to reachable_bytes = reachability.reachable_bytes, their dead bytes
#   to dead_bytes = reachability.dead_bytes, and the two to image_bytes; stack_bytes =
#   reachable_bytes without --external-tcb, external is [];
# - each by_component and by_library row: ocaml + c + tables <= reachable; the rows sum to
#   reachable_bytes and dead_bytes; a row's bytes equal its reachability.dead row's
#   live_vm_size and dead_vm_size (the dead analyzer's split of the same size labels);
# - the tree: libraries sum to reachable and dead bytes, modules to their library, symbol
#   entries (with "[N more]") to their module, at most 41 entries a module;
# - by_facility: every facility of the document, its verdict and reachable bytes;
# - with symbols and OCaml units (nm: caml<U>__code_begin/end, data_begin/end), the ocaml
#   class's bytes (reachable + dead) = the bytes of every unit's code and data ranges, but
#   the runtime's _system unit (assembly) and the startup unit's data (generated tables),
#   less the gc_roots tables inside them (each up to the next symbol address): computed
#   here from nm -n alone; the reachable ocaml bytes are at least the bytes of the unit
#   functions `dead` does not list (a lower bound from nm -S sizes);
# - with no OCaml (nm has no caml*__code_begin): class ocaml is 0, class tables holds
#   exactly the allocated .note*, .eh_frame*, .gcc_except_table sections (readelf -SW), and
#   at least the .note* sections are reachable (PT_NOTE is a root);
# - unsafe: exactly the caml_obj_* and caml_*unsafe* functions nm lists (but
#   caml_sys_unsafe_getenv); each primitive's sites are at least the distinct functions
#   objdump -d shows calling or jumping to it, and at most the instructions that mention
#   its address (objdump -d) plus the aligned data words that hold it (read here from the
#   file at readelf's section offsets); reachable_sites <= sites;
# - --build: by_package is an array summing to reachable_bytes; without, null.
# --external-tcb: the Solo5 tender build/examples/tender measured as the sum of its SHF_ALLOC
# sections (readelf -SW), a stated size kept, a relative path taken from the list's
# directory, stack_bytes = reachable_bytes + both; hostile lists exit 2 with one stderr line
# naming the list, and nothing on stdout. check: tcb.max_bytes, max_c_bytes,
# max_ocaml_bytes, max_stack_bytes each pass at the figure and fail one byte under it
# (MA-BUD-011); the stack figure computed here from readelf and the report's reachability;
# --ratchet lowers tcb.max_bytes to the figure.
. "$TOP/tests/lib.sh"
need readelf nm objdump python3 jq || exit 1
if [ ! -x "${MA:-}" ]; then
	fail "tcb: mirage-audit binary missing (MA=${MA:-})"
	exit 1
fi

cat > "$TMPD/truth.py" <<'PY'
import bisect, json, re, subprocess, sys

ex, img, rep, deadcsv = sys.argv[1:5]
d = json.load(open(rep))
t = d["tcb"]
r = d["reachability"]
fails = 0

def ok(name, cond, detail=""):
    global fails
    print(("PASS: " if cond else "FAIL: ") + "tcb: %s: %s" % (ex, name) +
          ("" if cond or not detail else ": " + str(detail)))
    fails += not cond

def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout

# readelf -lW: PT_LOAD memsz; -SW: sections (name, addr, off, size, flags)
memsz = 0
for l in run("readelf", "-lW", img).splitlines():
    p = l.split()
    if p and p[0] == "LOAD":
        memsz += int(p[5], 16)
secs = []
for l in run("readelf", "-SW", img).splitlines():
    m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)\s", l)
    if m:
        secs.append((m.group(1), m.group(2), int(m.group(3), 16), int(m.group(4), 16),
                     int(m.group(5), 16), m.group(6)))

cls = {c["class"]: c for c in t["classes"]}
ok("classes in order", [c["class"] for c in t["classes"]] == ["ocaml", "c", "tables", "unknown"])
ok("image_bytes = PT_LOAD memsz", t["image_bytes"] == memsz, (t["image_bytes"], memsz))
ok("reachable = reachability's", t["reachable_bytes"] == r["reachable_bytes"])
ok("dead = reachability's", t["dead_bytes"] == r["dead_bytes"])
ok("classes sum to reachable", sum(c["reachable_bytes"] for c in t["classes"]) == t["reachable_bytes"])
ok("classes sum to dead", sum(c["dead_bytes"] for c in t["classes"]) == t["dead_bytes"])
ok("reachable + dead = image", t["reachable_bytes"] + t["dead_bytes"] == memsz)
ok("no external: stack = reachable", t["external"] == [] and t["stack_bytes"] == t["reachable_bytes"])
ok("no build: by_package null", t["by_package"] is None)

for by, lv in (("by_component", "components"), ("by_library", "libraries")):
    rows = t[by]
    ok(by + " sums", sum(x["reachable_bytes"] for x in rows) == t["reachable_bytes"] and
       sum(x["dead_bytes"] for x in rows) == t["dead_bytes"])
    ok(by + " classes within reachable", all(x["ocaml_bytes"] + x["c_bytes"] + x["tables_bytes"]
       <= x["reachable_bytes"] for x in rows))
    ok(by + " one row per name", len(set(x["name"] for x in rows)) == len(rows))
    deadrows = {x["name"]: x for x in r["dead"][lv]}
    bad = [x["name"] for x in rows if x["name"] in deadrows and
           (deadrows[x["name"]]["live_vm_size"], deadrows[x["name"]]["dead_vm_size"]) !=
           (x["reachable_bytes"], x["dead_bytes"])]
    ok(by + " = the dead analyzer's rows", not bad, bad[:3])
    ok(by + " sorted", all((a["reachable_bytes"], a["dead_bytes"]) >= (b["reachable_bytes"], b["dead_bytes"])
       for a, b in zip(rows, rows[1:])))
ok("the ocaml class is the rows' ocaml bytes",
   sum(x["ocaml_bytes"] for x in t["by_component"]) == cls["ocaml"]["reachable_bytes"] and
   sum(x["c_bytes"] for x in t["by_library"]) == cls["c"]["reachable_bytes"])

tr = t["tree"]
ok("tree: libraries sum", sum(x["reachable_bytes"] for x in tr) == t["reachable_bytes"] and
   sum(x["dead_bytes"] for x in tr) == t["dead_bytes"])
badm = [l["name"] for l in tr if sum(m["reachable_bytes"] for m in l["children"]) != l["reachable_bytes"]
        or sum(m["dead_bytes"] for m in l["children"]) != l["dead_bytes"]]
ok("tree: modules sum to their library", not badm, badm[:3])
bads = []
for l in tr:
    for m in l["children"]:
        ch = m["children"]
        reach = sum(s.get("reachable_bytes", s["bytes"] if s["reachable"] else 0) for s in ch)
        if (sum(s["bytes"] for s in ch) != m["reachable_bytes"] + m["dead_bytes"] or
                reach != m["reachable_bytes"] or len(ch) > 41 or
                any(s["name"].endswith(" more]") != ("reachable_bytes" in s) for s in ch)):
            bads.append(l["name"] + "/" + m["name"])
ok("tree: symbols sum to their module, at most 41", not bads, bads[:3])
ok("by_facility = facilities", [(f["name"], f["verdict"], f["reachable_bytes"]) for f in t["by_facility"]] ==
   [(f["name"], f["verdict"], f["reachable_bytes"]) for f in d["facilities"]])

# nm: symbols by address
syms = []
sized = {}
for l in run("nm", "-n", "-S", img).splitlines():
    p = l.split()
    if len(p) == 3:
        syms.append((int(p[0], 16), p[2]))
    elif len(p) == 4:
        syms.append((int(p[0], 16), p[3]))
        sized[p[3]] = (int(p[0], 16), int(p[1], 16), p[2])
units = {}
for a, n in syms:
    m = re.match(r"^caml(.*)__(code|data)_(begin|end)$", n)
    if m:
        units.setdefault(m.group(1), {})[m.group(2) + "_" + m.group(3)] = a
ranges = []
for u, x in units.items():
    if u == "_system":
        continue
    if "code_begin" in x and "code_end" in x:
        ranges.append((x["code_begin"], x["code_end"]))
    if u != "_startup" and "data_begin" in x and "data_end" in x:
        ranges.append((x["data_begin"], x["data_end"]))
ranges.sort()
starts = [a for a, _ in ranges]
def in_ranges(a):
    i = bisect.bisect_right(starts, a) - 1
    return i >= 0 and ranges[i][0] <= a < ranges[i][1]
addrs = sorted(set(a for a, _ in syms))
if ranges:
    total = sum(b - a for a, b in ranges)
    for a, n in syms:
        if n.endswith("__gc_roots") and in_ranges(a):
            total -= addrs[bisect.bisect_right(addrs, a)] - a
    got = cls["ocaml"]["reachable_bytes"] + cls["ocaml"]["dead_bytes"]
    ok("ocaml class = the units' ranges (nm)", got == total, (got, total))
    dead = set()
    for row in open(deadcsv).read().splitlines()[1:]:
        f = row.split(",")
        if len(f) >= 3 and f[1] == "function":
            dead.add(f[2].strip('"'))
    live = sum(s for n, (a, s, ty) in sized.items() if ty in "tT" and in_ranges(a) and n not in dead)
    ok("ocaml reachable >= the live unit functions (nm -S)", cls["ocaml"]["reachable_bytes"] >= live > 0,
       (cls["ocaml"]["reachable_bytes"], live))
elif not any(n.startswith("caml") and n.endswith("code_begin") for _, n in syms) and syms:
    tabs = sum(s[4] for s in secs if "A" in s[5] and
               re.match(r"^\.(note|eh_frame|gcc_except_table)", s[0]))
    notes = sum(s[4] for s in secs if "A" in s[5] and s[0].startswith(".note"))
    ok("no OCaml: ocaml class 0", cls["ocaml"]["reachable_bytes"] == cls["ocaml"]["dead_bytes"] == 0)
    got = cls["tables"]["reachable_bytes"] + cls["tables"]["dead_bytes"]
    ok("no OCaml: tables = notes and unwind sections (readelf)", got == tabs, (got, tabs))
    ok("no OCaml: the notes are reachable", cls["tables"]["reachable_bytes"] >= notes > 0,
       (cls["tables"]["reachable_bytes"], notes))

# unsafe primitives: names from nm, sites against objdump and the data words
prims = sorted(n for n, (a, s, ty) in sized.items() if ty in "tT" and
               (n.startswith("caml_obj_") or (n.startswith("caml_") and "unsafe" in n))
               and n != "caml_sys_unsafe_getenv")
ok("unsafe: the primitives nm lists", [u["primitive"] for u in t["unsafe"]] == prims,
   ([u["primitive"] for u in t["unsafe"]], prims))
if t["unsafe"]:
    dis = run("objdump", "-d", "--no-show-raw-insn", img).splitlines()
    data = open(img, "rb").read()
    words = {}
    for name, typ, addr, off, size, flags in secs:
        if "A" not in flags or "X" in flags or typ == "NOBITS" or not size:
            continue
        for o in range(off + (-addr) % 8, off + size - 7, 8):
            w = int.from_bytes(data[o:o + 8], "little")
            words[w] = words.get(w, 0) + 1
    byaddr = {sized[u["primitive"]][0]: u["primitive"] for u in t["unsafe"]}
    callers = {p: set() for p in byaddr.values()}
    mentions = {p: 0 for p in byaddr.values()}
    fn = None
    for l in dis:
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", l)
        if m:
            fn = m.group(1)
            continue
        named = set(re.findall(r"<([^>+]+)>", l))
        for x in re.findall(r"0x([0-9a-f]+)", l):
            if int(x, 16) in byaddr:
                named.add(byaddr[int(x, 16)])
        for p in named:
            if p not in mentions or fn == p:
                continue
            mentions[p] += 1
            if re.search(r"\b(call|jmp)q?\s+[0-9a-f]+ <%s>" % re.escape(p), l):
                callers[p].add(fn)
    for u in t["unsafe"]:
        p = u["primitive"]
        lo, hi = len(callers[p]), mentions[p] + words.get(sized[p][0], 0)
        ok("unsafe: %s sites within [%d, %d]" % (p, lo, hi),
           lo <= u["sites"] <= hi and u["reachable_sites"] <= u["sites"], u["sites"])
sys.exit(1 if fails else 0)
PY

while read -r ex path _; do
	img=$EXAMPLES/$path
	[ -f "$img" ] || { fail "tcb: $ex: image $img missing"; continue; }
	if ! ma report -f json "$img" > "$TMPD/$ex.json" 2> "$TMPD/$ex.err"; then
		fail "tcb: $ex: report -f json" "$(head -1 "$TMPD/$ex.err")"
		continue
	fi
	ma dead -f csv -n 0 "$img" > "$TMPD/$ex.dead.csv" 2> /dev/null
	python3 "$TMPD/truth.py" "$ex" "$img" "$TMPD/$ex.json" "$TMPD/$ex.dead.csv"
done < "$EXAMPLES/LIST"

# --build: by_package sums to the TCB (ocaml-net's build directory, as tests/build uses).
img=$EXAMPLES/ocaml-net/ocaml-net.spt
ma report -f json --build "$EXAMPLES/ocaml-net" "$img" > "$TMPD/b.json" 2> /dev/null
check "tcb: --build: by_package sums to reachable_bytes" test "$(jq '[.tcb.by_package[].reachable_bytes] | add' "$TMPD/b.json")" = \
	"$(jq '.tcb.reachable_bytes' "$TMPD/b.json")"
check "tcb: --build: by_package names packages" test "$(jq '[.tcb.by_package[] | select(.name != "[unknown]")] | length' "$TMPD/b.json")" -gt 0

# --external-tcb: the tender, measured by readelf.
tender=$EXAMPLES/tender
alloc=$(readelf -SW "$tender" | sed -n 's/^ *\[ *[0-9]*\] *//p' | while read -r name type addr off size es flg _; do
	case $flg in *A*) echo $((0x$size)) ;; esac
done | awk '{ s += $1 } END { print s + 0 }')
mkdir -p "$TMPD/ext/sub"
cp "$tender" "$TMPD/ext/sub/solo5-tender"
printf '# what it runs on\n\nsolo5-spt elf sub/solo5-tender\nlinux-kvm\tbytes 1000\n' > "$TMPD/ext/list"
img=$EXAMPLES/solo5-hello/solo5-hello.spt
ma report -f json --external-tcb "$TMPD/ext/list" "$img" > "$TMPD/x.json" 2> "$TMPD/x.err"
check "tcb: external: the tender's bytes are its allocated sections ($alloc)" test \
	"$(jq -r '.tcb.external[0] | "\(.name) \(.bytes) \(.source)"' "$TMPD/x.json")" = "solo5-spt $alloc sub/solo5-tender"
check "tcb: external: a stated size, its source FILE:LINE" test \
	"$(jq -r '.tcb.external[1] | "\(.name) \(.bytes) \(.source)"' "$TMPD/x.json")" = "linux-kvm 1000 $TMPD/ext/list:4"
reach=$(jq '.reachability.reachable_bytes' "$TMPD/x.json")
stack=$((reach + alloc + 1000))
check "tcb: external: stack_bytes = reachable + externals ($stack)" test "$(jq '.tcb.stack_bytes' "$TMPD/x.json")" = "$stack"
ma report --external-tcb "$TMPD/ext/list" "$img" > "$TMPD/x.txt" 2> /dev/null
check "tcb: external: the text names both and the stack" grep -q "stack        $stack bytes" "$TMPD/x.txt"

# Hostile lists: one line naming the list, exit 2, nothing on stdout.
n=0
for bad in 'x' 'a bytes' 'a bytes 1 2' 'a kilobytes 1' 'a bytes -1' 'a bytes 0x10' \
	'a bytes 9007199254740992' 'a elf /etc/passwd' 'a elf /nonexistent/x' 'a elf /dev/null' \
	'a elf /' 'a bytes 1\na bytes 2' '# nothing' '' \
	'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bytes 1'; do
	n=$((n + 1))
	printf "$bad\n" > "$TMPD/bad$n"
	rc=0
	ma report --external-tcb "$TMPD/bad$n" "$img" > "$TMPD/bad.out" 2> "$TMPD/bad.err" || rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMPD/bad.out" ] && [ "$(wc -l < "$TMPD/bad.err")" = 1 ] &&
		grep -q "bad$n" "$TMPD/bad.err"; then
		pass "tcb: hostile list $n: exit 2, one line naming it"
	else
		fail "tcb: hostile list $n ($bad)" "rc $rc, $(head -c 200 "$TMPD/bad.err")"
	fi
done
head -c 3000 /dev/urandom > "$TMPD/bad-random"
printf 'a\0 bytes 1\n' > "$TMPD/bad-nul"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "x"; print " bytes 1" }' > "$TMPD/bad-long"
awk 'BEGIN { for (i = 0; i < 300; i++) print "n" i " bytes 1" }' > "$TMPD/bad-many"
for f in bad-random bad-nul bad-long bad-many /nonexistent-list "$TMPD"; do
	case $f in /*) p=$f ;; *) p=$TMPD/$f ;; esac
	rc=0
	ma report --external-tcb "$p" "$img" > "$TMPD/bad.out" 2> "$TMPD/bad.err" || rc=$?
	check "tcb: hostile list ${f##*/}: exit 2, one line" test "$rc $(wc -l < "$TMPD/bad.err") $(wc -c < "$TMPD/bad.out")" = "2 1 0"
done
rc=0
ma check --budget /dev/null --external-tcb "$TMPD/bad1" "$img" > /dev/null 2>&1 || rc=$?
check "tcb: check with a hostile list exits 2" test $rc = 2

# check: each key passes at its figure and fails one byte under it.
ocaml=$(jq '.tcb.classes[0].reachable_bytes' "$TMPD/x.json")
cbytes=$(jq '.tcb.classes[1].reachable_bytes' "$TMPD/x.json")
budget() {	# budget KEY LIMIT: a budget with that one tcb key
	printf '{"schema": "mirage-audit/budget", "schema_version": 1, "tcb": {"%s": %s}}\n' "$1" "$2" \
		> "$TMPD/budget.json"
}
for kv in "max_bytes $reach" "max_c_bytes $cbytes" "max_ocaml_bytes $ocaml" "max_stack_bytes $stack"; do
	set -- $kv
	budget "$1" "$2"
	rc=0
	ma check --budget "$TMPD/budget.json" --external-tcb "$TMPD/ext/list" "$img" > "$TMPD/c.out" 2>&1 || rc=$?
	check "tcb: check tcb.$1 passes at $2" test "$rc" = 0
	check "tcb: check tcb.$1 line is MA-BUD-011" grep -q "pass  MA-BUD-011  tcb.$1: $2 bytes" "$TMPD/c.out"
	[ "$2" -gt 0 ] || continue
	budget "$1" $(($2 - 1))
	rc=0
	ma check --budget "$TMPD/budget.json" --external-tcb "$TMPD/ext/list" "$img" > "$TMPD/c.out" 2>&1 || rc=$?
	check "tcb: check tcb.$1 fails at $(($2 - 1))" test "$rc" = 1
done
check "tcb: solo5-hello has no OCaml (max_ocaml_bytes 0 passes)" test "$ocaml" = 0
budget max_stack_bytes $reach
rc=0
ma check --budget "$TMPD/budget.json" "$img" > /dev/null 2>&1 || rc=$?
check "tcb: check tcb.max_stack_bytes without --external-tcb is the TCB alone" test "$rc" = 0
budget max_bytes 999999999
rc=0
ma check --budget "$TMPD/budget.json" --ratchet "$TMPD/ratchet.json" "$img" > /dev/null 2>&1 || rc=$?
check "tcb: --ratchet lowers tcb.max_bytes to the TCB ($reach)" test "$rc $(jq '.tcb.max_bytes' "$TMPD/ratchet.json")" = "0 $reach"
budget max_byte 1
rc=0
ma check --budget "$TMPD/budget.json" "$img" > /dev/null 2> "$TMPD/c.err" || rc=$?
check "tcb: a misspelt tcb key is an error" test "$rc $(wc -l < "$TMPD/c.err")" = "2 1"
echo "# t-tcb done"
