/* SPDX-License-Identifier: ISC */
/* Diagnostics of one audit: the error that stopped it, warnings, and "could not determine" notes. */
#ifndef MA_DIAG_H
#define MA_DIAG_H

#include <stddef.h>

enum diag_kind {
	DIAG_WARNING,	/* the input is odd; printed on stderr and kept in the report */
	DIAG_NOTE,	/* something could not be determined; kept in the report only */
};

struct diag_entry {
	enum diag_kind kind;
	char *msg;
};

struct diag {
	char *error;			/* first error, or NULL; heap-owned */
	struct diag_entry *entries;	/* heap-owned */
	size_t n_entries, alloc;
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/*
 * diag_err: record an error (git's message rules: lowercase, no full stop,
 * subject in quotes; no file name, the caller prefixes it). The first error
 * wins. Always returns -1, so callers write `return diag_err(...)`.
 */
int diag_err(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* diag_warn/diag_note: append a warning or a note; a repeated message is kept once. */
void diag_warn(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
