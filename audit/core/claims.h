/* SPDX-License-Identifier: ISC */
/* Claims: address ranges tagged with an owner, made disjoint by "the first to start keeps the bytes". */
#ifndef MA_CLAIMS_H
#define MA_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

struct claim {
	uint64_t lo, hi;	/* [lo, hi) */
	int32_t id;
};

struct claims {
	struct claim *v;	/* heap-owned */
	size_t n, alloc;
};

/* claims_add: append [lo, hi) owned by ID; empty ranges are ignored. */
void claims_add(struct claims *c, uint64_t lo, uint64_t hi, int32_t id);
/*
 * claims_settle: sort by start (then longer first, then smaller id, or CMP
 * when given) and make the claims disjoint: where two overlap, the one that
 * starts first keeps the bytes and the other is clipped or dropped.
 */
void claims_settle(struct claims *c, int (*cmp)(const void *, const void *, void *), void *arg);
/* claims_release: free the array. */
void claims_release(struct claims *c);
/* claims_find: index of the claim holding ADDR in settled claims, or -1. */
ptrdiff_t claims_find(const struct claims *c, uint64_t addr);

#endif
