/* SPDX-License-Identifier: ISC */
/*
 * Boot glue of the Solo5 xen layout (cf. Solo5 bindings/xen/boot.S): a
 * multiboot v1 header, which the generated linker script puts first in
 * .text, the 32-bit PVH entry _start32, and the Xen PHYS32_ENTRY note that
 * points at it. _start32 only halts: this image is for auditing, not booting.
 */
#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_PAGE_ALIGN (1 << 0)
#define MULTIBOOT_MEMORY_INFO (1 << 1)
#define MULTIBOOT_AOUT_KLUDGE (1 << 16)
#define MULTIBOOT_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE)
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .data.multiboot, "a"
	.balign 4
	.globl multiboot_header
multiboot_header:
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
	.long multiboot_header		/* header_addr */
	.long __executable_start	/* load_addr */
	.long _edata			/* load_end_addr */
	.long _end			/* bss_end_addr */
	.long _start32			/* entry_addr */
	.size multiboot_header, . - multiboot_header

	.section .note.solo5.xen, "a", @note
	.balign 4
	.long 4				/* n_namesz: "Xen\0" */
	.long 4				/* n_descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long _start32

	.text
	.code32
	.globl _start32
	.type _start32, @function
_start32:
	cli
1:	hlt
	jmp 1b
	.size _start32, . - _start32
	.code64

	.section .note.GNU-stack, "", @progbits
