/* A Mirage 2.x/3.x-style Xen PV kernel: Mini-OS ELF notes in .note.Xen, no PT_NOTE. */
	.section .note.Xen, "a"
	.p2align 2
	.long 4, 8, 6          /* GUEST_OS */
	.asciz "Xen"
	.asciz "Mini-OS"
	.p2align 2
	.long 4, 8, 5          /* XEN_VERSION */
	.asciz "Xen"
	.asciz "xen-3.0"
	.p2align 2
	.long 4, 8, 8          /* LOADER */
	.asciz "Xen"
	.asciz "generic"
	.p2align 2
	.long 4, 8, 2          /* HYPERCALL_PAGE */
	.asciz "Xen"
	.quad hypercall_page
	.text
	.globl _start
_start:
	call start_kernel
	hlt
	.p2align 12
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc
	.globl start_kernel
	.type start_kernel, @function
start_kernel:
	call xenbus_init
	ret
	.size start_kernel, .-start_kernel
	.globl xenbus_init
	.type xenbus_init, @function
xenbus_init:
	ret
	.size xenbus_init, .-xenbus_init
