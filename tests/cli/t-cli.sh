#!/bin/sh
# SPDX-License-Identifier: ISC
# A command line that refuses what it does not do (issue 11, part 2):
#  1. each command takes exactly the options its --help names: every other option of the tool
#     (the union of every help) is refused with exit 2, nothing on stdout and one line naming
#     the option and the command; each named option is accepted (exit 0), with the option it
#     is nested under in the help where there is one, and refused without it;
#  2. a misspelt command is named with the nearest command and runs nothing; a word that is an
#     existing file is an image; -n with a bad value says what it wanted, without one that it
#     needs one;
#  3. several images with -f json are one JSON text (an array of the one-image documents),
#     -f jsonl one document per line, csv one header, sarif one log with a run per image;
#  4. -n has one default, 20, in every command that takes it; a facility's witness line keeps
#     its root and its target and counts the steps it leaves out (truth: the JSON chain);
#  5. names from the image reach stderr escaped: a copy of an example with a section name
#     patched to 0x83 and 0x1b gives no byte >= 0x80 or < 0x20 but newline on stderr.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "cli: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
	fail "cli: python3" "python3 is not installed ('make setup' installs it)"
	exit 1
fi

out=$TMPD/out err=$TMPD/err
# IMG: the first example with the symbol SYM (the --root and why sample); IMG2: another one.
SYM=solo5_app_main
IMG='' IMG2=''
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	[ -f "$EXAMPLES/$image" ] || continue
	if [ -z "$IMG" ] && readelf -sW "$EXAMPLES/$image" 2>/dev/null |
		awk -v s="$SYM" '$8 == s { f = 1 } END { exit !f }'; then
		IMG=$EXAMPLES/$image
	elif [ -z "$IMG2" ]; then
		IMG2=$EXAMPLES/$image
	fi
done < "$EXAMPLES/LIST"
if [ -z "$IMG" ] || [ -z "$IMG2" ]; then
	fail "cli: examples" "need two built examples, one with symbol $SYM: run 'make examples'"
	exit 1
fi
# MAP: IMG's GNU ld map (the --build and -M sample).
MAP=${IMG%.*}.map
if ! [ -f "$MAP" ]; then
	fail "cli: examples" "no link map $MAP next to $IMG: run 'make examples'"
	exit 1
fi

# run ARGS...: the tool, its stdout in $out, its stderr in $err, its status in $rc.
run() {
	rc=0
	ma "$@" > "$out" 2> "$err" || rc=$?
}

printf '{"schema": "mirage-audit/budget", "schema_version": 1}\n' > "$TMPD/budget.json"
cat > "$TMPD/ok.catalogue" <<'EOF'
facility my-app service - the application itself
match my-app unit exact Unikernel
EOF
printf 'unit exact Unikernel myapp application\n' > "$TMPD/ok.rules"
printf 'hypervisor bytes 1000\n' > "$TMPD/ok.external"
"$MA" facilities --certificate "$TMPD/ok.cert" -o "$TMPD/fac.out" "$IMG" > /dev/null 2>&1

# operands CMD: what CMD needs besides options.
operands() {
	case $1 in
	why) echo "$IMG $SYM" ;;
	why-linked) echo "-M $MAP $IMG $SYM" ;;
	diff) echo "$IMG $IMG" ;;
	check) echo "--budget $TMPD/budget.json $IMG" ;;
	verify) echo "$IMG $TMPD/ok.cert" ;;
	seal) echo "-o $TMPD/sealed.img $IMG" ;;
	*) echo "$IMG" ;;
	esac
}

# sample CMD OPTION: the option with a value of the kind it takes ("" when it takes none).
sample() {
	case $2 in
	-o|--output) echo "$2 $TMPD/opt.out" ;;
	-f|--format) if [ "$1" = graph ]; then echo "$2 dot"; else echo "$2 json"; fi ;;
	--rules) echo "$2 $TMPD/ok.rules" ;;
	--precision) echo "$2 ocaml" ;;
	--root) echo "$2 $SYM" ;;
	--catalogue) echo "$2 $TMPD/ok.catalogue" ;;
	--forbid|--require-sealed) echo "$2 compiler-libs" ;;
	--certificate) echo "$2 $TMPD/opt.cert" ;;
	-n) echo "$2 5" ;;
	-d) echo "$2 section" ;;
	-s|--sort) echo "$2 vm" ;;
	--level) echo "$2 module" ;;
	--focus) echo "$2 console" ;;
	--budget) echo "$2 $TMPD/budget.json" ;;
	--baseline) echo "$2 $IMG" ;;
	--ratchet) echo "$2 $TMPD/opt.ratchet" ;;
	--keep) echo "$2 $SYM" ;;
	--strip-debug|--strip-all|--check|--relink) echo "$2" ;;
	--build) echo "$2 ${IMG%/*}" ;;
	-M|--map) echo "$2 $MAP" ;;
	--external-tcb) echo "$2 $TMPD/ok.external" ;;
	-q|--quiet|-v|--verbose|--retained|--version|-h|--help) echo "$2" ;;
	*) echo "NO-SAMPLE" ;;
	esac
}

# nested CMD OPTION: the option its help nests it under (used only with it), or nothing.
nested() {
	case $1:$2 in
	size:--precision|size:--root) echo --retained ;;
	seal:--relink) echo "--build ${IMG%/*}" ;;
	dead:--catalogue) echo "--certificate $TMPD/opt.cert" ;;
	graph:--catalogue|graph:--focus) echo "--level facility" ;;
	check:-n) echo "--baseline $IMG" ;;
	esac
}

# help_options FILE: the options a help names, one per line: every -x/--xx token of the usage
# lines (up to the first blank line) and the option names starting the lines of the table.
help_options() {
	python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read().split("\n")
usage = text[:text.index("")] if "" in text else text
names = set()
for line in usage:
    names.update(re.findall(r"(?:^|[\s\[|])(--?[A-Za-z][A-Za-z-]*)", line))
for line in text:
    m = re.match(r"^ +(-[A-Za-z0-9])?(?:, )?(--[A-Za-z][A-Za-z-]*)?[ =]", line)
    if m and (m.group(1) or m.group(2)):
        names.update(g for g in m.groups() if g)
for n in sorted(names):
    print(n)
EOF
}

ma --help > "$TMPD/help.top" 2>/dev/null
commands=$(sed -n '/^commands:/,/^$/p' "$TMPD/help.top" | awk 'NF > 1 { print $1 }')
check "cli: --help lists the commands" [ "$(echo "$commands" | grep -c .)" -ge 10 ]
help_options "$TMPD/help.top" > "$TMPD/universe"
for c in $commands; do
	run "$c" --help
	check "cli: $c --help exits 0 with its usage" [ "$rc" -eq 0 -a -s "$out" ]
	cp "$out" "$TMPD/help.$c"
	help_options "$TMPD/help.$c" > "$TMPD/opts.$c"
	cat "$TMPD/opts.$c" >> "$TMPD/universe"
done
sort -u "$TMPD/universe" > "$TMPD/universe.s"
check "cli: the options of every help are many" [ "$(wc -l < "$TMPD/universe.s")" -ge 26 ]

# ---- 1. an option a command does not use is refused; those it uses are accepted ----------

for c in $commands; do
	# shellcheck disable=SC2046 # operands are paths without spaces
	set -- $(operands "$c")
	while read -r opt; do
		case $opt in -h|--help) continue ;; esac
		val=$(sample "$c" "$opt")
		if [ "$val" = NO-SAMPLE ]; then
			fail "cli: $c $opt" "no sample value for $opt in tests/cli/t-cli.sh"
			continue
		fi
		if grep -qx -- "$opt" "$TMPD/opts.$c"; then
			if [ "$c:$opt" = seal:--check ]; then
				# --check reads a sealed image (and its original) instead of writing one.
				"$MA" seal -o "$TMPD/sealed.img" "$IMG" > /dev/null 2>&1
				run seal --check "$TMPD/sealed.img" "$IMG"
			else
				# shellcheck disable=SC2086
				run "$c" $val $(nested "$c" "$opt") "$@"
			fi
			if [ "$rc" -eq 0 ]; then
				pass "cli: $c uses $opt"
			else
				fail "cli: $c uses $opt" "exit $rc: $(head -n 1 "$err")"
			fi
			continue
		fi
		# shellcheck disable=SC2086
		run "$c" $val "$@"
		if [ "$rc" -eq 2 ] && ! [ -s "$out" ] &&
			head -n 1 "$err" | grep -F -- "'$opt'" | grep -qw -- "$c"; then
			pass "cli: $c refuses $opt"
		else
			fail "cli: $c refuses $opt" "exit $rc, $(wc -c < "$out") bytes on stdout, stderr: \
$(head -n 1 "$err")"
		fi
	done < "$TMPD/universe.s"
done

# The issue's case: before the command too.
run --forbid compiler-libs size "$IMG"
check "cli: --forbid before size is refused" [ "$rc" -eq 2 -a ! -s "$out" ]

# Options nested in the help under another are refused without it.
for spec in "size --root $SYM" "size --precision ocaml" "dead --catalogue $TMPD/ok.catalogue" \
	"graph --catalogue $TMPD/ok.catalogue" "graph --level facility -n 5" \
	"graph --level facility --rules $TMPD/ok.rules" "check -n 5"; do
	# shellcheck disable=SC2086
	set -- $spec
	c=$1
	shift
	# shellcheck disable=SC2046,SC2086
	run "$c" "$@" $(operands "$c")
	if [ "$rc" -eq 2 ] && ! [ -s "$out" ] && grep -q "only with" "$err"; then
		pass "cli: $spec: refused without the option it is nested under"
	else
		fail "cli: $spec: refused without the option it is nested under" \
			"exit $rc, stderr: $(head -n 1 "$err")"
	fi
done

# ---- 2. misspelt commands, -n values -----------------------------------------------------

for pair in sizes:size daed:dead reprot:report facilites:facilities drivr:drivers whyy:why \
	grap:graph dif:diff chek:check verfy:verify; do
	word=${pair%%:*} want=${pair#*:}
	run "$word" "$IMG"
	if [ "$rc" -eq 2 ] && ! [ -s "$out" ] &&
		grep -qxF "mirage-audit: unknown command '$word'; did you mean '$want'?" "$err"; then
		pass "cli: '$word IMAGE': did you mean '$want'"
	else
		fail "cli: '$word IMAGE': did you mean '$want'" "exit $rc, $(wc -c < "$out") bytes \
on stdout, stderr: $(head -n 1 "$err")"
	fi
done
run help sizes
check "cli: help sizes: did you mean 'size'" \
	grep -qxF "mirage-audit: unknown command 'sizes'; did you mean 'size'?" "$err"
# A word that is an existing file is an image, however close to a command.
mkdir -p "$TMPD/w"
cp "$IMG" "$TMPD/w/sizes"
(cd "$TMPD/w" && "$MA" sizes > "$out" 2> "$err")
check "cli: an existing file named 'sizes' is an image" [ "$?" -eq 0 -a -s "$out" ]
run frobnicate "$IMG"
check "cli: a word far from every command is an image (cannot open)" \
	[ "$rc" -eq 2 -a "$(grep -c "frobnicate: cannot open" "$err")" -eq 1 ]

for c in report size dead graph diff check; do
	extra=$(nested "$c" -n)
	for v in x -1 99999999999999999999 5x ''; do
		# shellcheck disable=SC2046,SC2086
		run "$c" -n "$v" $extra $(operands "$c")
		if [ "$rc" -eq 2 ] && ! [ -s "$out" ] &&
			grep -qxF "mirage-audit: -n wants a count of rows, got '$v'" "$err"; then
			pass "cli: $c -n '$v': says what -n wants"
		else
			fail "cli: $c -n '$v': says what -n wants" "exit $rc, $(head -n 1 "$err")"
		fi
	done
	# shellcheck disable=SC2046,SC2086
	run "$c" $extra $(operands "$c") -n
	check "cli: $c ... -n: needs a value" \
		grep -qxF "mirage-audit: option '-n' needs a value: a count of rows" "$err"
done
run why -n 5 "$IMG" "$SYM"
check "cli: why -n 5: not used, not 'requires an argument'" \
	grep -qxF "mirage-audit: option '-n' is not used by why" "$err"
run --precision
check "cli: --precision without a value: needs one" \
	grep -q "^mirage-audit: option '--precision' needs a value: conservative or ocaml$" "$err"

# ---- 3. several images -------------------------------------------------------------------

# several.py KIND OUT SINGLE...: OUT against the one-image outputs SINGLE...
cat > "$TMPD/several.py" <<'EOF'
import json, sys
kind, path, singles = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, "rb").read()
one = [json.load(open(p)) for p in singles]
if kind == "json":
    doc = json.loads(raw)
    ok = isinstance(doc, list) and doc == one
elif kind == "jsonl":
    lines = raw.decode().split("\n")
    ok = lines[-1] == "" and [json.loads(l) for l in lines[:-1]] == one
else:
    doc = json.loads(raw)
    ok = doc["version"] == "2.1.0" and doc["runs"] == [d["runs"][0] for d in one]
sys.exit(0 if ok else 1)
EOF
for c in report size dead facilities drivers; do
	ma "$c" -f json "$IMG" > "$TMPD/one1.json" 2>/dev/null
	ma "$c" -f json "$IMG2" > "$TMPD/one2.json" 2>/dev/null
	run "$c" -f json "$IMG" "$IMG2"
	check "cli: $c -f json, two images: valid JSON (json.tool)" python3 -m json.tool "$out" /dev/null
	check "cli: $c -f json, two images: the array of the one-image documents" \
		python3 "$TMPD/several.py" json "$out" "$TMPD/one1.json" "$TMPD/one2.json"
	run "$c" -f jsonl "$IMG" "$IMG2"
	check "cli: $c -f jsonl, two images: two lines, each the one-image document" \
		python3 "$TMPD/several.py" jsonl "$out" "$TMPD/one1.json" "$TMPD/one2.json"
	ma "$c" -f csv "$IMG" > "$TMPD/one1.csv" 2>/dev/null
	ma "$c" -f csv "$IMG2" > "$TMPD/one2.csv" 2>/dev/null
	run "$c" -f csv "$IMG" "$IMG2"
	check "cli: $c -f csv, two images: one header, then the rows of both" \
		[ "$(head -n 1 "$out")" = "$(head -n 1 "$TMPD/one1.csv")" -a \
		"$(grep -cxF "$(head -n 1 "$TMPD/one1.csv")" "$out")" -eq 1 -a \
		"$(wc -l < "$out")" -eq $(($(wc -l < "$TMPD/one1.csv") + $(wc -l < "$TMPD/one2.csv") - 1)) ]
done
for c in report facilities drivers; do
	ma "$c" -f sarif "$IMG" > "$TMPD/one1.sarif" 2>/dev/null
	ma "$c" -f sarif "$IMG2" > "$TMPD/one2.sarif" 2>/dev/null
	run "$c" -f sarif "$IMG" "$IMG2"
	check "cli: $c -f sarif, two images: one log, one run per image" \
		python3 "$TMPD/several.py" sarif "$out" "$TMPD/one1.sarif" "$TMPD/one2.sarif"
done
run -f json "$IMG" "$TMPD/no-such-image" "$IMG2"
check "cli: -f json, an unreadable image among three: exit 2" [ "$rc" -eq 2 ]
check "cli: -f json, an unreadable image among three: an array of the two others" \
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(len(d) != 2)' "$out"
run -f json "$IMG"
check "cli: -f json, one image: the document itself, not an array" \
	python3 -c 'import json, sys; sys.exit(not isinstance(json.load(open(sys.argv[1])), dict))' "$out"

# ---- 4. one -n default; witness lines keep their root ------------------------------------

for c in report size dead graph diff check; do
	check "cli: $c --help: -n's default is 20" grep -q '(default 20, 0 = all)' "$TMPD/help.$c"
	extra=$(nested "$c" -n)
	# shellcheck disable=SC2046,SC2086
	ma "$c" $extra $(operands "$c") > "$TMPD/n.default" 2>/dev/null
	# shellcheck disable=SC2046,SC2086
	ma "$c" -n 20 $extra $(operands "$c") > "$TMPD/n.20" 2>/dev/null
	check "cli: $c without -n is $c -n 20" cmp -s "$TMPD/n.default" "$TMPD/n.20"
done
# Not vacuous: an image with more than 20 modules folds them without -n (and did at 10).
big=''
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	[ -f "$EXAMPLES/$image" ] || continue
	if [ "$(nm "$EXAMPLES/$image" 2>/dev/null | grep -c '__code_begin$')" -gt 20 ]; then
		big=$EXAMPLES/$image
		break
	fi
done < "$EXAMPLES/LIST"
if [ -n "$big" ]; then
	ma report "$big" > "$TMPD/r.default" 2>/dev/null
	ma report -n 10 "$big" > "$TMPD/r.10" 2>/dev/null
	check "cli: report's default is not the old 10 rows" [ "$(cmp -s "$TMPD/r.default" \
		"$TMPD/r.10" && echo same)" != same ]
	check "cli: report without -n folds the modules past 20" grep -q '\[[0-9]* others\]' \
		"$TMPD/r.default"
else
	fail "cli: -n default" "no example has more than 20 OCaml units (nm: __code_begin)"
fi

# witness.py TEXT JSON: each facility's text line holds its JSON witness chain: whole when
# it has at most 8 nodes, else the root, "[K steps left out]", the last 7. Prints the longest.
cat > "$TMPD/witness.py" <<'EOF'
import json, sys
text = open(sys.argv[1]).read().split("\n")
doc = json.load(open(sys.argv[2]))
longest, bad = 0, []
for f in doc["facilities"]:
    w = [s["name"] for s in (f.get("witness") or [])]
    if not w:
        continue
    longest = max(longest, len(w))
    if len(w) <= 8:
        want = " -> ".join(w)
    else:
        k = len(w) - 8
        want = " -> ".join([w[0], "[%d step%s left out]" % (k, "" if k == 1 else "s")] + w[-7:])
    line = [l for l in text if l.split(" ")[0] == f["name"]]
    if len(line) != 1 or (" " + want) not in line[0]:
        bad.append(f["name"])
print(longest)
sys.exit(1 if bad else 0)
EOF
longest=0
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	[ -f "$EXAMPLES/$image" ] || continue
	ma facilities "$EXAMPLES/$image" > "$TMPD/w.txt" 2>/dev/null
	ma facilities -f json "$EXAMPLES/$image" > "$TMPD/w.json" 2>/dev/null
	n=$(python3 "$TMPD/witness.py" "$TMPD/w.txt" "$TMPD/w.json")
	check "cli: $name: every witness line keeps its root and target" [ "$?" -eq 0 ]
	[ "${n:-0}" -gt "$longest" ] && longest=$n
done < "$EXAMPLES/LIST"
check "cli: some example has a witness longer than a line shows (8), so elision is tested" \
	[ "$longest" -gt 8 ]

# ---- 5. names from the image are escaped on stderr ---------------------------------------

# patch.py IN OUT BYTE: OUT is IN with a byte of the .comment section's name set to BYTE and
# the section moved past the end of the file (the loader warns, naming it).
cat > "$TMPD/patch.py" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
stro, = struct.unpack_from("<Q", b, shoff + shstrndx * shentsize + 0x18)
for i in range(1, shnum):
    hdr = shoff + i * shentsize
    name, = struct.unpack_from("<I", b, hdr)
    if b[stro + name:stro + name + 9] == b".comment\0":
        b[stro + name + 2] = int(sys.argv[3], 16)
        struct.pack_into("<Q", b, hdr + 0x18, len(b) + 0x1000)
        open(sys.argv[2], "wb").write(b)
        sys.exit(0)
sys.exit(1)
EOF
cat > "$TMPD/clean.py" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(1 if any(c >= 0x80 or (c < 0x20 and c != 10) for c in data) else 0)
EOF
for byte in 83 1b; do
	m=$TMPD/patched-$byte
	check "cli: a copy with the byte 0x$byte in a section name" python3 "$TMPD/patch.py" \
		"$IMG" "$m" "$byte"
	for args in "report" "size" "dead" "facilities" "drivers" "why _ $SYM" "graph" \
		"check --budget $TMPD/budget.json" "diff $IMG"; do
		set -- $args
		c=$1
		shift
		if [ "$c" = why ]; then
			ma why "$m" "$SYM" > "$out" 2> "$err"
		else
			# shellcheck disable=SC2086
			ma "$c" "$@" "$m" > "$out" 2> "$err"
		fi
		check "cli: $c, section name with 0x$byte: stderr has only printable ASCII" \
			python3 "$TMPD/clean.py" "$err"
		check "cli: $c, section name with 0x$byte: the warning names the section" \
			grep -q "warning: section '\.c.*ment' ignored" "$err"
	done
	if [ "$byte" = 83 ]; then
		check "cli: 0x83 is written as \\x83" grep -qF '\x83' "$err"
	fi
done
exit 0
