// SPDX-License-Identifier: ISC
/*
 * The trusted computing base (docs/tcb.md): the bytes that can run or be read
 * at run time (the nodes reachability marks), split by trust class (OCaml,
 * C and assembly, generated tables, unknown) and by component, library,
 * package and a library > module > symbol tree; the sites of the runtime's
 * unsafe primitives; and what the image runs on (--external-tcb).
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/core/xalloc.h"

#define PACKAGE_NONE "[unknown]"

/* What a node is, before its component is known: the class rules of docs/tcb.md. */
enum { K_OTHER, K_OCAML, K_TABLE };

static bool in_range(bool has, struct image_range r, uint64_t addr)
{
	return has && addr >= r.lo && addr < r.hi;
}

/*
 * Sections of generated tables, whatever symbol names their bytes: notes (the
 * linker writes them, the loader reads them: the Solo5 manifest, Xen's) and
 * unwind tables (the compiler writes them, the unwinder reads them).
 */
static bool is_table_section(const char *name)
{
	static const char *const exact[] = {
		"__xen_guest", ".eh_frame", ".eh_frame_hdr", ".gcc_except_table", ".ARM.exidx",
		".ARM.extab",
	};
	size_t i;

	if (!strncmp(name, ".note", 5))
		return true;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return true;
	return false;
}

static uint8_t node_kind(const struct audit *a, size_t i)
{
	const struct layout_node *nd = &a->facts.layout.nodes[i];
	const struct ocaml_facts *of = &a->facts.ocaml;
	const struct ocaml_unit *u;
	ptrdiff_t k;
	int32_t unit = -1;

	if (nd->sec >= 0 && is_table_section(a->image.sections[nd->sec].name))
		return K_TABLE;
	if (nd->sym >= 0 && reach_is_ocaml_table(a, a->image.symbols[nd->sym].name))
		return K_TABLE;
	k = of->ranges.n ? claims_find(&of->ranges, nd->lo) : -1;
	if (k >= 0)
		unit = of->ranges.v[k].id;
	else if (nd->sym >= 0 && a->facts.attribution.sym_unit)
		unit = a->facts.attribution.sym_unit[nd->sym];
	if (unit < 0 || (size_t)unit >= of->n_units)
		return K_OTHER;
	u = &of->units[unit];
	/* caml_system__code_begin..end is the runtime's assembly (amd64.S, arm64.S). */
	if (!strcmp(u->name, "_system"))
		return K_OTHER;
	/* The startup unit's data: exception blocks and the tables the linker step generates. */
	if (!strcmp(u->name, "_startup") && in_range(u->has_data, u->data, nd->lo))
		return K_TABLE;
	return K_OCAML;
}

/*
 * A metadata table may share its address with the symbol that names the node:
 * an empty module block and its unit's gc_roots (camlStd_exit and
 * camlStd_exit__gc_roots), whose bytes are the table's.
 */
static void mark_table_aliases(const struct audit *a, uint8_t *kind)
{
	const struct image *img = &a->image;
	size_t i;

	for (i = 0; i < img->n_symbols; i++) {
		ptrdiff_t n;

		if (!reach_is_ocaml_table(a, img->symbols[i].name))
			continue;
		n = layout_find(&a->facts.layout, img->symbols[i].value);
		if (n >= 0 && a->facts.layout.nodes[n].lo == img->symbols[i].value)
			kind[n] = K_TABLE;
	}
}

static enum tcb_class chunk_class(uint8_t kind, const char *component)
{
	if (kind == K_TABLE)
		return TCB_TABLES;
	if (kind == K_OCAML)
		return TCB_OCAML;
	if (!strcmp(component, "unwind") || !strcmp(component, "elf-metadata") ||
	    !strcmp(component, "elf-headers"))
		return TCB_TABLES;
	if (!strcmp(component, COMPONENT_UNKNOWN) || !strcmp(component, "padding"))
		return TCB_UNKNOWN;
	return TCB_C;
}

/* One run of bytes of one node under one size piece's labels. */
struct chunk {
	uint32_t lib, mod, sym;		/* size labels */
	bool is_reachable;
	uint64_t bytes;
};

struct tctx {
	struct audit *a;
	const struct size_piece *piece;
	uint8_t *kind;			/* per node */
	struct tcb_row *rows[N_TCB_BY];	/* indexed by label (package: by PACKAGES id) */
	size_t alloc_pkg;
	struct strset packages;
	struct chunk *chunks;
	size_t n_chunks, alloc_chunks;
};

static void row_add(struct tcb_row *r, bool reached, enum tcb_class cls, uint64_t bytes)
{
	if (reached) {
		r->reachable += bytes;
		r->by_class[cls] += bytes;
	} else {
		r->dead += bytes;
	}
}

static uint32_t package_of(struct tctx *c, size_t node)
{
	const struct audit *a = c->a;
	const uint32_t *no = a->facts.linkage.node_object;
	const struct build *b = a->opt.build;
	const char *p = NULL;

	if (no && b && no[node] != UINT32_MAX && no[node] < b->n_objects)
		p = b->objects[no[node]].package;
	return strset_intern(&c->packages, p && *p ? p : PACKAGE_NONE);
}

static void add_chunk(size_t node, uint64_t bytes, void *ctx)
{
	struct tctx *c = ctx;
	struct tcb_facts *t = &c->a->facts.tcb;
	const struct size_piece *p = c->piece;
	const struct strset *labels = c->a->facts.sizes.labels;
	bool reached = c->a->facts.reach.reached[node] != 0;
	enum tcb_class cls = chunk_class(c->kind[node],
					 labels[LEVEL_COMPONENT].names[p->label[LEVEL_COMPONENT]]);
	struct chunk *ch;

	*(reached ? &t->reachable[cls] : &t->dead[cls]) += bytes;
	row_add(&c->rows[TCB_BY_COMPONENT][p->label[LEVEL_COMPONENT]], reached, cls, bytes);
	row_add(&c->rows[TCB_BY_LIBRARY][p->label[LEVEL_LIBRARY]], reached, cls, bytes);
	if (t->has_packages) {
		uint32_t id = package_of(c, node);
		size_t old = c->alloc_pkg;

		xgrow(&c->rows[TCB_BY_PACKAGE], &c->alloc_pkg, id + 1,
		      sizeof(*c->rows[TCB_BY_PACKAGE]));
		if (c->alloc_pkg > old)
			memset(&c->rows[TCB_BY_PACKAGE][old], 0,
			       (c->alloc_pkg - old) * sizeof(*c->rows[TCB_BY_PACKAGE]));
		row_add(&c->rows[TCB_BY_PACKAGE][id], reached, cls, bytes);
	}
	xgrow(&c->chunks, &c->alloc_chunks, c->n_chunks + 1, sizeof(*c->chunks));
	ch = &c->chunks[c->n_chunks++];
	ch->lib = p->label[LEVEL_LIBRARY];
	ch->mod = p->label[LEVEL_MODULE];
	ch->sym = p->label[LEVEL_SYMBOL];
	ch->is_reachable = reached;
	ch->bytes = bytes;
}

/* Most reachable bytes first, then most dead bytes, then by name. */
static int most_reachable(uint64_t ra, uint64_t da, const char *na, uint64_t rb, uint64_t db,
			  const char *nb)
{
	if (ra != rb)
		return ra > rb ? -1 : 1;
	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(na, nb);
}

static int cmp_row(const void *x, const void *y)
{
	const struct tcb_row *a = x, *b = y;

	return most_reachable(a->reachable, a->dead, a->name, b->reachable, b->dead, b->name);
}

/* The rows of N labels NAMES that hold bytes, into the facts (arena), sorted. */
static void keep_rows(struct tctx *c, enum tcb_by by, const struct strset *names, size_t n)
{
	struct tcb_facts *t = &c->a->facts.tcb;
	struct tcb_row *v = arena_array(&c->a->arena, n + 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct tcb_row *r = &c->rows[by][i];

		if (!r->reachable && !r->dead)
			continue;
		v[k] = *r;
		v[k++].name = names->names[i];
	}
	qsort(v, k, sizeof(*v), cmp_row);
	t->rows[by] = v;
	t->n_rows[by] = k;
}

/* Chunks by library, module, symbol, then reachable first. */
static int cmp_chunk(const void *x, const void *y, void *arg)
{
	const struct chunk *a = x, *b = y;
	const struct strset *labels = arg;
	int k;

	if ((k = strcmp(labels[LEVEL_LIBRARY].names[a->lib], labels[LEVEL_LIBRARY].names[b->lib])))
		return k;
	if ((k = strcmp(labels[LEVEL_MODULE].names[a->mod], labels[LEVEL_MODULE].names[b->mod])))
		return k;
	if ((k = strcmp(labels[LEVEL_SYMBOL].names[a->sym], labels[LEVEL_SYMBOL].names[b->sym])))
		return k;
	return (int)b->is_reachable - (int)a->is_reachable;
}

static int cmp_symbol(const void *x, const void *y)
{
	const struct tcb_symbol *a = x, *b = y;
	int k;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if ((k = strcmp(a->name, b->name)))
		return k;
	return (int)b->is_reachable - (int)a->is_reachable;
}

static int cmp_module(const void *x, const void *y)
{
	const struct tcb_module *a = x, *b = y;

	return most_reachable(a->reachable, a->dead, a->name, b->reachable, b->dead, b->name);
}

static int cmp_library(const void *x, const void *y)
{
	const struct tcb_library *a = x, *b = y;

	return most_reachable(a->reachable, a->dead, a->name, b->reachable, b->dead, b->name);
}

/* The module of chunks V[0..N) (one library, one module, sorted): symbols merged, capped. */
static void build_module(struct tctx *c, const struct chunk *v, size_t n, struct tcb_module *m)
{
	const struct strset *labels = c->a->facts.sizes.labels;
	struct tcb_symbol *s = arena_array(&c->a->arena, n + 1, sizeof(*s));
	size_t i, k = 0;

	m->name = labels[LEVEL_MODULE].names[v[0].mod];
	for (i = 0; i < n; i++) {
		*(v[i].is_reachable ? &m->reachable : &m->dead) += v[i].bytes;
		if (k && s[k - 1].is_reachable == v[i].is_reachable &&
		    !strcmp(s[k - 1].name, labels[LEVEL_SYMBOL].names[v[i].sym])) {
			s[k - 1].bytes += v[i].bytes;
			continue;
		}
		s[k].name = labels[LEVEL_SYMBOL].names[v[i].sym];
		s[k].bytes = v[i].bytes;
		s[k++].is_reachable = v[i].is_reachable;
	}
	qsort(s, k, sizeof(*s), cmp_symbol);
	for (i = TCB_TREE_SYMBOLS; i < k; i++) {
		m->more_bytes += s[i].bytes;
		if (s[i].is_reachable)
			m->more_reachable += s[i].bytes;
	}
	m->n_more = k > TCB_TREE_SYMBOLS ? k - TCB_TREE_SYMBOLS : 0;
	m->symbols = s;
	m->n_symbols = k - m->n_more;
}

static void build_tree(struct tctx *c)
{
	struct tcb_facts *t = &c->a->facts.tcb;
	const struct strset *labels = c->a->facts.sizes.labels;
	struct chunk *v = c->chunks;
	size_t n = c->n_chunks, i, j, n_lib = 0;

	if (n)
		qsort_r(v, n, sizeof(*v), cmp_chunk, (void *)labels);
	for (i = 0; i < n; i++)
		n_lib += !i || strcmp(labels[LEVEL_LIBRARY].names[v[i].lib],
				      labels[LEVEL_LIBRARY].names[v[i - 1].lib]);
	t->tree = arena_array(&c->a->arena, n_lib + 1, sizeof(*t->tree));
	for (i = 0; i < n; i = j) {
		struct tcb_library *lib = &t->tree[t->n_tree++];
		size_t n_mod = 0, k, e;

		lib->name = labels[LEVEL_LIBRARY].names[v[i].lib];
		for (j = i; j < n && !strcmp(labels[LEVEL_LIBRARY].names[v[j].lib], lib->name); j++)
			n_mod += j == i || strcmp(labels[LEVEL_MODULE].names[v[j].mod],
						  labels[LEVEL_MODULE].names[v[j - 1].mod]);
		lib->modules = arena_array(&c->a->arena, n_mod + 1, sizeof(*lib->modules));
		for (k = i; k < j; k = e) {
			struct tcb_module *m = &lib->modules[lib->n_modules++];

			for (e = k; e < j && !strcmp(labels[LEVEL_MODULE].names[v[e].mod],
						     labels[LEVEL_MODULE].names[v[k].mod]); e++)
				;
			build_module(c, v + k, e - k, m);
			lib->reachable += m->reachable;
			lib->dead += m->dead;
		}
		qsort(lib->modules, lib->n_modules, sizeof(*lib->modules), cmp_module);
	}
	qsort(t->tree, t->n_tree, sizeof(*t->tree), cmp_library);
}

/*
 * The runtime's unsafe C primitives, by the runtime's own names (runtime/array.c:
 * caml_array_unsafe_get, caml_floatarray_unsafe_set, ...; runtime/obj.c: the
 * Obj module's caml_obj_*). caml_sys_unsafe_getenv is "unsafe" for setuid
 * programs, not for memory, and is left out. Most unsafe accesses
 * (String.unsafe_get, Bytes.unsafe_set, Obj.magic, Obj.field) are compiler
 * primitives inlined into OCaml code: no symbol, no site (docs/tcb.md).
 */
static bool is_unsafe_primitive(const char *name)
{
	if (strncmp(name, "caml_", 5))
		return false;
	if (!strncmp(name, "caml_obj_", 9))
		return true;
	return strstr(name, "unsafe") && strcmp(name, "caml_sys_unsafe_getenv");
}

static int cmp_unsafe(const void *x, const void *y)
{
	return strcmp(((const struct tcb_unsafe *)x)->primitive,
		      ((const struct tcb_unsafe *)y)->primitive);
}

static void count_unsafe(struct audit *a)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct refgraph_facts *g = &a->facts.refgraph;
	struct tcb_facts *t = &a->facts.tcb;
	uint32_t *prim = xmalloc((l->n_nodes + 1) * sizeof(*prim));
	size_t i, e, n = 0;

	for (i = 0; i < l->n_nodes; i++) {
		const char *name;

		prim[i] = UINT32_MAX;
		if (l->nodes[i].sym < 0 || !(l->nodes[i].flags & NODE_EXEC))
			continue;
		name = a->image.symbols[l->nodes[i].sym].name;
		if (is_unsafe_primitive(name)) {
			t->unsafe = arena_push(&a->arena, t->unsafe, n, sizeof(*t->unsafe));
			t->unsafe[n].primitive = name;
			prim[i] = (uint32_t)n++;
		}
	}
	t->n_unsafe = n;
	for (i = 0; n && g->first && i < l->n_nodes; i++) {
		for (e = g->first[i]; e < g->first[i + 1]; e++) {
			uint32_t d = g->edges[e].dst;

			if (d >= l->n_nodes || prim[d] == UINT32_MAX || d == i)
				continue;
			/* Alignment padding running on into the primitive is no site. */
			if (d == i + 1 && l->nodes[i].sym < 0 && g->edges[e].kind == EDGE_JUMP)
				continue;
			t->unsafe[prim[d]].sites++;
			t->unsafe[prim[d]].reachable_sites += a->facts.reach.reached[i] != 0;
		}
	}
	free(prim);
	if (n)
		qsort(t->unsafe, n, sizeof(*t->unsafe), cmp_unsafe);
}

static int tcb_run(struct audit *a)
{
	struct tcb_facts *t = &a->facts.tcb;
	const struct size_facts *sf = &a->facts.sizes;
	const struct layout_facts *l = &a->facts.layout;
	struct tctx c = { .a = a };
	size_t i;

	t->image_bytes = sf->vm.total;
	t->has_packages = a->facts.linkage.is_done && a->facts.linkage.has_build;
	c.kind = xmalloc(l->n_nodes + 1);
	for (i = 0; i < l->n_nodes; i++)
		c.kind[i] = node_kind(a, i);
	mark_table_aliases(a, c.kind);
	c.rows[TCB_BY_COMPONENT] = xcalloc(sf->labels[LEVEL_COMPONENT].n + 1, sizeof(struct tcb_row));
	c.rows[TCB_BY_LIBRARY] = xcalloc(sf->labels[LEVEL_LIBRARY].n + 1, sizeof(struct tcb_row));
	strset_init(&c.packages, &a->arena);
	for (i = 0; i < sf->vm.n_pieces; i++) {
		c.piece = &sf->vm.pieces[i];
		layout_split(l, c.piece->lo, c.piece->size, add_chunk, &c);
	}
	for (i = 0; i < N_TCB_CLASSES; i++) {
		t->reachable_bytes += t->reachable[i];
		t->dead_bytes += t->dead[i];
	}
	keep_rows(&c, TCB_BY_COMPONENT, &sf->labels[LEVEL_COMPONENT], sf->labels[LEVEL_COMPONENT].n);
	keep_rows(&c, TCB_BY_LIBRARY, &sf->labels[LEVEL_LIBRARY], sf->labels[LEVEL_LIBRARY].n);
	if (t->has_packages)
		keep_rows(&c, TCB_BY_PACKAGE, &c.packages, c.packages.n);
	build_tree(&c);
	count_unsafe(a);
	t->external = a->opt.external;
	t->n_external = a->opt.n_external;
	t->stack_bytes = t->reachable_bytes;
	for (i = 0; i < t->n_external; i++)
		t->stack_bytes += t->external[i].bytes;
	for (i = 0; i < N_TCB_BY; i++)
		free(c.rows[i]);
	free(c.chunks);
	free(c.kind);
	strset_release(&c.packages);
	t->is_done = true;
	return 0;
}

const struct analyzer analyzer_tcb = {
	.name = "tcb",
	.id = AN_TCB,
	.needs = AN_BIT(AN_OCAML) | AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_LAYOUT) |
		 AN_BIT(AN_SIZES) | AN_BIT(AN_REFGRAPH) | AN_BIT(AN_REACH) |
		 AN_BIT(AN_FACILITIES),
	.run = tcb_run,
};
