/*
 * OCaml units as OCaml before 4.07 names them, for tests/e2e/t-unknown.sh:
 * the standard library's units have no Stdlib__ prefix (Pervasives, List,
 * Hashtbl, CamlinternalFormat), beside a user unit (Unikernel). Assembled
 * with --defsym MODERN=1 the image also has the Stdlib unit of 4.07 and
 * later, where a unit named List can only be the user's own.
 */
	.macro unit name
	.text
	.globl caml\name\()__code_begin
caml\name\()__code_begin:
	.globl caml\name\()__f_10
caml\name\()__f_10:
	.fill 64, 1, 0x90
	ret
	.globl caml\name\()__code_end
caml\name\()__code_end:
	.data
	.globl caml\name\()__data_begin
caml\name\()__data_begin:
	.quad 0
	.globl caml\name
caml\name:
	.quad 1, 2, 3
	.globl caml\name\()__data_end
caml\name\()__data_end:
	.quad 0
	.endm

	.text
	.globl _start
_start:
	call camlUnikernel__f_10
	hlt
	unit Pervasives		/* stdlib */
	unit List		/* stdlib */
	unit Hashtbl		/* stdlib */
	unit Printf		/* stdlib */
	unit CamlinternalFormat	/* stdlib */
	unit Unikernel
	.ifdef MODERN
	unit Stdlib
	.endif
