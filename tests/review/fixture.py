#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""fixture.py REPORT.json: the report with tcb and secrets sections of the shapes docs/review.md
gives (what the analyzers of issue 14 fill), on standard output, for tests/review/t-review.sh.
The figures are made up and consistent: the page must show exactly these. Names carry HTML."""
import json
import sys


def row(name, r, d):
    return {"name": name, "reachable_bytes": r, "dead_bytes": d, "ocaml_bytes": r // 2,
            "c_bytes": r - r // 2 - r // 8, "tables_bytes": r // 8}


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    syms = [("caml_main", 900, True), ("<b>bold</b>", 700, False), ("x\"y'&z", 650, True),
            ("[3 more]", 500, False)]
    tree = [
        {"name": "libA <i>", "reachable_bytes": 1550, "dead_bytes": 1200, "children": [
            {"name": "ModA", "reachable_bytes": 1550, "dead_bytes": 1200, "children": [
                {"name": n, "bytes": b, "reachable": r} for n, b, r in syms]}]},
        {"name": "libB", "reachable_bytes": 1200, "dead_bytes": 400, "children": [
            {"name": "ModB1", "reachable_bytes": 800, "dead_bytes": 0, "children": [
                {"name": "b1", "bytes": 800, "reachable": True}]},
            {"name": "ModB2", "reachable_bytes": 400, "dead_bytes": 400, "children": [
                {"name": "b2", "bytes": 400, "reachable": True},
                {"name": "b3", "bytes": 400, "reachable": False}]}]},
    ]
    doc["tcb"] = {
        "definition": "docs/tcb.md", "image_bytes": 4350, "reachable_bytes": 2750,
        "dead_bytes": 1600,
        "classes": [{"class": c, "reachable_bytes": r, "dead_bytes": d}
                    for c, r, d in (("ocaml", 1500, 900), ("c", 1000, 600), ("tables", 250, 100),
                                    ("unknown", 0, 0))],
        "unsafe": [{"primitive": "caml_string_unsafe_get", "sites": 7, "reachable_sites": 5}],
        "by_component": [row("ocaml", 1500, 900), row("libc", 1250, 700)],
        "by_library": [row("libA <i>", 1550, 1200), row("libB", 1200, 400)],
        "by_package": None,
        "by_facility": [{"name": "net-device", "verdict": "reachable", "reachable_bytes": 333}],
        "tree": tree,
        "external": [{"name": "solo5-hvt", "bytes": 123456, "source": "tender.json"}],
        "stack_bytes": 2750 + 123456,
    }
    doc["secrets"] = {
        "scanned_bytes": 98765,
        "private_keys": [{"format": "PEM", "algorithm": "RSA", "bits": 2048, "offset": 4096,
                          "address": "0x401000", "section": ".rodata", "symbol": None}],
        "certificates": [{"format": "DER", "subject": "CN=<script>alert(1)</script>",
                          "issuer": "CN=test CA", "not_before": "2024-01-01T00:00:00Z",
                          "not_after": "2025-01-01T00:00:00Z", "expired": True,
                          "self_signed": False, "offset": 8192, "address": None,
                          "section": None, "symbol": "cert_der"}],
        "credentials": [{"keyword": "token", "text": "AbCd...", "entropy": 4.75,
                         "offset": 100, "address": "0x402000", "section": ".data"}],
        "build_paths": [{"path": "/home/alice/src/app", "user": "alice", "count": 3}],
        "toolchain": [],
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
