// SPDX-License-Identifier: ISC
/*
 * The --external-tcb list (docs/tcb.md, "What the image runs on"): names and
 * sizes of the software below the image, stated or measured from an ELF file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/external.h"
#include "audit/core/readfile.h"

/* A size stays below 2^53, so every figure survives a JSON reader that uses doubles. */
#define EXTERNAL_MAX_BYTES ((uint64_t)1 << 53)
#define EXTERNAL_MAX_LINE 4096

/* The bytes an ELF file occupies when loaded: its allocated sections, else its PT_LOADs. */
static int measure_elf(const char *path, uint64_t *bytes, char *why, size_t size)
{
	struct image img;
	struct arena ar;
	struct diag d;
	uint64_t sum = 0;
	size_t i;
	int rc = -1;

	memset(&img, 0, sizeof(img));
	arena_init(&ar);
	diag_init(&d);
	if (image_load(&img, path, &ar, &d) < 0) {
		snprintf(why, size, "%s", d.error ? d.error : "cannot load");
		goto out;
	}
	if (img.has_section_headers) {
		for (i = 0; i < img.n_sections; i++)
			if (img.sections[i].flags & IMG_SHF_ALLOC)
				sum += img.sections[i].size;
	} else {
		for (i = 0; i < img.n_segments; i++)
			if (img.segments[i].type == IMG_PT_LOAD)
				sum += img.segments[i].memsz;
	}
	if (sum >= EXTERNAL_MAX_BYTES) {
		snprintf(why, size, "its allocated bytes are out of range");
		goto out;
	}
	*bytes = sum;
	rc = 0;
out:
	image_release(&img);
	diag_release(&d);
	arena_release(&ar);
	return rc;
}

/* Decimal digits only, below EXTERNAL_MAX_BYTES. */
static int parse_bytes(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= EXTERNAL_MAX_BYTES)
			return -1;
	}
	*out = v;
	return 0;
}

/* Split LINE (modified) at blanks into at most MAX fields; the count, or MAX + 1 for more. */
static size_t fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			return n;
		if (n == max)
			return max + 1;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* PATH relative to the directory of LIST, arena-owned (PATH itself when absolute). */
static const char *beside(struct arena *ar, const char *list, const char *path)
{
	const char *slash = strrchr(list, '/');

	if (path[0] == '/' || !slash)
		return path;
	return arena_printf(ar, "%.*s/%s", (int)(slash - list + 1), list, path);
}

static int parse_line(struct external_list *x, const char *path, size_t ln, char *line,
		      struct diag *d)
{
	struct tcb_external *e;
	char *f[4], why[512];
	size_t n = fields(line, f, 3), i;

	if (n == 0 || f[0][0] == '#')
		return 0;
	if (n != 3)
		return diag_err(d, "%s:%zu: expected 'NAME bytes N' or 'NAME elf PATH', not %zu "
				"field%s", path, ln, n > 3 ? (size_t)4 : n, n == 1 ? "" : "s");
	if (strlen(f[0]) > EXTERNAL_MAX_NAME || !printable(f[0]))
		return diag_err(d, "%s:%zu: the name must be 1 to %d printable ASCII bytes", path,
				ln, EXTERNAL_MAX_NAME);
	for (i = 0; i < x->n; i++)
		if (!strcmp(x->v[i].name, f[0]))
			return diag_err(d, "%s:%zu: '%s' is named twice", path, ln, f[0]);
	if (x->n == EXTERNAL_MAX_ENTRIES)
		return diag_err(d, "%s:%zu: more than %d entries", path, ln, EXTERNAL_MAX_ENTRIES);
	x->v = arena_push(&x->arena, x->v, x->n, sizeof(*x->v));
	e = &x->v[x->n];
	if (!strcmp(f[1], "bytes")) {
		if (parse_bytes(f[2], &e->bytes) < 0)
			return diag_err(d, "%s:%zu: '%.64s' is not a byte count (decimal, below 2^53)",
					path, ln, f[2]);
		e->source = arena_printf(&x->arena, "%s:%zu", path, ln);
	} else if (!strcmp(f[1], "elf")) {
		if (!printable(f[2]))
			return diag_err(d, "%s:%zu: the path must be printable ASCII", path, ln);
		if (measure_elf(beside(&x->arena, path, f[2]), &e->bytes, why, sizeof(why)) < 0)
			return diag_err(d, "%s:%zu: '%s': %s", path, ln, f[2], why);
		e->source = arena_strdup(&x->arena, f[2]);
	} else {
		return diag_err(d, "%s:%zu: unknown kind '%.32s' (bytes or elf)", path, ln, f[1]);
	}
	e->name = arena_strdup(&x->arena, f[0]);
	x->n++;
	return 0;
}

int external_load(struct external_list *x, const char *path, struct diag *d)
{
	char *buf, *p;
	size_t len, ln = 0;
	int rc = 0;

	memset(x, 0, sizeof(*x));
	arena_init(&x->arena);
	if (read_bounded(path, "external TCB list", INPUT_MAX_TEXT, &buf, &len, d) < 0)
		return -1;
	for (p = buf; rc == 0 && p < buf + len;) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);

		ln++;
		if (n > EXTERNAL_MAX_LINE) {
			rc = diag_err(d, "%s:%zu: line longer than %d bytes", path, ln,
				      EXTERNAL_MAX_LINE);
			break;
		}
		p[n] = '\0';
		rc = parse_line(x, path, ln, p, d);
		p += n + 1;
	}
	free(buf);
	if (rc == 0 && x->n == 0)
		rc = diag_err(d, "%s: names nothing (expected 'NAME bytes N' or 'NAME elf PATH' "
			      "lines)", path);
	return rc;
}

void external_release(struct external_list *x)
{
	arena_release(&x->arena);
	memset(x, 0, sizeof(*x));
}
