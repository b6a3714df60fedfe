#!/bin/sh
# SPDX-License-Identifier: ISC
# mirage-audit check IMAGE --budget FILE [--baseline OLD] [--ratchet OUT], and diff, on one
# example in two variants: A = ocaml-net.spt, B = ocaml-net-crypto.spt (the same units plus
# one unit using mirage-crypto, and a manifest with one more device, "storage"; both built by
# examples/examples.mk). Every limit in the budgets below is computed here from independent
# figures: stat(1) file sizes, readelf -SW section sizes, the examples' manifest.json, nm.
#   - diff A B: deltas against readelf/nm (tests/diff/diffcheck.py), B against B no change
#   - budgets just under B's figures fail (exit 1) and name each line; just over, or equal,
#     pass (exit 0); growth against a baseline report of A in bytes and percent likewise
#   - facilities.sealed crypto: A passes (nm: no mirage-crypto symbol), B fails with a
#     witness path: a root first, each step an nm symbol at its address, each step's code
#     referring to the next (objdump -d), the last a mirage-crypto symbol
#   - devices: storage forbidden fails on B, passes on A; required service passes on both
#   - --ratchet writes limits equal to B's stat/readelf figures; B then passes; the input
#     budget is untouched; a limit B is over stays as it was
#   - SARIF validates against the SARIF 2.1.0 schema (build/tools, fetched by make setup)
#     and a broken copy does not; JUnit parses and its counts are the budget's lines;
#     Markdown has one table row per line; JSON validates against docs/check.schema.json
#   - bad budgets and usage: exit 2, one stderr line, nothing on stdout
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
A=$EXAMPLES/ocaml-net/ocaml-net.spt
B=$EXAMPLES/ocaml-net-crypto/ocaml-net-crypto.spt
SCHEMA=${SARIF_SCHEMA:-$TOP/build/tools/sarif-2.1.0.json}
for f in "$A" "$B"; do
	if ! [ -f "$f" ]; then
		fail "check: inputs" "$f missing: run 'make examples'"
		exit 1
	fi
done

# One budget line per row of a python literal, so the figures stay readable here.
size_of() { stat -c %s "$1"; }
sec() { # sec IMAGE NAME: the section's size from readelf -SW (decimal)
	readelf -SW "$1" | python3 -c '
import sys
name = sys.argv[1]
for line in sys.stdin:
    line = line.strip()
    if line.startswith("[") and "]" in line:
        f = line.split("]", 1)[1].split()
        if f and f[0] == name:
            print(int(f[4], 16)); break' "$2"
}
SA=$(size_of "$A")
SB=$(size_of "$B")
TB=$(sec "$B" .text)
RB=$(sec "$B" .rodata)
[ "$SB" -gt "$SA" ] && [ -n "$TB" ] && [ -n "$RB" ] ||
	{ fail "check: figures" "stat/readelf: A $SA B $SB .text $TB .rodata $RB"; exit 1; }

budget() { # budget FILE JSON-BODY: a budget document with the given top-level keys
	printf '{"schema": "mirage-audit/budget", "schema_version": 1%s}\n' "${2:+, $2}" > "$1"
}
# expect NAME STATUS [FAILED-KEY...] -- ARGS: exit STATUS, and the JSON verdict's failed keys
expect() {
	name=$1 want=$2
	shift 2
	keys=
	while [ "$1" != "--" ]; do keys="$keys $1"; shift; done
	shift
	ma check -f json "$@" > "$TMPD/out.json" 2> "$TMPD/err"
	rc=$?
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(l["key"] for l in d["lines"] if l["status"] == "fail")))' \
		"$TMPD/out.json" 2>/dev/null)
	wantkeys=$(echo $keys | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$rc" -eq "$want" ] && [ "$got" = "$wantkeys" ]; then
		pass "check: $name"
	else
		fail "check: $name" "exit $rc (want $want), failed lines '$got' (want '$wantkeys'), \
stderr '$(head -n 1 "$TMPD/err")'"
	fi
}

# ---- diff of the two variants -----------------------------------------------------------
ma diff -f json "$A" "$B" > "$TMPD/d.json" 2> "$TMPD/d.err"
if [ $? -eq 0 ]; then
	pass "check: diff A B exits 0"
	python3 "$TOP/tests/diff/diffcheck.py" sizes "$A" "$B" "$TMPD/d.json" ||
		fail "check: diffcheck.py A B" "exited with status $?"
else
	fail "check: diff A B" "$(head -n 1 "$TMPD/d.err")"
fi
ma diff "$B" "$B" > "$TMPD/self.txt" 2>&1
rc=$?
check "check: diff B B: exit 0" [ "$rc" -eq 0 ]
check "check: diff B B: no change" grep -q '(no change)$' "$TMPD/self.txt"
ma diff -f md "$A" "$B" > "$TMPD/d.md" 2>&1
check "check: diff -f md: the summary line and the storage device added" \
	grep -q '^- device storage added (BLOCK\\_BASIC)$' "$TMPD/d.md"

# ---- size limits: just under fails, equal and just over pass ---------------------------
budget "$TMPD/under.json" "\"total\": {\"max_file\": $((SB - 1))},
  \"sections\": {\".text\": {\"max_file\": $((TB - 1)), \"max_vm\": $((TB - 1))},
                 \".rodata\": {\"max_vm\": $((RB - 1))}}"
expect "limits one byte under B's figures fail, each named" 1 \
	total.max_file sections..text.max_file sections..text.max_vm sections..rodata.max_vm \
	-- --budget "$TMPD/under.json" "$B"
ma check --budget "$TMPD/under.json" "$B" > "$TMPD/under.txt" 2>&1
check "check: text names the failed line with figure and limit" \
	grep -q "^  FAIL  MA-BUD-001  total.max_file: $SB bytes, over the limit of $((SB - 1)) by 1$" \
	"$TMPD/under.txt"
budget "$TMPD/equal.json" "\"total\": {\"max_file\": $SB},
  \"sections\": {\".text\": {\"max_file\": $TB, \"max_vm\": $TB}, \".rodata\": {\"max_vm\": $RB}}"
expect "limits equal to B's figures pass" 0 -- --budget "$TMPD/equal.json" "$B"
budget "$TMPD/over.json" "\"total\": {\"max_file\": $((SB + 1))},
  \"sections\": {\".text\": {\"max_vm\": $((TB + 1))}}"
expect "limits one byte over B's figures pass" 0 -- --budget "$TMPD/over.json" "$B"
expect "the same budget passes the smaller variant A" 0 -- --budget "$TMPD/equal.json" "$A"

# ---- growth against a baseline report of A ------------------------------------------------
ma -f json -o "$TMPD/A.report.json" "$A" 2>/dev/null
G=$((SB - SA))
PCT_UNDER=$(python3 -c "print('%.6f' % (100.0 * $G / $SA * 0.999))")
PCT_OVER=$(python3 -c "print('%.6f' % (100.0 * $G / $SA * 1.001))")
budget "$TMPD/g-under.json" "\"growth\": {\"max_file\": $((G - 1)), \"max_file_percent\": $PCT_UNDER}"
expect "growth one byte (and 0.1%) under B - A fails" 1 growth.max_file growth.max_file_percent \
	-- --budget "$TMPD/g-under.json" --baseline "$TMPD/A.report.json" "$B"
budget "$TMPD/g-over.json" "\"growth\": {\"max_file\": $G, \"max_file_percent\": $PCT_OVER}"
expect "growth equal to B - A (and 0.1% over) passes" 0 \
	-- --budget "$TMPD/g-over.json" --baseline "$TMPD/A.report.json" "$B"
expect "growth against the image A itself, not its report: the same" 0 \
	-- --budget "$TMPD/g-over.json" --baseline "$A" "$B"
ma check -f json --budget "$TMPD/g-under.json" "$B" > "$TMPD/nobase.json" 2>/dev/null
rc=$?
check "check: growth without --baseline: exit 0" [ "$rc" -eq 0 ]
check "check: growth without --baseline is skipped, not failed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [l["status"] for l in d["lines"]] == ["skip", "skip"] and d["counts"]["skipped"] == 2
' "$TMPD/nobase.json"

# ---- facilities and devices ---------------------------------------------------------------
budget "$TMPD/fac.json" '"facilities": {"sealed": ["crypto"]},
  "devices": {"required": ["service"], "forbidden": ["storage"]}'
if nm "$A" | grep -qE ' (camlMirage_crypto|mc_)'; then
	fail "check: A has no mirage-crypto symbol (nm)" "the variant A is not what it claims"
else
	expect "crypto sealed and storage forbidden: A passes (nm: no crypto symbol; no storage in its manifest)" \
		0 -- --budget "$TMPD/fac.json" "$A"
fi
expect "crypto sealed and storage forbidden: B fails both" 1 \
	devices.forbidden.storage facilities.sealed.crypto -- --budget "$TMPD/fac.json" "$B"
cp "$TMPD/out.json" "$TMPD/fac-B.json"
nm "$B" > "$TMPD/B.nm"
objdump -d --no-show-raw-insn "$B" > "$TMPD/B.dis" 2>/dev/null
python3 - "$TMPD/fac-B.json" "$TMPD/B.nm" "$TMPD/B.dis" "$B" <<'PY' &&
import json, re, subprocess, sys
doc, nmf, dis, img = sys.argv[1:]
line = [l for l in json.load(open(doc))["lines"] if l["key"] == "facilities.sealed.crypto"][0]
w = line["witness"]
assert line["verdict"] == "reachable" and len(w) >= 2, line
syms = {}
for l in open(nmf):
    f = l.split()
    if len(f) == 3:
        syms.setdefault(f[2], set()).add(int(f[0], 16))
entry = int(re.search(r"Entry point address:\s+0x([0-9a-f]+)",
                      subprocess.run(["readelf", "-h", img], capture_output=True,
                                     text=True).stdout).group(1), 16)
# A root: the ELF entry, or the platform entry solo5_app_main (docs/reachability.md).
first = w[0]
assert int(first["address"], 16) == entry or first["name"] == "solo5_app_main", first
for s in w:
    assert int(s["address"], 16) in syms.get(s["name"], ()), "not an nm symbol: %s" % s
# Each step's disassembly names the next step's address (a call, jump or address operand).
bodies, cur = {}, None
for l in open(dis):
    m = re.match(r"^([0-9a-f]+) <(.+)>:$", l)
    if m:
        cur = m.group(2)
        bodies[cur] = []
    elif cur:
        bodies[cur].append(l)
for p, q in zip(w, w[1:]):
    target = "%x" % int(q["address"], 16)
    assert any(re.search(r"\b(0x)?%s\b" % target, l) for l in bodies.get(p["name"], [])), \
        "%s does not refer to %s at %s" % (p["name"], q["name"], target)
assert re.match(r"(camlMirage_crypto|mc_)", w[-1]["name"]), w[-1]
PY
pass "check: B's crypto witness: a root first, nm symbols, each step's code refers to the next, ends in mirage-crypto" ||
fail "check: B's crypto witness" "see above"
ma check --budget "$TMPD/fac.json" "$B" > "$TMPD/fac.txt" 2>&1
check "check: text shows the witness under the failed facility line" \
	grep -qE '^ +via (_start|solo5_app_main) -> .* -> (camlMirage_crypto|mc_)' "$TMPD/fac.txt"
budget "$TMPD/bad-fac.json" '"facilities": {"unreachable": ["no-such-facility"]}'
ma check --budget "$TMPD/bad-fac.json" "$B" > "$TMPD/o" 2> "$TMPD/e"
check "check: a facility the catalogue lacks: exit 2, one line naming the budget" \
	[ $? -eq 2 ] && [ ! -s "$TMPD/o" ] && [ "$(wc -l < "$TMPD/e")" -eq 1 ] &&
	grep -q "^mirage-audit: $TMPD/bad-fac.json: .*no-such-facility" "$TMPD/e"

# ---- ratchet --------------------------------------------------------------------------
budget "$TMPD/loose.json" "\"comment\": \"kept\", \"total\": {\"max_file\": $((SB * 2)), \"max_vm\": 1},
  \"sections\": {\".text\": {\"max_file\": $((TB + 4096))}}, \"growth\": {\"max_file\": 77}"
cp "$TMPD/loose.json" "$TMPD/loose.orig"
ma check --budget "$TMPD/loose.json" --ratchet "$TMPD/tight.json" "$B" > /dev/null 2>&1
rc=$?
check "check: the ratchet run exits 1 (total.max_vm is violated) and leaves its input alone" \
	[ "$rc" -eq 1 ] && cmp -s "$TMPD/loose.json" "$TMPD/loose.orig"
python3 - "$TMPD/tight.json" "$SB" "$TB" <<'PY' &&
import json, sys
b = json.load(open(sys.argv[1]))
sb, tb = int(sys.argv[2]), int(sys.argv[3])
assert b["schema"] == "mirage-audit/budget" and b["comment"] == "kept", b
assert b["total"] == {"max_file": sb, "max_vm": 1}, b["total"]
assert b["sections"] == {".text": {"max_file": tb}}, b["sections"]
assert b["growth"] == {"max_file": 77}, b["growth"]
PY
pass "check: the ratcheted budget has B's stat and readelf figures; a violated limit and growth are kept" ||
fail "check: ratcheted budget" "see above"
python3 -c '
import json, sys
b = json.load(open(sys.argv[1])); del b["total"]["max_vm"]
json.dump(b, open(sys.argv[2], "w"))' "$TMPD/tight.json" "$TMPD/tight2.json"
expect "the ratcheted budget (less the violated line) then passes B" 0 -- --budget "$TMPD/tight2.json" "$B"
cp "$TMPD/tight2.json" "$TMPD/inplace.json"
ma check --budget "$TMPD/inplace.json" --ratchet "$TMPD/inplace.json" "$A" > /dev/null 2>&1
check "check: ratchet in place on the smaller A lowers total.max_file to A's size" \
	[ "$(python3 -c "import json; print(json.load(open('$TMPD/inplace.json'))['total']['max_file'])")" = "$SA" ]
expect "B against the budget ratcheted on A fails" 1 total.max_file sections..text.max_file \
	-- --budget "$TMPD/inplace.json" "$B"

# Every fixed line at once (2 totals, reachable, 4 growth lines) and nothing else: 7 lines.
budget "$TMPD/fixed.json" "\"total\": {\"max_file\": $SB, \"max_vm\": $((SB * 2))},
  \"reachable\": {\"max_vm\": $((SB * 2))},
  \"growth\": {\"max_file\": $SB, \"max_vm\": $SB, \"max_file_percent\": 1000, \"max_vm_percent\": 1000}"
ma check -f json --budget "$TMPD/fixed.json" --baseline "$TMPD/A.report.json" "$B" > "$TMPD/fixed.out" 2>/dev/null
rc=$?
check "check: a budget with every fixed limit passes (exit 0)" [ "$rc" -eq 0 ]
check "check: a budget with every fixed limit gives its 7 lines" \
	[ "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["lines"]))' \
		"$TMPD/fixed.out" 2>/dev/null)" = 7 ]

# ---- formats: SARIF, JUnit, Markdown, JSON schema ------------------------------------
budget "$TMPD/mix.json" "\"total\": {\"max_file\": $((SB - 1)), \"max_vm\": $((SB * 2))},
  \"growth\": {\"max_vm\": 1}, \"facilities\": {\"sealed\": [\"crypto\", \"tls\"]},
  \"devices\": {\"forbidden_types\": [\"BLOCK_BASIC\"]}"
# lines: total.max_file fail, total.max_vm pass, growth skip, crypto fail, tls pass, type fail
ma check -f sarif --budget "$TMPD/mix.json" "$B" > "$TMPD/c.sarif" 2>/dev/null
rc=$?
if ! [ -f "$SCHEMA" ]; then
	fail "check: SARIF schema" "$SCHEMA missing: run 'make setup' (it fetches the schema)"
else
	python3 - "$TMPD/c.sarif" "$SCHEMA" "$rc" <<'PY' &&
import copy, json, sys
import jsonschema
doc, schema, rc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
assert rc == 1, "exit %d" % rc
jsonschema.validate(doc, schema)
bad = copy.deepcopy(doc)
bad["runs"][0]["results"][0]["level"] = "fatal"
try:
    jsonschema.validate(bad, schema)
    raise SystemExit("the schema accepted level 'fatal': the validator is not validating")
except jsonschema.ValidationError:
    pass
res = doc["runs"][0]["results"]
bud = sorted(r["ruleId"] for r in res if r["ruleId"].startswith("MA-BUD-"))
assert bud == ["MA-BUD-001", "MA-BUD-006", "MA-BUD-010"], bud
rules = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in res)
crypto = [r for r in res if r["ruleId"] == "MA-BUD-006"][0]
assert crypto["codeFlows"][0]["threadFlows"][0]["locations"], crypto
PY
	pass "check: SARIF validates against SARIF 2.1.0 (a broken copy does not); 3 budget results with rule ids and a code flow" ||
	fail "check: SARIF" "see above"
fi
ma check -f junit --budget "$TMPD/mix.json" "$B" > "$TMPD/c.xml" 2>/dev/null
python3 - "$TMPD/c.xml" <<'PY' &&
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
fails = [c for c in cases if c.find("failure") is not None]
skips = [c for c in cases if c.find("skipped") is not None]
assert len(cases) == 6 and len(fails) == 3 and len(skips) == 1, (len(cases), len(fails), len(skips))
for el in (root, root.find("testsuite")):
    assert (el.get("tests"), el.get("failures"), el.get("skipped")) == ("6", "3", "1"), el.attrib
assert sorted(c.get("name") for c in fails) == ["devices.forbidden_types.BLOCK_BASIC",
                                                "facilities.sealed.crypto", "total.max_file"]
PY
pass "check: JUnit parses: 6 test cases, 3 failures, 1 skipped, as the budget has" ||
fail "check: JUnit" "see above"
ma check -f md --budget "$TMPD/mix.json" "$B" > "$TMPD/c.md" 2>/dev/null
check "check: Markdown: a verdict heading and one table row per budget line (6)" \
	grep -q '^### mirage-audit check: .*FAIL' "$TMPD/c.md" &&
	[ "$(grep -cE '^\| (pass|skip|❌ \*\*fail\*\*) \| ' "$TMPD/c.md")" -eq 6 ]
ma check -f json --budget "$TMPD/mix.json" --baseline "$TMPD/A.report.json" "$B" > "$TMPD/c.json" 2>/dev/null
python3 - "$TMPD/c.json" "$TOP/docs/check.schema.json" "$TOP/docs/budget.schema.json" \
	"$TMPD/mix.json" <<'PY' &&
import json, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, json.load(open(sys.argv[2])))
jsonschema.validate(json.load(open(sys.argv[4])), json.load(open(sys.argv[3])))
# With the baseline, growth.max_vm (1 byte) is measured too, and B grew: 4 fail.
assert doc["verdict"] == "fail" and doc["counts"] == {"lines": 6, "passed": 2, "failed": 4,
                                                      "skipped": 0}, doc["counts"]
assert doc["against_baseline"]["total"]["file_delta"] > 0
PY
pass "check: JSON validates against docs/check.schema.json, the budget against docs/budget.schema.json" ||
fail "check: JSON schema" "see above"

python3 - "$TOP/docs/check.schema.json" "$TOP/docs/report.schema.json" <<'PY' &&
import json, sys
c, r = (json.load(open(p))["$defs"] for p in sys.argv[1:])
shared = sorted(k for k in c if k != "line")
assert shared and all(c[k] == r[k] for k in shared), [k for k in shared if c[k] != r.get(k)]
PY
pass "check: check.schema.json's shared \$defs are identical to report.schema.json's" ||
fail "check: shared \$defs" "see above"

# The budget docs/ci.md shows: it holds for ocaml-net; B breaks its crypto, mirage-crypto,
# BLOCK_BASIC and growth lines (what B adds, by its construction).
EXB=$TOP/examples/ocaml-net/budget.json
expect "examples/ocaml-net/budget.json holds for ocaml-net" 0 -- --budget "$EXB" "$A"
expect "examples/ocaml-net/budget.json: B breaks the lines of what it adds" 1 \
	facilities.sealed.crypto libraries.mirage-crypto.max_vm devices.forbidden_types.BLOCK_BASIC \
	growth.max_file growth.max_vm_percent reachable.max_vm \
	-- --budget "$EXB" --baseline "$TMPD/A.report.json" "$B"
python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
	"$EXB" "$TOP/docs/budget.schema.json" &&
	pass "check: examples/ocaml-net/budget.json validates against docs/budget.schema.json" ||
	fail "check: examples/ocaml-net/budget.json" "does not validate"

# A stripped image (readelf: no .symtab) cannot tell a library's bytes: those lines fail with
# a null figure, "unknown" facilities fail, sections are still measured.
S=$EXAMPLES/ocaml-net-stripped/ocaml-net.stripped.spt
if [ -f "$S" ] && ! readelf -SW "$S" | grep -q ' \.symtab '; then
	budget "$TMPD/strip.json" "\"libraries\": {\"lwt\": {\"max_vm\": 100000000}},
  \"sections\": {\".text\": {\"max_vm\": $(sec "$S" .text)}}, \"facilities\": {\"sealed\": [\"tls\"]}"
	expect "stripped: a library limit and a sealed facility cannot be shown: both fail" 1 \
		libraries.lwt.max_vm facilities.sealed.tls -- --budget "$TMPD/strip.json" "$S"
	python3 -c '
import json, sys
d = {l["key"]: l for l in json.load(open(sys.argv[1]))["lines"]}
assert d["libraries.lwt.max_vm"]["figure"] is None, d["libraries.lwt.max_vm"]
assert d["facilities.sealed.tls"]["verdict"] == "unknown"
assert d["sections..text.max_vm"]["status"] == "pass"' "$TMPD/out.json" &&
		pass "check: stripped: null figure for the library, unknown verdict, .text measured" ||
		fail "check: stripped figures" "see above"
fi

# ---- bad budgets and usage ------------------------------------------------------------
err2() { # err2 NAME ARGS...: exit 2, one line on stderr, nothing on stdout
	name=$1; shift
	ma "$@" > "$TMPD/o" 2> "$TMPD/e"
	rc=$?
	if [ "$rc" -eq 2 ] && ! [ -s "$TMPD/o" ] && [ "$(wc -l < "$TMPD/e")" -eq 1 ]; then
		pass "check: $name: exit 2, one line"
	else
		fail "check: $name" "exit $rc, $(wc -l < "$TMPD/e") stderr lines: $(head -n 2 "$TMPD/e")"
	fi
}
printf '{"schema": "mirage-audit/budget", "schema_version": 1, "totl": {}}\n' > "$TMPD/typo.json"
err2 "a misspelt key" check --budget "$TMPD/typo.json" "$B"
grep -q "'totl' is not a budget key" "$TMPD/e" || fail "check: the misspelt key is named" "$(cat "$TMPD/e")"
printf '{"schema": "mirage-audit/budget", "schema_version": 1, "total": {"max_file": -1}}\n' > "$TMPD/neg.json"
err2 "a negative limit" check --budget "$TMPD/neg.json" "$B"
printf '{"schema": "mirage-audit/budget", "schema_version": 1, "total": {"max_file": "1"}}\n' > "$TMPD/str.json"
err2 "a limit that is a string" check --budget "$TMPD/str.json" "$B"
printf '{"schema": "mirage-audit/report", "schema_version": 1}\n' > "$TMPD/other.json"
err2 "another document" check --budget "$TMPD/other.json" "$B"
printf '{"schema": "mirage-audit/budget", "schema_version": 1' > "$TMPD/cut.json"
err2 "truncated JSON" check --budget "$TMPD/cut.json" "$B"
printf '{"schema": "mirage-audit/budget", "schema_version": 1, "total": {"max_file": 1}, "total": {}}\n' > "$TMPD/dup.json"
err2 "a repeated key" check --budget "$TMPD/dup.json" "$B"
err2 "a directory as budget" check --budget "$TMPD" "$B"
err2 "a missing budget" check --budget "$TMPD/none.json" "$B"
usage2() { # usage2 NAME ARGS...: exit 2, a "mirage-audit: " line and the --help hint, no stdout
	name=$1; shift
	ma "$@" > "$TMPD/o" 2> "$TMPD/e"
	rc=$?
	if [ "$rc" -eq 2 ] && ! [ -s "$TMPD/o" ] && head -n 1 "$TMPD/e" | grep -q '^mirage-audit: ' &&
	   [ "$(wc -l < "$TMPD/e")" -le 2 ]; then
		pass "check: $name: usage error, exit 2"
	else
		fail "check: $name" "exit $rc, stderr: $(head -n 2 "$TMPD/e")"
	fi
}
usage2 "no --budget" check "$B"
usage2 "two images" check --budget "$TMPD/equal.json" "$A" "$B"
err2 "a baseline that is neither image nor report" check --budget "$TMPD/g-over.json" \
	--baseline "$TMPD/typo.json" "$B"
usage2 "format csv is not offered by check" check -f csv --budget "$TMPD/equal.json" "$B"
usage2 "format junit is not offered by report" report -f junit "$B"
cp "$B" "$TMPD/img.spt"
cp "$TMPD/equal.json" "$TMPD/keep.json"
usage2 "-o naming the image" check --budget "$TMPD/keep.json" -o "$TMPD/img.spt" "$TMPD/img.spt"
usage2 "-o naming the budget" check --budget "$TMPD/keep.json" -o "$TMPD/keep.json" "$TMPD/img.spt"
usage2 "--ratchet naming the image" check --budget "$TMPD/keep.json" --ratchet "$TMPD/img.spt" "$TMPD/img.spt"
usage2 "--ratchet naming the baseline" check --budget "$TMPD/keep.json" --baseline "$A" --ratchet "$A" "$TMPD/img.spt"
usage2 "report -o naming its image" -o "$TMPD/img.spt" "$TMPD/img.spt"
usage2 "diff -o naming an input" diff -o "$TMPD/img.spt" "$A" "$TMPD/img.spt"
check "check: the inputs named as outputs are untouched" cmp -s "$B" "$TMPD/img.spt"
check "check: the budget named as output is untouched" cmp -s "$TMPD/equal.json" "$TMPD/keep.json"
ma check -o "$TMPD/never" --budget "$TMPD/typo.json" "$B" > /dev/null 2>&1
check "check: no -o file is left behind on an input error" [ ! -e "$TMPD/never" ]
exit 0
