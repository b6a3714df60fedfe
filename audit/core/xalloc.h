/* SPDX-License-Identifier: ISC */
/* Allocation wrappers that never return NULL: out of memory prints one line and exits 2. */
#ifndef MA_XALLOC_H
#define MA_XALLOC_H

#include <stddef.h>

/*
 * xmalloc/xcalloc/xrealloc/xstrdup: like the libc functions, but on failure
 * print "mirage-audit: out of memory" to stderr and exit 2 (an input too big
 * to audit is an input error). The caller owns the result and frees it.
 * xreallocarray checks n * size for overflow.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* xoom: report out of memory and exit 2. */
void xoom(void) __attribute__((noreturn));

/* Grow *p (holding *alloc elements of size elt) so that it can hold need elements. */
void xgrow(void *pp, size_t *alloc, size_t need, size_t elt);

#endif
