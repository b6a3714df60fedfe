/* SPDX-License-Identifier: ISC */
/* The few libc functions the freestanding examples need, on top of the Solo5 console. */
#ifndef MA_EXAMPLES_NOLIBC_H
#define MA_EXAMPLES_NOLIBC_H

#include <stdarg.h>
#include <stddef.h>

/* The compiler may emit calls to these four even with -ffreestanding. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Compare NUL-terminated strings like strcmp(3). */
int strcmp(const char *a, const char *b);

/*
 * Format into BUF (at most SIZE bytes including the NUL) and return the
 * length the full output would have. Supports %d %i %u %x %lu %ld %lx %zu
 * %s %c %p %% with an optional 0 flag and width.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Format and write to the Solo5 console; output beyond 512 bytes is cut. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
