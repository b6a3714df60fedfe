#!/bin/sh
# SPDX-License-Identifier: ISC
# The three-way view (analyzers/linkage.c, docs/build.md) against each example's GNU ld
# map, read here with awk and ar, never with the tool's parser: every member the map says
# was included is linked, with the map's "by file (symbol)"; every member `ar t` lists for
# an archive of a LOAD line and the map does not include is left out; every object of a
# LOAD line is linked; a linked object's bytes are the sum of its input sections the memory
# map places in the image's allocated sections (readelf -S says which); available =
# linked + left out + unknown and linked = reachable + dead, in objects and bytes, per
# library, per package and in total; why-linked follows the map's chain to a link-line
# object; a garbage or truncated map is a warning naming it, exit 0, never a crash.
# Run: MA=build/mirage-audit EXAMPLES=build/examples TOP=. sh tests/build/t-linkage.sh
. "$TOP/tests/lib.sh"
need awk ar readelf python3 || exit 1
if [ ! -x "${MA:-}" ]; then
	fail "linkage: mirage-audit binary missing (MA=${MA:-})"
	exit 1
fi

# included.awk: "archive(member) FILE (SYMBOL)" for each member the map says was included.
cat > "$TMPD/included.awk" <<'AWK'
NR == 1 && /^Archive member included/ { inc = 1; next }
inc && NF == 0 { if (seen) exit; next }
inc && /^[^ ]/ { seen = 1; m = $1; if (NF >= 3) { print m, $2, $3; m = "" }; next }
inc && m != "" && NF >= 2 { print m, $1, $2; m = "" }
AWK

# placed.awk: "FILE BYTES": the bytes of each file's input sections placed in an allocated
# output section (ALLOC: their names, from readelf), from the memory map.
cat > "$TMPD/placed.awk" <<'AWK'
function hex(s,   i, v) {
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
BEGIN { n = split(ALLOC, a, " "); for (i = 1; i <= n; i++) alloc[a[i]] = 1 }
/^Linker script and memory map/ { in_map = 1; next }
!in_map { next }
/^OUTPUT\(/ { exit }
/^[^ ]/ { out = $1; pending = 0; next }
/^ [^ *]/ {
	pending = 0
	if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) {
		if (out in alloc) bytes[$4] += hex($3)
	} else if (NF == 1) {
		pending = 1
	}
	next
}
pending && /^  +0x/ && NF == 3 && $2 ~ /^0x/ { if (out in alloc) bytes[$3] += hex($2) }
{ pending = 0 }
END { for (f in bytes) print f, bytes[f] }
AWK

# check.py NAME JSON INCLUDED AVAILABLE LOADED PLACED: the comparisons, PASS:/FAIL: lines.
cat > "$TMPD/check.py" <<'PY'
import json, sys
name, doc, inc, avail, loaded, placed = sys.argv[1:7]
d = json.load(open(doc))
b = d["build"]
objs = {o["name"]: o for o in b["objects"]}
def res(ok, what, detail=""):
    print(("PASS: " if ok else "FAIL: ") + "linkage: %s: %s" % (name, what) +
          ("" if ok or not detail else ": " + detail))
included = {}
for line in open(inc):
    m, f, s = line.split()
    included[m] = (f, s.strip("()"))
bad = [m for m, (f, s) in included.items() if m not in objs or objs[m]["state"] != "linked" or
       objs[m]["why_file"] != f or objs[m]["why_symbol"] != s]
res(not bad, "the %d members the map includes are linked, with its file and symbol" %
    len(included), ", ".join(bad[:3]))
members = set(l.strip() for l in open(avail) if l.strip())
left = members - set(included)
bad = [m for m in left if m not in objs or objs[m]["state"] != "left out"]
res(not bad, "the %d members of its archives it does not include are left out" % len(left),
    ", ".join(bad[:3]))
archives = set(m[:m.rindex("(")] for m in members)
extra = [n for n, o in objs.items() if o["member"] and o["path"] in archives and
         o["state"] == "left out" and n not in left]
res(not extra, "no other member of those archives is left out", ", ".join(extra[:3]))
plain = set(l.strip() for l in open(loaded) if l.strip())
bad = [p for p in plain if p not in objs or objs[p]["state"] != "linked"]
res(not bad, "the %d objects of LOAD lines are linked" % len(plain), ", ".join(bad[:3]))
linked = {n for n, o in objs.items() if o["state"] == "linked"}
want = set(included) | plain
res(linked == want, "linked is exactly the included members and the LOAD objects (%d)" %
    len(want), "tool only: %s; map only: %s" % (sorted(linked - want)[:3],
                                                 sorted(want - linked)[:3]))
sums = {}
for line in open(placed):
    f, n = line.split()
    sums[f] = int(n)
bad = ["%s: %d, map %d" % (n, objs[n]["linked_bytes"], sums.get(n, 0)) for n in linked
       if objs[n]["linked_bytes"] != sums.get(n, 0)]
res(not bad, "each linked object's bytes are its input sections' in the memory map (%d bytes)"
    % sum(sums.get(n, 0) for n in linked), "; ".join(bad[:3]))
# The sums, from the objects themselves, against every group the tool reports.
def agg(key):
    g = {}
    for o in b["objects"]:
        k = o[key] or "[unknown]"
        x = g.setdefault(k, dict(objects_available=0, objects_linked=0, objects_left_out=0,
                                 objects_unknown=0, objects_dead=0, linked_bytes=0,
                                 reachable_bytes=0, dead_bytes=0))
        x["objects_available"] += 1
        x["objects_" + {"linked": "linked", "left out": "left_out",
                        "unknown": "unknown"}[o["state"]]] += 1
        x["objects_dead"] += o["dead"]
        for f in ("linked_bytes", "reachable_bytes", "dead_bytes"):
            x[f] += o[f]
    return g
bad = [o["name"] for o in b["objects"] if o["linked_bytes"] != o["reachable_bytes"] +
       o["dead_bytes"] or (o["dead"] and o["reachable_bytes"] > o["rewritten_bytes"]) or
       (o["state"] != "linked" and (o["linked_bytes"] or o["dead"]))]
res(not bad, "each object: linked bytes = reachable + dead; dead only when no byte outside "
    "rewritten sections is reachable", ", ".join(bad[:3]))
groups = [("library", g) for g in b["libraries"]] + [("package", g) for g in d["packages"]]
for kind, key in (("library", "library"), ("package", "package")):
    a = agg(key)
    rows = b["libraries"] if kind == "library" else None
    if rows is None:
        rows = [dict(name=p["name"], objects_available=p["objects_available"],
                     objects_linked=p["objects_linked"], linked_bytes=p["bytes_linked"],
                     reachable_bytes=p["bytes_reachable"]) for p in d["packages"]]
    bad = []
    for g in rows:
        x = a.get(g["name"])
        if x is None or any(g[k] != x[k] for k in g if k in x):
            bad.append(g["name"])
    res(not bad and len(rows) == len(a), "every %s's figures are its objects' sums (%d)" %
        (kind, len(rows)), ", ".join(bad[:3]))
bad = []
for g in b["libraries"] + [b["total"]]:
    if g["objects_available"] != g["objects_linked"] + g["objects_left_out"] + \
       g["objects_unknown"] or g["objects_linked"] != g["objects_reachable"] + \
       g["objects_dead"] or g["linked_bytes"] != g["reachable_bytes"] + g["dead_bytes"]:
        bad.append(g["name"])
t = b["total"]
res(not bad, "available %d = linked %d + left out %d + unknown %d; linked = reachable %d + "
    "dead %d; %d bytes = %d + %d" % (t["objects_available"], t["objects_linked"],
    t["objects_left_out"], t["objects_unknown"], t["objects_reachable"], t["objects_dead"],
    t["linked_bytes"], t["reachable_bytes"], t["dead_bytes"]), ", ".join(bad[:3]))
res(t["objects_left_out"] == len(left) and
    t["objects_linked"] == len(want), "the total's counts are the map's")
PY

n_maps=0
for map in "$EXAMPLES"/*/*.map; do
	[ -f "$map" ] || continue
	base=${map%.map} img=''
	for e in spt hvt xen virtio; do
		[ -f "$base.$e" ] && img=$base.$e && break
	done
	ex=${base##*/}
	if [ -z "$img" ]; then
		fail "linkage: $ex" "no image next to $map"
		continue
	fi
	n_maps=$((n_maps + 1))
	rc=0
	ma report -f json -M "$map" "$img" > "$TMPD/$ex.json" 2> "$TMPD/$ex.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "linkage: $ex: report -M" "exit $rc: $(head -n 1 "$TMPD/$ex.err")"
		continue
	fi
	awk -f "$TMPD/included.awk" "$map" > "$TMPD/$ex.inc"
	: > "$TMPD/$ex.avail"
	: > "$TMPD/$ex.loaded"
	awk '/^LOAD / { print $2 }' "$map" | sort -u | while read -r p; do
		case $p in
		*.o) echo "$p" >> "$TMPD/$ex.loaded" ;;
		*) ar t "$p" > "$TMPD/members" 2> /dev/null &&
			sed "s|^|$p(|; s|\$|)|" "$TMPD/members" >> "$TMPD/$ex.avail" ;;
		esac
	done
	alloc=$(readelf -SW "$img" | awk '/^ *\[ *[0-9]+\]/ {
		sub(/^ *\[ *[0-9]+\] */, ""); if ($7 ~ /A/) print $1 }' | tr '\n' ' ')
	awk -v ALLOC="$alloc" -f "$TMPD/placed.awk" "$map" > "$TMPD/$ex.placed"
	python3 "$TMPD/check.py" "$ex" "$TMPD/$ex.json" "$TMPD/$ex.inc" \
		"$TMPD/$ex.avail" "$TMPD/$ex.loaded" "$TMPD/$ex.placed"

	# why-linked: the three members with the longest chains in the map, one left out.
	python3 - "$TMPD/$ex.inc" "$TMPD/$ex.avail" > "$TMPD/$ex.chains" <<'PY'
import sys
inc = {}
for line in open(sys.argv[1]):
    m, f, s = line.split()
    inc[m] = f
chains = []
for m in inc:
    c, f = [m], inc[m]
    while f in inc and f not in c:
        c.append(f)
        f = inc[f]
    c.append(f)
    chains.append(c)
chains.sort(key=lambda c: (-len(c), c[0]))
for c in chains[:3]:
    print(" ".join(c))
left = sorted(set(l.strip() for l in open(sys.argv[2])) - set(inc))
if left:
    print("LEFT " + left[0])
PY
	while read -r first rest; do
		if [ "$first" = LEFT ]; then
			rc=0
			ma why-linked -f json -M "$map" "$img" "$rest" > "$TMPD/wl.json" 2>&1 || rc=$?
			check "linkage: $ex: why-linked $rest (left out) exits 1" [ "$rc" -eq 1 ]
			continue
		fi
		rc=0
		ma why-linked -f json -M "$map" "$img" "$first" > "$TMPD/wl.json" 2> "$TMPD/wl.err" ||
			rc=$?
		got=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(s["object"] for s in d["linked"]["chain"]))' "$TMPD/wl.json" 2> /dev/null)
		if [ "$rc" -eq 0 ] && [ "$got" = "$first${rest:+ $rest}" ]; then
			pass "linkage: $ex: why-linked $first follows the map's chain"
		else
			fail "linkage: $ex: why-linked $first follows the map's chain" \
				"exit $rc, got '$got', map '$first $rest'"
		fi
	done < "$TMPD/$ex.chains"
	rc=0
	ma why-linked -M "$map" "$img" no-such-object-anywhere.o > /dev/null 2>&1 || rc=$?
	check "linkage: $ex: why-linked on an unknown name exits 2" [ "$rc" -eq 2 ]
done
check "linkage: examples with a map ($n_maps)" [ "$n_maps" -ge 5 ]

# Hostile maps: truncated, garbage, empty, binary: a warning naming the file, exit 0.
map=$(ls "$EXAMPLES"/ocaml-net/*.map 2>/dev/null | head -n 1)
img=${map%.map}.spt
if [ -f "$map" ] && [ -f "$img" ]; then
	size=$(wc -c < "$map")
	head -c $((size / 2)) "$map" > "$TMPD/truncated.map"
	head -c 3000 "$map" > "$TMPD/short.map"
	head -c 65536 /dev/urandom | tr '\000' x > "$TMPD/garbage.map"
	: > "$TMPD/empty.map"
	printf 'Archive member included\0\n' > "$TMPD/nul.map"
	for bad in truncated short garbage empty nul; do
		rc=0
		ma report -f json -M "$TMPD/$bad.map" "$img" > "$TMPD/bad.json" 2> "$TMPD/bad.err" ||
			rc=$?
		if [ "$rc" -eq 0 ] && grep -q "$bad.map" "$TMPD/bad.err" &&
			python3 -c 'import json, sys; json.load(open(sys.argv[1]))["build"]' \
				"$TMPD/bad.json" 2> /dev/null; then
			pass "linkage: a $bad map: a warning naming it, exit 0"
		else
			fail "linkage: a $bad map: a warning naming it, exit 0" \
				"exit $rc, stderr: $(head -n 1 "$TMPD/bad.err")"
		fi
	done
else
	fail "linkage: hostile maps" "no ocaml-net map and image"
fi

# The documents a build adds to, against their published schemas (draft 2020-12).
for ex in ocaml-net solo5-seeded; do
	map=$(ls "$EXAMPLES/$ex"/*.map 2>/dev/null | head -n 1)
	img=${map%.map}.spt
	if ! [ -f "$map" ] || ! [ -f "$img" ]; then
		fail "linkage: $ex: schemas" "no map and image"
		continue
	fi
	# The first member the map includes, else the first object it loads.
	sym=$(awk -f "$TMPD/included.awk" "$map" | awk '{ print $1; exit }')
	[ -n "$sym" ] || sym=$(awk '/^LOAD .*\.o$/ { print $2; exit }' "$map")
	ma report -f json --build "$EXAMPLES/$ex" "$img" > "$TMPD/s.report" 2> /dev/null
	ma facilities -f json -M "$map" "$img" > "$TMPD/s.facilities" 2> /dev/null
	ma dead -f json -M "$map" "$img" > "$TMPD/s.dead" 2> /dev/null
	ma size -d package,module -f json -M "$map" "$img" > "$TMPD/s.size" 2> /dev/null
	ma why-linked -f json -M "$map" "$img" "$sym" > "$TMPD/s.why" 2> /dev/null
	python3 - "$TOP/docs" "$TMPD" "$ex" <<'PY'
import json, sys
import jsonschema
docs, tmp, ex = sys.argv[1:4]
for kind, schema in (("report", "report"), ("facilities", "facilities"), ("dead", "dead"),
                     ("size", "size"), ("why", "why")):
    try:
        d = json.load(open("%s/s.%s" % (tmp, kind)))
    except ValueError as e:
        print("FAIL: linkage: %s: %s --build JSON: %s" % (ex, kind, e))
        continue
    v = jsonschema.Draft202012Validator(json.load(open("%s/%s.schema.json" % (docs, schema))),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errs = list(v.iter_errors(d))
    key = {"report": "build", "facilities": "facilities", "dead": "dead_objects",
           "size": "levels", "why": "linked"}[kind]
    ok = not errs and key in d
    print(("PASS: " if ok else "FAIL: ") + "linkage: %s: %s with a build follows docs/%s.schema.json"
          % (ex, kind, schema) + ("" if ok else ": %s" % ("; ".join(
              "/".join(map(str, e.path)) + ": " + e.message[:100] for e in errs[:2]) or
              "no " + key)))
PY
done
