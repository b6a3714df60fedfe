// SPDX-License-Identifier: ISC
/*
 * Retained size: for each reachable node, the bytes that would become
 * unreachable if it went (its dominator subtree, as twiggy computes it). The
 * dominator tree is computed over every edge between reached nodes, with a
 * virtual root above the roots (Cooper, Harvey and Kennedy's iterative
 * algorithm over a reverse postorder from an iterative DFS). Using every such
 * edge, even ones the OCaml precision did not follow, can only make retained
 * sizes smaller, never claim that removing a node frees bytes it does not.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

#define NONE UINT32_MAX

struct dctx {
	size_t n;		/* nodes + 1: index n is the virtual root */
	uint32_t *rpo_num;	/* node -> position in reverse postorder, NONE if unreached */
	uint32_t *idom;
};

static uint32_t intersect(const struct dctx *c, uint32_t a, uint32_t b)
{
	while (a != b) {
		while (c->rpo_num[a] > c->rpo_num[b])
			a = c->idom[a];
		while (c->rpo_num[b] > c->rpo_num[a])
			b = c->idom[b];
	}
	return a;
}

static int retained_run(struct audit *a)
{
	const struct refgraph_facts *g = &a->facts.refgraph;
	const struct reach_facts *rf = &a->facts.reach;
	const struct layout_facts *l = &a->facts.layout;
	size_t n = l->n_nodes, root = n, i, e, n_order = 0, sp = 0;
	struct dctx c = { .n = n + 1 };
	uint32_t *order, *stack, *pstart, *preds, *pcount;
	size_t *it;
	uint8_t *seen;
	uint64_t *ret;
	bool changed = true;

	ret = arena_array(&a->arena, n + 1, sizeof(*ret));
	a->facts.retained.bytes = ret;
	if (!rf->is_complete) {
		a->facts.retained.is_done = true;
		return 0;
	}
	c.rpo_num = xmalloc((n + 1) * sizeof(*c.rpo_num));
	c.idom = xmalloc((n + 1) * sizeof(*c.idom));
	order = xmalloc((n + 1) * sizeof(*order));
	stack = xmalloc((n + 1) * sizeof(*stack));
	it = xmalloc((n + 1) * sizeof(*it));
	seen = xcalloc(n + 1, 1);
	for (i = 0; i <= n; i++) {
		c.rpo_num[i] = NONE;
		c.idom[i] = NONE;
	}
	/* Iterative DFS from the virtual root; its successors are the roots. */
	stack[sp++] = (uint32_t)root;
	it[root] = 0;
	seen[root] = 1;
	while (sp) {
		uint32_t v = stack[sp - 1];
		uint32_t next = NONE;

		if (v == root) {
			while (it[v] < rf->n_roots && next == NONE) {
				uint32_t w = rf->roots[it[v]++].node;

				if (!seen[w] && rf->reached[w])
					next = w;
			}
		} else {
			while (it[v] < g->first[v + 1] - g->first[v] && next == NONE) {
				uint32_t w = g->edges[g->first[v] + it[v]++].dst;

				if (!seen[w] && rf->reached[w])
					next = w;
			}
		}
		if (next == NONE) {
			order[n_order++] = v;	/* postorder */
			sp--;
			continue;
		}
		seen[next] = 1;
		it[next] = 0;
		stack[sp++] = next;
	}
	/* Reverse postorder numbers: the root first. */
	for (i = 0; i < n_order; i++)
		c.rpo_num[order[i]] = (uint32_t)(n_order - 1 - i);
	/* Predecessors among reached nodes (CSR), root -> roots included. */
	pcount = xcalloc(n + 2, sizeof(*pcount));
	for (i = 0; i < n; i++)
		if (c.rpo_num[i] != NONE)
			for (e = g->first[i]; e < g->first[i + 1]; e++)
				if (c.rpo_num[g->edges[e].dst] != NONE)
					pcount[g->edges[e].dst + 1]++;
	for (i = 0; i < rf->n_roots; i++)
		if (c.rpo_num[rf->roots[i].node] != NONE)
			pcount[rf->roots[i].node + 1]++;
	pstart = pcount;
	for (i = 1; i <= n + 1; i++)
		pstart[i] += pstart[i - 1];
	preds = xmalloc((pstart[n + 1] + 1) * sizeof(*preds));
	{
		uint32_t *fill = xmalloc((n + 1) * sizeof(*fill));

		memcpy(fill, pstart, (n + 1) * sizeof(*fill));
		for (i = 0; i < n; i++)
			if (c.rpo_num[i] != NONE)
				for (e = g->first[i]; e < g->first[i + 1]; e++)
					if (c.rpo_num[g->edges[e].dst] != NONE)
						preds[fill[g->edges[e].dst]++] = (uint32_t)i;
		for (i = 0; i < rf->n_roots; i++)
			if (c.rpo_num[rf->roots[i].node] != NONE)
				preds[fill[rf->roots[i].node]++] = (uint32_t)root;
		free(fill);
	}
	c.idom[root] = (uint32_t)root;
	while (changed) {
		changed = false;
		for (i = n_order; i-- > 0;) {
			uint32_t b = order[i], nd = NONE;
			size_t k;

			if (b == root)
				continue;
			for (k = pstart[b]; k < pstart[b + 1]; k++) {
				uint32_t p = preds[k];

				if (c.idom[p] == NONE)
					continue;
				nd = nd == NONE ? p : intersect(&c, p, nd);
			}
			if (nd != NONE && c.idom[b] != nd) {
				c.idom[b] = nd;
				changed = true;
			}
		}
	}
	/* Postorder: dominator-tree children before their parents. */
	for (i = 0; i < n_order; i++) {
		uint32_t v = order[i];

		if (v == root)
			continue;
		ret[v] += l->nodes[v].hi - l->nodes[v].lo;
		if (c.idom[v] != NONE && c.idom[v] != root)
			ret[c.idom[v]] += ret[v];
	}
	a->facts.retained.is_done = true;
	free(c.rpo_num);
	free(c.idom);
	free(order);
	free(stack);
	free(it);
	free(seen);
	free(pcount);
	free(preds);
	return 0;
}

const struct analyzer analyzer_retained = {
	.name = "retained",
	.id = AN_RETAINED,
	.needs = AN_BIT(AN_REACH),
	.run = retained_run,
};
