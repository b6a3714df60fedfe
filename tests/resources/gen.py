#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Generate the resource-bound inputs of tests/resources/t-resources.sh.

usage: gen.py OUTDIR [NAME...]

Each input is a valid static x86-64 ET_EXEC written byte by byte with
struct (no toolchain), shaped to hit one path that a careless analysis
makes quadratic or recursive:

    syms      SYMS 1-byte STT_FUNC symbols (`ret` each) in one .text
    chain     CHAIN functions, each `call` to the next with no `ret`: a
              reference chain CHAIN deep, and CHAIN rounds of a naive
              noreturn fixpoint
    jumptab   one `jmp *table(,%rax,8)` through a .rodata table of JUMPTAB
              entries, each to its own 1-byte function
    notes     NOTES Xen notes in one PT_NOTE, and NOTE_SEGS more PT_NOTEs
              pointing at the same bytes
    headers   HEADERS PT_LOADs and as many sections, 16 bytes of code each,
              one FUNC symbol each: every loop over segments per section,
              per symbol or per size piece is a product of two large counts

OUTDIR/sizes gets one line per input: name, file size, symbols.
Standard library only.
"""
import os
import struct
import sys

SYMS = 1 << 20
CHAIN = 200000
JUMPTAB = 131072
NOTES = 100000
NOTE_SEGS = 64
HEADERS = 30000

BASE = 0x400000
PT_LOAD, PT_NOTE = 1, 4
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB = 1, 2, 3
STT_OBJECT, STT_FUNC, STB_GLOBAL = 1, 2, 1


def align(x, a):
    return (x + a - 1) // a * a


class Image:
    """An ET_EXEC under construction: allocated sections in one or more PT_LOADs."""

    def __init__(self):
        self.secs = []      # (name, type, flags, addr, data, link, info, entsize)
        self.loads = []     # (flags, first sec index, last sec index)
        self.notes = []     # extra PT_NOTE (sec index, copies)
        self.syms = []      # (name bytes, value, size, type, shndx) or a packed blob

    def add(self, name, data, flags=0, stype=SHT_PROGBITS):
        self.secs.append([name, stype, flags, 0, data, 0, 0, 0])
        return len(self.secs)  # section index (0 is the null section)

    def write(self, path, entry_sym, symblob=None, strblob=None, nsyms=0):
        """Lay out: ehdr, phdrs, allocated sections (page-aligned per PT_LOAD), then the rest."""
        nph = len(self.loads) + sum(c for _, c in self.notes)
        off = 64 + 56 * nph
        addr_of = {}
        for flags, first, last in self.loads:
            off = align(off, 4096) if first != 1 else off
            for i in range(first, last + 1):
                s = self.secs[i - 1]
                off = align(off, 8)
                s[3] = BASE + off
                addr_of[i] = off
                off += len(s[4])
        end_alloc = off
        # Symbol values may be relative to their section: resolve now.
        if symblob is None:
            symblob, strblob, nsyms = pack_symbols(self.syms, self.secs)
        rest = [(".symtab", SHT_SYMTAB, symblob, 24), (".strtab", SHT_STRTAB, strblob, 0)]
        shstr = b"\0"
        names = {}
        for s in self.secs:
            names[s[0]] = len(shstr)
            shstr += s[0].encode() + b"\0"
        for n, *_ in rest + [(".shstrtab",)]:
            names[n] = len(shstr)
            shstr += n.encode() + b"\0"
        rest.append((".shstrtab", SHT_STRTAB, shstr, 0))
        out = bytearray()
        shdrs = [bytes(64)]
        body = []
        for i, s in enumerate(self.secs, 1):
            body.append((addr_of[i], s[4]))
            shdrs.append(struct.pack("<IIQQQQIIQQ", names[s[0]], s[1], s[2], s[3], addr_of[i],
                                     len(s[4]), 0, 0, 8 if s[1] != 7 else 4, 0))
        n_alloc = len(self.secs)
        off = end_alloc
        for k, (n, t, data, ent) in enumerate(rest):
            off = align(off, 8)
            link = n_alloc + 2 if t == SHT_SYMTAB else 0
            info = 1 if t == SHT_SYMTAB else 0
            shdrs.append(struct.pack("<IIQQQQIIQQ", names[n], t, 0, 0, off, len(data), link, info,
                                     8, ent))
            body.append((off, data))
            off += len(data)
        shoff = align(off, 8)
        entry = struct.unpack_from("<Q", symblob, 24 * entry_sym + 8)[0]
        out += struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 62, 1, entry,
                           64, shoff, 0, 64, 56, nph, 64, len(shdrs), len(shdrs) - 1)
        for flags, first, last in self.loads:
            lo = 0 if first == 1 else addr_of[first]
            hi = addr_of[last] + len(self.secs[last - 1][4])
            out += struct.pack("<IIQQQQQQ", PT_LOAD, flags, lo, BASE + lo, BASE + lo, hi - lo,
                               hi - lo, 4096)
        for i, copies in self.notes:
            s = self.secs[i - 1]
            for _ in range(copies):
                out += struct.pack("<IIQQQQQQ", PT_NOTE, 4, addr_of[i], s[3], s[3], len(s[4]),
                                   len(s[4]), 4)
        for o, data in body:
            out += bytes(o - len(out))
            out += data
        out += bytes(shoff - len(out))
        out += b"".join(shdrs)
        with open(path, "wb") as f:
            f.write(out)
        return len(out), nsyms


def pack_symbols(syms, secs):
    """(name, section-relative value, size, type, shndx) -> .symtab and .strtab bytes."""
    st = bytearray(24)
    strtab = bytearray(b"\0")
    for name, val, size, typ, shndx in syms:
        st += struct.pack("<IBBHQQ", len(strtab), STB_GLOBAL << 4 | typ, 0, shndx,
                          secs[shndx - 1][3] + val, size)
        strtab += name + b"\0"
    return bytes(st), bytes(strtab), len(syms)


def dense_symbols(img, shndx, n, stride, prefix):
    """N FUNC symbols of size STRIDE at 0, STRIDE, ... of section SHNDX, packed fast."""
    base = img.secs[shndx - 1][3]
    names = bytearray(b"\0")
    st = bytearray(24 * (n + 1))
    pack = struct.Struct("<IBBHQQ").pack_into
    info = STB_GLOBAL << 4 | STT_FUNC
    for i in range(n):
        nm = b"%s%x\0" % (prefix, i)
        pack(st, 24 * (i + 1), len(names), info, 0, shndx, base + i * stride, stride)
        names += nm
    return st, names


def gen_syms(path, n=SYMS):
    img = Image()
    t = img.add(".text", b"\xc3" * n, flags=6)
    img.loads.append((5, 1, t))
    img.write(path + ".tmp", 1, symblob=bytes(24 * 2), strblob=b"\0", nsyms=0)  # lay out addresses
    st, names = dense_symbols(img, t, n, 1, b"f")
    os.unlink(path + ".tmp")
    return img.write(path, 1, symblob=bytes(st), strblob=bytes(names), nsyms=n)


def gen_chain(path, n=CHAIN):
    code = bytearray()
    for i in range(n - 1):
        code += b"\xe8" + struct.pack("<i", 0)  # call the next function (rel32 = 0)
    code += b"\xc3"
    img = Image()
    t = img.add(".text", bytes(code), flags=6)
    img.loads.append((5, 1, t))
    img.write(path + ".tmp", 1, symblob=bytes(48), strblob=b"\0", nsyms=0)
    st, names = dense_symbols(img, t, n, 5, b"c")
    struct.pack_into("<Q", st, 24 * n + 16, 1)  # the last function is the 1-byte ret
    os.unlink(path + ".tmp")
    return img.write(path, 1, symblob=bytes(st), strblob=bytes(names), nsyms=n)


def gen_jumptab(path, n=JUMPTAB):
    img = Image()
    # _start: jmp *table(,%rax,8) (ff 24 c5 disp32), then n one-byte functions.
    head = 8
    t = img.add(".text", bytes(head) + b"\xc3" * n, flags=6)
    r = img.add(".rodata", bytes(8 * n), flags=2)
    img.loads.append((5, 1, t))
    img.loads.append((4, r, r))
    img.write(path + ".tmp", 1, symblob=bytes(48), strblob=b"\0", nsyms=0)
    os.unlink(path + ".tmp")
    text_addr, ro_addr = img.secs[t - 1][3], img.secs[r - 1][3]
    code = bytearray(b"\xff\x24\xc5" + struct.pack("<I", ro_addr) + b"\x90" + b"\xc3" * n)
    img.secs[t - 1][4] = bytes(code)
    img.secs[r - 1][4] = struct.pack("<%dQ" % n, *range(text_addr + head, text_addr + head + n))
    syms = [(b"_start", 0, head, STT_FUNC, t), (b"table", 0, 8 * n, STT_OBJECT, r)]
    st, strtab, _ = pack_symbols(syms, img.secs)
    st2, names = dense_symbols(img, t, n, 1, b"j")
    # dense_symbols numbers from the section start: move them past the head.
    pack = struct.Struct("<Q")
    for i in range(n):
        o = 24 * (i + 1) + 8
        pack.pack_into(st2, o, text_addr + head + i)
    # Merge: the two named symbols, then the n targets (their names follow strtab).
    fix = bytearray(st2[24:])
    for i in range(n):
        o = 24 * i
        struct.pack_into("<I", fix, o, struct.unpack_from("<I", fix, o)[0] - 1 + len(strtab))
    return img.write(path, 1, symblob=st + bytes(fix), strblob=strtab + bytes(names[1:]),
                     nsyms=n + 2)


def gen_notes(path, n=NOTES, segs=NOTE_SEGS):
    notes = bytearray()
    for i in range(n):
        typ = 1 + i % 18
        desc = struct.pack("<Q", 0x100000 + i) if typ not in (5, 6, 7, 8, 9, 10) else b"xen-3.0\0"
        notes += struct.pack("<III", 4, len(desc), typ) + b"Xen\0" + desc
    img = Image()
    t = img.add(".text", b"\xeb\xfe" + bytes(6), flags=6)
    ns = img.add(".note.Xen", bytes(notes), flags=2, stype=7)
    img.loads.append((5, 1, ns))
    img.notes.append((ns, segs + 1))
    syms = [(b"_start", 0, 2, STT_FUNC, t)]
    img.write(path + ".tmp", 1, symblob=bytes(48), strblob=b"\0", nsyms=0)
    os.unlink(path + ".tmp")
    st, strtab, k = pack_symbols(syms, img.secs)
    return img.write(path, 1, symblob=st, strblob=strtab, nsyms=k)


def gen_headers(path, n=HEADERS):
    """N PT_LOADs of 16 bytes (p_align 16), each exactly one 16-byte section and symbol."""
    nph = n
    shnum = n + 4
    code_off = align(64 + 56 * nph, 16)
    code = b"\xc3" + b"\x90" * 15
    shstr = b"\0.text\0.symtab\0.strtab\0.shstrtab\0"
    names = bytearray(b"\0")
    st = bytearray(24)
    for i in range(n):
        st += struct.pack("<IBBHQQ", len(names), STB_GLOBAL << 4 | STT_FUNC, 0, 1 + i,
                          BASE + code_off + 16 * i, 16)
        names += b"h%x\0" % i
    sym_off = code_off + 16 * n
    str_off = sym_off + len(st)
    shs_off = str_off + len(names)
    shoff = align(shs_off + len(shstr), 8)
    out = bytearray(struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 62, 1,
                                BASE + code_off, 64, shoff, 0, 64, 56, nph, 64, shnum, shnum - 1))
    for i in range(n):
        o = code_off + 16 * i
        out += struct.pack("<IIQQQQQQ", PT_LOAD, 5, o, BASE + o, BASE + o, 16, 16, 16)
    out += bytes(code_off - len(out)) + code * n + st + names + shstr
    out += bytes(shoff - len(out)) + bytes(64)
    for i in range(n):
        out += struct.pack("<IIQQQQIIQQ", 1, SHT_PROGBITS, 6, BASE + code_off + 16 * i,
                           code_off + 16 * i, 16, 0, 0, 16, 0)
    out += struct.pack("<IIQQQQIIQQ", 7, SHT_SYMTAB, 0, 0, sym_off, len(st), n + 2, 1, 8, 24)
    out += struct.pack("<IIQQQQIIQQ", 15, SHT_STRTAB, 0, 0, str_off, len(names), 0, 0, 1, 0)
    out += struct.pack("<IIQQQQIIQQ", 23, SHT_STRTAB, 0, 0, shs_off, len(shstr), 0, 0, 1, 0)
    with open(path, "wb") as f:
        f.write(out)
    return len(out), n


GENS = {"syms": gen_syms, "chain": gen_chain, "jumptab": gen_jumptab, "notes": gen_notes,
        "headers": gen_headers}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sizes"), "a") as f:
        for name in sys.argv[2:] or list(GENS):
            size, nsyms = GENS[name](os.path.join(out, name))
            f.write("%s %d %d\n" % (name, size, nsyms))


if __name__ == "__main__":
    main()
