/* SPDX-License-Identifier: ISC */
/* A bump allocator: everything derived from one image lives until arena_release(). */
#ifndef MA_ARENA_H
#define MA_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total;		/* bytes handed out, for the memory bound */
};

/* arena_init: an empty arena (allocates nothing). */
void arena_init(struct arena *a);
/* arena_release: frees every block; the arena can be reused after arena_init(). */
void arena_release(struct arena *a);
/* arena_alloc: zeroed, 16-byte aligned memory, valid until arena_release(); dies on OOM. */
void *arena_alloc(struct arena *a, size_t size);
/* arena_array: arena_alloc(n * size) with an overflow check. */
void *arena_array(struct arena *a, size_t n, size_t size);
/*
 * arena_push: room for one more element in an array of N elements of SIZE
 * bytes that only ever grows through arena_push (so its capacity is the power
 * of two at or above N): BASE itself when it has room, else a copy twice as
 * large. Appending N elements costs O(N) time and at most 2N elements of
 * arena, where copying on every append would cost O(N^2) of both.
 */
void *arena_push(struct arena *a, void *base, size_t n, size_t size);
/* arena_strdup/arena_strndup: copies of s (at most n bytes, NUL added), arena-owned. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* arena_printf: a formatted string, arena-owned. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
