/* SPDX-License-Identifier: ISC */
/*
 * ELF entry of the freestanding spt guest. The tender jumps here with %rsp at
 * the top of a fresh stack and %rdi pointing at struct spt_boot_info.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call spt_start
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
