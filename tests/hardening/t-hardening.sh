#!/bin/sh
# SPDX-License-Identifier: ISC
# The hardening checks of `mirage-audit report` (docs/hardening.md) on small freestanding
# images built here to pass and to fail each one, and on every example. Each verdict is
# computed again in this script from readelf and objdump, never read off the tool:
#   good      cc -nostdlib -static -fno-stack-protector -z noexecstack: W^X, stack,
#             no interpreter, no dynamic section, entry in R+X code
#   rwx       the same linked with --omagic: one RWX PT_LOAD (MA-HARD-WX fails there)
#   xstack    -z execstack: an executable PT_GNU_STACK
#   tls       -fstack-protector-all: every canary a load of %fs:0x28 and a
#             __stack_chk_fail call (defined here, with __stack_chk_guard)
#   glob      -fstack-protector-all -mstack-protector-guard=global: Solo5's form
#   half      tls plus half(), hand-written: takes a stack slot's address and loads
#             %fs:0x28 but never calls __stack_chk_fail (a load alone is no canary)
#   cet       -fcf-protection=full: .note.gnu.property with IBT and SHSTK
#   textrel   -shared -z notext, a .quad to data in .text: DT_TEXTREL (and PT_DYNAMIC)
#   solo5     a linker script with PT_INTERP /nonexistent/solo5/ and no PT_GNU_STACK
#   interp    the same with a real interpreter named
#   debug     -g: .debug_* shipped
#   fortify   a __memcpy_chk defined
#   stripped  good without .symtab: symbols pass, canary and FORTIFY unknown
# Per image, the verdicts from readelf -lW/-d/-n/-SW/-sW/-h; canary coverage from
# objdump -d per FUNC symbol: a function with a canary loads %fs:0x28 or
# __stack_chk_guard and calls __stack_chk_fail; one with a stack buffer takes a
# stack slot's address (lea off(%rsp|%rbp) into another register); the tool's
# unprotected list must be exactly those with a buffer and no canary.
# Then, every example of build/examples/LIST: a hardening section whose MA-HARD-WX
# verdict matches readelf -lW, in text and JSON, and the JSON valid against
# docs/report.schema.json.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"
need cc readelf objdump jq strip python3 || exit 1
: "${EXAMPLES:?EXAMPLES must name the built examples directory}"

D=$TMPD
cat > "$D/a.c" <<'C'
void sink(char *p) { __asm__ volatile("" : : "r"(p) : "memory"); }
int work(const char *s)
{
	char buf[64];
	int i;

	for (i = 0; s[i] && i < 63; i++)
		buf[i] = s[i];
	buf[i] = 0;
	sink(buf);
	return buf[0];
}
int leaf(int x) { return x * 3 + 1; }
void _start(void) { leaf(work("hello")); for (;;); }
C
cat > "$D/guard.c" <<'C'
unsigned long __stack_chk_guard = 0x5eed5eed5eed5eedUL;
void __stack_chk_fail(void) { for (;;); }
C
cat > "$D/chk.c" <<'C'
void *__memcpy_chk(void *d, const void *s, unsigned long n, unsigned long dn)
{
	char *o = d;
	const char *i = s;

	if (n > dn)
		for (;;);
	while (n--)
		*o++ = *i++;
	return d;
}
C
printf '.text\n.globl f\nf: ret\n.quad x\n.data\n.globl x\nx: .quad 0\n.section .note.GNU-stack,"",@progbits\n' > "$D/tr.s"
printf '.text\n.globl half\n.type half,@function\nhalf: sub $0x28,%%rsp\nmov %%fs:0x28,%%rax\nlea 0x8(%%rsp),%%rdi\nadd $0x28,%%rsp\nret\n.size half,.-half\n.section .note.GNU-stack,"",@progbits\n' > "$D/half.s"
printf '.section .interp,"a"\n.asciz "/nonexistent/solo5/"\n.section .note.GNU-stack,"",@progbits\n' > "$D/solo5.s"
printf '.section .interp,"a"\n.asciz "/lib64/ld-linux-x86-64.so.2"\n.section .note.GNU-stack,"",@progbits\n' > "$D/ld.s"
cat > "$D/s.ld" <<'LD'
PHDRS { interp PT_INTERP; text PT_LOAD FILEHDR PHDRS FLAGS(5); data PT_LOAD FLAGS(6); }
ENTRY(_start)
SECTIONS {
	. = 0x100000 + SIZEOF_HEADERS;
	.interp : { KEEP(*(.interp)) } :interp :text
	.text : { *(.text*) } :text
	.rodata : { *(.rodata*) } :text
	. = ALIGN(0x1000);
	.data : { *(.data*) *(.bss*) } :data
	/DISCARD/ : { *(.note.gnu.property) }
}
LD
if [ "$(uname -m)" != x86_64 ]; then skip "fixtures are x86-64 code: host is $(uname -m)"; exit 0; fi
CC="cc -nostdlib -static -ffreestanding -fno-pie -no-pie -O1 -g0 -fcf-protection=none"
NOSP="-fno-stack-protector -Wl,-z,noexecstack"
build() {	# build NAME CMD...: the fixture, or a FAIL and no image
	_n=$1; shift
	if "$@" > "$D/$_n.log" 2>&1; then names="$names $_n"; else fail "build $_n" "$(head -1 "$D/$_n.log")"; fi
}
names=
cd "$D" || exit 2
build good $CC $NOSP -o good a.c
build rwx $CC $NOSP -Wl,--omagic -Wl,--no-warn-rwx-segments -o rwx a.c
build xstack $CC -fno-stack-protector -Wl,-z,execstack -Wl,--no-warn-execstack -o xstack a.c
build tls $CC -fstack-protector-all -Wl,-z,noexecstack -o tls a.c guard.c
build glob $CC -fstack-protector-all -mstack-protector-guard=global -Wl,-z,noexecstack -o glob a.c guard.c
build half $CC -fstack-protector-all -Wl,-z,noexecstack -o half a.c guard.c half.s
build cet $CC $NOSP -fcf-protection=full -o cet a.c
build textrel cc -shared -nostdlib -Wl,-z,notext -Wl,-z,noexecstack -o textrel tr.s
build solo5 $CC -fno-stack-protector -T s.ld -o solo5 a.c solo5.s
build interp $CC -fno-stack-protector -T s.ld -o interp a.c ld.s
build debug $CC $NOSP -g -o debug a.c
build fortify $CC $NOSP -o fortify a.c chk.c
if [ -f good ]; then build stripped strip -o stripped good; fi

# status IMAGE.json RULE: the statuses of RULE's entries, distinct, comma-separated
status() { jq -r --arg r "$2" '[.hardening.checks[] | select(.rule == $r) | .status] | unique | join(",")' "$1"; }
# want NAME RULE EXPECTED: one verdict against the one computed from readelf/objdump
want() {
	_got=$(status "$D/$1.json" "$2")
	if [ "$_got" = "$3" ]; then pass "$1 $2 $3"; else fail "$1 $2" "tool says '$_got', readelf/objdump say '$3'"; fi
}
# The canary truth from objdump: per FUNC symbol, "name buffer load check".
canary_truth() {
	readelf -sW "$1" | awk '$4 == "FUNC" && $7 != "UND" { print $8 }' | sort -u > "$D/funcs"
	objdump -d --no-show-raw-insn "$1" | awk '
	/^[0-9a-f]+ <.*>:$/ { f = $2; sub(/^</, "", f); sub(/>:$/, "", f); seen[f] = 1; next }
	f == "" { next }
	/lea +-?(0x[0-9a-f]+)?\(%r[sb]p\),%/ && !/,%r[sb]p$/ { buf[f] = 1 }
	/%fs:0x28/ || /<__stack_chk_guard>/ { load[f] = 1 }
	/call +[0-9a-f]+ <__stack_chk_fail(_local)?>/ || /jmp +[0-9a-f]+ <__stack_chk_fail(_local)?>/ { chk[f] = 1 }
	END { for (f in seen) printf "%s %d %d %d\n", f, buf[f] + 0, load[f] + 0, chk[f] + 0 }' |
	sort > "$D/dis"
	# Functions the tool weighs: FUNC symbols, never __stack_chk_fail itself.
	join "$D/funcs" "$D/dis" | awk '$1 != "__stack_chk_fail" && $1 != "__stack_chk_fail_local"'
}
for n in $names; do
	f=$D/$n
	if ! ma report -f json "$f" > "$D/$n.json" 2> "$D/$n.err"; then
		fail "$n: report" "$(head -1 "$D/$n.err")"; continue
	fi
	readelf -lW "$f" > "$D/$n.l" 2>/dev/null
	readelf -SW "$f" > "$D/$n.S" 2>/dev/null
	readelf -sW "$f" > "$D/$n.s" 2>/dev/null
	# W^X: a LOAD whose flags hold both W and E; which ones, by program header index.
	wx=$(awk '/^Program Headers:/ { p = 1; i = -1; next } p && /^ *[A-Z_]+ +0x/ { i++ }
		p && /^ *LOAD / && $0 ~ / RWE / { printf "%sLOAD #%d [RWX]", s, i; s = "," }
		/^$/ && p && i >= 0 { p = 0 }' "$D/$n.l")
	if [ -n "$wx" ]; then want "$n" MA-HARD-WX fail; else want "$n" MA-HARD-WX pass; fi
	got=$(jq -r '[.hardening.checks[] | select(.rule == "MA-HARD-WX" and .status == "fail") | .location] | join(",")' "$D/$n.json")
	check "$n MA-HARD-WX locations '$wx'" [ "$got" = "$wx" ]
	stk=$(awk '/^ *GNU_STACK/ { print ($0 ~ / RWE / ? "x" : "nx") }' "$D/$n.l")
	case $stk in nx) want "$n" MA-HARD-STACK-EXEC pass ;; *) want "$n" MA-HARD-STACK-EXEC fail ;; esac
	if [ -z "$stk" ] && grep -q 'interpreter: /nonexistent/solo5/\]' "$D/$n.l"; then
		got=$(jq -r '.hardening.checks[] | select(.rule == "MA-HARD-STACK-EXEC") | .severity' "$D/$n.json")
		check "$n: no PT_GNU_STACK on a Solo5 image is low" [ "$got" = low ]
	fi
	if [ "$stk" = x ]; then
		got=$(jq -r '.hardening.checks[] | select(.rule == "MA-HARD-STACK-EXEC") | .severity' "$D/$n.json")
		check "$n: an executable stack is high" [ "$got" = high ]
	fi
	if readelf -d "$f" 2>/dev/null | grep -q 'TEXTREL'; then want "$n" MA-HARD-TEXTREL fail
	else want "$n" MA-HARD-TEXTREL pass; fi
	if grep -q '^ *DYNAMIC ' "$D/$n.l"; then
		want "$n" MA-HARD-DYNAMIC fail
		if grep -q '^ *GNU_RELRO ' "$D/$n.l"; then want "$n" MA-HARD-RELRO pass; else want "$n" MA-HARD-RELRO fail; fi
		if readelf -h "$f" | grep -q 'Type: *DYN'; then want "$n" MA-HARD-PIE pass; else want "$n" MA-HARD-PIE fail; fi
	else
		want "$n" MA-HARD-DYNAMIC pass
		want "$n" MA-HARD-PIE not-applicable
		want "$n" MA-HARD-RELRO not-applicable
	fi
	ip=$(sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p' "$D/$n.l")
	case $ip in ''|/nonexistent/solo5/) want "$n" MA-HARD-INTERP pass ;; *) want "$n" MA-HARD-INTERP fail ;; esac
	entry=$(readelf -h "$f" | awk '/Entry point address:/ { print $4 }')
	ent=fail
	while read -r _ty _off va _pa fsz _msz fl; do
		case $fl in *E*) [ $((entry)) -ge $((va)) ] && [ $((entry)) -lt $((va + fsz)) ] && ent=pass ;; esac
	done <<-L
	$(grep -E '^ *LOAD ' "$D/$n.l")
	L
	want "$n" MA-HARD-ENTRY "$ent"
	if readelf -n "$f" 2>/dev/null | grep -q 'x86 feature: IBT, SHSTK'; then want "$n" MA-HARD-CET pass
	else want "$n" MA-HARD-CET fail; fi
	if grep -q ' \.symtab ' "$D/$n.S"; then want "$n" MA-HARD-SYMBOLS fail; else want "$n" MA-HARD-SYMBOLS pass; fi
	if grep -q ' \.debug_' "$D/$n.S"; then want "$n" MA-HARD-DEBUG fail; else want "$n" MA-HARD-DEBUG pass; fi
	if ! grep -q ' \.symtab ' "$D/$n.S"; then
		want "$n" MA-HARD-FORTIFY unknown
		want "$n" MA-HARD-CANARY unknown
		continue
	fi
	nfort=$(awk '$4 == "FUNC" && $7 != "UND" && $8 ~ /^__.+_chk$/ && $8 !~ /^__stack_chk_fail/ { print $8 }' "$D/$n.s" | sort -u | wc -l)
	if [ "$nfort" -gt 0 ]; then want "$n" MA-HARD-FORTIFY pass; else want "$n" MA-HARD-FORTIFY fail; fi
	canary_truth "$f" > "$D/$n.truth"
	awk '$2 && !($3 && $4) { print $1 }' "$D/$n.truth" | sort > "$D/$n.unprot.want"
	jq -r '.hardening.stack_protector.unprotected[].name' "$D/$n.json" | sort > "$D/$n.unprot.got"
	check "$n: unprotected functions = objdump's buffers without a canary" cmp -s "$D/$n.unprot.want" "$D/$n.unprot.got"
	nprot=$(awk '$3 && $4' "$D/$n.truth" | wc -l)
	got=$(jq -r '.hardening.stack_protector.protected' "$D/$n.json")
	check "$n: protected functions = objdump's $nprot with a canary" [ "$got" = "$nprot" ]
	if [ -s "$D/$n.unprot.want" ]; then want "$n" MA-HARD-CANARY fail; else want "$n" MA-HARD-CANARY pass; fi
done
# The fixtures exercise both outcomes of the checks they are named for.
for pair in "rwx MA-HARD-WX fail" "good MA-HARD-WX pass" "xstack MA-HARD-STACK-EXEC fail" \
	    "good MA-HARD-STACK-EXEC pass" "textrel MA-HARD-TEXTREL fail" "interp MA-HARD-INTERP fail" \
	    "solo5 MA-HARD-INTERP pass" "tls MA-HARD-CANARY pass" "glob MA-HARD-CANARY pass" \
	    "good MA-HARD-CANARY fail" "half MA-HARD-CANARY fail" "cet MA-HARD-CET pass" "debug MA-HARD-DEBUG fail" \
	    "fortify MA-HARD-FORTIFY pass" "stripped MA-HARD-SYMBOLS pass" "textrel MA-HARD-ENTRY fail"; do
	set -- $pair
	if [ -f "$D/$1.json" ]; then want "$1" "$2" "$3"; else fail "fixture $1 present"; fi
done
# Every rule id the tool emits is documented.
for n in $names; do jq -r '.hardening.checks[].rule' "$D/$n.json"; done | sort -u > "$D/rules"
while read -r r; do
	check "$r documented in docs/hardening.md" grep -q "^## $r\b" "$TOP/docs/hardening.md"
done < "$D/rules"

# Every example: the section is there, and W^X agrees with readelf -lW.
while read -r name image _; do
	img=$EXAMPLES/$image
	[ -f "$img" ] || { fail "$name: image present"; continue; }
	if ! ma report -f json "$img" > "$D/ex.json" 2> "$D/ex.err"; then
		fail "$name: report" "$(head -1 "$D/ex.err")"; continue
	fi
	if readelf -lW "$img" | grep -E '^ *LOAD ' | grep -q ' RWE '; then w=fail; else w=pass; fi
	got=$(status "$D/ex.json" MA-HARD-WX)
	check "$name: MA-HARD-WX $got = readelf's $w" [ "$got" = "$w" ]
	check "$name: text report has the hardening section" sh -c '"$1" report "$2" | grep -q "^  MA-HARD-WX "' - "$MA" "$img"
	check "$name: JSON valid against the schema" python3 -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(s).validate(d)' "$TOP/docs/report.schema.json" "$D/ex.json"
done < "$EXAMPLES/LIST"
