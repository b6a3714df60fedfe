#!/bin/sh
# SPDX-License-Identifier: ISC
# The command line, end to end: --help of the tool and of each command (report, size, dead,
# why; "help CMD" is "CMD --help"); every option the help texts name is accepted, with a
# sample value per placeholder (the help is kept honest, as bpftool's synctypes test does),
# and every line of an option table is in the table's format; --precision and --root in
# every command; usage errors exit 2 with one "mirage-audit: " line on stderr and nothing
# on stdout (a bad --precision, an unknown --root symbol named, why without its NAME);
# -o FILE writes what stdout would get, atomically; --rules changes attribution and
# rejects a malformed file by name and line; --version prints the Makefile's version.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
TRUTH_PY=$TOP/tests/e2e/truth.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "cli: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 || exit 1

# IMG: the first example; OCAML: the first unstripped example that declares the unit Unikernel;
# SYM_IMG: the first example whose symbol table has SYM, the --root and why sample.
SYM=solo5_app_main
IMG='' OCAML='' SYM_IMG=''
while read -r name image _; do
	case $name in ''|'#'*) continue ;; esac
	[ -f "$EXAMPLES/$image" ] || continue
	[ -n "$IMG" ] || IMG=$EXAMPLES/$image
	if [ -z "$SYM_IMG" ] && readelf -sW "$EXAMPLES/$image" 2>/dev/null |
		awk -v s="$SYM" '$8 == s { f = 1 } END { exit !f }'; then
		SYM_IMG=$EXAMPLES/$image
	fi
	if [ -z "$OCAML" ] && grep -q '^ocaml-unit Unikernel$' "$TOP/examples/$name/truth.txt" 2>/dev/null &&
		readelf -SW "$EXAMPLES/$image" 2>/dev/null | grep -q ' \.symtab '; then
		OCAML=$EXAMPLES/$image
	fi
done < "$EXAMPLES/LIST"
# MAP, SYM_MAP: the GNU ld maps next to IMG and SYM_IMG (the --build, -M and why-linked samples).
MAP=${IMG%.*}.map SYM_MAP=${SYM_IMG%.*}.map
if [ -z "$IMG" ]; then
	fail "cli: examples" "no image of $EXAMPLES/LIST is built: run 'make examples'"
	exit 1
fi
if [ -z "$SYM_IMG" ]; then
	fail "cli: examples" "no example has a symbol $SYM (readelf -sW)"
	exit 1
fi

out=$TMPD/out err=$TMPD/err

# run ARGS...: the tool with stdout in $out and stderr in $err; sets $rc.
run() {
	ma "$@" > "$out" 2> "$err"
	rc=$?
}

# one_message: stderr holds exactly one message, "mirage-audit: ...", besides usage text
# (lines starting with "usage:" or blank space) and the "Try '...'" hint.
one_message() {
	msgs=$(grep -vE "^(usage:|Try '|[[:space:]]|$)" "$err")
	[ "$(printf '%s\n' "$msgs" | grep -c .)" -eq 1 ] && case $msgs in "mirage-audit: "*) true ;; *) false ;; esac
}

# usage_error NAME ARGS...: exit 2, empty stdout, one "mirage-audit: " message.
usage_error() {
	ue_name=$1
	shift
	run "$@"
	if [ "$rc" -eq 2 ] && ! [ -s "$out" ] && one_message; then
		pass "cli: $ue_name: exit 2, one message"
	else
		fail "cli: $ue_name: exit 2, one message" \
			"exit $rc, $(wc -c < "$out") bytes on stdout, stderr: $(head -n 3 "$err" | tr '\n' '|')"
	fi
}

# naming_error NAME WORD ARGS...: as usage_error, and the message quotes WORD.
naming_error() {
	ne_name=$1 ne_word=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 2 ] && ! [ -s "$out" ] && one_message && grep -qF "'$ne_word'" "$err"; then
		pass "cli: $ne_name: exit 2, one message naming '$ne_word'"
	else
		fail "cli: $ne_name: exit 2, one message naming '$ne_word'" \
			"exit $rc, $(wc -c < "$out") bytes on stdout, stderr: $(head -n 3 "$err" | tr '\n' '|')"
	fi
}

# operands CMD: what CMD needs after its options: IMAGE, and for why a NAME too.
operands() {
	case $1 in
	why) echo "$SYM_IMG $SYM" ;;
	why-linked) echo "-M $SYM_MAP $SYM_IMG $SYM" ;;
	diff) echo "$IMG $IMG" ;;
	check)
		printf '{"schema": "mirage-audit/budget", "schema_version": 1}\n' > "$TMPD/cli.budget"
		echo "--budget $TMPD/cli.budget $IMG" ;;
	seal) echo "-o $TMPD/cli.sealed $IMG" ;;
	verify)
		"$MA" facilities --certificate "$TMPD/cli.cert" -o "$TMPD/cli.fac" "$IMG" >/dev/null 2>&1
		echo "$IMG $TMPD/cli.cert" ;;
	*) echo "$IMG" ;;
	esac
}

# ---- help --------------------------------------------------------------------------------

for args in "--help" "-h" "report --help" "report -h" "size --help" "size -h" "dead --help" \
	"dead -h" "why --help" "why -h" "help" "help report" "help size" "help dead" "help why"; do
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" -eq 0 ] && head -n 1 "$out" | grep -q '^usage: ' && ! [ -s "$err" ]; then
		pass "cli: $args: usage on stdout, exit 0"
	else
		fail "cli: $args: usage on stdout, exit 0" \
			"exit $rc, stdout starts '$(head -n 1 "$out")', stderr '$(head -n 1 "$err")'"
	fi
done
ma --help > "$TMPD/help.top" 2>/dev/null
for c in report size dead why; do
	ma "$c" --help > "$TMPD/help.$c" 2>/dev/null
	ma help "$c" > "$TMPD/help.a" 2>/dev/null
	# "help CMD" prints CMD's own help, not the tool's ("[report]": the default command).
	case $(head -n 1 "$TMPD/help.a" | cut -d' ' -f1-3) in
	"usage: mirage-audit $c"|"usage: mirage-audit [$c]") pass "cli: help $c prints the usage of $c" ;;
	*) fail "cli: help $c prints the usage of $c" "it starts '$(head -n 1 "$TMPD/help.a")'" ;;
	esac
done

commands=$(python3 "$TRUTH_PY" help-list "$TMPD/help.top" commands)
if [ -z "$commands" ]; then
	fail "cli: --help lists commands" "no 'commands:' section in mirage-audit --help"
fi
for c in $commands; do
	# STYLE.md: "mirage-audit help CMD is the same as mirage-audit CMD --help".
	ma help "$c" > "$TMPD/help.a" 2>&1
	ma "$c" --help > "$TMPD/help.b" 2>&1
	if cmp -s "$TMPD/help.a" "$TMPD/help.b"; then
		pass "cli: help $c = $c --help"
	else
		fail "cli: help $c = $c --help" "help $c prints '$(sed -n 1p "$TMPD/help.a")' ($(wc -l \
			< "$TMPD/help.a") lines), $c --help '$(sed -n 1p "$TMPD/help.b")' ($(wc -l \
			< "$TMPD/help.b") lines)"
	fi
	# shellcheck disable=SC2046 # image paths without spaces, split on purpose
	run "$c" $(operands "$c")
	check "cli: command '$c' named in --help runs" [ "$rc" -eq 0 ]
done
listed=" $(printf '%s\n' "$commands" | tr '\n' ' ')"
for c in report size dead why; do
	case $listed in
	*" $c "*) pass "cli: --help lists command '$c'" ;;
	*) fail "cli: --help lists command '$c'" "commands:$listed" ;;
	esac
done

# ---- every documented option is accepted ------------------------------------------------

cat > "$TMPD/ok.catalogue" <<'EOF'
# a valid catalogue: one facility of the user's own
facility my-app service - the application itself
match my-app unit exact Unikernel
EOF

# a valid --external-tcb list (docs/tcb.md): one entry of declared bytes
printf 'hypervisor bytes 1000\n' > "$TMPD/ok.external"

cat > "$TMPD/ok.rules" <<'EOF'
# a valid rules file: comments and blank lines are allowed

unit exact Unikernel myapp application
EOF

# try_option CONTEXT OPTION PLACEHOLDER: CONTEXT is "" (global) or a command name.
try_option() {
	ctx=$1 opt=$2 ph=$3
	label="cli: ${ctx:-mirage-audit} $opt${ph#-}"
	[ "$ph" = - ] || label="cli: ${ctx:-mirage-audit} $opt $ph"
	case $opt in
	-h|--help|--version)
		# shellcheck disable=SC2086
		run $ctx "$opt"
		check "$label accepted" [ "$rc" -eq 0 ]
		return ;;
	esac
	case $ph in
	-) set -- "$opt" ;;
	FILE)
		case $opt in
		-o|--output) set -- "$opt" "$TMPD/opt.out" ;;
		--rules) set -- "$opt" "$TMPD/ok.rules" ;;
		--catalogue) set -- "$opt" "$TMPD/ok.catalogue" ;;
		--certificate) set -- "$opt" "$TMPD/opt.cert" ;;
		--external-tcb) set -- "$opt" "$TMPD/ok.external" ;;
		-M|--map) set -- "$opt" "$MAP" ;;
		*) fail "$label accepted" "no sample FILE for $opt in t-cli.sh"; return ;;
		esac ;;
	FORMAT) set -- "$opt" json ;;
	N) set -- "$opt" 0 ;;
	KEY) set -- "$opt" vm ;;
	LEVEL|LEVELS) set -- "$opt" segment,section ;;
	WHEN) set -- "$opt" never ;;
	SYMBOL) set -- "$opt" "$SYM" ;;
	FACILITY) set -- "$opt" compiler-libs ;;
	DIR) set -- "$opt" "${IMG%/*}" ;;
	MODE)
		try_value "$ctx" "$label conservative" "$opt" conservative
		try_value "$ctx" "$label ocaml" "$opt" ocaml
		return ;;
	*) fail "$label accepted" "no sample value for placeholder $ph in t-cli.sh"; return ;;
	esac
	try_value "$ctx" "$label" "$@"
}

# try_value CONTEXT LABEL ARGS...: CONTEXT ARGS OPERANDS exits 0. --root needs an image
# with the symbol: SYM_IMG (the why operands already name it).
try_value() {
	tv_ctx=$1 tv_label=$2
	shift 2
	tv_ops=$(operands "$tv_ctx")
	[ "$1" = --root ] && [ "$tv_ctx" != why ] && tv_ops=$SYM_IMG
	# An option a command uses only with another (its --help shows them nested): both.
	case $tv_ctx:$1 in
	size:--precision|size:--root) set -- "$@" --retained ;;
	dead:--catalogue) set -- "$@" --certificate "$TMPD/opt.cert" ;;
	esac
	# shellcheck disable=SC2086
	run $tv_ctx "$@" $tv_ops
	if [ "$rc" -eq 0 ]; then
		pass "$tv_label accepted"
	else
		fail "$tv_label accepted" "exit $rc: $(head -n 1 "$err")"
	fi
}

for ctx in "" report size dead why; do
	help=$TMPD/help.${ctx:-top}
	opts=$(python3 "$TRUTH_PY" help-options "$help")
	if [ -z "$opts" ]; then
		fail "cli: ${ctx:-mirage-audit} --help documents options" "no option table found"
		continue
	fi
	printf '%s\n' "$opts" | while read -r opt ph; do
		try_option "$ctx" "$opt" "$ph"
	done
	# Options shown only in the usage line must be accepted too.
	for opt in $(sed -n '1,/^$/p' "$help" | grep -oE '\[--?[a-z][a-z-]*' | tr -d '[' | sort -u); do
		if ! printf '%s\n' "$opts" | grep -q -- "^$opt "; then
			fail "cli: ${ctx:-mirage-audit} usage names $opt" "not in the option table of --help"
		fi
	done
	# Every line of the option table is read as one: "-x, --long ARG", two spaces, the text.
	# A line the table format misses would leave its option untested above.
	# shellcheck disable=SC2013 # one option name per line, no spaces
	for opt in $(grep -E '^ +-' "$help" |
		sed -E 's/^ +(-[[:alnum:]], )?(--?[[:alnum:]][[:alnum:]-]*).*/\2/'); do
		if ! printf '%s\n' "$opts" | grep -q -- "^$opt "; then
			fail "cli: ${ctx:-mirage-audit} --help: the line of $opt is in the option table format" \
				"'$(grep -E -- "^ +(-[[:alnum:]], )?${opt}[ =]" "$help" | head -n 1)': two spaces \
must separate the description"
		fi
	done
done

# The reachability options belong to every command (the brief of --help is the global table).
for ctx in "" report size dead why; do
	for mode in conservative ocaml; do
		try_value "$ctx" "cli: ${ctx:-mirage-audit} --precision $mode" --precision "$mode"
	done
	try_value "$ctx" "cli: ${ctx:-mirage-audit} --root $SYM" --root "$SYM"
done

for f in $(python3 "$TRUTH_PY" help-list "$TMPD/help.top" formats); do
	for c in report size dead why; do
		# shellcheck disable=SC2046
		run "$c" -f "$f" $(operands "$c")
		check "cli: $c -f $f (named in --help)" [ "$rc" -eq 0 -a -s "$out" ]
	done
	# dead and why write their own findings in every format they offer, not the report's.
	ma report -f "$f" "$SYM_IMG" > "$TMPD/report.$f" 2>/dev/null
	for c in dead why; do
		[ "$(python3 "$TRUTH_PY" help-list "$TMPD/help.$c" formats | grep -cx "$f")" -eq 1 ] ||
			continue
		# shellcheck disable=SC2046
		run "$c" -f "$f" "$SYM_IMG" $([ "$c" = why ] && echo "$SYM")
		# jsonl is one line per document; every other format has several lines.
		min=1
		[ "$f" = jsonl ] && min=0
		if [ "$rc" -eq 0 ] && [ "$(wc -l < "$out")" -gt "$min" ] && ! cmp -s "$out" "$TMPD/report.$f"
		then
			pass "cli: $c -f $f writes $c's own output"
		else
			fail "cli: $c -f $f writes $c's own output" "exit $rc, $(wc -l < "$out") lines$(cmp -s \
				"$out" "$TMPD/report.$f" && echo ", the same bytes as report -f $f")"
		fi
	done
done
levels=$(python3 "$TRUTH_PY" help-list "$TMPD/help.size" levels)
[ -n "$levels" ] || fail "cli: size --help names levels" "no 'comma list of' levels found"
for l in $levels; do
	# The package level is the build's: it needs the map.
	# shellcheck disable=SC2046
	run size -d "$l" -n 0 -f json $([ "$l" = package ] && echo "-M $MAP") "$IMG"
	check "cli: size -d $l (named in size --help)" [ "$rc" -eq 0 -a -s "$out" ]
done
run -f json size -d section "$IMG"
check "cli: global -f json before the size command" \
	[ "$rc" -eq 0 -a "$(grep -c '"schema": "mirage-audit/size"' "$out")" -eq 1 ]

# ---- usage errors ------------------------------------------------------------------------

usage_error "bad option --bogus" --bogus "$IMG"
usage_error "bad option -Z" -Z "$IMG"
usage_error "report bad option" report --bogus "$IMG"
usage_error "size bad option" size -Z "$IMG"
usage_error "bad format" -f xml "$IMG"
usage_error "size bad format" size -f xml "$IMG"
usage_error "missing option argument" "$IMG" -f
usage_error "size -d bogus" size -d bogus "$IMG"
usage_error "size -d section,bogus" size -d section,bogus "$IMG"
usage_error "size -n abc" size -n abc "$IMG"
usage_error "size --sort name" size --sort name "$IMG"
usage_error "-f json without an image" -f json
# Bare, as jq does: the usage on stderr, exit 2 (no problem line required).
run
if [ "$rc" -eq 2 ] && ! [ -s "$out" ] && grep -q '^usage: ' "$err"; then
	pass "cli: no arguments: usage on stderr, exit 2"
else
	fail "cli: no arguments: usage on stderr, exit 2" "exit $rc, stderr '$(head -n 1 "$err")'"
fi
usage_error "report without image" report
usage_error "size without image" size
usage_error "missing image" "$TMPD/no-such-image"

# dead and why, and the reachability options.
usage_error "dead bad option" dead --bogus "$IMG"
usage_error "why bad option" why --bogus "$SYM_IMG" "$SYM"
usage_error "dead -n abc" dead -n abc "$IMG"
usage_error "dead without image" dead
usage_error "why without image" why
usage_error "why IMAGE without NAME" why "$SYM_IMG"
usage_error "why with an extra operand" why "$SYM_IMG" "$SYM" "$SYM"
naming_error "why IMAGE nosuchsymbol" nosuchsymbol why "$SYM_IMG" nosuchsymbol
naming_error "help nosuchcommand" nosuchcommand help nosuchcommand
for ctx in "" dead why; do
	# shellcheck disable=SC2046,SC2086
	naming_error "${ctx:-mirage-audit} --precision bogus" bogus $ctx --precision bogus \
		$(operands "$ctx")
done
# A long option without its argument is named as the user spelt it.
naming_error "--precision without MODE" --precision "$IMG" --precision
naming_error "dead --root without SYMBOL" --root dead "$IMG" --root
# --root names a symbol of every image: an unknown one is an input error, named (report,
# dead and why run reachability).
for ctx in "" report dead why; do
	# shellcheck disable=SC2046,SC2086
	naming_error "${ctx:-mirage-audit} --root nosuchsymbol" nosuchsymbol $ctx \
		--root nosuchsymbol $(operands "$ctx")
done

# ---- -o FILE -----------------------------------------------------------------------------

d=$TMPD/o1
mkdir -p "$d"
ma -f json "$IMG" > "$TMPD/stdout.json" 2>/dev/null
run -f json -o "$d/report.json" "$IMG"
if [ "$rc" -eq 0 ] && ! [ -s "$out" ] && cmp -s "$d/report.json" "$TMPD/stdout.json"; then
	pass "cli: -o FILE: same bytes as stdout"
else
	fail "cli: -o FILE: same bytes as stdout" "exit $rc, $(wc -c < "$out") bytes on stdout"
fi
check "cli: -o FILE: no temporary file left" [ "$(ls -A "$d")" = report.json ]
: > "$d/ref"
m_out=$(stat -c %a "$d/report.json" 2>/dev/null) m_ref=$(stat -c %a "$d/ref")
if [ "$m_out" = "$m_ref" ]; then
	pass "cli: -o FILE: mode follows the umask like a shell redirection"
else
	fail "cli: -o FILE: mode follows the umask like a shell redirection" \
		"-o FILE has mode $m_out, '> FILE' under umask $(umask) gives $m_ref"
fi
rm -f "$d/ref"

ma size -d segment,section -n 0 -f csv "$IMG" > "$TMPD/stdout.csv" 2>/dev/null
run size -d segment,section -n 0 -f csv --output "$d/size.csv" "$IMG"
check "cli: size --output FILE: same bytes as stdout" \
	[ "$rc" -eq 0 -a "$(cmp -s "$d/size.csv" "$TMPD/stdout.csv" && echo same)" = same ]

run -o - -f json "$IMG"
check "cli: -o - writes standard output" \
	[ "$rc" -eq 0 -a "$(cmp -s "$out" "$TMPD/stdout.json" && echo same)" = same ]

d=$TMPD/o2
mkdir -p "$d"
run -f json -o "$d/report.json" "$TMPD/no-such-image"
check "cli: -o FILE, input error: exit 2, no FILE created" [ "$rc" -eq 2 -a -z "$(ls -A "$d")" ]
run -f xml -o "$d/report.json" "$IMG"
check "cli: -o FILE, usage error: exit 2, no FILE created" [ "$rc" -eq 2 -a -z "$(ls -A "$d")" ]
echo previous > "$d/report.json"
run -f json -o "$d/report.json" "$TMPD/no-such-image"
check "cli: -o FILE, input error: an existing FILE is left as it was" \
	[ "$rc" -eq 2 -a "$(cat "$d/report.json")" = previous -a "$(ls -A "$d")" = report.json ]
usage_error "-o into a missing directory" -o "$TMPD/no-such-dir/report.json" "$IMG"

if [ -w /dev/full ]; then
	for args in "-f json" "-f text" "-f csv" "size -f json"; do
		# shellcheck disable=SC2086
		ma $args "$IMG" > /dev/full 2> "$err"
		rc=$?
		: > "$out"
		if [ "$rc" -eq 2 ] && one_message; then
			pass "cli: $args to a full device: exit 2, one message"
		else
			fail "cli: $args to a full device: exit 2, one message" \
				"exit $rc, stderr: $(head -n 3 "$err" | tr '\n' '|')"
		fi
	done
else
	skip "cli: write errors: /dev/full not writable (no such device here)"
fi

# ---- --rules -----------------------------------------------------------------------------

if [ -n "$OCAML" ]; then
	ma -f json "$OCAML" > "$TMPD/base.json" 2>/dev/null
	ma --rules "$TMPD/ok.rules" -f json "$OCAML" > "$TMPD/rules.json" 2> "$err"
	rc=$?
	before=$(python3 "$TRUTH_PY" unit-library "$TMPD/base.json" Unikernel)
	after=$(python3 "$TRUTH_PY" unit-library "$TMPD/rules.json" Unikernel)
	check "cli: without --rules, Unikernel is not in library myapp" \
		[ "${before%% *}" != "myapp" -a "${before%% *}" != "-" ]
	check "cli: --rules moves unit Unikernel to library myapp" \
		[ "$rc" -eq 0 -a "$after" = "myapp application" ]
	# The unit's bytes move from its old library to myapp; nothing else changes.
	# shellcheck disable=SC2046 # "FILE VM" pairs, split on purpose
	set -- $(python3 "$TRUTH_PY" library-size "$TMPD/base.json" "${before%% *}") \
		$(python3 "$TRUTH_PY" library-size "$TMPD/rules.json" "${before%% *}") \
		$(python3 "$TRUTH_PY" library-size "$TMPD/rules.json" myapp)
	if [ $# -eq 6 ] && [ "$5" -gt 0 ] && [ $(($1 - $3)) -eq "$5" ] && [ $(($2 - $4)) -eq "$6" ]; then
		pass "cli: --rules: the bytes of Unikernel move from '${before%% *}' to myapp"
	else
		fail "cli: --rules: the bytes of Unikernel move from '${before%% *}' to myapp" \
			"'${before%% *}' before $1/$2, after $3/$4; myapp $5/$6"
	fi
	python3 "$TRUTH_PY" level-sums "$TMPD/rules.json" > "$TMPD/sums"
	tot=$(sed -n 's/^totals //p' "$TMPD/sums")
	check "cli: --rules: every level still sums to the totals" \
		[ "$(grep -v '^totals ' "$TMPD/sums" | grep -vc " $tot\$")" -eq 0 ]
	run size --rules "$TMPD/ok.rules" -d library -n 0 -f csv "$OCAML"
	check "cli: size --rules: library myapp" \
		[ "$rc" -eq 0 -a "$(grep -c ',"myapp",'"$5,$6\$" "$out")" -eq 1 ]

	printf 'unit exact Unikernel myapp application\nunit wrong X y z\n' > "$TMPD/bad1.rules"
	printf '# comment\n\nunit regex (unclosed lib ocaml-library\n' > "$TMPD/bad2.rules"
	printf 'unit exact Unikernel myapp\n' > "$TMPD/bad3.rules"
	# a backreference in the pattern (exponential in glibc's matcher); "\\1" is a literal
	printf 'symbol regex ^x\\\\1$ lib c\nsymbol regex ^(a*)*\\1$ lib c\n' > "$TMPD/bad4.rules"
	for spec in bad1.rules:2 bad2.rules:3 bad3.rules:1 bad4.rules:2; do
		f=$TMPD/${spec%%:*} line=${spec##*:}
		run --rules "$f" -f json "$OCAML"
		if [ "$rc" -eq 2 ] && ! [ -s "$out" ] && one_message && grep -qF "$f:$line:" "$err"; then
			pass "cli: malformed ${spec%%:*}: exit 2 naming $spec"
		else
			fail "cli: malformed ${spec%%:*}: exit 2 naming $spec" \
				"exit $rc, stderr: $(head -n 2 "$err" | tr '\n' '|')"
		fi
	done
	run --rules "$TMPD/no-such.rules" "$OCAML"
	check "cli: --rules missing file: exit 2 naming it" \
		[ "$rc" -eq 2 -a "$(grep -c 'no-such\.rules' "$err")" -eq 1 ]
else
	fail "cli: --rules" "no unstripped example declares 'ocaml-unit Unikernel'"
fi

# ---- --version ---------------------------------------------------------------------------

want=$(sed -n 's/^VERSION[[:space:]]*:*=[[:space:]]*//p' "$TOP/Makefile" | head -n 1)
run --version
if [ "$rc" -eq 0 ] && [ -n "$want" ] && [ "$(cat "$out")" = "mirage-audit $want" ] && ! [ -s "$err" ]; then
	pass "cli: --version prints 'mirage-audit $want'"
else
	fail "cli: --version prints 'mirage-audit $want'" "exit $rc, stdout '$(head -n 1 "$out")'"
fi
exit 0
