# Gadget fixture (x86-64) for t-gadgets.sh: blocks of known bytes, each
# followed by 16 int3 bytes, so that no decode started in one block reaches
# the next (an instruction is at most 15 bytes, and any decode that starts on
# an int3 ends there). The gadgets of each block, counted by hand, are in the
# comment above it and in t-gadgets.sh.
	.text
	.globl _start
_start:
# A: pop %rdi; ret (5f c3). +0 pop;ret, +1 ret: 2 ret.
	pop %rdi
	ret
	.fill 16, 1, 0xcc
# B: jmp *%rax (ff e0). +0 jmp; +1 e0 cc is loopne: a branch, no gadget. 1 jmp.
	jmp *%rax
	.fill 16, 1, 0xcc
# C: call *%rax (ff d0). +0 call; +1 d0 cc is ror $1,%ah, then int3: none. 1 call.
	call *%rax
	.fill 16, 1, 0xcc
# D: ret $8 (c2 08 00). +0 ret; +1 08 00 or %al,(%rax) then int3; +2 00 cc
# add %cl,%ah then int3. 1 ret.
	ret $8
	.fill 16, 1, 0xcc
# E: jmp . (eb fe): a direct jump is no gadget end; +1 fe cc is dec %ah, then
# int3. 0.
	.byte 0xeb, 0xfe
	.fill 16, 1, 0xcc
# F: call .+5; ret (e8 00 00 00 00 c3): +0 a direct call ends the attempt;
# +1 and +3 run add %al,(%rax) into the ret, +5 is the ret; +2 and +4 decode
# 00 c3 (add %al,%bl) and land on int3. 3 ret.
	.byte 0xe8, 0, 0, 0, 0, 0xc3
	.fill 16, 1, 0xcc
# G: six nops and ret: from +0 and +1 the ret is the 7th and 6th instruction,
# past GADGET_MAX_INSNS (5); +2..+6 reach it. 5 ret.
	.fill 6, 1, 0x90
	ret
	.fill 16, 1, 0xcc
# H: je .+2; ret (74 00 c3): +0 a conditional branch ends it; +1 00 c3 then
# int3; +2 ret. 1 ret.
	.byte 0x74, 0x00, 0xc3
	.fill 16, 1, 0xcc
# I: jmp *%r11 (41 ff e3): +0 jmp; +1 ff e3 jmp *%rbx; +2 e3 cc is jrcxz. 2 jmp.
	jmp *%r11
	.fill 16, 1, 0xcc
# J: call *0(%rip) (ff 15 00 00 00 00): +0 call; +1 15 00 00 00 00 adc $0,%eax
# then int3; +2..+5 runs of 00 00 / 00 cc that end on int3. 1 call.
	.byte 0xff, 0x15, 0, 0, 0, 0
	.fill 16, 1, 0xcc
