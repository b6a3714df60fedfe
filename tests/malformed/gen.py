#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Generate the malformed-input fixtures for tests/malformed/t-malformed.sh.

usage: gen.py [--base ELF64] [--cc CC] [--mass-base NAME=ELF]... [--mass-base-elf32] OUTDIR

Every fixture is derived at test time from a valid image; nothing binary is
committed.  The ELF64 base is, in order of preference: --base (the test
script passes $EXAMPLES/solo5-hello/solo5-hello.spt when it exists), a tiny
static x86_64 ET_EXEC built here with `CC -static -nostdlib -no-pie` whose C
source declares a Solo5 MFT1 manifest note and an ABI1 note (see BASE_C),
or a copy of /bin/true.  The ELF32 base is always built by hand below
(build_elf32): an i386 ET_EXEC with one PT_LOAD and a few sections.

Writes OUTDIR/<case> for each case and OUTDIR/expect, one line per case,
tab-separated:

    name  status  regex  forbid  arg  description

status is 0 or 2 (what the contract requires, see README.md) or "skip";
regex is an extended regex (matched case-insensitively) that the stderr line
(status 2) or at least one warning line (status 0) must match, "-" for none;
forbid is a regex no stderr line may match, "-" for none; arg is the path to
pass to the tool when it is not OUTDIR/<name>, "-" otherwise; description
says how the fixture was built.  For skip lines the description is the reason.

With --mass-base (and --mass-base-elf32), also writes the generated families
of those bases (see write_mass and README.md) into OUTDIR/mass, with
OUTDIR/mass/expect: name, status (0, 2 or any), warn (1: a 0 needs a
warning), way, family, description.  tests/malformed/mass.py runs them.

Standard library only: the ELF is parsed with struct, here.
"""
import argparse
import hashlib
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

PT_NULL, PT_LOAD, PT_NOTE = 0, 1, 4
PT_GNU_STACK, PT_GNU_PROPERTY = 0x6474E551, 0x6474E553
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 0, 1, 2, 3, 8
SHT_DYNSYM = 11
SHF_ALLOC = 2

MFT1_NOTE_TYPE = 0x3154464D  # "MFT1"
ABI1_NOTE_TYPE = 0x31494241  # "ABI1"
MFT_RESERVED_FIRST = 1 << 30
MFT_DEV_BLOCK_BASIC, MFT_DEV_NET_BASIC = 1, 2
MFT_ENTRY_SIZE = 104
MFT_NAME_SIZE = 68

EHDR_FIELDS = ("e_ident", "e_type", "e_machine", "e_version", "e_entry", "e_phoff",
               "e_shoff", "e_flags", "e_ehsize", "e_phentsize", "e_phnum",
               "e_shentsize", "e_shnum", "e_shstrndx")
PHDR64_FIELDS = ("p_type", "p_flags", "p_offset", "p_vaddr", "p_paddr", "p_filesz",
                 "p_memsz", "p_align")
PHDR32_FIELDS = ("p_type", "p_offset", "p_vaddr", "p_paddr", "p_filesz", "p_memsz",
                 "p_flags", "p_align")
SHDR_FIELDS = ("sh_name", "sh_type", "sh_flags", "sh_addr", "sh_offset", "sh_size",
               "sh_link", "sh_info", "sh_addralign", "sh_entsize")
SYM64_FIELDS = ("st_name", "st_info", "st_other", "st_shndx", "st_value", "st_size")
SYM32_FIELDS = ("st_name", "st_value", "st_size", "st_info", "st_other", "st_shndx")

# The fallback ELF64 base: a loop at _start, some .rodata/.data/.bss so that
# there are several PT_LOADs, and the two Solo5 notes laid out as in Solo5's
# include/mft_abi.h and include/elf_abi.h (gcc puts each .note.* section of a
# different alignment into its own PT_NOTE, which is what Solo5's linker
# scripts do on purpose).
BASE_C = r"""
#include <stdint.h>
struct mft_entry {
	char name[68]; uint32_t type;
	union { struct { uint64_t capacity; uint16_t block_size; } b;
		struct { uint8_t mac[6]; uint16_t mtu; } n; } u;
	union { int hostfd; void *data; } b;
	_Bool attached;
};
struct mft1_note {
	uint32_t namesz, descsz, type; char name[8]; uint32_t pad;
	uint32_t version, entries; struct mft_entry e[3];
};
_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry layout");
__attribute__((section(".note.solo5.manifest"), used, aligned(8)))
const struct mft1_note __solo5_mft1_note = {
	6, 12 + 104 * 3, 0x3154464d, "Solo5", 0, 1, 3,
	{ { "", 1u << 30, {{0, 0}}, {0}, 0 },
	  { "service", 2, {{0, 0}}, {0}, 0 },
	  { "storage", 1, {{0, 0}}, {0}, 0 } } };
struct abi1_note { uint32_t namesz, descsz, type; char name[8]; uint32_t target, version, r0, r1; };
__attribute__((section(".note.solo5.abi"), used, aligned(4)))
const struct abi1_note __solo5_abi1_note = { 6, 16, 0x31494241, "Solo5", 1, 2, 0, 0 };
const char msg[] = "a fixture for tests/malformed";
volatile int counter = 1;
int scratch[256];
void _start(void)
{
	for (;;) {
		scratch[counter & 255] += msg[counter % sizeof msg];
		counter++;
	}
}
"""


class Skip(Exception):
    """The case cannot be built from this base (the message says why)."""


def align(x, a):
    return (x + a - 1) // a * a


class Elf:
    """A mutable view of an ELF file: read and patch headers in place."""

    def __init__(self, data):
        self.d = bytearray(data)
        if len(self.d) < 16 or self.d[:4] != b"\x7fELF" or self.d[4] not in (1, 2) \
                or self.d[5] not in (1, 2):
            raise ValueError("not an ELF file this generator understands")
        self.is64 = self.d[4] == 2
        e = "<" if self.d[5] == 1 else ">"
        self.e = e
        if self.is64:
            self.ehdr_fmt, self.phdr_fmt, self.shdr_fmt = e + "16sHHIQQQIHHHHHH", e + "IIQQQQQQ", \
                e + "IIQQQQIIQQ"
            self.phdr_fields, self.sym_fmt, self.sym_fields = PHDR64_FIELDS, e + "IBBHQQ", SYM64_FIELDS
            self.addr_max = (1 << 64) - 1
        else:
            self.ehdr_fmt, self.phdr_fmt, self.shdr_fmt = e + "16sHHIIIIIHHHHHH", e + "IIIIIIII", \
                e + "IIIIIIIIII"
            self.phdr_fields, self.sym_fmt, self.sym_fields = PHDR32_FIELDS, e + "IIIBBH", SYM32_FIELDS
            self.addr_max = (1 << 32) - 1

    def copy(self):
        return Elf(bytes(self.d))

    def size(self):
        return len(self.d)

    def _get(self, fmt, names, off):
        return dict(zip(names, struct.unpack_from(fmt, self.d, off)))

    def _set(self, fmt, names, off, kw):
        cur = self._get(fmt, names, off)
        for k, v in kw.items():
            if k not in cur:
                raise KeyError(k)
            cur[k] = v
        struct.pack_into(fmt, self.d, off, *(cur[n] for n in names))

    def u32(self, off, value=None):
        if value is None:
            return struct.unpack_from(self.e + "I", self.d, off)[0]
        struct.pack_into(self.e + "I", self.d, off, value)
        return value

    # ELF header
    def ehdr(self):
        return self._get(self.ehdr_fmt, EHDR_FIELDS, 0)

    def set_ehdr(self, **kw):
        self._set(self.ehdr_fmt, EHDR_FIELDS, 0, kw)

    # program headers
    def phoff(self, i):
        h = self.ehdr()
        return h["e_phoff"] + i * h["e_phentsize"]

    def phdrs(self):
        return [self.phdr(i) for i in range(self.ehdr()["e_phnum"])]

    def phdr(self, i):
        return self._get(self.phdr_fmt, self.phdr_fields, self.phoff(i))

    def set_phdr(self, i, **kw):
        self._set(self.phdr_fmt, self.phdr_fields, self.phoff(i), kw)

    # section headers
    def shoff(self, i):
        h = self.ehdr()
        return h["e_shoff"] + i * h["e_shentsize"]

    def shdrs(self):
        return [self.shdr(i) for i in range(self.ehdr()["e_shnum"])]

    def shdr(self, i):
        return self._get(self.shdr_fmt, SHDR_FIELDS, self.shoff(i))

    def set_shdr(self, i, **kw):
        self._set(self.shdr_fmt, SHDR_FIELDS, self.shoff(i), kw)

    def section_name(self, i):
        h = self.ehdr()
        if not h["e_shnum"] or h["e_shstrndx"] >= h["e_shnum"]:
            return ""
        strtab = self.shdr(h["e_shstrndx"])
        off = strtab["sh_offset"] + self.shdr(i)["sh_name"]
        end = self.d.find(b"\0", off)
        return self.d[off:end].decode("latin-1") if end >= 0 else ""

    def find_sections(self, pred):
        return [i for i, s in enumerate(self.shdrs()) if pred(s)]

    def loads(self):
        return [i for i, p in enumerate(self.phdrs()) if p["p_type"] == PT_LOAD]

    def max_load_end(self):
        return max((p["p_offset"] + p["p_filesz"] for p in self.phdrs()
                    if p["p_type"] == PT_LOAD), default=0)

    # notes
    def notes(self):
        """Yield (phdr index, note offset, namesz, descsz, type, name, note end)."""
        for i, p in enumerate(self.phdrs()):
            if p["p_type"] != PT_NOTE:
                continue
            a = 8 if p["p_align"] == 8 else 4
            off, end = p["p_offset"], min(p["p_offset"] + p["p_filesz"], len(self.d))
            while off + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from(self.e + "III", self.d, off)
                name_off = off + 12
                # Name and descriptor are 4-aligned (Solo5's 8-aligned MFT1
                # note keeps its padding inside n_descsz); a next note starts
                # at the segment's alignment.
                desc_off = name_off + align(namesz, 4)
                nend = desc_off + descsz
                if nend > end:
                    break
                name = bytes(self.d[name_off:name_off + namesz])
                yield i, off, namesz, descsz, ntype, name, nend
                off = align(nend, a)


def build_elf32():
    """A minimal valid ELF32 i386 ET_EXEC, built byte by byte.

    One PT_LOAD (R+X, vaddr 0x08048000) maps the file from offset 0 up to
    the end of .rodata.  Sections: .text (jmp . and nops), .rodata,
    .symtab (_start, msg), .strtab, .shstrtab.
    """
    base = 0x08048000
    text = b"\xeb\xfe" + b"\x90" * 14
    rodata = b"malformed input\0"
    ehsize, phentsize, shentsize = 52, 32, 40
    text_off = ehsize + phentsize
    rodata_off = text_off + len(text)
    load_end = rodata_off + len(rodata)
    strtab = b"\0_start\0msg\0"
    shstr = b"\0.text\0.rodata\0.symtab\0.strtab\0.shstrtab\0"
    names = {n: shstr.index(b"\0" + n.encode() + b"\0") + 1
             for n in (".text", ".rodata", ".symtab", ".strtab", ".shstrtab")}
    symtab = struct.pack("<IIIBBH", 0, 0, 0, 0, 0, 0)
    symtab += struct.pack("<IIIBBH", 1, base + text_off, len(text), 0x12, 0, 1)  # GLOBAL FUNC
    symtab += struct.pack("<IIIBBH", 8, base + rodata_off, len(rodata), 0x11, 0, 2)  # GLOBAL OBJECT
    symtab_off = align(load_end, 4)
    strtab_off = symtab_off + len(symtab)
    shstr_off = strtab_off + len(strtab)
    shoff = align(shstr_off + len(shstr), 4)
    shdrs = [
        (0, SHT_NULL, 0, 0, 0, 0, 0, 0, 0, 0),
        (names[".text"], SHT_PROGBITS, 6, base + text_off, text_off, len(text), 0, 0, 1, 0),
        (names[".rodata"], SHT_PROGBITS, 2, base + rodata_off, rodata_off, len(rodata), 0, 0, 1, 0),
        (names[".symtab"], SHT_SYMTAB, 0, 0, symtab_off, len(symtab), 4, 1, 4, 16),
        (names[".strtab"], SHT_STRTAB, 0, 0, strtab_off, len(strtab), 0, 0, 1, 0),
        (names[".shstrtab"], SHT_STRTAB, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0),
    ]
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    ehdr = struct.pack("<16sHHIIIIIHHHHHH", ident, 2, 3, 1, base + text_off, ehsize, shoff, 0,
                       ehsize, phentsize, 1, shentsize, len(shdrs), 5)
    phdr = struct.pack("<IIIIIIII", PT_LOAD, 0, base, base, load_end, load_end, 5, 0x1000)
    d = bytearray(ehdr + phdr + text + rodata)
    d += bytes(symtab_off - len(d)) + symtab + strtab + shstr
    d += bytes(shoff - len(d))
    for s in shdrs:
        d += struct.pack("<IIIIIIIIII", *s)
    return bytes(d)


def build_base64(cc, workdir):
    """Build the fallback ELF64 base with CC; return its bytes or None."""
    src = os.path.join(workdir, "base.c")
    out = os.path.join(workdir, "base")
    with open(src, "w") as f:
        f.write(BASE_C)
    try:
        subprocess.run([cc, "-static", "-nostdlib", "-no-pie", "-O1", "-g", "-o", out, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write("gen.py: cannot build the ELF64 base with %s: %s\n" % (cc, e))
        return None
    with open(out, "rb") as f:
        return f.read()


def mft1_note(entries, names=None):
    """The bytes of an MFT1 note with `entries` entries (entry 0 reserved)."""
    body = struct.pack("<II", 1, entries)
    for i in range(entries):
        if i == 0:
            name, typ = b"", MFT_RESERVED_FIRST
        else:
            name = (names[i - 1] if names else b"dev%d" % i)
            typ = MFT_DEV_NET_BASIC if i % 2 else MFT_DEV_BLOCK_BASIC
        body += name.ljust(MFT_NAME_SIZE, b"\0") + struct.pack("<I", typ) + bytes(104 - 72)
    desc = bytes(4) + body
    return struct.pack("<III", 6, len(desc), MFT1_NOTE_TYPE) + b"Solo5\0\0\0" + desc


def find_mft(elf):
    """Return (phdr index, note offset, descsz, is last note of segment) or None."""
    for i, off, namesz, descsz, ntype, name, nend in elf.notes():
        if namesz == 6 and name == b"Solo5\0" and ntype == MFT1_NOTE_TYPE:
            p = elf.phdr(i)
            last = nend >= p["p_offset"] + p["p_filesz"]
            return i, off, descsz, last
    return None


def append_note(elf, note, phi=None):
    """Append `note` at the end of the file (8-aligned) and point a PT_NOTE at it.

    Uses phdr `phi` when given, else an existing PT_NOTE, else a PT_NULL,
    PT_GNU_PROPERTY or PT_GNU_STACK entry turned into a PT_NOTE.  The note is
    outside every PT_LOAD: Solo5 reads notes from the file, by p_offset.
    """
    if phi is None:
        ph = elf.phdrs()
        for want in (PT_NOTE, PT_NULL, PT_GNU_PROPERTY, PT_GNU_STACK):
            cand = [i for i, p in enumerate(ph) if p["p_type"] == want]
            if cand:
                phi = cand[-1]
                break
        else:
            raise Skip("no PT_NOTE and no spare program header to point at an appended note")
    off = align(len(elf.d), 8)
    elf.d += bytes(off - len(elf.d)) + note
    elf.set_phdr(phi, p_type=PT_NOTE, p_offset=off, p_vaddr=0, p_paddr=0, p_filesz=len(note),
                 p_memsz=len(note), p_flags=4, p_align=8)
    return phi


def with_manifest(elf):
    """Return (elf, how): elf carries a valid MFT1 note (appended if needed)."""
    if find_mft(elf):
        return elf, "its own MFT1 note"
    elf = elf.copy()
    append_note(elf, mft1_note(3, [b"service", b"storage"]))
    if not find_mft(elf):
        raise Skip("appended MFT1 note not found again")
    return elf, "an MFT1 note appended at end of file, pointed at by a PT_NOTE"


# --- the cases -------------------------------------------------------------
# Each case function takes a fresh copy of the base Elf and returns the bytes
# of the fixture, or (bytes, status) when the outcome depends on the base's
# geometry.  Cases are generated for the ELF64 base and, unless elf32=False,
# as elf32-<name> for the ELF32 base; manifest cases (mft=True) are ELF64 only
# and need the MFT1 note.

CASES = []
SECT = "section"  # the word a warning about lying section headers names


def case(name, status, regex="-", desc="", elf32=True, mft=False, forbid="-"):
    def reg(fn):
        CASES.append(dict(name=name, status=status, regex=regex, forbid=forbid, desc=desc,
                          fn=fn, elf32=elf32, mft=mft))
        return fn
    return reg


def both(a, b):
    """An ERE matching a line that names both a and b, in either order."""
    return "(%s).*(%s)|(%s).*(%s)" % (a, b, b, a)


def cut(elf, n):
    return bytes(elf.d[:n])


def first_load_with_data(elf, last=False):
    idx = [i for i in elf.loads() if elf.phdr(i)["p_filesz"] > 0]
    if not idx:
        raise Skip("no PT_LOAD with file data")
    return idx[-1] if last else idx[0]


def alloc_progbits(elf):
    idx = elf.find_sections(lambda s: s["sh_type"] == SHT_PROGBITS and s["sh_flags"] & SHF_ALLOC
                            and s["sh_size"] > 0)
    if not idx:
        raise Skip("no allocated PROGBITS section")
    return idx


def symtab(elf):
    idx = elf.find_sections(lambda s: s["sh_type"] == SHT_SYMTAB)
    if not idx:
        idx = elf.find_sections(lambda s: s["sh_type"] == SHT_DYNSYM)
    if not idx:
        raise Skip("the base has no symbol table (stripped)")
    return idx[0]


def need_shdrs(elf):
    if elf.ehdr()["e_shnum"] == 0:
        raise Skip("the base has no section headers")


# Input errors: the image cannot be sized from its program headers (2).

for _n in (1, 4, 16, 24, 40, "last"):
    def _mk(n):
        def fn(elf):
            k = elf.ehdr()["e_ehsize"] - 1 if n == "last" else n
            return cut(elf, k)
        return fn
    case("ehdr-cut-at-%s" % _n, 2,
         desc="the first %s bytes of the base: ELF header cut short"
         % ("e_ehsize-1" if _n == "last" else _n))(_mk(_n))

case("bad-magic", 2, "elf|magic", desc="base with e_ident[EI_MAG3] 'F' changed to 'X'")(
    lambda elf: bytes(elf.d[:3]) + b"X" + bytes(elf.d[4:]))
case("ident-class-invalid", 2, desc="base with e_ident[EI_CLASS] = 3 (neither ELF32 nor ELF64)")(
    lambda elf: bytes(elf.d[:4]) + b"\x03" + bytes(elf.d[5:]))
case("ident-data-invalid", 2, desc="base with e_ident[EI_DATA] = 3 (no byte order)")(
    lambda elf: bytes(elf.d[:5]) + b"\x03" + bytes(elf.d[6:]))


def _phdr_cut(where):
    def fn(elf):
        h = elf.ehdr()
        size = h["e_phnum"] * h["e_phentsize"]
        return cut(elf, h["e_phoff"] + {"start": 1, "mid": size // 2, "end": size - 1}[where])
    return fn


for _w in ("start", "mid", "end"):
    case("phdr-table-cut-%s" % _w, 2,
         desc="base cut %s the program header table" % {
             "start": "1 byte into", "mid": "in the middle of", "end": "1 byte short of the end of"}[_w]
         )(_phdr_cut(_w))


@case("phoff-past-eof", 2, desc="e_phoff = file size + 64")
def _(elf):
    elf.set_ehdr(e_phoff=align(elf.size(), 8) + 64)
    return elf.d


@case("phoff-overflow", 2, desc="e_phoff = 2^N - 8, so e_phoff + e_phnum * e_phentsize wraps")
def _(elf):
    elf.set_ehdr(e_phoff=elf.addr_max - 7)
    return elf.d


@case("phnum-zero", 2, desc="e_phnum = 0: no program headers, nothing to size the image from")
def _(elf):
    elf.set_ehdr(e_phnum=0)
    return elf.d


@case("phnum-huge", 2, desc="e_phnum = 0xfffe: the table runs megabytes past EOF")
def _(elf):
    elf.set_ehdr(e_phnum=0xFFFE)
    return elf.d


@case("phnum-xnum", 2,
      desc="e_phnum = 0xffff (PN_XNUM) and section 0's sh_info = 0xffffffff: extended count, huge")
def _(elf):
    need_shdrs(elf)
    elf.set_shdr(0, sh_info=0xFFFFFFFF)
    elf.set_ehdr(e_phnum=0xFFFF)
    return elf.d


@case("phentsize-bad", 2, desc="e_phentsize = 8, smaller than a program header")
def _(elf):
    elf.set_ehdr(e_phentsize=8)
    return elf.d


@case("no-load", 2, desc="every PT_LOAD turned into PT_NULL: nothing to size the image from")
def _(elf):
    for i in elf.loads():
        elf.set_phdr(i, p_type=PT_NULL)
    return elf.d


@case("load-offset-past-eof", 2, desc="first PT_LOAD with data: p_offset = file size + 4096")
def _(elf):
    elf.set_phdr(first_load_with_data(elf), p_offset=align(elf.size(), 4096) + 4096)
    return elf.d


@case("load-filesz-past-eof", 2,
      desc="last PT_LOAD with data: p_filesz (and p_memsz if smaller) end 1 byte past EOF")
def _(elf):
    i = first_load_with_data(elf, last=True)
    p = elf.phdr(i)
    fs = elf.size() - p["p_offset"] + 1
    elf.set_phdr(i, p_filesz=fs, p_memsz=max(p["p_memsz"], fs))
    return elf.d


@case("load-offset-overflow", 2,
      desc="first PT_LOAD with data: p_offset = 2^N - 16, so p_offset + p_filesz wraps")
def _(elf):
    elf.set_phdr(first_load_with_data(elf), p_offset=elf.addr_max - 15)
    return elf.d


@case("load-filesz-huge", 2, desc="first PT_LOAD with data: p_filesz = p_memsz = 2^(N-1)")
def _(elf):
    big = (elf.addr_max + 1) // 2
    elf.set_phdr(first_load_with_data(elf), p_filesz=big, p_memsz=big)
    return elf.d


@case("load-memsz-wraps", 2,
      desc="last PT_LOAD: p_memsz = 2^N - p_vaddr + 4096, so the segment wraps the address space")
def _(elf):
    i = elf.loads()[-1]
    p = elf.phdr(i)
    if p["p_vaddr"] < 4097:
        raise Skip("the last PT_LOAD starts below 4097")
    elf.set_phdr(i, p_memsz=elf.addr_max - p["p_vaddr"] + 4097)
    return elf.d


@case("file-cut-in-load", 2, desc="base cut in the middle of the last PT_LOAD's file data")
def _(elf):
    p = elf.phdr(first_load_with_data(elf, last=True))
    return cut(elf, p["p_offset"] + p["p_filesz"] // 2)


# Loadable: the section headers lie but the program headers are sound:
# sized from program headers, exit 0, with a warning.

def _shdr_cut(where):
    def fn(elf):
        need_shdrs(elf)
        h = elf.ehdr()
        size = h["e_shnum"] * h["e_shentsize"]
        n = h["e_shoff"] + (size // 2 + 10 if where == "mid" else size - 1)
        # If something a PT_LOAD maps lies past the cut, the image cannot be
        # sized any more: then the contract wants 2.
        return cut(elf, n), (0 if n >= elf.max_load_end() else 2)
    return fn


for _w in ("mid", "end"):
    case("shdr-table-cut-%s" % _w, 0, SECT,
         desc="base cut %s the section header table (0 when every PT_LOAD is still whole, "
         "else 2)" % ("in the middle of" if _w == "mid" else "1 byte short of the end of")
         )(_shdr_cut(_w))


@case("shoff-past-eof", 0, SECT, desc="e_shoff = file size + 64")
def _(elf):
    need_shdrs(elf)
    elf.set_ehdr(e_shoff=align(elf.size(), 8) + 64)
    return elf.d


@case("shoff-overflow", 0, SECT, desc="e_shoff = 2^N - 16, so e_shoff + e_shnum * e_shentsize wraps")
def _(elf):
    need_shdrs(elf)
    elf.set_ehdr(e_shoff=elf.addr_max - 15)
    return elf.d


@case("shnum-huge", 0, SECT, desc="e_shnum = 0xfeff: the table runs megabytes past EOF")
def _(elf):
    need_shdrs(elf)
    elf.set_ehdr(e_shnum=0xFEFF)
    return elf.d


@case("shentsize-bad", 0, SECT, desc="e_shentsize = 8, smaller than a section header")
def _(elf):
    need_shdrs(elf)
    elf.set_ehdr(e_shentsize=8)
    return elf.d


@case("shstrndx-out-of-range", 0, SECT + "|shstrndx|string",
      desc="e_shstrndx = e_shnum + 7 (below SHN_LORESERVE)")
def _(elf):
    need_shdrs(elf)
    elf.set_ehdr(e_shstrndx=elf.ehdr()["e_shnum"] + 7)
    return elf.d


@case("sh-name-out-of-range", 0, SECT + "|name|string",
      desc="first allocated PROGBITS section: sh_name = 0xfffffff0, far past .shstrtab")
def _(elf):
    elf.set_shdr(alloc_progbits(elf)[0], sh_name=0xFFFFFFF0)
    return elf.d


@case("sh-link-out-of-range", 0, SECT + "|link|symbol|string",
      desc="symbol table: sh_link = e_shnum + 100")
def _(elf):
    elf.set_shdr(symtab(elf), sh_link=elf.ehdr()["e_shnum"] + 100)
    return elf.d


@case("sh-offset-past-eof", 0, SECT,
      desc="first allocated PROGBITS section: sh_offset = file size + 256")
def _(elf):
    elf.set_shdr(alloc_progbits(elf)[0], sh_offset=elf.size() + 256)
    return elf.d


@case("sh-size-past-eof", 0, SECT,
      desc="first allocated PROGBITS section: sh_size ends 1 byte past EOF")
def _(elf):
    i = alloc_progbits(elf)[0]
    elf.set_shdr(i, sh_size=elf.size() - elf.shdr(i)["sh_offset"] + 1)
    return elf.d


@case("sh-offset-overflow", 0, SECT,
      desc="first allocated PROGBITS section: sh_offset = 2^N - 8, so sh_offset + sh_size wraps")
def _(elf):
    i = alloc_progbits(elf)[0]
    elf.set_shdr(i, sh_offset=elf.addr_max - 7, sh_size=max(elf.shdr(i)["sh_size"], 16))
    return elf.d


@case("sections-overlap", 0, SECT + "|overlap",
      desc="second allocated PROGBITS section moved (sh_offset and sh_addr) to start in the "
      "middle of the first one")
def _(elf):
    idx = alloc_progbits(elf)
    if len(idx) < 2:
        raise Skip("fewer than two allocated PROGBITS sections")
    a, b = elf.shdr(idx[0]), elf.shdr(idx[1])
    half = max(a["sh_size"] // 2, 1)
    size = min(b["sh_size"], elf.size() - (a["sh_offset"] + half))
    elf.set_shdr(idx[1], sh_offset=a["sh_offset"] + half, sh_addr=a["sh_addr"] + half, sh_size=size)
    return elf.d


@case("symtab-size-huge", 0, SECT + "|symbol|symtab",
      desc="symbol table: sh_size = the largest multiple of sh_entsize below 2^N")
def _(elf):
    i = symtab(elf)
    ent = elf.shdr(i)["sh_entsize"] or 16
    elf.set_shdr(i, sh_size=elf.addr_max // ent * ent)
    return elf.d


@case("symtab-entsize-zero", 0, SECT + "|symbol|symtab|entsize",
      desc="symbol table: sh_entsize = 0 (a divide-by-zero trap)")
def _(elf):
    elf.set_shdr(symtab(elf), sh_entsize=0)
    return elf.d


@case("sym-name-out-of-range", 0, "symbol|name|string",
      desc="last symbol of the symbol table: st_name = 0xfffffff0, far past its string table")
def _(elf):
    s = elf.shdr(symtab(elf))
    ent = s["sh_entsize"] or struct.calcsize(elf.sym_fmt)
    n = s["sh_size"] // ent
    if n < 2:
        raise Skip("symbol table has no symbol besides the null one")
    off = s["sh_offset"] + (n - 1) * ent
    elf.u32(off, 0xFFFFFFF0)  # st_name is the first field in both classes
    return elf.d


@case("nobits-size-wraps", 0, SECT, elf32=False,  # the ELF32 base has no .bss
      desc="first allocated NOBITS section (.bss): sh_size = 2^N - sh_addr + 4096, so it wraps "
      "the address space and lies far outside its PT_LOAD")
def _(elf):
    idx = elf.find_sections(lambda s: s["sh_type"] == SHT_NOBITS and s["sh_flags"] & SHF_ALLOC)
    if not idx:
        raise Skip("no allocated NOBITS section")
    elf.set_shdr(idx[0], sh_size=elf.addr_max - elf.shdr(idx[0])["sh_addr"] + 4097)
    return elf.d


@case("section-outside-segments", 0, SECT,
      desc="first allocated PROGBITS section: sh_addr moved 1 MiB past the end of every PT_LOAD")
def _(elf):
    top = max(p["p_vaddr"] + p["p_memsz"] for p in elf.phdrs() if p["p_type"] == PT_LOAD)
    elf.set_shdr(alloc_progbits(elf)[0], sh_addr=align(top, 4096) + (1 << 20))
    return elf.d


# Symbols that lie in other ways, and debug information that is noise: the
# image loads (0); a warning is welcome but not required: these make sure
# that what follows symbols and DWARF (attribution, disassembly, reachability)
# survives them.

def func_symbol(elf):
    """Return (offset, fields) of the first STT_FUNC symbol of the symbol table."""
    s = elf.shdr(symtab(elf))
    ent = s["sh_entsize"] or struct.calcsize(elf.sym_fmt)
    for k in range(1, s["sh_size"] // ent):
        off = s["sh_offset"] + k * ent
        st = dict(zip(elf.sym_fields, struct.unpack_from(elf.sym_fmt, elf.d, off)))
        if st["st_info"] & 0xF == 2:
            return off, st
    raise Skip("no STT_FUNC symbol")


def set_symbol(elf, off, st, **kw):
    st = dict(st, **kw)
    struct.pack_into(elf.sym_fmt, elf.d, off, *(st[f] for f in elf.sym_fields))


@case("sym-shndx-out-of-range", 0,
      desc="first STT_FUNC symbol: st_shndx = 0xfeff, an index past e_shnum below SHN_LORESERVE")
def _(elf):
    off, st = func_symbol(elf)
    set_symbol(elf, off, st, st_shndx=0xFEFF)
    return elf.d


@case("sym-size-huge", 0,
      desc="first STT_FUNC symbol: st_size = 2^(N-1), far past its section and the file")
def _(elf):
    off, st = func_symbol(elf)
    set_symbol(elf, off, st, st_size=(elf.addr_max + 1) // 2)
    return elf.d


@case("sym-value-wraps", 0,
      desc="first STT_FUNC symbol: st_value = 2^N - 16 and st_size = 256, so it wraps")
def _(elf):
    off, st = func_symbol(elf)
    set_symbol(elf, off, st, st_value=elf.addr_max - 15, st_size=256)
    return elf.d


@case("debug-info-garbage", 0, elf32=False,
      desc=".debug_info filled with 0xff (its section header untouched)")
def _(elf):
    idx = [i for i in range(elf.ehdr()["e_shnum"]) if elf.section_name(i) == ".debug_info"]
    if not idx:
        raise Skip("the base has no .debug_info")
    s = elf.shdr(idx[0])
    elf.d[s["sh_offset"]:s["sh_offset"] + s["sh_size"]] = b"\xff" * s["sh_size"]
    return elf.d


# The Solo5 manifest (ELF64 only): the image loads, the manifest is reported
# invalid: exit 0 with a warning naming the manifest and the problem.

MFT = "manifest"
NOTE = "note|manifest"
# words that name a manifest of the wrong size ("too small", "size 216 does
# not match 3 entries", "smaller than its header", "truncated", ...)
DESCSZ_WORDS = "size|small|short|descsz|entr|length|trunc|header"


def mft_info(elf):
    r = find_mft(elf)
    if not r:
        raise Skip("no MFT1 note")
    phi, off, descsz, last = r
    mft = off + 24
    entries = elf.u32(mft + 4)
    return phi, off, descsz, last, mft, entries


def entry(mft, i):
    return mft + 8 + MFT_ENTRY_SIZE * i


def set_descsz(elf, descsz):
    """Set the MFT1 n_descsz; when it is the last note, end its segment there.

    The note section that matches the segment (same offset and size) is
    resized with it, so that only the manifest is wrong, not the headers.
    """
    phi, off, _, last, _, _ = mft_info(elf)
    elf.u32(off + 4, descsz)
    if last:
        p = elf.phdr(phi)
        size = off + 20 + descsz - p["p_offset"]
        for i in elf.find_sections(lambda s: s["sh_offset"] == p["p_offset"]
                                   and s["sh_size"] == p["p_filesz"]):
            elf.set_shdr(i, sh_size=size)
        elf.set_phdr(phi, p_filesz=size, p_memsz=size)


def mcase(name, regex, desc):
    return case(name, 0, regex, desc=desc, elf32=False, mft=True)


@mcase("mft-entries-65", both(MFT, "entr|64|65"),
       "a consistent MFT1 note with 65 entries (n_descsz = 12 + 104*65) appended at EOF; "
       "the manifest's PT_NOTE points at it")
def _(elf):
    phi = mft_info(elf)[0]
    append_note(elf, mft1_note(65), phi)
    return elf.d


@mcase("mft-entries-wrap", both(MFT, "entr|size"),
       "entries += 2^29: 8 + entries*104 wraps to the true size in 32-bit arithmetic")
def _(elf):
    _, _, _, _, mft, n = mft_info(elf)
    elf.u32(mft + 4, n + (1 << 29))
    return elf.d


@mcase("mft-entries-zero", both(MFT, "entr|empty"),
       "entries = 0 and n_descsz = 12 (consistent, but there must be the reserved entry)")
def _(elf):
    _, _, _, _, mft, _ = mft_info(elf)
    elf.u32(mft + 4, 0)
    set_descsz(elf, 12)
    return elf.d


for _v in (0, 2):
    def _mk(v):
        def fn(elf):
            elf.u32(mft_info(elf)[4], v)
            return elf.d
        return fn
    mcase("mft-version-%d" % _v, both(MFT, "version"), "manifest version = %d (must be 1)" % _v)(
        _mk(_v))


@mcase("mft-name-unterminated", both(MFT, "name|terminat|nul"),
       "entry 1 (entry 0 if it is the only one): all 68 name bytes 'a', so name[67] != 0")
def _(elf):
    _, _, _, _, mft, n = mft_info(elf)
    i = 1 if n >= 2 else 0
    elf.d[entry(mft, i):entry(mft, i) + MFT_NAME_SIZE] = b"a" * MFT_NAME_SIZE
    return elf.d


@mcase("mft-first-not-reserved", both(MFT, "reserved|first|entr"),
       "entry 0: type = MFT_DEV_NET_BASIC instead of MFT_RESERVED_FIRST")
def _(elf):
    elf.u32(entry(mft_info(elf)[4], 0) + 68, MFT_DEV_NET_BASIC)
    return elf.d


@mcase("mft-first-named", both(MFT, "reserved|first|entr|name"),
       "entry 0 (the reserved one): name = \"rogue\" instead of empty")
def _(elf):
    e0 = entry(mft_info(elf)[4], 0)
    elf.d[e0:e0 + 6] = b"rogue\0"
    return elf.d


@mcase("mft-attached", both(MFT, "attach|entr"),
       "entry 1 (entry 0 if it is the only one): attached = 1 (must be 0 in the file)")
def _(elf):
    _, _, _, _, mft, n = mft_info(elf)
    elf.d[entry(mft, 1 if n >= 2 else 0) + 96] = 1
    return elf.d


@mcase("mft-descsz-short", both(MFT, DESCSZ_WORDS),
       "n_descsz one entry (104 bytes) short of 12 + 104*entries; the segment ends with the note")
def _(elf):
    set_descsz(elf, mft_info(elf)[2] - MFT_ENTRY_SIZE)
    return elf.d


@mcase("mft-descsz-tiny", both(MFT, DESCSZ_WORDS),
       "n_descsz = 4: the manifest body (n_descsz - 4) is empty")
def _(elf):
    set_descsz(elf, 4)
    return elf.d


@mcase("mft-descsz-zero", both(MFT, DESCSZ_WORDS),
       "n_descsz = 0: n_descsz - 4 underflows")
def _(elf):
    set_descsz(elf, 0)
    return elf.d


@mcase("mft-past-segment", NOTE,
       "entries + 1 and n_descsz + 104 (consistent), but the PT_NOTE still ends where the "
       "note used to: the note runs 104 bytes past its segment")
def _(elf):
    phi, off, descsz, _, mft, n = mft_info(elf)
    p = elf.phdr(phi)
    end = off + 20 + descsz
    elf.set_phdr(phi, p_filesz=end - p["p_offset"], p_memsz=end - p["p_offset"])
    elf.u32(mft + 4, n + 1)
    elf.u32(off + 4, descsz + MFT_ENTRY_SIZE)
    return elf.d


@mcase("mft-segment-cut", NOTE,
       "the manifest's PT_NOTE p_filesz ends in the middle of the note's last entry")
def _(elf):
    phi, off, descsz, _, _, _ = mft_info(elf)
    p = elf.phdr(phi)
    end = off + 20 + descsz - MFT_ENTRY_SIZE // 2
    elf.set_phdr(phi, p_filesz=end - p["p_offset"], p_memsz=end - p["p_offset"])
    return elf.d


for _n, _field, _val, _d in (
        ("note-namesz-huge", 0, 0xFFFFFFFF, "n_namesz = 0xffffffff"),
        ("note-namesz-wrap", 0, 0xFFFFFFF4,
         "n_namesz = 0xfffffff4: 12 + n_namesz wraps to 0 in 32 bits (a loop that never advances)"),
        ("note-descsz-huge", 4, 0xFFFFFFFF, "n_descsz = 0xffffffff"),
        ("note-descsz-wrap", 4, 0xFFFFFFEC,
         "n_descsz = 0xffffffec: 20 + n_descsz wraps to 0 in 32 bits (a loop that never advances)")):
    def _mk(field, val):
        def fn(elf):
            elf.u32(mft_info(elf)[1] + field, val)
            return elf.d
        return fn
    mcase(_n, NOTE, "the MFT1 note's " + _d)(_mk(_field, _val))


@mcase("note-segment-past-eof", NOTE, "the manifest's PT_NOTE: p_offset = file size + 256")
def _(elf):
    elf.set_phdr(mft_info(elf)[0], p_offset=elf.size() + 256)
    return elf.d


@mcase("note-segment-huge", NOTE, "the manifest's PT_NOTE: p_filesz = p_memsz = 2^63")
def _(elf):
    elf.set_phdr(mft_info(elf)[0], p_filesz=1 << 63, p_memsz=1 << 63)
    return elf.d


# --- generated families (the mass cases) ---------------------------------------
# Mechanical mutations of several bases, many per family, run one way each by
# mass.py (README.md, "Generated families").  Each family function yields
# (param, bytes, status, warn, description): status 0 or 2 when the contract
# decides it from the headers left intact, "any" when it can go either way
# (then only the shape of the outcome is checked); warn 1 when a 0 must come
# with at least one warning.  Names: m-<base>-<family>-<param>.

MASS_FLIPS = 16  # seeded bit-flip cases per header table per base


def _notes_all(elf):
    try:
        return [(off, namesz, descsz) for _, off, namesz, descsz, _, _, _ in elf.notes()]
    except struct.error:
        return []


def _needed(elf):
    """The file size below which the image cannot be sized (a 2)."""
    h = elf.ehdr()
    need = h["e_ehsize"]
    if h["e_phnum"]:
        need = max(need, h["e_phoff"] + h["e_phnum"] * h["e_phentsize"])
    return max(need, elf.max_load_end())


def fam_cut(elf):
    """Truncation at every header boundary and around every section and note."""
    h = elf.ehdr()
    pts = {1, 4, 5, 6, 7, 16, 18, 20, 24, h["e_ehsize"] - 1, h["e_ehsize"]}
    pts |= set(range(24, h["e_ehsize"], 4 if not elf.is64 else 8))
    for i in range(h["e_phnum"]):
        o = elf.phoff(i)
        pts |= {o, o + h["e_phentsize"] // 2, o + h["e_phentsize"] - 1}
    for i in range(h["e_shnum"]):
        o = elf.shoff(i)
        pts |= {o, o + 4, o + h["e_shentsize"] - 1}
    for off, namesz, descsz in _notes_all(elf):
        pts |= {off, off + 4, off + 8, off + 12, off + 12 + align(namesz, 4)}
    for i, s in enumerate(elf.shdrs()):
        if s["sh_type"] != SHT_NOBITS and s["sh_size"]:
            pts |= {s["sh_offset"], s["sh_offset"] + s["sh_size"] - 1}
        if s["sh_type"] == SHT_SYMTAB and s["sh_entsize"]:
            n = s["sh_size"] // s["sh_entsize"]
            for k in sorted({0, 1, 2, n // 4, n // 2, n - 1, n}):
                pts |= {s["sh_offset"] + k * s["sh_entsize"],
                        s["sh_offset"] + k * s["sh_entsize"] + s["sh_entsize"] // 2}
    for p in elf.phdrs():
        if p["p_filesz"]:
            pts |= {p["p_offset"] + p["p_filesz"] - 1}
    need = _needed(elf)
    for n in sorted(x for x in pts if 0 < x < elf.size()):
        st = 2 if n < need else 0
        yield (str(n), bytes(elf.d[:n]), st, 1 if st == 0 else 0,
               "the first %d bytes of the base" % n)


def _flips(elf, tag, lo, hi, seed0):
    for s in range(MASS_FLIPS):
        rnd = random.Random("%s-%s-%d" % (seed0, tag, s))
        d = bytearray(elf.d)
        bits = sorted(rnd.randrange((hi - lo) * 8) for _ in range(rnd.choice((1, 2, 3))))
        for b in bits:
            d[lo + b // 8] ^= 1 << (b % 8)
        yield (str(s), bytes(d), "any", 0,
               "bits %s of the %s flipped (seed %d)" % (",".join(map(str, bits)), tag, s))


def fam_flip_ehdr(elf, seed0):
    return _flips(elf, "ehdr", 0, elf.ehdr()["e_ehsize"], seed0)


def fam_flip_phdr(elf, seed0):
    h = elf.ehdr()
    if not h["e_phnum"]:
        return iter(())
    return _flips(elf, "phdr", h["e_phoff"], h["e_phoff"] + h["e_phnum"] * h["e_phentsize"], seed0)


def fam_flip_shdr(elf, seed0):
    h = elf.ehdr()
    if not h["e_shnum"]:
        return iter(())
    return _flips(elf, "shdr", h["e_shoff"], h["e_shoff"] + h["e_shnum"] * h["e_shentsize"], seed0)


def fam_sec_past_eof(elf):
    """Each section's data moved past EOF, or grown 1 byte past it (0 + warning)."""
    for i, s in enumerate(elf.shdrs()):
        if i == 0 or s["sh_type"] in (SHT_NULL, SHT_NOBITS):
            continue
        e = elf.copy()
        e.set_shdr(i, sh_offset=align(elf.size(), 16) + 16 * i)
        yield ("off-%d" % i, e.d, 0, 1, "section %d: sh_offset past EOF" % i)
        e = elf.copy()
        e.set_shdr(i, sh_size=elf.size() - min(s["sh_offset"], elf.size()) + 1)
        yield ("size-%d" % i, e.d, 0, 1, "section %d: sh_size ends 1 byte past EOF" % i)


def fam_seg_past_eof(elf):
    """Each segment's file bytes moved past EOF, or grown 1 byte past it."""
    for i, p in enumerate(elf.phdrs()):
        if not p["p_filesz"]:
            continue
        st, w = {PT_LOAD: (2, 0), PT_NOTE: (0, 1)}.get(p["p_type"], ("any", 0))
        e = elf.copy()
        e.set_phdr(i, p_offset=align(elf.size(), 4096) + 4096)
        yield ("off-%d" % i, e.d, st, w, "segment %d (type %#x): p_offset past EOF" % (i, p["p_type"]))
        e = elf.copy()
        fs = elf.size() - p["p_offset"] + 1
        e.set_phdr(i, p_filesz=fs, p_memsz=max(fs, p["p_memsz"]))
        yield ("size-%d" % i, e.d, st, w,
               "segment %d (type %#x): p_filesz ends 1 byte past EOF" % (i, p["p_type"]))


def fam_link(elf):
    """The symbol table's sh_link set to every section index and beyond; link cycles."""
    try:
        si = symtab(elf)
    except Skip:
        return
    n = elf.ehdr()["e_shnum"]
    real = elf.shdr(si)["sh_link"]
    for k in list(range(n)) + [n, n + 1, 0xFFFF, 0xFFFFFFFF]:
        if k == real:
            continue
        e = elf.copy()
        e.set_shdr(si, sh_link=k)
        yield (str(k), e.d, 0, 0, "symbol table sh_link = %d" % k)
    if real < n:
        e = elf.copy()
        e.set_shdr(real, sh_link=si, sh_type=SHT_SYMTAB, sh_entsize=elf.shdr(si)["sh_entsize"])
        yield ("cycle", e.d, 0, 0, "the string table made a second symbol table linked back to "
               "the first: a cycle of two")


def fam_names(elf):
    """Section and symbol names out of range; e_shstrndx at every section."""
    h = elf.ehdr()
    if not h["e_shnum"] or h["e_shstrndx"] >= h["e_shnum"]:
        return
    shstr = elf.shdr(h["e_shstrndx"])
    for i in range(1, h["e_shnum"]):
        e = elf.copy()
        e.set_shdr(i, sh_name=shstr["sh_size"] + 3 * i)
        yield ("sh-%d" % i, e.d, 0, 1, "section %d: sh_name past the end of .shstrtab" % i)
    for k in list(range(h["e_shnum"])) + [h["e_shnum"], 0xFFFF]:
        if k == h["e_shstrndx"]:
            continue
        e = elf.copy()
        e.set_ehdr(e_shstrndx=k)
        yield ("shstrndx-%d" % k, e.d, 0, 0, "e_shstrndx = %d" % k)
    try:
        s = elf.shdr(symtab(elf))
    except Skip:
        return
    ent = s["sh_entsize"] or struct.calcsize(elf.sym_fmt)
    n = s["sh_size"] // ent
    strsz = elf.shdr(s["sh_link"])["sh_size"] if s["sh_link"] < h["e_shnum"] else 0
    for k in sorted({1, 2, n // 2, n - 1}):
        if not 0 < k < n:
            continue
        for v in (strsz, strsz + 4096, 0xFFFFFFFF):
            e = elf.copy()
            e.u32(s["sh_offset"] + k * ent, v)
            yield ("st-%d-%x" % (k, v), e.d, 0, 1, "symbol %d: st_name = %#x (string table: %d "
                   "bytes)" % (k, v, strsz))
    if s["sh_link"] < h["e_shnum"] and strsz:
        e = elf.copy()
        st = elf.shdr(s["sh_link"])
        e.d[st["sh_offset"] + st["sh_size"] - 1] = ord("A")
        yield ("strtab-unterminated", e.d, 0, 0, "the last byte of the symbol string table "
               "made 'A'")


def fam_note(elf):
    """Each note's n_namesz and n_descsz set to sizes that overflow or run past."""
    for j, (off, _, _) in enumerate(_notes_all(elf)):
        for field, vals in ((0, (0xFFFFFFFF, 0xFFFFFFF4, 0x80000000, 0x10000)),
                            (4, (0xFFFFFFFF, 0xFFFFFFEC, 0x80000000, 0x1000000))):
            for v in vals:
                e = elf.copy()
                e.u32(off + field, v)
                yield ("%d-%s-%x" % (j, "namesz" if field == 0 else "descsz", v), e.d, 0,
                       1, "note %d (offset %#x): n_%s = %#x" % (
                           j, off, "namesz" if field == 0 else "descsz", v))


def fam_symtab(elf):
    """Symbol tables with absurd counts: sh_size and sh_entsize."""
    try:
        si = symtab(elf)
    except Skip:
        return
    s = elf.shdr(si)
    ent = s["sh_entsize"] or struct.calcsize(elf.sym_fmt)
    top = elf.addr_max
    for v in (ent * (elf.size() // ent + 1), ent << 20, ent << 32, top // ent * ent, ent):
        if v > top:
            continue
        e = elf.copy()
        e.set_shdr(si, sh_size=v)
        yield ("size-%x" % v, e.d, 0, 1 if v > elf.size() else 0,
               "symbol table sh_size = %#x (%d entries)" % (v, v // ent))
    for v in (1, 7, ent - 1, ent + 1, 4096, 0xFFFFFFFF, top):
        if v == ent:
            continue
        e = elf.copy()
        e.set_shdr(si, sh_entsize=v)
        yield ("entsize-%x" % v, e.d, 0, 0, "symbol table sh_entsize = %#x" % v)


def fam_secsize(elf):
    """Every section emptied, made huge, or made to wrap the address space."""
    for i, s in enumerate(elf.shdrs()):
        if i == 0:
            continue
        e = elf.copy()
        e.set_shdr(i, sh_size=0)
        yield ("zero-%d" % i, e.d, 0, 0, "section %d: sh_size = 0" % i)
        e = elf.copy()
        e.set_shdr(i, sh_size=(elf.addr_max + 1) // 2)
        yield ("huge-%d" % i, e.d, 0, 1 if s["sh_type"] != SHT_NOBITS else 0,
               "section %d: sh_size = 2^(N-1)" % i)
        e = elf.copy()
        v = elf.addr_max - (s["sh_addr"] or s["sh_offset"]) + 4097
        e.set_shdr(i, sh_size=min(v, elf.addr_max))
        yield ("wrap-%d" % i, e.d, 0, 0, "section %d: sh_addr (or sh_offset) + sh_size wraps" % i)


MASS_FAMILIES = [
    ("cut", lambda e, s: fam_cut(e)),
    ("flip-ehdr", fam_flip_ehdr),
    ("flip-phdr", fam_flip_phdr),
    ("flip-shdr", fam_flip_shdr),
    ("sec-eof", lambda e, s: fam_sec_past_eof(e)),
    ("seg-eof", lambda e, s: fam_seg_past_eof(e)),
    ("link", lambda e, s: fam_link(e)),
    ("name", lambda e, s: fam_names(e)),
    ("note", lambda e, s: fam_note(e)),
    ("symtab", lambda e, s: fam_symtab(e)),
    ("secsize", lambda e, s: fam_secsize(e)),
]
MASS_WAYS = ("text", "json", "size", "out", "dead", "facilities")


def write_mass(outdir, bases):
    """Write OUTDIR/mass/<name> for every distinct generated input, and OUTDIR/mass/expect."""
    d = os.path.join(outdir, "mass")
    os.makedirs(d, exist_ok=True)
    seen = set()
    lines = []
    for bname, elf in bases:
        for fam, fn in MASS_FAMILIES:
            for param, data, st, warn, desc in fn(elf.copy(), bname):
                data = bytes(data)
                h = hashlib.sha256(data).digest()
                if h in seen:
                    continue  # the same bytes as an earlier case: not a distinct input
                seen.add(h)
                name = "m-%s-%s-%s" % (bname, fam, param)
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
                way = MASS_WAYS[len(lines) % len(MASS_WAYS)]
                lines.append("\t".join([name, str(st), str(warn), way, fam, desc]))
    with open(os.path.join(d, "expect"), "w") as f:
        f.write("# name\tstatus\twarn\tway\tfamily\tdescription\n")
        f.write("\n".join(lines) + "\n")
    return len(lines)


# --- output ------------------------------------------------------------------

def write_case(outdir, lines, name, data, status, regex="-", forbid="-", arg="-", desc=""):
    if data is not None:
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    lines.append("\t".join([name, str(status), regex, forbid, arg, desc]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="a valid ELF64 image to derive the cases from")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"), help="compiler for the fallback base")
    ap.add_argument("--mass-base", action="append", default=[], metavar="NAME=ELF",
                    help="also write the generated families of this base into OUTDIR/mass")
    ap.add_argument("--mass-base-elf32", action="store_true",
                    help="also write the generated families of the ELF32 base")
    ap.add_argument("outdir")
    args = ap.parse_args()
    out = args.outdir
    os.makedirs(out, exist_ok=True)
    lines = []

    base64, how = None, None
    if args.base:
        with open(args.base, "rb") as f:
            base64 = f.read()
        how = args.base
    if base64 is None:
        with tempfile.TemporaryDirectory(dir=out) as w:
            base64 = build_base64(args.cc, w)
        how = "built with %s -static -nostdlib -no-pie -O1 -g from gen.py's BASE_C" % args.cc
    if base64 is None and os.path.exists("/bin/true"):
        with open("/bin/true", "rb") as f:
            base64 = f.read()
        how = "a copy of /bin/true"
    if base64 is None:
        sys.exit("gen.py: no ELF64 base: pass --base or install a C compiler")
    elf64 = Elf(base64)
    if not elf64.is64:
        sys.exit("gen.py: %s: not an ELF64 image" % how)
    try:
        elf64, mhow = with_manifest(elf64)
        have_mft = True
    except Skip as e:
        mhow, have_mft = str(e), False
    elf32 = Elf(build_elf32())
    with open(os.path.join(out, "base.txt"), "w") as f:
        f.write("ELF64 base: %s, with %s\n" % (how, mhow))

    # The two valid bases come first: they guard the other cases, since a tool
    # that warned about every image would pass every "0 + warning" case.
    write_case(out, lines, "valid", bytes(elf64.d), 0, forbid="manifest|section",
               desc="the ELF64 base (%s), with %s; no manifest or section warning allowed"
               % (how, mhow))
    write_case(out, lines, "elf32-valid", bytes(elf32.d), 0, forbid="section",
               desc="the hand-built ELF32 i386 ET_EXEC (gen.py build_elf32)")

    # Files that are not ELF images at all.
    write_case(out, lines, "empty", b"", 2, desc="a zero-byte file")
    write_case(out, lines, "not-elf-text", b"this is not an ELF image\n" * 4, 2, "elf|magic",
               desc="four lines of text")
    write_case(out, lines, "not-elf-short", b"\x7fEL", 2, desc="the first 3 bytes of the magic")

    for c in CASES:
        variants = [("", elf64)] + ([("elf32-", elf32)] if c["elf32"] else [])
        for prefix, elf in variants:
            name = prefix + c["name"]
            if c["mft"] and not have_mft:
                write_case(out, lines, name, None, "skip", desc=mhow)
                continue
            try:
                r = c["fn"](elf.copy())
            except Skip as e:
                write_case(out, lines, name, None, "skip", desc=str(e))
                continue
            data, status = (r if isinstance(r, tuple) else (r, c["status"]))
            regex = c["regex"] if status == c["status"] else "-"
            write_case(out, lines, name, bytes(data), status, regex, c["forbid"], desc=c["desc"])

    # Things that are not regular files (the tool must refuse them, not hang).
    d = os.path.join(out, "directory")
    os.mkdir(d)
    write_case(out, lines, "directory", None, 2, "director|regular", desc="a directory")
    write_case(out, lines, "nonexistent", None, 2, "no such file",
               arg=os.path.join(out, "does-not-exist"), desc="a path that does not exist")
    p = os.path.join(out, "unreadable")
    with open(p, "wb") as f:
        f.write(bytes(elf64.d))
    os.chmod(p, 0)
    if os.geteuid() == 0:
        write_case(out, lines, "unreadable", None, "skip",
                   desc="running as root, which reads a mode 000 file anyway")
    else:
        write_case(out, lines, "unreadable", None, 2, "permission",
                   desc="the valid ELF64 base, chmod 000")
    os.mkfifo(os.path.join(out, "fifo"))
    write_case(out, lines, "fifo", None, 2, "regular|fifo|pipe|special",
               desc="a FIFO with no writer (opening it for reading blocks)")
    write_case(out, lines, "dev-zero", None, 2, "regular|device|special", arg="/dev/zero",
               desc="/dev/zero (endless zeros)")
    os.symlink("symlink-loop-b", os.path.join(out, "symlink-loop"))
    os.symlink("symlink-loop", os.path.join(out, "symlink-loop-b"))
    write_case(out, lines, "symlink-loop", None, 2, "symbolic link|loop",
               desc="symlink-loop -> symlink-loop-b -> symlink-loop")
    os.symlink("valid", os.path.join(out, "symlink-to-valid"))
    write_case(out, lines, "symlink-to-valid", None, 0, forbid="manifest|section",
               desc="a symlink to the valid ELF64 base (a symlink to a regular file is fine)")
    write_case(out, lines, "path-as-given", None, 2, arg=os.path.join(out, ".", "", "empty"),
               desc="the empty file named as OUTDIR/./empty: the message must repeat that path")

    with open(os.path.join(out, "expect"), "w") as f:
        f.write("# name\tstatus\tregex\tforbid\targ\tdescription\n")
        f.write("\n".join(lines) + "\n")

    if args.mass_base or args.mass_base_elf32:
        bases = []
        for spec in args.mass_base:
            bname, _, path = spec.partition("=")
            with open(path, "rb") as f:
                bases.append((bname, Elf(f.read())))
        if args.mass_base_elf32:
            bases.append(("elf32", elf32))
        write_mass(out, bases)


if __name__ == "__main__":
    main()
