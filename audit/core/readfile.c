// SPDX-License-Identifier: ISC
/* Reading the files the tool is given (readfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"

int open_regular(const char *path, struct stat *st, char *why, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(why, size, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0)
		snprintf(why, size, "cannot stat: %s", strerror(errno));
	else if (S_ISDIR(st->st_mode))
		snprintf(why, size, "is a directory");
	else if (!S_ISREG(st->st_mode))
		snprintf(why, size, "not a regular file");
	else
		return fd;
	close(fd);
	return -1;
}

/* Up to N bytes from FD into BUF, past EINTR and short reads: how many (fewer at the end), or -1. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t len = 0;
	ssize_t got;

	while (len < n) {
		got = read(fd, buf + len, n - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		len += (size_t)got;
	}
	return (ssize_t)len;
}

int read_bounded(const char *path, const char *what, size_t max, char **buf, size_t *len,
		 struct diag *d)
{
	char why[256];
	const char *nul;
	struct stat st;
	ssize_t got;
	int fd;

	*buf = NULL;
	*len = 0;
	if ((fd = open_regular(path, &st, why, sizeof(why))) < 0)
		goto fail;
	if ((uint64_t)st.st_size > max) {
		snprintf(why, sizeof(why), "larger than %zu MiB", max >> 20);
		close(fd);
		goto fail;
	}
	/* One byte more than fstat said, so that a file growing meanwhile is caught. */
	*buf = xmalloc((size_t)st.st_size + 2);
	got = read_full(fd, *buf, (size_t)st.st_size + 1);
	if (got < 0)
		snprintf(why, sizeof(why), "cannot read: %s", strerror(errno));
	close(fd);
	if (got < 0)
		goto fail;
	if ((size_t)got > (size_t)st.st_size) {
		snprintf(why, sizeof(why), "changed while it was read");
		goto fail;
	}
	(*buf)[got] = '\0';
	if ((nul = memchr(*buf, '\0', (size_t)got))) {
		snprintf(why, sizeof(why), "NUL byte at offset %zu", (size_t)(nul - *buf));
		goto fail;
	}
	*len = (size_t)got;
	return 0;
fail:
	free(*buf);
	*buf = NULL;
	if (what)
		return diag_err(d, "%s '%s': %s", what, path, why);
	return diag_err(d, "%s", why);
}

ssize_t read_head(const char *path, void *buf, size_t n)
{
	char why[256];
	struct stat st;
	ssize_t got;
	int fd = open_regular(path, &st, why, sizeof(why));

	if (fd < 0)
		return -1;
	got = read_full(fd, buf, n);
	close(fd);
	return got;
}
