# SPDX-License-Identifier: ISC
"""Independent facts for the reachability tests: ELF layout from readelf,
symbols from nm, instructions from objdump, executed code from a callgrind
trace, seeded facts from an example's truth.txt. Nothing here reads
mirage-audit's output; the t-*.py checkers compare that output with these facts.

Standard library only. Every fact comes from a binutils tool or from the
image bytes, so a bug in mirage-audit's loader cannot hide itself here.
"""
import bisect
import os
import re
import subprocess

FUNC_TYPES = "TtWwi"


def tool_output(argv):
    """stdout of ARGV as text; raises on a non-zero exit."""
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, universal_newlines=True).stdout


def hexint(s):
    return int(s, 16)


class Image:
    """An ELF image as readelf and nm see it. names_from: an unstripped twin
    with the same layout whose nm output names this image's addresses."""

    def __init__(self, path, names_from=None):
        self.path = path
        self.data = open(path, "rb").read()
        hdr = tool_output(["readelf", "-hW", path])
        self.entry = hexint(re.search(r"Entry point address:\s+0x([0-9a-f]+)", hdr).group(1))
        self.machine = re.search(r"Machine:\s+(.*)", hdr).group(1).strip()
        self.is_aarch64 = "AArch64" in self.machine
        self.segments = []      # (vaddr, memsz, offset, filesz, flags) of PT_LOAD
        self.phdrs = []         # (type, vaddr, memsz) of every program header
        for line in tool_output(["readelf", "-lW", path]).splitlines():
            f = line.split()
            if len(f) >= 7 and re.match(r"^0x[0-9a-f]+$", f[1]):
                self.phdrs.append((f[0], hexint(f[2]), hexint(f[5])))
            if f and f[0] == "LOAD":
                flags = "".join(f[6:-1])
                self.segments.append((hexint(f[2]), hexint(f[5]), hexint(f[1]),
                                      hexint(f[4]), flags))
        self.sections = {}      # name -> (addr, size, flags)
        for line in tool_output(["readelf", "-SW", path]).splitlines():
            m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)"
                         r"\s+([0-9a-f]+)\s+[0-9a-f]+\s*(.*)", line)
            if not m or m.group(1) == "0":
                continue
            flags = m.group(7).split()[0] if m.group(7).split() and \
                not m.group(7).split()[0].isdigit() else ""
            self.sections[m.group(2)] = (hexint(m.group(4)), hexint(m.group(6)), flags)
        self.syms = nm_symbols(names_from or path)
        self.by_name = {}
        for s in self.syms:
            self.by_name.setdefault(s[3], []).append(s)
        funcs = sorted((s for s in self.syms if is_function(s) and s[1] > 0),
                       key=lambda s: (s[0], -s[1], s[3]))
        self.funcs = funcs
        self.func_starts = [s[0] for s in funcs]
        self.sym_addrs = sorted(set(s[0] for s in self.syms))

    def is_exec(self, addr):
        return any(v <= addr < v + m and "E" in fl for v, m, _, _, fl in self.segments)

    def func_at(self, addr):
        """The sized function symbol (addr, size, type, name) holding ADDR, or None."""
        i = bisect.bisect_right(self.func_starts, addr) - 1
        while i >= 0:
            s = self.funcs[i]
            if s[0] <= addr < s[0] + s[1]:
                return s
            if addr - s[0] > 1 << 20:
                break
            i -= 1
        return None

    def func_name_at(self, addr):
        """(start, name) of the function holding ADDR: the sized function symbol
        that covers it, else the nearest function symbol before it in the same
        section (crtstuff's and assembly's unsized functions), else (ADDR, '[0x..]')."""
        f = self.func_at(addr)
        if f:
            return f[0], f[3]
        sec = self.section_at(addr)
        best = None
        for s in self.syms:
            if is_function(s) and s[0] <= addr and (best is None or s[0] > best[0]) \
                    and self.section_at(s[0]) == sec:
                best = s
        if best:
            return best[0], best[3]
        return addr, "[0x%x]" % addr

    def section_at(self, addr):
        for name, (a, size, flags) in self.sections.items():
            if "A" in flags and a <= addr < a + size:
                return name
        return None

    def read(self, addr, n):
        """N file bytes at virtual address ADDR through the PT_LOAD mapping, or None."""
        for vaddr, _, off, filesz, _ in self.segments:
            if vaddr <= addr and addr + n <= vaddr + filesz:
                o = off + addr - vaddr
                if o + n <= len(self.data):
                    return self.data[o:o + n]
        return None

    def symbol_range(self, name, addr):
        """[lo, hi) of the symbol NAME at ADDR: nm -S's size, or for a symbol nm
        gives no size, up to the next symbol or the end of its section."""
        for a, size, _, n in self.by_name.get(name, []):
            if a != addr:
                continue
            if size > 0:
                return a, a + size
            i = bisect.bisect_right(self.sym_addrs, a)
            hi = self.sym_addrs[i] if i < len(self.sym_addrs) else None
            sec = self.section_at(a)
            if sec:
                end = self.sections[sec][0] + self.sections[sec][1]
                hi = min(hi, end) if hi is not None else end
            return a, (hi if hi is not None else a + 1)
        return None

    def layout(self):
        """(name, addr, size) of every allocated section, to compare two images' layouts."""
        return sorted((n, a, s) for n, (a, s, f) in self.sections.items() if "A" in f)

    def has_symtab(self):
        return ".symtab" in self.sections


MAPPING_SYMBOL = re.compile(r"^\$[adtx](\.|$)")


def is_function(sym):
    """A code symbol; AArch64/ARM mapping symbols ($x, $d, $x.12) mark code and
    data inside a section and are not functions."""
    return sym[2] in FUNC_TYPES and not MAPPING_SYMBOL.match(sym[3])


def nm_symbols(path):
    """[(addr, size, type, name)] of the defined symbols; size 0 where nm gives none."""
    out = []
    try:
        text = tool_output(["nm", "-S", "--defined-only", path])
    except subprocess.CalledProcessError:
        return out
    for line in text.splitlines():
        f = line.split()
        if len(f) == 4:
            out.append((hexint(f[0]), hexint(f[1]), f[2], f[3]))
        elif len(f) == 3:
            out.append((hexint(f[0]), 0, f[1], f[2]))
    return out


def build_id(path):
    m = re.search(r"Build ID:\s*([0-9a-f]+)", tool_output(["readelf", "-nW", path]))
    return m.group(1) if m else None


def parse_truth(path):
    """{key: [values]} of an example's truth.txt (comments skipped)."""
    t = {}
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        key, _, val = line.partition(" ")
        t.setdefault(key, []).append(val)
    return t


def trace_addresses(cgfile, image):
    """Addresses of the instructions of IMAGE that executed, from a callgrind
    output file written with --dump-instr=yes. Costs are attributed to objects
    (ob=); only the image's own object counts (named by its path when the
    kernel or ld.so mapped it, '???' when a tender mapped it anonymously from
    the file), and only addresses in the image's executable PT_LOAD segments.
    Handles both compressed and uncompressed names and positions. A calls= line's
    target is skipped: the callee's own cost lines name its instructions, and
    the line after calls= is the call site, an instruction of the caller."""
    real = os.path.realpath(image.path)
    names = {}
    ob_is_image = False
    executed = set()
    last = 0
    npos = 1
    seen_obs = set()

    def decompress(val):
        m = re.match(r"\((\d+)\)(?: (.*))?$", val)
        if not m:
            return val
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "")

    def position(tok, base):
        if tok == "*":
            return base
        if tok[0] in "+-":
            return base + int(tok, 0)
        return int(tok, 0)

    with open(cgfile) as f:
        for line in f:
            c = line[:1]
            if c in "0123456789+-*":
                toks = line.split()
                if len(toks) < npos:
                    continue
                last = position(toks[0], last)
                if ob_is_image and image.is_exec(last):
                    executed.add(last)
                continue
            if line.startswith("positions:"):
                npos = len(line.split()) - 1
            elif line.startswith("ob="):
                name = decompress(line[3:].strip())
                seen_obs.add(name)
                ob_is_image = name in ("???", "") or os.path.realpath(name) == real
            elif line.startswith(("fn=", "fl=", "fi=", "fe=", "cfn=", "cfi=", "cfl=", "cob=")):
                decompress(line.split("=", 1)[1].strip())
    return executed, seen_obs


class Disasm:
    """objdump -d of an image, parsed on demand: at(address) gives
    (mnemonic, operands, text) of the instruction starting there."""

    PREFIXES = ("bnd", "notrack", "rep", "repz", "repnz", "lock", "data16", "addr32",
                "cs", "ds", "es", "fs", "gs", "ss")

    def __init__(self, image):
        tool = "aarch64-linux-gnu-objdump" if image.is_aarch64 else "objdump"
        self.is_aarch64 = image.is_aarch64
        self.addrs = []         # instruction addresses, in objdump's order
        self.bodies = []
        self.pos = {}
        text = tool_output([tool, "-d", "-w", "--no-show-raw-insn", image.path])
        for line in text.splitlines():
            a, sep, body = line.partition(":\t")
            if not sep or not a.startswith(" "):
                continue
            body = body.strip()
            # data objdump shows in code (.word, .byte) and undecodable bytes
            if not body or body[0] == "." or body.startswith("(bad)"):
                continue
            try:
                addr = int(a, 16)
            except ValueError:
                continue
            self.pos[addr] = len(self.addrs)
            self.addrs.append(addr)
            self.bodies.append(body)

    def _parse(self, i):
        body = self.bodies[i]
        if self.is_aarch64:
            body = body.split("//")[0].strip()
        parts = body.split(None, 1)
        mnem, ops = parts[0], parts[1] if len(parts) > 1 else ""
        # prefixes objdump prints as part of the instruction
        while mnem in self.PREFIXES and ops:
            parts = ops.split(None, 1)
            mnem, ops = parts[0], parts[1] if len(parts) > 1 else ""
        return mnem, ops, body

    def at(self, addr):
        i = self.pos.get(addr)
        return self._parse(i) if i is not None else None

    def preceding(self, addr, n):
        """Up to N (address, at()) before the instruction at ADDR, in order."""
        i = self.pos.get(addr)
        if i is None:
            return []
        return [(self.addrs[j], self._parse(j)) for j in range(max(0, i - n), i)]

    def following(self, addr, n):
        """Up to N (address, at()) after the instruction at ADDR, in order."""
        i = self.pos.get(addr)
        if i is None:
            return []
        end = min(len(self.addrs), i + 1 + n)
        return [(self.addrs[j], self._parse(j)) for j in range(i + 1, end)]


X86_BRANCH_CALL = re.compile(r"^call[qlw]?$")
X86_BRANCH_JUMP = re.compile(r"^(jmp[qlw]?|j[a-z]{1,4}|loop[a-z]*|jrcxz|jecxz)$")
A64_CALL = re.compile(r"^blr?$")
A64_JUMP = re.compile(r"^(b|b\.[a-z]+|bc\.[a-z]+|cbn?z|tbn?z)$")


def branch_target(ops):
    """The direct target objdump prints for a branch ('401f30 <sym>'), or None."""
    m = re.search(r"(?:^|[ ,])(?:0x)?([0-9a-f]+) <[^>]*>\s*$", ops)
    if m:
        return hexint(m.group(1))
    m = re.match(r"^\s*(?:0x)?([0-9a-f]+)\s*$", ops)
    return hexint(m.group(1)) if m else None


def mentioned_addresses(ops, is_aarch64=False):
    """Addresses an instruction's operands name. x86-64: immediates, absolute
    memory operands, RIP-relative targets (objdump's '# addr' comment) and
    symbolic targets ('addr <sym>'); register-relative displacements
    ('0x8(%rax)') are not addresses and are left out. AArch64: '#0x'
    immediates and the targets objdump resolves (adr, adrp, ldr literal)."""
    out = set()
    if is_aarch64:
        code = ops.split("//")[0]
        for m in re.finditer(r"#0x([0-9a-f]+)", code):
            out.add(hexint(m.group(1)))
        for m in re.finditer(r"(?:^|[ ,])(?:0x)?([0-9a-f]+) <[^>]*>", code):
            out.add(hexint(m.group(1)))
        return out
    for m in re.finditer(r"\$(-?)0x([0-9a-f]+)", ops):
        v = hexint(m.group(2))
        out.add((-v) & (2**64 - 1) if m.group(1) else v)
    for m in re.finditer(r"#\s*(?:0x)?([0-9a-f]+)", ops):
        out.add(hexint(m.group(1)))
    for m in re.finditer(r"(?:^|[ ,])(?:0x)?([0-9a-f]+) <[^>]*>", ops):
        out.add(hexint(m.group(1)))
    code = ops.split("#")[0]
    for m in re.finditer(r"(?<![\w$+-])0x([0-9a-f]+)(?!\s*\(%)", code):
        out.add(hexint(m.group(1)))
    return out
