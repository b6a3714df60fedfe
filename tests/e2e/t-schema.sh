#!/bin/sh
# SPDX-License-Identifier: ISC
# The JSON documents against their published schemas, draft 2020-12, checked with
# python3-jsonschema (the draft validator the schema's "$schema" names, with its format
# checker): docs/report.schema.json (mirage-audit -f json IMAGE), docs/size.schema.json
# (size -d ... [--retained] -f json), docs/dead.schema.json (dead -f json),
# docs/why.schema.json (why -f json IMAGE NAME) and docs/facilities.schema.json (facilities
# -f json and drivers -f json). Covered: the report, a size -d component,library breakdown,
# dead and facilities at both --precision values, and drivers, for every example image and
# for an i386 image built here (no code analysis: reachability incomplete); why at both
# precisions on a reachable symbol (solo5_app_main, else the ELF entry address; the first
# live-c-function of truth.txt), on the seeded dead functions (every dead-function line, the
# first dead-c-function line), on an OCaml module (the first dead-module line) and on the
# last node of the first facility witness; facilities with --forbid and --require-sealed
# (exit 1) on the first example with a reachable facility; and report, size (also with
# --retained), dead and facilities over all the images at once (one document per image,
# concatenated). Each document also gets the invariants docs/report.md promises (levels sum
# to the totals, one row per name, row order, "[N others]" shape, the size tree's first level
# equal to the report's rows, retained only on symbols; reachable + dead bytes = the bytes
# the PT_LOAD segments map (readelf -l), dead rows sorted, summing to dead_bytes and
# splitting the size rows, dead functions largest first, a why chain that starts at a root
# and whose every reference lies in the previous step's node, bounded by readelf's sections
# and symbols; a facility's bytes = reachable + dead bytes, sealed exactly when no OCaml unit
# and no symbol of readelf -s is claimed by its patterns in analyzers/facilities.catalogue
# (without symbols never sealed, and unknown exactly when no unit of the image's unstripped
# twin - same build ID in LIST - matches: the units a stripped image recovers from the
# runtime's tables, docs/attribution.md; with symbols unknown only for near misses no pattern
# claims), its units those of the image its patterns
# match, its witness non-empty exactly when reachable, starting at a root and ending at a
# node its patterns claim; drivers = the facilities of class driver; every finding's rule in
# docs/report.md's table with its severity, and the findings exactly those its rules give
# for the verdicts and the report's Solo5 manifest). The dead, why, facilities and drivers
# documents of an image must agree with its report and with each other (same image object,
# same reachability, facilities and findings at the same precision, a function listed dead
# exactly when why finds no chain to it, nothing dead at conservative precision live at
# ocaml precision, a witness equal to why's chain).
# Negative checks: copies of a real report, size, dead, why, facilities and drivers
# document, each corrupted in one way (a renamed, retyped, missing or extra key, a value
# outside an enum, a root where a reference belongs, a broken sum or order, a reference
# outside its node, a verdict the image contradicts, a finding left out or with another
# severity), must be rejected, so the test is seen to bite.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
REPORT_SCHEMA=$TOP/docs/report.schema.json
SIZE_SCHEMA=$TOP/docs/size.schema.json
DEAD_SCHEMA=$TOP/docs/dead.schema.json
WHY_SCHEMA=$TOP/docs/why.schema.json
FAC_SCHEMA=$TOP/docs/facilities.schema.json
PY=$TMPD/schema.py
# Read by schema.py: the catalogue the tool compiles in, and the rule table of the doc.
CATALOGUE=$TOP/analyzers/facilities.catalogue
RULES_DOC=$TOP/docs/report.md
export CATALOGUE RULES_DOC

if [ -z "${MA:-}" ] || ! [ -x "$MA" ]; then
	fail "schema: mirage-audit binary missing (MA=${MA:-})"
	exit 1
fi
# Run a copy: in a shared work tree, a rebuild of $MA in the middle of the suite would
# otherwise fail runs with "Permission denied" (ETXTBSY) or an empty output.
cp "$MA" "$TMPD/mirage-audit" && MA=$TMPD/mirage-audit || exit 1

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

  selfcheck REPORT_SCHEMA SIZE_SCHEMA DEAD_SCHEMA WHY_SCHEMA FACILITIES_SCHEMA
  validate SCHEMA_FILE NAME FILE PATH...   FILE holds one document per PATH, in order
  agree NAME REPORT_FILE SIZE_FILE          the size tree's first level vs the report's rows
  agree-reach NAME IMAGE REPORT DEAD_OCAML DEAD_CONSERVATIVE WHY...
                                            dead and why documents vs the report and each other
  agree-fac NAME IMAGE REPORT DEAD_CONSERVATIVE FAC_OCAML FAC_CONSERVATIVE DRIVERS [WHY]
                                            facilities and drivers vs the report and each other,
                                            WHY asked about witness-target's address
  witness-target FAC                        the last address of FAC's first witness, if any
  policy-args FAC                           "FORBID REQUIRE_SEALED" for a policy run, if any
  policy NAME IMAGE REPORT FAC FORBID REQUIRE_SEALED
                                            the findings of that run
  negative REPORT_SCHEMA SIZE_SCHEMA DEAD_SCHEMA WHY_SCHEMA FACILITIES_SCHEMA REPORT SIZE DEAD
           FAC_DIRS WHY...                  (the first WHY with a chain of two steps is used;
                                            FAC_DIRS lists the directories holding an example's
                                            report.json, facilities.ocaml.json, drivers.json)
  Environment: CATALOGUE (analyzers/facilities.catalogue), RULES_DOC (docs/report.md).
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
# $defs the report and the facilities and drivers documents share.
SHARED_FAC = ("facility", "driver", "finding", "witness", "witness_step")
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
    """The JSON documents in PATH: one, or the array the tool writes for several images
    (one JSON text either way: concatenated documents are not JSON, and fail here)."""
    with open(path) as f:
        doc = json.load(f)
    return doc if isinstance(doc, list) else [doc]


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
    bad += report_facility_invariants(d, path)
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


# ---- facilities: the catalogue and the image's symbols, without mirage-audit ---------------

@functools.lru_cache(maxsize=None)
def catalogue():
    """analyzers/facilities.catalogue: ({name: (class, device)}, [(facility, field, kind, pat)])."""
    facs, rules = {}, []
    with open(os.environ["CATALOGUE"]) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "facility":
                facs[w[1]] = (w[2], None if w[3] == "-" else w[3])
            elif w[0] == "match":
                fac, field, kind, pat = w[1], w[2], w[3], " ".join(w[4:])
                rules.append((fac, field, kind, re.compile(pat) if kind == "regex"
                              else pat.split(",")))
    return facs, rules


@functools.lru_cache(maxsize=None)
def pattern_facility(field, name):
    """The facility of the first FIELD (unit or symbol) pattern matching NAME, or None: the
    first match wins (a regex is POSIX extended, unanchored: re.search is close enough)."""
    for fac, fl, kind, pat in catalogue()[1]:
        if fl == field and (name in pat if kind == "exact" else
                            any(name.startswith(p) for p in pat) if kind == "prefix" else
                            pat.search(name)):
            return fac
    return None


@functools.lru_cache(maxsize=None)
def rule_table():
    """{rule: severity} from the findings table of docs/report.md: the ids the doc promises."""
    rules = {}
    with open(os.environ["RULES_DOC"]) as f:
        for line in f:
            m = re.match(r"\| `(MA-[A-Z]+-[0-9]{3})` \| (note|warning|error) \|", line)
            if m:
                rules[m.group(1)] = m.group(2)
    return rules


def symbol_tables(path):
    """{table: [(name, value, ndx)]} from readelf -s."""
    tables, cur = {}, None
    for line in readelf(["-sW"], path).splitlines():
        if line.startswith("Symbol table"):
            cur = tables.setdefault(line.split("'")[1], [])
            continue
        m = re.match(r"\s*(\d+): ([0-9a-f]+)\s+(?:0x[0-9a-f]+|\d+) (\S+)\s+\S+\s+\S+\s+"
                     r"(?:\[[^]]*\]\s+)?(\S+) (.*)$", line)
        if cur is not None and m and m.group(1) != "0" and \
                m.group(3) not in ("FILE", "SECTION"):
            cur.append((m.group(5), int(m.group(2), 16), m.group(4)))
    return tables


def build_id(path):
    m = re.search(r"Build ID: ([0-9a-f]+)", readelf(["-nW"], path))
    return m.group(1) if m else None


def twin(path):
    """The LIST image with PATH's build ID and a .symtab (the unstripped original), or None."""
    bid = build_id(path)
    with open(os.path.join(os.environ["EXAMPLES"], "LIST")) as f:
        for line in f:
            w = line.split()
            if len(w) < 2 or w[0].startswith("#"):
                continue
            q = os.path.join(os.environ["EXAMPLES"], w[1])
            if bid and os.path.abspath(q) != os.path.abspath(path) and os.path.exists(q) and \
                    build_id(q) == bid and symbol_tables(q).get(".symtab"):
                return q
    return None


class Syms:
    """What the facilities analysis can match in an image, from readelf -s: the symbols of
    .symtab (else .dynsym) inside a PT_LOAD, and the OCaml units with their marker ranges.
    A stripped image's units are those of its unstripped twin (same build ID in LIST) but
    _system and _hot, which caml_code_segments does not list (docs/attribution.md,
    "Stripped images"); its C symbols stay unknown."""

    MARKER = re.compile(r"caml(.+)(?:__|\.)(code|data)_(begin|end)$")

    def __init__(self, path):
        tables = symbol_tables(path)
        table = tables.get(".symtab") or tables.get(".dynsym") or []
        self.has_symbols = bool(table)
        units_table, self.from_twin = table, False
        if not table and twin(path):
            units_table = [(n, v, ndx) for n, v, ndx in symbol_tables(twin(path))[".symtab"]
                           if self.MARKER.match(n) and
                           self.MARKER.match(n).group(1) not in ("_system", "_hot")]
            self.from_twin = True
        loads = elf(path).loads
        self.symbols = [(n, v) for n, v, ndx in table
                        if ndx not in ("UND", "ABS") and any(lo <= v < hi for lo, hi in loads)]
        self.at = {}
        for n, v in self.symbols:
            self.at.setdefault(v, []).append(n)
        marks = {}
        for n, v, ndx in units_table:
            m = self.MARKER.match(n)
            if m and ndx != "UND":
                marks.setdefault(m.group(1), {})[m.group(2) + m.group(3)] = v
        self.units = set(marks)
        self.ranges = []  # (lo, hi, unit)
        for u, mk in marks.items():
            for k in ("code", "data"):
                if k + "begin" in mk and k + "end" in mk and mk[k + "begin"] < mk[k + "end"]:
                    self.ranges.append((mk[k + "begin"], mk[k + "end"], u))

    def unit_at(self, addr):
        return next((u for lo, hi, u in self.ranges if lo <= addr < hi), None)

    def facilities_at(self, name, addr):
        """The facilities that may claim the node NAME at ADDR: its unit's when an OCaml
        unit's range holds it, else those of its names (NAME and every symbol at ADDR: glibc's
        open is __libc_open too)."""
        u = self.unit_at(addr)
        if u is not None:
            return {pattern_facility("unit", u)}
        return {pattern_facility("symbol", n) for n in self.at.get(addr, []) + [name]}

    def present(self):
        """{facility: evidence}: the facilities something in the image belongs to."""
        got = {}
        for lo, hi, u in self.ranges:
            f = pattern_facility("unit", u)
            if f:
                got.setdefault(f, "unit " + u)
        for n, v in self.symbols:
            f = pattern_facility("symbol", n)
            if f and self.unit_at(v) is None:
                got.setdefault(f, "symbol " + n)
        return got


@functools.lru_cache(maxsize=None)
def syms(path):
    return Syms(path)


def facility_problems(facs, path, complete=True):
    """A facilities list (every facility when COMPLETE, else the drivers) against the
    catalogue, the sums and the image; a list of problems."""
    bad = []
    names = [f["name"] for f in facs]
    if len(set(names)) != len(names):
        bad.append("a facility name appears twice")
    cat = catalogue()[0]
    want = [n for n, (c, _) in cat.items() if complete or c == "driver"]
    if names != want:
        bad.append("%s %s, the catalogue's in its order %s" % (
            "facilities" if complete else "drivers", names[:4], want[:4]))
    elif any(cat[f["name"]] != (f["class"], f["device"]) for f in facs):
        bad.append("a facility's class or device is not the catalogue's")
    s = syms(path)
    present = s.present()
    for f in facs:
        n, v = f["name"], f["verdict"]
        if f["bytes"] != f["reachable_bytes"] + f["dead_bytes"]:
            bad.append("%s: bytes %d != reachable %d + dead %d" % (
                n, f["bytes"], f["reachable_bytes"], f["dead_bytes"]))
        if (v == "reachable") != bool(f["witness"]):
            bad.append("%s: verdict %s with a witness of %d steps" % (n, v, len(f["witness"])))
        if v in ("sealed", "unknown") and (f["bytes"] or f["nodes"]):
            bad.append("%s: %s with %d bytes in %d nodes" % (n, v, f["bytes"], f["nodes"]))
        # Unknown with symbols: only for near misses, each a unit or symbol no pattern matches.
        if s.has_symbols and v == "unknown" and not f["near_misses"]:
            bad.append("%s: verdict unknown, yet readelf finds symbols and no near miss" % n)
        if not s.has_symbols and v == "sealed":
            bad.append("%s: sealed, yet readelf finds no symbols" % n)
        if not s.has_symbols and (v == "unknown") == (n in present):
            bad.append("%s: verdict %s without symbols, yet %s" % (
                n, v, "the twin's units %s match" % present[n] if n in present else
                "no unit of the unstripped twin matches"))
        if f["near_misses"] and (v != "unknown" or any(
                pattern_facility("unit" if m in s.units else "symbol", m)
                for m in f["near_misses"])):
            bad.append("%s: verdict %s with near misses %s" % (n, v, f["near_misses"][:3]))
        if v == "sealed" and n in present:
            bad.append("%s: sealed, yet %s matches its patterns" % (n, present[n]))
        if v in ("dead", "reachable") and n not in present:
            bad.append("%s: %s, yet no unit or symbol of the image matches its patterns" % (n, v))
        want = sorted((u for u in s.units if pattern_facility("unit", u) == n), key=cbytes)
        if f["units"] != sorted(f["units"], key=cbytes):
            bad.append("%s: units not sorted by name" % n)
        elif f["units"] != want:
            bad.append("%s: units %s, the image's matching units %s" % (n, f["units"][:3],
                                                                        want[:3]))
        w = f["witness"]
        if len({x["address"] for x in w}) != len(w):
            bad.append("%s: a node appears twice in the witness" % n)
        if w and n not in s.facilities_at(w[-1]["name"], int(w[-1]["address"], 16)):
            bad.append("%s: the witness ends at %s, not a node of the facility" % (
                n, w[-1]["name"]))
    return bad


FACILITY_RULE = re.compile(r"MA-(DRV|MFT|FAC|POL)-")


def facility_findings(findings):
    """The findings the facilities analysis makes (docs/report.md's table), in order."""
    return [x for x in findings if FACILITY_RULE.match(x["rule"])]


def hardening_finding_problems(d):
    """A report's MA-HARD findings are its failed hardening checks, one each, in order,
    with the severity docs/rules.md maps (high error, medium warning, low or info note)."""
    sev = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
    got = [(x["rule"], x["severity"], x["location"], x.get("advice"))
           for x in d["findings"] if x["rule"].startswith("MA-HARD-")]
    want = [(c["rule"], sev[c["severity"]], c["location"], c["advice"])
            for c in d.get("hardening", {}).get("checks", []) if c["status"] == "fail"]
    return [] if got == want else ["hardening findings %s, the failed checks give %s" % (
        got[:3], want[:3])]


def finding_problems(findings, facs, complete):
    """Findings against the rule table of docs/report.md and their facilities (FACS holds
    every facility when COMPLETE, else only the drivers); a list of problems."""
    bad, table, by_name = [], rule_table(), {f["name"]: f for f in facs}
    for x in facility_findings(findings):
        r = x["rule"]
        if r not in table:
            bad.append("rule %s is not in docs/report.md's table" % r)
        elif table[r] != x["severity"]:
            bad.append("rule %s with severity %s, docs/report.md says %s" % (
                r, x["severity"], table[r]))
        if (x["facility"] is None) != (r == "MA-MFT-001"):
            bad.append("rule %s with facility %r" % (r, x["facility"]))
        if x["facility"] is not None and x["facility"] not in catalogue()[0]:
            bad.append("rule %s: facility %r is not in the catalogue" % (r, x["facility"]))
        f = by_name.get(x["facility"])
        if f is None and complete and x["facility"] is not None:
            bad.append("rule %s: facility %r is not in the list" % (r, x["facility"]))
        if f is not None and x["witness"] and x["witness"] != f["witness"]:
            bad.append("rule %s: the witness is not the witness of %s" % (r, f["name"]))
    return bad


def root_problems(facs, findings, roots):
    """Every witness starts at an entry of ROOTS (reachability.roots at the same precision)."""
    keys = {(x["name"], x["address"]) for x in roots}
    return ["%s: the witness starts at %s %s, not one of reachability.roots" % (
        o.get("name") or o.get("rule"), o["witness"][0]["name"], o["witness"][0]["address"])
        for o in list(facs) + list(findings)
        if o["witness"] and (o["witness"][0]["name"], o["witness"][0]["address"]) not in keys]


def expected_findings(facs, manifest, target, forbid=(), require_sealed=()):
    """The findings docs/report.md's rule table says FACS (every facility), the report's
    Solo5 manifest and target, and the policy options make: (rule, severity, facility,
    location, witness) as JSON text, sorted."""
    out = []

    def add(rule, sev, fac, loc, witness):
        out.append(json.dumps([rule, sev, fac, loc, witness], sort_keys=True))

    if manifest and not manifest["valid"]:
        add("MA-MFT-001", "error", None, "manifest", [])
    if manifest and manifest["valid"] and target != "xen":
        for t in ("NET_BASIC", "BLOCK_BASIC"):
            f = next((f for f in facs if f["device"] == t), None)
            if f is None:
                continue
            declared, v = any(dv["type"] == t for dv in manifest["devices"]), f["verdict"]
            if declared and v == "sealed":
                add("MA-DRV-001", "error", f["name"], "manifest", [])
            elif declared and v == "dead":
                add("MA-DRV-003", "warning", f["name"], "manifest", [])
            elif not declared and v == "reachable":
                add("MA-DRV-002", "error", f["name"], None, f["witness"])
            elif not declared and v == "dead":
                add("MA-DRV-004", "note", f["name"], None, [])
    for f in facs:
        v = f["verdict"]
        if f["class"] == "forbidden" and v == "reachable":
            add("MA-FAC-001", "warning", f["name"], None, f["witness"])
        elif f["class"] == "forbidden" and v == "dead":
            add("MA-FAC-002", "note", f["name"], None, [])
        if f["name"] in forbid and v == "reachable":
            add("MA-POL-001", "error", f["name"], None, f["witness"])
        if f["name"] in require_sealed and v != "sealed":
            add("MA-POL-002", "error", f["name"], None, f["witness"])
    return sorted(out)


def premise_problems(facs, findings, manifest, target, forbid=(), require_sealed=()):
    want = expected_findings(facs, manifest, target, forbid, require_sealed)
    got = sorted(json.dumps([x["rule"], x["severity"], x["facility"], x["location"],
                             x["witness"]], sort_keys=True) for x in facility_findings(findings))
    if got == want:
        return []
    return ["findings %s, the rules of docs/report.md give %s" % (
        [json.loads(g)[:3] for g in got if g not in want][:3] or "fewer",
        [json.loads(w)[:3] for w in want if w not in got][:3] or "fewer")]


def facilities_invariants(d, path):
    """A facilities or drivers document on its own; a list of what is broken."""
    is_drivers = d["schema"] == "mirage-audit/drivers"
    facs = d["drivers" if is_drivers else "facilities"]
    return facility_problems(facs, path, not is_drivers) + \
        finding_problems(d["findings"], facs, not is_drivers)


def facilities_agreement(d, path, report, roots):
    """A facilities or drivers document against the report of its image (REPORT, at any
    precision) and the roots of reachability at the document's precision."""
    is_drivers = d["schema"] == "mirage-audit/drivers"
    facs = d["drivers" if is_drivers else "facilities"]
    bad = root_problems(facs, d["findings"], roots)
    if d["image"] != report["image"]:
        bad.append("image differs from the report's: %s" % ", ".join(
            "%s %r != %r" % (k, d["image"][k], report["image"][k]) for k in report["image"]
            if d["image"][k] != report["image"][k]))
    if d["target"] != report["platform"]["target"]:
        bad.append("target %s, the report's platform.target %s" % (
            d["target"], report["platform"]["target"]))
    if not is_drivers:
        bad += premise_problems(facs, d["findings"], report["platform"]["solo5"]["manifest"],
                                d["target"])
    if d["precision"] == report["reachability"]["precision"]:
        if facs != report["drivers" if is_drivers else "facilities"]:
            bad.append("the %s differ from the report's (same precision)" % (
                "drivers" if is_drivers else "facilities"))
        if d["findings"] != facility_findings(report["findings"]):
            bad.append("the findings differ from the report's (same precision)")
    return bad


def report_facility_invariants(d, path):
    """The facilities, drivers and findings of a report (when present)."""
    if "facilities" not in d:
        return ["no facilities, drivers and findings"]
    facs, r = d["facilities"], d["reachability"]
    bad = facility_problems(facs, path)
    if d["drivers"] != [f for f in facs if f["class"] == "driver"]:
        bad.append("drivers are not the facilities of class driver, in order")
    bad += finding_problems(d["findings"], facs, True)
    bad += hardening_finding_problems(d)
    bad += root_problems(facs, d["findings"], r["roots"])
    bad += premise_problems(facs, d["findings"], d["platform"]["solo5"]["manifest"],
                            d["platform"]["target"])
    return bad


INVARIANTS = {
    "mirage-audit/report": report_invariants,
    "mirage-audit/dead": dead_invariants,
    "mirage-audit/why": why_invariants,
    "mirage-audit/facilities": facilities_invariants,
    "mirage-audit/drivers": facilities_invariants,
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
    result("schema: shared $defs %s identical in all five schemas" % ", ".join(SHARED),
           not diff, "differ from %s: %s" % (names[0], ", ".join(diff)))
    # report, dead and why carry a reachability object (paths: report size dead why
    # facilities), report and facilities the facility lists.
    with_reach = [(n, d) for n, d in zip(names, defs) if n in names[2:4]]
    diff = ["%s in %s" % (k, n) for k in SHARED_REACH for n, d in with_reach
            if d.get(k) != defs[0].get(k) or k not in d]
    result("schema: shared $defs %s identical in report, dead and why" % ", ".join(SHARED_REACH),
           not diff, "differ from %s: %s" % (names[0], ", ".join(diff)))
    diff = [k for k in SHARED_FAC if k not in defs[0] or defs[4].get(k) != defs[0][k]]
    result("schema: shared $defs %s identical in report and facilities" % ", ".join(SHARED_FAC),
           not diff, "differ: " + ", ".join(diff))
    rep, fac = schemas[paths[0]], schemas[paths[4]]
    pairs = ((fac["properties"]["target"]["enum"],
              rep["$defs"]["platform"]["properties"]["target"]["enum"]),
             (fac["properties"]["precision"]["enum"],
              rep["$defs"]["reachability"]["properties"]["precision"]["enum"]))
    result("schema: facilities target and precision enums are the report's",
           all(a == b for a, b in pairs), "%s" % [p for p in pairs if p[0] != p[1]])


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


def cmd_agree_fac(name, image, report_path, dead_cons, fac_ocaml, fac_cons, drivers_path,
                  *why_paths):
    """The facilities and drivers documents of one image against its report and each other."""
    rep = load_docs(report_path)[0]
    roots = {"ocaml": rep["reachability"]["roots"],
             "conservative": load_docs(dead_cons)[0]["reachability"]["roots"]}
    fo, fc, dv = (load_docs(p)[0] for p in (fac_ocaml, fac_cons, drivers_path))
    for label, d, p in (("facilities --precision ocaml", fo, "ocaml"),
                        ("facilities --precision conservative", fc, "conservative"),
                        ("drivers", dv, "ocaml")):
        bad = [] if d["precision"] == p else ["precision %s, asked for %s" % (d["precision"], p)]
        bad += facilities_agreement(d, image, rep, roots[p])
        result("agree: %s: %s vs the report: image, target, lists, findings, witnesses "
               "from its roots" % (name, label), not bad, "; ".join(bad[:4]))
    bad = []
    if dv["findings"] != fo["findings"]:
        bad.append("the drivers document's findings differ from the facilities document's")
    # Matching does not depend on the precision; ocaml precision only removes uses.
    cons = {f["name"]: f for f in fc["facilities"]}
    for f in fo["facilities"]:
        c = cons.get(f["name"])
        if c is None:
            bad.append("%s missing at conservative precision" % f["name"])
            continue
        if (f["bytes"], f["nodes"], f["units"]) != (c["bytes"], c["nodes"], c["units"]):
            bad.append("%s: bytes, nodes or units differ between precisions" % f["name"])
        if (f["verdict"] in ("sealed", "unknown") or c["verdict"] in ("sealed", "unknown")) \
                and f["verdict"] != c["verdict"]:
            bad.append("%s: %s at ocaml, %s at conservative" % (f["name"], f["verdict"],
                                                                c["verdict"]))
        if f["verdict"] == "reachable" and c["verdict"] != "reachable" or \
                c["reachable_bytes"] < f["reachable_bytes"]:
            bad.append("%s: reachable at ocaml precision (%d bytes), %s at conservative "
                       "(%d bytes)" % (f["name"], f["reachable_bytes"], c["verdict"],
                                       c["reachable_bytes"]))
    result("agree: %s: drivers and facilities findings equal; what ocaml precision reaches, "
           "conservative reaches" % name, not bad, "; ".join(bad[:3]))
    for w in (load_docs(p)[0] for p in why_paths):
        q = w["why"]["query"]
        f = next((f for f in fo["facilities"] if f["witness"] and
                  f["witness"][-1]["address"] == q), None)
        chain = [{"name": s["name"], "address": s["address"]} for s in w["why"]["chain"]]
        ok = f is not None and chain == f["witness"]
        result("agree: %s: why %s = the witness of %s" % (name, q, f and f["name"]), ok,
               "" if ok else "why %s, witness %s" % (
                   [s["name"] for s in chain], f and [s["name"] for s in f["witness"]]))


def cmd_witness_target(path):
    """The last address of the first witness of a facilities document, if any."""
    f = next((f for f in load_docs(path)[0]["facilities"] if f["witness"]), None)
    if f:
        print(f["witness"][-1]["address"])


def cmd_policy_args(path):
    """FORBID REQUIRE_SEALED for a policy run: a reachable facility to forbid, and it, a dead
    and a sealed one to require sealed; nothing when the image has no reachable one."""
    facs = load_docs(path)[0]["facilities"]
    pick = {v: next((f["name"] for f in facs if f["verdict"] == v), None)
            for v in ("reachable", "dead", "sealed")}
    if pick["reachable"]:
        print(pick["reachable"], ",".join(n for n in (pick["reachable"], pick["dead"],
                                                        pick["sealed"]) if n))


def cmd_policy(name, image, report_path, fac_path, forbid, require_sealed):
    """A facilities document of a --forbid/--require-sealed run: its findings are the
    report's plus the policy rules, and nothing else changes."""
    rep, d = load_docs(report_path)[0], load_docs(fac_path)[0]
    forbid, require = forbid.split(","), require_sealed.split(",")
    bad = premise_problems(d["facilities"], d["findings"], rep["platform"]["solo5"]["manifest"],
                           d["target"], forbid, require)
    if d["facilities"] != rep["facilities"]:
        bad.append("the facilities differ from the report's: policies change only findings")
    if not any(x["rule"] == "MA-POL-001" for x in d["findings"]):
        bad.append("no MA-POL-001 finding")
    bad += root_problems([], d["findings"], rep["reachability"]["roots"])
    result("agree: %s: facilities --forbid %s --require-sealed %s: policy findings" % (
        name, ",".join(forbid), ",".join(require)), not bad, "; ".join(bad[:3]))


def rename(o, old, new):
    """O with key OLD renamed to NEW, keeping the key order."""
    return {(new if k == old else k): v for k, v in o.items()}


def cmd_negative(report_schema, size_schema, dead_schema, why_schema, fac_schema, report_path,
                 size_path, dead_path, fac_dirs, *why_paths):
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
    cmd_negative_facilities(fac_schema, rs, fac_dirs)


def cmd_negative_facilities(fac_schema, rs, fac_dirs):
    """Corrupted copies of a sound facilities, drivers and report triple: the first example
    with a sealed, a dead and a reachable facility (a witness of two steps) and a finding."""
    fs = load_schema(fac_schema)
    with open(fac_dirs) as f:
        dirs = f.read().split()
    pick = None
    for dd in dirs:
        rep, fac, drv = (load_docs(os.path.join(dd, n))[0] for n in
                         ("report.json", "facilities.ocaml.json", "drivers.json"))
        # The image objects are compared by agree-fac; here they are made equal, so that a
        # difference there does not leave the corruptions below untested.
        fac["image"] = drv["image"] = rep["image"]
        v = {f["verdict"] for f in fac["facilities"]}
        img = rep["image"]["path"]
        if {"sealed", "dead"} <= v and fac["findings"] and \
                any(len(f["witness"]) >= 2 for f in fac["facilities"]) and \
                not report_invariants(rep, img) and not facilities_invariants(fac, img) and \
                not facilities_invariants(drv, img) and \
                not facilities_agreement(fac, img, rep, rep["reachability"]["roots"]):
            pick = (rep, fac, drv, img)
            break
    if pick is None:
        result("negative: a sound facilities document with a sealed, a dead and a reachable "
               "facility and a finding, to corrupt", False, "none among %d examples" % len(dirs))
        return
    rep, fac, drv, img = pick

    def idx(d, verdict, key="facilities", steps=0):
        return next(i for i, f in enumerate(d[key]) if f["verdict"] == verdict and
                    len(f["witness"]) >= steps)

    def fa(d, verdict, steps=0):
        return d["facilities"][idx(d, verdict, steps=steps)]

    def bad(why_, schema, doc, mutate):
        d = copy.deepcopy(doc)
        mutate(d)
        return why_, schema, d

    def bad_fac(why_, mutate):
        return bad("facilities: " + why_, fs, fac, mutate)

    def bad_drv(why_, mutate):
        return bad("drivers: " + why_, fs, drv, mutate)

    def bad_rep(why_, mutate):
        return bad("report: " + why_, rs, rep, mutate)

    def as_dead(f):
        f.update(verdict="dead", bytes=4, dead_bytes=4, reachable_bytes=0, nodes=1, witness=[])

    def as_sealed(f):
        f.update(verdict="sealed", bytes=0, dead_bytes=0, reachable_bytes=0, nodes=0, units=[],
                 witness=[])

    def step0(d):
        return fa(d, "reachable")["witness"][0]

    cases = [
        bad_fac("a verdict outside its enum", lambda d: fa(d, "dead").update(verdict="live")),
        bad_fac("a class outside its enum",
                lambda d: d["facilities"][0].update({"class": "library"})),
        bad_fac("a device outside its enum", lambda d: d["facilities"][0].update(device="NET")),
        bad_fac("a sealed facility with bytes",
                lambda d: fa(d, "sealed").update(bytes=4, dead_bytes=4)),
        bad_fac("a sealed facility with a node", lambda d: fa(d, "sealed").update(nodes=1)),
        bad_fac("an unknown facility with bytes",
                lambda d: fa(d, "sealed").update(verdict="unknown", bytes=4, dead_bytes=4)),
        bad_fac("a reachable facility without a witness",
                lambda d: fa(d, "reachable").update(witness=[])),
        bad_fac("a dead facility with a witness",
                lambda d: fa(d, "dead").update(witness=fa(d, "reachable")["witness"])),
        bad_fac("a dead facility with reachable bytes",
                lambda d: fa(d, "dead").update(reachable_bytes=1,
                                               bytes=fa(d, "dead")["bytes"] + 1)),
        bad_fac("a witness address as a number",
                lambda d: step0(d).update(address=int(step0(d)["address"], 16))),
        bad_fac("a witness address in upper case",
                lambda d: step0(d).update(address=step0(d)["address"].upper())),
        bad_fac("a witness step with kind", lambda d: step0(d).update(kind="call")),
        bad_fac("a unit listed twice", lambda d: fa(d, "reachable").update(units=["U", "U"])),
        bad_fac("a facility without nodes", lambda d: fa(d, "dead").pop("nodes")),
        bad_fac("an extra key in a facility", lambda d: fa(d, "dead").update(retained=0)),
        bad_fac("bytes as a string",
                lambda d: fa(d, "dead").update(bytes=str(fa(d, "dead")["bytes"]))),
        bad_fac("a rule id with a lower-case name",
                lambda d: d["findings"][0].update(rule="MA-DRV-one")),
        bad_fac("a rule id without MA-", lambda d: d["findings"][0].update(rule="DRV-001")),
        bad_fac("a severity outside its enum",
                lambda d: d["findings"][0].update(severity="fatal")),
        bad_fac("a finding's facility empty", lambda d: d["findings"][0].update(facility="")),
        bad_fac("a finding without location", lambda d: d["findings"][0].pop("location")),
        bad_fac("an extra key in a finding", lambda d: d["findings"][0].update(level="error")),
        bad_fac("schema mirage-audit/drivers with facilities",
                lambda d: d.update(schema="mirage-audit/drivers")),
        bad_fac("both facilities and drivers",
                lambda d: d.update(drivers=[f for f in d["facilities"]
                                            if f["class"] == "driver"])),
        bad_fac("precision outside its enum", lambda d: d.update(precision="exact")),
        bad_fac("target outside its enum", lambda d: d.update(target="solo5-spt")),
        bad_fac("schema_version 2", lambda d: d.update(schema_version=2)),
        bad_fac("a reachability object", lambda d: d.update(reachability=rep["reachability"])),
        bad_drv("a service among the drivers",
                lambda d: d["drivers"].append(next(f for f in fac["facilities"]
                                                   if f["class"] == "service"))),
        bad_drv("schema mirage-audit/facilities with drivers",
                lambda d: d.update(schema="mirage-audit/facilities")),
        bad_rep("facilities and drivers without findings", lambda d: d.pop("findings")),
        bad_rep("a driver of class service",
                lambda d: d["drivers"][0].update({"class": "service"})),
        bad_rep("a finding's witness step with an extra key",
                lambda d: d["findings"][0]["witness"].append(
                    dict(step0(d), at=step0(d)["address"]))),
    ]
    for why_, schema, doc in cases:
        err = schema_errors(doc, schema)
        result("negative: %s: rejected by the schema" % why_, err is not None,
               "the corrupted document validates")

    # The invariants bite: valid documents that contradict the image, the report or the rules.
    def fac_problems(d):
        return facilities_invariants(d, img) + facilities_agreement(
            d, img, rep, rep["reachability"]["roots"])

    def caught(why_, schema, doc, check):
        err = schema_errors(doc, schema)
        ok = err is None and bool(check(doc))
        result("negative: %s: rejected by the invariants" % why_, ok,
               "not caught" if err is None else "the corrupted document is not even valid: "
               + err)

    def fac_case(why_, mutate):
        d = copy.deepcopy(fac)
        mutate(d)
        caught("facilities: " + why_, fs, d, fac_problems)

    def dead_to_sealed(d):
        f = fa(d, "dead")
        as_sealed(f)
        d["findings"] = [x for x in d["findings"] if x["facility"] != f["name"]]

    def sealed_to_dead(d):
        as_dead(fa(d, "sealed"))

    def drop_finding(d):
        d["findings"].pop()

    def other_severity(d):
        x = d["findings"][0]
        x["severity"] = "error" if x["severity"] != "error" else "note"

    def swap(d):
        d["facilities"][0], d["facilities"][1] = d["facilities"][1], d["facilities"][0]

    def not_from_root(d):
        f = fa(d, "reachable", steps=2)
        f["witness"] = f["witness"][1:]
        for x in d["findings"]:
            if x["facility"] == f["name"] and x["witness"]:
                x["witness"] = f["witness"]

    def short_of_facility(d):
        f = fa(d, "reachable", steps=2)
        f["witness"] = f["witness"][:-1]
        for x in d["findings"]:
            if x["facility"] == f["name"] and x["witness"]:
                x["witness"] = f["witness"]

    fac_case("reachable bytes one more than bytes minus dead bytes",
             lambda d: fa(d, "reachable").update(reachable_bytes=fa(d, "reachable")
                                                 ["reachable_bytes"] + 1))
    fac_case("a dead facility called sealed (readelf shows its symbols)", dead_to_sealed)
    fac_case("a sealed facility called dead (readelf shows none of it)", sealed_to_dead)
    fac_case("a made-up unit", lambda d: fa(d, "reachable").update(
        units=fa(d, "reachable")["units"] + ["Made_up_unit"]))
    fac_case("a witness that does not start at a root", not_from_root)
    fac_case("a witness that stops short of the facility", short_of_facility)
    fac_case("a finding left out", drop_finding)
    fac_case("a finding with another severity than its rule's", other_severity)
    fac_case("two facilities out of catalogue order", swap)
    fac_case("a facility listed twice", lambda d: d["facilities"].append(d["facilities"][0]))
    d = copy.deepcopy(drv)
    d["drivers"].pop()
    caught("drivers: a driver left out", fs, d, fac_problems)
    d = copy.deepcopy(rep)
    d["drivers"].pop()
    caught("report: a driver left out", rs, d, lambda x: report_invariants(x, img))
    d = copy.deepcopy(rep)
    d["image"]["vm_size"] = 0
    caught("facilities: image.vm_size 0, the report's is not", fs,
           dict(copy.deepcopy(fac), image=d["image"]), fac_problems)


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
        elif cmd == "agree-fac":
            cmd_agree_fac(*args)
        elif cmd == "witness-target":
            cmd_witness_target(*args)
        elif cmd == "policy-args":
            cmd_policy_args(*args)
        elif cmd == "policy":
            cmd_policy(*args)
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
python3 "$PY" selfcheck "$REPORT_SCHEMA" "$SIZE_SCHEMA" "$DEAD_SCHEMA" "$WHY_SCHEMA" \
	"$FAC_SCHEMA" || ret=1

# mat ARGS...: ma (tests/lib.sh) under timeout(1) when there is one, so that a hang is one
# failure, not a stuck suite. An image here takes about a second (a minute under valgrind).
T=30
[ "${VALGRIND:-}" = 1 ] && T=600
mat() {
	if ! command -v timeout >/dev/null 2>&1; then
		ma "$@"
	elif [ "${VALGRIND:-}" = 1 ]; then
		timeout "$T" valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$MA" "$@"
	else
		timeout "$T" "$MA" "$@"
	fi
}

# run NAME OUT ARGS...: the tool with stdout in OUT; a FAIL line unless it exits 0.
run() {
	r_name=$1 r_out=$2
	shift 2
	mat "$@" > "$r_out" 2> "$r_out.err"
	r_rc=$?
	[ "$r_rc" -eq 0 ] && return 0
	if [ "$r_rc" -eq 124 ]; then
		fail "schema: $r_name" "mirage-audit $* did not finish in ${T}s"
	else
		fail "schema: $r_name" "mirage-audit $* exited $r_rc: $(head -n 1 "$r_out.err")"
	fi
	: > "$r_out"
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

# The images: every example, and an i386 one without code analysis (reachability is then
# incomplete: every node counts as reached, and a facility's witness must still start at a
# root). Built here as tests/shapes builds its images: as(1) and ld(1) from binutils.
sed -n "s|^\([^#][^ ]*\) \([^ ]*\).*|\1 $EXAMPLES/\2|p" "$EXAMPLES/LIST" > "$TMPD/images"
cat > "$TMPD/incomplete.s" <<'EOF'
	.text
	.globl _start
_start:				# the entry: reaches net-device, and console through it
	call solo5_net_read
	ret
	.globl solo5_net_read
solo5_net_read:
	call solo5_console_write
	ret
	.globl solo5_console_write
solo5_console_write:
	ret
	.globl solo5_block_write	# never called: dead, were there code analysis for i386
solo5_block_write:
	ret
EOF
if as --32 -o "$TMPD/incomplete.o" "$TMPD/incomplete.s" 2>/dev/null &&
   ld -m elf_i386 -static -nostdlib -e _start -o "$TMPD/incomplete.elf" "$TMPD/incomplete.o" \
	2>/dev/null; then
	echo "i386-incomplete $TMPD/incomplete.elf" >> "$TMPD/images"
else
	# binutils (make setup) assembles and links i386 on any host
	fail "schema: i386 image without code analysis builds" "as --32 or ld -m elf_i386 failed"
fi

all=
first=
policy_done=
: > "$TMPD/why.files"
: > "$TMPD/fac.dirs"
while read -r name img; do
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
	for p in ocaml conservative; do
		run "facilities --precision $p $name" "$d/facilities.$p.json" facilities \
			--precision "$p" -f json "$img" &&
			validate "$FAC_SCHEMA" "facilities --precision $p $name" \
				"$d/facilities.$p.json" "$img"
	done
	run "drivers $name" "$d/drivers.json" drivers -f json "$img" &&
		validate "$FAC_SCHEMA" "drivers $name" "$d/drivers.json" "$img"
	if [ -s "$d/report.json" ] && [ -s "$d/dead.conservative.json" ] &&
	   [ -s "$d/facilities.ocaml.json" ] && [ -s "$d/facilities.conservative.json" ] &&
	   [ -s "$d/drivers.json" ]; then
		# why about the facility witness's last node: the same chain, found by why.
		at=$(python3 "$PY" witness-target "$d/facilities.ocaml.json")
		ww=
		if [ -n "$at" ] && run "why $name $at (a facility witness)" "$d/why-witness.json" \
			why -f json "$img" "$at"; then
			validate "$WHY_SCHEMA" "why $name $at (a facility witness)" \
				"$d/why-witness.json" "$img"
			ww=$d/why-witness.json
		fi
		# shellcheck disable=SC2086 # $ww: a path under $TMPD, or nothing
		python3 "$PY" agree-fac "$name" "$img" "$d/report.json" "$d/dead.conservative.json" \
			"$d/facilities.ocaml.json" "$d/facilities.conservative.json" "$d/drivers.json" \
			$ww || ret=1
		echo "$d" >> "$TMPD/fac.dirs"
		# Policies, once: findings MA-POL-001/002, exit status 1.
		pa=$(python3 "$PY" policy-args "$d/facilities.ocaml.json")
		if [ -z "$policy_done" ] && [ -n "$pa" ]; then
			policy_done=1
			# shellcheck disable=SC2086 # two words: FORBID REQUIRE_SEALED
			set -- $pa
			mat facilities --forbid "$1" --require-sealed "$2" -f json "$img" \
				> "$d/policy.json" 2> "$d/policy.err"
			prc=$?
			if [ "$prc" -eq 1 ]; then
				pass "schema: facilities --forbid $1 --require-sealed $2 $name: exit 1"
				validate "$FAC_SCHEMA" "facilities --forbid $1 --require-sealed $2 $name" \
					"$d/policy.json" "$img"
				python3 "$PY" policy "$name" "$img" "$d/report.json" "$d/policy.json" \
					"$1" "$2" || ret=1
			else
				fail "schema: facilities --forbid $1 --require-sealed $2 $name" \
					"exit $prc, want 1: $(head -n 1 "$d/policy.err")"
				ret=1
			fi
		fi
	fi
	if [ -z "$first" ] && [ -s "$d/report.json" ] && [ -s "$d/size.json" ] &&
	   [ -s "$d/dead.ocaml.json" ]; then
		first=$d
	fi
done < "$TMPD/images"

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
	# shellcheck disable=SC2086
	run "facilities, all images" "$TMPD/all-facilities.json" facilities -f json $all &&
		validate "$FAC_SCHEMA" "facilities, all images" "$TMPD/all-facilities.json" $all
	# shellcheck disable=SC2086
	run "drivers, all images" "$TMPD/all-drivers.json" drivers -f json $all &&
		validate "$FAC_SCHEMA" "drivers, all images" "$TMPD/all-drivers.json" $all
fi

# The test must bite: corrupted copies of the first example's documents (and of the first
# why document with a chain of two steps, and of the first example's facilities, drivers and
# report with a sealed, a dead and a reachable facility and a finding) are rejected.
if [ -n "$first" ]; then
	# shellcheck disable=SC2046 # paths under $TMPD, no spaces
	python3 "$PY" negative "$REPORT_SCHEMA" "$SIZE_SCHEMA" "$DEAD_SCHEMA" "$WHY_SCHEMA" \
		"$FAC_SCHEMA" "$first/report.json" "$first/size.json" "$first/dead.ocaml.json" \
		"$TMPD/fac.dirs" $(cat "$TMPD/why.files") || ret=1
else
	fail "schema: negative checks" "no example produced a report to corrupt"
	ret=1
fi
exit $ret
