# SPDX-License-Identifier: ISC
# The parts of tests/mutants/run.sh that sh does badly (README.md there).
#
#   mutant.py fields MUTANT        print "file PATH" and "kill SCRIPT" lines of a mutant file
#   mutant.py apply MUTANT ROOT    replace its anchor in ROOT/PATH; exit 2 when the mutant is
#                                  malformed or its anchor does not occur exactly once
#   mutant.py run LOG STOP SCRIPT  run `sh SCRIPT` (environment inherited, output to LOG) and
#                                  print what it came to, one line (see run_script)
#
# Python 3 standard library only. A mutant that silently does not apply would be counted as
# killed or survived for nothing, so every doubt is an error (exit 2) with the reason on stderr.
import os
import signal
import subprocess
import sys

KEYS = ("file", "kill")
MARKS = ("@@ anchor", "@@ replacement", "@@ end")


def die(path, msg):
    sys.stderr.write("mutant %s: %s\n" % (path, msg))
    sys.exit(2)


def parse(path):
    """Return (fields, anchor, replacement) of the mutant file PATH."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except (OSError, UnicodeDecodeError) as e:
        die(path, "cannot read: %s" % e)
    fields = {"file": [], "kill": []}
    blocks = {}
    cur = None
    for n, line in enumerate(lines, 1):
        if line in MARKS:
            if line == "@@ end":
                if cur is None:
                    die(path, "line %d: '@@ end' outside a block" % n)
                cur = None
                continue
            name = line[3:]
            if name in blocks:
                die(path, "line %d: a second '%s' block" % (n, line))
            blocks[name] = []
            cur = name
            continue
        if cur is not None:
            blocks[cur].append(line)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.partition(" ")
        if key not in KEYS or not rest.strip():
            die(path, "line %d: expected 'file PATH', 'kill SCRIPT...' or '@@ anchor'" % n)
        fields[key] += rest.split()
    if cur is not None:
        die(path, "the '@@ %s' block has no '@@ end'" % cur)
    if len(fields["file"]) != 1:
        die(path, "needs exactly one 'file PATH' line")
    if not fields["kill"]:
        die(path, "needs a 'kill SCRIPT...' line: the tests expected to kill it")
    for b in ("anchor", "replacement"):
        if b not in blocks:
            die(path, "has no '@@ %s' block" % b)
    rel = fields["file"][0]
    if os.path.isabs(rel) or ".." in rel.split("/"):
        die(path, "file '%s' is not a path inside the tree" % rel)
    anchor, repl = "\n".join(blocks["anchor"]), "\n".join(blocks["replacement"])
    if not anchor.strip():
        die(path, "the anchor is empty")
    if anchor == repl:
        die(path, "the replacement is the anchor: nothing would change")
    return fields, anchor, repl


def run_script(log, stop, script):
    """
    Run `sh SCRIPT`; its result lines are the PASS:/FAIL: lines, numbered from 1. STOP says
    when to stop it (the script and everything it started: its own session is killed):
      fail   at its first FAIL line: prints "fail K LINE" (K: that line's number); a script
             that exits non-zero with no FAIL prints "exit K RC" (K: its result lines)
      K      once it has printed its result line K: prints "line K LINE"
      none   never: prints "failures N RC" (N FAIL lines; RC its exit status)
    A script that ends before STOP is met prints "end K RC". Everything it printed is in LOG.
    """
    k = n_fail = 0
    said = None
    with open(log, "wb") as out:
        p = subprocess.Popen(["sh", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        for raw in p.stdout:
            out.write(raw)
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not (line.startswith("PASS: ") or line.startswith("FAIL: ")):
                continue
            k += 1
            n_fail += line.startswith("FAIL: ")
            if stop == "fail" and line.startswith("FAIL: "):
                said = "fail %d %s" % (k, line)
            elif stop not in ("fail", "none") and k == int(stop):
                said = "line %d %s" % (k, line)
            if said:
                break
        if said:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        p.stdout.close()
        rc = p.wait()
    if said:
        print(said)
    elif stop == "none":
        print("failures %d %d" % (n_fail + (rc != 0 and not n_fail), rc))
    elif stop == "fail" and rc != 0:
        print("exit %d %d" % (k, rc))
    else:
        print("end %d %d" % (k, rc))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "fields":
        fields, _, _ = parse(argv[2])
        for k in KEYS:
            for v in fields[k]:
                print(k, v)
        return 0
    if len(argv) == 5 and argv[1] == "run" and (argv[3] in ("fail", "none") or
                                                argv[3].isdigit()):
        return run_script(argv[2], argv[3], argv[4])
    if len(argv) != 4 or argv[1] != "apply":
        sys.stderr.write("usage: mutant.py fields MUTANT | mutant.py apply MUTANT ROOT | "
                         "mutant.py run LOG fail|none|K SCRIPT\n")
        return 2
    path, root = argv[2], argv[3]
    fields, anchor, repl = parse(path)
    rel = fields["file"][0]
    target = os.path.join(root, rel)
    try:
        with open(target, encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        die(path, "cannot read %s: %s" % (rel, e))
    # Overlapping occurrences count too: "aa" occurs twice in "aaa".
    n, at = 0, text.find(anchor)
    while at >= 0:
        n, at = n + 1, text.find(anchor, at + 1)
    if n != 1:
        die(path, "the anchor occurs %d times in %s, not exactly once" % (n, rel))
    tmp = target + ".mutant-tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text.replace(anchor, repl, 1))
    os.replace(tmp, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
