#!/bin/sh
# SPDX-License-Identifier: ISC
# Checks the example unikernels against their own ground truth, independently
# of mirage-audit: the Solo5 notes are parsed from the PT_NOTE program headers
# by a small python3 reader (formats.md section 1) and compared with each
# example's manifest.json and truth.txt; symbols come from nm, calls from
# objdump -d, and each runnable example must print its known line.
#
# Environment: EXAMPLES (build/examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
SRC=$TOP/examples

if ! [ -f "$EXAMPLES/LIST" ]; then
	fail "examples/LIST" "$EXAMPLES/LIST missing: run 'make examples'"
	exit 1
fi
need python3 readelf nm objdump || exit 1

# Prints the Solo5 facts of an ELF image, one per line:
#   note <name> <type> <pt_note index> <offset in segment>
#   device <name> <NET_BASIC|BLOCK_BASIC>      (manifest entries 1..n)
#   abi <target> <version>
#   xen-phys32 <hex address>
#   manifest-invalid <reason>
cat > "$TMPD/solo5notes.py" <<'PY'
import struct, sys

PT_NOTE = 4
MFT1, ABI1 = 0x3154464d, 0x31494241
TYPES = {1: "BLOCK_BASIC", 2: "NET_BASIC"}
TARGETS = {1: "hvt", 2: "spt", 3: "virtio", 4: "muen", 5: "genode", 6: "xen"}

data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
    sys.exit("not a little-endian ELF64 file")
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
for i in range(phnum):
    p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz = struct.unpack_from(
        "<IIQQQQ", data, phoff + i * phentsize)
    if p_type != PT_NOTE:
        continue
    end = p_offset + p_filesz
    off = p_offset
    while off + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        name = data[off + 12:off + 12 + namesz].rstrip(b"\0").decode("ascii", "replace")
        desc = off + 12 + ((namesz + 3) & ~3)
        print("note %s 0x%x %d %d" % (name or "-", ntype, i, off - p_offset))
        if name == "Solo5" and ntype == MFT1:
            # struct mft starts at note offset 24 (8-aligned); size is descsz - 4
            m, size = off + 24, descsz - 4
            version, entries = struct.unpack_from("<II", data, m)
            if size != 8 + 104 * entries or version != 1 or not 1 <= entries <= 64:
                print("manifest-invalid size/version/entries")
            else:
                for e in range(entries):
                    base = m + 8 + 104 * e
                    raw = data[base:base + 68]
                    etype, = struct.unpack_from("<I", data, base + 68)
                    if raw[67] != 0 or data[base + 96] != 0:
                        print("manifest-invalid entry %d" % e)
                    if e == 0:
                        if etype != 1 << 30 or raw[0] != 0:
                            print("manifest-invalid reserved entry")
                        continue
                    print("device %s %s" % (raw.split(b"\0")[0].decode(),
                                            TYPES.get(etype, "unknown")))
            off = m + size
        elif name == "Solo5" and ntype == ABI1:
            target, version = struct.unpack_from("<II", data, desc)
            print("abi %s %d" % (TARGETS.get(target, "unknown"), version))
            off = desc + ((descsz + 3) & ~3)
        else:
            if name == "Xen" and ntype == 18:
                print("xen-phys32 0x%x" % struct.unpack_from("<I", data, desc))
            off = desc + ((descsz + 3) & ~3)
PY

# Devices of a manifest.json, in order, as "device NAME TYPE".
json_devices() {
	python3 -c '
import json, sys
for d in json.load(open(sys.argv[1]))["devices"]:
    print("device %s %s" % (d["name"], d["type"]))' "$1"
}

# The value(s) of KEY in a truth file.
truth() {
	sed -n "s/^$2 //p" "$1"
}

# Field N (1 name, 2 type, 3 address, 4 offset, 5 size) of section SEC in IMAGE.
section_field() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' | awk -v s="$2" -v n="$3" '$1 == s { print $n }'
}

# No direct call or jump to SYMBOL anywhere in IMAGE, except from symbols
# matching the extended regexp ALLOW (the unit's own code). $OBJDUMP is the
# objdump for the image's machine (x86-64 call/jmp, AArch64 bl/b/cbz/tbz).
no_calls_to() {
	"$OBJDUMP" -d --no-show-raw-insn "$1" 2>/dev/null | awk -v sym="$2" -v allow="${3:-^$}" '
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
		/\t(call|jmp|bl|b|b\.[a-z]+|cbn?z|tbn?z)[ \t]/ && index($0, "<" sym ">") &&
			fn !~ allow { print fn; bad = 1 }
		END { exit bad }' >/dev/null
}

check "examples/LIST has 10 images" test "$(grep -c . "$EXAMPLES/LIST")" -eq 10
check "examples/tender exists" test -x "$EXAMPLES/tender"

while read -r ex image runnable; do
	t=$SRC/$ex/truth.txt
	img=$EXAMPLES/$image
	dir=$(dirname "$img")
	if ! [ -f "$t" ] || ! [ -f "$SRC/$ex/README.md" ]; then
		fail "$ex: truth.txt and README.md" "missing in examples/$ex"
		continue
	fi
	check "$ex: LIST and truth.txt name the same image" test "$(truth "$t" image)" = "$image"
	if ! [ -f "$img" ]; then
		fail "$ex: image" "$img missing"
		continue
	fi
	machine=$(truth "$t" machine)
	: "${machine:=X86-64}"
	case $machine in
	AArch64) OBJDUMP=aarch64-linux-gnu-objdump ;;
	*) OBJDUMP=objdump ;;
	esac
	check "$ex: ELF64 $machine executable" sh -c \
		"readelf -h '$img' | grep -q 'Type: *EXEC' &&
		readelf -h '$img' | grep -q 'Machine: .*$machine'"
	check "$ex: map file next to the image" test -s "${img%.*}.map"

	python3 "$TMPD/solo5notes.py" "$img" > "$TMPD/notes" 2>"$TMPD/err" ||
		{ fail "$ex: parse notes" "$(cat "$TMPD/err")"; continue; }
	check "$ex: manifest valid" sh -c "! grep -q manifest-invalid '$TMPD/notes'"
	grep '^device ' "$TMPD/notes" > "$TMPD/dev.img"
	truth "$t" device | sed 's/^/device /' > "$TMPD/dev.truth"
	check "$ex: manifest devices = truth.txt" cmp -s "$TMPD/dev.img" "$TMPD/dev.truth"
	if [ -f "$SRC/$ex/manifest.json" ]; then
		json_devices "$SRC/$ex/manifest.json" > "$TMPD/dev.json"
		check "$ex: manifest devices = manifest.json" cmp -s "$TMPD/dev.img" "$TMPD/dev.json"
	fi
	abi=$(sed -n 's/^abi //p' "$TMPD/notes")
	case $(truth "$t" target) in
	spt) want="spt 2" ;;
	hvt) want="hvt 2" ;;
	xen) want="xen 1" ;;
	*) want="unknown" ;;
	esac
	check "$ex: ABI1 note declares $want" test "$abi" = "$want"
	# readelf's own view of the ABI1 descriptor (target, version little-endian)
	abi_hex=$(case $want in "spt 2") echo "02 00 00 00 02 00 00 00" ;; \
		"hvt 2") echo "01 00 00 00 02 00 00 00" ;; \
		"xen 1") echo "06 00 00 00 01 00 00 00" ;; esac)
	check "$ex: readelf -n shows the ABI1 descriptor" sh -c \
		"readelf -n '$img' 2>/dev/null | grep -A1 '0x31494241' | grep -q '$abi_hex'"
	# Solo5's loader reads only the first note of each PT_NOTE.
	for n in "Solo5 0x3154464d" "Solo5 0x31494241" "OpenBSD 0x1"; do
		check "$ex: note $n alone at the start of a PT_NOTE" sh -c \
			"grep -q '^note $n [0-9]* 0\$' '$TMPD/notes'"
	done
	solo5_segs=$(grep -E '^note (Solo5|OpenBSD|Xen) ' "$TMPD/notes" | awk '{print $4}' | sort -u | wc -l)
	solo5_notes=$(grep -cE '^note (Solo5|OpenBSD|Xen) ' "$TMPD/notes")
	check "$ex: one PT_NOTE per Solo5/Xen note" test "$solo5_segs" -eq "$solo5_notes"

	case $ex in
	solo5-hello | xen-pvh | gc-sections | aarch64-hello | solo5-seeded)
		check "$ex: PT_INTERP /nonexistent/solo5/" sh -c \
			"readelf -lW '$img' | grep -q 'program interpreter: /nonexistent/solo5/]'"
		check "$ex: .interp is 24 bytes" test "$(section_field "$img" .interp 5)" = 000018
		;;
	*)
		check "$ex: no PT_INTERP (runs directly)" sh -c "! readelf -lW '$img' | grep -q INTERP"
		;;
	esac
	if [ "$ex" = xen-pvh ]; then
		start32=$(nm "$img" | awk '$3 == "_start32" { print $1 }' | sed 's/^0*//')
		check "xen-pvh: Xen PHYS32_ENTRY note points at _start32" \
			grep -qx "xen-phys32 0x$start32" "$TMPD/notes"
		# multiboot v1: magic in the first 8 KiB, 4-aligned, at the start of .text
		text_off=$(section_field "$img" .text 4)
		check "xen-pvh: multiboot magic first in .text, within 8 KiB" python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(8192)
off = int(sys.argv[2], 16)
magic, flags, cksum = struct.unpack_from("<III", d, off)
sys.exit(not (off % 4 == 0 and magic == 0x1BADB002 and (magic + flags + cksum) & 0xffffffff == 0))' \
			"$img" "$text_off"
		check "xen-pvh: Xen driver units linked" sh -c "nm '$img' | grep -q camlXen_os__Xs__code_begin \
			&& nm '$img' | grep -q camlXen_os__Eventchn__code_begin \
			&& nm '$img' | grep -q camlNetif__code_begin && nm '$img' | grep -q camlBlkfront__code_begin"
		check "xen-pvh: mirage_xen_evtchn_/gnttab_ stubs linked" sh -c \
			"nm '$img' | grep -q ' T mirage_xen_evtchn_notify\$' && nm '$img' | grep -q ' T mirage_xen_gnttab_grant_access\$'"
	fi
	if [ "$ex" = ocaml-net ]; then
		# the point of ocaml-net: the block driver is sealed out
		check "ocaml-net: no block driver linked" sh -c \
			"! nm '$img' | grep -qE 'camlBlock__|mirage_solo5_block_|solo5_block_'"
		check "ocaml-net: net driver linked" sh -c \
			"nm '$img' | grep -q ' T mirage_solo5_net_read_3\$' && nm '$img' | grep -q camlNetif__code_begin"
	fi
	if [ "$ex" = ocaml-full ]; then
		check "ocaml-full: block driver and mirage-crypto linked" sh -c \
			"nm '$img' | grep -q ' T mirage_solo5_block_read_3\$' && nm '$img' | grep -q camlBlock__code_begin \
			&& nm '$img' | grep -q camlMirage_crypto__Cipher_block__code_begin"
	fi

	has_symtab=yes
	readelf -SW "$img" | grep -q ' \.symtab ' || has_symtab=no
	# a dead function may be called, but only by other dead functions
	# dead-function-stamped P: the OCaml function P_<stamp> (stamps move with the compiler)
	for p in $(truth "$t" dead-function-stamped); do
		check "$ex: one function ${p}_<stamp> in .symtab" test "$(nm "$img" |
			awk -v p="$p" '$2 ~ /^[Tt]$/ && $3 ~ ("^" p "_[0-9]+$")' | wc -l)" -eq 1
	done
	dead_fns=$(truth "$t" dead-function; truth "$t" dead-c-function
		for p in $(truth "$t" dead-function-stamped); do
			nm "$img" | awk -v p="$p" '$2 ~ /^[Tt]$/ && $3 ~ ("^" p "_[0-9]+$") { print $3 }'
		done)
	dead_re="^($(echo $dead_fns | tr ' ' '|'))\$"
	for f in $dead_fns; do
		check "$ex: dead $f is in .symtab" sh -c "nm '$img' | grep -qE ' [Tt] $f\$'"
		if need "$OBJDUMP"; then
			check "$ex: nothing but dead code calls $f" no_calls_to "$img" "$f" "$dead_re"
		fi
	done
	for u in $(truth "$t" dead-module); do
		if [ "$has_symtab" = yes ]; then
			check "$ex: dead module $u linked" sh -c \
				"nm '$img' | grep -q ' T caml${u}__code_begin\$'"
			# only caml_program may call the initialiser; nothing else enters the unit
			check "$ex: only caml_program calls caml${u}__entry" no_calls_to "$img" \
				"caml${u}__entry" "^caml_program\$|^caml${u}__"
			for s in $(nm "$img" | awk -v p="caml${u}__" '$2 == "T" && index($3, p) == 1 { print $3 }'); do
				case $s in *__entry | *__code_begin | *__code_end) continue ;; esac
				check "$ex: nothing outside $u calls $s" no_calls_to "$img" "$s" "^caml${u}__"
			done
		else
			check "$ex: dead module $u named in the image" grep -q "$u" "$img"
		fi
	done
	for u in $(truth "$t" ocaml-unit); do
		if [ "$has_symtab" = yes ]; then
			check "$ex: unit $u linked" sh -c "nm '$img' | grep -q ' T caml${u}__code_begin\$'"
		else
			check "$ex: unit $u named in the image" grep -q "$u" "$img"
		fi
	done

	run=$(truth "$t" run)
	if [ "$runnable" = yes ]; then
		prints=$(truth "$t" prints)
		set -- $run
		mode=$1
		shift
		case $mode in
		tender) set -- "$EXAMPLES/tender" "$@" ;;
		direct) ;;
		*) fail "$ex: run mode '$mode'" "expected tender or direct"; continue ;;
		esac
		out=$(cd "$dir" && timeout 60 "$@" 2>"$TMPD/run.err")
		rc=$?
		check "$ex: runs and exits 0" test "$rc" -eq 0
		if printf '%s\n' "$out" | grep -qxF "$prints"; then
			pass "$ex: prints its known line"
		else
			fail "$ex: prints its known line" "got '$out' $(cat "$TMPD/run.err")"
		fi
	else
		check "$ex: not runnable, no run line" test -z "$run"
	fi
done < "$EXAMPLES/LIST"

# The tender refuses what Solo5's tenders refuse.
hello=$EXAMPLES/solo5-hello
check "tender: refuses a missing device" sh -c \
	"cd '$hello' && ! '$EXAMPLES/tender' --net:service=frames.bin solo5-hello.spt >/dev/null 2>&1"
check "tender: refuses an undeclared device" sh -c \
	"cd '$hello' && ! '$EXAMPLES/tender' --net:nope=frames.bin --block:storage=disk.img \
	solo5-hello.spt >/dev/null 2>&1"
check "tender: refuses a non-spt ABI" sh -c \
	"! '$EXAMPLES/tender' '$EXAMPLES/xen-pvh/xen-pvh.xen' >/dev/null 2>&1"
exit 0
