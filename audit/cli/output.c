// SPDX-License-Identifier: ISC
/* Atomic output: nothing appears at the target path unless the whole output was written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/cli/cli.h"
#include "audit/cli/output.h"
#include "audit/core/xalloc.h"

int output_open(struct output *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = xstrdup(path);
	o->tmp = xmalloc(strlen(path) + 16);
	sprintf(o->tmp, "%s.tmpXXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd >= 0) {
		/* mkstemp makes 0600; the result should look like any file we create. */
		mode_t um = umask(0);

		umask(um);
		if (fchmod(fd, 0666 & ~um) < 0) {
			close(fd);
			unlink(o->tmp);
			fd = -1;
		}
	}
	if (fd < 0) {
		cli_error("%s: cannot create: %s", path, strerror(errno));
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
		return -1;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		cli_error("%s: cannot open: %s", path, strerror(errno));
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
		return -1;
	}
	return 0;
}

int output_commit(struct output *o)
{
	const char *name = o->path ? o->path : "standard output";
	int err = fflush(o->f) != 0 || ferror(o->f);
	int saved = errno;

	if (o->f != stdout) {
		if (fclose(o->f) != 0 && !err) {
			err = 1;
			saved = errno;
		}
	}
	o->f = NULL;
	if (!err && o->tmp && rename(o->tmp, o->path) != 0) {
		err = 1;
		saved = errno;
	}
	if (err) {
		cli_error("%s: write error: %s", name, strerror(saved));
		if (o->tmp)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return err ? -1 : 0;
}

void output_abort(struct output *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

bool output_clobbers(const char *path, const char *input)
{
	struct stat a, b;

	if (!path || !strcmp(path, "-") || !input)
		return false;
	return stat(path, &a) == 0 && stat(input, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}
