#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Run mirage-audit once over every generated malformed input, two at a time.

usage: mass.py MA DIR [--jobs N] [--timeout S] [--mem-kb KB] [--sample K] [--valgrind]

DIR holds the inputs gen.py --mass-base wrote and DIR/expect (name, status,
warn, way, family, description).  Each input runs one way (the way column:
text, json, size, out, dead, facilities) under a timeout and, unless
--mem-kb 0, an address-space limit (RLIMIT_AS); the peak RSS comes from
wait4().  Prints one "PASS: mass/<name>/<way>" or "FAIL: mass/<name>/<way>:
<why>" line per input, then a "# mass: ..." summary.  The checks are the
contract of README.md: exit status 0 or 2 (the expected one when the
status column says), no signal, no hang, at most --mem-kb of peak RSS; on
2 exactly one stderr line "mirage-audit: FILE: <problem>", empty stdout, no
-o file left; on 0 a report (a JSON document for json and dead), stderr
only "mirage-audit: FILE: warning: ..." lines, at least one when warn is 1;
and the input's sha256 unchanged.

--sample K runs every K-th input only (VALGRIND=1 uses it: see README.md).
Standard library only.
"""
import argparse
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

WAYS = {
    "text": lambda f, o: [f],
    "json": lambda f, o: ["--format", "json", f],
    "size": lambda f, o: ["size", f, "-d", "section"],
    "out": lambda f, o: ["-o", o, f],
    "dead": lambda f, o: ["-f", "json", "dead", f],
    "facilities": lambda f, o: ["facilities", f],
}
VALGRIND = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect"]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def judge(c, rc, sig, out, err, mem, mem_kb, odir):
    """Why the run breaks the contract, or None."""
    f, st, warn, way = c["path"], c["status"], c["warn"], c["way"]
    if rc is None:
        return "hung: killed after the timeout"
    if sig:
        return "killed by signal %d" % sig
    if rc == 99 and c.get("valgrind"):
        return "valgrind reported errors: %s" % err[:600].decode("utf-8", "replace")
    said = "rc=%d stderr=[%s] stdout=%d bytes" % (
        rc, err[:400].decode("utf-8", "replace").replace("\n", "|"), len(out))
    if mem_kb and mem > mem_kb:
        return "peak RSS %d KB > %d KB" % (mem, mem_kb)
    if rc not in (0, 2):
        return "exit %d, expected 0 or 2; %s" % (rc, said)
    if st != "any" and rc != int(st):
        return "exit %d, expected %s; %s" % (rc, st, said)
    lines = err.decode("utf-8", "replace").splitlines()
    prefix = "mirage-audit: %s: " % f
    left = os.listdir(odir)
    if rc == 2:
        if out:
            return "stdout not empty on error; " + said
        if len(lines) != 1 or not lines[0].startswith(prefix) or \
                len(lines[0]) == len(prefix) or lines[0].startswith(prefix + "warning: "):
            return "stderr is not one line '%s<problem>'; %s" % (prefix, said)
        if left:
            return "-o left files behind on error: %s" % left
        return None
    bad = [ln for ln in lines if not ln.startswith(prefix + "warning: ")]
    if bad:
        return "stderr has lines that are not '%swarning: ...'; %s" % (prefix, said)
    if warn and not lines:
        return "no warning about a malformed image; " + said
    if way == "out":
        if out:
            return "stdout not empty with -o; " + said
        if left != ["report"] or not os.path.getsize(os.path.join(odir, "report")):
            return "-o: expected the one file 'report', found %s" % left
    elif not out:
        return "empty stdout on success; " + said
    if way in ("json", "dead"):
        try:
            json.loads(out)
        except ValueError as e:
            return "stdout is not one JSON document: %s" % e
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ma")
    ap.add_argument("dir")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--mem-kb", type=int, default=524288)
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("--valgrind", action="store_true")
    args = ap.parse_args()
    start = time.time()
    cases = []
    with open(os.path.join(args.dir, "expect")) as f:
        for k, line in enumerate(ln for ln in f if not ln.startswith("#")):
            name, st, warn, way, fam, desc = line.rstrip("\n").split("\t")
            if k % args.sample:
                continue
            cases.append(dict(name=name, status=st, warn=int(warn), way=way, family=fam,
                              path=os.path.join(args.dir, name), valgrind=args.valgrind))
    scratch = tempfile.mkdtemp(prefix="mass.", dir=args.dir)
    limit = args.mem_kb * 1024 if args.mem_kb and not args.valgrind else None

    # The limits are set on this process and inherited: no preexec_fn, so that
    # subprocess can use vfork (a fork of python per run cost more than the runs).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    running = {}  # pid -> (case, proc, started, out file, err file, odir)
    todo = list(reversed(cases))
    n_fail = n_pass = 0
    slot = 0
    while todo or running:
        while todo and len(running) < args.jobs:
            c = todo.pop()
            c["sum"] = sha(c["path"])
            slot += 1
            odir = os.path.join(scratch, "o%d" % slot)
            os.mkdir(odir)
            fo = open(os.path.join(scratch, "out%d" % slot), "w+b")
            fe = open(os.path.join(scratch, "err%d" % slot), "w+b")
            cmd = ([*VALGRIND] if args.valgrind else []) + [args.ma] + \
                WAYS[c["way"]](c["path"], os.path.join(odir, "report"))
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                 close_fds=False)
            running[p.pid] = (c, p, time.time(), fo, fe, odir)
        pid, status, ru = os.wait4(-1, os.WNOHANG)
        if pid == 0:
            now = time.time()
            for c, p, t0, _, _, _ in running.values():
                if now - t0 > args.timeout and not c.get("killed"):
                    c["killed"] = True
                    p.send_signal(signal.SIGKILL)
            time.sleep(0.002)
            continue
        if pid not in running:
            continue
        c, p, t0, fo, fe, odir = running.pop(pid)
        p.returncode = 0  # reaped here: keep Popen from waiting again
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
        fo.close()
        fe.close()
        os.unlink(fo.name)
        os.unlink(fe.name)
        if c.get("killed"):
            rc, sig = None, 0
        elif os.WIFSIGNALED(status):
            rc, sig = 128 + os.WTERMSIG(status), os.WTERMSIG(status)
        else:
            rc, sig = os.WEXITSTATUS(status), 0
        why = judge(c, rc, sig, out, err, ru.ru_maxrss, args.mem_kb, odir)
        if not why and sha(c["path"]) != c["sum"]:
            why = "the input file was modified"
        for x in os.listdir(odir):
            os.unlink(os.path.join(odir, x))
        os.rmdir(odir)
        tag = "mass/%s/%s" % (c["name"], c["way"])
        if why:
            n_fail += 1
            print("FAIL: %s: %s" % (tag, why))
        else:
            n_pass += 1
            print("PASS: " + tag)
    os.rmdir(scratch)
    print("# mass: %d generated inputs run (%d families), %d passed, %d failed, %.0fs"
          % (len(cases), len({c["family"] for c in cases}), n_pass, n_fail, time.time() - start))


if __name__ == "__main__":
    sys.exit(main())
