/* SPDX-License-Identifier: ISC */
/*
 * The shape of OCaml 4.x amd64 code that coerces a module to a functor's
 * smaller signature (tests/reach/t-functor.sh): unit Store's block camlStore
 * holds four closures, filled by camlStore__entry; camlMain__entry reads
 * field 0 (read) through a copy of the register holding the block, across a
 * call to caml_alloc1, and field 8 (write) at a RIP-relative address. Fields
 * 16 (delete) and 24 (compact) are read by no code. With -DESCAPE the block's
 * address is also spilled to the stack: it escapes, every field is alive.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	call	caml_program
	hlt
	.size	_start, . - _start

	.globl	caml_program
	.type	caml_program, @function
caml_program:
	call	camlStore__entry
	call	camlMain__entry
	ret
	.size	caml_program, . - caml_program

	/* The runtime's allocation entry: every register but r10, r11, r15 survives. */
	.globl	caml_alloc1
	.type	caml_alloc1, @function
caml_alloc1:
	subq	$16, %r15
	ret
	.size	caml_alloc1, . - caml_alloc1

	.globl	camlStore__code_begin
camlStore__code_begin:
	.globl	camlStore__read_10
	.type	camlStore__read_10, @function
camlStore__read_10:
	movl	$1, %eax
	ret
	.size	camlStore__read_10, . - camlStore__read_10
	.globl	camlStore__write_11
	.type	camlStore__write_11, @function
camlStore__write_11:
	movl	$3, %eax
	ret
	.size	camlStore__write_11, . - camlStore__write_11
	.globl	camlStore__delete_12
	.type	camlStore__delete_12, @function
camlStore__delete_12:
	movl	$5, %eax
	ret
	.size	camlStore__delete_12, . - camlStore__delete_12
	.globl	camlStore__compact_13
	.type	camlStore__compact_13, @function
camlStore__compact_13:
	movl	$7, %eax
	ret
	.size	camlStore__compact_13, . - camlStore__compact_13
	.globl	camlStore__entry
	.type	camlStore__entry, @function
camlStore__entry:
	movq	$camlStore, %rbx
	movq	$camlStore__1, %rax
	movq	%rax, 0(%rbx)
	movq	$camlStore__2, %rax
	movq	%rax, 8(%rbx)
	movq	$camlStore__3, %rax
	movq	%rax, 16(%rbx)
	movq	$camlStore__4, %rax
	movq	%rax, 24(%rbx)
	movl	$1, %eax
	ret
	.size	camlStore__entry, . - camlStore__entry
	.globl	camlStore__code_end
camlStore__code_end:

	.globl	camlMain__code_begin
camlMain__code_begin:
	.globl	camlMain__entry
	.type	camlMain__entry, @function
camlMain__entry:
	subq	$24, %rsp
	movq	$camlStore, %rbx
	call	caml_alloc1
#ifdef ESCAPE
	movq	%rbx, 8(%rsp)
#endif
	movq	%rbx, %rax
	movq	0(%rax), %rax		/* field 0 through the copy */
	movq	camlStore+8(%rip), %rbx	/* field 8 at its address */
	movq	%rbx, 16(%rsp)
	call	*(%rax)
	movq	16(%rsp), %rax
	call	*(%rax)
	addq	$24, %rsp
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
