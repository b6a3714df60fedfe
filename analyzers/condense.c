// SPDX-License-Identifier: ISC
/*
 * The reference graph condensed to modules and to libraries: one node per
 * group of layout nodes, with its bytes split into reachable and dead, and one
 * edge per pair of distinct groups that reference each other, with the number
 * of references. Linear in layout nodes plus reference edges: group names are
 * hashed (strset), edges are grouped by two counting sorts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

/* Which group a layout node belongs to, at one level. */
struct grouping {
	struct strset names;
	const char **library;		/* per group id; heap-owned, strings borrowed */
	size_t alloc;
	uint32_t *of;			/* per layout node: group id; heap-owned */
};

/*
 * The module and library of layout node I: its symbol's, else the OCaml unit
 * whose range holds it (string literals, closures without a symbol), else a
 * "[section NAME]" group of its own.
 */
static void node_labels(const struct audit *a, size_t i, const char **module,
			const char **library, char *buf, size_t size)
{
	const struct layout_node *n = &a->facts.layout.nodes[i];
	const struct attribution_facts *af = &a->facts.attribution;
	const struct ocaml_facts *of = &a->facts.ocaml;
	ptrdiff_t k;

	if (n->sym >= 0 && (size_t)n->sym < a->image.n_symbols) {
		*module = af->sym_module[n->sym];
		*library = af->sym_library[n->sym];
		return;
	}
	if (of->ranges.n && (k = claims_find(&of->ranges, n->lo)) >= 0 &&
	    of->ranges.v[k].id >= 0 && (size_t)of->ranges.v[k].id < of->n_units) {
		*module = of->units[of->ranges.v[k].id].name;
		*library = of->units[of->ranges.v[k].id].library;
		return;
	}
	if (n->sec >= 0 && (size_t)n->sec < a->image.n_sections) {
		snprintf(buf, size, "[section %s]", a->image.sections[n->sec].name);
		*module = buf;
		*library = af->sec_library ? af->sec_library[n->sec] : NULL;
	} else {
		*module = "[no section]";
		*library = NULL;
	}
}

static void grouping_add(struct grouping *gr, size_t node, const char *name, const char *library)
{
	uint32_t before = gr->names.n, id = strset_intern(&gr->names, name);

	/* A group's library is its first node's: the nodes of one module share it. */
	if (id == before) {
		xgrow(&gr->library, &gr->alloc, (size_t)id + 1, sizeof(*gr->library));
		gr->library[id] = library;
	}
	gr->of[node] = id;
}

struct order_ctx {
	const struct condense_node *nodes;
};

static int cmp_group(const void *x, const void *y, void *arg)
{
	const struct order_ctx *c = arg;
	const struct condense_node *p = &c->nodes[*(const uint32_t *)x];
	const struct condense_node *q = &c->nodes[*(const uint32_t *)y];

	if (p->bytes != q->bytes)
		return p->bytes > q->bytes ? -1 : 1;
	return strcmp(p->name, q->name);
}

/* The nodes of GR summed over the layout, largest first; GR->of renumbered to match. */
static void build_nodes(struct audit *a, struct grouping *gr, struct condense_graph *out)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct reach_facts *rf = &a->facts.reach;
	size_t n = gr->names.n, i;
	struct condense_node *tmp = xcalloc(n + 1, sizeof(*tmp));
	uint32_t *order = xmalloc((n + 1) * sizeof(*order));
	uint32_t *rank = xmalloc((n + 1) * sizeof(*rank));
	struct order_ctx oc = { tmp };

	for (i = 0; i < n; i++) {
		tmp[i].name = gr->names.names[i];
		tmp[i].library = gr->library[i] ? gr->library[i] : "[unknown]";
		order[i] = (uint32_t)i;
	}
	for (i = 0; i < l->n_nodes; i++) {
		struct condense_node *c = &tmp[gr->of[i]];
		uint64_t sz = l->nodes[i].hi - l->nodes[i].lo;

		c->bytes += sz;
		c->n_members++;
		if (rf->reached && rf->reached[i])
			c->reachable_bytes += sz;
		else
			c->dead_bytes += sz;
	}
	qsort_r(order, n, sizeof(*order), cmp_group, &oc);
	out->nodes = arena_array(&a->arena, n + 1, sizeof(*out->nodes));
	out->n_nodes = n;
	for (i = 0; i < n; i++) {
		out->nodes[i] = tmp[order[i]];
		rank[order[i]] = (uint32_t)i;
	}
	for (i = 0; i < l->n_nodes; i++)
		gr->of[i] = rank[gr->of[i]];
	free(tmp);
	free(order);
	free(rank);
}

/*
 * The edges between distinct groups, merged: bucket the references by target
 * group, then, walking targets in order, by source group; each source's
 * targets then come sorted, and equal neighbours are one edge.
 */
static void build_edges(struct audit *a, const uint32_t *of, struct condense_graph *out)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t n_groups = out->n_nodes, n_cross = 0, i, e, d, k, n_out = 0;
	size_t *by_dst, *by_src;
	uint32_t *src_of, *dst_of;

	if (!g->first || !g->edges) {
		out->edges = arena_array(&a->arena, 1, sizeof(*out->edges));
		return;
	}
	by_dst = xcalloc(n_groups + 1, sizeof(*by_dst));
	by_src = xcalloc(n_groups + 1, sizeof(*by_src));
	for (i = 0; i < l->n_nodes; i++)
		for (e = g->first[i]; e < g->first[i + 1]; e++) {
			uint32_t t = g->edges[e].dst;

			if (t >= l->n_nodes || of[t] == of[i])
				continue;
			n_cross++;
			by_dst[of[t] + 1]++;
			by_src[of[i] + 1]++;
		}
	for (k = 0; k < n_groups; k++) {
		by_dst[k + 1] += by_dst[k];
		by_src[k + 1] += by_src[k];
	}
	src_of = xmalloc((n_cross + 1) * sizeof(*src_of));
	dst_of = xmalloc((n_cross + 1) * sizeof(*dst_of));
	/* by_dst[d] is now the next free slot of bucket d: fill, then step back. */
	for (i = 0; i < l->n_nodes; i++)
		for (e = g->first[i]; e < g->first[i + 1]; e++) {
			uint32_t t = g->edges[e].dst;

			if (t >= l->n_nodes || of[t] == of[i])
				continue;
			src_of[by_dst[of[t]]++] = of[i];
		}
	for (d = n_groups; d > 0; d--)
		by_dst[d] = by_dst[d - 1];
	by_dst[0] = 0;
	for (d = 0; d < n_groups; d++)
		for (k = by_dst[d]; k < by_dst[d + 1]; k++)
			dst_of[by_src[src_of[k]]++] = (uint32_t)d;
	for (d = n_groups; d > 0; d--)
		by_src[d] = by_src[d - 1];
	by_src[0] = 0;
	for (i = 0; i < n_groups; i++)
		for (k = by_src[i]; k < by_src[i + 1]; k++)
			n_out += k == by_src[i] || dst_of[k] != dst_of[k - 1];
	out->edges = arena_array(&a->arena, n_out + 1, sizeof(*out->edges));
	for (i = 0; i < n_groups; i++)
		for (k = by_src[i]; k < by_src[i + 1]; k++) {
			struct condense_edge *ce;

			if (k == by_src[i] || dst_of[k] != dst_of[k - 1]) {
				ce = &out->edges[out->n_edges++];
				ce->src = (uint32_t)i;
				ce->dst = dst_of[k];
			} else {
				ce = &out->edges[out->n_edges - 1];
			}
			if (ce->count < UINT32_MAX)
				ce->count++;
		}
	free(by_dst);
	free(by_src);
	free(src_of);
	free(dst_of);
}

static int condense_run(struct audit *a)
{
	struct condense_facts *cf = &a->facts.condense;
	const struct layout_facts *l = &a->facts.layout;
	struct grouping mod, lib;
	char buf[512];
	size_t i;

	memset(&mod, 0, sizeof(mod));
	memset(&lib, 0, sizeof(lib));
	strset_init(&mod.names, &a->arena);
	strset_init(&lib.names, &a->arena);
	mod.of = xmalloc((l->n_nodes + 1) * sizeof(*mod.of));
	lib.of = xmalloc((l->n_nodes + 1) * sizeof(*lib.of));
	for (i = 0; i < l->n_nodes; i++) {
		const char *module, *library;

		node_labels(a, i, &module, &library, buf, sizeof(buf));
		grouping_add(&mod, i, module, library);
		/* Bytes no rule gives a library are "[unknown]", as in size -d library. */
		grouping_add(&lib, i, library ? library : "[unknown]", NULL);
	}
	build_nodes(a, &mod, &cf->module);
	build_edges(a, mod.of, &cf->module);
	build_nodes(a, &lib, &cf->library);
	for (i = 0; i < cf->library.n_nodes; i++)
		cf->library.nodes[i].library = cf->library.nodes[i].name;
	build_edges(a, lib.of, &cf->library);
	strset_release(&mod.names);
	strset_release(&lib.names);
	free(mod.library);
	free(lib.library);
	free(mod.of);
	free(lib.of);
	cf->is_done = true;
	return 0;
}

ptrdiff_t condense_find(const struct condense_graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_nodes; i++)
		if (!strcmp(g->nodes[i].name, name))
			return (ptrdiff_t)i;
	return -1;
}

const struct analyzer analyzer_condense = {
	.name = "condense",
	.id = AN_CONDENSE,
	.needs = AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_LAYOUT) | AN_BIT(AN_REFGRAPH) |
		 AN_BIT(AN_REACH),
	.run = condense_run,
};
