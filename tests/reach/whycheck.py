# SPDX-License-Identifier: ISC
"""Checks mirage-audit's `why` chains step by step against objdump, nm, readelf
and the image bytes.

usage: whycheck.py targets NAME IMAGE [--names-from TWIN] [--trace CGFILE] [--truth TRUTH]
       whycheck.py verify NAME IMAGE [--names-from TWIN] LABEL=QUERY=JSON...
       whycheck.py explain NAME IMAGE [--names-from TWIN] QUERY JSON

targets prints 'LABEL QUERY' lines: functions that must be reachable. The ELF
entry's function, solo5_app_main and caml_program when the image has them; with
a trace, five executed functions spread over its address range (not _init and
_fini, which are roots themselves) and an executed function of the application
unit (camlUnikernel__*) other than its initialiser; without one, the
initialisers camlUnikernel__entry and camlMain__entry; and TRUTH's live-function
and live-c-function items (seeded live). A query is the symbol name when nm has
it once, else its address.

explain prints the verdict on one chain in one line (for chains the tool should
not have found). verify checks each chain, one PASS/FAIL line per chain:
- the document is a mirage-audit/why document that says reachable=true, and the
  queried address lies in the chain's last node;
- the first step is a root with a reason, listed in reachability.roots; for
  "ELF entry point", readelf -h's entry lies in it; for "section S", it lies in
  section S; for "PT_X ...", in a PT_X program header (readelf -l); for
  "platform entry S", it is S;
- every later step's `at` lies in the previous step's node (the symbol's
  [address, address + size) from nm -S, up to the next symbol when nm has no
  size, [address, section end) for an anonymous [.section+0xOFF] node), and:
  call: objdump's line at `at` is a call (x86 call, AArch64 bl) to this node;
  jump: a jmp/jcc (AArch64 b, b.cond, cbz, tbz) to this node, or a fall-through
  (why calls that a jump too): from the instruction at `at`, objdump shows no
  return or unconditional jump before this node's first instruction;
  address, field-store, field-load: the instruction at `at` names an address in
  this node: x86-64 immediate, absolute or RIP-relative ('# addr') operand;
  AArch64 adr, ldr literal, or an address built by adrp and add/sub #imm along
  the straight line, formed at `at`, used at `at` as a load/store base plus
  offset, or so used by a later instruction of the same straight line;
  pointer: the pointer-sized little-endian word at `at`, read from the file through
  the PT_LOAD mapping, lies in this node;
  page: the AArch64 instruction at `at` forms an address (adrp, adr, add/sub
  #imm to one) and this node overlaps the 4 KiB above it (docs/reachability.md);
  block-init: the word at `at`, or the instruction at `at`, names this node.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reachlib  # noqa: E402


def say(kind, name, detail=None):
    print("%s: %s%s" % (kind, name, ": " + detail if detail else ""))


def pick_spread(items, n):
    if len(items) <= n:
        return list(items)
    return [items[(len(items) - 1) * i // (n - 1)] for i in range(n)]


def query_for(img, stripped, addr, name):
    if not stripped and len(img.by_name.get(name, [])) == 1:
        return name
    return "0x%x" % addr


def targets(name, img, stripped, trace, truth):
    out = []
    seen = set()

    def add(label, addr, sym):
        if addr in seen:
            return
        seen.add(addr)
        out.append((label, query_for(img, stripped, addr, sym)))

    start, sym = img.func_name_at(img.entry)
    add("entry:" + sym, img.entry if sym.startswith("[") else start, sym)
    for want in ("solo5_app_main", "caml_program"):
        s = [x for x in img.by_name.get(want, []) if reachlib.is_function(x)]
        if len(s) == 1:
            add(want, s[0][0], want)
    if trace:
        executed, _ = reachlib.trace_addresses(trace, img)
        funcs = sorted(set(img.func_name_at(x) for x in executed))
        # _init and _fini are roots themselves: one-step chains check little
        spread = [(a, n) for a, n in funcs if n not in ("_init", "_fini") and a not in seen]
        for a, n in pick_spread(spread, 5):
            add("executed:" + n, a, n)
        app = [(a, n) for a, n in funcs
               if n.startswith("camlUnikernel__") and n != "camlUnikernel__entry"]
        if app:
            add("app-live:" + app[0][1], app[0][0], app[0][1])
    else:
        for want in ("camlUnikernel__entry", "camlMain__entry"):
            s = img.by_name.get(want, [])
            if len(s) == 1:
                add("initialiser:" + want, s[0][0], want)
    t = reachlib.parse_truth(truth) if truth else {}
    for want in t.get("live-function", []) + t.get("live-c-function", []):
        s = [x for x in img.by_name.get(want, []) if reachlib.is_function(x)]
        if s:
            add("seeded-live:" + want, s[0][0], want)
        else:
            out.append(("seeded-live:" + want, want))
    for label, q in out:
        print(label, q)


class Chains:
    def __init__(self, img, stripped):
        self.img = img
        self.stripped = stripped
        self.dis = reachlib.Disasm(img)
        self.word = 8 if img.data[4] == 2 else 4

    def node_range(self, name, addr):
        """[lo, hi) of a chain node, or a string saying why there is none."""
        m = re.match(r"^\[(.+)\+0x([0-9a-f]+)\]$", name)
        if m:
            sec = self.img.sections.get(m.group(1))
            if not sec:
                return "no section '%s' in readelf -S" % m.group(1)
            if sec[0] + int(m.group(2), 16) != addr:
                return "%s does not start at 0x%x" % (name, addr)
            return addr, sec[0] + sec[1]
        m = re.match(r"^\[0x([0-9a-f]+)\]$", name)
        if m:
            for vaddr, memsz, _, _, _ in self.img.segments:
                if vaddr <= addr < vaddr + memsz:
                    return addr, vaddr + memsz
            return "0x%x is in no PT_LOAD" % addr
        r = self.img.symbol_range(name, addr)
        return r if r else "no symbol %s at 0x%x in nm" % (name, addr)

    # AArch64: the addresses an instruction forms or uses, from the adrp/adr/add
    # arithmetic objdump shows, followed along the straight line (docs/reachability.md).
    A64_WINDOW = 64
    A64_BRANCH = re.compile(r"^(b|br|blr?|ret|cbn?z|tbn?z|b\..*)$")
    A64_MEM = r"\[%s(?:,\s*#(-?(?:0x[0-9a-f]+|\d+)))?\]"

    @staticmethod
    def a64_reg(r):
        return "x" + r[1:] if re.match(r"^w\d+$", r) else r

    def a64_value(self, reg, at):
        """The address REG holds just before the instruction at AT, when the
        straight line before it builds one with adrp, adr, add/sub #imm or mov."""
        reg = self.a64_reg(reg)
        for a, (mn, ops, _) in reversed(self.dis.preceding(at, self.A64_WINDOW)):
            if self.A64_BRANCH.match(mn):
                return None             # the straight line ends here
            parts = [p.strip() for p in ops.split(",")]
            if not parts or self.a64_reg(parts[0]) != reg:
                continue
            if mn in ("adrp", "adr"):
                return reachlib.branch_target(", ".join(parts[1:]))
            if mn in ("add", "sub") and len(parts) == 3 and parts[2].startswith("#"):
                base = self.a64_value(parts[1], a)
                if base is None:
                    return None
                off = int(parts[2][1:], 0)
                return base + off if mn == "add" else base - off
            if mn == "mov" and len(parts) == 2 and re.match(r"^[xw]\d+$", parts[1]):
                return self.a64_value(parts[1], a)
            return None
        return None

    def a64_formed(self, at):
        """(register, address) an adrp/adr/add/sub at AT leaves in its destination."""
        line = self.dis.at(at)
        if not line:
            return None
        mn, ops, _ = line
        parts = [p.strip() for p in ops.split(",")]
        v = None
        if mn in ("adrp", "adr") and len(parts) >= 2:
            v = reachlib.branch_target(", ".join(parts[1:]))
        elif mn in ("add", "sub") and len(parts) == 3 and parts[2].startswith("#"):
            base = self.a64_value(parts[1], at)
            off = int(parts[2][1:], 0)
            v = None if base is None else (base + off if mn == "add" else base - off)
        return (self.a64_reg(parts[0]), v) if v is not None else None

    def a64_addresses(self, at):
        """Every address the AArch64 instruction at AT names, forms, or uses as a
        load/store base plus offset, and those later instructions of the same
        straight line derive from what it formed."""
        mn, ops, _ = self.dis.at(at)
        out = set(reachlib.mentioned_addresses(ops, True))
        m = re.search(self.A64_MEM % r"([xw]\d+)", ops)
        if m:
            base = self.a64_value(m.group(1), at)
            if base is not None:
                out.add(base + int(m.group(2) or "0", 0))
        formed = self.a64_formed(at)
        if not formed:
            return out
        reg, v = formed
        out.add(v)
        for _, (mn2, ops2, _) in self.dis.following(at, 16):
            if self.A64_BRANCH.match(mn2):
                break
            parts = [p.strip() for p in ops2.split(",")]
            m = re.search(self.A64_MEM % reg, ops2)
            if m:
                out.add(v + int(m.group(1) or "0", 0))
            elif mn2 in ("add", "sub") and len(parts) == 3 and \
                    self.a64_reg(parts[1]) == reg and parts[2].startswith("#"):
                off = int(parts[2][1:], 0)
                out.add(v + off if mn2 == "add" else v - off)
            if parts and self.a64_reg(parts[0]) == reg and not mn2.startswith("st"):
                break                   # REG is redefined
        return out

    def names_node(self, at, lo, hi):
        line = self.dis.at(at)
        if not line:
            return False, "no instruction starts at 0x%x in objdump -d" % at
        mn, ops, text = line
        if self.img.is_aarch64:
            named = self.a64_addresses(at)
        else:
            named = reachlib.mentioned_addresses(ops)
        if any(lo <= v < hi for v in named):
            return True, None
        return False, "'%s' at 0x%x names nothing in [0x%x, 0x%x)" % (text, at, lo, hi)

    def page(self, at, lo, hi):
        """AArch64: the instruction at AT forms an address (adrp page, adr, or an
        add/sub of an immediate to one) with [lo, hi) in the 4 KiB above it."""
        line = self.dis.at(at)
        if not line:
            return False, "no instruction starts at 0x%x in objdump -d" % at
        formed = self.a64_formed(at) if self.img.is_aarch64 else None
        if formed and lo < formed[1] + 4096 and hi > formed[1]:
            return True, None
        return False, "'%s' at 0x%x forms no address with [0x%x, 0x%x) within 4 KiB" % (
            line[2], at, lo, hi)

    def points_at(self, at, lo, hi):
        b = self.img.read(at, self.word)
        if b is None:
            return False, "no file bytes at 0x%x" % at
        v = int.from_bytes(b, "little")
        if lo <= v < hi:
            return True, None
        return False, "word at 0x%x is 0x%x, not in [0x%x, 0x%x)" % (at, v, lo, hi)

    def branches_to(self, at, lo, hi, kind):
        line = self.dis.at(at)
        if not line:
            return False, "no instruction starts at 0x%x in objdump -d" % at
        mn, ops, text = line
        if self.img.is_aarch64:
            ok = (reachlib.A64_CALL if kind == "call" else reachlib.A64_JUMP).match(mn)
        else:
            ok = (reachlib.X86_BRANCH_CALL if kind == "call" else
                  reachlib.X86_BRANCH_JUMP).match(mn)
        if not ok and kind == "jump" and self.falls_into(at, lo):
            return True, None
        if not ok:
            return False, "'%s' at 0x%x is not a %s" % (text, at, kind)
        t = reachlib.branch_target(ops)
        if t is None or not lo <= t < hi:
            return False, "'%s' at 0x%x does not go to [0x%x, 0x%x)" % (text, at, lo, hi)
        return True, None

    def falls_into(self, at, lo):
        """Control runs from the instruction at AT straight into the node at LO:
        AT and the instructions objdump shows after it up to LO are none of them
        a return or an unconditional jump, and the last ends where LO starts
        (padding counts). why reports such a fall-through as a jump."""
        if self.img.is_aarch64:
            stop = re.compile(r"^(ret|br|b|eret|udf)$")
        else:
            stop = re.compile(r"^(ret[qlw]?|jmp[qlw]?|ud2|hlt|iretq|ljmp)$")
        line = self.dis.at(at)
        if not line or stop.match(line[0]):
            return False
        for a, (mn, _, _) in self.dis.following(at, 64):
            if a == lo:
                return True
            if a > lo or stop.match(mn):
                return False
        return False

    def step(self, kind, at, lo, hi):
        if kind in ("call", "jump"):
            return self.branches_to(at, lo, hi, kind)
        if kind in ("address", "field-store", "field-load"):
            return self.names_node(at, lo, hi)
        if kind == "pointer":
            return self.points_at(at, lo, hi)
        if kind == "page":
            return self.page(at, lo, hi)
        if kind == "block-init":
            ok, why = self.points_at(at, lo, hi)
            if ok:
                return ok, why
            return self.names_node(at, lo, hi)
        return False, "unknown kind '%s'" % kind

    def verify(self, label, query, path):
        doc = json.load(open(path))
        w = doc.get("why") or {}
        if doc.get("schema") != "mirage-audit/why":
            return "schema is %r" % doc.get("schema")
        if w.get("reachable") is not True:
            if label.startswith(("executed:", "app-live:", "entry:")):
                return "SOUNDNESS: reported not reachable, but it executed"
            return "reported not reachable"
        chain = w.get("chain") or []
        if not chain:
            return "empty chain"
        ranges = []
        for i, s in enumerate(chain):
            r = self.node_range(s["name"], int(s["address"], 16))
            if isinstance(r, str):
                return "step %d: %s" % (i, r)
            ranges.append(r)
        if query.startswith("0x"):
            want = int(query, 16)
        else:
            syms = self.img.by_name.get(query, [])
            want = syms[0][0] if syms else None
        lo, hi = ranges[-1]
        if want is None or not lo <= want < hi:
            return "last node %s [0x%x, 0x%x) does not hold the query" % (chain[-1]["name"], lo, hi)
        root = chain[0].get("root") or ""
        if not root:
            return "step 0 (%s) has no root reason" % chain[0]["name"]
        lo, hi = ranges[0]
        if root == "ELF entry point" and not lo <= self.img.entry < hi:
            return "root %s [0x%x, 0x%x) does not hold the ELF entry 0x%x" % (
                chain[0]["name"], lo, hi, self.img.entry)
        roots = (doc.get("reachability") or {}).get("roots")
        if roots is not None and not any(r.get("address") == chain[0]["address"] and
                                         r.get("why") == root for r in roots):
            return "step 0 (%s, %r) is not in reachability.roots" % (chain[0]["name"], root)
        m = re.match(r"^section (\S+)", root)
        if m and m.group(1) in self.img.sections:
            a, size, _ = self.img.sections[m.group(1)]
            if not a <= lo < a + max(size, 1):
                return "root %s is not in section %s" % (chain[0]["name"], m.group(1))
        m = re.match(r"^(PT_[A-Z_]+)", root)
        if m and not any(t == m.group(1)[3:] and v <= lo < v + max(sz, 1)
                         for t, v, sz in self.img.phdrs):
            return "root %s is in no %s program header" % (chain[0]["name"], m.group(1))
        m = re.match(r"^platform entry (\S+)$", root)
        if m and chain[0]["name"] != m.group(1):
            return "root %s is not the platform entry %s" % (chain[0]["name"], m.group(1))
        for i in range(1, len(chain)):
            s = chain[i]
            at = int(s.get("at", "0x0"), 16)
            plo, phi = ranges[i - 1]
            if not plo <= at < phi:
                return "step %d (%s, %s): at 0x%x outside %s [0x%x, 0x%x)" % (
                    i, s["name"], s.get("kind"), at, chain[i - 1]["name"], plo, phi)
            ok, why = self.step(s.get("kind"), at, *ranges[i])
            if not ok:
                return "step %d (%s <- %s at 0x%x): %s" % (i, s["name"], s.get("kind"), at, why)
        return None


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[0] not in ("targets", "verify", "explain"):
        sys.exit(__doc__)
    cmd, name, image = args[:3]
    rest = args[3:]
    opts = {}
    while rest and rest[0].startswith("--"):
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    img = reachlib.Image(image, opts.get("--names-from"))
    stripped = "--names-from" in opts
    if cmd == "explain":
        # one chain, the verdict on one line: for chains to seeded dead code
        err = Chains(img, stripped).verify("", rest[0], rest[1])
        print(err or "every step checks out")
        return
    if cmd == "targets":
        targets(name, img, stripped, opts.get("--trace"), opts.get("--truth"))
        return
    chains = Chains(img, stripped)
    for spec in rest:
        label, query, path = spec.split("=", 2)
        check = "why %s: chain to %s (%s)" % (name, label, query)
        try:
            err = chains.verify(label, query, path)
        except (ValueError, KeyError, TypeError) as e:
            err = "malformed why document: %s" % e
        if err:
            say("FAIL", check, err)
        else:
            say("PASS", check)


if __name__ == "__main__":
    main()
