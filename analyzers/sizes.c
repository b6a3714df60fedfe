// SPDX-License-Identifier: ISC
/*
 * Size accounting: every byte of the file and every byte that PT_LOAD maps
 * gets exactly one label at each level, so each level sums to the totals.
 *
 * The VM domain is each PT_LOAD segment's [p_vaddr, p_vaddr + p_memsz), taken
 * segment by segment (so the total is the sum of p_memsz even if segments
 * overlap). Within a segment, four tracks of disjoint claims are swept
 * together: sections (and the ELF headers, when mapped), symbols, OCaml unit
 * ranges and DWARF unit ranges. Each run of bytes with the same claims is a
 * piece with a label per level. The file domain reuses the VM pieces for
 * bytes inside a PT_LOAD's file part, and labels the rest from the section
 * headers (debug info, symbol tables), the ELF headers and fallbacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/claims.h"
#include "audit/core/xalloc.h"

/*
 * A run of bytes no symbol, unit or rule claims is padding when it is zero in
 * the file (read, not assumed) or lies past the file part of its segment
 * (bytes the loader zero-fills, outside every section). Any length: kernels
 * linked at 0 leave up to 2 MiB of zeros before .text, and page-aligned
 * segments up to 64 KiB between segments. A zero run at least this long is
 * padding even between two symbols of one library (alignment, not an object).
 */
#define PADDING_LARGE 4096
/* A gap right after a symbol and shorter than this is that symbol's alignment padding. */
#define TAIL_PAD_MAX 64

enum { HDR_EHDR, HDR_PHDR, HDR_SHDR, N_HDRS };
static const char *const hdr_names[N_HDRS] = {
	"[ELF header]", "[program headers]", "[section headers]",
};

enum track { T_SEC, T_SYM, T_UNIT, T_CU, T_REF, N_TRACKS };

/* The labels of a referenced piece of anonymous data: its referencing code's (ref_claims). */
struct ref_label {
	const char *lib, *comp, *mod;	/* mod NULL: the sources disagree on the module */
};

struct ctx {
	struct audit *a;
	struct size_facts *sf;
	struct claims tr[N_TRACKS], tmp;
	struct image_range hdr[N_HDRS];		/* file ranges of the headers */
	uint32_t *seg_label;			/* section-level fallback per segment */
	uint32_t *seg_name;			/* segment-level label per segment */
	size_t *seg_first, *seg_end;		/* vm.pieces of each segment */
	const char **sec_lib, **sec_comp;	/* section rules, per section (NULL: none) */
	struct claims refs;			/* referenced pieces of anonymous data, by address */
	struct ref_label *ref_lab;		/* per refs id */
};

static uint32_t label(struct ctx *c, enum level l, const char *name)
{
	return strset_intern(&c->sf->labels[l], name);
}

static void piece_add(struct size_domain *d, uint64_t lo, uint64_t size, const uint32_t *lab)
{
	struct size_piece *p;

	if (!size)
		return;
	if (d->n_pieces) {
		p = &d->pieces[d->n_pieces - 1];
		if (p->lo + p->size == lo && !memcmp(p->label, lab, sizeof(p->label))) {
			p->size += size;
			return;
		}
	}
	xgrow(&d->pieces, &d->alloc, d->n_pieces + 1, sizeof(*d->pieces));
	p = &d->pieces[d->n_pieces++];
	p->lo = lo;
	p->size = size;
	memcpy(p->label, lab, sizeof(p->label));
}

/* Symbol claims of [v0, v1): the layout's symbol nodes, clipped to the segment. */
static void symbol_track(struct ctx *c, uint64_t v0, uint64_t v1)
{
	const struct layout_facts *l = &c->a->facts.layout;
	struct claims *t = &c->tr[T_SYM];
	size_t lo = 0, hi = l->n_nodes;

	t->n = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->nodes[mid].hi <= v0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->n_nodes && l->nodes[lo].lo < v1; lo++) {
		const struct layout_node *n = &l->nodes[lo];

		if (n->sym >= 0)
			claims_add(t, n->lo > v0 ? n->lo : v0, n->hi < v1 ? n->hi : v1, n->sym);
	}
}

static void range_track(struct claims *t, const struct claims *r, uint64_t v0, uint64_t v1)
{
	size_t i = 0, end = r->n;

	t->n = 0;
	/* R is settled (sorted, disjoint): start at the first range that ends above v0. */
	while (i < end) {
		size_t mid = i + (end - i) / 2;

		if (r->v[mid].hi <= v0)
			i = mid + 1;
		else
			end = mid;
	}
	for (; i < r->n && r->v[i].lo < v1; i++) {
		uint64_t lo = r->v[i].lo > v0 ? r->v[i].lo : v0, hi = r->v[i].hi < v1 ? r->v[i].hi : v1;

		claims_add(t, lo, hi, r->v[i].id);
	}
}

static bool all_zero(const struct image *img, uint64_t off, uint64_t len)
{
	uint64_t i;

	if (len > img->size || off > img->size - len)
		return false;
	for (i = 0; i < len; i++)
		if (img->data[off + i])
			return false;
	return true;
}

/*
 * Whether [lo, hi) of segment SEG, claimed by no symbol and in section SEC
 * (or none), is padding: zero in the file, or past the segment's file part
 * and outside every section (alignment before .bss). Bytes of a NOBITS
 * section that no symbol claims are not read from anywhere, so only a short
 * run of them counts (alignment between objects); a long one may be the
 * objects of a stripped object file.
 */
static bool zero_run(struct ctx *c, size_t seg, uint64_t lo, uint64_t hi, int32_t sec)
{
	const struct image *img = &c->a->image;
	const struct image_segment *s = &img->segments[seg];
	uint64_t rel = lo - s->vaddr;

	if (rel >= s->filesz)
		return sec < 0 || hi - lo < PADDING_LARGE;
	if (hi - s->vaddr > s->filesz)
		return false;
	if (sec >= 0 && img->sections[sec].type == IMG_SHT_NOBITS)
		return hi - lo < PADDING_LARGE;
	return all_zero(img, s->offset + rel, hi - lo);
}

/* Labels of a run of bytes that no symbol claims and no unit or CU covers. */
static void fallback_labels(struct ctx *c, uint32_t *lab, const char *where, const char *lib,
			    const char *comp)
{
	char buf[512];

	lab[LEVEL_SYMBOL] = label(c, LEVEL_SYMBOL, where);
	if (lib && lib[0] != '[')
		snprintf(buf, sizeof(buf), "[%s]", lib);
	else
		snprintf(buf, sizeof(buf), "%s", lib ? lib : where);
	lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, buf);
	lab[LEVEL_LIBRARY] = label(c, LEVEL_LIBRARY, lib ? lib : "[unknown]");
	lab[LEVEL_COMPONENT] = label(c, LEVEL_COMPONENT, comp ? comp : COMPONENT_UNKNOWN);
}

struct prev_sym {
	int32_t sym, sec;
	uint64_t end;
	uint32_t lab[N_LEVELS];
};

static void vm_piece(struct ctx *c, size_t seg, uint64_t lo, uint64_t hi, const int32_t *id,
		     int32_t next_sym, struct prev_sym *prev)
{
	struct audit *a = c->a;
	const struct image *img = &a->image;
	const struct attribution_facts *af = &a->facts.attribution;
	const struct ocaml_facts *of = &a->facts.ocaml;
	int32_t sec = id[T_SEC], sym = id[T_SYM], unit = id[T_UNIT], cu = id[T_CU];
	int32_t ref = id[T_REF];
	uint32_t lab[N_LEVELS];
	char buf[512];
	const char *secname = NULL;

	lab[LEVEL_SEGMENT] = c->seg_name[seg];
	if (sec >= (int32_t)img->n_sections) {
		const char *h = hdr_names[sec - (int32_t)img->n_sections];

		lab[LEVEL_SECTION] = label(c, LEVEL_SECTION, h);
		fallback_labels(c, lab, h, "[ELF headers]", "elf-headers");
		goto out;
	}
	if (sec >= 0) {
		secname = img->sections[sec].name;
		lab[LEVEL_SECTION] = label(c, LEVEL_SECTION, secname);
	} else {
		lab[LEVEL_SECTION] = c->seg_label[seg];
	}
	if (sym >= 0) {
		lab[LEVEL_SYMBOL] = label(c, LEVEL_SYMBOL, img->symbols[sym].name);
		lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, af->sym_module[sym]);
		lab[LEVEL_LIBRARY] = label(c, LEVEL_LIBRARY, af->sym_library[sym]);
		lab[LEVEL_COMPONENT] = label(c, LEVEL_COMPONENT, af->sym_component[sym]);
		if (unit >= 0 && af->sym_unit[sym] != unit) {
			/* A symbol straddling a unit boundary: the unit range decides. */
			lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, of->units[unit].name);
			lab[LEVEL_LIBRARY] = label(c, LEVEL_LIBRARY, of->units[unit].library);
			lab[LEVEL_COMPONENT] = label(c, LEVEL_COMPONENT, of->units[unit].component);
		}
		prev->sym = sym;
		prev->sec = sec;
		prev->end = hi;
		memcpy(prev->lab, lab, sizeof(lab));
		goto out;
	}
	if (secname)
		snprintf(buf, sizeof(buf), "[section %s]", secname);
	else
		snprintf(buf, sizeof(buf), "%s", c->sf->labels[LEVEL_SECTION].names[c->seg_label[seg]]);
	if (unit >= 0) {
		lab[LEVEL_SYMBOL] = label(c, LEVEL_SYMBOL, buf);
		lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, of->units[unit].name);
		lab[LEVEL_LIBRARY] = label(c, LEVEL_LIBRARY, of->units[unit].library);
		lab[LEVEL_COMPONENT] = label(c, LEVEL_COMPONENT, of->units[unit].component);
	} else if (prev->sym >= 0 && prev->end == lo && prev->sec == sec && sec >= 0 &&
		   hi - lo < TAIL_PAD_MAX) {
		/* Alignment padding after a function or object belongs with it. */
		lab[LEVEL_SYMBOL] = label(c, LEVEL_SYMBOL, buf);
		lab[LEVEL_MODULE] = prev->lab[LEVEL_MODULE];
		lab[LEVEL_LIBRARY] = prev->lab[LEVEL_LIBRARY];
		lab[LEVEL_COMPONENT] = prev->lab[LEVEL_COMPONENT];
	} else if (sec >= 0 && !c->sec_lib[sec] && hi - lo >= PADDING_LARGE &&
		   zero_run(c, seg, lo, hi, sec)) {
		fallback_labels(c, lab, buf, "[padding]", "padding");
	} else if (prev->sym >= 0 && prev->sec == sec && sec >= 0 && next_sym >= 0 &&
		   img->symbols[next_sym].section == sec &&
		   af->sym_library[prev->sym] == af->sym_library[next_sym] &&
		   strcmp(af->sym_library[next_sym], "[unknown]")) {
		/*
		 * Anonymous bytes (string literals, jump tables) between two
		 * symbols of one library, in one section: static linking keeps
		 * an object's sections together, so they are that library's.
		 */
		fallback_labels(c, lab, buf, af->sym_library[next_sym], af->sym_component[next_sym]);
	} else if (cu >= 0 && af->cu_library && af->cu_library[cu]) {
		const char *n = img->cus[cu].name, *b = strrchr(n, '/');

		lab[LEVEL_SYMBOL] = label(c, LEVEL_SYMBOL, buf);
		lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, b ? b + 1 : n);
		lab[LEVEL_LIBRARY] = label(c, LEVEL_LIBRARY, af->cu_library[cu]);
		lab[LEVEL_COMPONENT] = label(c, LEVEL_COMPONENT, af->cu_component[cu]);
	} else if (sec >= 0 && c->sec_lib[sec]) {
		fallback_labels(c, lab, buf, c->sec_lib[sec], c->sec_comp[sec]);
	} else if (ref >= 0) {
		/* Anonymous data the code of one library references (ref_claims). */
		const struct ref_label *x = &c->ref_lab[ref];

		fallback_labels(c, lab, buf, x->lib, x->comp);
		if (x->mod)
			lab[LEVEL_MODULE] = label(c, LEVEL_MODULE, x->mod);
	} else if (zero_run(c, seg, lo, hi, sec)) {
		fallback_labels(c, lab, buf, "[padding]", "padding");
	} else {
		fallback_labels(c, lab, buf, NULL, NULL);
	}
out:
	piece_add(&c->sf->vm, lo, hi - lo, lab);
}

/* A plain reference to offset OFF of anonymous data node DST, from node SRC. */
struct ref_at {
	uint32_t dst, off, src;
};

static int cmp_ref_at(const void *x, const void *y)
{
	const struct ref_at *a = x, *b = y;

	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return a->src < b->src ? -1 : a->src > b->src;
}

static bool anon_data(const struct layout_node *n)
{
	return n->sym < 0 && !(n->flags & NODE_EXEC);
}

/*
 * Anonymous read-only data (string literals, jump tables, SSE constants,
 * switch tables) carries no symbol; only the code that uses it names it, by
 * exact address (refgraph.c keeps one edge per referenced offset). Each
 * anonymous data node is cut at its referenced offsets, and the piece from
 * one referenced offset to the next (the last to the node's end) takes the
 * library of the symbols referencing its start, when they all have one and
 * agree on it; otherwise it stays unclaimed. Bytes before the first
 * referenced offset stay unclaimed. One pass over the edges and a sort of
 * the references into anonymous data (docs/attribution.md).
 */
static void ref_claims(struct ctx *c)
{
	const struct audit *a = c->a;
	const struct layout_facts *l = &a->facts.layout;
	const struct refgraph_facts *g = &a->facts.refgraph;
	const struct attribution_facts *af = &a->facts.attribution;
	struct ref_at *r;
	size_t n = 0, n_lab = 0, i, k, e;

	if (!g->is_done || !g->first || !g->edges || !af->sym_library)
		return;
	for (i = 0; i < l->n_nodes; i++)
		for (e = g->first[i]; e < g->first[i + 1]; e++)
			n += g->edges[e].kind < EDGE_PAGE && g->edges[e].dst < l->n_nodes &&
			     anon_data(&l->nodes[g->edges[e].dst]);
	if (!n)
		return;
	r = xmalloc(n * sizeof(*r));
	n = 0;
	for (i = 0; i < l->n_nodes; i++)
		for (e = g->first[i]; e < g->first[i + 1]; e++) {
			const struct ref_edge *x = &g->edges[e];

			if (x->kind < EDGE_PAGE && x->dst < l->n_nodes && anon_data(&l->nodes[x->dst]))
				r[n++] = (struct ref_at){ x->dst, x->off, (uint32_t)i };
		}
	qsort(r, n, sizeof(*r), cmp_ref_at);
	c->ref_lab = arena_array(&c->a->arena, n + 1, sizeof(*c->ref_lab));
	for (i = 0; i < n; i = k) {
		const struct layout_node *d = &l->nodes[r[i].dst];
		struct ref_label x = { 0 };
		bool agree = true;
		uint64_t end;

		for (k = i; k < n && r[k].dst == r[i].dst && r[k].off == r[i].off; k++) {
			int32_t s = l->nodes[r[k].src].sym;

			/* A source of no known library cannot be shown to agree. */
			if (s < 0 || !af->sym_library[s] || af->sym_library[s][0] == '[') {
				agree = false;
			} else if (!x.lib) {
				x = (struct ref_label){ af->sym_library[s], af->sym_component[s],
							af->sym_module[s] };
			} else if (strcmp(x.lib, af->sym_library[s]) ||
				   strcmp(x.comp, af->sym_component[s])) {
				agree = false;
			} else if (x.mod && strcmp(x.mod, af->sym_module[s])) {
				x.mod = NULL;
			}
		}
		end = k < n && r[k].dst == r[i].dst ? d->lo + r[k].off : d->hi;
		if (!agree || !x.lib || r[i].off >= d->hi - d->lo)
			continue;
		c->ref_lab[n_lab] = x;
		claims_add(&c->refs, d->lo + r[i].off, end, (int32_t)n_lab++);
	}
	free(r);
	claims_settle(&c->refs, NULL, NULL);
}

/* Sweep the tracks over [v0, v1) and emit one piece per run of identical claims. */
static void sweep(struct ctx *c, size_t seg, uint64_t v0, uint64_t v1)
{
	size_t pos[N_TRACKS] = { 0 };
	uint64_t p = v0;
	struct prev_sym prev = { .sym = -1, .sec = -1 };

	while (p < v1) {
		uint64_t next = v1;
		int32_t id[N_TRACKS], next_sym = -1;
		int t;

		for (t = 0; t < N_TRACKS; t++) {
			const struct claims *tr = &c->tr[t];

			while (pos[t] < tr->n && tr->v[pos[t]].hi <= p)
				pos[t]++;
			id[t] = -1;
			if (pos[t] == tr->n)
				continue;
			if (tr->v[pos[t]].lo <= p) {
				id[t] = tr->v[pos[t]].id;
				if (tr->v[pos[t]].hi < next)
					next = tr->v[pos[t]].hi;
			} else if (tr->v[pos[t]].lo < next) {
				next = tr->v[pos[t]].lo;
			}
			if (t == T_SYM && id[t] < 0)
				next_sym = tr->v[pos[t]].id;
		}
		vm_piece(c, seg, p, next, id, next_sym, &prev);
		p = next;
	}
}

/* Allocated sections by address, for the sections that overlap one segment. */
struct sec_by_addr {
	uint64_t lo, hi;		/* the section; hi does not wrap */
	uint64_t max_hi;		/* the largest hi of this entry and every one before it */
	int32_t id;
};

static int cmp_sec_by_addr(const void *x, const void *y)
{
	const struct sec_by_addr *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void vm_domain(struct ctx *c)
{
	struct audit *a = c->a;
	const struct image *img = &a->image;
	size_t i, k, h, n_sec = 0;
	struct sec_by_addr *sec = xcalloc(img->n_sections + 1, sizeof(*sec));

	/*
	 * Each segment takes the sections that overlap it. Scanning every section
	 * per segment was a product of two counts the file controls; sorted by
	 * address with a running maximum end, the scan for a segment starts at
	 * the last section below its end and stops when no earlier section
	 * reaches its start. A section whose end wraps overlaps nothing (as
	 * before: its clipped range was empty). The order of claims_add does not
	 * matter: claims_settle sorts them.
	 */
	for (k = 0; k < img->n_sections; k++) {
		const struct image_section *x = &img->sections[k];

		if (!(x->flags & IMG_SHF_ALLOC) ||
		    ((x->flags & IMG_SHF_TLS) && x->type == IMG_SHT_NOBITS) ||
		    x->size > UINT64_MAX - x->addr)
			continue;
		sec[n_sec++] = (struct sec_by_addr){ x->addr, x->addr + x->size, 0, (int32_t)k };
	}
	qsort(sec, n_sec, sizeof(*sec), cmp_sec_by_addr);
	for (k = 0; k < n_sec; k++)
		sec[k].max_hi = k && sec[k - 1].max_hi > sec[k].hi ? sec[k - 1].max_hi : sec[k].hi;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];
		uint64_t v0 = s->vaddr, v1 = s->vaddr + s->memsz;

		if (s->type != IMG_PT_LOAD || !s->memsz)
			continue;
		c->sf->vm.total += s->memsz;
		c->tr[T_SEC].n = 0;
		{
			size_t lo = 0, hi = n_sec;

			while (lo < hi) {	/* k = the number of sections starting below v1 */
				size_t mid = lo + (hi - lo) / 2;

				if (sec[mid].lo < v1)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (k = lo; k-- > 0 && sec[k].max_hi > v0;)
				claims_add(&c->tr[T_SEC], sec[k].lo > v0 ? sec[k].lo : v0,
					   sec[k].hi < v1 ? sec[k].hi : v1, sec[k].id);
		}
		/* Headers mapped by this segment (the first PT_LOAD usually maps them). */
		for (h = 0; h < N_HDRS; h++) {
			uint64_t lo = c->hdr[h].lo, hi = c->hdr[h].hi;

			if (lo < s->offset)
				lo = s->offset;
			if (hi > s->offset + s->filesz)
				hi = s->offset + s->filesz;
			if (lo < hi)
				claims_add(&c->tr[T_SEC], s->vaddr + (lo - s->offset),
					   s->vaddr + (hi - s->offset),
					   (int32_t)(img->n_sections + h));
		}
		claims_settle(&c->tr[T_SEC], NULL, NULL);
		c->seg_first[i] = c->sf->vm.n_pieces;
		symbol_track(c, v0, v1);

		range_track(&c->tr[T_UNIT], &a->facts.ocaml.ranges, v0, v1);
		range_track(&c->tr[T_CU], &a->facts.attribution.cu_ranges, v0, v1);
		range_track(&c->tr[T_REF], &c->refs, v0, v1);
		sweep(c, i, v0, v1);
		c->seg_end[i] = c->sf->vm.n_pieces;
	}
	free(sec);
}

static size_t first_piece(const struct size_domain *d, size_t from, size_t to, uint64_t v)
{
	size_t lo = from, hi = to;

	/* First piece of [from, to) whose end is above v. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->pieces[mid].lo + d->pieces[mid].size <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* File bytes outside every PT_LOAD: headers, non-allocated sections, fallbacks. */
static void file_gap(struct ctx *c, uint64_t lo, uint64_t hi)
{
	const struct image *img = &c->a->image;
	struct claims *t = &c->tmp;
	size_t i, k = 0;
	uint64_t p = lo;

	t->n = 0;
	for (i = 0; i < N_HDRS; i++) {
		uint64_t a = c->hdr[i].lo > lo ? c->hdr[i].lo : lo;
		uint64_t b = c->hdr[i].hi < hi ? c->hdr[i].hi : hi;

		claims_add(t, a, b, (int32_t)(img->n_sections + i));
	}
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];
		uint64_t a, b;

		if (s->type == IMG_SHT_NOBITS)
			continue;
		a = s->offset > lo ? s->offset : lo;
		b = s->offset + s->size < hi ? s->offset + s->size : hi;
		claims_add(t, a, b, (int32_t)i);
	}
	claims_settle(t, NULL, NULL);
	while (p < hi) {
		uint32_t lab[N_LEVELS];
		uint64_t next = hi;
		int32_t id = -1;
		char buf[512];

		while (k < t->n && t->v[k].hi <= p)
			k++;
		if (k < t->n && t->v[k].lo <= p) {
			id = t->v[k].id;
			next = t->v[k].hi;
		} else if (k < t->n) {
			next = t->v[k].lo;
		}
		if (id >= (int32_t)img->n_sections) {
			const char *h = hdr_names[id - (int32_t)img->n_sections];

			lab[LEVEL_SEGMENT] = label(c, LEVEL_SEGMENT, h);
			lab[LEVEL_SECTION] = label(c, LEVEL_SECTION, h);
			fallback_labels(c, lab, h, "[ELF headers]", "elf-headers");
		} else if (id >= 0) {
			const char *n = img->sections[id].name;

			lab[LEVEL_SEGMENT] = label(c, LEVEL_SEGMENT, "[unmapped]");
			lab[LEVEL_SECTION] = label(c, LEVEL_SECTION, n);
			snprintf(buf, sizeof(buf), "[section %s]", n);
			fallback_labels(c, lab, buf, c->sec_lib[id], c->sec_comp[id]);
		} else {
			bool zero = all_zero(img, p, next - p);
			const char *n = zero ? "[padding]" : "[unmapped]";

			lab[LEVEL_SEGMENT] = label(c, LEVEL_SEGMENT, "[unmapped]");
			lab[LEVEL_SECTION] = label(c, LEVEL_SECTION, n);
			fallback_labels(c, lab, n, zero ? "[padding]" : NULL, zero ? "padding" : NULL);
		}
		piece_add(&c->sf->file, p, next - p, lab);
		p = next;
	}
}

static void file_domain(struct ctx *c)
{
	const struct image *img = &c->a->image;
	const struct size_domain *vm = &c->sf->vm;
	struct claims *own = &c->tr[T_SEC];
	const size_t *seg_first = c->seg_first, *seg_end = c->seg_end;
	size_t i, k;
	uint64_t p = 0;

	own->n = 0;
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type == IMG_PT_LOAD && s->memsz)
			claims_add(own, s->offset, s->offset + s->filesz, (int32_t)i);
	}
	claims_settle(own, NULL, NULL);
	c->sf->file.total = img->size;
	/* Without section headers, the allocated bytes are the PT_LOAD file bytes. */
	if (!img->n_sections)
		for (i = 0; i < own->n; i++)
			c->sf->alloc_file += own->v[i].hi - own->v[i].lo;
	for (i = 0; i < own->n; i++) {
		const struct claim *o = &own->v[i];
		const struct image_segment *s = &img->segments[o->id];
		uint64_t v = s->vaddr + (o->lo - s->offset), vend = s->vaddr + (o->hi - s->offset);

		if (p < o->lo)
			file_gap(c, p, o->lo);
		for (k = first_piece(vm, seg_first[o->id], seg_end[o->id], v);
		     k < seg_end[o->id] && vm->pieces[k].lo < vend; k++) {
			const struct size_piece *x = &vm->pieces[k];
			uint64_t lo = x->lo > v ? x->lo : v;
			uint64_t hi = x->lo + x->size < vend ? x->lo + x->size : vend;

			piece_add(&c->sf->file, s->offset + (lo - s->vaddr), hi - lo, x->label);
		}
		p = o->hi;
	}
	if (p < img->size)
		file_gap(c, p, img->size);
}

struct row_sort {
	const struct strset *names;
	bool by_vm;
};

static int cmp_row(const void *x, const void *y, void *arg)
{
	const struct size_row *a = x, *b = y;
	const struct row_sort *rs = arg;
	uint64_t ka = rs->by_vm ? a->vm_size : a->file_size, kb = rs->by_vm ? b->vm_size : b->file_size;
	uint64_t la = rs->by_vm ? a->file_size : a->vm_size, lb = rs->by_vm ? b->file_size : b->vm_size;

	if (ka != kb)
		return ka > kb ? -1 : 1;
	if (la != lb)
		return la > lb ? -1 : 1;
	return strcmp(rs->names->names[a->label], rs->names->names[b->label]);
}

static void make_rows(struct ctx *c)
{
	struct size_facts *sf = c->sf;
	int l;
	size_t i;

	for (l = 0; l < N_LEVELS; l++) {
		struct size_row *r = xcalloc(sf->labels[l].n + 1, sizeof(*r));
		struct row_sort rs = { &sf->labels[l], false };
		size_t n = 0;

		for (i = 0; i < sf->labels[l].n; i++)
			r[i].label = (uint32_t)i;
		for (i = 0; i < sf->file.n_pieces; i++)
			r[sf->file.pieces[i].label[l]].file_size += sf->file.pieces[i].size;
		for (i = 0; i < sf->vm.n_pieces; i++)
			r[sf->vm.pieces[i].label[l]].vm_size += sf->vm.pieces[i].size;
		for (i = 0; i < sf->labels[l].n; i++)
			if (r[i].file_size || r[i].vm_size)
				r[n++] = r[i];
		qsort_r(r, n, sizeof(*r), cmp_row, &rs);
		sf->rows[l] = r;
		sf->n_rows[l] = n;
	}
	for (i = 0; i < sf->n_rows[LEVEL_COMPONENT]; i++) {
		const struct size_row *r = &sf->rows[LEVEL_COMPONENT][i];

		if (!strcmp(sf->labels[LEVEL_COMPONENT].names[r->label], COMPONENT_UNKNOWN)) {
			sf->unknown_file = r->file_size;
			sf->unknown_vm = r->vm_size;
		}
	}
}

/*
 * The unknown bytes of the headline, in the domain of its denominator: file
 * bytes of component unknown inside the allocated sections (their union),
 * or inside the PT_LOAD file parts without section headers. The union is no
 * larger than alloc_file, the sum, so the share never exceeds 100%.
 */
static void unknown_allocated(struct ctx *c)
{
	const struct image *img = &c->a->image;
	struct size_facts *sf = c->sf;
	struct claims *t = &c->tmp;
	uint32_t unk = strset_find(&sf->labels[LEVEL_COMPONENT], COMPONENT_UNKNOWN);
	size_t i, k = 0;

	if (unk == UINT32_MAX)
		return;
	t->n = 0;
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if ((s->flags & IMG_SHF_ALLOC) && s->type != IMG_SHT_NOBITS &&
		    s->size <= UINT64_MAX - s->offset)
			claims_add(t, s->offset, s->offset + s->size, (int32_t)i);
	}
	for (i = 0; !img->n_sections && i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type == IMG_PT_LOAD && s->memsz)
			claims_add(t, s->offset, s->offset + s->filesz, (int32_t)i);
	}
	claims_settle(t, NULL, NULL);
	/* File pieces are sorted by offset and disjoint: one merge walk. */
	for (i = 0; i < sf->file.n_pieces && k < t->n; i++) {
		const struct size_piece *p = &sf->file.pieces[i];
		uint64_t end = p->lo + p->size;
		size_t j;

		while (k < t->n && t->v[k].hi <= p->lo)
			k++;
		if (p->label[LEVEL_COMPONENT] != unk)
			continue;
		for (j = k; j < t->n && t->v[j].lo < end; j++) {
			uint64_t lo = t->v[j].lo > p->lo ? t->v[j].lo : p->lo;
			uint64_t hi = t->v[j].hi < end ? t->v[j].hi : end;

			sf->unknown_alloc += hi - lo;
		}
	}
}

static int sizes_run(struct audit *a)
{
	const struct image *img = &a->image;
	struct ctx c = { .a = a, .sf = &a->facts.sizes };
	size_t i;
	int t;

	c.hdr[HDR_EHDR] = (struct image_range){ 0, img->ehsize < img->size ? img->ehsize : img->size };
	if (img->n_segments)
		c.hdr[HDR_PHDR] = (struct image_range){ img->phoff,
			img->phoff + (uint64_t)img->n_segments * img->phentsize };
	if (img->shdr_table_size)
		c.hdr[HDR_SHDR] = (struct image_range){ img->shoff, img->shoff + img->shdr_table_size };
	c.seg_label = arena_array(&a->arena, img->n_segments + 1, sizeof(*c.seg_label));
	c.seg_name = arena_array(&a->arena, img->n_segments + 1, sizeof(*c.seg_name));
	c.seg_first = arena_array(&a->arena, img->n_segments + 1, sizeof(*c.seg_first));
	c.seg_end = arena_array(&a->arena, img->n_segments + 1, sizeof(*c.seg_end));
	for (i = 0; i < img->n_segments; i++) {
		const char *n = image_segment_label(img, i, &a->arena);
		char buf[64];

		snprintf(buf, sizeof(buf), "[%s]", n);
		c.seg_label[i] = label(&c, LEVEL_SECTION, buf);
		c.seg_name[i] = label(&c, LEVEL_SEGMENT, n);
	}
	c.sec_lib = a->facts.attribution.sec_library;
	c.sec_comp = a->facts.attribution.sec_component;
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if ((s->flags & IMG_SHF_ALLOC) && s->type != IMG_SHT_NOBITS)
			c.sf->alloc_file += s->size;
	}
	ref_claims(&c);
	vm_domain(&c);
	file_domain(&c);
	/* Trim the growth slack of the two largest arrays. */
	c.sf->vm.pieces = xreallocarray(c.sf->vm.pieces, c.sf->vm.n_pieces + 1, sizeof(struct size_piece));
	c.sf->vm.alloc = c.sf->vm.n_pieces + 1;
	c.sf->file.pieces = xreallocarray(c.sf->file.pieces, c.sf->file.n_pieces + 1,
					  sizeof(struct size_piece));
	c.sf->file.alloc = c.sf->file.n_pieces + 1;
	make_rows(&c);
	unknown_allocated(&c);
	for (t = 0; t < N_TRACKS; t++)
		claims_release(&c.tr[t]);
	claims_release(&c.tmp);
	claims_release(&c.refs);
	c.sf->is_done = true;
	if (!img->n_segments)
		diag_note(&a->diag, "no program headers: the VM size is 0 and file bytes are "
			  "attributed from section headers only");
	return 0;
}

const struct analyzer analyzer_sizes = {
	.name = "sizes",
	.id = AN_SIZES,
	.needs = AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_LAYOUT) | AN_BIT(AN_REFGRAPH),
	.run = sizes_run,
};
