#!/bin/sh
# SPDX-License-Identifier: ISC
# The JSON documents against their published schemas, draft 2020-12, checked with
# python3-jsonschema (the draft validator the schema's "$schema" names, with its format
# checker): docs/report.schema.json (mirage-audit -f json IMAGE), docs/size.schema.json
# (size -d ... [--retained] -f json), docs/dead.schema.json (dead -f json) and
# docs/why.schema.json (why -f json IMAGE NAME). Covered: the report, a size -d
# component,library breakdown and dead at both --precision values for every example image;
# why at both precisions on a reachable symbol (solo5_app_main, else the ELF entry address;
# the first live-c-function of truth.txt) and on the seeded dead functions (every
# dead-function line, the first dead-c-function line), plus an OCaml module (the first
# dead-module line); and report, size (also with --retained) and dead over all the images
# at once (one document per image, concatenated). Each document also gets the invariants
# docs/report.md promises (levels sum to the totals, one row per name, row order, "[N
# others]" shape, the size tree's first level equal to the report's rows, retained only on
# symbols; reachable + dead bytes = the bytes the PT_LOAD segments map (readelf -l), dead
# rows sorted, summing to dead_bytes and splitting the size rows, dead functions largest
# first, a why chain that starts at a root and whose every reference lies in the previous
# step's node, bounded by readelf's sections and symbols). The dead and why documents of an
# image must agree with its report and with each other (same image object, same
# reachability at the same precision, a function listed dead exactly when why finds no
# chain to it, nothing dead at conservative precision live at ocaml precision).
# Negative checks: copies of a real report, size, dead and why document, each corrupted in
# one way (a renamed, retyped, missing or extra key, a value outside an enum, a root where a
# reference belongs, a broken sum or order, a reference outside its node), must be
# rejected, so the test is seen to bite.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
REPORT_SCHEMA=$TOP/docs/report.schema.json
SIZE_SCHEMA=$TOP/docs/size.schema.json
DEAD_SCHEMA=$TOP/docs/dead.schema.json
WHY_SCHEMA=$TOP/docs/why.schema.json
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
if ! command -v readelf >/dev/null 2>&1; then
	fail "schema: readelf missing (binutils)"
	exit 1
fi

cat > "$PY" <<'PY'
"""schema.py COMMAND ...: validation and invariants for t-schema.sh (prints PASS:/FAIL: lines).

  selfcheck REPORT_SCHEMA SIZE_SCHEMA DEAD_SCHEMA WHY_SCHEMA
  validate SCHEMA_FILE NAME FILE PATH...   FILE holds one document per PATH, in order
  agree NAME REPORT_FILE SIZE_FILE          the size tree's first level vs the report's rows
  agree-reach NAME IMAGE REPORT DEAD_OCAML DEAD_CONSERVATIVE WHY...
                                            dead and why documents vs the report and each other
  negative REPORT_SCHEMA SIZE_SCHEMA DEAD_SCHEMA WHY_SCHEMA REPORT SIZE DEAD WHY...
                                            (the first WHY with a chain of two steps is used)
"""
import copy
import functools
import json
import os
import re
import subprocess
import sys

import jsonschema
import jsonschema.validators

# $defs every schema carries, and those the three documents with a reachability object carry.
SHARED = ("hex", "bytes", "count", "tool", "image", "diagnostics")
SHARED_REACH = ("reachability", "root", "dead_level", "dead_row")
LEVELS = ("segments", "sections", "components", "libraries", "modules", "symbols")
DEAD_LEVELS = LEVELS[:-1]  # reachability.dead: dead symbols are the dead document's list
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


# ---- what readelf says about an image (the independent side of the reachability checks) ----

def readelf(args, path):
    return subprocess.run(["readelf"] + args + [path], check=True, capture_output=True,
                          text=True, errors="surrogateescape").stdout


class Elf:
    """PT_LOAD ranges, SHF_ALLOC sections and .symtab symbols of one image, from readelf."""

    def __init__(self, path):
        self.loads = []
        for line in readelf(["-lW"], path).splitlines():
            f = line.split()
            if len(f) >= 6 and f[0] == "LOAD":
                self.loads.append((int(f[2], 16), int(f[2], 16) + int(f[5], 16)))
        self.sections = []
        for line in readelf(["-SW"], path).splitlines():
            m = re.match(r"\s*\[\s*\d+\]\s+(.*)$", line)
            f = m.group(1).split() if m else []
            if len(f) >= 7 and re.fullmatch(r"[0-9a-f]+", f[2]) and \
                    re.fullmatch(r"[A-Za-z]+", f[6]) and "A" in f[6]:
                addr, size = int(f[2], 16), int(f[4], 16)
                self.sections.append((f[0], addr, addr + size))
        self.symbols, in_symtab = {}, False
        for line in readelf(["-sW"], path).splitlines():
            if line.startswith("Symbol table"):
                in_symtab = "'.symtab'" in line
                continue
            m = re.match(r"\s*\d+: ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+) (\S+)\s+\S+\s+\S+\s+"
                         r"(?:\[[^]]*\]\s+)?(\S+) (.*)$", line)
            if in_symtab and m and m.group(4) not in ("UND", "ABS"):
                self.symbols.setdefault(m.group(5), []).append(
                    (int(m.group(1), 16), int(m.group(2), 0), m.group(3)))

    def mapped_bytes(self):
        """Bytes the PT_LOAD segments map, each byte once: what the layout nodes cover."""
        total, end = 0, 0
        for lo, hi in sorted(self.loads):
            lo = max(lo, end)
            if hi > lo:
                total += hi - lo
                end = hi
        return total

    def node_bound(self, name, lo):
        """An upper bound of the layout node that starts at LO and is called NAME: the end of
        its symbol (when sized), else of its section, else of its PT_LOAD."""
        ends = [hi for _, s, hi in self.sections if s <= lo < hi] or \
               [hi for s, hi in self.loads if s <= lo < hi]
        hi = min(ends) if ends else lo + 1
        for value, size, _ in self.symbols.get(name, ()):
            if value == lo and size > 0:
                hi = min(hi, lo + size)
        return hi

    def is_function(self, name):
        return any(t == "FUNC" for _, _, t in self.symbols.get(name, ()))


@functools.lru_cache(maxsize=None)
def elf(path):
    return Elf(path)


# ---- the promises of docs/report.md ------------------------------------------------------

def dead_row_key(e):
    return (-e["dead_vm_size"], -e["dead_file_size"], cbytes(e["name"]))


def reach_invariants(r, path):
    """A reachability object; a list of what is broken."""
    bad = []
    if r["reachable_bytes"] != r["live_code_bytes"] + r["live_data_bytes"]:
        bad.append("reachable_bytes %d != live code %d + live data %d" % (
            r["reachable_bytes"], r["live_code_bytes"], r["live_data_bytes"]))
    if r["dead_bytes"] != r["dead_code_bytes"] + r["dead_data_bytes"]:
        bad.append("dead_bytes %d != dead code %d + dead data %d" % (
            r["dead_bytes"], r["dead_code_bytes"], r["dead_data_bytes"]))
    mapped = elf(path).mapped_bytes()
    if r["reachable_bytes"] + r["dead_bytes"] != mapped:
        bad.append("reachable_bytes + dead_bytes = %d, PT_LOAD segments map %d bytes" % (
            r["reachable_bytes"] + r["dead_bytes"], mapped))
    if not len(r["roots"]) <= r["nodes_reachable"] <= r["nodes"]:
        bad.append("%d roots, %d of %d nodes reachable" % (len(r["roots"]),
                                                           r["nodes_reachable"], r["nodes"]))
    if len({x["address"] for x in r["roots"]}) != len(r["roots"]):
        bad.append("a root appears twice")
    if not r["complete"] and (r["dead_bytes"] or r["dead_functions"] or
                              r["nodes_reachable"] != r["nodes"]):
        bad.append("complete is false, yet something is dead")
    for lvl in DEAD_LEVELS:
        rows = r["dead"][lvl]
        if any(not e["dead_file_size"] and not e["dead_vm_size"] for e in rows):
            bad.append("dead.%s: a row without dead bytes" % lvl)
        if len({e["name"] for e in rows}) != len(rows):
            bad.append("dead.%s: a name appears twice" % lvl)
        if rows != sorted(rows, key=dead_row_key):
            bad.append("dead.%s: not sorted by dead VM size, dead file size, name" % lvl)
        dv = sum(e["dead_vm_size"] for e in rows)
        # Overlapping PT_LOADs count twice in the levels, once in the nodes.
        if dv != r["dead_bytes"] and mapped == sum(hi - lo for lo, hi in elf(path).loads):
            bad.append("dead.%s: dead_vm_size sums to %d, dead_bytes %d" % (lvl, dv,
                                                                           r["dead_bytes"]))
    return bad


def report_invariants(d, path):
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
    # The report command always runs reachability now; its dead rows split the sizes rows.
    if "reachability" not in d:
        return bad + ["no reachability object"]
    bad += reach_invariants(d["reachability"], path)
    for lvl in DEAD_LEVELS:
        rows = {e["name"]: e for e in s[lvl]}
        for e in d["reachability"]["dead"][lvl]:
            row = rows.get(e["name"])
            if row is None:
                bad.append("dead.%s: %r is not a sizes.%s row" % (lvl, e["name"], lvl))
            elif e["dead_vm_size"] + e["live_vm_size"] != row["vm_size"] or \
                    e["dead_file_size"] + e["live_file_size"] > row["file_size"]:
                bad.append("dead.%s: %r splits %d/%d, not the row's %d/%d" % (
                    lvl, e["name"], e["dead_file_size"] + e["live_file_size"],
                    e["dead_vm_size"] + e["live_vm_size"], row["file_size"], row["vm_size"]))
    return bad


def dead_invariants(d, path):
    r, fns = d["reachability"], d["dead_functions"]
    bad = reach_invariants(r, path)
    if len(fns) != r["dead_functions"]:
        bad.append("%d dead_functions listed, reachability.dead_functions %d" % (
            len(fns), r["dead_functions"]))
    if fns != sorted(fns, key=lambda f: (-f["size"], int(f["address"], 16))):
        bad.append("dead_functions not sorted largest first, then by address")
    if len({f["address"] for f in fns}) != len(fns):
        bad.append("a dead function appears twice")
    if sum(f["size"] for f in fns) > r["dead_code_bytes"]:
        bad.append("dead functions hold %d bytes, dead_code_bytes %d" % (
            sum(f["size"] for f in fns), r["dead_code_bytes"]))
    return bad


def why_invariants(d, path):
    r, w = d["reachability"], d["why"]
    bad = reach_invariants(r, path)
    chain = w["chain"]
    if w["reachable"] != bool(chain):
        bad.append("reachable is %s with %d steps" % (w["reachable"], len(chain)))
    if not chain:
        return bad
    roots = {(x["name"], x["address"], x["why"]) for x in r["roots"]}
    if (chain[0]["name"], chain[0]["address"], chain[0].get("root")) not in roots:
        bad.append("the first step %s is not one of reachability.roots" % chain[0]["name"])
    if len({s["address"] for s in chain}) != len(chain):
        bad.append("a node appears twice in the chain")
    e = elf(path)
    for prev, step in zip(chain, chain[1:]):
        lo, at = int(prev["address"], 16), int(step["at"], 16)
        hi = e.node_bound(prev["name"], lo)
        if not lo <= at < hi:
            bad.append("%s at %s is not in the previous step %s [%#x, %#x)" % (
                step["name"], step["at"], prev["name"], lo, hi))
    last, q = chain[-1], w["query"]
    if w["target"] == "symbol " + q and last["name"] != q and \
            not any(v >= int(last["address"], 16) for v, _, _ in e.symbols.get(q, ())):
        bad.append("the last step %s does not hold symbol %s" % (last["name"], q))
    if w["target"] == "address " + q and int(q, 16) < int(last["address"], 16):
        bad.append("the last step %s starts after %s" % (last["address"], q))
    return bad


INVARIANTS = {
    "mirage-audit/report": report_invariants,
    "mirage-audit/dead": dead_invariants,
    "mirage-audit/why": why_invariants,
}


def invariants(d, path):
    return INVARIANTS.get(d.get("schema"), lambda d, _: size_invariants(d))(d, path)


def size_invariants(d):
    """The promises of docs/report.md for a size tree; a list of what is broken."""
    bad = []
    depth_max = len(d["levels"])
    key = (lambda e: (-e["vm_size"], -e["file_size"], cbytes(e["name"]))) \
        if d["sort"] == "vm" else row_key

    retained = []  # per node of a symbols level (not "[N others]"): has it "retained"?

    def walk(n, depth, path):
        ch = n.get("children", [])
        if "retained" in n and (depth == 0 or n.get("other") or
                                d["levels"][depth - 1] != "symbols"):
            bad.append("%s: retained on a node that is not a symbol" % path)
        if depth and d["levels"][depth - 1] == "symbols" and not n.get("other"):
            retained.append("retained" in n)
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
    if any(retained) and not all(retained):
        bad.append("retained on %d of %d symbol nodes, not all or none" % (sum(retained),
                                                                            len(retained)))
    return bad



def cmd_selfcheck(*paths):
    schemas = {}
    for path in paths:
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
    if len(schemas) != len(paths):
        return
    names = [os.path.basename(p) for p in paths]
    defs = [schemas[p]["$defs"] for p in paths]
    diff = ["%s in %s" % (k, n) for k in SHARED for n, d in zip(names[1:], defs[1:])
            if d.get(k) != defs[0].get(k)]
    result("schema: shared $defs %s identical in all four schemas" % ", ".join(SHARED),
           not diff, "differ from %s: %s" % (names[0], ", ".join(diff)))
    # report, dead and why carry a reachability object (paths: report size dead why).
    with_reach = [(n, d) for n, d in zip(names, defs) if n != names[1]]
    diff = ["%s in %s" % (k, n) for k in SHARED_REACH for n, d in with_reach[1:]
            if d.get(k) != defs[0].get(k) or k not in d]
    result("schema: shared $defs %s identical in report, dead and why" % ", ".join(SHARED_REACH),
           not diff, "differ from %s: %s" % (names[0], ", ".join(diff)))


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
            bad = invariants(doc, img)
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


def cmd_agree_reach(name, image, report_path, dead_ocaml, dead_cons, *why_paths):
    """The dead and why documents of one image against its report and against each other."""
    rep = load_docs(report_path)[0]
    dead = {"ocaml": load_docs(dead_ocaml)[0], "conservative": load_docs(dead_cons)[0]}
    whys = [load_docs(p)[0] for p in why_paths]
    docs = [rep] + list(dead.values()) + whys
    odd = sorted({d["schema"] for d in docs if d["image"] != rep["image"]})
    result("agree: %s: image object the same in the report, dead and why documents" % name,
           not odd, "differs in %s, e.g. %s" % (", ".join(odd), [
               "%s %r != %r" % (k, d["image"][k], rep["image"][k]) for d in docs
               for k in rep["image"] if d["image"][k] != rep["image"][k]][:3]))
    ok = rep["reachability"] == dead["ocaml"]["reachability"]
    result("agree: %s: dead --precision ocaml reachability = the report's (default ocaml)" % name,
           ok, "" if ok else "keys differ: %s" % [k for k in rep["reachability"] if
                                                   rep["reachability"][k] !=
                                                   dead["ocaml"]["reachability"].get(k)])
    bad = []
    for w in whys:
        q, p = w["why"]["query"], w["reachability"]["precision"]
        if w["reachability"] != dead[p]["reachability"]:
            bad.append("why %s --precision %s: reachability differs from dead's" % (q, p))
        if w["why"]["target"] == "symbol " + q and elf(image).is_function(q):
            listed = q in {f["name"] for f in dead[p]["dead_functions"]}
            if listed == w["why"]["reachable"]:
                bad.append("why %s --precision %s: reachable %s, %s dead_functions" % (
                    q, p, w["why"]["reachable"], "in" if listed else "not in"))
    result("agree: %s: why and dead (same precision): same reachability, a function is "
           "unreachable exactly when listed dead" % name, not bad, "; ".join(bad[:3]))
    # ocaml precision only removes uses: what conservative finds dead stays dead.
    cons = {f["address"]: f["name"] for f in dead["conservative"]["dead_functions"]}
    ocaml = {f["address"] for f in dead["ocaml"]["dead_functions"]}
    lost = [n for a, n in cons.items() if a not in ocaml]
    result("agree: %s: every function dead at conservative precision is dead at ocaml" % name,
           not lost and dead["conservative"]["reachability"]["dead_bytes"] <=
           dead["ocaml"]["reachability"]["dead_bytes"],
           "live at ocaml precision: %s" % ", ".join(lost[:5]))


def rename(o, old, new):
    """O with key OLD renamed to NEW, keeping the key order."""
    return {(new if k == old else k): v for k, v in o.items()}


def cmd_negative(report_schema, size_schema, dead_schema, why_schema, report_path, size_path,
                 dead_path, *why_paths):
    rep, size, dead = (load_docs(p)[0] for p in (report_path, size_path, dead_path))
    rs, ss, ds, ws = (load_schema(p) for p in (report_schema, size_schema, dead_schema,
                                                why_schema))
    # A document that already breaks an invariant would show nothing when corrupted.
    why = next((d for d in (load_docs(p)[0] for p in why_paths)
                if len(d["why"]["chain"]) >= 2 and not invariants(d, d["image"]["path"])),
               None)
    if why is None:
        result("negative: a sound why document with a chain of two steps to corrupt", False,
               "none among %d" % len(why_paths))
        return

    def bad(why_, schema, doc, mutate):
        d = copy.deepcopy(doc)
        mutate(d)
        return why_, schema, d

    def bad_report(why_, mutate):
        return bad(why_, rs, rep, mutate)

    def bad_size(why_, mutate):
        return bad(why_, ss, size, mutate)

    def bad_dead(why_, mutate):
        return bad("dead: " + why_, ds, dead, mutate)

    def bad_why(why_, mutate):
        return bad("why: " + why_, ws, why, mutate)

    def first_child(d):
        return d["tree"]["children"][0]

    def a_dead_row(d):
        """The first row of the first level with dead bytes, and its level."""
        lv = next(lv for lv in DEAD_LEVELS if d["reachability"]["dead"][lv])
        return d["reachability"]["dead"][lv], lv

    def step(d, i):
        return d["why"]["chain"][i]

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
        bad_report("reachability.precision outside its enum",
                   lambda d: d["reachability"].update(precision="exact")),
        bad_report("reachability.dead_bytes missing",
                   lambda d: d["reachability"].pop("dead_bytes")),
        bad_report("reachability.dead row key renamed dead_vm",
                   lambda d: a_dead_row(d)[0].__setitem__(
                       0, rename(a_dead_row(d)[0][0], "dead_vm_size", "dead_vm"))),
        bad_report("reachability.dead with a singular level name",
                   lambda d: d["reachability"].update(
                       dead=rename(d["reachability"]["dead"], "modules", "module"))),
        bad_report("reachability.dead with a symbols level",
                   lambda d: d["reachability"]["dead"].update(symbols=[])),
        bad_size("tree node key renamed",
                 lambda d: d["tree"]["children"].__setitem__(
                     0, rename(first_child(d), "file_size", "size"))),
        bad_size("levels entry singular", lambda d: d.update(levels=["component"])),
        bad_size("other: false", lambda d: first_child(d).update(other=False)),
        bad_size("retained as a string", lambda d: first_child(d).update(retained="12")),
        bad_size("a reachability object", lambda d: d.update(reachability=rep["reachability"])),
        bad_dead("schema mirage-audit/report", lambda d: d.update(schema="mirage-audit/report")),
        bad_dead("dead_functions[0].address as a number",
                 lambda d: d["dead_functions"][0].update(
                     address=int(d["dead_functions"][0]["address"], 16))),
        bad_dead("dead_functions[0].size 0", lambda d: d["dead_functions"][0].update(size=0)),
        bad_dead("dead_functions[0].module null",
                 lambda d: d["dead_functions"][0].update(module=None)),
        bad_dead("an extra key in dead_functions[]",
                 lambda d: d["dead_functions"][0].update(section=".text")),
        bad_dead("reachability missing", lambda d: d.pop("reachability")),
        bad_dead("reachability.roots[0].address in upper case",
                 lambda d: d["reachability"]["roots"][0].update(
                     address=d["reachability"]["roots"][0]["address"].upper())),
        bad_why("chain[1].kind outside its enum", lambda d: step(d, 1).update(kind="tail-call")),
        bad_why("the first step with kind and at instead of root",
                lambda d: d["why"]["chain"].__setitem__(0, dict(
                    name=step(d, 0)["name"], address=step(d, 0)["address"], kind="call",
                    at=step(d, 0)["address"]))),
        bad_why("a later step with a root",
                lambda d: step(d, 1).update(root="ELF entry point")),
        bad_why("a later step without at", lambda d: step(d, 1).pop("at")),
        bad_why("reachable true, chain empty", lambda d: d["why"].update(chain=[])),
        bad_why("reachable false, chain kept", lambda d: d["why"].update(reachable=False)),
        bad_why("target without its kind",
                lambda d: d["why"].update(target=d["why"]["query"])),
        bad_why("dead_functions[] in a why document",
                lambda d: d.update(dead_functions=dead["dead_functions"])),
    ]
    for why_, schema, doc in cases:
        err = schema_errors(doc, schema)
        result("negative: %s: rejected by the schema" % why_, err is not None,
               "the corrupted document validates")
    # The invariants bite too: documents that are valid but do not add up.
    img_rep, img_dead, img_why = (d["image"]["path"] for d in (rep, dead, why))

    sound = {id(x): not invariants(x, x["image"]["path"]) for x in (rep, dead)}

    def caught(why_, schema, doc, img, orig=None):
        err = schema_errors(doc, schema)
        ok = err is None and bool(invariants(doc, img)) and sound.get(id(orig), True)
        result("negative: %s: rejected by the invariants" % why_, ok,
               "the document broke an invariant before it was corrupted"
               if not sound.get(id(orig), True) else "not caught" if err is None else
               "the corrupted document is not even valid: " + err)

    d = copy.deepcopy(rep)
    d["sizes"]["libraries"][0]["file_size"] += 1
    caught("a libraries row off by one byte", rs, d, img_rep, rep)
    d = copy.deepcopy(size)
    first_child(d)["vm_size"] += 1
    result("negative: a size tree node off by one byte: rejected by the invariants",
           schema_errors(d, ss) is None and bool(invariants(d, None)), "not caught")
    d = copy.deepcopy(size)
    first_child(d)["retained"] = first_child(d)["vm_size"]
    result("negative: retained on a component node: rejected by the invariants",
           schema_errors(d, ss) is None and bool(invariants(d, None)), "not caught")
    d = copy.deepcopy(rep)
    d["reachability"]["reachable_bytes"] += 1
    d["reachability"]["live_data_bytes"] += 1
    caught("report: reachable_bytes and live_data_bytes one byte too many", rs, d, img_rep, rep)
    d = copy.deepcopy(rep)
    rows, _ = a_dead_row(d)
    rows[0]["dead_vm_size"] += 1
    caught("report: a dead row one byte larger than its sizes row", rs, d, img_rep, rep)
    d = copy.deepcopy(dead)
    d["dead_functions"].reverse()
    caught("dead: dead_functions smallest first", ds, d, img_dead, dead)
    d = copy.deepcopy(dead)
    d["dead_functions"].pop()
    caught("dead: a dead function left out", ds, d, img_dead, dead)
    d = copy.deepcopy(why)
    step(d, 1)["at"] = "0x%x" % (int(step(d, 0)["address"], 16) - 1)
    caught("why: chain[1].at before the previous step's node", ws, d, img_why)
    d = copy.deepcopy(why)
    step(d, 0)["root"] = "made up"
    caught("why: the first step is not one of the roots", ws, d, img_why)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "selfcheck":
            cmd_selfcheck(*args)
        elif cmd == "validate":
            cmd_validate(args[0], args[1], args[2], args[3:])
        elif cmd == "agree":
            cmd_agree(*args)
        elif cmd == "agree-reach":
            cmd_agree_reach(*args)
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
python3 "$PY" selfcheck "$REPORT_SCHEMA" "$SIZE_SCHEMA" "$DEAD_SCHEMA" "$WHY_SCHEMA" || ret=1

# run NAME OUT ARGS...: the tool with stdout in OUT; a FAIL line unless it exits 0.
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

# why_queries NAME IMAGE: "PRECISIONS QUERY" lines, the queries why is asked about IMAGE.
why_queries() {
	wq_truth=$TOP/examples/$1/truth.txt
	if readelf -sW "$2" 2>/dev/null | awk '$8 == "solo5_app_main" { f = 1 } END { exit !f }'; then
		echo "ocaml,conservative solo5_app_main"
	else
		echo "ocaml,conservative $(readelf -hW "$2" | sed -n 's/^ *Entry point address: *//p')"
	fi
	[ -f "$wq_truth" ] || return 0
	sed -n 's/^live-c-function \([^ ]*\).*/ocaml,conservative \1/p' "$wq_truth" | head -n 1
	sed -n 's/^dead-function \([^ ]*\).*/ocaml,conservative \1/p' "$wq_truth"
	sed -n 's/^dead-c-function \([^ ]*\).*/ocaml,conservative \1/p' "$wq_truth" | head -n 1
	# A module is found through its symbols: not in a stripped image.
	if readelf -SW "$2" | grep -q ' \.symtab '; then
		sed -n 's/^dead-module \([^ ]*\).*/ocaml \1/p' "$wq_truth" | head -n 1
	fi
}

all=
first=
: > "$TMPD/why.files"
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
	for p in ocaml conservative; do
		run "dead --precision $p $name" "$d/dead.$p.json" dead --precision "$p" -f json "$img" &&
			validate "$DEAD_SCHEMA" "dead --precision $p $name" "$d/dead.$p.json" "$img"
	done
	n=0
	whys=
	why_queries "$name" "$img" > "$d/queries"
	while read -r precisions query; do
		for p in $(echo "$precisions" | tr , ' '); do
			n=$((n + 1))
			w=$d/why.$n.json
			run "why --precision $p $name $query" "$w" why --precision "$p" -f json "$img" \
				"$query" || continue
			validate "$WHY_SCHEMA" "why --precision $p $name $query" "$w" "$img"
			whys="$whys $w"
			echo "$w" >> "$TMPD/why.files"
		done
	done < "$d/queries"
	if [ -s "$d/report.json" ] && [ -s "$d/dead.ocaml.json" ] &&
	   [ -s "$d/dead.conservative.json" ]; then
		# shellcheck disable=SC2086 # $whys: paths under $TMPD, no spaces
		python3 "$PY" agree-reach "$name" "$img" "$d/report.json" "$d/dead.ocaml.json" \
			"$d/dead.conservative.json" $whys || ret=1
	fi
	if [ -z "$first" ] && [ -s "$d/report.json" ] && [ -s "$d/size.json" ] &&
	   [ -s "$d/dead.ocaml.json" ]; then
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
	# shellcheck disable=SC2086
	run "size --retained, all images" "$TMPD/all-retained.json" size -d component,symbol -n 3 \
		--retained -f json $all &&
		validate "$SIZE_SCHEMA" "size -d component,symbol -n 3 --retained, all images" \
			"$TMPD/all-retained.json" $all
	# shellcheck disable=SC2086
	run "dead --precision conservative, all images" "$TMPD/all-dead.json" \
		dead --precision conservative -f json $all &&
		validate "$DEAD_SCHEMA" "dead --precision conservative, all images" \
			"$TMPD/all-dead.json" $all
fi

# The test must bite: corrupted copies of the first example's documents (and of the first
# why document with a chain of two steps) are rejected.
if [ -n "$first" ]; then
	# shellcheck disable=SC2046 # paths under $TMPD, no spaces
	python3 "$PY" negative "$REPORT_SCHEMA" "$SIZE_SCHEMA" "$DEAD_SCHEMA" "$WHY_SCHEMA" \
		"$first/report.json" "$first/size.json" "$first/dead.ocaml.json" \
		$(cat "$TMPD/why.files") || ret=1
else
	fail "schema: negative checks" "no example produced a report to corrupt"
	ret=1
fi
exit $ret
