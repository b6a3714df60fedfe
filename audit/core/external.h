/* SPDX-License-Identifier: ISC */
/* --external-tcb FILE: what the image runs on (tender, hypervisor), with sizes (docs/tcb.md). */
#ifndef MA_EXTERNAL_H
#define MA_EXTERNAL_H

#include <stddef.h>

#include "audit/core/arena.h"
#include "audit/core/diag.h"
#include "audit/core/model.h"

/* At most this many entries, and names of at most this many bytes. */
#define EXTERNAL_MAX_ENTRIES 256
#define EXTERNAL_MAX_NAME 64

struct external_list {
	struct arena arena;		/* owns V and its strings */
	struct tcb_external *v;		/* in file order */
	size_t n;
};

/*
 * external_load: read the list at PATH into X (which it initialises). Each
 * line is blank, a comment (# ...), `NAME bytes N` (a size stated by hand) or
 * `NAME elf PATH` (an ELF file measured through image_load(): the bytes of its
 * SHF_ALLOC sections, or of its PT_LOAD segments in memory when it has no
 * section headers; a relative PATH is taken from the list's directory). The
 * file is hostile input. Returns 0, or -1 with "PATH:LINE: problem" (or
 * "PATH: problem") in D; call external_release() either way.
 */
int external_load(struct external_list *x, const char *path, struct diag *d);

void external_release(struct external_list *x);

#endif
