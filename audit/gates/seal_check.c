// SPDX-License-Identifier: ISC
/* seal --check: a sealed image held to its record and, when given, to its original. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/seal.h"

__attribute__((format(printf, 3, 4)))
static void failure(struct audit *a, struct seal_result *res, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->failures = arena_push(&a->arena, res->failures, res->n_failures,
				   sizeof(*res->failures));
	res->failures[res->n_failures++] = arena_strdup(&a->arena, buf);
}

static const char *node_name(const struct audit *a, size_t node, char *buf, size_t size)
{
	return layout_node_name(a, node, buf, size);
}

/* The trap bytes the record names, or 0 when it names none this tool writes. */
static unsigned trap_bytes(const char *trap, unsigned char *pat)
{
	if (!strcmp(trap, "int3")) {
		pat[0] = 0xcc;
		return 1;
	}
	if (!strcmp(trap, "brk #0")) {
		memcpy(pat, "\x00\x00\x20\xd4", 4);
		return 4;
	}
	return 0;
}

/* Range R of the sealed image is all traps; else the first address that is not. */
static bool all_traps(const struct audit *a, const struct seal_range *r, const unsigned char *pat,
		      unsigned n, uint64_t *bad)
{
	uint64_t len = r->hi - r->lo, k;
	const unsigned char *p = image_vaddr_bytes(&a->image, r->lo, &len);

	if (!p || len != r->hi - r->lo || r->lo % n) {
		*bad = r->lo;
		return false;
	}
	for (k = 0; k < len; k++)
		if (p[k] != pat[k % n]) {
			*bad = r->lo + k;
			return false;
		}
	return true;
}

/* The first recorded range that overlaps [lo, hi), or NULL. */
static const struct seal_range *overlap(const struct seal_record *r, uint64_t lo, uint64_t hi)
{
	size_t b = seal_range_first(r->ranges, r->n_ranges, lo);

	return b < r->n_ranges && r->ranges[b].lo < hi ? &r->ranges[b] : NULL;
}

/* Whether [lo, hi) lies wholly in the recorded ranges (they are sorted and disjoint). */
static bool covered(const struct seal_record *r, uint64_t lo, uint64_t hi)
{
	size_t b = seal_range_first(r->ranges, r->n_ranges, lo);

	while (lo < hi && b < r->n_ranges && r->ranges[b].lo <= lo) {
		if (r->ranges[b].hi > lo)
			lo = r->ranges[b].hi;
		b++;
	}
	return lo >= hi;
}

/* No reached code node of A has a byte in a recorded range. */
static void live_untrapped(struct audit *s, const struct audit *a, const char *which,
			   const struct seal_record *r, struct seal_result *res)
{
	const struct layout_facts *l = &a->facts.layout;
	size_t i, n_bad = 0;
	char nm[256];

	res->n_checks++;
	for (i = 0; i < l->n_nodes; i++) {
		const struct seal_range *g;

		if (!a->facts.reach.reached[i] || !(l->nodes[i].flags & NODE_EXEC))
			continue;
		g = overlap(r, l->nodes[i].lo, l->nodes[i].hi);
		if (!g)
			continue;
		if (n_bad++ < 5)
			failure(s, res, "%s: reached code '%s' has trap bytes at 0x%" PRIx64, which,
				node_name(a, i, nm, sizeof(nm)),
				g->lo > l->nodes[i].lo ? g->lo : l->nodes[i].lo);
	}
	if (n_bad > 5)
		failure(s, res, "%s: %zu more reached code nodes have trap bytes", which, n_bad - 5);
}

/*
 * Every dead facility of the original is sealed by traps (function level): each of its code
 * nodes that a symbol owns, that nothing reaches and that does not hold the entry lies in a
 * recorded range. A node spared by --keep, or one whose bytes another segment also maps,
 * makes its facility fail here: it is dead, but not sealed.
 */
static void dead_facilities_trapped(struct audit *s, const struct audit *o,
				    const struct seal_record *r, unsigned n, struct seal_result *res)
{
	const struct facility_facts *ff = &o->facts.facilities;
	const struct layout_facts *l = &o->facts.layout;
	size_t f, k;
	char nm[256];

	if (!ff->is_done || strcmp(r->level, "function"))
		return;
	for (f = 0; f < ff->n; f++) {
		const struct facility *fac = &ff->v[f];
		size_t n_bad = 0, first = 0;

		if (fac->verdict != VERDICT_DEAD)
			continue;
		res->n_checks++;
		for (k = 0; k < fac->n_nodes; k++) {
			const struct layout_node *nd = &l->nodes[fac->nodes[k]];
			uint64_t lo = nd->lo, hi = nd->hi;

			if (!(nd->flags & NODE_EXEC) || (nd->flags & NODE_NOBITS) ||
			    (nd->sym < 0 && !l->is_discovered) || o->facts.reach.reached[fac->nodes[k]] ||
			    (o->image.entry >= lo && o->image.entry < hi))
				continue;
			seal_trim(n, &lo, &hi);
			if (hi <= lo || covered(r, lo, hi))
				continue;
			if (!n_bad++)
				first = fac->nodes[k];
		}
		if (n_bad)
			failure(s, res, "dead facility '%s': %zu of its dead functions are not trapped "
				"(first: '%s')", fac->name, n_bad, node_name(o, first, nm, sizeof(nm)));
	}
}

/*
 * Stripped code is cut into nodes where it is entered; sealing removes the entries that
 * only dead code made, so a reached node of the sealed image may run on over bytes the
 * original cut off. What must hold is that every byte A reaches, B reaches too.
 */
static void reach_covered(struct audit *s, const struct audit *a, const struct audit *b,
			  struct seal_result *res)
{
	const struct layout_facts *la = &a->facts.layout, *lb = &b->facts.layout;
	size_t i, j = 0;
	char nm[256];

	for (i = 0; i < la->n_nodes; i++) {
		uint64_t p = la->nodes[i].lo;

		if (!a->facts.reach.reached[i])
			continue;
		while (p < la->nodes[i].hi) {
			while (j < lb->n_nodes && lb->nodes[j].hi <= p)
				j++;
			if (j == lb->n_nodes || lb->nodes[j].lo > p || !b->facts.reach.reached[j]) {
				failure(s, res, "reachability changed: 0x%" PRIx64 " (%s) is reached "
					"only in the original image", p, node_name(a, i, nm, sizeof(nm)));
				return;
			}
			p = lb->nodes[j].hi;
		}
	}
}

/* The reached nodes of A and B: the same address ranges (covered bytes, for discovered code). */
static void same_reach(struct audit *s, const struct audit *a, const struct audit *b,
		       struct seal_result *res)
{
	const struct layout_facts *la = &a->facts.layout, *lb = &b->facts.layout;
	size_t i = 0, j = 0;
	char nm[256];

	res->n_checks++;
	if (la->is_discovered || lb->is_discovered) {
		reach_covered(s, a, b, res);
		return;
	}
	for (;;) {
		while (i < la->n_nodes && !a->facts.reach.reached[i])
			i++;
		while (j < lb->n_nodes && !b->facts.reach.reached[j])
			j++;
		if (i == la->n_nodes && j == lb->n_nodes)
			return;
		if (i == la->n_nodes || j == lb->n_nodes || la->nodes[i].lo != lb->nodes[j].lo ||
		    la->nodes[i].hi != lb->nodes[j].hi) {
			bool in_a = j == lb->n_nodes ||
				    (i < la->n_nodes && la->nodes[i].lo <= lb->nodes[j].lo);

			failure(s, res, "reachability changed: '%s' is reached only in the %s image",
				in_a ? node_name(a, i, nm, sizeof(nm)) : node_name(b, j, nm, sizeof(nm)),
				in_a ? "original" : "sealed");
			return;
		}
		i++;
		j++;
	}
}

/* A note of the original that the sealed image does not carry byte for byte. */
static void same_notes(struct audit *s, const struct audit *o, struct seal_result *res)
{
	size_t i, j;

	res->n_checks++;
	for (i = 0; i < o->image.n_notes; i++) {
		const struct image_note *n = &o->image.notes[i];
		bool found = false;

		for (j = 0; j < s->image.n_notes && !found; j++) {
			const struct image_note *m = &s->image.notes[j];

			found = m->type == n->type && !strcmp(m->owner, n->owner) &&
				m->descsz == n->descsz && m->offset == n->offset &&
				!memcmp(m->desc, n->desc, n->descsz);
		}
		if (!found)
			failure(s, res, "note '%s' type %u at offset 0x%" PRIx64 " changed or lost",
				n->owner, n->type, n->offset);
	}
}

/* File offset OFF is in e_shoff, e_shnum or e_shstrndx: sealing adds a section. */
static bool is_shdr_field(const struct image *img, uint64_t off)
{
	if (img->elf_class == 64)
		return (off >= 0x28 && off < 0x30) || (off >= 0x3c && off < 0x40);
	return (off >= 0x20 && off < 0x24) || (off >= 0x30 && off < 0x34);
}

/* The headers that place the image, and every loaded byte outside the ranges, as before. */
static void same_loaded(struct audit *s, const struct audit *o, const struct seal_record *r,
			struct seal_result *res)
{
	const struct image *a = &o->image, *b = &s->image;
	size_t i;
	char nm[256];

	res->n_checks++;
	if (a->entry != b->entry)
		failure(s, res, "entry point 0x%" PRIx64 " is now 0x%" PRIx64, a->entry, b->entry);
	if (a->n_segments != b->n_segments || a->phoff != b->phoff) {
		failure(s, res, "program headers changed");
		return;
	}
	for (i = 0; i < a->n_segments; i++) {
		const struct image_segment *x = &a->segments[i], *y = &b->segments[i];
		uint64_t k;

		if (x->type != y->type || x->flags != y->flags || x->offset != y->offset ||
		    x->vaddr != y->vaddr || x->filesz != y->filesz || x->memsz != y->memsz) {
			failure(s, res, "program header %zu changed", i);
			continue;
		}
		if (x->type != IMG_PT_LOAD || y->offset + y->filesz > b->size)
			continue;
		for (k = 0; k < x->filesz; k++) {
			uint64_t va = x->vaddr + k;
			const struct seal_range *g;
			ptrdiff_t nd;

			if (a->data[x->offset + k] == b->data[y->offset + k] ||
			    is_shdr_field(a, x->offset + k))
				continue;
			if ((g = overlap(r, va, va + 1))) {
				k = g->hi - x->vaddr - 1;	/* the whole range is held by all_traps */
				continue;
			}
			nd = layout_find(&o->facts.layout, va);
			failure(s, res, "byte at 0x%" PRIx64 " (%s) differs from the original, outside "
				"every trapped range", va,
				nd >= 0 ? node_name(o, (size_t)nd, nm, sizeof(nm)) : "no node");
			break;
		}
	}
}

void seal_check(struct audit *s, const struct seal_record *r, const struct audit *o,
		struct seal_result *res)
{
	unsigned char pat[4];
	unsigned n = trap_bytes(r->trap, pat);
	char hex[65];
	size_t i;

	res->n_checks++;
	if (image_loaded_sha256(&s->image, hex, &s->diag) < 0)
		failure(s, res, "cannot compute the sha256 of the loaded part");
	else if (strcmp(hex, r->loaded_sha256))
		failure(s, res, "loaded bytes changed since sealing: sha256 %s, recorded %s", hex,
			r->loaded_sha256);
	res->n_checks++;
	if (!n) {
		failure(s, res, "unknown trap '%s' in the record", r->trap);
	} else {
		for (i = 0; i < r->n_ranges; i++) {
			uint64_t bad;

			if (!all_traps(s, &r->ranges[i], pat, n, &bad)) {
				failure(s, res, "trapped range 0x%" PRIx64 "-0x%" PRIx64 " is not all "
					"traps at 0x%" PRIx64, r->ranges[i].lo, r->ranges[i].hi, bad);
				break;
			}
		}
	}
	res->n_checks++;
	if (overlap(r, s->image.entry, s->image.entry + 1))
		failure(s, res, "the entry point 0x%" PRIx64 " is trapped", s->image.entry);
	/* Stripped code is cut where it is entered; the original's cut is the trusted one. */
	if (!o || !s->facts.layout.is_discovered)
		live_untrapped(s, s, "sealed", r, res);
	if (!o)
		return;
	res->n_checks++;
	if (strcmp(o->image.sha256, r->input_sha256))
		failure(s, res, "'%s' is not the input of this seal: sha256 %s, recorded %s",
			o->image.path, o->image.sha256, r->input_sha256);
	live_untrapped(s, o, "original", r, res);
	res->n_checks++;
	for (i = 0; i < r->n_ranges; i++) {
		uint64_t p = r->ranges[i].lo;

		while (p < r->ranges[i].hi) {
			ptrdiff_t nd = layout_find(&o->facts.layout, p);

			if (nd < 0 || !(o->facts.layout.nodes[nd].flags & NODE_EXEC)) {
				failure(s, res, "trapped byte 0x%" PRIx64 " is not code of the original",
					p);
				break;
			}
			p = o->facts.layout.nodes[nd].hi;
		}
	}
	same_reach(s, o, s, res);
	dead_facilities_trapped(s, o, r, n, res);
	same_notes(s, o, res);
	same_loaded(s, o, r, res);
}
