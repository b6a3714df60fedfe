#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Make tampered copies of a mirage-audit certificate (tests/cert/t-certificate.sh).

    tamper.py MODE CERT OUT [ADDR...]

Each mode changes one thing and prints one line saying what it changed, or
prints nothing and exits 3 when the certificate offers nothing to change:

  range     remove one range from "reachable": the range holding the first ADDR
            (caml_program, solo5_app_main's first callee: found by the caller
            with nm and objdump) that holds no root, else the first range that
            holds no root. Every reachable range without a root was entered by
            an edge from another reachable range, so the set is no longer closed.
  root      remove the "reachable" range holding the first root's address.
  retained  remove the first range from "retained" (ocaml precision): something
            the runtime reads is now in neither set.
  facility  add the first node range of a facility certified dead to
            "reachable"; when none is dead, certify a reachable facility with
            nodes as dead instead. Either way a facility said to be unreachable
            has a node in the reachable set.
  sealed    certify a facility with nodes (dead or reachable) as sealed, keeping
            its patterns: a node of the image matches them. On an image
            without symbols (every verdict unknown), certify one unknown
            facility as sealed: absence cannot be shown there.
"""
import json
import sys


def lo_hi(r):
    return int(r[0], 16), int(r[1], 16)


def holds(r, addr):
    lo, hi = lo_hi(r)
    return lo <= addr < hi


def main():
    mode, cert, out = sys.argv[1:4]
    addrs = [int(a, 16) for a in sys.argv[4:]]
    with open(cert) as f:
        d = json.load(f)
    roots = [int(r["address"], 16) for r in d["roots"]]
    reach = d["reachable"]
    facs = d["facilities"]
    what = None
    if mode == "range":
        free = [r for r in reach if not any(holds(r, a) for a in roots)]
        pick = [r for a in addrs for r in free if holds(r, a)] + free
        if pick:
            reach.remove(pick[0])
            what = "removed reachable range %s-%s" % tuple(pick[0])
    elif mode == "root":
        pick = [r for r in reach if holds(r, roots[0])] if roots else []
        if pick:
            reach.remove(pick[0])
            what = "removed reachable range %s-%s holding root %s" % (
                pick[0][0], pick[0][1], d["roots"][0]["address"])
    elif mode == "retained":
        if d["retained"]:
            r = d["retained"].pop(0)
            what = "removed retained range %s-%s" % tuple(r)
    elif mode == "facility":
        dead = [f for f in facs if f["verdict"] == "dead" and f["nodes"]]
        live = [f for f in facs if f["verdict"] == "reachable" and f["nodes"]]
        if dead:
            reach.append(dead[0]["nodes"][0])
            reach.sort(key=lambda r: int(r[0], 16))
            what = "added dead facility %s's range %s-%s to reachable" % (
                dead[0]["name"], dead[0]["nodes"][0][0], dead[0]["nodes"][0][1])
        elif live:
            live[0]["verdict"] = "dead"
            what = "certified reachable facility %s as dead" % live[0]["name"]
    elif mode == "sealed":
        some = [f for f in facs if f["verdict"] in ("dead", "reachable") and f["nodes"]]
        some += [f for f in facs if f["verdict"] == "unknown"]
        if some:
            what = "certified %s facility %s as sealed" % (some[0]["verdict"], some[0]["name"])
            some[0]["verdict"] = "sealed"
    else:
        sys.exit("tamper.py: unknown mode '%s'" % mode)
    if what is None:
        sys.exit(3)
    with open(out, "w") as f:
        json.dump(d, f, indent=1)
    print(what)


main()
