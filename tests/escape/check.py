#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Hostile names through every output format of mirage-audit (tests/escape/t-escape.sh).

usage: check.py MA PLAIN WORKDIR [DOTSVG]

PLAIN is tests/escape/hostile.c built; check.py writes WORKDIR/hostile, the
same bytes with each placeholder name replaced by a hostile one of the same
length (NAMES), then runs the tool on it in every format it offers and
prints PASS:/FAIL: lines.  One function per format, check_<format>(run),
for every format some command's --help offers (text, json, csv, md through
diff and check, sarif through report and check, junit through check, html
through report); a format the tool offers without a checker is a SKIP line,
not a pass.
DOTSVG is a command that reads DOT on stdin and writes SVG (`dot -Tsvg`, or
the dotsvg helper built from dotsvg.c).  Standard library only.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "graph"))
import graphcheck  # noqa: E402  (tests/graph: the DOT and SVG readers)

# placeholder -> hostile (padded with '_' to the placeholder's length)
NAMES = {
    # HTML and shell: a script tag, quotes, a pipe, backticks, brackets, an
    # entity that Graphviz would decode, and a trailing backslash
    "fn1": (b"mahostile_fn1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            b"<script>alert(1)</script>\"q|`]{}&amp;&#1;\\"),
    # terminal and line injection: ANSI colour, DOT's \N \G \l \n escapes,
    # newline, CR, tab, valid UTF-8 and an invalid byte
    "fn2": (b"mahostile_fn2_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            b"\x1b[31mred\x1b[0m\\N\\G\\l\\n\n\r\t\xc3\xa9\xff"),
    # DOT attribute injection and a spreadsheet formula
    "dead": (b"mahostile_dead_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             b"\"];x[shape=star,label=\"pwn\"];y[\"=cmd|'/C calc'!A0,"),
    # the module (DWARF compile unit): DOT injection, HTML, ESC, valid UTF-8
    "module": (b"mahostile_module_placeholder_aaaaaaaaaaaaaa",
               b"m\"];evil[shape=star];\"\\{<b>}|&#1;\x1b[1m"),
}
for k, (ph, h) in NAMES.items():
    NAMES[k] = (ph, h[:len(ph)].ljust(len(ph), b"_"))
# What the image calls them: the module is the source file name.
SHOWN = {k: h + (b".c" if k == "module" else b"") for k, (_, h) in NAMES.items()}

results = []


def ok(name, why=None):
    results.append(name)
    print(("FAIL: escape/%s: %s" % (name, why)) if why else ("PASS: escape/" + name))


def esc(b):
    """escape_text(): control bytes, non-ASCII bytes and the backslash as \\xNN."""
    return "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x5C else "\\x%02x" % c for c in b)


class Run:
    def __init__(self, ma, img, work, plain=None):
        self.ma, self.img, self.work, self.plain = ma, img, work, plain

    def __call__(self, fmt, *args):
        """(rc, stdout bytes, stderr bytes) of `MA -f FMT ARGS` (IMAGE where the args say @)."""
        args = [self.img if a == "@" else a for a in args]
        # graph takes its format after the command, the others before it
        argv = [self.ma] + (args[:1] + ["-f", fmt] + args[1:] if args[0] == "graph" else
                            ["-f", fmt] + args)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stdout, p.stderr


# The commands every listing format renders; `why` walks to fn2, named on the command line.
COMMANDS = [("report", ["@"]), ("size-symbol", ["size", "-d", "symbol", "-n", "0", "@"]),
            ("size-module", ["size", "-d", "module", "-n", "0", "@"]),
            ("dead", ["dead", "-n", "0", "@"]), ("facilities", ["facilities", "@"]),
            ("why", ["why", "@", os.fsdecode(SHOWN["fn2"])])]


def common(run, fmt, label, args):
    """Run one command; check the exit status and stderr. Returns stdout or None."""
    rc, out, err = run(fmt, *args)
    if rc != 0:
        ok("%s/%s" % (fmt, label), "exit %d: %r" % (rc, err[:300]))
        return None
    bad = [ln for ln in err.split(b"\n") if ln and re.search(rb"[\x00-\x1f\x7f]", ln)]
    if bad:
        ok("%s/%s-stderr" % (fmt, label), "control bytes on stderr: %r" % bad[:2])
    return out


def check_stderr(ma, img, work):
    """Warnings name sections from the image: a hostile name must not forge stderr lines."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "malformed"))
    import gen  # noqa: E402  (tests/malformed/gen.py: the ELF patcher)
    with open(img, "rb") as f:
        elf = gen.Elf(f.read())
    idx = [i for i in range(elf.ehdr()["e_shnum"]) if elf.section_name(i) == ".note.gnu.build-id"]
    if not idx:
        print("SKIP: escape/stderr: no .note.gnu.build-id section to rename")
        return
    s = elf.shdr(elf.ehdr()["e_shstrndx"])
    off = s["sh_offset"] + elf.shdr(idx[0])["sh_name"]
    elf.d[off:off + 18] = b"\x1b[31m\nmirage:\r\x07x"[:18].ljust(18, b"_")
    elf.set_shdr(idx[0], sh_addr=0x7FFF0000)  # outside every PT_LOAD: a warning names it
    path = os.path.join(work, "hostile-section")
    with open(path, "wb") as f:
        f.write(bytes(elf.d))
    for label, args in (("text", [path]), ("json", ["-f", "json", path]),
                        ("csv", ["--format", "csv", "size", path])):
        p = subprocess.run([ma] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        lines = p.stderr.split(b"\n")[:-1]
        prefix = b"mirage-audit: " + path.encode() + b": warning: "
        if p.returncode or not lines or any(not ln.startswith(prefix) for ln in lines) or \
                re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", p.stderr):
            ok("stderr/" + label, "rc=%d stderr=%r" % (p.returncode, p.stderr[:300]))
        else:
            ok("stderr/" + label)


def check_text(run):
    for label, args in COMMANDS:
        out = common(run, "text", label, args)
        if out is None:
            continue
        bad = sorted({c for c in out if (c < 0x20 and c not in (9, 10)) or c >= 0x7F})
        want = {"size-symbol": ("fn1", "fn2", "dead"), "size-module": ("module",),
                "dead": ("dead", "module"), "why": ("fn2",)}.get(label, ())
        missing = [k for k in want if esc(SHOWN[k]).encode() not in out]
        if bad:
            ok("text/" + label, "raw bytes %s in the output" % ["%#x" % c for c in bad])
        elif missing:
            ok("text/" + label, "escaped name of %s not found" % missing)
        else:
            ok("text/" + label)


def strings(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)
    elif isinstance(x, str):
        yield x


def shown_json(b):
    """How a name reaches JSON: itself if it is UTF-8, else escaped (reports/json.c)."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return esc(b)


def check_json(run):
    for label, args in COMMANDS:
        out = common(run, "json", label, args)
        if out is None:
            continue
        try:
            doc = json.loads(out)  # bytes: must be UTF-8
        except ValueError as e:
            ok("json/" + label, "not one JSON document: %s" % e)
            continue
        got = set(strings(doc))
        want = {"size-symbol": ("fn1", "fn2", "dead"), "size-module": ("module",),
                "dead": ("dead",), "why": ("fn2",)}.get(label, ())
        missing = [k for k in want if shown_json(SHOWN[k]) not in got]
        ok("json/" + label, "names that do not round-trip: %s" % missing if missing else None)


def check_csv(run):
    for label, args in COMMANDS:
        out = common(run, "csv", label, args)
        if out is None:
            continue
        bad = sorted({c for c in out if (c < 0x20 and c != 10) or c >= 0x7F})
        if bad:
            ok("csv/" + label, "raw bytes %s in the output" % ["%#x" % c for c in bad])
            continue
        rows = list(csv.reader(io.StringIO(out.decode("ascii"), newline="")))
        lines = out.decode("ascii").count("\n")
        widths = {len(r) for r in rows}
        cells = {c for r in rows for c in r}
        want = {"size-symbol": ("fn1", "fn2", "dead"), "size-module": ("module",),
                "dead": ("dead",), "why": ("fn2",)}.get(label, ())
        missing = [k for k in want if esc(SHOWN[k]) not in cells]
        if len(rows) != lines or len(widths) > 1:
            ok("csv/" + label, "%d rows on %d lines, widths %s" % (len(rows), lines, widths))
        elif missing:
            ok("csv/" + label, "escaped name of %s not a field" % missing)
        else:
            ok("csv/" + label)


def drawn(b):
    """What label_escape() makes Graphviz draw for a name (reports/dot.c)."""
    return esc(b)


def check_dot(run, plain_run, dotsvg, work):
    for level in ("module", "library", "facility"):
        label = "graph-" + level
        # -n folds modules and libraries; by facility nothing is folded (graph refuses it)
        args = ["graph", "--level", level] + (["-n", "0"] if level != "facility" else []) + ["@"]
        out = common(run, "dot", label, args)
        _, pout, _ = plain_run("dot", *args)
        if out is None:
            continue
        path = os.path.join(work, level + ".dot")
        with open(path, "wb") as f:
            f.write(out)
        try:
            d = graphcheck.Dot(out.decode("utf-8"))
            p = graphcheck.Dot(pout.decode("utf-8"))
        except (graphcheck.DotError, UnicodeDecodeError) as e:
            ok("dot/" + label, "does not parse as DOT: %s" % e)
            continue
        # No injected node, edge or attribute: the same graph as the placeholder image's.
        shape = lambda g: (sorted((n, sorted(a)) for n, a in g.nodes.items()),  # noqa: E731
                           sorted((t, h, sorted(a)) for t, h, a in g.edges))
        if shape(d) != shape(p):
            ok("dot/" + label, "nodes, edges or attribute names differ from the plain image's")
            continue
        firsts = {graphcheck.label_lines(n, a)[0] for n, a in d.nodes.items()}
        if level == "module" and drawn(SHOWN["module"]) not in firsts:
            ok("dot/" + label, "the module is not drawn as %r: %s" % (drawn(SHOWN["module"]),
                                                                      sorted(firsts)))
            continue
        if not dotsvg:
            ok("dot/" + label)
            continue
        svg = os.path.join(work, level + ".svg")
        with open(path, "rb") as fi, open(svg, "wb") as fo:
            p = subprocess.run(dotsvg, stdin=fi, stdout=fo, stderr=subprocess.PIPE, timeout=120)
        if p.returncode or p.stderr.strip():
            ok("dot/" + label + "-svg", "Graphviz: exit %d: %r" % (p.returncode, p.stderr[:300]))
            continue
        try:
            root, nodes, n_edges = graphcheck.read_svg(svg)
        except ET.ParseError as e:
            ok("dot/" + label + "-svg", "the SVG is not XML: %s" % e)
            continue
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        want = graphcheck.dot_nodes(d)
        if "script" in tags or "foreignObject" in tags:
            ok("dot/" + label + "-svg", "SVG elements from a name: %s" % (tags & {"script"}))
        elif nodes != want:
            ok("dot/" + label + "-svg", "Graphviz drew other nodes or labels: %s != %s"
               % (sorted(nodes.items())[:3], sorted(want.items())[:3]))
        else:
            ok("dot/" + label + "-svg")


def md_esc(b):
    """escape_md(): escape_text's \\xNN with its backslash escaped, and the punctuation that can
    open Markdown (emphasis, code, links, HTML, entities, cells, autolinks) backslash-escaped."""
    return "".join("\\" + c if c in "!#&*:<>@[]_`|~" else c
                   for c in esc(b).replace("\\", "\\\\"))


def budget_on_fn1(work):
    """A budget whose one line names fn1's symbol (ASCII, so JSON can carry it): it fails."""
    path = os.path.join(work, "budget.json")
    with open(path, "w") as f:
        json.dump({"schema": "mirage-audit/budget", "schema_version": 1,
                   "symbols": {SHOWN["fn1"].decode("ascii"): {"max_vm": 0}}}, f)
    return path


def cells(line):
    """The cells of a GFM table row: split on pipes no backslash escapes."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def check_md(run):
    """diff -f md (the names as added/removed symbol rows) and check -f md (a budget key)."""
    work = run.work
    p = subprocess.run([run.ma, "diff", "-f", "md", "-n", "0", run.plain, run.img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    q = subprocess.run([run.ma, "check", "-f", "md", "--budget", budget_on_fn1(work), run.img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    for label, r, want, rc in (("diff", p, ("fn1", "fn2", "dead"), 0), ("check", q, ("fn1",), 1)):
        out = r.stdout
        bad = sorted({c for c in out if c < 0x20 and c != 10})
        text = out.decode("utf-8", "replace")
        rows = [ln for ln in text.split("\n") if ln.startswith("|")]
        widths = {len(cells(ln)) for ln in rows if not ln.startswith("|---")}
        missing = [k for k in want if md_esc(SHOWN[k]) not in text]
        if r.returncode != rc:
            ok("md/" + label, "exit %d: %r" % (r.returncode, r.stderr[:300]))
        elif bad:
            ok("md/" + label, "raw bytes %s in the output" % ["%#x" % c for c in bad])
        elif re.search(r"(?<!\\)<(?!br>)", text):
            ok("md/" + label, "an unescaped '<' (HTML) in the output")
        elif len(widths) > 2:
            ok("md/" + label, "table rows of %s cells: a name split a row" % sorted(widths))
        elif missing:
            ok("md/" + label, "escaped name of %s not found" % missing)
        else:
            ok("md/" + label)


def check_sarif(run):
    """report -f sarif and check -f sarif: one JSON document; the budget key round-trips."""
    for label, args, rc in (("report", ["report", "@"], 0),
                            ("check", ["check", "--budget", budget_on_fn1(run.work), "@"], 1)):
        r, out, err = run("sarif", *args)
        try:
            doc = json.loads(out)
        except ValueError as e:
            ok("sarif/" + label, "not one JSON document: %s" % e)
            continue
        got = set(strings(doc))
        key = "symbols.%s.max_vm" % SHOWN["fn1"].decode("ascii")
        if r != rc:
            ok("sarif/" + label, "exit %d: %r" % (r, err[:300]))
        elif label == "check" and key not in got:
            ok("sarif/" + label, "the budget key %r does not round-trip" % key)
        else:
            ok("sarif/" + label)


def check_junit(run):
    """check -f junit: parses as XML; the test case of the hostile key carries it back exactly."""
    r, out, err = run("junit", "check", "--budget", budget_on_fn1(run.work), "@")
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        ok("junit/check", "not XML: %s" % e)
        return
    names = [c.get("name") for c in root.iter("testcase")]
    want = "symbols.%s.max_vm" % esc(SHOWN["fn1"])
    if r != 1 or names != [want]:
        ok("junit/check", "exit %d, test cases %r (want [%r])" % (r, names, want))
    else:
        ok("junit/check")


def check_html(run):
    """report -f html: the page's two script elements only, no raw control bytes, and the
    embedded report gives the names back (tests/review/ opens the page in Chromium)."""
    out = common(run, "html", "report", ["report", "@"])
    if out is None:
        return
    scripts = len(re.findall(rb"<script\b", out, re.I))
    raw = sorted({c for c in out if c < 0x20 and c not in (9, 10)})
    m = re.search(rb'<script type="application/json" id="report-data">(.*?)</script>', out, re.S)
    try:
        got = set(strings(json.loads(m.group(1)))) if m else set()
    except ValueError:
        got = set()
    missing = [k for k in ("fn1", "fn2", "dead", "module") if shown_json(SHOWN[k]) not in got]
    if scripts != 2 or b"<script>alert" in out.lower():
        ok("html/report", "%d script tags (want 2), raw script %s" %
           (scripts, b"<script>alert" in out.lower()))
    elif raw:
        ok("html/report", "raw bytes %s in the page" % ["%#x" % c for c in raw])
    else:
        ok("html/report", "names that do not round-trip: %s" % missing if missing else None)


CHECKERS = {"text": check_text, "json": check_json, "csv": check_csv, "md": check_md,
            "sarif": check_sarif, "junit": check_junit, "html": check_html}


def formats(ma):
    """Every format some command's --help offers: "-f, --format FORMAT  text|json|csv ..."."""
    found = []
    for cmd in ([], ["report"], ["diff"], ["check"], ["facilities"]):
        h = subprocess.run([ma] + cmd + ["--help"], stdout=subprocess.PIPE).stdout.decode()
        # the option's line and its continuation lines (indented past the option column)
        for m in re.finditer(r"--format FORMAT(.*(?:\n {20,}.*)*)", h):
            for f in re.findall(r"\b(text|json|csv|md|sarif|junit|html)\b", m.group(1)):
                if f not in found:
                    found.append(f)
    return found or ["text"]


def write_hostile(plain, img):
    """IMG: PLAIN with each placeholder name replaced by its hostile one; False if one is missing.
    tests/review/t-review.sh reviews the same image."""
    with open(plain, "rb") as f:
        d = f.read()
    for k, (ph, h) in NAMES.items():
        if ph not in d:
            return False
        d = d.replace(ph, h)
    with open(img, "wb") as f:
        f.write(d)
    return True


def main():
    ma, plain, work = sys.argv[1:4]
    dotsvg = sys.argv[4].split() if len(sys.argv) > 4 and sys.argv[4] else None
    img = os.path.join(work, "hostile")
    if not write_hostile(plain, img):
        ok("rewrite", "a placeholder is not in %s" % plain)
        return 1
    run, plain_run = Run(ma, img, work, plain), Run(ma, plain, work)
    for fmt in formats(ma):
        if fmt in CHECKERS:
            CHECKERS[fmt](run)
        else:
            print("SKIP: escape/%s: no checker for this format yet (add check_%s)" % (fmt, fmt))
    check_dot(run, plain_run, dotsvg, work)
    check_stderr(ma, img, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
