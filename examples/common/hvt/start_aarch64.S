/* SPDX-License-Identifier: ISC */
/*
 * ELF entry of the freestanding AArch64 hvt guest. The tender enters at
 * EL1 with the MMU off and x0 pointing at struct hvt_boot_info; the guest
 * switches to its own stack and calls hvt_start(), which never returns.
 */
	.text
	.globl _start
	.type _start, %function
_start:
	adrp x1, hvt_stack_top
	add x1, x1, :lo12:hvt_stack_top
	mov sp, x1
	mov x29, xzr
	mov x30, xzr
	bl hvt_start
1:	wfi
	b 1b
	.size _start, . - _start

	.bss
	.balign 16
	.space 16384
	.type hvt_stack_top, %object
hvt_stack_top:
	.size hvt_stack_top, 0

	.section .note.GNU-stack, "", %progbits
