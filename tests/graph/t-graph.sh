#!/bin/sh
# SPDX-License-Identifier: ISC
# `mirage-audit graph`: the drawings Graphviz makes of each example, read back.
#
# For each example of $EXAMPLES/LIST and each level (module, library, facility): the SVG is
# well-formed XML, the DOT source parses (graphcheck.py, a parser of the DOT grammar that
# also rejects HTML-like labels) and names the same nodes, with the same first label line,
# and as many visible edges as the SVG Graphviz laid out from it. The expected nodes come
# from nm and the examples' truth.txt, not from the tool:
#   module     every OCaml unit with code (nm: caml<U>__code_begin below __code_end) is a
#              node of -n 0; --focus Netif keeps Netif (and draws it in the default SVG)
#   library    stdlib and ocaml-runtime on OCaml images
#   facility   net-device is drawn; a facility truth.txt calls dead sits in the dead box;
#              a device the example's run line passes (--net:, --block:) is reachable, with
#              a path of edges from the roots; block-device is sealed ("sealed: not in the
#              image") where nm shows none of its units or symbols (the catalogue's patterns,
#              repeated below); an image without a symbol table puts everything in the
#              unknown box
# Then: PNG output starts with the PNG signature and PDF with %PDF (ocaml-net, each level);
# -o FILE.svg picks SVG from the extension; png without -o, an unknown level, format or
# focus exit 2 with one message and nothing on stdout; every option --help names is
# accepted. Last, names cannot inject markup: an image assembled here (a file name and
# symbols with < > & " and HTML entities, one with a control byte patched into .strtab) is
# drawn at each level; the SVG stays well-formed and shows each name as written (the
# control byte as \x01), and the DOT labels read back to the same names.
#
# Under VALGRIND=1 the first run of each kind goes through valgrind with
# tests/graph/graphviz.supp (Graphviz 2.42's own leaks); the rest run directly. Under
# SANITIZE=address, tests/graph/lsan.supp does the same for LeakSanitizer.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
HERE=$TOP/tests/graph
GC=$HERE/graphcheck.py

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "graph: examples" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 nm readelf || exit 1

# Under SANITIZE=address, LeakSanitizer would report Graphviz's own leaks.
LSAN_OPTIONS="suppressions=$HERE/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

# tool KEY ARGS...: run the tool; under VALGRIND=1 only the first run of each KEY goes
# through valgrind (Graphviz is slow under memcheck: a run is ~30 s on an OCaml image).
vg_keys=
tool() {
	tool_key=$1
	shift
	case " $vg_keys " in
	*" $tool_key "*) "$MA" "$@" ;;
	*)
		vg_keys="$vg_keys $tool_key"
		if [ "${VALGRIND:-}" = 1 ]; then
			valgrind -q --error-exitcode=99 --leak-check=full --num-callers=500 \
				--errors-for-leak-kinds=definite,indirect \
				--suppressions="$HERE/graphviz.supp" "$MA" "$@"
		else
			"$MA" "$@"
		fi ;;
	esac
}

# nm_has IMAGE REGEX: some symbol of IMAGE matches the extended REGEX.
nm_has() {
	nm "$1" 2>/dev/null | awk '{ print $NF }' | grep -qE "$2"
}

# The catalogue's driver patterns (analyzers/facilities.catalogue): units and symbol
# prefixes. No match means nothing of the driver is linked: sealed.
NET_RE='^caml(Netif|RX|TX|Shared_page_pool|Mirage_net_xen|Netfront)(__|\.)'
NET_RE="$NET_RE|^(mirage_solo5_net_|solo5_net_|netfront_|mirage_net_xen_|hvt_net_|virtio_net_"
NET_RE="$NET_RE|spt_net_)"
BLOCK_RE='^caml(Block|Blkfront|Blkproto|Device_number|Block_request|Mirage_block_xen)(__|\.)'
BLOCK_RE="$BLOCK_RE|^(mirage_solo5_block_|solo5_block_|blkfront_|hvt_block_|virtio_blk_"
BLOCK_RE="$BLOCK_RE|spt_block_)"

gout=$TMPD/out gerr=$TMPD/err

# quiet CMD...: CMD without its output (for check).
quiet() {
	"$@" > /dev/null 2>&1
}

# run ARGS...: the tool into $gout and $gerr; sets $rc.
run() {
	tool "$@" > "$gout" 2> "$gerr"
	rc=$?
}

# usage_error NAME ARGS...: exit 2, nothing on stdout, one "mirage-audit: " message.
usage_error() {
	ue_name=$1
	shift
	"$MA" "$@" > "$gout" 2> "$gerr"
	ue_rc=$?
	ue_msgs=$(grep -vE "^(Try '|$)" "$gerr")
	if [ "$ue_rc" -eq 2 ] && ! [ -s "$gout" ] && [ "$(printf '%s\n' "$ue_msgs" | grep -c .)" -eq 1 ] &&
		case $ue_msgs in "mirage-audit: "*) true ;; *) false ;; esac; then
		pass "graph: $ue_name: exit 2, one message"
	else
		fail "graph: $ue_name: exit 2, one message" \
			"exit $ue_rc, $(wc -c < "$gout") bytes on stdout, stderr: $(head -n 2 "$gerr" | tr '\n' '|')"
	fi
}

# draw NAME IMAGE LEVEL: SVG and DOT of IMAGE at LEVEL into $TMPD/NAME.LEVEL.{svg,dot}, checked.
draw() {
	d_name=$1 d_img=$2 d_lv=$3
	d_svg=$TMPD/$d_name.$d_lv.svg d_dot=$TMPD/$d_name.$d_lv.dot
	run "svg-$d_lv" graph --level "$d_lv" -f svg "$d_img"
	cp "$gout" "$d_svg"
	if [ "$rc" -eq 0 ] && python3 "$GC" svg "$d_svg" > "$TMPD/msg" 2>&1; then
		pass "graph: $d_name $d_lv: svg is well-formed XML"
	else
		fail "graph: $d_name $d_lv: svg is well-formed XML" \
			"exit $rc, $(head -n 1 "$gerr") $(head -n 1 "$TMPD/msg")"
	fi
	run "dot-$d_lv" graph --level "$d_lv" -f dot "$d_img"
	cp "$gout" "$d_dot"
	if [ "$rc" -eq 0 ] && python3 "$GC" same "$d_dot" "$d_svg" > "$TMPD/msg" 2>&1; then
		pass "graph: $d_name $d_lv: dot parses, same nodes and edges as the svg"
	else
		fail "graph: $d_name $d_lv: dot parses, same nodes and edges as the svg" \
			"exit $rc: $(head -n 3 "$TMPD/msg" | tr '\n' '|')"
	fi
}

# in_box NAME DOT FACILITY BOX: the facility's node is in subgraph BOX.
in_box() {
	ib_box=$(python3 "$GC" box "$2" "$3" 2>&1)
	if [ "$ib_box" = "$4" ]; then
		pass "graph: $1: $3 drawn in $4"
	else
		fail "graph: $1: $3 drawn in $4" "it is in '$ib_box' ($(python3 "$GC" label "$2" "$3"))"
	fi
}

# lib.sh's check() sets $ex: the example is $ex.
while read -r ex image _; do
	case $ex in ''|'#'*) continue ;; esac
	img=$EXAMPLES/$image
	truth=$TOP/examples/$ex/truth.txt
	[ -f "$img" ] || { fail "graph: $ex" "$img missing: run 'make examples'"; continue; }
	for lv in module library facility; do
		draw "$ex" "$img" "$lv"
	done
	nm "$img" > "$TMPD/nm" 2>/dev/null
	units=$(python3 "$GC" units "$TMPD/nm")
	symtab=1
	readelf -SW "$img" 2>/dev/null | grep -q ' \.symtab ' || symtab=0

	# module: every unit with code is a node of the full graph.
	if [ -n "$units" ]; then
		"$MA" graph -n 0 -f dot "$img" > "$TMPD/all.dot" 2>/dev/null
		# shellcheck disable=SC2086 # unit names have no spaces
		if python3 "$GC" has "$TMPD/all.dot" $units > "$TMPD/msg" 2>&1; then
			pass "graph: $ex module: the $(echo $units | wc -w) OCaml units of nm are nodes"
		else
			fail "graph: $ex module: the OCaml units of nm are nodes" "$(cat "$TMPD/msg")"
		fi
		check "graph: $ex library: stdlib and ocaml-runtime drawn" \
			quiet python3 "$GC" has "$TMPD/$ex.library.dot" stdlib ocaml-runtime
	fi
	if printf '%s\n' "$units" | grep -qx Netif; then
		run focus graph --focus Netif -n 3 -f svg "$img"
		cp "$gout" "$TMPD/focus.svg"
		"$MA" graph --focus Netif -n 3 -f dot "$img" > "$TMPD/focus.dot" 2>/dev/null
		if [ "$rc" -eq 0 ] && python3 "$GC" has "$TMPD/focus.dot" Netif > /dev/null &&
			python3 "$GC" same "$TMPD/focus.dot" "$TMPD/focus.svg" > /dev/null &&
			python3 "$GC" svgtext "$TMPD/focus.svg" Netif > /dev/null; then
			pass "graph: $ex: --focus Netif -n 3 keeps Netif"
		else
			fail "graph: $ex: --focus Netif -n 3 keeps Netif" "exit $rc: $(head -n 1 "$gerr")"
		fi
	fi

	# facility
	fdot=$TMPD/$ex.facility.dot
	check "graph: $ex facility: net-device drawn" quiet python3 "$GC" box "$fdot" net-device
	if [ "$symtab" -eq 0 ]; then
		# Stripped: units are named from the runtime's tables, so Netif (in the
		# unstripped twin, where it runs) is matched and reachable; no block unit is
		# in the twin and no symbol is left to match, so block-device is unknown.
		in_box "$ex" "$fdot" net-device cluster_reachable
		in_box "$ex" "$fdot" block-device cluster_unknown
		continue
	fi
	grep '^dead-facility ' "$truth" 2>/dev/null | while read -r _ fac _; do
		in_box "$ex" "$fdot" "$fac" cluster_dead
	done
	# A driver that is linked, whose device the example's run attaches, and that truth.txt
	# does not call dead, runs: it is reachable.
	run_line=$(grep '^run ' "$truth" 2>/dev/null)
	for dev in net block; do
		case $dev in
		net) fac=net-device d_re=$NET_RE ;;
		*) fac=block-device d_re=$BLOCK_RE ;;
		esac
		nm_has "$img" "$d_re" || continue
		grep -q "^dead-facility $fac " "$truth" 2>/dev/null && continue
		case $run_line in
		*"--$dev:"*)
			in_box "$ex" "$fdot" "$fac" cluster_reachable
			check "graph: $ex: a path from the roots to $fac" \
				quiet python3 "$GC" path "$fdot" "$fac" ;;
		esac
	done
	if ! nm_has "$img" "$BLOCK_RE"; then
		in_box "$ex" "$fdot" block-device cluster_sealed
		case $(python3 "$GC" label "$fdot" block-device) in
		*"sealed: not in the image"*) pass "graph: $ex: block-device labelled sealed" ;;
		*) fail "graph: $ex: block-device labelled sealed" \
			"$(python3 "$GC" label "$fdot" block-device)" ;;
		esac
	fi
done < "$EXAMPLES/LIST"

# ---- formats and the command line -----------------------------------------------------------

NET=$EXAMPLES/ocaml-net/ocaml-net.spt HELLO=$EXAMPLES/solo5-hello/solo5-hello.spt
if [ -f "$NET" ] && [ -f "$HELLO" ]; then
	for lv in module library facility; do
		rm -f "$TMPD/g.png" "$TMPD/g.pdf"
		run "png-$lv" graph --level "$lv" -f png -o "$TMPD/g.png" "$NET"
		check "graph: ocaml-net $lv: png starts with the PNG signature" \
			[ "$rc" -eq 0 -a "$(head -c 8 "$TMPD/g.png" | od -An -tx1 | tr -d ' \n')" = \
			89504e470d0a1a0a -a ! -s "$gout" ]
		run "pdf-$lv" graph --level "$lv" -o "$TMPD/g.pdf" "$NET"
		check "graph: ocaml-net $lv: -o FILE.pdf writes a PDF" \
			[ "$rc" -eq 0 -a "$(head -c 4 "$TMPD/g.pdf")" = "%PDF" ]
	done
	"$MA" graph -o "$TMPD/g.svg" "$NET" > "$gout" 2>&1
	check "graph: -o FILE.svg writes SVG" quiet python3 "$GC" svg "$TMPD/g.svg"
	ls "$TMPD" | grep -q '\.tmp' && fail "graph: no temporary file left" "$(ls "$TMPD")"
	usage_error "png to standard output" graph -f png "$NET"
	usage_error "unknown level" graph --level symbol "$NET"
	usage_error "unknown format" graph -f json "$NET"
	usage_error "global -f text" -f text graph "$NET"
	usage_error "--level without its argument" graph "$NET" --level
	usage_error "two images" graph "$NET" "$NET"
	usage_error "unknown --focus" graph --focus No_such_module "$NET"
	usage_error "unknown facility --focus" graph --level facility --focus no-such "$NET"
	[ -e "$TMPD/none.svg" ] && rm -f "$TMPD/none.svg"
	"$MA" graph --focus No_such_module -o "$TMPD/none.svg" "$NET" > /dev/null 2>&1
	check "graph: an error leaves no -o file" [ ! -e "$TMPD/none.svg" ]
	run help graph --help
	check "graph: --help: usage on stdout, exit 0" [ "$rc" -eq 0 -a ! -s "$gerr" ]
	head -n 1 "$gout" | grep -q '^usage: mirage-audit graph' || fail "graph: --help starts with usage"
	cp "$gout" "$TMPD/help"
	# Every option of the help's table, with a sample value per placeholder, is accepted.
	python3 "$TOP/tests/e2e/truth.py" help-options "$TMPD/help" > "$TMPD/opts"
	[ -s "$TMPD/opts" ] || fail "graph: --help has an option table"
	: > "$TMPD/empty.rules"
	: > "$TMPD/empty.catalogue"
	while read -r opt ph; do
		case $ph in
		-) set -- "$opt" ;;
		LEVEL) set -- "$opt" library ;;
		FORMAT) set -- "$opt" svg ;;
		N) set -- "$opt" 5 ;;
		NAME) set -- "$opt" Netif ;;
		MODE) set -- "$opt" conservative ;;
		SYMBOL) set -- "$opt" solo5_app_main ;;
		FILE)
			case $opt in
			-o|--output) set -- "$opt" "$TMPD/opt.svg" ;;
			--rules) set -- "$opt" "$TMPD/empty.rules" ;;
			# a catalogue is read only by facility (the help says so)
			--catalogue) set -- "$opt" "$TMPD/empty.catalogue" --level facility ;;
			*) fail "graph: --help $opt" "no sample FILE"; continue ;;
			esac ;;
		*) fail "graph: --help $opt $ph" "no sample value"; continue ;;
		esac
		# --focus needs an OCaml module: ocaml-net; the rest run on the quicker C example.
		o_img=$HELLO
		[ "$opt" = --focus ] && o_img=$NET
		"$MA" graph "$@" "$o_img" > /dev/null 2> "$TMPD/opt.err"
		o_rc=$?
		o_label=$opt
		[ "$ph" = - ] || o_label="$opt $ph"
		check "graph: option $o_label in --help is accepted" [ "$o_rc" -eq 0 ]
		[ "$o_rc" -eq 0 ] || head -n 2 "$TMPD/opt.err"
	done < "$TMPD/opts"
	mirage_help=$("$MA" --help)
	case $mirage_help in
	*"  graph "*) pass "graph: mirage-audit --help lists graph" ;;
	*) fail "graph: mirage-audit --help lists graph" ;;
	esac
	"$MA" help graph > "$TMPD/help2" 2>&1
	check "graph: help graph = graph --help" cmp -s "$TMPD/help" "$TMPD/help2"
fi

# ---- hostile names -------------------------------------------------------------------------

# GNU as and ld from binutils (make setup); the assembler's own message is the FAIL below.
if need as ld; then
	# Local symbols, so that they take the STT_FILE name as their module. GNU as will not
	# write a control byte into a symbol name: "ctlQx" is patched to "ctl\001x" after linking.
	cat > "$TMPD/evil.s" <<'EOF'
	.file "evil<script>\"x&amp;&#1;.c"
	.text
	.globl _start
	.type _start, @function
_start:
	call .Levil
	hlt
	.size _start, .-_start
	.type "evil<a href=x>&\"", @function
"evil<a href=x>&\"":
.Levil:
	call .Lamp
	.fill 32, 1, 0x90
	ret
	.size "evil<a href=x>&\"", .-"evil<a href=x>&\""
	.type "&#1;<b>&lt;&nbsp;\\N", @function
"&#1;<b>&lt;&nbsp;\\N":
.Lamp:
	call .Lctl
	.fill 16, 1, 0x90
	ret
	.size "&#1;<b>&lt;&nbsp;\\N", .-"&#1;<b>&lt;&nbsp;\\N"
	.type ctlQx, @function
ctlQx:
.Lctl:
	call solo5_net_write
	.fill 64, 1, 0x90
	ret
	.size ctlQx, .-ctlQx
	.type solo5_net_write, @function
solo5_net_write:
	.fill 8, 1, 0x90
	ret
	.size solo5_net_write, .-solo5_net_write
EOF
	if as --64 -o "$TMPD/evil.o" "$TMPD/evil.s" 2> "$TMPD/as.err" &&
		ld -static -nostdlib -e _start -o "$TMPD/evil.elf" "$TMPD/evil.o" 2>> "$TMPD/as.err" &&
		python3 - "$TMPD/evil.elf" <<'EOF'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
assert b.count(b"\0ctlQx\0") == 1
open(p, "wb").write(b.replace(b"\0ctlQx\0", b"\0ctl\x01x\0"))
EOF
	then
		evil_file='evil<script>"x&amp;&#1;.c'
		evil_sym1='evil<a href=x>&"'
		# GNU as may keep or drop the backslash of \\N in a quoted name: read it back.
		# A backslash is drawn as \x5c (the name's \N must not become the node's id).
		evil_sym2=$(nm "$TMPD/evil.elf" | awk '{ $1 = ""; $2 = ""; sub(/^  /, ""); print }' |
			grep '^&#1;' | sed 's/\\/\\x5c/g')
		for lv in module library facility; do
			draw evil "$TMPD/evil.elf" "$lv"
		done
		check "graph: hostile module name drawn as written (svg)" \
			quiet python3 "$GC" svgtext "$TMPD/evil.module.svg" "$evil_file"
		check "graph: hostile module name read back from the dot" \
			quiet python3 "$GC" has "$TMPD/evil.module.dot" "$evil_file"
		check "graph: hostile symbols drawn as written, control byte escaped (svg)" \
			quiet python3 "$GC" svgtext "$TMPD/evil.facility.svg" "$evil_sym1" \
			"$evil_sym2" 'ctl\x01x'
		check "graph: hostile symbols read back from the dot" \
			quiet python3 "$GC" has "$TMPD/evil.facility.dot" "$evil_sym1" "$evil_sym2" \
			'ctl\x01x'
		check "graph: hostile chain still reaches net-device" \
			quiet python3 "$GC" path "$TMPD/evil.facility.dot" net-device
		if grep -q '<script\|<a href\|<b>' "$TMPD/evil.module.svg" "$TMPD/evil.facility.svg"; then
			fail "graph: no raw markup from names in the svg"
		else
			pass "graph: no raw markup from names in the svg"
		fi
	else
		fail "graph: hostile-name image assembles" "$(head -n 3 "$TMPD/as.err" | tr '\n' '|')"
	fi
fi
exit 0
