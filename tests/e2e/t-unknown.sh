#!/bin/sh
# The unknown share and what used to be unknown (docs/attribution.md).
# 1. Every example image with a symbol table: the headline figure (JSON
#    unknown.percent_of_allocated) is at most 100 and at most 2, with the
#    denominator summed here from readelf -S (SHF_ALLOC sections that are not
#    NOBITS), and the numerator no larger than it.
# 2. unknown-minios.s, linked at 0 with 2 MiB pages: the zero-filled file gaps
#    (outside every section and header, read from the file) and the zero run
#    between printk's neighbours (nm -S) are padding, exactly; the NOBITS gap
#    before .bss (readelf -S) is padding in memory; the symbols the source
#    marks "mini-os" are platform/mini-os.
# 3. unknown-stdlib406.s: the units the source marks "stdlib" are library
#    stdlib; with --defsym MODERN=1 (a Stdlib unit, OCaml >= 4.07) they are not.
# 4. Anonymous .rodata (string literals, jump tables, SSE constants) on the
#    Solo5 examples: the module (source file) the tool gives those bytes
#    against the object file the linker map (-Map) says emitted them, input
#    section by input section (.rodata, .rodata.str1.1, .rodata.cst16, ...).
#    A module may take the alignment fill after its object's sections. On
#    solo5-hello and solo5-seeded every object's bytes are its own ("exact");
#    gc-sections merges equal strings across objects (-fmerge-constants), so
#    a module there is only bounded by its object's bytes.
. tests/lib.sh
E=tests/e2e
J=$TMPD/j.json

# --- 1. examples ------------------------------------------------------------
if [ -f "$EXAMPLES/LIST" ]; then
	while read -r name image _; do
		img=$EXAMPLES/$image
		[ -f "$img" ] || continue
		if ! readelf -SW "$img" | grep -q ' \.symtab '; then
			echo "# unknown $name: no .symtab, not held to the 2% criterion"
			continue
		fi
		if ! ma -f json "$img" > $J; then
			fail "unknown $name: report"
			continue
		fi
		readelf -SW "$img" > $TMPD/sec.txt
		python3 - $J $TMPD/sec.txt "$name" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))["sizes"]
alloc = 0
for l in open(sys.argv[2]):
    m = re.match(r"\s*\[\s*\d+\]\s+(\S*)\s+(\S+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)", l)
    if m and m.group(2) != "NOBITS" and "A" in m.group(5):
        alloc += int(m.group(4), 16)
u = s["unknown"]
pct = u["percent_of_allocated"]
share = 100.0 * u["allocated_file_size"] / alloc if alloc else 0.0
print("# unknown %s: %d of %d allocated bytes (readelf), %.2f%%; headline %.2f%%" %
      (sys.argv[3], u["allocated_file_size"], alloc, share, pct))
ok = s["allocated_file_bytes"] == alloc and u["allocated_file_size"] <= alloc and \
    abs(pct - share) < 1e-6 and 0 <= pct <= 100
print(("PASS" if ok else "FAIL") + ": unknown %s: headline = 100 * unknown allocated bytes / "
      "readelf's allocated bytes, within 0..100" % sys.argv[3])
print(("PASS" if share <= 2.0 else "FAIL") + ": unknown %s: share %.2f%% <= 2%%" % (sys.argv[3], share))
PY
	done < "$EXAMPLES/LIST"
else
	fail "unknown: examples" "$EXAMPLES/LIST missing: run 'make examples' (parts 1 and 4)"
fi

# tree_labels JSON NAME...: "component/library" of each symbol NAME in a
# `size -d component,library,symbol` tree.
tree_labels() {
	python3 - "$@" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["tree"]
where = {}
for c in t.get("children", []):
    for l in c.get("children", []):
        for s in l.get("children", []):
            where.setdefault(s["name"], "%s/%s" % (c["name"], l["name"]))
print(" ".join("%s=%s" % (n, where.get(n, "absent")) for n in sys.argv[2:]))
PY
}

# --- 2. a Mini-OS kernel linked at 0 ------------------------------------------
if as --64 -o $TMPD/mo.o $E/unknown-minios.s &&
   ld -static -nostdlib -Ttext=0x0 -z max-page-size=0x200000 -e _start -o $TMPD/mo.xen $TMPD/mo.o; then
	names=$(sed -n 's/.*\.globl \([A-Za-z_]*\) .*mini-os.*/\1/p' $E/unknown-minios.s)
	want=$(for n in $names; do printf '%s=platform/mini-os ' "$n"; done)
	if ma size -n 0 -f json -d component,library,symbol $TMPD/mo.xen > $J; then
		got=$(tree_labels $J $names)
		if [ "$got " = "$want" ]; then
			pass "minios: $(echo $names | wc -w) marked objects are platform/mini-os"
		else
			fail "minios: marked objects are platform/mini-os" "got '$got'"
		fi
	else
		fail "minios: size runs"
	fi
	readelf -hSlW $TMPD/mo.xen > $TMPD/elf.txt
	nm -S $TMPD/mo.xen > $TMPD/nm.txt
	if ma size -n 0 -f json -d component $TMPD/mo.xen > $J; then
		check "minios: padding = zero file gaps + the zero run in .text (file), + the NOBITS gap (memory)" \
			python3 - $J $TMPD/elf.txt $TMPD/nm.txt $TMPD/mo.xen <<'PY'
import json, re, sys
tree = json.load(open(sys.argv[1]))["tree"]
pad = [c for c in tree["children"] if c["name"] == "padding"]
pf, pv = (pad[0]["file_size"], pad[0]["vm_size"]) if pad else (0, 0)
txt = open(sys.argv[2]).read()
data = open(sys.argv[4], "rb").read()
num = lambda k: int(re.search(k + r":\s+(\S+)", txt).group(1), 0)
covered = [(0, num("Size of this header")),
           (num("Start of program headers"), num("Start of program headers") +
            num("Number of program headers") * num("Size of program headers")),
           (num("Start of section headers"), num("Start of section headers") +
            num("Number of section headers") * num("Size of section headers"))]
secs = {}
for l in txt.splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", l)
    if m:
        secs[m.group(1)] = (m.group(2), int(m.group(3), 16), int(m.group(4), 16), int(m.group(5), 16))
        if m.group(2) != "NOBITS":
            covered.append((int(m.group(4), 16), int(m.group(4), 16) + int(m.group(5), 16)))
covered.sort()
gaps, p = 0, 0
for lo, hi in covered + [(len(data), len(data))]:
    if lo > p:
        assert not any(data[p:lo]), "non-zero gap at 0x%x" % p
        gaps += lo - p
    p = max(p, hi)
sym = {}
for l in open(sys.argv[3]):
    f = l.split()
    if len(f) == 4:
        sym[f[3]] = (int(f[0], 16), int(f[1], 16))
run = sym["printk"][0] - sum(sym["start_kernel"])
assert not any(data[secs[".text"][2] + sum(sym["start_kernel"]) - secs[".text"][1]:
                    secs[".text"][2] + sym["printk"][0] - secs[".text"][1]])
nobits = secs[".bss"][1] - (secs[".data"][1] + secs[".data"][3])
print("# padding file %d (want %d + %d), vm %d (want %d + %d)" % (pf, gaps, run, pv, run, nobits))
sys.exit(0 if (pf, pv) == (gaps + run, run + nobits) and gaps >= 0x1f0000 else 1)
PY
	else
		fail "minios: size runs"
	fi
	if ma -f json $TMPD/mo.xen > $J; then
		check "minios: headline unknown <= 100%" python3 -c "
import json, sys
u = json.load(open('$J'))['sizes']['unknown']
sys.exit(0 if 0 <= u['percent_of_allocated'] <= 100 else 1)"
	else
		fail "minios: report runs"
	fi
else
	fail "minios: fixture builds"
fi

# --- 3. the standard library before 4.07 --------------------------------------
stdlib_units() {	# stdlib_units IMAGE: "Unit=library" of the units the source marks stdlib
	units=$(sed -n 's/^[[:space:]]*unit \([A-Za-z_]*\)[[:space:]]*\/\* stdlib.*/\1/p' $E/unknown-stdlib406.s)
	ma -f json "$1" > $J || return 1
	python3 - $J $units <<'PY'
import json, sys
lib = {u["name"]: u["library"] for u in json.load(open(sys.argv[1]))["ocaml"]["units"]}
print(" ".join("%s=%s" % (n, lib.get(n, "absent")) for n in sys.argv[2:]))
PY
}
if as --64 -o $TMPD/s6.o $E/unknown-stdlib406.s && ld -static -nostdlib -e _start -o $TMPD/s6.elf $TMPD/s6.o &&
   as --64 --defsym MODERN=1 -o $TMPD/s7.o $E/unknown-stdlib406.s &&
   ld -static -nostdlib -e _start -o $TMPD/s7.elf $TMPD/s7.o; then
	units=$(sed -n 's/^[[:space:]]*unit \([A-Za-z_]*\)[[:space:]]*\/\* stdlib.*/\1/p' $E/unknown-stdlib406.s)
	want=$(for n in $units; do printf '%s=stdlib ' "$n"; done)
	got=$(stdlib_units $TMPD/s6.elf)
	if [ "$got " = "$want" ]; then
		pass "stdlib 4.06: $(echo $units | wc -w) unprefixed stdlib units are library stdlib"
	else
		fail "stdlib 4.06: unprefixed stdlib units are library stdlib" "got '$got'"
	fi
	# With a Stdlib unit (4.07+), List and Hashtbl are user units named after themselves.
	got=" $(stdlib_units $TMPD/s7.elf) "
	for u in List Hashtbl; do
		l=$(echo "$u" | tr A-Z a-z)
		case "$got" in
		*" $u=$l "*) pass "stdlib 4.07: $u is a unit named after itself, not the stdlib's" ;;
		*) fail "stdlib 4.07: $u is a unit named after itself, not the stdlib's" "got '$got'" ;;
		esac
	done
else
	fail "stdlib: fixtures build"
fi

# --- 4. anonymous .rodata against the linker map --------------------------------
if [ -f "$EXAMPLES/LIST" ]; then
	for x in solo5-hello/solo5-hello:exact solo5-seeded/solo5-seeded:exact \
		 gc-sections/gc-sections.plain:bound; do
		base=$EXAMPLES/${x%:*}
		[ -f "$base.spt" ] && [ -f "$base.map" ] || continue
		if ! ma size -n 0 -f json -d section,module "$base.spt" > $J; then
			fail "rodata ${x%:*}: size runs"
			continue
		fi
		check "rodata ${x%:*}: anonymous .rodata goes to the module of the object the map names (${x#*:})" \
			python3 - "$base.map" $J "${x%:*}" "${x#*:}" <<'PY'
import json, re, sys
mapf, jf, name = sys.argv[1:4]
exact = sys.argv[4] == "exact"
lines = open(mapf).read().splitlines()
own, fill, last, inout = {}, {}, None, False
i = 0
while i < len(lines):
    l = lines[i]
    if re.match(r"^\S", l):
        inout = l.split()[0] == ".rodata"
        last = None
    elif inout:
        f = l.split()
        if f and f[0] == "*fill*" and len(f) >= 3 and last:
            fill[last] = fill.get(last, 0) + int(f[2], 16)
        elif f and f[0].startswith(".rodata"):
            if len(f) == 1 and i + 1 < len(lines):
                i += 1
                f = f + lines[i].split()
            if len(f) >= 4 and f[3].endswith(".o"):
                stem = re.sub(r"\.o$", "", f[3].rsplit("/", 1)[-1])
                own[stem] = own.get(stem, 0) + int(f[2], 16)
                last = stem
    i += 1
tree = json.load(open(jf))["tree"]
tool = {}
for s in tree["children"]:
    if s["name"] == ".rodata":
        for m in s["children"]:
            tool[m["name"]] = m["file_size"]
ok = True
for m, n in sorted(tool.items()):
    stem = re.sub(r"\.(c|S|s)$", "", m)
    if m.startswith("["):
        print("# rodata %s: %s %d B (no single object)" % (name, m, n))
        ok = ok and m not in ("[unknown]",)
        continue
    lo, hi = own.get(stem, 0), own.get(stem, 0) + fill.get(stem, 0)
    good = n <= hi and (n >= lo or not exact)
    print("# rodata %s: module %s %d B, map %s.o %d B (+%d fill)%s" %
          (name, m, n, stem, lo, hi - lo, "" if good else " MISMATCH"))
    ok = ok and good
for stem in own:
    if not any(re.sub(r"\.(c|S|s)$", "", m) == stem for m in tool):
        print("# rodata %s: map %s.o %d B, no module of that name" % (name, stem, own[stem]))
        ok = ok and not exact
sys.exit(0 if ok else 1)
PY
	done
fi
