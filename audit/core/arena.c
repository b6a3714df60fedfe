// SPDX-License-Identifier: ISC
/* A bump allocator: one per audit, released at once by audit_release(). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/arena.h"
#include "audit/core/xalloc.h"

#define ARENA_BLOCK (256 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;

		if (cap > SIZE_MAX - sizeof(*b))
			xoom();
		b = xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		if (size > ARENA_BLOCK / 4 && a->head) {
			/* big block: keep filling the current small one */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += size;
	a->total += size;
	memset(p, 0, size);
	return p;
}

void *arena_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		xoom();
	return arena_alloc(a, n * size);
}

void *arena_push(struct arena *a, void *base, size_t n, size_t size)
{
	void *nv;

	if (n && (n & (n - 1)))
		return base;	/* not a power of two: below its capacity */
	if (n > SIZE_MAX / 2)
		xoom();
	nv = arena_array(a, n ? 2 * n : 1, size);
	if (n)
		memcpy(nv, base, n * size);
	return nv;
}

static char *copy(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	return copy(a, s, strnlen(s, n));
}

char *arena_strdup(struct arena *a, const char *s)
{
	return copy(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
