// SPDX-License-Identifier: ISC
/* Nested size breakdowns: sort piece indexes by label, group, keep the top rows, recurse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/breakdown.h"
#include "audit/core/xalloc.h"

struct bctx {
	struct audit *a;
	const int *levels;
	size_t n_levels, top_n;
	bool by_vm;
	int level;			/* for the comparators */
	const struct size_domain *dom;	/* for the comparators */
};

struct group {
	uint32_t label;
	uint64_t file_size, vm_size;
	size_t f0, f1, v0, v1;		/* ranges in the sorted index arrays */
};

static int cmp_idx(const void *x, const void *y, void *arg)
{
	const struct bctx *c = arg;
	uint32_t a = c->dom->pieces[*(const size_t *)x].label[c->level];
	uint32_t b = c->dom->pieces[*(const size_t *)y].label[c->level];

	return a < b ? -1 : a > b;
}

static int cmp_group(const void *x, const void *y, void *arg)
{
	const struct group *a = x, *b = y;
	const struct bctx *c = arg;
	uint64_t ka = c->by_vm ? a->vm_size : a->file_size, kb = c->by_vm ? b->vm_size : b->file_size;
	const struct strset *names = &c->a->facts.sizes.labels[c->level];

	if (ka != kb)
		return ka > kb ? -1 : 1;
	ka = c->by_vm ? a->file_size : a->vm_size;
	kb = c->by_vm ? b->file_size : b->vm_size;
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(names->names[a->label], names->names[b->label]);
}

static void build(struct bctx *c, size_t depth, size_t *fi, size_t nf, size_t *vi, size_t nv,
		  struct breakdown_node *node)
{
	const struct size_facts *sf = &c->a->facts.sizes;
	int level = c->levels[depth];
	struct group *g = NULL;
	size_t ng = 0, alloc = 0, i = 0, j = 0, keep, k;

	c->level = level;
	c->dom = &sf->file;
	qsort_r(fi, nf, sizeof(*fi), cmp_idx, c);
	c->dom = &sf->vm;
	qsort_r(vi, nv, sizeof(*vi), cmp_idx, c);
	while (i < nf || j < nv) {
		uint32_t lf = i < nf ? sf->file.pieces[fi[i]].label[level] : UINT32_MAX;
		uint32_t lv = j < nv ? sf->vm.pieces[vi[j]].label[level] : UINT32_MAX;
		uint32_t l = lf < lv ? lf : lv;
		struct group *x;

		xgrow(&g, &alloc, ng + 1, sizeof(*g));
		x = &g[ng++];
		memset(x, 0, sizeof(*x));
		x->label = l;
		x->f0 = i;
		while (i < nf && sf->file.pieces[fi[i]].label[level] == l)
			x->file_size += sf->file.pieces[fi[i++]].size;
		x->f1 = i;
		x->v0 = j;
		while (j < nv && sf->vm.pieces[vi[j]].label[level] == l)
			x->vm_size += sf->vm.pieces[vi[j++]].size;
		x->v1 = j;
	}
	c->level = level;
	qsort_r(g, ng, sizeof(*g), cmp_group, c);
	keep = c->top_n && ng > c->top_n ? c->top_n : ng;
	node->n_children = keep + (keep < ng);
	node->children = arena_array(&c->a->arena, node->n_children, sizeof(*node->children));
	for (k = 0; k < keep; k++) {
		struct breakdown_node *ch = &node->children[k];

		ch->name = sf->labels[level].names[g[k].label];
		ch->file_size = g[k].file_size;
		ch->vm_size = g[k].vm_size;
		if (depth + 1 < c->n_levels)
			build(c, depth + 1, fi + g[k].f0, g[k].f1 - g[k].f0, vi + g[k].v0,
			      g[k].v1 - g[k].v0, ch);
	}
	if (keep < ng) {
		struct breakdown_node *o = &node->children[keep];

		o->is_other = true;
		o->name = arena_printf(&c->a->arena, "[%zu others]", ng - keep);
		for (k = keep; k < ng; k++) {
			o->file_size += g[k].file_size;
			o->vm_size += g[k].vm_size;
		}
	}
	free(g);
}

void breakdown_build(struct audit *a, const int *levels, size_t n_levels, size_t top_n,
		     bool by_vm, struct breakdown_node *root)
{
	const struct size_facts *sf = &a->facts.sizes;
	struct bctx c = { a, levels, n_levels, top_n, by_vm, 0, NULL };
	size_t *fi = xcalloc(sf->file.n_pieces + 1, sizeof(*fi));
	size_t *vi = xcalloc(sf->vm.n_pieces + 1, sizeof(*vi));
	size_t i;

	memset(root, 0, sizeof(*root));
	root->name = "TOTAL";
	root->file_size = sf->file.total;
	root->vm_size = sf->vm.total;
	for (i = 0; i < sf->file.n_pieces; i++)
		fi[i] = i;
	for (i = 0; i < sf->vm.n_pieces; i++)
		vi[i] = i;
	if (n_levels)
		build(&c, 0, fi, sf->file.n_pieces, vi, sf->vm.n_pieces, root);
	free(fi);
	free(vi);
}
