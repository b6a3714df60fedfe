# SPDX-License-Identifier: ISC
"""Independent checks of a sealed image (tests/seal/t-seal.sh); facts come from the files'
bytes, readelf, nm and a callgrind trace (tests/reach/reachlib.py), never from the tool's
own claims but the ranges it says it trapped, which are what is being checked.

usage: sealcheck.py bytes ORIGINAL SEALED SEAL_JSON
         every byte of the loaded segments that differs lies in a trapped range, every
         byte of a trapped range is a trap (int3; brk #0 words on AArch64), the entry and
         the program headers are the same, and the trapped bytes sum to trapped_bytes
       sealcheck.py executed ORIGINAL SEAL_JSON CALLGRIND [NAMES_FROM]
         no function with an instruction in the trace has a byte in a trapped range
       sealcheck.py count ORIGINAL DEAD_JSON SEAL_JSON
         trapped_bytes equals the sum of nm -S's sizes of the dead functions the tool names
         (function level, an image with symbols)
       sealcheck.py schema SCHEMA DOC [REPORT_SCHEMA]
         DOC validates against SCHEMA (python3-jsonschema, the draft "$schema" names); with
         REPORT_SCHEMA, the $defs the two share are identical
       sealcheck.py patch IMAGE SYMBOL OUT
         OUT is IMAGE with the first byte of SYMBOL (nm) set to 0xcc
Prints one line: "ok ..." (exit 0) or the first failure (exit 1).
"""
import bisect
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reach"))
import reachlib  # noqa: E402


def ranges_of(path):
    doc = json.load(open(path))
    return doc, sorted((int(r["lo"], 16), int(r["hi"], 16)) for r in doc["ranges"])


def in_ranges(rs, lo, hi):
    """The first range of RS (sorted, disjoint) overlapping [lo, hi), or None."""
    i = bisect.bisect_right(rs, (lo, float("inf"))) - 1
    for a, b in rs[max(i, 0):]:
        if a >= hi:
            break
        if lo < b:
            return a, b
    return None


def die(msg):
    print(msg)
    sys.exit(1)


def cmd_bytes(orig, sealed, seal_json):
    reachlib.nm_symbols = lambda path: []   # bytes and headers only: no symbols needed
    o, s = reachlib.Image(orig), reachlib.Image(sealed)
    doc, rs = ranges_of(seal_json)
    if o.entry != s.entry or o.phdrs != s.phdrs or o.segments != s.segments:
        die("entry or program headers differ")
    if len(o.data) > len(s.data):
        die("the sealed image is shorter than the original")
    trap = b"\x00\x00\x20\xd4" if o.is_aarch64 else b"\xcc"
    total = 0
    for a, b in rs:
        got = s.read(a, b - a)
        if got is None or (b - a) % len(trap) or got != trap * ((b - a) // len(trap)):
            die("range 0x%x-0x%x is not all traps" % (a, b))
        total += b - a
    if total != doc["trapped_bytes"]:
        die("ranges sum to %d bytes, trapped_bytes says %d" % (total, doc["trapped_bytes"]))
    shdr_fields = [range(0x28, 0x30), range(0x3c, 0x40)]
    for vaddr, _, off, filesz, _ in o.segments:
        for c in range(0, filesz, 4096):
            n = min(4096, filesz - c)
            if o.data[off + c:off + c + n] == s.data[off + c:off + c + n]:
                continue
            for k in range(c, c + n):
                if o.data[off + k] == s.data[off + k] or \
                        any(off + k in f for f in shdr_fields):
                    continue
                if not in_ranges(rs, vaddr + k, vaddr + k + 1):
                    die("byte 0x%x differs outside every trapped range" % (vaddr + k))
    print("ok: %d ranges, %d bytes of traps, every other loaded byte as before" %
          (len(rs), total))


def cmd_executed(orig, seal_json, cg, names_from=None):
    img = reachlib.Image(orig, names_from)
    _, rs = ranges_of(seal_json)
    executed, _ = reachlib.trace_addresses(cg, img)
    if not executed:
        die("the trace has no instruction of the image")
    funcs = set(img.func_name_at(x) for x in executed)
    for x in sorted(executed):
        if in_ranges(rs, x, x + 1):
            die("executed instruction 0x%x is trapped" % x)
    for start, name in sorted(funcs):
        r = img.symbol_range(name, start) or (start, start + 1)
        hit = in_ranges(rs, r[0], r[1])
        if hit:
            die("function %s [0x%x, 0x%x) ran and has trap bytes at 0x%x" %
                (name, r[0], r[1], max(hit[0], r[0])))
    print("ok: %d executed instructions in %d functions, none trapped" %
          (len(executed), len(funcs)))


def cmd_count(orig, dead_json, seal_json):
    img = reachlib.Image(orig)
    doc, rs = ranges_of(seal_json)
    dead = json.load(open(dead_json))["dead_functions"]
    seen = set()
    total = 0
    for f in dead:
        a = int(f["address"], 16)
        sizes = [s[1] for s in img.by_name.get(f["name"], []) if s[0] == a and s[1] > 0]
        if not sizes or a in seen:
            continue
        seen.add(a)
        total += max(sizes)
    if total != doc["trapped_bytes"]:
        die("nm sizes of the %d dead functions sum to %d bytes, seal trapped %d" %
            (len(seen), total, doc["trapped_bytes"]))
    print("ok: %d dead functions, %d bytes by nm, as trapped" % (len(seen), total))


SHARED = ("hex", "bytes", "count", "tool", "image", "diagnostics", "seal_record", "seal_range")


def cmd_schema(schema_path, doc_path, report_schema=None):
    import jsonschema.validators
    schema = json.load(open(schema_path))
    doc = json.load(open(doc_path))
    cls = jsonschema.validators.validator_for(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        die("%s: %s at %s" % (doc_path, errors[0].message[:200], list(errors[0].path)))
    if report_schema:
        other = json.load(open(report_schema))["$defs"]
        for k in SHARED:
            if k in schema["$defs"] and schema["$defs"][k] != other.get(k):
                die("$defs/%s differs from %s" % (k, report_schema))
    print("ok: %s is valid" % doc_path)


def cmd_patch(path, symbol, out):
    img = reachlib.Image(path)
    syms = [s for s in img.by_name.get(symbol, []) if s[1] > 0]
    if not syms:
        die("no symbol %s" % symbol)
    a = syms[0][0]
    for vaddr, _, off, filesz, _ in img.segments:
        if vaddr <= a < vaddr + filesz:
            data = bytearray(img.data)
            data[off + a - vaddr] = 0xcc
            open(out, "wb").write(bytes(data))
            print("ok: 0x%x (%s) patched" % (a, symbol))
            return
    die("symbol %s is not in a loaded segment" % symbol)


def main():
    cmds = {"bytes": cmd_bytes, "executed": cmd_executed, "count": cmd_count, "patch": cmd_patch,
            "schema": cmd_schema}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        die(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
