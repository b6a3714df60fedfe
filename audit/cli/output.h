/* SPDX-License-Identifier: ISC */
/* Output files written atomically: a temporary file beside the target, renamed on success. */
#ifndef MA_OUTPUT_H
#define MA_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct output {
	FILE *f;
	char *path;	/* target, or NULL for stdout */
	char *tmp;	/* temporary file, or NULL */
};

/* output_open: stdout when PATH is NULL or "-"; else a temp file. -1 with a message printed. */
int output_open(struct output *o, const char *path);
/* output_commit: flush, check for write errors, close, rename. -1 (message printed) on failure. */
int output_commit(struct output *o);
/* output_abort: remove the temporary file; the target is left untouched. */
void output_abort(struct output *o);

/*
 * output_clobbers: writing to PATH (NULL or "-" = stdout) would replace the
 * existing file INPUT (the same device and inode, whatever the names).
 */
bool output_clobbers(const char *path, const char *input);

#endif
