# SPDX-License-Identifier: ISC
"""facheck.py verdicts CATALOGUE EXAMPLES SRC JSONDIR
   facheck.py findings CATALOGUE EX TRUTH FACILITIES_JSON DRIVERS_JSON

verdicts: checks `mirage-audit facilities -f json` (one document per LIST
image, in JSONDIR/NAME.json) against facts found without mirage-audit: the catalogue
parsed here, symbols and their sizes from `nm -S`, OCaml units from their
caml<U>__code_begin/__code_end/__data_begin/__data_end markers, the ELF
header, program and section headers read from the file. Prints one
"PASS: "/"FAIL: "/"SKIP: " line per check:

  presence   for each facility and image with a .symtab: the tool says sealed
             exactly when no unit and no symbol of the image matches the
             facility's patterns (the first matching pattern of the catalogue
             wins, as in the tool); a stripped image says unknown, never sealed
  bytes      for each facility present by C symbols only (no unit): its bytes
             are the bytes the nm -S extents of its symbols cover
  witness    for each reachable facility: the first step is a root (the ELF
             entry, a platform entry symbol, an init/fini array entry, .init or
             .fini, a PT_NOTE/PT_INTERP/PT_TLS byte), every named step is a
             symbol at that address, and the last step lies in a unit the
             facility lists (and whose name its patterns match) or is a symbol
             its patterns match
  dead       each truth.txt "dead-facility F SYM..." line: F is dead, its
             symbols are exactly SYM... (and the pieces gcc splits off them,
             SYM.cold, SYM.part.N), no unit matches F, and its bytes and
             dead_bytes are the nm -S sizes of those symbols
  coverage   per facility: exercised positively (present, not sealed) and
             negatively (sealed) by some image; one side only is a SKIP,
             neither is a FAIL

findings: the "finding RULE FACILITY" lines of an example's truth.txt against
the findings of `facilities -f json` and `drivers -f json` on its image: each
line is reported by both, with the premise of its rule (the device types the
truth.txt "device" lines declare, the catalogue's class and device type, the
verdict); no other MA-DRV finding, and no other finding of a rule the truth
names; the drivers document lists exactly the catalogue's drivers.
"""
import json
import os
import re
import struct
import subprocess
import sys

mode, catalogue_path = sys.argv[1:3]

# ---- the catalogue ----------------------------------------------------------------
facilities = []         # names, in catalogue order
klass = {}              # name -> (class, device type or None)
rules = []              # (facility, field, kind, patterns or compiled regex), in order
for lineno, line in enumerate(open(catalogue_path), 1):
    w = line.split("#", 1)[0].split()
    if not w:
        continue
    if w[0] == "facility":
        facilities.append(w[1])
        klass[w[1]] = (w[2], None if w[3] == "-" else w[3])
    elif w[0] == "match" and len(w) == 5:
        fac, field, kind, pat = w[1:]
        if kind == "regex":
            rules.append((fac, field, kind, re.compile(pat)))
        else:
            rules.append((fac, field, kind, pat.split(",")))
    elif w[0] == "near" and len(w) == 4:
        pass    # near-miss tokens: the absent case below checks the names given
    elif w[0] in ("inert", "inert-unless") and len(w) >= 4:
        pass    # platform rules (docs/platforms.md): tests/facilities/t-inert.sh checks them
    else:
        sys.exit("%s:%d: cannot parse" % (catalogue_path, lineno))


def rule_hit(kind, pat, name):
    if kind == "exact":
        return name in pat
    if kind == "prefix":
        return any(name.startswith(p) for p in pat)
    return pat.search(name) is not None


def facility_of(field, name):
    """The facility of the first pattern of FIELD (unit or symbol) matching NAME."""
    for fac, f, kind, pat in rules:
        if f == field and rule_hit(kind, pat, name):
            return fac
    return None


def own_patterns_match(fac, field, name):
    return any(f == fac and fl == field and rule_hit(k, p, name) for f, fl, k, p in rules)


# ---- the image, without mirage-audit -------------------------------------------------
class Elf:
    def __init__(self, path):
        d = open(path, "rb").read()
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise ValueError("%s: not a little-endian ELF64 file" % path)
        self.entry, phoff, shoff = struct.unpack_from("<QQQ", d, 0x18)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", d, 0x36)
        self.phdrs = []     # (type, vaddr, memsz)
        for i in range(phnum):
            t, _, off, va, _, fsz, msz = struct.unpack_from("<IIQQQQQ", d, phoff + i * phentsize)
            self.phdrs.append((t, va, msz))
        raw = []
        for i in range(shnum):
            raw.append(struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize))
        strtab = raw[shstrndx][4] if shnum else 0
        self.sections = {}  # name -> (addr, size, offset, type)
        for (name, typ, _, addr, off, size, _, _, _, _) in raw:
            n = d[strtab + name:d.index(b"\0", strtab + name)].decode()
            self.sections[n] = (addr, size, off, typ)
        self.data = d

    def words(self, secname):
        """The 64-bit words of a section (init/fini arrays)."""
        if secname not in self.sections:
            return []
        addr, size, off, typ = self.sections[secname]
        if typ == 8:    # SHT_NOBITS
            return []
        return [struct.unpack_from("<Q", self.data, off + i)[0] for i in range(0, size - 7, 8)]


def build_id(path):
    out = subprocess.run(["readelf", "-nW", path], capture_output=True, text=True).stdout
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    return m.group(1) if m else None


def twin(examples, path):
    """The LIST image with PATH's build ID and a .symtab (the unstripped original), or None."""
    bid = build_id(path)
    with open(os.path.join(examples, "LIST")) as f:
        for line in f:
            w = line.split()
            if len(w) < 2 or w[0].startswith("#"):
                continue
            q = os.path.join(examples, w[1])
            if bid and os.path.abspath(q) != os.path.abspath(path) and os.path.exists(q) and \
                    build_id(q) == bid and ".symtab" in Elf(q).sections:
                return q
    return None


def nm_symbols(path):
    """[(addr, size, type, name)] of the defined symbols."""
    out = subprocess.run(["nm", "-S", "--defined-only", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, universal_newlines=True).stdout
    syms = []
    for line in out.splitlines():
        w = line.split()
        if len(w) == 4:
            syms.append((int(w[0], 16), int(w[1], 16), w[2], w[3]))
        elif len(w) == 3:
            syms.append((int(w[0], 16), 0, w[1], w[2]))
    return syms


MARK = re.compile(r"^caml(.+?)(?:__|\.)(code_begin|code_end|data_begin|data_end)$")


def typ_ok(t):
    """A symbol of code or data (not absolute, not a debugging symbol)."""
    return t not in "aAN"


def ocaml_units(syms):
    """{unit: [(lo, hi)]} from the caml<U>__code/data_begin/end markers."""
    marks = {}
    for addr, _, _, name in syms:
        m = MARK.match(name)
        if m:
            marks.setdefault(m.group(1), {})[m.group(2)] = addr
    units = {}
    for u, m in marks.items():
        if "code_begin" not in m:
            continue
        r = []
        if "code_end" in m:
            r.append((m["code_begin"], m["code_end"]))
        if "data_begin" in m and "data_end" in m:
            r.append((m["data_begin"], m["data_end"]))
        units[u] = r
    return units


def unit_at(units, addr):
    for u, ranges in units.items():
        if any(lo <= addr < hi for lo, hi in ranges):
            return u
    return None


def roots(elf, syms):
    """Addresses where a chain may start, and ranges every byte of which is a root."""
    addrs = {elf.entry}
    for addr, _, _, name in syms:
        if name in ("solo5_app_main", "_start", "_start32", "_start64"):
            addrs.add(addr)
    for s in (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors"):
        addrs.update(elf.words(s))
    for s in (".init", ".fini"):
        if s in elf.sections:
            addrs.add(elf.sections[s][0])
    ranges = [(va, va + msz) for t, va, msz in elf.phdrs if t in (3, 4, 7)]  # INTERP NOTE TLS
    if ".tdata" in elf.sections:
        a, sz = elf.sections[".tdata"][:2]
        ranges.append((a, a + sz))
    return addrs, ranges


# ---- checks -------------------------------------------------------------------------
n_fail = 0


def result(ok, name, detail=""):
    global n_fail
    if ok:
        print("PASS: " + name)
    else:
        n_fail += 1
        print("FAIL: " + name + (": " + detail if detail else ""))


GCC_PIECE = re.compile(r"^(.+?)\.(cold|part\.\d+|isra\.\d+|constprop\.\d+|lto_priv\.\d+)"
                       r"(\.(cold|part\.\d+|isra\.\d+|constprop\.\d+))*$")


def verdicts(examples, src, jsondir):
    positive = {f: [] for f in facilities}
    negative = {f: [] for f in facilities}

    for line in open(os.path.join(examples, "LIST")):
        w = line.split()
        if len(w) < 2 or w[0].startswith("#"):
            continue
        ex, image = w[0], os.path.join(examples, w[1])
        try:
            doc = json.load(open(os.path.join(jsondir, ex + ".json")))
        except (OSError, ValueError) as e:
            result(False, "facilities %s: JSON document" % ex, str(e))
            continue
        verdicts = {f["name"]: f for f in doc.get("facilities", [])}
        missing = [f for f in facilities if f not in verdicts]
        result(not missing and doc.get("schema") == "mirage-audit/facilities",
               "facilities %s: one row per catalogue facility" % ex,
               "missing %s" % ", ".join(missing))
        elf = Elf(image)
        syms = nm_symbols(image)
        if ".symtab" not in elf.sections:
            # No symbols: never sealed. The tool names units from the runtime's tables
            # (docs/attribution.md, stripped images), so the truth is the unstripped twin
            # (same build ID in LIST): a facility one of whose units the twin has is matched
            # (dead or reachable); any other is unknown.
            tw = twin(examples, image)
            tunits = ocaml_units(nm_symbols(tw)) if tw else {}
            for fac in facilities:
                v = verdicts.get(fac, {}).get("verdict")
                has = [u for u in sorted(tunits) if facility_of("unit", u) == fac]
                if has:
                    result(v in ("dead", "reachable", "inert"),
                           "presence %s %s: stripped, twin has %s" % (fac, ex, has[0]),
                           "verdict %s" % v)
                else:
                    result(v == "unknown", "presence %s %s: stripped, verdict unknown" % (fac, ex),
                           "verdict %s" % v)
            continue
        units = ocaml_units(syms)
        # Independent presence: units by name, C symbols by name, a symbol inside an
        # OCaml unit's ranges belonging to its unit (the tool's precedence).
        present = {f: [] for f in facilities}
        for u in sorted(units):
            fac = facility_of("unit", u)
            if fac:
                present[fac].append("unit " + u)
        by_addr = {}
        for addr, size, typ, name in syms:
            by_addr.setdefault(addr, set()).add(name)
        for addr, size, typ, name in syms:
            if not typ_ok(typ) or unit_at(units, addr):
                continue
            fac = facility_of("symbol", name)
            if fac:
                present[fac].append(name)

        for fac in facilities:
            row = verdicts.get(fac)
            if row is None:
                continue
            v = row["verdict"]
            if present[fac]:
                ev = ", ".join(present[fac][:4]) + (", ..." if len(present[fac]) > 4 else "")
                result(v in ("dead", "reachable", "inert"), "presence %s %s: present (%s), %s"
                       % (fac, ex, ev, v), "the tool says %s" % v)
                if v != "sealed":
                    positive[fac].append(ex)
            elif v == "unknown" and row.get("near_misses"):
                # Near misses: each a unit or symbol nm shows that no pattern matches.
                names = set(units) | set(n for a, sz, t, n in syms)
                bad = [n for n in row["near_misses"] if n not in names
                       or facility_of("unit" if n in units else "symbol", n)]
                result(not bad, "presence %s %s: absent, unknown for near misses %s"
                       % (fac, ex, row["near_misses"][:4]),
                       "not units or symbols of the image matching no pattern: %s" % bad)
            else:
                result(v == "sealed", "presence %s %s: absent, sealed" % (fac, ex),
                       "the tool says %s (%d bytes, units %s) but nm shows nothing it matches"
                       % (v, row.get("bytes", 0), row.get("units")))
                if v == "sealed":
                    negative[fac].append(ex)

        # Bytes of the facilities made of C symbols only: the union of their nm -S extents.
        for fac in facilities:
            row = verdicts.get(fac)
            if not row or not present[fac] or any(p.startswith("unit ") for p in present[fac]):
                continue
            mine = [(a, sz, n) for a, sz, t, n in syms if typ_ok(t) and not unit_at(units, a)
                    and facility_of("symbol", n) == fac]
            want, end = 0, 0
            for a, sz, _ in sorted(mine):
                lo = max(a, end)
                if a + sz > lo:
                    want += a + sz - lo
                    end = a + sz
            # Names the tool may not see: a matching symbol sharing its address with
            # another name the facility's patterns do not match.
            hidden = []
            for a, _, n in mine:
                others = sorted(x for x in by_addr[a] if facility_of("symbol", x) != fac)
                if others:
                    hidden.append("%s (=%s)" % (n, "/".join(others)))
            result(row.get("bytes") == want, "bytes %s %s: %d (nm -S extents of %d symbols)"
                   % (fac, ex, want, len(mine)), "the tool counts %s; aliases: %s"
                   % (row.get("bytes"), ", ".join(hidden[:8]) + (", ..." if hidden[8:] else "")
                      if hidden else "none"))

        # Witness chains of the reachable facilities.
        root_addrs, root_ranges = roots(elf, syms)
        for fac in facilities:
            row = verdicts.get(fac)
            if not row or row["verdict"] not in ("reachable", "inert"):
                continue
            chain = row.get("witness") or []
            why = []
            if not chain:
                why.append("no witness")
            else:
                a0 = int(chain[0]["address"], 16)
                if a0 not in root_addrs and not any(lo <= a0 < hi for lo, hi in root_ranges):
                    why.append("first step %s at 0x%x is not a root" % (chain[0]["name"], a0))
                for st in chain:
                    a, n = int(st["address"], 16), st["name"]
                    m = re.match(r"^\[(\S+)\+0x([0-9a-f]+)\]$", n)
                    if m:
                        sec = elf.sections.get(m.group(1))
                        if not sec or sec[0] + int(m.group(2), 16) != a:
                            why.append("step %s is not at 0x%x" % (n, a))
                    elif n not in by_addr.get(a, ()):
                        why.append("no symbol %s at 0x%x" % (n, a))
                last = chain[-1]
                la = int(last["address"], 16)
                u = unit_at(units, la)
                if u is not None:
                    if u not in row.get("units", []) or not own_patterns_match(fac, "unit", u):
                        why.append("last step %s lies in unit %s, not one of %s"
                                   % (last["name"], u, row.get("units")))
                elif not any(own_patterns_match(fac, "symbol", x)
                             for x in by_addr.get(la, {last["name"]})):
                    # Aliases count: nm's names at that address (open is __libc_open too).
                    why.append("last step %s is in no unit of the facility and none of the "
                               "names at its address matches its symbol patterns" % last["name"])
            result(not why, "witness %s %s: %s" % (fac, ex, " -> ".join(s["name"] for s in chain)),
                   "; ".join(why))

        # Seeded dead facilities.
        truth = os.path.join(src, ex, "truth.txt")
        seeded = []
        if os.path.exists(truth):
            seeded = [l.split()[1:] for l in open(truth) if l.startswith("dead-facility ")]
        for fac, *names in seeded:
            row = verdicts.get(fac, {})
            mine = [(a, s, n) for a, s, t, n in syms
                    if not unit_at(units, a) and facility_of("symbol", n) == fac]
            found = {n for _, _, n in mine}
            extra = []
            for n in sorted(found - set(names)):
                m = GCC_PIECE.match(n)
                if not m or m.group(1) not in names:
                    extra.append(n)
            want = sum(dict(((a, s) for a, s, _ in mine)).values())
            why = []
            if row.get("verdict") != "dead":
                why.append("verdict %s" % row.get("verdict"))
            if set(names) - found:
                why.append("not in the image: %s" % ", ".join(sorted(set(names) - found)))
            if extra:
                why.append("other symbols of the facility: %s" % ", ".join(extra))
            if present[fac] and any(p.startswith("unit ") for p in present[fac]):
                why.append("units of the facility linked")
            got = (row.get("bytes"), row.get("dead_bytes"), row.get("reachable_bytes"))
            if got != (want, want, 0):
                why.append("bytes/dead/reachable %s/%s/%s, nm -S sizes of %s sum to %d"
                           % (got + (", ".join(sorted(found)), want)))
            result(not why, "dead %s %s: %s, %d bytes (nm -S)"
                   % (fac, ex, " ".join(sorted(found)), want), "; ".join(why))

    for fac in facilities:
        p, n = sorted(set(positive[fac])), sorted(set(negative[fac]))
        if p and n:
            print("PASS: coverage %s: present in %s; sealed in %s"
                  % (fac, ",".join(p), ",".join(n)))
        elif p or n:
            print("SKIP: coverage %s: only %s cases (%s)" % (fac, "positive" if p else "negative",
                                                          ",".join(p or n)))
        else:
            result(False, "coverage %s" % fac, "no example exercises it either way")


def findings(ex, truth, fac_json, drv_json):
    want = []          # (rule, facility)
    declared = set()   # device types
    for line in open(truth):
        w = line.split()
        if len(w) == 3 and w[0] == "finding":
            want.append((w[1], w[2]))
        elif len(w) == 3 and w[0] == "device":
            declared.add(w[2])
    docs = {}
    for cmd, path in (("facilities", fac_json), ("drivers", drv_json)):
        try:
            docs[cmd] = json.load(open(path))
        except (OSError, ValueError) as e:
            result(False, "findings %s: %s JSON document" % (ex, cmd), str(e))
            return
    drivers = [f for f in facilities if klass[f][0] == "driver"]
    d = docs["drivers"]
    got = [r.get("name") for r in d.get("drivers", [])]
    result(d.get("schema") == "mirage-audit/drivers" and sorted(got) == sorted(drivers),
           "findings %s: drivers lists the catalogue's drivers (%s)" % (ex, ", ".join(drivers)),
           "schema %s, drivers %s" % (d.get("schema"), got))
    rows = {f["name"]: f for f in docs["facilities"].get("facilities", [])}
    differ = [r["name"] for r in d.get("drivers", [])
              if {k: r.get(k) for k in ("verdict", "bytes", "dead_bytes", "witness")} !=
              {k: rows.get(r["name"], {}).get(k) for k in ("verdict", "bytes", "dead_bytes",
                                                           "witness")}]
    result(not differ, "findings %s: drivers and facilities agree on the drivers" % ex,
           "differ on %s" % differ)
    for cmd, doc in sorted(docs.items()):
        have = [(f.get("rule"), f.get("facility")) for f in doc.get("findings", [])]
        # drivers answers for the drivers: its document is checked for MA-DRV only.
        mine = [w for w in want if cmd == "facilities" or w[0].startswith("MA-DRV")]
        for rule, fac in mine:
            v = rows.get(fac, {}).get("verdict")
            cls, dev = klass.get(fac, (None, None))
            premise = {
                "MA-DRV-001": dev in declared and v == "sealed",
                "MA-DRV-002": cls == "driver" and dev not in declared and v == "reachable",
                "MA-DRV-003": dev in declared and v == "dead",
                "MA-DRV-004": cls == "driver" and dev not in declared and v == "dead",
                "MA-FAC-001": cls == "forbidden" and v == "reachable",
                "MA-FAC-002": cls == "forbidden" and v == "dead",
            }.get(rule, False)
            result((rule, fac) in have and premise,
                   "findings %s: %s %s %s (%s %s, verdict %s)"
                   % (ex, cmd, rule, fac, cls, dev or "-", v),
                   "reported %s; the rule's premise holds %s" % ((rule, fac) in have, premise))
        named = {r for r, _ in mine}
        extra = [h for h in have if h not in mine and
                 (h[0].startswith("MA-DRV") or h[0] in named)]
        result(not extra, "findings %s: %s reports no other MA-DRV finding%s"
               % (ex, cmd, "".join(", nor other " + r for r in sorted(named)
                                   if not r.startswith("MA-DRV"))), "extra %s" % extra)


if mode == "verdicts":
    verdicts(*sys.argv[3:6])
elif mode == "findings":
    findings(*sys.argv[3:7])
else:
    sys.exit("facheck.py: unknown mode '%s'" % mode)
sys.exit(0)
