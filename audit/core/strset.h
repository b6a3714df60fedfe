/* SPDX-License-Identifier: ISC */
/* Interned strings: each distinct label gets a small integer id. */
#ifndef MA_STRSET_H
#define MA_STRSET_H

#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"

struct strset {
	const char **names;	/* id -> name; names are arena-owned */
	uint32_t n, alloc;
	uint32_t *slots;	/* open addressing: id + 1, 0 = empty; heap-owned */
	uint32_t n_slots;
	struct arena *arena;
};

/* strset_init: an empty set whose strings are copied into ARENA. */
void strset_init(struct strset *s, struct arena *arena);
/* strset_release: frees the table (the strings stay in the arena). */
void strset_release(struct strset *s);
/* strset_intern: the id of NAME, adding a copy when new. */
uint32_t strset_intern(struct strset *s, const char *name);
/* strset_find: the id of NAME, or UINT32_MAX when absent. */
uint32_t strset_find(const struct strset *s, const char *name);

#endif
