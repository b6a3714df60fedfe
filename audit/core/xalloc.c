// SPDX-License-Identifier: ISC
/* Allocation wrappers that die on failure, as pax-utils' xfuncs.c does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/xalloc.h"

void xoom(void)
{
	fputs("mirage-audit: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		xoom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		xoom();
	return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		xoom();
	return p;
}

void xgrow(void *pp, size_t *alloc, size_t need, size_t elt)
{
	void **p = pp;
	size_t n = *alloc;

	if (need <= n)
		return;
	if (n < 16)
		n = 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			xoom();
		n *= 2;
	}
	*p = xreallocarray(*p, n, elt);
	*alloc = n;
}
