// Gadget fixture (AArch64) for t-gadgets.sh: blocks of known instructions,
// each followed by brk #0, which ends any decode that reaches it (every
// instruction is 4 bytes, so no decode starts inside another). The gadgets of
// each block, counted by hand, are in the comment above it and in t-gadgets.sh.
	.text
	.globl _start
_start:
// A: mov x0, #1; ret. +0 and +4. 2 ret.
	mov x0, #1
	ret
	brk #0
// B: br x1. 1 jmp.
	br x1
	brk #0
// C: blr x2. 1 call.
	blr x2
	brk #0
// D: b .: a direct branch is no gadget end. 0.
	b .
	brk #0
// E: cbz x0, .+8; ret: +0 a conditional branch ends it; +4 ret. 1 ret.
	cbz x0, .+8
	ret
	brk #0
// F: six nops and ret: from +0 and +4 the ret is the 7th and 6th instruction,
// past GADGET_MAX_INSNS (5); +8..+24 reach it. 5 ret.
	nop; nop; nop; nop; nop; nop
	ret
	brk #0
// G: the Armv8.3 pointer-authentication forms (recognised by their encoding):
// retaa, braaz x3, blraa x4, x5. 1 ret, 1 jmp, 1 call.
	retaa
	brk #0
	braaz x3
	brk #0
	blraa x4, x5
	brk #0
