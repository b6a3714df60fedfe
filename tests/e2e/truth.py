# SPDX-License-Identifier: ISC
# Independent truth for the end-to-end tests: what readelf, nm and the examples' own
# declarations say about an image, compared with what mirage-audit reported about it.
#
# Python 3 standard library only. Nothing here reads mirage-audit's numbers as expectations:
# every expected value comes from readelf -hlnSWt / -sW / -x, nm -S, stat, sha256 or the
# example's truth.txt and manifest.json. The shell scripts run the tool (so that VALGRIND=1
# wraps it) and hand its output files to the subcommands below, which print one
# "PASS: name" or "FAIL: name: detail" line per check.
#
#   truth.py sizes NAME IMAGE TRUTH DIR      DIR holds report.json report.csv sections.json
#                                            nested.json nested.csv (see t-sizes.sh)
#   truth.py platform NAME IMAGE TRUTH MANIFEST REPORT    (MANIFEST may be "-")
#   truth.py stripped NAME IMAGE REPORT ORIG_REPORT
#   truth.py docs FILE IMAGE...              FILE holds concatenated JSON documents, one per IMAGE
#   truth.py help-options HELPFILE           prints "OPTION PLACEHOLDER" per option in a help text
#   truth.py help-list HELPFILE WHAT         prints the formats|levels|commands a help text names
#   truth.py unit-library REPORT UNIT        prints the library of an OCaml unit (or "-")
#   truth.py library-size REPORT LIBRARY     prints "FILE VM" of a library row (0 0 when absent)
#   truth.py level-sums REPORT               prints "LEVEL FILE VM" per sizes array, then totals
import csv
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys

LEVELS = ("segments", "sections", "components", "libraries", "modules", "symbols")
BRACKET_SEGMENT_LABELS = {"[unmapped]", "[ELF header]", "[program headers]", "[section headers]"}
SHF_ALLOC, SHF_TLS = 0x2, 0x400
MACHINES = {  # readelf -h "Machine:" text -> (tool machine name, e_machine)
    "Advanced Micro Devices X86-64": ("x86-64", 62),
    "AArch64": ("AArch64", 183),
    "Intel 80386": ("x86", 3),
    "ARM": ("ARM", 40),
    "RISC-V": ("RISC-V", 243),
}
SOLO5_TARGETS = {1: "hvt", 2: "spt", 3: "virtio", 4: "muen", 5: "genode", 6: "xen"}
MFT_TYPES = {1: "BLOCK_BASIC", 2: "NET_BASIC"}
MFT_RESERVED_FIRST = 1 << 30
MAX_DETAIL = 5

def out(line):
    sys.stdout.write(line + "\n")


def check(name, ok, detail=""):
    """One result line; DETAIL says what was found against what the truth says."""
    out("PASS: " + name if ok else "FAIL: " + name + (": " + detail if detail else ""))
    return ok


def skip(name, reason):
    out("SKIP: %s: %s" % (name, reason))


def tool(cmd):
    env = dict(os.environ, LC_ALL="C")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    return p.stdout.decode("utf-8", "replace")


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def load_docs(path):
    """The JSON documents in PATH: one, or the array the tool writes for several images
    (one JSON text either way: concatenated documents are not JSON, and fail here)."""
    doc = json.loads(read_text(path))
    return doc if isinstance(doc, list) else [doc]


def load_doc(path):
    docs = load_docs(path)
    if len(docs) != 1:
        raise ValueError("%s: %d JSON documents, expected 1" % (path, len(docs)))
    return docs[0]


def show(pairs, limit=None):
    limit = limit or MAX_DETAIL
    s = "; ".join(pairs[:limit])
    if len(pairs) > limit:
        s += "; ... and %d more" % (len(pairs) - limit)
    return s


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def alone(i, ranges):
    """True when ranges[i] overlaps no other range of the list (empty ranges never overlap)."""
    r = ranges[i]
    if r[0] >= r[1]:
        return True
    return not any(j != i and overlaps(r, o) for j, o in enumerate(ranges) if o[0] < o[1])


def union_len(ranges):
    total, end = 0, None
    for lo, hi in sorted(r for r in ranges if r[0] < r[1]):
        if end is None or lo > end:
            total += hi - lo
            end = hi
        elif hi > end:
            total += hi - end
            end = hi
    return total


# ---- readelf / nm --------------------------------------------------------------------------

class Elf:
    def __init__(self, path):
        self.path = path
        self.header = self._header(tool(["readelf", "-hW", path]))
        self.segments, self.interp = self._segments(tool(["readelf", "-lW", path]))
        self.sections = self._sections(tool(["readelf", "-SWt", path]))
        self.notes = self._notes(tool(["readelf", "-nW", path]))
        self.has_symtab = any(s["name"] == ".symtab" for s in self.sections)
        self._symbols = None
        self._nm = None

    @staticmethod
    def _header(text):
        h = {}
        for line in text.splitlines():
            m = re.match(r"\s+([^:]+):\s+(.*?)\s*$", line)
            if m:
                h[m.group(1)] = m.group(2)
        return h

    @staticmethod
    def _segments(text):
        segs, interp = [], None
        pat = re.compile(r"\s+(\S+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) "
                         r"0x([0-9a-f]+) ([R ][W ][E ]) 0x([0-9a-f]+)\s*$")
        for line in text.splitlines():
            m = re.match(r"\s+\[Requesting program interpreter: (.*)\]\s*$", line)
            if m:
                interp = m.group(1)
                continue
            m = pat.match(line)
            if m:
                flg = m.group(7)
                segs.append({
                    "index": len(segs), "type": m.group(1),
                    "offset": int(m.group(2), 16), "vaddr": int(m.group(3), 16),
                    "filesz": int(m.group(5), 16), "memsz": int(m.group(6), 16),
                    "flags": "".join(c for c, f in zip("RWX", flg) if f != " "),
                })
        return segs, interp

    @staticmethod
    def _sections(text):
        """readelf -SWt: a name line, a fields line, then a "[flags]: words" line per section."""
        secs, lines = [], text.splitlines()
        i = 0
        while i < len(lines):
            m = re.match(r"\s+\[\s*(\d+)\] ?(.*)$", lines[i])
            if m and m.group(1) != "Nr" and i + 2 < len(lines):
                f = lines[i + 1].split()
                fl = re.match(r"\s+\[([0-9a-f]+)\]", lines[i + 2])
                if len(f) >= 8 and fl:
                    secs.append({
                        "index": int(m.group(1)), "name": m.group(2).rstrip(),
                        "type": f[0], "addr": int(f[1], 16), "offset": int(f[2], 16),
                        "size": int(f[3], 16), "flags": int(fl.group(1), 16),
                    })
                    i += 3
                    continue
            i += 1
        return [s for s in secs if s["index"] != 0]

    @staticmethod
    def _notes(text):
        notes, where = [], None
        for line in text.splitlines():
            m = re.match(r"Displaying notes found in: (.*?)\s*$", line) or \
                re.match(r"Displaying notes found at file offset .*", line)
            if m:
                where = m.group(1) if m.groups() else None
                continue
            m = re.match(r"\s+(\S+)\s+0x([0-9a-f]+)\s+(.*)$", line)
            if m and m.group(1) != "Owner":
                rest = m.group(3)
                t = re.search(r"\(0x([0-9a-f]+)\)", rest)
                d = re.search(r"description data: ((?:[0-9a-f]{2} ?)*)", rest)
                b = re.search(r"Build ID: ([0-9a-f]+)", rest)
                notes.append({
                    "section": where, "owner": m.group(1), "descsz": int(m.group(2), 16),
                    "text": rest, "type": int(t.group(1), 16) if t else None,
                    "desc": bytes.fromhex(d.group(1).replace(" ", "")) if d else None,
                    "build_id": b.group(1) if b else None,
                })
        return notes

    def section_bytes(self, name):
        data = b""
        for line in tool(["readelf", "-x", name, self.path]).splitlines():
            m = re.match(r"\s+0x[0-9a-f]+ (.{1,35})", line)
            if m:
                data += bytes.fromhex(m.group(1).replace(" ", ""))
        size = sum(s["size"] for s in self.sections if s["name"] == name)
        return data[:size]

    def loads(self):
        return [s for s in self.segments if s["type"] == "LOAD"]

    def symbols(self):
        """readelf -sW .symtab entries: value, size, type, bind, ndx (int or str), name."""
        if self._symbols is None:
            syms, in_symtab = [], False
            for line in tool(["readelf", "-sW", self.path]).splitlines():
                if line.startswith("Symbol table"):
                    in_symtab = "'.symtab'" in line
                    continue
                if not in_symtab:
                    continue
                m = re.match(r"\s*\d+: ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+) (\S+)\s+(\S+)\s+(\S+)\s+"
                             r"(?:\[[^]]*\]\s+)?(\S+) ?(.*)$", line)
                if m:
                    ndx = m.group(6)
                    syms.append({
                        "value": int(m.group(1), 16), "size": int(m.group(2), 0),
                        "type": m.group(3), "bind": m.group(4),
                        "ndx": int(ndx) if ndx.isdigit() else ndx, "name": m.group(7),
                    })
            self._symbols = syms
        return self._symbols

    def nm(self):
        """nm -S --defined-only: (value, size or None, letter, name) per symbol."""
        if self._nm is None:
            rows = []
            for line in tool(["nm", "-S", "--defined-only", self.path]).splitlines():
                # "VALUE SIZE T NAME" or "VALUE T NAME"; SIZE is as wide as VALUE.
                f = line.split(None, 3)
                if len(f) == 4 and len(f[1]) == len(f[0]) and len(f[2]) == 1:
                    rows.append((int(f[0], 16), int(f[1], 16), f[2], f[3]))
                elif len(f) >= 3 and len(f[1]) == 1:
                    rows.append((int(f[0], 16), None, f[1], line.split(None, 2)[2]))
            self._nm = rows
        return self._nm


def read_truth(path):
    t = {"target": None, "devices": [], "ocaml_units": []}
    for line in read_text(path).splitlines():
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "target" and len(f) == 2:
            t["target"] = f[1]
        elif f[0] == "device" and len(f) == 3:
            t["devices"].append((f[1], f[2]))
        elif f[0] == "ocaml-unit" and len(f) == 2:
            t["ocaml_units"].append(f[1])
    return t


def by_name(rows):
    d = {}
    for r in rows:
        f, v = d.get(r["name"], (0, 0))
        d[r["name"]] = (f + r["file_size"], v + r["vm_size"])
    return d


def rows_key(rows):
    return sorted((r["name"], r["file_size"], r["vm_size"]) for r in rows)


# ---- sizes ---------------------------------------------------------------------------------

def check_header(n, elf, img, path):
    h = elf.header
    check(n + "header: class", img.get("class") == h.get("Class"),
          "tool %r, readelf %r" % (img.get("class"), h.get("Class")))
    mach = MACHINES.get(h.get("Machine"))
    if mach is None:
        check(n + "header: machine", False,
              "readelf machine %r is not in truth.py's MACHINES table" % h.get("Machine"))
    else:
        check(n + "header: machine", (img.get("machine"), img.get("e_machine")) == mach,
              "tool %r/%r, readelf %r (%s/%d)" % (img.get("machine"), img.get("e_machine"),
                                                  h.get("Machine"), mach[0], mach[1]))
    rtype = (h.get("Type") or "").split(" ")[0]
    check(n + "header: type", img.get("type") == rtype,
          "tool %r, readelf %r" % (img.get("type"), h.get("Type")))
    entry = img.get("entry")
    ok = isinstance(entry, str) and re.fullmatch(r"0x[0-9a-f]+", entry) is not None and \
        int(entry, 16) == int(h.get("Entry point address", "-1"), 0)
    check(n + "header: entry", ok, "tool %r, readelf %r" % (entry, h.get("Entry point address")))
    ids = [x["build_id"] for x in elf.notes if x["build_id"]]
    want = ids[0] if ids else None
    check(n + "header: build_id", img.get("build_id") == want,
          "tool %r, readelf -n %r" % (img.get("build_id"), want))
    check(n + "header: stripped", img.get("stripped") is (not elf.has_symtab),
          "tool stripped=%r, readelf -S %s .symtab" % (img.get("stripped"),
                                                       "has" if elf.has_symtab else "has no"))
    check(n + "header: interp", img.get("interp") == elf.interp,
          "tool %r, readelf -l %r" % (img.get("interp"), elf.interp))
    nph = int(h.get("Number of program headers", "-1"))
    check(n + "header: n_segments", img.get("n_segments") == nph,
          "tool %r, readelf %d program headers" % (img.get("n_segments"), nph))
    digest = hashlib.sha256(read_bytes(path)).hexdigest()
    check(n + "header: sha256", img.get("sha256") == digest,
          "tool %r, hashlib %s" % (img.get("sha256"), digest))


def check_totals(n, elf, s, img, path):
    fsize = os.stat(path).st_size
    vsum = sum(p["memsz"] for p in elf.loads())
    check(n + "file_total", s.get("file_total") == fsize and img.get("file_size") == fsize,
          "sizes.file_total %r, image.file_size %r, stat %d" % (s.get("file_total"),
                                                                img.get("file_size"), fsize))
    check(n + "vm_total", s.get("vm_total") == vsum and img.get("vm_size") == vsum,
          "sizes.vm_total %r, image.vm_size %r, readelf PT_LOAD MemSiz sum %d" %
          (s.get("vm_total"), img.get("vm_size"), vsum))
    alloc = sum(x["size"] for x in elf.sections if x["flags"] & SHF_ALLOC and x["type"] != "NOBITS")
    check(n + "allocated_file_bytes", s.get("allocated_file_bytes") == alloc,
          "tool %r, readelf sum of SHF_ALLOC non-NOBITS sh_size %d" %
          (s.get("allocated_file_bytes"), alloc))
    return fsize, vsum


def check_level_sums(n, s, fsize, vsum):
    for lvl in LEVELS:
        rows = s.get(lvl)
        if not isinstance(rows, list):
            check(n + "%s sum" % lvl, False, "no sizes.%s array" % lvl)
            continue
        f = sum(r["file_size"] for r in rows)
        v = sum(r["vm_size"] for r in rows)
        neg = [r["name"] for r in rows if r["file_size"] < 0 or r["vm_size"] < 0]
        check(n + "%s sum" % lvl, f == fsize and v == vsum and not neg,
              "file %d (stat %d), vm %d (readelf %d)%s" %
              (f, fsize, v, vsum, "; negative rows: " + show(neg) if neg else ""))


def check_sections(n, elf, s):
    secs = elf.sections
    frange = [(x["offset"], x["offset"] + x["size"]) if x["type"] != "NOBITS" else (0, 0)
              for x in secs]
    in_vm = [bool(x["flags"] & SHF_ALLOC) and not (x["flags"] & SHF_TLS and x["type"] == "NOBITS")
             for x in secs]
    vrange = [(x["addr"], x["addr"] + x["size"]) if in_vm[i] else (0, 0)
              for i, x in enumerate(secs)]
    expect, skipped = {}, set()
    for i, x in enumerate(secs):
        if not (alone(i, frange) and alone(i, vrange)):
            skipped.add(x["name"])
            continue
        f = x["size"] if x["type"] != "NOBITS" else 0
        v = x["size"] if in_vm[i] else 0
        ef, ev = expect.get(x["name"], (0, 0))
        expect[x["name"]] = (ef + f, ev + v)
    got = by_name(s.get("sections", []))
    n_checked = 0
    for name in sorted(expect):
        if name in skipped or (expect[name] == (0, 0) and not any(
                x["size"] for x in secs if x["name"] == name)):
            continue
        n_checked += 1
        g = got.get(name, (0, 0))
        check(n + "section %s" % name, g == expect[name],
              "tool file=%d vm=%d, readelf -S expects file=%d vm=%d" % (g + expect[name]))
    if skipped:
        skip(n + "sections", "overlapping, not checked: " + " ".join(sorted(skipped)))
    check(n + "sections checked", n_checked > 0, "no section qualified for the check")
    names = {x["name"] for x in secs}
    bad = [k for k in got if k not in names and not k.startswith("[")]
    check(n + "section labels", not bad,
          "labels that are neither a readelf section nor a [pseudo] label: " + show(bad))


def check_segments(n, elf, s):
    got = by_name(s.get("segments", []))
    loads = elf.loads()
    seen = set()
    for k, p in enumerate(loads):
        label = "LOAD #%d [%s]" % (p["index"], p["flags"])
        seen.add(label)
        g = got.get(label)
        if g is None:
            check(n + "segment %s" % label, False,
                  "no such label; tool has: " + show(sorted(got), 20))
            continue
        fr = (p["offset"], p["offset"] + p["filesz"])
        earlier = [(q["offset"], q["offset"] + q["filesz"]) for q in loads[:k]]
        if any(overlaps(fr, e) for e in earlier if e[0] < e[1]):
            check(n + "segment %s vm" % label, g[1] == p["memsz"],
                  "tool vm=%d, readelf MemSiz=%d" % (g[1], p["memsz"]))
        else:
            check(n + "segment %s" % label, g == (p["filesz"], p["memsz"]),
                  "tool file=%d vm=%d, readelf FileSiz=%d MemSiz=%d" %
                  (g[0], g[1], p["filesz"], p["memsz"]))
    extra = [k for k in got if k not in seen and k not in BRACKET_SEGMENT_LABELS]
    check(n + "segment labels", not extra,
          "unexpected labels (PT_LOADs per readelf: %s): %s" %
          (", ".join("#%d" % p["index"] for p in loads), show(extra)))
    # File bytes outside every PT_LOAD go to the bracketed labels, and only they.
    lranges = [(p["offset"], p["offset"] + p["filesz"]) for p in loads]
    fsize = os.stat(elf.path).st_size
    outside = fsize - union_len(lranges)
    br = sum(got[k][0] for k in got if k in BRACKET_SEGMENT_LABELS)
    brv = sum(got[k][1] for k in got if k in BRACKET_SEGMENT_LABELS)
    check(n + "segment bytes outside PT_LOAD", br == outside and brv == 0,
          "bracketed labels hold file=%d vm=%d; readelf: %d file bytes lie outside every PT_LOAD"
          % (br, brv, outside))
    h = elf.header
    tables = {
        "[ELF header]": (0, int(h.get("Size of this header", "0").split()[0])),
        "[program headers]": (int(h.get("Start of program headers", "0").split()[0]),
                              int(h.get("Number of program headers", "0")) *
                              int(h.get("Size of program headers", "0").split()[0])),
        "[section headers]": (int(h.get("Start of section headers", "0").split()[0]),
                              int(h.get("Number of section headers", "0")) *
                              int(h.get("Size of section headers", "0").split()[0])),
    }
    for label, (off, size) in sorted(tables.items()):
        r = (off, off + size)
        if size == 0 or any(overlaps(r, x) for x in lranges if x[0] < x[1]):
            continue
        others = [(o, o + z) for lb, (o, z) in tables.items() if lb != label and z]
        if any(overlaps(r, x) for x in others):
            continue
        g = got.get(label, (0, 0))
        check(n + "segment %s" % label, g == (size, 0),
              "tool file=%d vm=%d, readelf -h: %d bytes at 0x%x outside every PT_LOAD" %
              (g[0], g[1], size, off))


def check_symbols(n, elf, s):
    got = s.get("symbols", [])
    gotd = by_name(got)
    if not elf.has_symtab:
        named = [r["name"] for r in got if not r["name"].startswith("[")]
        check(n + "symbols without .symtab", not named,
              "readelf -S has no .symtab, yet the tool names symbols: " + show(named))
        return
    secs = {x["index"]: x for x in elf.sections}
    syms = elf.symbols()
    count = {}
    for x in syms:
        if x["type"] not in ("FILE", "SECTION") and x["name"]:
            count[x["name"]] = count.get(x["name"], 0) + 1
    # Every sized symbol in an allocated non-TLS section takes part in the overlap test
    # (IFUNC and the like too: the conventions only say FUNC/OBJECT/NOTYPE own bytes, so a
    # symbol that shares its bytes with an IFUNC is left out rather than guessed).
    owners = []
    for x in syms:
        sec = secs.get(x["ndx"]) if isinstance(x["ndx"], int) else None
        if x["size"] == 0 or x["type"] in ("FILE", "SECTION", "TLS") or sec is None:
            continue
        if not sec["flags"] & SHF_ALLOC or sec["flags"] & SHF_TLS:
            continue
        owners.append((x, sec))
    ranges = [(x["value"], x["value"] + x["size"]) for x, _ in owners]
    # nm -S is the size source; readelf only says which symbols own bytes and where.
    nm_size = {}
    for value, size, _, name in elf.nm():
        if size:
            nm_size.setdefault(name, set()).add((value, size))
    # In start order, a range overlaps an earlier one iff the largest end so far passes its
    # start, and a later one iff the next range starts before its end (equal ranges too).
    order = sorted(range(len(ranges)), key=lambda i: ranges[i])
    clash = set()
    end = -1
    for k, i in enumerate(order):
        lo, hi = ranges[i]
        if lo < end or (k + 1 < len(order) and ranges[order[k + 1]][0] < hi):
            clash.add(i)
        end = max(end, hi)
    # A label aggregates every symbol of its name: a name is checked when each of its
    # symbols owns bytes of its own (sized FUNC/OBJECT/NOTYPE, overlapping no other sized
    # symbol, inside its section), so that no derived size can add to it.
    groups = {}
    for i, (x, sec) in enumerate(owners):
        groups.setdefault(x["name"], []).append(i)
    checked, bad, disagree, notes = 0, [], [], []
    for name in sorted(groups):
        idx = groups[name]
        if not name or count.get(name) != len(idx) or any(i in clash for i in idx) or \
                any(owners[i][0]["type"] not in ("FUNC", "OBJECT", "NOTYPE") for i in idx):
            continue
        inside = [owners[i][1]["addr"] <= owners[i][0]["value"] and
                  owners[i][0]["value"] + owners[i][0]["size"] <=
                  owners[i][1]["addr"] + owners[i][1]["size"] for i in idx]
        if not all(inside):
            notes.append(name)
            continue
        want_nm = {(owners[i][0]["value"], owners[i][0]["size"]) for i in idx}
        if nm_size.get(name) != want_nm:
            disagree.append("%s: nm -S says %r, readelf -s %r" %
                            (name, sorted(nm_size.get(name) or []), sorted(want_nm)))
            continue
        want = (sum(0 if owners[i][1]["type"] == "NOBITS" else owners[i][0]["size"] for i in idx),
                sum(owners[i][0]["size"] for i in idx))
        g = gotd.get(name, (0, 0))
        checked += 1
        if g != want:
            where = ",".join(sorted({owners[i][1]["name"] for i in idx}))
            bad.append("%s (%s%s): tool file=%d vm=%d, nm -S says file=%d vm=%d" %
                       (name, where, ", %d symbols" % len(idx) if len(idx) > 1 else "",
                        g[0], g[1], want[0], want[1]))
    out("# %s%d sized symbols checked against nm -S" % (n, checked))
    check(n + "symbols vs nm", not bad and checked > 0,
          "%d of %d differ: %s" % (len(bad), checked, show(bad)) if bad else
          "no sized symbol qualified for the check")
    check(n + "nm and readelf agree", not disagree, show(disagree))
    if notes:
        skip(n + "symbols", "%d sized symbols extend past their section, not checked: %s" %
             (len(notes), show(notes)))
    names = {x["name"] for x in elf.sections}
    badsec = [k for k in gotd if k.startswith("[section ") and k not in BRACKET_SEGMENT_LABELS
              and k[len("[section "):-1] not in names]
    check(n + "symbol gap labels", not badsec,
          "'[section NAME]' labels naming no readelf section: " + show(badsec))


def check_ocaml(n, elf, rep, truth):
    s = rep["sizes"]
    oc = rep.get("ocaml") or {}
    if not elf.has_symtab:
        # Not a skip: with no symbols there is nothing for nm to count, and the 2%
        # criterion holds for images with names only.
        out("# %socaml: no .symtab: no unit markers for nm to count, unknown share %.1f%% "
            "not held to the 2%% criterion" %
            (n, 100.0 * s["unknown"]["file_size"] / max(1, s["allocated_file_bytes"])))
        return
    markers = sorted({name for _, _, _, name in elf.nm()
                      if re.fullmatch(r"caml.*__code_begin", name)})
    units = [u["name"] for u in oc.get("units", [])]
    check(n + "ocaml present", bool(oc.get("present")) == bool(markers),
          "tool present=%r, nm finds %d caml*__code_begin" % (oc.get("present"), len(markers)))
    check(n + "ocaml n_units", oc.get("n_units") == len(markers) and len(units) == len(markers),
          "tool n_units=%r (%d listed), nm: %d distinct caml*__code_begin" %
          (oc.get("n_units"), len(units), len(markers)))
    want = {m[len("caml"):-len("__code_begin")] for m in markers}
    miss = sorted(want - set(units))
    extra = sorted(set(units) - want)
    check(n + "ocaml unit names", not miss and not extra,
          "missing %s; not in nm %s" % (show(miss), show(extra)))
    # Each unit's code and data ranges are its caml<U>__{code,data}_{begin,end} markers.
    addr = {}
    for value, _, _, name in elf.nm():
        addr.setdefault(name, set()).add(value)

    def marker_range(unit, kind):
        lo = addr.get("caml%s__%s_begin" % (unit, kind))
        hi = addr.get("caml%s__%s_end" % (unit, kind))
        if not lo or not hi or len(lo) != 1 or len(hi) != 1:
            return None
        return (min(lo), min(hi))

    def tool_range(r):
        if r is None:
            return None
        try:
            return (int(r["lo"], 16), int(r["hi"], 16))
        except (KeyError, TypeError, ValueError):
            return ("unparsable", repr(r))
    wrong = []
    for u in oc.get("units", []):
        for kind in ("code", "data"):
            want, got = marker_range(u["name"], kind), tool_range(u.get(kind))
            if want != got:
                wrong.append("%s %s: tool %s, nm %s" % (
                    u["name"], kind, u.get(kind),
                    "[0x%x, 0x%x)" % want if want else None))
    check(n + "ocaml unit ranges = nm markers", not wrong, show(wrong))
    if truth["ocaml_units"]:
        absent = [u for u in truth["ocaml_units"] if u not in units]
        check(n + "ocaml truth units", not absent,
              "truth.txt ocaml-unit not reported: " + " ".join(absent))
        alloc = sum(x["size"] for x in elf.sections
                    if x["flags"] & SHF_ALLOC and x["type"] != "NOBITS")
        unk = s["unknown"]["allocated_file_size"]
        share = 100.0 * unk / alloc
        out("# %sunknown share %.2f%%" % (n, share))
        check(n + "unknown share < 2%", share < 2.0,
              "unknown file bytes %d of %d allocated (readelf): %.2f%%" % (unk, alloc, share))
        pct = s["unknown"].get("percent_of_allocated")
        check(n + "unknown percent_of_allocated",
              isinstance(pct, (int, float)) and abs(pct - share) < 1e-6,
              "tool %r, 100*unknown.allocated_file_size/readelf allocated = %r" % (pct, share))


def check_trees(n, rep, d):
    s = rep["sizes"]
    fsize, vsum = s["file_total"], s["vm_total"]
    try:
        sec = load_doc(os.path.join(d, "sections.json"))
        tree = sec["tree"]
        ok = (tree["file_size"], tree["vm_size"]) == (fsize, vsum) and \
            rows_key(tree.get("children", [])) == rows_key(s["sections"])
        check(n + "size -d section tree = report sections", ok,
              "root %d/%d; children and sections differ in: %s" % (
                  tree["file_size"], tree["vm_size"], show(sorted(
                      set(rows_key(tree.get("children", []))) ^
                      set(rows_key(s["sections"])))) or "-"))
    except (ValueError, KeyError, OSError) as e:
        check(n + "size -d section tree = report sections", False, str(e))
    try:
        nest = load_doc(os.path.join(d, "nested.json"))
        tree = nest["tree"]
        bad = []

        def walk(node, path):
            kids = node.get("children")
            if not kids:
                return
            f = sum(k["file_size"] for k in kids)
            v = sum(k["vm_size"] for k in kids)
            if (f, v) != (node["file_size"], node["vm_size"]):
                bad.append("%s: node %d/%d, children %d/%d" %
                           (path, node["file_size"], node["vm_size"], f, v))
            for k in kids:
                walk(k, path + " > " + k["name"])
        walk(tree, tree.get("name", "TOTAL"))
        if (tree["file_size"], tree["vm_size"]) != (fsize, vsum):
            bad.insert(0, "root %d/%d, totals %d/%d" % (tree["file_size"], tree["vm_size"],
                                                        fsize, vsum))
        check(n + "size -d component,library sums at every node", not bad, show(bad))
        comps = tree.get("children", [])
        check(n + "size -d component,library level 1 = report components",
              rows_key(comps) == rows_key(s["components"]),
              show(sorted(set(rows_key(comps)) ^ set(rows_key(s["components"])))))
        libs = {}
        for c in comps:
            for k in c.get("children", []):
                f, v = libs.get(k["name"], (0, 0))
                libs[k["name"]] = (f + k["file_size"], v + k["vm_size"])
        want = by_name(s["libraries"])
        diff = sorted(k for k in set(libs) | set(want)
                      if libs.get(k, (0, 0)) != want.get(k, (0, 0)))
        check(n + "size -d component,library level 2 = report libraries", not diff,
              show(["%s: tree %r, report %r" % (k, libs.get(k), want.get(k)) for k in diff]))
    except (ValueError, KeyError, OSError) as e:
        check(n + "size -d component,library sums at every node", False, str(e))


def check_csv(n, rep, d):
    s = rep["sizes"]
    fsize, vsum = s["file_total"], s["vm_total"]
    try:
        rows = list(csv.DictReader(io.StringIO(read_text(os.path.join(d, "report.csv")))))
        levels = {}
        for r in rows:
            levels.setdefault(r["level"], []).append(
                {"name": r["name"], "file_size": int(r["file_size"]), "vm_size": int(r["vm_size"])})
        for lvl in LEVELS:
            got = levels.get(lvl, [])
            f = sum(r["file_size"] for r in got)
            v = sum(r["vm_size"] for r in got)
            same = rows_key(got) == rows_key(s.get(lvl, []))
            check(n + "csv %s" % lvl, (f, v) == (fsize, vsum) and same,
                  "csv sums file %d vm %d (totals %d/%d); rows %s the JSON array" %
                  (f, v, fsize, vsum, "equal" if same else "differ from"))
    except (ValueError, KeyError, OSError) as e:
        check(n + "csv", False, "cannot parse report.csv: %s" % e)
    try:
        rows = list(csv.reader(io.StringIO(read_text(os.path.join(d, "nested.csv")))))
        head, body = rows[0], rows[1:]
        fi, vi = head.index("file_size"), head.index("vm_size")
        f = sum(int(r[fi]) for r in body)
        v = sum(int(r[vi]) for r in body)
        check(n + "size -f csv component,library sums", (f, v) == (fsize, vsum),
              "csv rows sum to file %d vm %d, totals %d/%d" % (f, v, fsize, vsum))
    except (ValueError, KeyError, IndexError, OSError) as e:
        check(n + "size -f csv component,library sums", False, "cannot parse nested.csv: %s" % e)


def cmd_sizes(name, path, truth_path, d):
    n = "sizes %s: " % name
    try:
        rep = load_doc(os.path.join(d, "report.json"))
    except (ValueError, OSError) as e:
        check(n + "report JSON", False, str(e))
        return
    check(n + "report schema", rep.get("schema") == "mirage-audit/report" and
          rep.get("schema_version") == 1, "schema %r version %r" %
          (rep.get("schema"), rep.get("schema_version")))
    elf = Elf(path)
    truth = read_truth(truth_path)
    img, s = rep.get("image", {}), rep.get("sizes", {})
    check_header(n, elf, img, path)
    fsize, vsum = check_totals(n, elf, s, img, path)
    check_level_sums(n, s, fsize, vsum)
    check_sections(n, elf, s)
    check_segments(n, elf, s)
    check_symbols(n, elf, s)
    if truth["ocaml_units"]:
        check_ocaml(n, elf, rep, truth)
    check_trees(n, rep, d)
    check_csv(n, rep, d)


# ---- platform ------------------------------------------------------------------------------

def parse_mft(data):
    """A Solo5 MFT1 note (header, name "Solo5", 4-byte pad, struct mft). Returns a dict."""
    if len(data) < 24:
        return {"error": "note shorter than its header (%d bytes)" % len(data)}
    namesz, descsz, ntype = struct.unpack_from("<III", data, 0)
    name = data[12:12 + namesz].rstrip(b"\0")
    if name != b"Solo5" or ntype != 0x3154464d:
        return {"error": "note owner %r type 0x%x" % (name, ntype)}
    m = 12 + ((namesz + 3) & ~3) + 4  # desc, then u32 padding so that struct mft is 8-aligned
    if m + 8 > len(data):
        return {"error": "truncated"}
    version, entries = struct.unpack_from("<II", data, m)
    devs = []
    for e in range(1, entries):
        base = m + 8 + 104 * e
        if base + 104 > len(data):
            return {"error": "entry %d past the note" % e}
        devs.append((data[base:base + 68].split(b"\0")[0].decode("ascii", "replace"),
                     MFT_TYPES.get(struct.unpack_from("<I", data, base + 68)[0], "unknown")))
    reserved = struct.unpack_from("<I", data, m + 8 + 68)[0] if entries else None
    return {"version": version, "entries": entries, "devices": devs,
            "size_ok": descsz - 4 == 8 + 104 * entries,
            "reserved_ok": reserved == MFT_RESERVED_FIRST}


def cmd_platform(name, path, truth_path, manifest_path, report_path):
    n = "platform %s: " % name
    try:
        rep = load_doc(report_path)
    except (ValueError, OSError) as e:
        check(n + "report JSON", False, str(e))
        return
    elf = Elf(path)
    truth = read_truth(truth_path)
    plat = rep.get("platform") or {}
    solo5 = plat.get("solo5") or {}
    mft = solo5.get("manifest")
    tdevs = [(d["name"], d["type"]) for d in (mft or {}).get("devices", [])]
    check(n + "target", truth["target"] is not None and plat.get("target") == truth["target"],
          "tool %r, truth.txt %r" % (plat.get("target"), truth["target"]))
    check(n + "devices = truth.txt", tdevs == truth["devices"],
          "tool %r, truth.txt %r" % (tdevs, truth["devices"]))
    if manifest_path != "-":
        decl = json.loads(read_text(manifest_path))
        mdevs = [(d["name"], d["type"]) for d in decl.get("devices", [])]
        check(n + "devices = manifest.json", tdevs == mdevs,
              "tool %r, manifest.json %r" % (tdevs, mdevs))
    has_mft = any(x["name"] == ".note.solo5.manifest" for x in elf.sections)
    if has_mft:
        p = parse_mft(elf.section_bytes(".note.solo5.manifest"))
        if "error" in p:
            check(n + "manifest note bytes", False, "readelf -x: " + p["error"])
        else:
            valid = p["size_ok"] and p["reserved_ok"] and p["version"] == 1 and \
                1 <= p["entries"] <= 64
            ok = mft is not None and tdevs == p["devices"] and \
                mft.get("version") == p["version"] and mft.get("entries") == p["entries"] and \
                mft.get("valid") is valid
            check(n + "manifest = readelf -x .note.solo5.manifest", ok,
                  "tool version=%r entries=%r valid=%r devices=%r; bytes: version=%d "
                  "entries=%d valid=%r devices=%r" % (
                      (mft or {}).get("version"), (mft or {}).get("entries"),
                      (mft or {}).get("valid"), tdevs, p["version"], p["entries"], valid,
                      p["devices"]))
    else:
        check(n + "no manifest note", mft is None, "no .note.solo5.manifest, tool has %r" % mft)
    abi_notes = [x for x in elf.notes if x["owner"] == "Solo5" and x["type"] == 0x31494241]
    abi = solo5.get("abi")
    if abi_notes and abi_notes[0]["desc"] is not None and len(abi_notes[0]["desc"]) >= 8:
        code, ver = struct.unpack_from("<II", abi_notes[0]["desc"], 0)
        want = (SOLO5_TARGETS.get(code, "unknown"), code, ver)
        got = (abi or {}).get("target"), (abi or {}).get("target_code"), (abi or {}).get("version")
        check(n + "solo5 abi = readelf -n", abi is not None and got == want,
              "tool target/code/version %r, readelf -n Solo5 0x31494241 desc %r" % (got, want))
    else:
        check(n + "solo5 abi = readelf -n", abi is None,
              "readelf -n shows no Solo5 ABI1 note, tool reports %r" % abi)
    xen = plat.get("xen") or {}
    xnotes = [x for x in elf.notes if x["owner"] == "Xen" and
              (x["type"] == 0x12 or "PHYS32" in x["text"])]
    want = None
    if xnotes and xnotes[0]["desc"] is not None:
        dsc = xnotes[0]["desc"]
        want = struct.unpack_from("<Q" if len(dsc) >= 8 else "<I", dsc, 0)[0]
    p32 = xen.get("phys32_entry")
    got = int(p32, 16) if isinstance(p32, str) and re.fullmatch(r"0x[0-9a-f]+", p32) else p32
    check(n + "xen phys32_entry = readelf -n", got == want,
          "tool %r, readelf -n Xen PHYS32_ENTRY %s" %
          (p32, hex(want) if want is not None else None))
    if truth["target"] == "xen":
        starts = [v for v, _, _, nm_name in elf.nm() if nm_name == "_start32"]
        check(n + "xen phys32_entry = nm _start32",
              len(starts) == 1 and got == starts[0],
              "tool %r, nm _start32 %s" % (p32, [hex(v) for v in starts]))


def cmd_stripped(name, path, report_path, orig_path):
    n = "platform %s: " % name
    try:
        rep, orig = load_doc(report_path), load_doc(orig_path)
    except (ValueError, OSError) as e:
        check(n + "stripped reports", False, str(e))
        return
    elf = Elf(path)
    check(n + "stripped", rep["image"].get("stripped") is True and not elf.has_symtab,
          "tool stripped=%r, readelf -S %s .symtab" % (rep["image"].get("stripped"),
                                                       "has" if elf.has_symtab else "has no"))
    check(n + "original not stripped", orig["image"].get("stripped") is False,
          "tool stripped=%r on the original" % orig["image"].get("stripped"))

    def devs(r):
        m = (r.get("platform") or {}).get("solo5", {}).get("manifest") or {}
        return [(d["name"], d["type"]) for d in m.get("devices", [])]
    check(n + "same target as original",
          rep["platform"].get("target") == orig["platform"].get("target"),
          "stripped %r, original %r" %
          (rep["platform"].get("target"), orig["platform"].get("target")))
    check(n + "same devices as original", devs(rep) == devs(orig),
          "stripped %r, original %r" % (devs(rep), devs(orig)))
    s = rep["sizes"]
    fsize = os.stat(path).st_size
    vsum = sum(p["memsz"] for p in elf.loads())
    bad = []
    for lvl in LEVELS:
        f = sum(r["file_size"] for r in s.get(lvl, []))
        v = sum(r["vm_size"] for r in s.get(lvl, []))
        if (f, v) != (fsize, vsum):
            bad.append("%s %d/%d" % (lvl, f, v))
    check(n + "stripped sizes sum", not bad,
          "stat %d, readelf vm %d; levels: %s" % (fsize, vsum, show(bad, 6)))


# ---- CLI helpers ---------------------------------------------------------------------------

def cmd_docs(path, images):
    """Prints "ok" when FILE holds one document per IMAGE, in order (by sha256), else why not."""
    try:
        docs = load_docs(path)
    except ValueError as e:
        print("not a sequence of JSON documents: %s" % e)
        return
    want = [hashlib.sha256(read_bytes(p)).hexdigest() for p in images]
    got = [(d.get("image") or {}).get("sha256") for d in docs]
    if got == want:
        print("ok")
    else:
        print("%d documents for %d images; sha256 order %s" % (
            len(docs), len(images), "differs" if len(got) == len(want) else "-"))


def cmd_help_options(path):
    """Every option a help text documents: "-o FILE", "--output FILE", "--version -"."""
    for line in read_text(path).splitlines():
        m = re.match(r"\s+(-\w)?(?:, )?(--[\w-]+)?(?:[ =]([A-Z][A-Z_]*))?\s{2,}\S", line)
        if not m or not (m.group(1) or m.group(2)):
            continue
        for opt in (m.group(1), m.group(2)):
            if opt:
                print(opt, m.group(3) or "-")


def cmd_help_list(path, what):
    text = read_text(path)
    if what == "formats":
        m = re.search(r"FORMAT\s+([a-z|]+)", text)
        print("\n".join(m.group(1).split("|")) if m else "")
    elif what == "levels":
        m = re.search(r"-d LEVELS\s+comma list of ([a-z, \n]+?)(?:\n\s*\(|\()", text)
        if m:
            print("\n".join(w for w in re.split(r"[,\s]+", m.group(1)) if w and w != "of"))
    elif what == "commands":
        m = re.search(r"\ncommands:\n((?:  \S.*\n)+)", text)
        if m:
            print("\n".join(l.split()[0] for l in m.group(1).splitlines()))


def cmd_unit_library(path, unit):
    rep = load_doc(path)
    for u in (rep.get("ocaml") or {}).get("units", []):
        if u["name"] == unit:
            print(u["library"], u["component"])
            return
    print("- -")


def cmd_library_size(path, lib):
    rep = load_doc(path)
    f, v = by_name(rep["sizes"]["libraries"]).get(lib, (0, 0))
    print(f, v)


def cmd_level_sums(path):
    rep = load_doc(path)
    s = rep["sizes"]
    for lvl in LEVELS:
        print(lvl, sum(r["file_size"] for r in s[lvl]), sum(r["vm_size"] for r in s[lvl]))
    print("totals", s["file_total"], s["vm_total"])


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: truth.py sizes|platform|stripped|docs|help-options|help-list|"
                 "unit-library|library-size|level-sums ARGS...")
    cmd, args = argv[1], argv[2:]
    table = {
        "sizes": (cmd_sizes, 4), "platform": (cmd_platform, 5), "stripped": (cmd_stripped, 4),
        "help-options": (cmd_help_options, 1), "help-list": (cmd_help_list, 2),
        "unit-library": (cmd_unit_library, 2), "library-size": (cmd_library_size, 2),
        "level-sums": (cmd_level_sums, 1),
    }
    if cmd == "docs" and args:
        cmd_docs(args[0], args[1:])
        return 0
    if cmd not in table or len(args) != table[cmd][1]:
        sys.exit("truth.py: bad arguments for %r" % cmd)
    table[cmd][0](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
