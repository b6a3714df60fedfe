#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Checks a `mirage-audit diff -f json OLD NEW` document against readelf and nm of the two
# images. Prints "PASS: ..." / "FAIL: ..." lines (tests/run.sh counts them).
#
#   diffcheck.py sizes OLD NEW DIFF.json
#
# Sections: for every section name of either image (readelf -SW), the tool's row deltas are
# the differences of the readelf sizes: the file delta counts non-NOBITS sections, the VM
# delta SHF_ALLOC ones (a name missing on one side counts 0 there).
# Totals: every level's rows sum to the total delta, and the total file delta is the
# difference of the file sizes.
# Symbols: the tool's symbol level derives sizes for size-0 symbols and labels bytes no
# symbol claims ("[section .text]"), so the independent count is restricted to the symbols
# nm -S gives a size, in allocated sections (type letter TtDdBbRr), whose name occurs once in
# the image's symbol table and whose bytes no other symbol overlaps or starts inside; a name
# is compared when on each side it is such a symbol or absent from nm's output altogether.
# Over those names, A/R/G/S, up and down counted from nm must equal the same counts over the
# tool's symbol rows, and each name's VM delta must be nm's. The tool's summary line must
# equal its own symbol rows' count, with up - down = NET = the VM total delta.
import json
import os
import subprocess
import sys


def out(ok, name, detail=""):
    print(("PASS: " if ok else "FAIL: ") + name + ("" if ok or not detail else ": " + detail))


def sections(path):
    res = {}
    text = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True,
                          check=True).stdout
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("["):
            continue
        rest = line.split("]", 1)[1].split()
        if len(rest) < 6 or rest[0] == "Name" or rest[1] == "NULL":
            continue
        name, typ, size = rest[0], rest[1], int(rest[4], 16)
        # Flags follow ES; they may be absent (empty column) for some sections.
        flags = rest[6] if len(rest) > 9 else ""
        res[name] = (0 if typ == "NOBITS" else size, size if "A" in flags else 0)
    return res


def symbols(path):
    """name -> size for the eligible symbols; plus the set of every name nm lists."""
    text = subprocess.run(["nm", "-S", "--defined-only", path], capture_output=True,
                          text=True, check=True).stdout
    rows = []
    count = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 4:
            addr, size, typ, name = int(f[0], 16), int(f[1], 16), f[2], f[3]
        elif len(f) == 3:
            addr, size, typ, name = int(f[0], 16), 0, f[1], f[2]
        else:
            continue
        rows.append((addr, size, typ, name))
        count[name] = count.get(name, 0) + 1
    starts = sorted(set(r[0] for r in rows))
    sized = sorted((r for r in rows if r[1] > 0 and r[2] in "TtDdBbRr"), key=lambda r: r[0])
    import bisect
    ok = {}
    for i, (addr, size, typ, name) in enumerate(sized):
        if count[name] != 1:
            continue
        end = addr + size
        # Another sized symbol overlapping, or any symbol starting strictly inside.
        if i > 0 and sized[i - 1][0] + sized[i - 1][1] > addr:
            continue
        if i + 1 < len(sized) and sized[i + 1][0] < end:
            continue
        k = bisect.bisect_right(starts, addr)
        if k < len(starts) and starts[k] < end:
            continue
        ok[name] = size
    return ok, set(count)


def summary(pairs):
    a = r = g = s = up = down = 0
    for o, n in pairs:
        if o == n:
            continue
        if o == 0:
            a += 1; up += n
        elif n == 0:
            r += 1; down += o
        elif n > o:
            g += 1; up += n - o
        else:
            s += 1; down += o - n
    return (a, r, g, s, up, down)


def sizes(old, new, doc_path):
    doc = json.load(open(doc_path))
    lv = doc["levels"]
    # Totals.
    dfile = os.path.getsize(new) - os.path.getsize(old)
    out(doc["total"]["file_delta"] == dfile, "diff totals: file delta = difference of the file sizes",
        "%d != %d" % (doc["total"]["file_delta"], dfile))
    for name, level in lv.items():
        sf = sum(r["file_delta"] for r in level["rows"])
        sv = sum(r["vm_delta"] for r in level["rows"])
        out(sf == level["file_delta"] == doc["total"]["file_delta"] and
            sv == level["vm_delta"] == doc["total"]["vm_delta"],
            "diff totals: %s rows sum to the total delta" % name,
            "file %d/%d, vm %d/%d" % (sf, doc["total"]["file_delta"], sv, doc["total"]["vm_delta"]))
    # Sections against readelf.
    so, sn = sections(old), sections(new)
    rows = {r["name"]: r for r in lv["sections"]["rows"]}
    bad = []
    for name in sorted(set(so) | set(sn)):
        of, ov = so.get(name, (0, 0))
        nf, nv = sn.get(name, (0, 0))
        r = rows.get(name, {"file_delta": 0, "vm_delta": 0})
        if (r["file_delta"], r["vm_delta"]) != (nf - of, nv - ov):
            bad.append("%s: tool %+d/%+d, readelf %+d/%+d" % (name, r["file_delta"], r["vm_delta"],
                                                              nf - of, nv - ov))
    out(not bad, "diff sections: deltas = differences of readelf -SW sizes (%d sections)" %
        len(set(so) | set(sn)), "; ".join(bad[:3]))
    # Symbols against nm.
    eo, allo = symbols(old)
    en, alln = symbols(new)
    names = [x for x in set(eo) | set(en)
             if (x in eo or x not in allo) and (x in en or x not in alln)]
    srows = {r["name"]: r for r in lv["symbols"]["rows"]}
    nm_pairs, tool_pairs, bad = [], [], []
    for x in sorted(names):
        o, n = eo.get(x, 0), en.get(x, 0)
        nm_pairs.append((o, n))
        r = srows.get(x)
        t = (r["old_vm_size"], r["new_vm_size"]) if r else None
        if t is None:
            t = (o, n) if o == n else (None, None)
        tool_pairs.append(t)
        if t != (o, n) and (t[0] is None or t[1] - t[0] != n - o):
            bad.append("%s: tool %s, nm %d -> %d" % (x, t, o, n))
    out(not bad, "diff symbols: VM delta of each of %d nm-sized symbols = nm's" % len(names),
        "; ".join(bad[:3]))
    got = summary([p for p in tool_pairs if p[0] is not None])
    want = summary(nm_pairs)
    out(got == want, "diff symbols: A/R/G/S up/down over nm-sized symbols %s = nm's" % (want,),
        "tool %s" % (got,))
    s = doc["summary"]
    own = summary([(r["old_vm_size"], r["new_vm_size"]) for r in lv["symbols"]["rows"]])
    line = "add/remove: %d/%d grow/shrink: %d/%d up/down: %d/-%d (%d)" % (
        own + (own[4] - own[5],))
    out((s["added"], s["removed"], s["grown"], s["shrunk"], s["up"], s["down"]) == own and
        s["line"] == line and s["net"] == s["up"] - s["down"] == doc["total"]["vm_delta"],
        "diff summary: the line counts the symbol rows, NET = up - down = VM total delta",
        "%s vs %s" % (s["line"], line))


if __name__ == "__main__":
    if sys.argv[1] == "sizes":
        sizes(*sys.argv[2:5])
    else:
        sys.exit("usage: diffcheck.py sizes OLD NEW DIFF.json")
