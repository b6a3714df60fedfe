// SPDX-License-Identifier: ISC
/* mkframes: turn a text recipe of hex Ethernet frames into a frame file for a net device. */
/*
 * usage: mkframes RECIPE.txt OUTPUT.bin
 *
 * RECIPE: one frame per line as blank-separated hex bytes; '#' to the end
 * of the line is a comment; blank lines are skipped. OUTPUT: for each frame
 * a 16-bit big-endian length followed by the frame (the format the example
 * net devices replay). Frames must be 14 to 1514 bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_MIN 14
#define FRAME_MAX 1514

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkframes: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	static unsigned char frame[FRAME_MAX];
	char line[8192], tmp[4096];
	FILE *in, *out;
	int lineno = 0, n_frames = 0;

	if (argc != 3) {
		fputs("usage: mkframes RECIPE.txt OUTPUT.bin\n", stderr);
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in)
		die("cannot open '%s': %s", argv[1], strerror(errno));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]) >= (int)sizeof(tmp))
		die("output path too long");
	out = fopen(tmp, "wb");
	if (!out)
		die("cannot create '%s': %s", tmp, strerror(errno));
	while (fgets(line, sizeof(line), in)) {
		size_t len = 0;
		char *p = line, *hash;

		lineno++;
		if (!strchr(line, '\n') && !feof(in))
			die("%s:%d: line too long", argv[1], lineno);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (;;) {
			int hi, lo;

			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				break;
			hi = hexval((unsigned char)p[0]);
			lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
			if (lo < 0 || (p[2] && !isspace((unsigned char)p[2])))
				die("%s:%d: expected a hex byte at '%.8s'", argv[1], lineno, p);
			if (len == FRAME_MAX)
				die("%s:%d: frame longer than %d bytes", argv[1], lineno, FRAME_MAX);
			frame[len++] = (unsigned char)(hi << 4 | lo);
			p += 2;
		}
		if (!len)
			continue;
		if (len < FRAME_MIN)
			die("%s:%d: frame shorter than %d bytes", argv[1], lineno, FRAME_MIN);
		if (putc((int)(len >> 8), out) == EOF || putc((int)(len & 0xff), out) == EOF ||
		    fwrite(frame, 1, len, out) != len)
			die("cannot write '%s': %s", tmp, strerror(errno));
		n_frames++;
	}
	if (ferror(in))
		die("cannot read '%s': %s", argv[1], strerror(errno));
	fclose(in);
	if (fflush(out) || ferror(out) || fclose(out))
		die("cannot write '%s': %s", tmp, strerror(errno));
	if (rename(tmp, argv[2]))
		die("cannot rename '%s' to '%s': %s", tmp, argv[2], strerror(errno));
	return n_frames ? 0 : (die("%s: no frames", argv[1]), 2);
}
