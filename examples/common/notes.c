// SPDX-License-Identifier: ISC
/*
 * The Solo5 notes every example carries besides the manifest: ABI1 (target
 * and version from -DABI_TARGET/-DABI_VERSION), the OpenBSD ident note, and,
 * with -DWITH_INTERP, the 24-byte .interp that makes a host kernel refuse
 * to exec the image.
 */
#include "mft_abi.h"

#ifndef ABI_TARGET
#error "define ABI_TARGET (enum abi_target) and ABI_VERSION"
#endif

const struct abi1_note __solo5_abi1_note
	__attribute__((section(".note.solo5.abi"), aligned(4), used)) = {
	.h = {
		.n_namesz = sizeof(SOLO5_NOTE_NAME),
		.n_descsz = sizeof(struct abi1_info),
		.n_type = ABI1_NOTE_TYPE,
		.n_name = SOLO5_NOTE_NAME,
	},
	.i = {
		.abi_target = ABI_TARGET,
		.abi_version = ABI_VERSION,
	},
};

const struct openbsd_note __solo5_openbsd_note
	__attribute__((section(".note.solo5.not_openbsd"), aligned(4), used)) = {
	.n_namesz = 8,
	.n_descsz = 4,
	.n_type = 1,		/* NT_VERSION */
	.n_name = "OpenBSD",
	.desc = 0,
};

#ifdef WITH_INTERP
const char __solo5_interp[24] __attribute__((section(".interp"), aligned(1), used)) =
	"/nonexistent/solo5/";
#endif
