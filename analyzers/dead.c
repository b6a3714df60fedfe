// SPDX-License-Identifier: ISC
/* Dead code and data: the size pieces of unreachable nodes, per level, and the dead functions. */
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

/* File offset -> virtual address through the (first) PT_LOAD that holds it, or false. */
static bool file_to_vaddr(const struct image *img, uint64_t off, uint64_t *va)
{
	ptrdiff_t i = image_load_at(img, off, IMG_AT_OFFSET);

	if (i < 0)
		return false;
	*va = img->segments[i].vaddr + (off - img->segments[i].offset);
	return true;
}

struct live_dead {
	const uint8_t *reached;
	uint64_t *live, *dead;
};

static void add_node_bytes(size_t node, uint64_t bytes, void *ctx)
{
	struct live_dead *ld = ctx;

	*(ld->reached[node] ? ld->live : ld->dead) += bytes;
}

/* Add the bytes of [lo, lo + size) to LIVE or DEAD by the reach state of each node it overlaps. */
static void split(const struct audit *a, uint64_t lo, uint64_t size, uint64_t *live,
		  uint64_t *dead)
{
	struct live_dead ld = { a->facts.reach.reached, live, dead };

	layout_split(&a->facts.layout, lo, size, add_node_bytes, &ld);
}

struct dsort {
	const struct strset *names;
};

static int cmp_dead_row(const void *x, const void *y, void *arg)
{
	const struct dead_row *a = x, *b = y;
	const struct dsort *d = arg;

	if (a->dead_vm != b->dead_vm)
		return a->dead_vm > b->dead_vm ? -1 : 1;
	if (a->dead_file != b->dead_file)
		return a->dead_file > b->dead_file ? -1 : 1;
	return strcmp(d->names->names[a->label], d->names->names[b->label]);
}

static int cmp_fn(const void *x, const void *y)
{
	const struct dead_function *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int dead_run(struct audit *a)
{
	struct dead_facts *df = &a->facts.dead;
	const struct size_facts *sf = &a->facts.sizes;
	const struct reach_facts *rf = &a->facts.reach;
	const struct layout_facts *l = &a->facts.layout;
	size_t i, k, n_fn = 0;
	int lv;

	for (lv = 0; lv < N_LEVELS; lv++) {
		struct dead_row *r = xcalloc(sf->labels[lv].n + 1, sizeof(*r));
		struct dsort ds = { &sf->labels[lv] };
		size_t n = 0;

		for (i = 0; i < sf->labels[lv].n; i++)
			r[i].label = (uint32_t)i;
		for (i = 0; i < sf->vm.n_pieces; i++) {
			const struct size_piece *p = &sf->vm.pieces[i];

			split(a, p->lo, p->size, &r[p->label[lv]].live_vm, &r[p->label[lv]].dead_vm);
		}
		for (i = 0; i < sf->file.n_pieces; i++) {
			const struct size_piece *p = &sf->file.pieces[i];
			uint64_t va;

			if (file_to_vaddr(&a->image, p->lo, &va))
				split(a, va, p->size, &r[p->label[lv]].live_file,
				      &r[p->label[lv]].dead_file);
		}
		for (i = 0; i < sf->labels[lv].n; i++)
			if (r[i].dead_vm || r[i].dead_file)
				r[n++] = r[i];
		qsort_r(r, n, sizeof(*r), cmp_dead_row, &ds);
		df->rows[lv] = r;
		df->n_rows[lv] = n;
	}
	for (i = 0; i < l->n_nodes; i++) {
		const struct layout_node *nd = &l->nodes[i];
		uint64_t sz = nd->hi - nd->lo;
		bool code = nd->flags & NODE_EXEC;

		if (rf->reached[i])
			*(code ? &df->live_code_bytes : &df->live_data_bytes) += sz;
		else
			*(code ? &df->dead_code_bytes : &df->dead_data_bytes) += sz;
		if (!rf->reached[i] && code && (nd->sym >= 0 || l->is_discovered))
			n_fn++;
	}
	df->functions = arena_array(&a->arena, n_fn + 1, sizeof(*df->functions));
	for (i = 0, k = 0; i < l->n_nodes; i++) {
		const struct layout_node *nd = &l->nodes[i];
		const struct attribution_facts *af = &a->facts.attribution;

		if (rf->reached[i] || !(nd->flags & NODE_EXEC) || (nd->sym < 0 && !l->is_discovered))
			continue;
		df->functions[k].node = (uint32_t)i;
		df->functions[k].size = nd->hi - nd->lo;
		df->functions[k].module = nd->sym >= 0 ? af->sym_module[nd->sym] : "[unknown]";
		df->functions[k].library = nd->sym >= 0 ? af->sym_library[nd->sym] : "[unknown]";
		df->functions[k].component = nd->sym >= 0 ? af->sym_component[nd->sym] :
				COMPONENT_UNKNOWN;
		k++;
	}
	df->n_functions = k;
	qsort(df->functions, k, sizeof(*df->functions), cmp_fn);
	df->is_done = true;
	return 0;
}

const struct analyzer analyzer_dead = {
	.name = "dead",
	.id = AN_DEAD,
	.needs = AN_BIT(AN_REACH) | AN_BIT(AN_SIZES),
	.run = dead_run,
};
