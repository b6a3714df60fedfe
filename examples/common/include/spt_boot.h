/* SPDX-License-Identifier: ISC */
/*
 * The hand-over from examples/common/tender.c to a freestanding guest: the
 * tender jumps to the ELF entry with a pointer to this struct in %rdi.
 */
#ifndef MA_EXAMPLES_SPT_BOOT_H
#define MA_EXAMPLES_SPT_BOOT_H

#include <stdint.h>

#include "mft_abi.h"

#define SPT_BOOT_MAGIC 0x31544f4f42545053ULL	/* "SPTBOOT1" */

struct spt_boot_info {
	uint64_t magic;			/* SPT_BOOT_MAGIC */
	uint64_t heap_start;		/* guest memory for the application */
	uint64_t heap_size;
	const char *cmdline;		/* remaining tender arguments, space-separated */
	const struct mft *mft;		/* tender's copy; hostfd/attached filled in */
};

#endif
