# SPDX-License-Identifier: ISC
# A MirageOS 1.x Xen PV kernel in miniature (tests/shapes/t-witness.sh): one
# RWX segment at address 0 (ld -N -Ttext=0x0), NOTYPE symbols of size 0, the
# Mini-OS boot path _start -> arch_init -> start_kernel -> caml_startup ->
# caml_main -> caml_start_program -> caml_program -> unit entries, a 4 KiB
# zero-filled hypercall_page (HYPERCALL_PAGE=0x2: page 2) right before
# caml_program, a zero-filled shared_info page and zero padding after code,
# each followed by a function nothing names, and a size-0 caml_absf_mask in
# .rodata followed by C string literals whose bytes read as small addresses
# inside camlEnv__fun_6152, which nothing references either.
	.section __xen_guest
	.ascii "GUEST_OS=Mirage,XEN_VER=xen-3.0,VIRT_BASE=0x0,ELF_PADDR_OFFSET=0x0,HYPERCALL_PAGE=0x2,LOADER=generic"
	.byte 0

	.text
	.globl _start
_start:
	lea stack_top(%rip), %rsp
	call arch_init
	call trap_init
	hlt

	.globl arch_init
arch_init:
	push %rbp
	lea .LCboot(%rip), %rdi
	call printk
	lea shared_info(%rip), %rsi		# HYPERVISOR_update_va_mapping
	mov $14, %eax
	call hypercall_page + 14 * 32
	lea hypervisor_callback(%rip), %rdi	# HYPERVISOR_set_callbacks: an address
	mov $4, %eax
	call hypercall_page + 4 * 32
	mov $18, %edi			# HYPERVISOR_console_io: hypercall 18
	call hypercall_page + 18 * 32
	call start_kernel
	pop %rbp
	ret

	# Called by trap_init and its address taken by arch_init, both one step
	# from _start: `why` shows the call.
	.globl trap_init
trap_init:
	call hypervisor_callback
	ret

	.globl hypervisor_callback
hypervisor_callback:
	ret

	.globl printk
printk:
	mov %rdi, %rsi
	mov $0, %edi
	call hypercall_page + 18 * 32
	ret

	.globl start_kernel
start_kernel:
	lea .LCstart(%rip), %rdi
	call printk
	call caml_startup
	ret

	.globl caml_startup
caml_startup:
	call caml_main
	ret

	.globl caml_main
caml_main:
	call init_gc
	call caml_start_program
	ret

	.globl init_gc
init_gc:
	lea .LCgc(%rip), %rdi
	jmp printk

	.globl caml_start_program
caml_start_program:
	push %rbx
	call caml_program
	pop %rbx
	ret
	# zero padding up to the hypercall page: not an instruction of caml_start_program
	.org 0x2000

	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0

	.globl caml_program
caml_program:
	call camlPervasives__entry
	call camlEnv__entry
	call camlUnikernel__entry
	mov $1, %eax
	ret

	.globl camlPervasives__code_begin
camlPervasives__code_begin:
	.globl camlPervasives__entry
camlPervasives__entry:
	lea camlPervasives(%rip), %rax
	ret
	.globl camlPervasives__abs_float_1010
camlPervasives__abs_float_1010:
	movsd (%rax), %xmm0
	andpd caml_absf_mask(%rip), %xmm0
	ret
	.globl camlPervasives__code_end
camlPervasives__code_end:

	.globl camlEnv__code_begin
camlEnv__code_begin:
	.globl camlEnv__entry
camlEnv__entry:
	mov $1, %eax
	ret
	# camlEnv__fun_6152 covers 0x6261 ("ab") and 0x6270 ("pb"): no code names it
	.org 0x6240
	.globl camlEnv__fun_6152
camlEnv__fun_6152:
	.fill 0x7f, 1, 0x90
	ret
	.globl camlEnv__code_end
camlEnv__code_end:

	.globl camlUnikernel__code_begin
camlUnikernel__code_begin:
	.globl camlUnikernel__entry
camlUnikernel__entry:
	lea camlPervasives(%rip), %rax
	call camlPervasives__abs_float_1010
	ret
	.balign 64, 0			# zero padding: not an instruction that runs on
	.globl camlUnikernel__unused_20
camlUnikernel__unused_20:
	mov $1, %eax
	ret
	.globl camlUnikernel__code_end
camlUnikernel__code_end:

	# Mini-OS's shared_info page: zero in the file, Xen maps its page there.
	# arch_init names it; what follows it is named by nothing.
	.balign 4096, 0
	.globl shared_info
shared_info:
	.fill 4096, 1, 0
	.globl stub_unused_after_page
stub_unused_after_page:
	ret

	# As OCaml 4.0x's emit.mlp writes them: local, no type, no size
	.section .rodata
	.p2align 4
caml_negf_mask:
	.quad 0x8000000000000000, 0
	.p2align 4
caml_absf_mask:
	.quad 0x7fffffffffffffff, -1
	# C string literals (Mini-OS printk formats): .L labels, not in the symbol table
.LCboot:
	.string "Bootstrapping Mirage on Xen...\n"
.LCstart:
	.string "start_kernel: xen-3.0\n"
.LCgc:
	.string "init_gc: minor heap\n"
	.p2align 3
	.ascii "\0\0\0\0\0xyz"
	.string "ab"			# "xyzab": its aligned word "ab\0\0\0\0\0\0" is 0x6261
	.ascii "\0\0\0\0\0"
	.ascii "Mirage: "
	.string "pb"			# "Mirage: pb": 0x6270
	.ascii "\0\0\0\0\0"
	.rept 200
	.string "netfront: backend/vif/0 state changed\n"
	.endr
	.globl console_ring_end
	.type console_ring_end, @object
console_ring_end:
	.quad 0

	.data
	.globl camlPervasives__data_begin
camlPervasives__data_begin:
	.quad 0
	.globl camlPervasives
camlPervasives:
	.quad camlPervasives__abs_float_1010
	.globl camlPervasives__data_end
camlPervasives__data_end:
	.quad 0

	# A table of counts, not of pointers: on an image linked at 0 its words
	# read as addresses, none at the start of a symbol. Nothing names it.
	.p2align 3
	.globl int_table
	.type int_table, @object
int_table:
	.set i, 0
	.rept 600
	.quad (i * 37 + 5) % 20000
	.set i, i + 1
	.endr
	.size int_table, . - int_table

	.bss
	.p2align 4
stack:
	.zero 16384
stack_top:
