/* SPDX-License-Identifier: ISC */
/*
 * tests/reach/functor-x86.S for AArch64, in the shape of OCaml's arm64 code
 * without dlcode: addresses are built by adrp + add. camlStore__entry stores
 * the four closures into the block; camlMain__entry reads field 0 (read)
 * through a copy of the register holding the block, across a call to
 * caml_alloc1, and field 8 (write) with adrp + ldr #:lo12:. Fields 16
 * (delete) and 24 (compact) are read by no code. With -DESCAPE the block's
 * address is also spilled to the stack: it escapes, every field is alive.
 */
	.text
	.globl	_start
	.type	_start, %function
_start:
	bl	caml_program
1:	b	1b
	.size	_start, . - _start

	.globl	caml_program
	.type	caml_program, %function
caml_program:
	stp	x29, x30, [sp, #-16]!
	bl	camlStore__entry
	bl	camlMain__entry
	ldp	x29, x30, [sp], #16
	ret
	.size	caml_program, . - caml_program

	/* The runtime's allocation entry: x0-x15 and x19-x25 survive it. */
	.globl	caml_alloc1
	.type	caml_alloc1, %function
caml_alloc1:
	sub	x27, x27, #16
	ret
	.size	caml_alloc1, . - caml_alloc1

	.globl	camlStore__code_begin
camlStore__code_begin:
	.globl	camlStore__read_10
	.type	camlStore__read_10, %function
camlStore__read_10:
	mov	x0, #1
	ret
	.size	camlStore__read_10, . - camlStore__read_10
	.globl	camlStore__write_11
	.type	camlStore__write_11, %function
camlStore__write_11:
	mov	x0, #3
	ret
	.size	camlStore__write_11, . - camlStore__write_11
	.globl	camlStore__delete_12
	.type	camlStore__delete_12, %function
camlStore__delete_12:
	mov	x0, #5
	ret
	.size	camlStore__delete_12, . - camlStore__delete_12
	.globl	camlStore__compact_13
	.type	camlStore__compact_13, %function
camlStore__compact_13:
	mov	x0, #7
	ret
	.size	camlStore__compact_13, . - camlStore__compact_13
	.globl	camlStore__entry
	.type	camlStore__entry, %function
camlStore__entry:
	adrp	x2, camlStore
	add	x2, x2, #:lo12:camlStore
	adrp	x0, camlStore__1
	add	x0, x0, #:lo12:camlStore__1
	str	x0, [x2, #0]
	adrp	x0, camlStore__2
	add	x0, x0, #:lo12:camlStore__2
	str	x0, [x2, #8]
	adrp	x0, camlStore__3
	add	x0, x0, #:lo12:camlStore__3
	str	x0, [x2, #16]
	adrp	x0, camlStore__4
	add	x0, x0, #:lo12:camlStore__4
	str	x0, [x2, #24]
	mov	x0, #1
	ret
	.size	camlStore__entry, . - camlStore__entry
	.globl	camlStore__code_end
camlStore__code_end:

	.globl	camlMain__code_begin
camlMain__code_begin:
	.globl	camlMain__entry
	.type	camlMain__entry, %function
camlMain__entry:
	stp	x29, x30, [sp, #-32]!
	adrp	x19, camlStore
	add	x19, x19, #:lo12:camlStore
	bl	caml_alloc1
#ifdef ESCAPE
	str	x19, [sp, #16]
#endif
	mov	x20, x19
	ldr	x19, [x20, #0]		/* field 0 through the copy */
	adrp	x21, camlStore
	ldr	x21, [x21, #:lo12:camlStore+8]	/* field 8 at its address */
	mov	x20, x21
	ldr	x16, [x19]
	blr	x16
	ldr	x16, [x20]
	blr	x16
	ldp	x29, x30, [sp], #32
	ret
	.size	camlMain__entry, . - camlMain__entry
	.globl	camlMain__code_end
camlMain__code_end:

	.data
	.balign	8
	.globl	camlStore__data_begin
camlStore__data_begin:
	.quad	4096 + 0x300		/* header: 4 fields */
	.globl	camlStore
camlStore:
	.quad	1, 1, 1, 1
	.quad	0xf7
camlStore__1:
	.quad	camlStore__read_10, 0x100000000000005
	.quad	0xf7
camlStore__2:
	.quad	camlStore__write_11, 0x100000000000005
	.quad	0xf7
camlStore__3:
	.quad	camlStore__delete_12, 0x100000000000005
	.quad	0xf7
camlStore__4:
	.quad	camlStore__compact_13, 0x100000000000005
	.globl	camlStore__data_end
camlStore__data_end:
	.quad	0
	.globl	camlMain__data_begin
camlMain__data_begin:
	.globl	camlMain
camlMain:
	.quad	1
	.globl	camlMain__data_end
camlMain__data_end:
	.quad	0
	.section .note.GNU-stack,"",@progbits
