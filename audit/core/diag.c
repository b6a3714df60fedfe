// SPDX-License-Identifier: ISC
/* Diagnostics: errors are returned as -1 with the text kept here, as git's error() does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/diag.h"
#include "audit/core/xalloc.h"

/* Bound the list: a hostile image must not make us store millions of warnings. */
#define DIAG_MAX_ENTRIES 200

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_release(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n_entries; i++)
		free(d->entries[i].msg);
	free(d->entries);
	free(d->error);
	memset(d, 0, sizeof(*d));
}

/*
 * The message, with every control byte (a newline, ESC, ...) made '?':
 * messages name sections, symbols and notes from the image, and they go to a
 * terminal as one "mirage-audit: FILE: ..." line, so the image must not be
 * able to end that line, forge another one, or send escape sequences.
 */
static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p, *q;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return xstrdup("(unprintable message)");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	for (q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return p;
}

int diag_err(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d->error)
		return -1;
	va_start(ap, fmt);
	d->error = vformat(fmt, ap);
	va_end(ap);
	return -1;
}

static void add(struct diag *d, enum diag_kind kind, const char *fmt, va_list ap)
{
	char *msg = vformat(fmt, ap);
	size_t i;

	for (i = 0; i < d->n_entries; i++) {
		if (d->entries[i].kind == kind && !strcmp(d->entries[i].msg, msg)) {
			free(msg);
			return;
		}
	}
	if (d->n_entries >= DIAG_MAX_ENTRIES) {
		free(msg);
		return;
	}
	xgrow(&d->entries, &d->alloc, d->n_entries + 1, sizeof(*d->entries));
	d->entries[d->n_entries].kind = kind;
	d->entries[d->n_entries].msg = msg;
	d->n_entries++;
}

void diag_warn(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, DIAG_NOTE, fmt, ap);
	va_end(ap);
}
