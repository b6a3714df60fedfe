#!/bin/sh
# SPDX-License-Identifier: ISC
# The JSON documents against their published schemas: docs/report.schema.json
# (mirage-audit -f json IMAGE) and docs/size.schema.json (mirage-audit size -d
# ... -f json IMAGE), draft 2020-12, checked with python3-jsonschema (the draft
# validator the schema's "$schema" names, with its format checker). Covered:
# the report and a size -d component,library breakdown of every example image,
# and both commands over all the images at once (one document per image,
# concatenated). Each document also gets the invariants docs/report.md promises
# (levels sum to the totals, one row per name, row order, "[N others]" shape,
# the size tree's first level equal to the report's rows).
# Negative checks: copies of a real report and size document, each corrupted in
# one way (a renamed, retyped or extra key, a value outside an enum, a broken
# sum), must be rejected, so the test is seen to bite.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
REPORT_SCHEMA=$TOP/docs/report.schema.json
SIZE_SCHEMA=$TOP/docs/size.schema.json
PY=$TMPD/schema.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "schema: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1 ||
   ! python3 -c 'import jsonschema.validators' >/dev/null 2>&1; then
	fail "python3-jsonschema missing (make setup installs it)"
	exit 1
fi

cat > "$PY" <<'PY'
"""schema.py COMMAND ...: validation and invariants for t-schema.sh (prints PASS:/FAIL: lines).

  selfcheck REPORT_SCHEMA SIZE_SCHEMA
  validate SCHEMA_FILE NAME FILE PATH...   FILE holds one document per PATH, in order
  agree NAME REPORT_FILE SIZE_FILE          the size tree's first level vs the report's rows
  negative REPORT_SCHEMA SIZE_SCHEMA REPORT_FILE SIZE_FILE
"""
import copy
import json
import os
import re
import sys

import jsonschema
import jsonschema.validators

SHARED = ("hex", "bytes", "count", "tool", "image", "diagnostics")
LEVELS = ("segments", "sections", "components", "libraries", "modules", "symbols")
failed = 0


def result(name, ok, detail=""):
    global failed
    if ok:
        print("PASS: " + name)
    else:
        failed += 1
        print("FAIL: " + name + (": " + detail if detail else ""))


def load_schema(path):
    with open(path) as f:
        return json.load(f)


def validator_cls(schema):
    """The validator of the draft the schema's $schema names (no silent default)."""
    cls = jsonschema.validators.validator_for(schema, default=None)
    if cls is None:
        raise RuntimeError("this jsonschema does not know $schema %r (draft 2020-12 needs "
                           "jsonschema 4, as in Debian bookworm)" % schema.get("$schema"))
    return cls


def schema_errors(doc, schema):
    """None when DOC is valid, else 'at $.path: message' for the best error."""
    cls = validator_cls(schema)
    fc = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
    try:
        jsonschema.validate(doc, schema, cls=cls, format_checker=fc)
    except jsonschema.ValidationError as e:
        where = "$" + "".join("[%d]" % p if isinstance(p, int) else "." + str(p)
                              for p in e.absolute_path)
        return "at %s: %s" % (where, e.message[:300])
    return None


def load_docs(path):
    """Every JSON document in PATH, concatenated as the tool writes them."""
    with open(path) as f:
        text = f.read()
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)


def cbytes(s):
    """S as the bytes strcmp() compares, so that sort orders match the tool's."""
    return s.encode("utf-8", "surrogatepass")


def row_key(e):
    return (-e["file_size"], -e["vm_size"], cbytes(e["name"]))


def report_invariants(d):
    """The promises of docs/report.md for a report; a list of what is broken."""
    bad = []
    s, img = d["sizes"], d["image"]
    if (s["file_total"], s["vm_total"]) != (img["file_size"], img["vm_size"]):
        bad.append("sizes totals %d/%d != image sizes %d/%d" %
                   (s["file_total"], s["vm_total"], img["file_size"], img["vm_size"]))
    for lvl in LEVELS:
        rows = s[lvl]
        f, v = sum(e["file_size"] for e in rows), sum(e["vm_size"] for e in rows)
        if (f, v) != (s["file_total"], s["vm_total"]):
            bad.append("%s sum to %d/%d, totals %d/%d" % (lvl, f, v, s["file_total"],
                                                          s["vm_total"]))
        names = [e["name"] for e in rows]
        if len(set(names)) != len(names):
            bad.append("%s: a name appears twice" % lvl)
        if any(not e["file_size"] and not e["vm_size"] for e in rows):
            bad.append("%s: a row of 0 bytes" % lvl)
        if rows != sorted(rows, key=row_key):
            bad.append("%s: not sorted by file size, VM size, name" % lvl)
    unk = [e for e in s["components"] if e["name"] == "unknown"]
    want = (unk[0]["file_size"], unk[0]["vm_size"]) if unk else (0, 0)
    if (s["unknown"]["file_size"], s["unknown"]["vm_size"]) != want:
        bad.append("sizes.unknown is not the 'unknown' component row")
    oc = d["ocaml"]
    if oc["n_units"] != len(oc["units"]):
        bad.append("ocaml.n_units %d, %d units" % (oc["n_units"], len(oc["units"])))
    if [u["name"] for u in oc["units"]] != sorted((u["name"] for u in oc["units"]), key=cbytes):
        bad.append("ocaml.units not sorted by name")
    for u in oc["units"]:
        for r in (u["code"], u["data"]):
            if r and int(r["lo"], 16) > int(r["hi"], 16):
                bad.append("unit %s: range %s > %s" % (u["name"], r["lo"], r["hi"]))
    m = d["platform"]["solo5"]["manifest"]
    if m and m["valid"] != (m["error"] is None):
        bad.append("manifest: valid is %s but error is %r" % (m["valid"], m["error"]))
    return bad


def size_invariants(d):
    """The promises of docs/report.md for a size tree; a list of what is broken."""
    bad = []
    depth_max = len(d["levels"])
    key = (lambda e: (-e["vm_size"], -e["file_size"], cbytes(e["name"]))) \
        if d["sort"] == "vm" else row_key

    def walk(n, depth, path):
        ch = n.get("children", [])
        if n.get("other"):
            if ch:
                bad.append("%s: an [N others] node with children" % path)
            if not re.fullmatch(r"\[[1-9][0-9]* others\]", n["name"]):
                bad.append("%s: other node named %r" % (path, n["name"]))
            return
        if depth == depth_max and ch:
            bad.append("%s: children below the last level" % path)
        if depth < depth_max and not ch:
            bad.append("%s: no children above the last level" % path)
        if not ch:
            return
        f, v = sum(c["file_size"] for c in ch), sum(c["vm_size"] for c in ch)
        if (f, v) != (n["file_size"], n["vm_size"]):
            bad.append("%s: children sum to %d/%d, node %d/%d" % (path, f, v, n["file_size"],
                                                                  n["vm_size"]))
        names = [c["name"] for c in ch]
        if len(set(names)) != len(names):
            bad.append("%s: a child name appears twice" % path)
        if any(c.get("other") for c in ch[:-1]):
            bad.append("%s: [N others] is not the last child" % path)
        rows = [c for c in ch if not c.get("other")]
        if rows != sorted(rows, key=key):
            bad.append("%s: children not sorted by %s size" % (path, d["sort"]))
        for c in ch:
            walk(c, depth + 1, path + "/" + c["name"])

    t, img = d["tree"], d["image"]
    if (t["file_size"], t["vm_size"]) != (img["file_size"], img["vm_size"]):
        bad.append("tree root %d/%d, image %d/%d" % (t["file_size"], t["vm_size"],
                                                      img["file_size"], img["vm_size"]))
    walk(t, 0, "TOTAL")
    return bad


def invariants(d):
    return report_invariants(d) if d.get("schema") == "mirage-audit/report" else size_invariants(d)


def cmd_selfcheck(report_path, size_path):
    schemas = {}
    for path in (report_path, size_path):
        name = "schema: %s is a valid JSON Schema" % os.path.basename(path)
        try:
            s = load_schema(path)
            cls = validator_cls(s)
            cls.check_schema(s)
            ok = s.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
            result(name, ok, "" if ok else "$schema is %r, want draft 2020-12" % s.get("$schema"))
            schemas[path] = s
        except Exception as e:  # noqa: BLE001 - any failure is the test's verdict
            result(name, False, "%s: %s" % (type(e).__name__, str(e)[:300]))
    if len(schemas) == 2:
        r, z = schemas[report_path]["$defs"], schemas[size_path]["$defs"]
        diff = [k for k in SHARED if r.get(k) != z.get(k)]
        result("schema: shared $defs identical in both schemas", not diff,
               "differ: " + ", ".join(diff))


def cmd_validate(schema_path, name, path, images):
    schema = load_schema(schema_path)
    try:
        docs = load_docs(path)
    except ValueError as e:
        result("schema: %s: parses as JSON" % name, False, str(e))
        return
    if len(docs) != len(images):
        result("schema: %s: one document per image" % name, False,
               "%d documents for %d images" % (len(docs), len(images)))
    for doc, img in zip(docs, images):
        label = name if len(images) == 1 else "%s [%s]" % (name, os.path.basename(img))
        err = schema_errors(doc, schema)
        if err is None and doc["image"]["path"] != img:
            err = "image.path %r, expected %r (documents out of order?)" % (
                doc["image"]["path"], img)
        result("schema: " + label, err is None, err or "")
        if err is None:
            bad = invariants(doc)
            result("invariants: " + label, not bad, "; ".join(bad[:5]))


def cmd_agree(name, report_path, size_path):
    """With --sort file, the tree's first level is the report's rows, folded past -n."""
    rep, size = load_docs(report_path)[0], load_docs(size_path)[0]
    rows = rep["sizes"][size["levels"][0]]
    ch = size["tree"]["children"]
    kept = [{k: c[k] for k in ("name", "file_size", "vm_size")} for c in ch
            if not c.get("other")]
    rest = rows[len(kept):]
    want_other = [] if not rest else [{
        "name": "[%d others]" % len(rest), "other": True,
        "file_size": sum(e["file_size"] for e in rest),
        "vm_size": sum(e["vm_size"] for e in rest)}]
    got_other = [c for c in ch if c.get("other")]
    ok = size["sort"] == "file" and kept == rows[:len(kept)] and got_other == want_other
    result("agree: %s: size tree level 1 = report %s" % (name, size["levels"][0]), ok,
           "" if ok else "first rows %s, report %s" % (
               [(c["name"], c["file_size"]) for c in ch[:3]],
               [(e["name"], e["file_size"]) for e in rows[:3]]))


def rename(o, old, new):
    """O with key OLD renamed to NEW, keeping the key order."""
    return {(new if k == old else k): v for k, v in o.items()}


def cmd_negative(report_schema, size_schema, report_path, size_path):
    rep, size = load_docs(report_path)[0], load_docs(size_path)[0]
    rs, ss = load_schema(report_schema), load_schema(size_schema)

    def bad_report(why, mutate):
        d = copy.deepcopy(rep)
        mutate(d)
        return why, rs, d

    def bad_size(why, mutate):
        d = copy.deepcopy(size)
        mutate(d)
        return why, ss, d

    def first_child(d):
        return d["tree"]["children"][0]

    cases = [
        bad_report("sizes.file_total renamed file_bytes",
                   lambda d: d.update(sizes=rename(d["sizes"], "file_total", "file_bytes"))),
        bad_report("image.file_size as a string",
                   lambda d: d["image"].update(file_size=str(d["image"]["file_size"]))),
        bad_report("image.entry as a number",
                   lambda d: d["image"].update(entry=int(d["image"]["entry"], 16))),
        bad_report("image.entry in upper case",
                   lambda d: d["image"].update(entry=d["image"]["entry"].upper())),
        bad_report("image.sha256 truncated",
                   lambda d: d["image"].update(sha256=d["image"]["sha256"][:63])),
        bad_report("platform.target outside its enum",
                   lambda d: d["platform"].update(target="solo5-hvt")),
        bad_report("an extra key in diagnostics[]",
                   lambda d: d.update(diagnostics=[{"kind": "note", "message": "m",
                                                    "line": 1}])),
        bad_report("schema_version 2", lambda d: d.update(schema_version=2)),
        bad_report("sizes.components row missing vm_size",
                   lambda d: d["sizes"]["components"][0].pop("vm_size")),
        bad_size("tree node key renamed",
                 lambda d: d["tree"]["children"].__setitem__(
                     0, rename(first_child(d), "file_size", "size"))),
        bad_size("levels entry singular", lambda d: d.update(levels=["component"])),
        bad_size("other: false", lambda d: first_child(d).update(other=False)),
    ]
    for why, schema, doc in cases:
        err = schema_errors(doc, schema)
        result("negative: %s: rejected by the schema" % why, err is not None,
               "the corrupted document validates")
    # The invariants bite too: a document that is valid but does not add up.
    d = copy.deepcopy(rep)
    d["sizes"]["libraries"][0]["file_size"] += 1
    result("negative: a libraries row off by one byte: rejected by the invariants",
           schema_errors(d, rs) is None and bool(invariants(d)),
           "not caught")
    d = copy.deepcopy(size)
    first_child(d)["vm_size"] += 1
    result("negative: a size tree node off by one byte: rejected by the invariants",
           schema_errors(d, ss) is None and bool(invariants(d)),
           "not caught")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "selfcheck":
            cmd_selfcheck(*args)
        elif cmd == "validate":
            cmd_validate(args[0], args[1], args[2], args[3:])
        elif cmd == "agree":
            cmd_agree(*args)
        elif cmd == "negative":
            cmd_negative(*args)
        else:
            raise SystemExit("schema.py: unknown command " + cmd)
    except Exception as e:  # noqa: BLE001 - a crash here is a failed check, said once
        result("schema: schema.py %s %s" % (cmd, " ".join(args[:2])), False,
               "%s: %s" % (type(e).__name__, str(e)[:300]))
    sys.exit(1 if failed else 0)


main()
PY

ret=0
python3 "$PY" selfcheck "$REPORT_SCHEMA" "$SIZE_SCHEMA" || ret=1

# run NAME OUTFILE ARGS...: the tool's stdout into OUTFILE; a FAIL line unless it exits 0.
run() {
	r_name=$1 r_out=$2
	shift 2
	ma "$@" > "$r_out" 2> "$r_out.err"
	r_rc=$?
	[ "$r_rc" -eq 0 ] && return 0
	fail "schema: $r_name" "mirage-audit $* exited $r_rc: $(head -n 1 "$r_out.err")"
	ret=1
	return 1
}

# validate SCHEMA NAME FILE IMAGE...: one PASS/FAIL line per document, and its invariants.
validate() {
	python3 "$PY" validate "$@" || ret=1
}

all=
first=
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	if ! [ -f "$img" ]; then
		fail "schema: $name" "$img missing: run 'make examples'"
		ret=1
		continue
	fi
	all="$all $img"
	d=$TMPD/$name
	mkdir -p "$d"
	run "report $name" "$d/report.json" -f json "$img" &&
		validate "$REPORT_SCHEMA" "report $name" "$d/report.json" "$img"
	run "size $name" "$d/size.json" size -d component,library -f json "$img" &&
		validate "$SIZE_SCHEMA" "size -d component,library $name" "$d/size.json" "$img"
	if [ -s "$d/report.json" ] && [ -s "$d/size.json" ]; then
		python3 "$PY" agree "$name" "$d/report.json" "$d/size.json" || ret=1
	fi
	if [ -z "$first" ] && [ -s "$d/report.json" ] && [ -s "$d/size.json" ]; then
		first=$d
	fi
done < "$EXAMPLES/LIST"

# Several images at once: one document per image, concatenated, in argument order.
# $all holds absolute paths without spaces (build/examples/NAME/FILE), split on purpose.
if [ -n "$all" ]; then
	# shellcheck disable=SC2086
	run "report, all images" "$TMPD/all-report.json" -f json $all &&
		validate "$REPORT_SCHEMA" "report, all images" "$TMPD/all-report.json" $all
	# shellcheck disable=SC2086
	run "size, all images" "$TMPD/all-size.json" size -d segment,section,symbol -n 3 \
		--sort vm -f json $all &&
		validate "$SIZE_SCHEMA" "size -d segment,section,symbol -n 3 --sort vm, all images" \
			"$TMPD/all-size.json" $all
fi

# The test must bite: corrupted copies of the first example's documents are rejected.
if [ -n "$first" ]; then
	python3 "$PY" negative "$REPORT_SCHEMA" "$SIZE_SCHEMA" "$first/report.json" \
		"$first/size.json" || ret=1
else
	fail "schema: negative checks" "no example produced a report to corrupt"
	ret=1
fi
exit $ret
