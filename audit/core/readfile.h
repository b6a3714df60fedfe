/* SPDX-License-Identifier: ISC */
/*
 * Reading the files the tool is given: one place for the checks every input
 * needs (a regular file, opened without blocking, bounded in size, without NUL
 * bytes where text is expected), so that no input is read more trustingly
 * than another.
 */
#ifndef MA_READFILE_H
#define MA_READFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "audit/core/diag.h"

/* Written by hand: attribution rules, facility catalogues, budgets. */
#define INPUT_MAX_TEXT ((size_t)16 << 20)
/* Written by the tool and as large as an image's symbol table: saved reports, certificates. */
#define INPUT_MAX_REPORT ((size_t)256 << 20)

/*
 * open_regular: PATH opened read-only, and its stat in *ST, when it is a regular
 * file; O_NONBLOCK, so a FIFO without a writer is refused instead of waited for.
 * The descriptor, or -1 with the reason in WHY ("is a directory", "cannot open: ...").
 */
int open_regular(const char *path, struct stat *st, char *why, size_t size);

/*
 * read_bounded: the whole of text file PATH into *BUF (heap, NUL-terminated:
 * free() it) and its length into *LEN. Refuses a file that is not regular, one
 * larger than MAX bytes, a read error and a NUL byte. 0, or -1 with one diag
 * line: "WHAT 'PATH': reason", or the reason alone when WHAT is NULL (the
 * caller prefixes the path, as diag_err's convention is).
 */
int read_bounded(const char *path, const char *what, size_t max, char **buf, size_t *len,
		 struct diag *d);

/* read_head: up to N first bytes of regular file PATH into BUF: how many, or -1. */
ssize_t read_head(const char *path, void *buf, size_t n);

#endif
