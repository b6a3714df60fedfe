#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Checks of one review page (tests/review/t-review.sh), before and after Chromium ran it.

usage: pagecheck.py NAME PAGE [--report JSON] [--image FILE] [--diff] [--fixture JSON]
                    [--dom DOM --netlog NETLOG --log LOG --png PNG --size WxH] [--hostile]
                    [--clicked]

Prints PASS:/FAIL: lines named review/NAME/... Standard library only.

- static: the page as written, read without JavaScript: the sections in order, a
  Content-Security-Policy that forbids every load, no src=/href= that leaves the file, no
  element that loads anything, the report embedded with no "</" or "<!--" in it, equal to
  `report -f json` (--report), the tables and the treemap in the markup, and every tagged
  figure (data-json, data-json-count) equal to the embedded document at its JSON pointer;
  the image's SHA-256 and size against the file itself (--image).
- dom (--dom): the DOM Chromium dumped after the script ran: it ran (data-js), recorded no
  error, the tagged figures still equal the document, the treemap and the graphs are SVG
  elements of nonzero size; the console log has no CONSOLE line; the network log has no
  request a page made (the browser's own, initiator "not an origin", are not the page's);
  the screenshot is a PNG of the window's size with more than a handful of colours.
- --fixture: the report was given sections shaped as docs/review.md says (tcb, secrets):
  the treemap has a box per node of the fixture's tree, shaded as the fixture says.
- --clicked: a script clicked the treemap's first box and the severity heading: the treemap
  zoomed to the box, the findings are sorted least severe first.
- --hostile: the image's names carry HTML: exactly the page's two script elements, no event
  handler attribute, no raw "<script>alert".
"""
import argparse
import hashlib
import html.parser
import json
import os
import re
import struct
import sys
import zlib

results = []


def ok(name, why=None):
    results.append(why is None)
    print(("FAIL: review/%s: %s" % (name, why)) if why is not None else "PASS: review/" + name)


def esc(b):
    """escape_text(): control bytes, non-ASCII bytes and the backslash as \\xNN."""
    return "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x5C else "\\x%02x" % c for c in b)


def pointer(doc, ptr):
    """RFC 6901; KeyError when absent."""
    for k in ptr.split("/")[1:]:
        k = k.replace("~1", "/").replace("~0", "~")
        doc = doc[int(k)] if isinstance(doc, list) else doc[k]
    return doc


def shown(v):
    """How reports/html.c writes a JSON value (before HTML escaping)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "none"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.2f" % v
    if isinstance(v, str):
        return esc(v.encode("utf-8", "surrogateescape"))
    return None


class Page(html.parser.HTMLParser):
    """Elements, tagged figures with their text, scripts, SVG sizes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figs = []        # (attrs, text)
        self.open = []        # [attrs, text, depth]
        self.depth = 0
        self.sections = []
        self.scripts = []     # (attrs, text)
        self.in_script = None
        self.handlers = []
        self.loads = []
        self.ids = {}
        self.stack = []
        self.treemap_rects = []
        self.tm_groups = []   # (class, [child rect classes])
        self.svgs = {}        # figure id -> svg attrs
        self.rows = {}        # tr class -> count

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.depth += 1
        self.stack.append((tag, a))
        for k in a:
            if k.lower().startswith("on"):
                self.handlers.append((tag, k))
        if tag in ("img", "link", "iframe", "object", "embed", "audio", "video", "source",
                   "base", "frame") or (tag == "script" and "src" in a):
            self.loads.append(tag)
        if tag == "section":
            self.sections.append(a.get("id"))
        if "id" in a:
            self.ids[a["id"]] = a
        if tag == "script":
            self.in_script = [a, ""]
        if tag == "tr" and a.get("class"):
            self.rows[a["class"]] = self.rows.get(a["class"], 0) + 1
        if tag == "svg":
            fig = [x for x in self.stack if x[0] == "figure"]
            if fig:
                self.svgs.setdefault(fig[-1][1].get("id"), a)
        inside_tm = any(t == "svg" and x.get("id") == "treemap" for t, x in self.stack)
        if inside_tm and tag == "g":
            self.tm_groups.append((a.get("class"), []))
        if inside_tm and tag == "rect":
            self.treemap_rects.append(a)
            if self.tm_groups:
                g = [x for x in self.stack if x[0] == "g"]
                if g:
                    # the rects of the innermost group that is open
                    for cls, rects in reversed(self.tm_groups):
                        if cls == g[-1][1].get("class"):
                            rects.append(a.get("class"))
                            break
        if "data-json" in a or "data-json-count" in a:
            self.open.append([a, "", self.depth])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        while self.open and self.open[-1][2] == self.depth:
            a, text, _ = self.open.pop()
            self.figs.append((a, text))
        if tag == "script" and self.in_script is not None:
            self.scripts.append(tuple(self.in_script))
            self.in_script = None
        if self.stack:
            self.stack.pop()
        self.depth -= 1

    def handle_data(self, data):
        for o in self.open:
            o[1] += data
        if self.in_script is not None:
            self.in_script[1] += data


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def check_figures(name, page, docs):
    bad, n = [], 0
    for a, text in page.figs:
        n += 1
        doc = docs.get(a.get("data-doc", "report-data"))
        try:
            if "data-json-count" in a:
                arr = pointer(doc, a["data-json-count"])
                k = a.get("data-where")
                want = str(len([e for e in arr if k is None or e.get(k) == a.get("data-equals")]))
            else:
                want = shown(pointer(doc, a["data-json"]))
        except (KeyError, IndexError, TypeError, ValueError):
            bad.append((a, text, "no such pointer"))
            continue
        if text != want:
            bad.append((a.get("data-json") or a.get("data-json-count"), text, want))
    if n == 0:
        ok(name, "no tagged figure")
    else:
        ok(name, "%d of %d figures differ from the document: %r" % (len(bad), n, bad[:3])
           if bad else None)
    return n


def embedded(page, ident):
    for a, text in page.scripts:
        if a.get("id") == ident:
            return text
    return None


EXPECTED = ["summary", "tcb", "facilities", "graphs", "hardening", "instructions", "secrets",
            "findings"]
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def static(args, text):
    n = args.name
    page = parse(text)
    want = EXPECTED + (["diff"] if args.diff else []) + ["data"]
    ok(n + "/sections", None if page.sections == want else "sections %r, want %r" %
       (page.sections, want))
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', text)
    ok(n + "/csp", None if csp and csp.group(1) == CSP else "CSP meta %r" %
       (csp and csp.group(1)))
    # the markup outside the embedded documents: nothing that loads from elsewhere
    outside = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", text, flags=re.S)
    ext = re.findall(r'''(?:src|href|xlink:href)\s*=\s*["']?\s*(?:[a-z]+:)?//''', outside, re.I)
    ext += re.findall(r"url\(|@import", outside, re.I)
    ok(n + "/no-external", "references out of the file: %r" % ext[:3] if ext else
       "elements that load: %r" % page.loads if page.loads else None)
    raw = embedded(page, "report-data")
    if raw is None:
        ok(n + "/embedded", "no script#report-data")
        return None, None
    if "</" in raw or "<!--" in raw:
        ok(n + "/embedded", "the embedded report holds '</' or '<!--'")
    try:
        doc = json.loads(raw)
    except ValueError as e:
        ok(n + "/embedded", "does not parse: %s" % e)
        return None, None
    if args.report:
        with open(args.report, "rb") as f:
            ref = json.load(f)
        ok(n + "/embedded", None if doc == ref else
           "differs from report -f json in %r" % sorted(k for k in set(doc) | set(ref)
                                                         if doc.get(k) != ref.get(k)))
    docs = {"report-data": doc}
    if args.diff:
        d = embedded(page, "diff-data")
        docs["diff-data"] = json.loads(d) if d else {}
        ok(n + "/embedded-diff", None if d and docs["diff-data"].get("schema") ==
           "mirage-audit/diff" else "no diff document")
    if args.image:
        with open(args.image, "rb") as f:
            data = f.read()
        facts = (("sha256", hashlib.sha256(data).hexdigest()), ("file_size", len(data)))
        wrong = [(k, doc["image"].get(k), v) for k, v in facts if doc["image"].get(k) != v]
        shown_ptrs = {a.get("data-json") for a, _ in page.figs}
        missing = [p for p in ("/image/sha256", "/image/file_size") if p not in shown_ptrs]
        ok(n + "/image-facts", "against the file: %r" % wrong if wrong else
           "not shown: %r" % missing if missing else None)
    # readable without JavaScript: the tables and the treemap are in the markup
    checks = doc.get("hardening", {}).get("checks", [])
    rows = sum(v for k, v in page.rows.items() if k.startswith("k-"))
    nojs = []
    if not page.treemap_rects:
        nojs.append("no treemap rect")
    if rows != len(checks):
        nojs.append("%d hardening rows for %d checks" % (rows, len(checks)))
    if doc.get("findings") and "findings-table" not in page.ids:
        nojs.append("no findings table")
    ok(n + "/no-js", "; ".join(nojs) if nojs else None)
    check_figures(n + "/figures", page, docs)
    if args.hostile:
        scripts = len(re.findall(r"<script\b", text, re.I))
        bad = "<script>alert" in text.lower() or scripts != 2 or page.handlers
        ok(n + "/hostile-static", "%d script tags, handlers %r, raw alert %s" %
           (scripts, page.handlers, "<script>alert" in text.lower()) if bad else None)
    return doc, docs


def png_facts(path):
    """(width, height, distinct byte values of the pixel rows) of an 8-bit PNG."""
    with open(path, "rb") as f:
        d = f.read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    w, h = struct.unpack(">II", d[16:24])
    idat, i = b"", 8
    while i < len(d):
        ln, typ = struct.unpack(">I4s", d[i:i + 8])
        if typ == b"IDAT":
            idat += d[i + 8:i + 8 + ln]
        i += 12 + ln
    return w, h, len(set(zlib.decompress(idat)))


def page_requests(netlog):
    """URLs of requests a document started (the browser's own have no origin)."""
    with open(netlog) as f:
        text = f.read()
    try:
        d = json.loads(text)
    except ValueError:
        # Chromium may leave the log unterminated when it is killed: close it
        d = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    urls = []
    for e in d.get("events", []):
        p = e.get("params") or {}
        if types.get(e["type"]) == "URL_REQUEST_START_JOB" and p.get("url") and \
                p.get("initiator") != "not an origin":
            urls.append(p.get("url"))
    return urls


def dom(args, doc, docs):
    n = args.name
    with open(args.dom, encoding="utf-8", errors="replace") as f:
        text = f.read()
    page = parse(text)
    m = re.search(r"<html([^>]*)>", text)
    attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', m.group(1))) if m else {}
    ok(n + "/js-ran", None if attrs.get("data-js") == "ran" and "data-js-errors" not in attrs
       else "html attributes %r" % attrs)
    ok(n + "/js-figures", None if attrs.get("data-figure-mismatches") == "0" else
       "the page's own check: %r" % attrs)
    if docs:
        check_figures(n + "/dom-figures", page, docs)
    tm = page.ids.get("treemap", {})
    sized = [r for r in page.treemap_rects if float(r.get("width", 0)) > 0 and
             float(r.get("height", 0)) > 0]
    ok(n + "/treemap", None if float(tm.get("width", 0)) > 0 and float(tm.get("height", 0)) > 0
       and sized else "treemap svg %r with %d sized rects" % (tm, len(sized)))

    def size(a, k):
        v = re.match(r"[0-9.]+", a.get(k, "") or "")
        return float(v.group(0)) if v else 0.0
    graphs = [g for g in ("graph-library", "graph-facility") if g in page.ids]
    drawn = [g for g in graphs if g in page.svgs and size(page.svgs[g], "width") > 0 and
             size(page.svgs[g], "height") > 0]
    if args.fixture:
        ok(n + "/graphs", None if graphs and not drawn else "graphs drawn from a saved report")
    else:
        ok(n + "/graphs", None if graphs and drawn == graphs else
           "graphs %r, drawn %r" % (graphs, drawn))
    with open(args.log, errors="replace") as f:
        console = [ln.strip() for ln in f if "CONSOLE" in ln or "Uncaught" in ln]
    ok(n + "/console", "console lines: %r" % console[:3] if console else None)
    urls = page_requests(args.netlog)
    ok(n + "/no-request", "the page requested %r" % urls[:3] if urls else None)
    facts = png_facts(args.png) if os.path.exists(args.png) else None
    w, h = (int(x) for x in args.size.split("x"))
    ok(n + "/screenshot", None if facts and facts[:2] == (w, h) and facts[2] > 16 else
       "PNG facts %r for a %dx%d window" % (facts, w, h))
    if args.hostile:
        scripts = len(re.findall(r"<script\b", text, re.I))
        ok(n + "/hostile-dom", None if scripts == 2 and not page.handlers else
           "%d script elements, handlers %r after the page ran" % (scripts, page.handlers))
    if args.fixture:
        fixture(n, page, args.fixture)
    if args.clicked:
        clicked(n, text)


def clicked(n, text):
    """After a click on the treemap's first box and on the severity heading (--clicked)."""
    svg = re.search(r'<svg id="treemap"[^>]*>', text).group(0)
    first = re.search(r'<g class="tm-library" data-box="([^"]*)"', text).group(1)
    zoom = re.search(r'viewBox="([^"]*)"', svg).group(1)
    ok(n + "/zoom", None if zoom == first else "viewBox %r after a click on %r" % (zoom, first))
    table = text[text.index('id="findings-table"'):]
    sev = [int(x) for x in re.findall(r'<tr data-sev="([0-9]+)"', table)]
    th = re.search(r'<th data-sort="severity" aria-sort="([a-z]+)"', table).group(1)
    ok(n + "/sort", None if len(sev) > 1 and sev == sorted(sev) and sev[0] < sev[-1] and
       th == "ascending" else "severities %r, aria-sort %s after a click" % (sev, th))


def fixture(n, page, path):
    """The treemap of the fixture's tcb.tree: a box per node, symbols shaded as declared."""
    with open(path) as f:
        tree = json.load(f)["tcb"]["tree"]
    libs = [x for x in tree if x["reachable_bytes"] + x["dead_bytes"] > 0]
    mods = [m for x in libs for m in x["children"] if m["reachable_bytes"] + m["dead_bytes"]]
    syms = [s for m in mods for s in m.get("children", []) if s["bytes"] > 0]
    groups = {}
    for cls, rects in page.tm_groups:
        groups.setdefault(cls, []).append(rects)
    got = (len(groups.get("tm-library", [])), len(groups.get("tm-module", [])),
           len(groups.get("tm-symbol", [])))
    ok(n + "/fixture-treemap", None if got == (len(libs), len(mods), len(syms)) else
       "boxes (library, module, symbol) %r, want %r" % (got, (len(libs), len(mods), len(syms))))
    shades = sorted(r[0] for r in groups.get("tm-symbol", []) if r)
    want = sorted("r" if s["reachable"] else "d" for s in syms)
    ok(n + "/fixture-shading", None if shades == want else "%r, want %r" % (shades, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("page")
    for o in ("--report", "--image", "--fixture", "--dom", "--netlog", "--log", "--png"):
        ap.add_argument(o)
    ap.add_argument("--size", default="1280x2000")
    ap.add_argument("--diff", action="store_true")
    ap.add_argument("--hostile", action="store_true")
    ap.add_argument("--clicked", action="store_true")
    args = ap.parse_args()
    with open(args.page, encoding="utf-8") as f:
        text = f.read()
    doc, docs = static(args, text)
    if args.dom:
        dom(args, doc, docs)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
