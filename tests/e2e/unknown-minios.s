/*
 * A Mirage 2.x/3.x-style Mini-OS Xen PV kernel for tests/e2e/t-unknown.sh:
 * linked at 0 with 2 MiB pages, so the file has a zero-filled gap before
 * .text; a zero-filled 64 KiB alignment gap inside .text; .bss aligned to
 * 64 KiB after .data. The Mini-OS objects are marked "mini-os" below (the
 * test reads the marks): its stacks, the hypercall and shared-info pages,
 * its console (printk) and its lib/ (memcpy, strcmp).
 */
	.section .note.Xen, "a"
	.p2align 2
	.long 4, 8, 6          /* GUEST_OS */
	.asciz "Xen"
	.asciz "Mini-OS"
	.p2align 2
	.long 4, 8, 2          /* HYPERCALL_PAGE */
	.asciz "Xen"
	.quad hypercall_page

	.text
	.globl _start
	.type _start, @function
_start:
	lea stack(%rip), %rsp
	call start_kernel
	hlt
	.size _start, .-_start
	.p2align 12
	.globl hypercall_page          /* mini-os */
	.type hypercall_page, @object
hypercall_page:
	.fill 4096, 1, 0
	.size hypercall_page, 4096
	.globl shared_info             /* mini-os */
	.type shared_info, @object
shared_info:
	.fill 4096, 1, 0
	.size shared_info, 4096
	.globl start_kernel            /* mini-os */
	.type start_kernel, @function
start_kernel:
	call printk
	call memcpy
	call strcmp
	ret
	.size start_kernel, .-start_kernel
	/* Alignment between objects: 64 KiB of zeros that no symbol claims. */
	.balign 0x10000, 0
	.globl printk                  /* mini-os */
	.type printk, @function
printk:
	ret
	.size printk, .-printk
	.globl memcpy                  /* mini-os */
	.type memcpy, @function
memcpy:
	mov %rdi, %rax
	ret
	.size memcpy, .-memcpy
	.globl strcmp                  /* mini-os */
	.type strcmp, @function
strcmp:
	xor %eax, %eax
	ret
	.size strcmp, .-strcmp

	.data
	.globl console_ring
	.type console_ring, @object
console_ring:
	.quad 1
	.size console_ring, 8

	.bss
	.p2align 16
	.globl stack                   /* mini-os */
	.type stack, @object
stack:
	.zero 0x20000
	.size stack, 0x20000
	.globl irqstack                /* mini-os */
	.type irqstack, @object
irqstack:
	.zero 0x20000
	.size irqstack, 0x20000
