/* An ELF32 i386 multiboot kernel, as Unikraft's QEMU images are. */
	.text
	/* The header must lie in the first 8 KiB of the file: first thing in .text. */
	.p2align 2
	.globl multiboot_header
	.type multiboot_header, @object
multiboot_header:
	.long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)
	.size multiboot_header, .-multiboot_header
	.globl _start
	.type _start, @function
_start:
	cli
1:	hlt
	jmp 1b
	.size _start, .-_start
	.globl ukplat_entry
	.type ukplat_entry, @function
ukplat_entry:
	.fill 64, 1, 0x90
	ret
	.size ukplat_entry, .-ukplat_entry
	.data
	.globl boot_info
	.type boot_info, @object
boot_info:
	.long 1, 2, 3, 4
	.size boot_info, .-boot_info
