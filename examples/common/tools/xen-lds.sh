#!/bin/sh
# SPDX-License-Identifier: ISC
# xen-lds.sh: make the xen-pvh linker script from GNU ld's default one.
#
# usage: ld --verbose | sh xen-lds.sh > xen.lds
#
# Two edits to the default script, so the static glibc + OCaml link keeps
# working: the multiboot header (.data.multiboot) becomes the first input of
# .text, as in Solo5's solo5_xen.lds, and the Solo5 notes follow .rodata.
# ld starts a new PT_NOTE where the alignment changes or a gap separates
# two note sections, so each note gets its own: OpenBSD (4), MFT1 (8),
# ABI1 (4), a 4-byte gap, Xen (4).
awk '
/^==========/ { inside = !inside; next }
!inside { next }
/\*\(\.text\.unlikely \.text\.\*_unlikely \.text\.unlikely\.\*\)/ && !mb {
	print "    KEEP (*(.data.multiboot))"
	mb = 1
}
{ print }
/^  \.rodata +:/ && !nt {
	print "  .note.solo5.not_openbsd : { KEEP (*(.note.solo5.not_openbsd)) }"
	print "  .note.solo5.manifest : { KEEP (*(.note.solo5.manifest*)) }"
	print "  .note.solo5.abi : { KEEP (*(.note.solo5.abi)) }"
	print "  . = . + 4;"
	print "  .note.solo5.xen : { KEEP (*(.note.solo5.xen)) }"
	nt = 1
}
END {
	if (!mb || !nt) {
		print "xen-lds.sh: the default linker script has an unexpected shape" > "/dev/stderr"
		exit 1
	}
}
'
