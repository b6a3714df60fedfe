#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Readers for tests/graph/t-graph.sh: the DOT and SVG drawings of `mirage-audit graph`.

  graphcheck.py svg FILE              parse FILE as XML (exit 1 with the parser's message if
                                      it is not well-formed); print "ID<TAB>LINE" per node
  graphcheck.py dot FILE              parse FILE as DOT (exit 1 with the reason); print the same
  graphcheck.py same DOT SVG          both name the same nodes with the same first label
                                      line, and draw the same number of visible edges
  graphcheck.py has DOT NAME...       each NAME is the first label line of a node
  graphcheck.py svgtext SVG TEXT...   each TEXT is the whole text of an SVG <text> element
  graphcheck.py box DOT NAME          print the subgraph holding the node whose first label
                                      line is NAME or starts with "NAME (" (a facility)
  graphcheck.py label DOT NAME        print that node's label, lines joined by " | "
  graphcheck.py path DOT NAME         exit 0 if visible edges lead from "roots" to that node
  graphcheck.py units NM_OUTPUT       the OCaml units with code: caml<U>__code_begin (or
                                      caml<U>.code_begin) below caml<U>__code_end

The DOT reader is a small parser of the Graphviz grammar (strict, digraph,
subgraphs, node, edge and attribute statements, quoted strings with their
escapes); an HTML-like <...> string is an error, since mirage-audit must never
write one. A label is read as Graphviz draws it: \\n \\l \\r end lines, \\\\ is a
backslash, \\N the node's name, then HTML entities are decoded.
"""
import html
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


class DotError(Exception):
    pass


# A numeral, or a name: letters, digits, '_' and any non-ASCII character.
ID_RE = re.compile(r"-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)|[A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*")


def tokens(text):
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i) or (c == "#" and (i == 0 or text[i - 1] == "\n")):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise DotError("unterminated comment")
            i = j + 2
        elif c == '"':
            j, out = i + 1, []
            while True:
                if j >= n:
                    raise DotError("unterminated string at offset %d" % i)
                if text[j] == "\\" and j + 1 < n and text[j + 1] == '"':
                    out.append('"')
                    j += 2
                elif text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    j += 2
                elif text[j] == '"':
                    break
                else:
                    out.append(text[j])
                    j += 1
            yield ("id", "".join(out))
            i = j + 1
        elif c == "<":
            raise DotError("HTML-like string at offset %d: %r" % (i, text[i:i + 40]))
        elif text.startswith("->", i) or text.startswith("--", i):
            yield ("edgeop", text[i:i + 2])
            i += 2
        elif c in "{}[]=;,:":
            yield (c, c)
            i += 1
        else:
            m = ID_RE.match(text, i)
            if not m:
                raise DotError("unexpected %r at offset %d" % (c, i))
            yield ("id", m.group(0))
            i = m.end()


class Dot:
    def __init__(self, text):
        self.toks = list(tokens(text))
        self.pos = 0
        self.nodes = {}      # id -> attrs
        self.box = {}        # id -> innermost subgraph name ("" for the root)
        self.edges = []      # (tail, head, attrs)
        self.node_default = [{}]
        self.edge_default = [{}]
        self.parse()

    def peek(self, k=0):
        return self.toks[self.pos + k] if self.pos + k < len(self.toks) else (None, None)

    def take(self, kind=None):
        t = self.peek()
        if t[0] is None or (kind and t[0] != kind):
            raise DotError("expected %s, found %r" % (kind, t[1]))
        self.pos += 1
        return t[1]

    def parse(self):
        if self.peek()[1] == "strict":
            self.take()
        if self.take("id") not in ("digraph", "graph"):
            raise DotError("not a graph")
        if self.peek()[0] == "id":
            self.take()
        self.stmt_list("")
        if self.pos != len(self.toks):
            raise DotError("text after the closing brace")

    def attrs(self):
        a = {}
        while self.peek()[0] == "[":
            self.take("[")
            while self.peek()[0] != "]":
                k = self.take("id")
                self.take("=")
                a[k] = self.take("id")
                if self.peek()[0] in (",", ";"):
                    self.take()
            self.take("]")
        return a

    def stmt_list(self, box):
        self.take("{")
        self.node_default.append(dict(self.node_default[-1]))
        self.edge_default.append(dict(self.edge_default[-1]))
        while self.peek()[0] != "}":
            if self.peek()[0] is None:
                raise DotError("missing closing brace")
            self.stmt(box)
            if self.peek()[0] == ";":
                self.take()
        self.take("}")
        self.node_default.pop()
        self.edge_default.pop()

    def node(self, name, box, a=None):
        if name not in self.nodes:
            self.nodes[name] = dict(self.node_default[-1])
            self.box[name] = box
        elif box and self.box[name] == "":
            self.box[name] = box
        self.nodes[name].update(a or {})

    def stmt(self, box):
        t, v = self.peek()
        if t == "id" and v == "subgraph":
            self.take()
            name = self.take("id") if self.peek()[0] == "id" else ""
            self.stmt_list(name)
            return
        if t == "{":
            self.stmt_list(box)
            return
        if t == "id" and v in ("graph", "node", "edge") and self.peek(1)[0] == "[":
            self.take()
            a = self.attrs()
            if v == "node":
                self.node_default[-1].update(a)
            elif v == "edge":
                self.edge_default[-1].update(a)
            return
        name = self.take("id")
        if self.peek()[0] == "=":
            self.take()
            self.take("id")
            return
        chain = [name]
        while self.peek()[0] == "edgeop":
            self.take()
            chain.append(self.take("id"))
        a = self.attrs()
        if len(chain) == 1:
            self.node(name, box, a)
            return
        for n in chain:
            self.node(n, box)
        for t_, h in zip(chain, chain[1:]):
            e = dict(self.edge_default[-1])
            e.update(a)
            self.edges.append((t_, h, e))


def label_lines(name, attrs):
    """The lines Graphviz draws for a plain label."""
    s = attrs.get("label", "\\N")
    out, line, i = [], [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            d = s[i + 1]
            if d in "nlr":
                out.append("".join(line))
                line = []
            elif d == "N":
                line.append(name)
            else:
                line.append(d)
            i += 2
            continue
        line.append(c)
        i += 1
    if line or not out:
        out.append("".join(line))
    return [html.unescape(x).replace("\xa0", " ") for x in out]


def read_dot(path):
    with open(path, encoding="utf-8") as f:
        return Dot(f.read())


def read_svg(path):
    root = ET.parse(path).getroot()
    nodes, n_edges = {}, 0
    for g in root.iter(SVG + "g"):
        cls = g.get("class")
        if cls == "node":
            title = g.find(SVG + "title").text or ""
            texts = [t.text or "" for t in g.iter(SVG + "text")]
            nodes[title] = (texts[0] if texts else "").replace("\xa0", " ")
        elif cls == "edge":
            n_edges += 1
    return root, nodes, n_edges


def dot_nodes(d):
    return {n: label_lines(n, a)[0] for n, a in d.nodes.items()}


def find(d, name):
    for n, a in d.nodes.items():
        first = label_lines(n, a)[0]
        if first == name or first.startswith(name + " ("):
            return n
    return None


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    try:
        if cmd == "svg":
            _, nodes, _ = read_svg(argv[2])
            for n, l in sorted(nodes.items()):
                print("%s\t%s" % (n, l))
            return 0
        if cmd == "dot":
            for n, l in sorted(dot_nodes(read_dot(argv[2])).items()):
                print("%s\t%s" % (n, l))
            return 0
        if cmd == "same":
            d = read_dot(argv[2])
            _, svg_nodes, svg_edges = read_svg(argv[3])
            dn = dot_nodes(d)
            visible = sum(1 for e in d.edges if e[2].get("style") != "invis")
            ok = True
            for n in sorted(set(dn) | set(svg_nodes)):
                if dn.get(n) != svg_nodes.get(n):
                    print("node %s: dot %r, svg %r" % (n, dn.get(n), svg_nodes.get(n)))
                    ok = False
            if visible != svg_edges:
                print("visible edges: dot %d, svg %d" % (visible, svg_edges))
                ok = False
            return 0 if ok else 1
        if cmd == "has":
            firsts = set(dot_nodes(read_dot(argv[2])).values())
            missing = [n for n in argv[3:] if n not in firsts]
            if missing:
                print("no node labelled: %s" % ", ".join(missing))
            return 1 if missing else 0
        if cmd == "svgtext":
            root, _, _ = read_svg(argv[2])
            texts = set((t.text or "") for t in root.iter(SVG + "text"))
            missing = [n for n in argv[3:] if n not in texts]
            if missing:
                print("no <text> reads: %s" % ", ".join(repr(m) for m in missing))
            return 1 if missing else 0
        if cmd in ("box", "label", "path"):
            d = read_dot(argv[2])
            n = find(d, argv[3])
            if n is None:
                print("no node %r" % argv[3])
                return 1
            if cmd == "box":
                print(d.box[n] or "-")
                return 0
            if cmd == "label":
                print(" | ".join(label_lines(n, d.nodes[n])))
                return 0
            seen, todo = {"roots"}, ["roots"]
            while todo:
                x = todo.pop()
                for t_, h, a in d.edges:
                    if t_ == x and a.get("style") != "invis" and h not in seen:
                        seen.add(h)
                        todo.append(h)
            return 0 if n in seen else 1
        if cmd == "units":
            begin, end = {}, {}
            with open(argv[2], encoding="utf-8", errors="replace") as f:
                for line in f:
                    m = re.match(r"([0-9a-fA-F]+) \w caml(.+?)(?:__|\.)code_(begin|end)$",
                                 line.strip())
                    if m:
                        (begin if m.group(3) == "begin" else end)[m.group(2)] = int(m.group(1), 16)
            for u in sorted(begin):
                if u in end and end[u] > begin[u]:
                    print(u)
            return 0
    except (DotError, ET.ParseError, OSError) as e:
        print("%s: %s" % (argv[2] if len(argv) > 2 else "?", e))
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
