#!/bin/sh
# SPDX-License-Identifier: ISC
# Every rule id the sources can emit is in docs/rules.md, once, with a severity, a meaning, an
# action and a details page that describes it; every id listed there is still emitted; every
# rule id in the findings of every example's report is listed.
. "${TOP:-.}/tests/lib.sh"
need python3

python3 - "$TOP" <<'PY' && pass "rules: docs/rules.md lists every rule id of the sources, each with its meaning, action and details" || fail "rules: docs/rules.md" "see above"
import os, re, sys
top = sys.argv[1]
ID = r"MA-[A-Z]+-[A-Z0-9-]*[A-Z0-9]"
emitted = set()
for d in ("audit", "analyzers", "reports"):
    for root, _, files in os.walk(os.path.join(top, d)):
        for f in files:
            if f.endswith(".c"):
                emitted |= set(re.findall(r'"(%s)"' % ID, open(os.path.join(root, f)).read()))
rows, bad = {}, []
for line in open(os.path.join(top, "docs/rules.md")):
    m = re.match(r"\| `(%s)` \|(.*)\|\s*$" % ID, line)
    if not m:
        continue
    cells = [c.strip() for c in m.group(2).split(" | ")]
    if m.group(1) in rows:
        bad.append("%s listed twice" % m.group(1))
    rows[m.group(1)] = cells
for r, cells in rows.items():
    if len(cells) != 4 or not all(cells):
        bad.append("%s: want severity, meaning, action and details, got %r" % (r, cells))
        continue
    if not re.search(r"\b(error|warning|note)\b", cells[0]):
        bad.append("%s: severity %r names no SARIF level" % (r, cells[0]))
    docs = re.findall(r"\]\(([a-z-]+\.md)\)", cells[3])
    if not docs:
        bad.append("%s: no details page" % r)
    if not any(r in open(os.path.join(top, "docs", p)).read() for p in docs if
               os.path.exists(os.path.join(top, "docs", p))):
        bad.append("%s: none of its details pages %s names it" % (r, docs))
bad += ["%s is emitted by the sources but not in docs/rules.md" % r for r in sorted(emitted - set(rows))]
bad += ["%s is in docs/rules.md but no source emits it" % r for r in sorted(set(rows) - emitted)]
print("\n".join(bad))
sys.exit(1 if bad or len(rows) < 30 else 0)
PY

need_examples rules || exit 1
while read -r name img _; do
	"$MA" report -f json "$EXAMPLES/$img" > "$TMPD/$name.json" 2>/dev/null
	python3 - "$TOP/docs/rules.md" "$TMPD/$name.json" <<'PY' && pass "rules: $name: every finding's rule is in docs/rules.md" || fail "rules: $name" "see above"
import json, re, sys
listed = set(re.findall(r"^\| `(MA-[A-Z0-9-]+)` \|", open(sys.argv[1]).read(), re.M))
d = json.load(open(sys.argv[2]))
missing = sorted({f["rule"] for f in d["findings"]} - listed)
missing and print(missing)
sys.exit(1 if missing else 0)
PY
done < "$EXAMPLES/LIST"
