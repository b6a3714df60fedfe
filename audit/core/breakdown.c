// SPDX-License-Identifier: ISC
/* Nested size breakdowns: sort piece indexes by label, group, keep the top rows, recurse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/breakdown.h"
#include "audit/core/build.h"
#include "audit/core/xalloc.h"


struct bctx {
	struct audit *a;
	const int *levels;
	size_t n_levels, top_n;
	bool by_vm;
	int level;			/* for the comparators */
	const struct size_domain *dom;	/* for the comparators */
	/* LEVEL_PACKAGE: each piece's package (ids into packages), per domain */
	uint32_t *pkg_file, *pkg_vm;
	struct strset packages;
};

/* The label of piece I of domain D at LEVEL. */
static uint32_t label(const struct bctx *c, const struct size_domain *d, size_t i, int level)
{
	if (level == LEVEL_PACKAGE)
		return (d == &c->a->facts.sizes.file ? c->pkg_file : c->pkg_vm)[i];
	return d->pieces[i].label[level];
}

static const struct strset *names_of(const struct bctx *c, int level)
{
	return level == LEVEL_PACKAGE ? &c->packages : &c->a->facts.sizes.labels[level];
}

/*
 * The package of the piece at virtual address VA: that of the build object whose
 * placed bytes hold the start of its layout node, "[unknown]" when none does.
 */
static uint32_t package_at(struct bctx *c, bool is_mapped, uint64_t va)
{
	const struct audit *a = c->a;
	const char *p = node_package(a, is_mapped ? layout_find(&a->facts.layout, va) : -1);

	return strset_intern(&c->packages, p ? p : PACKAGE_UNKNOWN);
}

static void label_packages(struct bctx *c)
{
	const struct size_facts *sf = &c->a->facts.sizes;
	const struct image *img = &c->a->image;
	size_t i;

	strset_init(&c->packages, &c->a->arena);
	c->pkg_file = xcalloc(sf->file.n_pieces + 1, sizeof(*c->pkg_file));
	c->pkg_vm = xcalloc(sf->vm.n_pieces + 1, sizeof(*c->pkg_vm));
	for (i = 0; i < sf->vm.n_pieces; i++)
		c->pkg_vm[i] = package_at(c, true, sf->vm.pieces[i].lo);
	for (i = 0; i < sf->file.n_pieces; i++) {
		uint64_t off = sf->file.pieces[i].lo;
		ptrdiff_t s = image_load_at(img, off, IMG_AT_OFFSET);

		c->pkg_file[i] = package_at(c, s >= 0, s >= 0 ? img->segments[s].vaddr +
					    (off - img->segments[s].offset) : 0);
	}
}

struct group {
	uint32_t label;
	uint64_t file_size, vm_size;
	size_t f0, f1, v0, v1;		/* ranges in the sorted index arrays */
};

static int cmp_idx(const void *x, const void *y, void *arg)
{
	const struct bctx *c = arg;
	uint32_t a = label(c, c->dom, *(const size_t *)x, c->level);
	uint32_t b = label(c, c->dom, *(const size_t *)y, c->level);

	return a < b ? -1 : a > b;
}

static int cmp_group(const void *x, const void *y, void *arg)
{
	const struct group *a = x, *b = y;
	const struct bctx *c = arg;
	uint64_t ka = c->by_vm ? a->vm_size : a->file_size, kb = c->by_vm ? b->vm_size : b->file_size;
	const struct strset *names = names_of(c, c->level);

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
		uint32_t lf = i < nf ? label(c, &sf->file, fi[i], level) : UINT32_MAX;
		uint32_t lv = j < nv ? label(c, &sf->vm, vi[j], level) : UINT32_MAX;
		uint32_t l = lf < lv ? lf : lv;
		struct group *x;

		xgrow(&g, &alloc, ng + 1, sizeof(*g));
		x = &g[ng++];
		memset(x, 0, sizeof(*x));
		x->label = l;
		x->f0 = i;
		while (i < nf && label(c, &sf->file, fi[i], level) == l)
			x->file_size += sf->file.pieces[fi[i++]].size;
		x->f1 = i;
		x->v0 = j;
		while (j < nv && label(c, &sf->vm, vi[j], level) == l)
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

		ch->name = names_of(c, level)->names[g[k].label];
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
	struct bctx c = { .a = a, .levels = levels, .n_levels = n_levels, .top_n = top_n,
			  .by_vm = by_vm };
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
	for (i = 0; i < n_levels; i++)
		if (levels[i] == LEVEL_PACKAGE && !c.pkg_file)
			label_packages(&c);
	if (n_levels)
		build(&c, 0, fi, sf->file.n_pieces, vi, sf->vm.n_pieces, root);
	if (c.pkg_file)
		strset_release(&c.packages);
	free(c.pkg_file);
	free(c.pkg_vm);
	free(fi);
	free(vi);
}
