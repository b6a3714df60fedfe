// SPDX-License-Identifier: ISC
/* Claims: the one interval structure behind sizes, the layout and the reference graph. */
#include <stdlib.h>

#include "audit/core/claims.h"
#include "audit/core/xalloc.h"

void claims_add(struct claims *c, uint64_t lo, uint64_t hi, int32_t id)
{
	if (hi <= lo)
		return;
	xgrow(&c->v, &c->alloc, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct claim){ lo, hi, id };
}

static int cmp_claim(const void *x, const void *y, void *arg)
{
	const struct claim *a = x, *b = y;

	(void)arg;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi > b->hi ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void claims_settle(struct claims *c, int (*cmp)(const void *, const void *, void *), void *arg)
{
	size_t i, k = 0;
	uint64_t end = 0;

	if (!c->n)
		return;
	qsort_r(c->v, c->n, sizeof(*c->v), cmp ? cmp : cmp_claim, arg);
	for (i = 0; i < c->n; i++) {
		struct claim x = c->v[i];

		if (k && x.lo < end)
			x.lo = end;
		if (x.hi <= x.lo)
			continue;
		c->v[k++] = x;
		end = x.hi;
	}
	c->n = k;
}

void claims_release(struct claims *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->alloc = 0;
}

ptrdiff_t claims_find(const struct claims *c, uint64_t addr)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].hi <= addr)
			lo = mid + 1;
		else if (c->v[mid].lo > addr)
			hi = mid;
		else
			return (ptrdiff_t)mid;
	}
	return -1;
}
