// SPDX-License-Identifier: ISC
/*
 * Reachability: a breadth-first walk of the reference graph from the roots
 * (the ELF entry, init/fini arrays, Xen and Solo5 entries, TLS templates, the
 * notes the loader reads, user roots). Breadth-first, so the parent links give
 * a shortest witness path to every reached node. Iterative: no recursion on
 * crafted graphs. Anything the walk cannot see is kept alive and said.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

struct rctx {
	struct audit *a;
	struct reach_facts *rf;
	uint32_t *queue;
	size_t head, tail;
	struct reach_root *roots;
	size_t n_roots, alloc_roots;
	uint8_t *is_meta;		/* per node: OCaml metadata table (ocaml precision) */
	uint8_t *block_used;		/* per node: module block escapes (every field counts as read) */
	uint8_t *is_root;		/* per node: already in roots[] */
	uint64_t *fields;		/* (block << 32 | offset) + 1 of fields read; open addressing */
	size_t n_fields, cap_fields;
	/*
	 * EDGE_FIELD edges waiting for their field to be read, in the order they
	 * were met, each on two lists (insertion order kept): the edges of its
	 * field (key in fkeys[], open addressing, head and tail in fhead/ftail)
	 * and the edges of its block (bhead/btail per node, allocated with the
	 * first pending edge). Releasing a field or a block walks only its own
	 * list, where scanning every pending edge per read was quadratic.
	 */
	struct pend {
		size_t edge, next_field, next_block;
		bool is_done;
	} *pending;
	size_t n_pending, alloc_pending, n_released;
	uint64_t *fkeys;
	size_t *fhead, *ftail, n_fkeys, cap_fkeys;
	size_t *bhead, *btail;
};

#define NO_PEND SIZE_MAX

static uint64_t field_key(uint32_t block, uint32_t off)
{
	return ((uint64_t)block << 32 | off) + 1;
}

static size_t field_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static bool field_read(const struct rctx *c, uint32_t block, uint32_t off)
{
	uint64_t key = field_key(block, off);
	size_t j;

	if (!c->cap_fields)
		return false;
	for (j = field_slot(key, c->cap_fields); c->fields[j]; j = (j + 1) & (c->cap_fields - 1))
		if (c->fields[j] == key)
			return true;
	return false;
}

static void field_add(struct rctx *c, uint32_t block, uint32_t off)
{
	uint64_t key = field_key(block, off);
	size_t j;

	if (field_read(c, block, off))
		return;
	if (2 * (c->n_fields + 1) > c->cap_fields) {
		size_t cap = c->cap_fields ? 2 * c->cap_fields : 64, i;
		uint64_t *nf = xcalloc(cap, sizeof(*nf));

		for (i = 0; i < c->cap_fields; i++) {
			if (!c->fields[i])
				continue;
			for (j = field_slot(c->fields[i], cap); nf[j]; j = (j + 1) & (cap - 1))
				;
			nf[j] = c->fields[i];
		}
		free(c->fields);
		c->fields = nf;
		c->cap_fields = cap;
	}
	for (j = field_slot(key, c->cap_fields); c->fields[j]; j = (j + 1) & (c->cap_fields - 1))
		;
	c->fields[j] = key;
	c->n_fields++;
}

/* The slot of KEY in the pending-field table: where it is, or the empty slot it would take. */
static size_t pend_slot(const struct rctx *c, uint64_t key)
{
	size_t j;

	for (j = field_slot(key, c->cap_fkeys); c->fkeys[j] && c->fkeys[j] != key;
	     j = (j + 1) & (c->cap_fkeys - 1))
		;
	return j;
}

/* Edge E stores into field OFF of BLOCK, which nothing has read yet: park it. */
static void pend_add(struct rctx *c, size_t e, uint32_t block, uint32_t off, size_t n_nodes)
{
	uint64_t key = field_key(block, off);
	size_t p = c->n_pending, j, i;

	if (!c->bhead) {
		c->bhead = xmalloc((n_nodes + 1) * sizeof(*c->bhead));
		c->btail = xmalloc((n_nodes + 1) * sizeof(*c->btail));
		for (i = 0; i <= n_nodes; i++)
			c->bhead[i] = c->btail[i] = NO_PEND;
	}
	if (2 * (c->n_fkeys + 1) > c->cap_fkeys) {
		size_t cap = c->cap_fkeys ? 2 * c->cap_fkeys : 64, oc = c->cap_fkeys;
		uint64_t *ok = c->fkeys;
		size_t *oh = c->fhead, *ot = c->ftail;

		c->fkeys = xcalloc(cap, sizeof(*c->fkeys));
		c->fhead = xmalloc(cap * sizeof(*c->fhead));
		c->ftail = xmalloc(cap * sizeof(*c->ftail));
		c->cap_fkeys = cap;
		for (i = 0; i < oc; i++) {
			if (!ok[i])
				continue;
			j = pend_slot(c, ok[i]);
			c->fkeys[j] = ok[i];
			c->fhead[j] = oh[i];
			c->ftail[j] = ot[i];
		}
		free(ok);
		free(oh);
		free(ot);
	}
	xgrow(&c->pending, &c->alloc_pending, p + 1, sizeof(*c->pending));
	c->pending[p] = (struct pend){ .edge = e, .next_field = NO_PEND, .next_block = NO_PEND };
	c->n_pending++;
	j = pend_slot(c, key);
	if (!c->fkeys[j]) {
		c->fkeys[j] = key;
		c->fhead[j] = p;
		c->n_fkeys++;
	} else {
		c->pending[c->ftail[j]].next_field = p;
	}
	c->ftail[j] = p;
	if (c->bhead[block] == NO_PEND)
		c->bhead[block] = p;
	else
		c->pending[c->btail[block]].next_block = p;
	c->btail[block] = p;
}

static void add_root(struct rctx *c, ptrdiff_t node, const char *why)
{
	/*
	 * A flag per node, not a scan of roots[]: a PT_NOTE or .init_array over
	 * many nodes, or no disassembler (every node a root), made that quadratic.
	 */
	if (node < 0 || c->is_root[node])
		return;
	c->is_root[node] = 1;
	xgrow(&c->roots, &c->alloc_roots, c->n_roots + 1, sizeof(*c->roots));
	c->roots[c->n_roots++] = (struct reach_root){ (uint32_t)node, why };
}

static void assume(struct audit *a, const char *text)
{
	struct reach_facts *rf = &a->facts.reach;
	const char **nv = arena_push(&a->arena, rf->assumptions, rf->n_assumptions, sizeof(*nv));

	nv[rf->n_assumptions++] = text;
	rf->assumptions = nv;
}

static ptrdiff_t node_of_symbol(const struct audit *a, const char *name)
{
	const struct image_symbol *s = image_find_symbol(&a->image, name);

	return s ? layout_find(&a->facts.layout, s->value) : -1;
}

/* Every node overlapping [lo, hi) becomes a root. */
static void root_range(struct rctx *c, uint64_t lo, uint64_t hi, const char *why)
{
	const struct layout_facts *l = &c->a->facts.layout;
	uint64_t p = lo;

	while (p < hi) {
		ptrdiff_t k = layout_find(l, p);

		if (k < 0)
			break;
		add_root(c, k, why);
		p = l->nodes[k].hi;
	}
}

static int find_roots(struct rctx *c)
{
	struct audit *a = c->a;
	const struct image *img = &a->image;
	const struct platform_facts *pf = &a->facts.platform;
	static const char *const arrays[] = {
		".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".init", ".fini",
		".tdata",
	};
	static const char *const entries[] = {
		"solo5_app_main", "_start", "_start32", "_start64",
	};
	size_t i, k;

	add_root(c, layout_find(&a->facts.layout, img->entry), "ELF entry point");
	if (layout_find(&a->facts.layout, img->entry) < 0)
		diag_note(&a->diag, "ELF entry point 0x%llx is not in a loaded segment",
			  (unsigned long long)img->entry);
	if (pf->has_phys32_entry)
		add_root(c, layout_find(&a->facts.layout, pf->phys32_entry), "Xen PHYS32_ENTRY note");
	for (k = 0; k < sizeof(entries) / sizeof(entries[0]); k++)
		add_root(c, node_of_symbol(a, entries[k]),
			 arena_printf(&a->arena, "platform entry %s", entries[k]));
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if (!(s->flags & IMG_SHF_ALLOC))
			continue;
		for (k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++)
			if (!strcmp(s->name, arrays[k]))
				root_range(c, s->addr, s->addr + s->size,
					   arena_printf(&a->arena, "section %s%s", s->name,
							k == 7 ? " (TLS template, read by offset)" : ""));
	}
	/* What the loader reads: notes (the Solo5 manifest), the interpreter string. */
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		/*
		 * PT_TLS: only the template (filesz) is in the image; its .tbss tail
		 * has addresses that belong to the sections after it.
		 */
		if (s->type == IMG_PT_NOTE || s->type == IMG_PT_INTERP || s->type == IMG_PT_TLS)
			root_range(c, s->vaddr,
				   s->vaddr + (s->type == IMG_PT_TLS ? s->filesz : s->memsz),
				   s->type == IMG_PT_NOTE ? "PT_NOTE (read by the loader)" :
				   s->type == IMG_PT_TLS ? "PT_TLS (read by offset)" :
							   "PT_INTERP (read by the loader)");
	}
	if (pf->has_multiboot)
		for (i = 0; i < img->n_segments; i++) {
			const struct image_segment *s = &img->segments[i];

			if (s->type == IMG_PT_LOAD && pf->multiboot_offset >= s->offset &&
			    pf->multiboot_offset - s->offset < s->filesz)
				add_root(c, layout_find(&a->facts.layout,
							s->vaddr + pf->multiboot_offset - s->offset),
					 "multiboot header (read by the boot loader)");
		}
	for (i = 0; i < a->opt.n_roots; i++) {
		ptrdiff_t n = node_of_symbol(a, a->opt.roots[i]);

		if (n < 0)
			return diag_err(&a->diag, "root '%s': no such symbol", a->opt.roots[i]);
		add_root(c, n, arena_printf(&a->arena, "--root %s", a->opt.roots[i]));
	}
	return 0;
}

/* caml<U><sep><suffix> for a known unit U. */
static bool is_unit_table(const struct audit *a, const char *name, const char *suffix)
{
	size_t len = strlen(name), sl = strlen(suffix);
	char buf[4096];

	if (len <= 4 + sl || strncmp(name, "caml", 4) || strcmp(name + len - sl, suffix) ||
	    len >= sizeof(buf))
		return false;
	len -= sl;
	if (name[len - 1] == '.')
		len -= 1;
	else if (len >= 2 && name[len - 1] == '_' && name[len - 2] == '_')
		len -= 2;
	else
		return false;
	memcpy(buf, name + 4, len - 4);
	buf[len - 4] = '\0';
	return !strcmp(buf, "_system") || !strcmp(buf, "_startup") ||
	       strset_find(&a->facts.ocaml.unit_index, buf) != UINT32_MAX;
}

/*
 * OCaml metadata: tables the runtime reads to walk the heap and the stack
 * (caml_globals, frametables, GC roots, code and data segment lists); none of
 * them calls what it points to (formats.md 3.2).
 */
bool reach_is_ocaml_table(const struct audit *a, const char *name)
{
	static const char *const tables[] = {
		"caml_globals", "caml_frametable", "caml_code_segments", "caml_data_segments",
		"caml_globals_map",
	};
	size_t k;

	if (strncmp(name, "caml", 4))
		return false;
	for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		if (!strcmp(name, tables[k]))
			return true;
	return is_unit_table(a, name, "frametable") || is_unit_table(a, name, "gc_roots");
}

static void mark_metadata(struct rctx *c)
{
	struct audit *a = c->a;
	const struct layout_facts *l = &a->facts.layout;
	size_t i;

	for (i = 0; i < l->n_nodes; i++) {
		if (l->nodes[i].sym < 0)
			continue;
		c->is_meta[i] = reach_is_ocaml_table(a, a->image.symbols[l->nodes[i].sym].name);
		a->facts.reach.n_metadata_nodes += c->is_meta[i];
	}
}

static void visit_as(struct rctx *c, uint32_t node, int32_t parent, size_t edge, uint8_t how)
{
	struct reach_facts *rf = c->rf;

	if (rf->reached[node])
		return;
	rf->reached[node] = how;
	rf->parent[node] = parent;
	rf->parent_edge[node] = edge;
	rf->depth[node] = parent < 0 ? 0 : rf->depth[parent] + 1;
	c->queue[c->tail++] = node;
}

static void visit(struct rctx *c, uint32_t node, int32_t parent, size_t edge)
{
	visit_as(c, node, parent, edge, REACH_USED);
}

/* The source node of edge E: the node whose edge range holds it (bisect over first[]). */
static size_t edge_source(const struct refgraph_facts *g, size_t n_nodes, size_t e)
{
	size_t lo = 0, hi = n_nodes;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->first[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	/* Nodes without edges share their first[] with the next: take the last such. */
	while (lo + 1 < n_nodes && g->first[lo + 1] <= e)
		lo++;
	return lo;
}

/*
 * A field of a module block is read (OFF), or the block escapes (OFF is
 * UINT32_MAX: every field): release the addresses stored into it.
 */
static void block_read(struct rctx *c, uint32_t block, uint32_t off)
{
	const struct refgraph_facts *g = &c->a->facts.refgraph;
	size_t p;

	if (off == UINT32_MAX) {
		if (c->block_used[block])
			return;
		c->block_used[block] = 1;
		p = c->bhead ? c->bhead[block] : NO_PEND;
	} else {
		if (c->block_used[block] || field_read(c, block, off))
			return;
		field_add(c, block, off);
		p = NO_PEND;
		if (c->cap_fkeys) {
			size_t j = pend_slot(c, field_key(block, off));

			if (c->fkeys[j])
				p = c->fhead[j];
		}
	}
	/* In the order the edges were met, as the scan of every pending edge visited them. */
	while (p != NO_PEND) {
		struct pend *q = &c->pending[p];

		if (!q->is_done) {
			q->is_done = true;
			c->n_released++;
			visit(c, g->edges[q->edge].dst,
			      (int32_t)edge_source(g, c->a->facts.layout.n_nodes, q->edge), q->edge);
		}
		p = off == UINT32_MAX ? q->next_block : q->next_field;
	}
}

static void walk(struct rctx *c, bool ocaml)
{
	const struct refgraph_facts *g = &c->a->facts.refgraph;
	size_t i, e;

	for (i = 0; i < c->n_roots; i++)
		visit(c, c->roots[i].node, -1, SIZE_MAX);
	while (c->head < c->tail) {
		uint32_t n = c->queue[c->head++];

		if (ocaml && c->is_meta[n])
			continue;
		for (e = g->first[n]; e < g->first[n + 1]; e++) {
			const struct ref_edge *x = &g->edges[e];

			if (ocaml && x->kind == EDGE_FIELD && !c->block_used[x->aux] &&
			    !field_read(c, x->aux, x->off)) {
				pend_add(c, e, x->aux, x->off, c->a->facts.layout.n_nodes);
				continue;
			}
			if (ocaml && x->kind == EDGE_FIELD_LOAD)
				block_read(c, x->dst, x->off);
			else if (ocaml && x->kind < EDGE_FIELD)
				block_read(c, x->dst, UINT32_MAX);
			visit(c, x->dst, (int32_t)n, e);
		}
	}
	c->rf->n_unread_fields = c->n_pending - c->n_released;
	if (!ocaml)
		return;
	/*
	 * The runtime reads its metadata tables, and through them module blocks
	 * and other static data (the GC marks them): all of that is retained,
	 * but reading data never runs the code it points to, so this walk stops
	 * at executable nodes.
	 */
	c->head = c->tail = 0;
	for (i = 0; i < c->a->facts.layout.n_nodes; i++)
		if (c->is_meta[i] && c->rf->reached[i] == REACH_USED)
			c->queue[c->tail++] = (uint32_t)i;
	while (c->head < c->tail) {
		uint32_t n = c->queue[c->head++];

		for (e = g->first[n]; e < g->first[n + 1]; e++) {
			uint32_t d = g->edges[e].dst;

			if (!(c->a->facts.layout.nodes[d].flags & NODE_EXEC))
				visit_as(c, d, (int32_t)n, e, REACH_RETAINED);
		}
	}
}

/* A step a reviewer reads as control flow: a call or a jump (fall-through included). */
static uint32_t data_step(const struct ref_edge *x)
{
	return x->kind != EDGE_CALL && x->kind != EDGE_JUMP;
}

/*
 * `why` shows one shortest chain per node. Of the shortest chains, pick the
 * one with the fewest steps that are not calls or jumps: a reference from data
 * is as real, but a chain of calls is the one a reviewer can follow. The walk
 * is left as it is (the reached set, the depths, the OCaml pending fields);
 * afterwards, in order of depth, a node's parent may be swapped for another
 * node one level up whose edge to it the walk followed. Chain lengths do not
 * change, every parent stays one level up (no cycle), and it is linear: nodes
 * bucketed by depth, each edge looked at once.
 */
static void prefer_branches(struct rctx *c, bool ocaml)
{
	const struct refgraph_facts *g = &c->a->facts.refgraph;
	struct reach_facts *rf = c->rf;
	size_t n = c->a->facts.layout.n_nodes, i, e, k, max_d = 0, *bucket, *cand_edge;
	uint32_t *order, *cost, *cand_cost;
	int32_t *cand_par;

	for (i = 0; i < n; i++)
		if (rf->reached[i] == REACH_USED && rf->depth[i] > max_d)
			max_d = rf->depth[i];
	bucket = xcalloc(max_d + 2, sizeof(*bucket));
	order = xmalloc((n + 1) * sizeof(*order));
	cost = xcalloc(n + 1, sizeof(*cost));
	cand_cost = xmalloc((n + 1) * sizeof(*cand_cost));
	cand_par = xmalloc((n + 1) * sizeof(*cand_par));
	cand_edge = xmalloc((n + 1) * sizeof(*cand_edge));
	for (i = 0; i < n; i++) {
		cand_cost[i] = UINT32_MAX;
		if (rf->reached[i] == REACH_USED)
			bucket[rf->depth[i] + 1]++;
	}
	for (k = 1; k <= max_d + 1; k++)
		bucket[k] += bucket[k - 1];
	for (i = 0; i < n; i++)
		if (rf->reached[i] == REACH_USED)
			order[bucket[rf->depth[i]]++] = (uint32_t)i;
	/* bucket[d] now ends depth d: the order holds bucket[max_d] nodes. */
	for (k = 0; k < bucket[max_d]; k++) {
		uint32_t m = order[k], d;
		int32_t p = rf->parent[m];

		d = p < 0 ? 0 : cost[p] + data_step(&g->edges[rf->parent_edge[m]]);
		if (cand_cost[m] < d) {
			d = cand_cost[m];
			rf->parent[m] = cand_par[m];
			rf->parent_edge[m] = cand_edge[m];
		}
		cost[m] = d;
		if (ocaml && c->is_meta[m])
			continue;	/* the walk did not follow its edges */
		for (e = g->first[m]; e < g->first[m + 1]; e++) {
			const struct ref_edge *x = &g->edges[e];
			uint32_t t = x->dst, cc = d + data_step(x);

			/* Pending field stores count only through the parent the walk gave. */
			if ((ocaml && x->kind == EDGE_FIELD) || rf->reached[t] != REACH_USED ||
			    rf->depth[t] != rf->depth[m] + 1 || cc >= cand_cost[t])
				continue;
			cand_cost[t] = cc;
			cand_par[t] = (int32_t)m;
			cand_edge[t] = e;
		}
	}
	free(bucket);
	free(order);
	free(cost);
	free(cand_cost);
	free(cand_par);
	free(cand_edge);
}

static int reach_run(struct audit *a)
{
	struct reach_facts *rf = &a->facts.reach;
	const struct layout_facts *l = &a->facts.layout;
	struct rctx c = { .a = a, .rf = rf };
	size_t n = l->n_nodes, i;
	bool ocaml = a->opt.precision == PRECISION_OCAML;

	rf->precision = a->opt.precision;
	rf->reached = arena_array(&a->arena, n + 1, 1);
	rf->parent = arena_array(&a->arena, n + 1, sizeof(*rf->parent));
	rf->parent_edge = arena_array(&a->arena, n + 1, sizeof(*rf->parent_edge));
	rf->depth = arena_array(&a->arena, n + 1, sizeof(*rf->depth));
	c.queue = xcalloc(n + 1, sizeof(*c.queue));
	c.is_meta = xcalloc(n + 1, 1);
	c.block_used = xcalloc(n + 1, 1);
	c.is_root = xcalloc(n + 1, 1);
	if (find_roots(&c) < 0)
		goto out;
	rf->is_complete = a->facts.refgraph.has_code_analysis;
	assume(a, "every address the program uses is written in the image: as an instruction "
		  "operand, a branch target, or an aligned pointer-sized word in data");
	assume(a, "indirect calls and jumps reach only functions whose address is taken by "
		  "reachable code or data");
	assume(a, "the roots are the ELF entry, init/fini arrays, platform entries "
		  "(solo5_app_main, _start32, Xen PHYS32_ENTRY), TLS templates, notes and --root");
	if (ocaml) {
		mark_metadata(&c);
		assume(a, "ocaml: caml_globals, frametables, GC roots and the code and data segment "
			  "tables describe code but never call it");
		assume(a, "ocaml: an address stored into a field of a module block (caml<U>) lives "
			  "only if reachable code reads that field, or the block's address escapes "
			  "(any use other than a constant-offset load or store); x86-64 and AArch64");
		assume(a, "ocaml: nothing reads module blocks through caml_globals at run time "
			  "(no Dynlink, no toplevel; when they are linked, fields are not tracked)");
	}
	if (!rf->is_complete) {
		/*
		 * No disassembler: nothing can be shown dead. Every node is kept
		 * alive as a root of its own, so every witness is a true chain.
		 */
		for (i = 0; i < n; i++)
			add_root(&c, (ptrdiff_t)i, "no code analysis for this machine: kept alive");
		for (i = 0; i < c.n_roots; i++)
			visit(&c, c.roots[i].node, -1, SIZE_MAX);
		assume(a, "no code analysis for this machine: every byte is kept alive");
	} else {
		walk(&c, ocaml);
		prefer_branches(&c, ocaml);
	}
	for (i = 0; i < n; i++) {
		uint64_t sz = l->nodes[i].hi - l->nodes[i].lo;

		if (rf->reached[i]) {
			rf->n_reached++;
			rf->reached_bytes += sz;
		} else {
			rf->dead_bytes += sz;
		}
	}
	rf->n_roots = c.n_roots;
	rf->roots = arena_array(&a->arena, c.n_roots + 1, sizeof(*c.roots));
	if (c.n_roots)
		memcpy(rf->roots, c.roots, c.n_roots * sizeof(*c.roots));
	rf->is_done = true;
out:
	free(c.roots);
	free(c.queue);
	free(c.is_meta);
	free(c.block_used);
	free(c.is_root);
	free(c.fields);
	free(c.pending);
	free(c.fkeys);
	free(c.fhead);
	free(c.ftail);
	free(c.bhead);
	free(c.btail);
	return rf->is_done ? 0 : -1;
}

const struct analyzer analyzer_reach = {
	.name = "reach",
	.id = AN_REACH,
	.needs = AN_BIT(AN_REFGRAPH) | AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML),
	.run = reach_run,
};
