# SPDX-License-Identifier: ISC
# placed.awk MAP: "file addr size" (decimal) for every input section a GNU ld map
# (-Map) places in an output section whose address is not 0 (.comment and .debug_*
# are at 0), read independently of the tool's parser; sections of size 0 are left out.
# Shared by tests/build/t-build-inputs.sh and tests/seal/t-relink.sh.
/^Linker script and memory map$/ { on = 1; next }
!on { next }
/^[^ ]/ {
	pend = ""
	if ($1 == "LOAD" || $1 == "START" || $1 == "END" || $1 ~ /^OUTPUT\(/) next
	outaddr = (NF >= 2) ? $2 : "wrapped"
	next
}
outaddr == "wrapped" && /^  +0x/ { outaddr = $1; next }
/^ [^ *]/ {
	if (NF == 1) { pend = $1; next }
	pend = ""
	if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) add($2, $3, $4)
	next
}
pend != "" && /^  +0x/ {
	if (NF >= 3 && $2 ~ /^0x/) add($1, $2, $3)
	pend = ""
	next
}
{ pend = "" }
function hex(s,   v, i) {
	v = 0
	for (i = 3; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
	return v
}
function add(addr, size, file) {
	if (outaddr ~ /^0x0+$/ || outaddr == "wrapped" || hex(size) == 0) return
	printf "%s %d %d\n", file, hex(addr), hex(size)
}
