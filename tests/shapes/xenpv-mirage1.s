	.section __xen_guest
	.ascii "GUEST_OS=Mirage,XEN_VER=xen-3.0,VIRT_BASE=0x0,ELF_PADDR_OFFSET=0x0,HYPERCALL_PAGE=0x2,LOADER=generic"
	.byte 0
	.text
	.globl _start
_start:
	call camlUnikernel__start_10
	hlt
	.globl camlUnikernel__code_begin
camlUnikernel__code_begin:
	.globl camlUnikernel__start_10
camlUnikernel__start_10:
	lea camlUnikernel__1(%rip), %rax
	ret
	.p2align 4
	.globl camlUnikernel__helper_12
camlUnikernel__helper_12:
	.fill 100, 1, 0x90
	ret
	.globl camlUnikernel__code_end
camlUnikernel__code_end:
	.globl stub_evtchn_init
stub_evtchn_init:
	.fill 50, 1, 0x90
	ret
	.data
	.globl camlUnikernel__data_begin
camlUnikernel__data_begin:
	.quad 0
	.globl camlUnikernel__1
camlUnikernel__1:
	.quad 1, 2, 3
	.globl camlUnikernel
camlUnikernel:
	.quad 4
	.globl camlUnikernel__data_end
camlUnikernel__data_end:
	.quad 0
