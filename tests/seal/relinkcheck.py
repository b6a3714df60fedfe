# SPDX-License-Identifier: ISC
"""Independent checks of a relinked image (tests/seal/t-relink.sh): facts come from nm,
readelf and the files' bytes, never from the tool's claims.

usage: relinkcheck.py traps ORIGINAL RELINKED PLACED OBJECT SYMS
         PLACED: "file addr size" lines (an awk parse of the original's map); SYMS: the
         global symbols nm shows OBJECT (an archive member or a plain object) defining.
         Every symbol of SYMS that the original defines inside OBJECT's placed ranges
         and that nm shows in RELINKED points at a trap there (int3; brk #0 on AArch64),
         but for what OCaml's startup needs of a unit (caml<U>, caml<U>__entry,
         __gc_roots, __frametable, __code_begin/end, __data_begin/end).
       relinkcheck.py notrap IMAGE SYMBOL
         SYMBOL (nm) does not point at a trap in IMAGE
Prints one line: "ok ..." (exit 0) or the first failure (exit 1).
"""
import subprocess
import sys

PARTS = ("entry", "gc_roots", "frametable", "code_begin", "code_end", "data_begin",
         "data_end")


def symbols(image):
    """name -> address of the defined symbols nm shows."""
    out = subprocess.run(["nm", image], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            syms.setdefault(f[2], int(f[0], 16))
    return syms


def segments(image):
    """(vaddr, offset, filesz) of the PT_LOADs, and whether the machine is AArch64."""
    out = subprocess.run(["readelf", "-lhW", image], capture_output=True, text=True,
                         check=True).stdout
    segs, a64 = [], "AArch64" in out
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            segs.append((int(f[2], 16), int(f[1], 16), int(f[4], 16)))
    return segs, a64


def read_at(image, data, segs, addr, n):
    for vaddr, off, filesz in segs:
        if vaddr <= addr and addr + n <= vaddr + filesz:
            return data[off + addr - vaddr: off + addr - vaddr + n]
    return None


def is_trap(image, data, segs, a64, addr):
    b = read_at(image, data, segs, addr, 4 if a64 else 1)
    return b == (b"\x00\x00\x20\xd4" if a64 else b"\xcc")


def part_of_unit(name, syms_in_object):
    """caml<U> or caml<U>__part, where caml<U>__entry is also a symbol of the object."""
    if name + "__entry" in syms_in_object:
        return True
    for p in PARTS:
        if name.endswith("__" + p) and name[: -len(p) - 2] + "__entry" in syms_in_object:
            return True
    return False


def traps(orig, relinked, placed, obj, symfile):
    ranges = []
    with open(placed) as f:
        for line in f:
            f3 = line.split()
            if len(f3) == 3 and f3[0] == obj:
                ranges.append((int(f3[1]), int(f3[2])))
    with open(symfile) as f:
        want = [s.strip() for s in f if s.strip()]
    so, sx = symbols(orig), symbols(relinked)
    segs, a64 = segments(relinked)
    with open(relinked, "rb") as f:
        data = f.read()
    n = 0
    for s in want:
        if part_of_unit(s, want) or s not in sx or s not in so:
            continue
        if not any(lo <= so[s] < lo + sz for lo, sz in ranges):
            continue        # the object's definition lost to another (weak, common)
        if not is_trap(relinked, data, segs, a64, sx[s]):
            print("%s: %s at 0x%x in the relinked image is not a trap" % (obj, s, sx[s]))
            return 1
        n += 1
    print("ok %d symbols of %s are traps" % (n, obj))
    return 0


def notrap(image, sym):
    sx = symbols(image)
    segs, a64 = segments(image)
    with open(image, "rb") as f:
        data = f.read()
    if sym not in sx:
        print("%s: no symbol %s" % (image, sym))
        return 1
    if is_trap(image, data, segs, a64, sx[sym]):
        print("%s: %s is a trap" % (image, sym))
        return 1
    print("ok %s is not a trap" % sym)
    return 0


def main(argv):
    if len(argv) == 7 and argv[1] == "traps":
        return traps(*argv[2:])
    if len(argv) == 4 and argv[1] == "notrap":
        return notrap(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
