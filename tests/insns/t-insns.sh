#!/bin/sh
# SPDX-License-Identifier: ISC
# The privileged and sensitive instruction inventory (docs/instructions.md) against objdump.
# For every example in $EXAMPLES/LIST, report -f json's privileged_instructions.totals must
# equal, per mnemonic, a count made here from `objdump -d` (aarch64-linux-gnu-objdump for
# AArch64 images): objdump disassembles the sections flagged SHF_EXECINSTR, the tool the
# bytes of executable PT_LOAD segments narrowed by their sections' flags, so first every
# executable section is checked to lie inside an executable PT_LOAD (readelf), which makes
# the two scopes the same bytes. Both sweep linearly and start again at each symbol.
# Mnemonics are read from objdump's third column with the prefixes (rep, lock, data16,
# notrack, segment overrides) dropped; insb/insw/insl count as ins, outsb/... as outs, a mov
# with a %crN operand as "mov cr", a direct call to <hypercall_page...> as
# "call hypercall_page". Then a small static image built here (cc -nostdlib -static, the
# source below) holds each x86-64 instruction once, some in a function nothing calls, and
# a call to hypercall_page + 3 * 32: each is found once, at the address nm gives its label,
# with the reachable flag its function's place says, and the call's hypercall number is 3.
. "$TOP/tests/lib.sh"
need objdump aarch64-linux-gnu-objdump readelf nm jq cc || exit 1

# mnemonics FILE OBJDUMP: "count mnemonic" lines, the inventory's names, sorted by name.
mnemonics() {
	"$2" -d --no-show-raw-insn "$1" | awk -F'\t' '
	NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
		n = split($2, w, /[ \t]+/)
		i = 1
		while (i < n && w[i] ~ /^(rep|repz|repnz|repe|repne|lock|data16|addr32|notrack|bnd|cs|ds|es|fs|gs|ss|rex(\.[WRXB]+)?)$/)
			i++
		m = w[i]
		ops = ""
		for (j = i + 1; j <= n; j++)
			ops = ops " " w[j]
		if (m ~ /^ins[bwl]$/) m = "ins"
		else if (m ~ /^outs[bwl]$/) m = "outs"
		else if (m ~ /^mov[lq]?$/ && ops ~ /%cr[0-9]/) m = "mov cr"
		else if (m ~ /^call[q]?$/ && ops !~ /\*/ && ops ~ /<hypercall_page[+>]/)
			m = "call hypercall_page"
		if (m ~ /^(vmcall|vmmcall|in|out|ins|outs|syscall|sysenter|int|rdrand|rdseed|rdmsr|wrmsr|cli|sti|hlt|lgdt|lidt|mov cr|call hypercall_page|hvc|smc|svc|msr|mrs)$/)
			c[m]++
	}
	END { for (m in c) print c[m] " " m }' | sort -k2
}

# tool_totals JSON: the same lines from the report's totals.
tool_totals() {
	jq -r '.privileged_instructions.totals[] | "\(.sites) \(.mnemonic)"' "$1" | sort -k2
}

# exec_in_load IMAGE: every SHF_EXECINSTR section lies inside an executable PT_LOAD.
exec_in_load() {
	readelf -lW "$1" | awk '$1 == "LOAD" && ($7 ~ /E/ || $8 ~ /E/) { print $3, $6 }' > "$TMPD/loads"
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk '$1 != "" && $7 ~ /X/ && $7 ~ /A/ { print $1, $3, $5 }' > "$TMPD/secs"
	[ -s "$TMPD/loads" ] || return 1
	while read -r sec addr size; do
		ok=1
		while read -r va memsz; do
			[ $((0x$addr)) -ge $((va)) ] && [ $((0x$addr + 0x$size)) -le $((va + memsz)) ] && ok=0
		done < "$TMPD/loads"
		[ $ok = 0 ] || { echo "section $sec outside every executable PT_LOAD"; return 1; }
	done < "$TMPD/secs"
}

while read -r ex path _; do
	img=$EXAMPLES/$path
	[ -f "$img" ] || { fail "$ex: image built" "$img missing"; continue; }
	case $(readelf -h "$img" | awk -F: '/Machine/ { print $2 }') in
	*AArch64*) od=aarch64-linux-gnu-objdump ;;
	*X86-64*) od=objdump ;;
	*) fail "$ex: machine" "neither x86-64 nor AArch64"; continue ;;
	esac
	check "$ex: executable sections inside executable PT_LOADs" exec_in_load "$img"
	if ! ma report -f json "$img" > "$TMPD/$ex.json"; then
		fail "$ex: report -f json"
		continue
	fi
	mnemonics "$img" "$od" > "$TMPD/$ex.objdump"
	tool_totals "$TMPD/$ex.json" > "$TMPD/$ex.tool"
	if diff -u "$TMPD/$ex.objdump" "$TMPD/$ex.tool" > "$TMPD/$ex.diff"; then
		pass "$ex: inventory totals equal objdump -d's ($(awk '{ s += $1 } END { print s + 0 }' "$TMPD/$ex.tool") sites)"
	else
		fail "$ex: inventory totals equal objdump -d's" "$(cat "$TMPD/$ex.diff")"
	fi
	check "$ex: sites sum to the totals" test "$(jq '[.privileged_instructions.totals[].sites] | add // 0' "$TMPD/$ex.json")" = \
		"$(jq '.privileged_instructions.sites | length' "$TMPD/$ex.json")"
	# A site's facility holds the site's function: never sealed, and reached (reachable or
	# inert) when the site is reachable; no package without --build.
	check "$ex: each site's facility agrees with its verdict" test "$(jq '
		(.facilities | map({(.name): .verdict}) | add) as $v |
		[.privileged_instructions.sites[] | select(.facility != null) |
		 select($v[.facility] == "sealed" or (.reachable and
			 ($v[.facility] | IN("reachable", "inert") | not)))] | length' "$TMPD/$ex.json")" = 0
	check "$ex: no package without --build" test "$(jq '[.privileged_instructions.sites[] |
		select(.package != null)] | length' "$TMPD/$ex.json")" = 0
done < "$EXAMPLES/LIST"

# With the build directory, every site has a package; a rdrand site lies in crypto.
"$MA" report -f json --build "$EXAMPLES/ocaml-full" "$EXAMPLES/ocaml-full/ocaml-full.hvt" \
	> "$TMPD/full-build.json" 2>/dev/null
check "ocaml-full --build: every site has a package" test "$(jq '[.privileged_instructions.sites[] |
	select(.package == null)] | length' "$TMPD/full-build.json")" = 0
check "ocaml-full: a rdrand site in the crypto facility (mirage-crypto's entropy)" test \
	"$(jq '[.privileged_instructions.sites[] | select(.mnemonic == "rdrand" and
		.facility == "crypto")] | length > 0' "$TMPD/full-build.json")" = true

# The fixture: one of each x86-64 instruction, labelled; live_* run from _start, dead_* never.
cat > "$TMPD/fx.c" <<'EOF'
__asm__(
	".text\n"
	".globl _start\n.type _start,@function\n_start:\n"
	"	call live\n"
	"	call hypercall_page + 3 * 32\n"
	"L_hcall: \n"
	"	jmp _start\n"
	".size _start, . - _start\n"
	".globl live\n.type live,@function\nlive:\n"
	"L_vmcall: vmcall\n"
	"L_in: in %dx, %al\n"
	"L_ins: insb\n"
	"L_syscall: syscall\n"
	"L_int: int $0x80\n"
	"L_rdrand: rdrand %eax\n"
	"L_rdmsr: rdmsr\n"
	"L_cli: cli\n"
	"L_lgdt: lgdt (%rax)\n"
	"L_movcr: mov %cr0, %rax\n"
	"	ret\n"
	".size live, . - live\n"
	".globl dead\n.type dead,@function\ndead:\n"
	"L_vmmcall: vmmcall\n"
	"L_out: out %al, %dx\n"
	"L_outs: outsb\n"
	"L_sysenter: sysenter\n"
	"L_rdseed: rdseed %eax\n"
	"L_wrmsr: wrmsr\n"
	"L_sti: sti\n"
	"L_lidt: lidt (%rax)\n"
	"L_hlt: hlt\n"
	"	ret\n"
	".size dead, . - dead\n"
	".p2align 12\n"
	".globl hypercall_page\n.type hypercall_page,@function\nhypercall_page:\n"
	"	.fill 4096, 1, 0\n"
	".size hypercall_page, 4096\n");
EOF
if ! cc -nostdlib -static -no-pie -Wl,--build-id=none -Wa,-L -o "$TMPD/fx" "$TMPD/fx.c" 2> "$TMPD/cc.err"; then
	fail "fixture: built" "$(cat "$TMPD/cc.err")"
	echo "# t-insns done"
	exit 0
fi
ma report -f json "$TMPD/fx" > "$TMPD/fx.json" || fail "fixture: report -f json"
# expect LABEL MNEMONIC REACHABLE: one site of MNEMONIC, at LABEL's address, reachable or not.
expect() {
	at=$(nm "$TMPD/fx" | awk -v l="$1" '$3 == l { sub(/^0+/, "", $1); print "0x" $1 }')
	got=$(jq -r --arg m "$2" '[.privileged_instructions.sites[] | select(.mnemonic == $m)] |
		map("\(.address) \(.reachable)") | join(",")' "$TMPD/fx.json")
	check "fixture: $2 found once at $1, reachable $3" test "$got" = "$at $3"
}
expect L_vmcall vmcall true
expect L_in in true
expect L_ins ins true
expect L_syscall syscall true
expect L_int int true
expect L_rdrand rdrand true
expect L_rdmsr rdmsr true
expect L_cli cli true
expect L_lgdt lgdt true
expect L_movcr "mov cr" true
expect L_vmmcall vmmcall false
expect L_out out false
expect L_outs outs false
expect L_sysenter sysenter false
expect L_rdseed rdseed false
expect L_wrmsr wrmsr false
expect L_sti sti false
expect L_lidt lidt false
expect L_hlt hlt false
# The call's site is the call instruction: the label after it less its 5 bytes.
hc=$(nm "$TMPD/fx" | awk '$3 == "L_hcall" { print $1 }')
hc=$(printf '0x%x' $((0x$hc - 5)))
check "fixture: call hypercall_page found once, at the call, reachable" test \
	"$(jq -r '[.privileged_instructions.sites[] | select(.mnemonic == "call hypercall_page")] |
		map("\(.address) \(.reachable) \(.hypercall)") | join(",")' "$TMPD/fx.json")" = "$hc true 3"
mnemonics "$TMPD/fx" objdump > "$TMPD/fx.objdump"
tool_totals "$TMPD/fx.json" > "$TMPD/fx.tool"
check "fixture: totals equal objdump -d's" diff -u "$TMPD/fx.objdump" "$TMPD/fx.tool"
check "fixture: 20 kinds, each once" test "$(awk '$1 == 1' "$TMPD/fx.objdump" | wc -l)" = 20
echo "# t-insns done"
