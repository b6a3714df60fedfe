#!/bin/sh
# SPDX-License-Identifier: ISC
# report -f cyclonedx (reports/cyclonedx.c) against CycloneDX's own JSON schema, 1.5
# (fetched by `make setup` from npm, @cyclonedx/cyclonedx-library, never committed), with
# the SPDX and JSF schemas it refers to resolved to the local files; and its components
# against the JSON report's package list: one library component per package the build
# names, purl pkg:opam/NAME@VERSION, the bytes as
# properties; the serial number is the image's SHA-256 (sha256sum) as a UUID.
# Run: MA=build/mirage-audit EXAMPLES=build/examples TOP=. sh tests/build/t-cyclonedx.sh
. "$TOP/tests/lib.sh"
need python3 sha256sum npm || exit 1
SCHEMA=${CDX_SCHEMA:-$TOP/build/cyclonedx/package/res/schema/bom-1.5.SNAPSHOT.schema.json}
if [ ! -x "${MA:-}" ]; then
	fail "cyclonedx: mirage-audit binary missing (MA=${MA:-})"
	exit 1
fi
if ! [ -f "$SCHEMA" ]; then
	fail "cyclonedx: the CycloneDX 1.5 schema" "$SCHEMA missing: run 'make setup'"
	exit 1
fi
if ! python3 -c 'import jsonschema, referencing' > /dev/null 2>&1; then
	fail "cyclonedx: python3-jsonschema missing (make setup installs it)"
	exit 1
fi

cat > "$TMPD/cdx.py" <<'PY'
import hashlib, json, os, sys
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
schema_path, name, bom_path, report_path, image = sys.argv[1:6]
d = os.path.dirname(schema_path)
def res(ok, what, detail=""):
    print(("PASS: " if ok else "FAIL: ") + "cyclonedx: %s: %s" % (name, what) +
          ("" if ok or not detail else ": " + detail))
schemas = {}
for f in ("bom-1.5.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json",
          "jsf-0.82.SNAPSHOT.schema.json"):
    s = json.load(open(os.path.join(d, f)))
    schemas[f] = s
# Each schema under its $id and under the name the bom schema's relative $refs resolve to.
reg = Registry()
for f, s in schemas.items():
    r = Resource.from_contents(s, default_specification=DRAFT7)
    reg = reg.with_resource(s["$id"], r).with_resource("http://cyclonedx.org/schema/" + f, r)
bom = json.load(open(bom_path))
v = jsonschema.Draft7Validator(schemas["bom-1.5.SNAPSHOT.schema.json"], registry=reg,
                               format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
errs = sorted(v.iter_errors(bom), key=lambda e: list(e.path))
res(not errs, "valid against the CycloneDX 1.5 schema",
    "; ".join("%s: %s" % ("/".join(map(str, e.path)), e.message[:120]) for e in errs[:3]))
res(bom.get("bomFormat") == "CycloneDX" and bom.get("specVersion") == "1.5",
    "bomFormat CycloneDX, specVersion 1.5")
h = hashlib.sha256(open(image, "rb").read()).hexdigest()
serial = bom.get("serialNumber", "").replace("urn:uuid:", "").replace("-", "")
res(serial[:12] == h[:12] and serial[16:] != "" and serial[13:16] == h[13:16],
    "the serial number is the image's sha256 as a UUID", serial)
comp = bom["metadata"]["component"]
res(comp["hashes"][0]["content"] == h, "the image is the metadata component, with its sha256")
rep = json.load(open(report_path))
pk = {p["name"]: p for p in rep["packages"] if p["name"] != "[unknown]"}
cs = {c["name"]: c for c in bom["components"]}
res(set(pk) == set(cs), "one library component per package of the report (%d)" % len(cs),
    "report %s, bom %s" % (sorted(pk), sorted(cs)))
bad = []
for n, c in cs.items():
    p = pk.get(n)
    props = {x["name"]: x["value"] for x in c.get("properties", [])}
    want = "pkg:opam/%s@%s" % (n, p["version"]) if p and p["version"] else "pkg:opam/" + n
    if (not p or c["type"] != "library" or c.get("purl") != want or
            c.get("version") != p["version"] or
            props.get("mirage-audit:bytes-linked") != str(p["bytes_linked"]) or
            props.get("mirage-audit:bytes-reachable") != str(p["bytes_reachable"])):
        bad.append(n)
res(not bad, "each component: purl, version and bytes of its package", ", ".join(bad[:3]))
PY

n=0
while read -r ex image _; do
	case $ex in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	dir=${img%/*}
	ls "$dir"/*.map > /dev/null 2>&1 || continue
	[ -f "$img" ] || continue
	n=$((n + 1))
	rc=0
	ma report -f cyclonedx --build "$dir" "$img" > "$TMPD/$ex.cdx" 2> "$TMPD/$ex.err" || rc=$?
	ma report -f json --build "$dir" "$img" > "$TMPD/$ex.json" 2> /dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "cyclonedx: $ex: report -f cyclonedx --build" "exit $rc: $(head -n 1 "$TMPD/$ex.err")"
		continue
	fi
	python3 "$TMPD/cdx.py" "$SCHEMA" "$ex" "$TMPD/$ex.cdx" "$TMPD/$ex.json" "$img"
done < "$EXAMPLES/LIST"
check "cyclonedx: examples with a build ($n)" [ "$n" -ge 5 ]

# Without a build, or with two images, -f cyclonedx is a usage error.
img=$(awk 'NF && $1 !~ /^#/ { print $2; exit }' "$EXAMPLES/LIST")
rc=0
ma report -f cyclonedx "$EXAMPLES/$img" > "$TMPD/out" 2>&1 || rc=$?
check "cyclonedx: without a build, exit 2" [ "$rc" -eq 2 ]
rc=0
ma report -f cyclonedx -M "${EXAMPLES}/${img%.*}.map" "$EXAMPLES/$img" "$EXAMPLES/$img" \
	> "$TMPD/out" 2>&1 || rc=$?
check "cyclonedx: two images, exit 2" [ "$rc" -eq 2 ]
