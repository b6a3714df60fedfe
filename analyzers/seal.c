// SPDX-License-Identifier: ISC
/*
 * The seal plan: which bytes of code the dead analysis proved unreachable are replaced by
 * traps, in whole layout nodes, and what that does per component, library and module.
 * Soundness first: a node is trapped only when nothing about it is in doubt.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/seal.h"
#include "audit/core/xalloc.h"

/* The trap instruction of A's machine into PLAN; -1 when sealing does not know one. */
static int trap_of(struct audit *a, struct seal_plan *p)
{
	switch (a->image.machine) {
	case IMG_EM_X86_64:
	case IMG_EM_386:
		p->trap[0] = 0xcc;	/* int3: one byte, so every byte offset decodes as a trap */
		p->trap_len = 1;
		p->trap_name = "int3";
		return 0;
	case IMG_EM_AARCH64:
		/* brk #0 = 0xd4200000; A64 instructions are little-endian whatever the data order. */
		memcpy(p->trap, "\x00\x00\x20\xd4", 4);
		p->trap_len = 4;
		p->trap_name = "brk #0";
		return 0;
	default:
		return diag_err(&a->diag, "sealing knows no trap instruction for %s",
				image_machine_name(&a->image, &a->arena));
	}
}

/*
 * The file bytes of [lo, hi) when they are in one PT_LOAD and no other segment (another
 * PT_LOAD, a note, TLS, ...) also covers them: a trap there would change something else.
 */
static bool sole_file_bytes(const struct image *img, uint64_t lo, uint64_t hi, uint64_t *off)
{
	uint64_t len = hi - lo;
	ptrdiff_t seg = image_load_at(img, lo, IMG_AT_VADDR);
	size_t i;

	if (seg < 0 || !image_vaddr_bytes(img, lo, &len) || len != hi - lo)
		return false;
	*off = img->segments[seg].offset + (lo - img->segments[seg].vaddr);
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if ((ptrdiff_t)i == seg || !s->filesz)
			continue;
		if (s->offset < *off + len && *off < s->offset + s->filesz)
			return false;
	}
	return true;
}

/* The layout node of symbol NAME (defined in a section), or -1. */
static ptrdiff_t node_of_symbol(const struct audit *a, const char *name)
{
	const struct image_symbol *s = image_find_symbol(&a->image, name);

	return s ? layout_find(&a->facts.layout, s->value) : -1;
}

/* Whether node I is an owned code node: a symbol's, or a discovered entry's (stripped). */
static bool owned_code(const struct audit *a, size_t i)
{
	const struct layout_node *nd = &a->facts.layout.nodes[i];

	return (nd->flags & NODE_EXEC) && !(nd->flags & NODE_NOBITS) &&
	       (nd->sym >= 0 || a->facts.layout.is_discovered);
}

/* A real module (an OCaml unit, a C object), not a library's fallback "[glibc]". */
static const char *module_of(const struct audit *a, size_t i)
{
	int32_t s = a->facts.layout.nodes[i].sym;
	const char *m = s >= 0 ? a->facts.attribution.sym_module[s] : NULL;

	return m && m[0] != '[' ? m : NULL;
}

/*
 * --level module: the modules all of whose owned code nodes are dead (IS_DEAD), as a
 * per-node verdict in OK (a node of no real module is never trapped at this level).
 */
static void whole_modules(struct audit *a, const uint8_t *is_dead, uint8_t *ok)
{
	const struct layout_facts *l = &a->facts.layout;
	struct strset mods;
	uint8_t *live;
	size_t i;

	strset_init(&mods, &a->arena);
	for (i = 0; i < l->n_nodes; i++)
		if (owned_code(a, i) && module_of(a, i))
			strset_intern(&mods, module_of(a, i));
	live = xcalloc(mods.n + 1, 1);
	for (i = 0; i < l->n_nodes; i++)
		if (owned_code(a, i) && module_of(a, i) && !is_dead[i])
			live[strset_find(&mods, module_of(a, i))] = 1;
	for (i = 0; i < l->n_nodes; i++)
		ok[i] = owned_code(a, i) && module_of(a, i) &&
			!live[strset_find(&mods, module_of(a, i))];
	free(live);
	strset_release(&mods);
}

static int cmp_row(const void *x, const void *y)
{
	const struct seal_row *a = x, *b = y;

	if (a->trapped != b->trapped)
		return a->trapped > b->trapped ? -1 : 1;
	if (a->dead != b->dead)
		return a->dead > b->dead ? -1 : 1;
	if (a->code != b->code)
		return a->code > b->code ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Bytes of [lo, hi) inside the sorted ranges R (N of them). */
static uint64_t trapped_in(const struct seal_range *r, size_t n, uint64_t lo, uint64_t hi)
{
	size_t b = seal_range_first(r, n, lo);
	uint64_t sum = 0;

	for (; b < n && r[b].lo < hi; b++)
		sum += (r[b].hi < hi ? r[b].hi : hi) - (r[b].lo > lo ? r[b].lo : lo);
	return sum;
}

/* The before/after rows per level, from the VM size pieces cut along the layout nodes. */
static void plan_rows(struct audit *a, struct seal_plan *p)
{
	const struct size_facts *sf = &a->facts.sizes;
	const struct layout_facts *l = &a->facts.layout;
	int k;

	for (k = 0; k < SEAL_N_LEVELS; k++) {
		enum level lv = seal_levels[k];
		struct seal_row *r = arena_array(&a->arena, sf->labels[lv].n + 1, sizeof(*r));
		size_t i, n = 0;

		for (i = 0; i < sf->vm.n_pieces; i++) {
			const struct size_piece *pc = &sf->vm.pieces[i];
			struct seal_row *row = &r[pc->label[lv]];
			uint64_t q = pc->lo, end = pc->lo + pc->size;

			while (q < end) {
				ptrdiff_t nd = layout_find(l, q);
				uint64_t stop;

				if (nd < 0)
					break;
				stop = l->nodes[nd].hi < end ? l->nodes[nd].hi : end;
				if (l->nodes[nd].flags & NODE_EXEC) {
					row->code += stop - q;
					*(a->facts.reach.reached[nd] ? &row->live : &row->dead) +=
						stop - q;
					row->trapped += trapped_in(p->ranges, p->n_ranges, q, stop);
				}
				q = stop;
			}
		}
		for (i = 0; i < sf->labels[lv].n; i++)
			if (r[i].code) {
				r[n] = r[i];
				r[n++].name = sf->labels[lv].names[i];
			}
		qsort(r, n, sizeof(*r), cmp_row);
		p->rows[k] = r;
		p->n_rows[k] = n;
	}
}

static int cmp_range(const void *x, const void *y)
{
	const struct seal_range *a = x, *b = y;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/*
 * A re-seal: the ranges the image's record says are trapped stay in the record (their
 * bytes are traps already), merged with the new ones, and the first input stays named.
 */
static int merge_prior(struct audit *a, struct seal_plan *p)
{
	struct seal_record r;
	const char *why;
	struct seal_range *v;
	size_t i, n = 0;
	int found = seal_record_parse(&a->image, &a->arena, &r, &why);

	p->input_sha256 = a->image.sha256;
	if (found < 0)
		return diag_err(&a->diag, "the image's seal record is malformed: %s", why);
	if (!found)
		return 0;
	p->is_reseal = true;
	p->input_sha256 = r.input_sha256;
	v = arena_array(&a->arena, p->n_ranges + r.n_ranges + 1, sizeof(*v));
	memcpy(v, p->ranges, p->n_ranges * sizeof(*v));
	for (i = 0; i < r.n_ranges; i++) {
		v[p->n_ranges + i] = r.ranges[i];
		if (!sole_file_bytes(&a->image, r.ranges[i].lo, r.ranges[i].hi,
				     &v[p->n_ranges + i].off))
			return diag_err(&a->diag, "the seal record's range 0x%" PRIx64 "-0x%" PRIx64
					" is not in the file", r.ranges[i].lo, r.ranges[i].hi);
	}
	qsort(v, p->n_ranges + r.n_ranges, sizeof(*v), cmp_range);
	for (i = 0; i < p->n_ranges + r.n_ranges; i++) {
		if (n && v[i].lo <= v[n - 1].hi &&
		    v[i].off - v[n - 1].off == v[i].lo - v[n - 1].lo) {
			if (v[i].hi > v[n - 1].hi)
				v[n - 1].hi = v[i].hi;
			continue;
		}
		v[n++] = v[i];
	}
	p->ranges = v;
	p->n_ranges = n;
	p->trapped_bytes = 0;
	for (i = 0; i < n; i++)
		p->trapped_bytes += v[i].hi - v[i].lo;
	return 0;
}

int seal_plan(struct audit *a, const struct seal_options *o, struct seal_plan *p)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct reach_facts *rf = &a->facts.reach;
	uint8_t *is_dead, *ok;
	ptrdiff_t forced = -1;
	size_t i;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->level = o->level;
	if (trap_of(a, p) < 0)
		return -1;
	if (!rf->is_done || !a->facts.dead.is_done)
		return diag_err(&a->diag, "sealing needs the dead analysis");
	if (o->force_dead && (forced = node_of_symbol(a, o->force_dead)) < 0)
		return diag_err(&a->diag, "'%s': no such symbol to force dead", o->force_dead);
	is_dead = xcalloc(l->n_nodes + 1, 1);
	ok = xcalloc(l->n_nodes + 1, 1);
	/* Without code analysis every node counts as reached: nothing is dead, nothing sealed. */
	for (i = 0; i < l->n_nodes; i++)
		is_dead[i] = (rf->is_complete && !rf->reached[i]) || (ptrdiff_t)i == forced;
	if (o->level == SEAL_MODULE)
		whole_modules(a, is_dead, ok);
	else
		for (i = 0; i < l->n_nodes; i++)
			ok[i] = owned_code(a, i);
	for (i = 0; i < o->n_keep; i++) {
		ptrdiff_t k = node_of_symbol(a, o->keep[i]);

		if (k < 0) {
			rc = diag_err(&a->diag, "'%s': no such symbol to keep", o->keep[i]);
			goto out;
		}
		ok[k] = 0;
	}
	for (i = 0; i < l->n_nodes; i++) {
		const struct layout_node *nd = &l->nodes[i];
		uint64_t lo = nd->lo, hi = nd->hi, off;
		struct seal_range *last = p->n_ranges ? &p->ranges[p->n_ranges - 1] : NULL;

		if (nd->flags & NODE_EXEC)
			p->code_bytes += hi - lo;
		if (!(nd->flags & NODE_EXEC))
			continue;
		*(is_dead[i] ? &p->dead_bytes : &p->live_bytes) += hi - lo;
		if (!is_dead[i])
			continue;
		seal_trim(p->trap_len, &lo, &hi);
		/* Bytes no symbol owns (padding between functions) are left as they are. */
		if (!owned_code(a, i))
			continue;
		if (!ok[i] || hi <= lo || (a->image.entry >= nd->lo && a->image.entry < nd->hi) ||
		    !sole_file_bytes(&a->image, lo, hi, &off) || (off - lo) % p->trap_len) {
			p->n_spared++;
			continue;
		}
		p->n_functions++;
		p->trapped_bytes += hi - lo;
		if (last && last->hi == lo && last->off + (last->hi - last->lo) == off) {
			last->hi = hi;
			continue;
		}
		p->ranges = arena_push(&a->arena, p->ranges, p->n_ranges, sizeof(*p->ranges));
		p->ranges[p->n_ranges++] = (struct seal_range){ lo, hi, off };
	}
	rc = merge_prior(a, p);
	if (rc == 0)
		plan_rows(a, p);
out:
	free(is_dead);
	free(ok);
	return rc;
}
