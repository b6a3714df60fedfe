// SPDX-License-Identifier: ISC
/*
 * The seal record: a text note (one field a line, then one range a line) in the
 * non-allocated section .note.mirage-audit.seal, written by `seal` and read back by
 * `report` and `seal --check` (docs/seal.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/seal.h"
#include "audit/core/vocab.h"

/* The levels of seal's before/after table, and the names of --level (the model's words). */
const enum level seal_levels[SEAL_N_LEVELS] = { LEVEL_COMPONENT, LEVEL_LIBRARY, LEVEL_MODULE };

void seal_trim(unsigned trap_len, uint64_t *lo, uint64_t *hi)
{
	/* AArch64's brk #0 is one aligned word: only whole words are trapped. */
	if (trap_len == 4) {
		*lo = (*lo + 3) & ~(uint64_t)3;
		*hi &= ~(uint64_t)3;
	}
}

const char *seal_level_name(enum seal_level l)
{
	return l == SEAL_MODULE ? "module" : "function";
}

const char *seal_note_desc(const struct audit *a, const struct seal_plan *plan,
			   const char *input_sha256, const char *loaded_sha256, struct arena *ar,
			   size_t *len)
{
	char *buf = NULL;
	size_t n = 0, i;
	FILE *f = open_memstream(&buf, &n);
	char *s;

	if (!f)
		return NULL;
	fprintf(f, "mirage-audit seal %d\n", SEAL_FORMAT_VERSION);
	fprintf(f, "tool mirage-audit %s\n", MA_VERSION);
	fprintf(f, "input-sha256 %s\n", input_sha256);
	fprintf(f, "loaded-sha256 %s\n", loaded_sha256);
	fprintf(f, "precision %s\n", precision_name(a->facts.reach.precision));
	fprintf(f, "level %s\n", seal_level_name(plan->level));
	fprintf(f, "trap %s\n", plan->trap_name);
	fprintf(f, "trapped-bytes %" PRIu64 "\n", plan->trapped_bytes);
	fprintf(f, "ranges %zu\n", plan->n_ranges);
	for (i = 0; i < plan->n_ranges; i++)
		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 "\n", plan->ranges[i].lo, plan->ranges[i].hi);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	s = arena_strndup(ar, buf, n);
	*len = n;
	free(buf);
	return s;
}

size_t seal_range_first(const struct seal_range *r, size_t n, uint64_t x)
{
	size_t b = 0, e = n, m;

	while (b < e) {
		m = b + (e - b) / 2;
		if (r[m].hi <= x)
			b = m + 1;
		else
			e = m;
	}
	return b;
}

/* The next line of *P (up to END) as a NUL-terminated arena copy; NULL at the end. */
static char *next_line(const char **p, const char *end, struct arena *ar)
{
	const char *nl;
	char *line;

	if (*p >= end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		nl = end;
	line = arena_strndup(ar, *p, (size_t)(nl - *p));
	*p = nl < end ? nl + 1 : end;
	return line;
}

/* "KEY VALUE": VALUE when LINE starts with KEY and a space, else NULL. */
static const char *field(const char *line, const char *key)
{
	size_t k = strlen(key);

	return line && !strncmp(line, key, k) && line[k] == ' ' && line[k + 1] ? line + k + 1 : NULL;
}

static bool parse_u64(const char *s, int base, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == ' ')
		return false;
	*v = strtoull(s, &end, base);
	return *end == '\0' || *end == ' ';
}

static bool is_sha256(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int seal_record_parse(const struct image *img, struct arena *ar, struct seal_record *r,
		      const char **why)
{
	const struct image_note *n = NULL;
	const char *p, *end, *v;
	uint64_t count, i, sum = 0;
	size_t k;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	for (k = 0; k < img->n_notes && !n; k++)
		if (!strcmp(img->notes[k].owner, SEAL_NOTE_OWNER) &&
		    img->notes[k].type == SEAL_NOTE_TYPE)
			n = &img->notes[k];
	if (!n)
		return 0;
	r->where = n->section ? n->section : "a PT_NOTE segment";
	p = (const char *)n->desc;
	end = p + n->descsz;
	/* The descriptor is padded with NULs to a multiple of 4. */
	while (end > p && end[-1] == '\0')
		end--;
	v = next_line(&p, end, ar);
	if (!v || strncmp(v, "mirage-audit seal ", 18) || !parse_u64(v + 18, 10, &count) ||
	    count != SEAL_FORMAT_VERSION) {
		*why = "not a seal record of a version this tool reads";
		return -1;
	}
	r->version = (unsigned)count;
	r->tool = field(next_line(&p, end, ar), "tool");
	r->input_sha256 = field(next_line(&p, end, ar), "input-sha256");
	r->loaded_sha256 = field(next_line(&p, end, ar), "loaded-sha256");
	r->precision = field(next_line(&p, end, ar), "precision");
	r->level = field(next_line(&p, end, ar), "level");
	r->trap = field(next_line(&p, end, ar), "trap");
	if (!r->tool || !is_sha256(r->input_sha256) || !is_sha256(r->loaded_sha256) ||
	    !r->precision || !r->level || !r->trap ||
	    !parse_u64(field(next_line(&p, end, ar), "trapped-bytes"), 10, &r->trapped_bytes) ||
	    !parse_u64(field(next_line(&p, end, ar), "ranges"), 10, &count)) {
		*why = "a field is missing or malformed";
		return -1;
	}
	/* Each range takes at least 8 bytes of text: a count past that is a lie. */
	if (count > (uint64_t)(end - p) / 8 + 1) {
		*why = "more ranges announced than the note holds";
		return -1;
	}
	r->ranges = arena_array(ar, (size_t)count + 1, sizeof(*r->ranges));
	for (i = 0; i < count; i++) {
		const char *line = next_line(&p, end, ar);
		const char *sp = line ? strchr(line, ' ') : NULL;
		struct seal_range *g = &r->ranges[i];

		if (!sp || strncmp(line, "0x", 2) || strncmp(sp + 1, "0x", 2) ||
		    !parse_u64(line + 2, 16, &g->lo) || !parse_u64(sp + 3, 16, &g->hi) ||
		    g->hi <= g->lo || (i && g->lo < r->ranges[i - 1].hi)) {
			*why = "a range is malformed, empty or out of order";
			return -1;
		}
		sum += g->hi - g->lo;
	}
	r->n_ranges = (size_t)count;
	if (p != end || sum != r->trapped_bytes) {
		*why = p != end ? "text after the last range" : "the ranges do not sum to trapped-bytes";
		return -1;
	}
	return 1;
}
