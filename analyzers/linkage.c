// SPDX-License-Identifier: ISC
/*
 * The build's three-way view (docs/build.md, "Three-way view and packages"):
 * for each object the build made available, whether the linker took it, and
 * which of the bytes it placed in the image can run. Soundness: an object is
 * dead only when every byte it placed that weighs (not in a section the
 * linker merges or rewrites) lies in layout nodes reachability left unmarked;
 * an object whose bytes cannot be located is never dead.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/core/catalogue.h"
#include "audit/core/xalloc.h"

#define GROUP_UNKNOWN "[unknown]"

/* One placed input section of a linked object, for the node -> object index. */
struct span {
	uint64_t lo, hi;
	uint32_t obj;
};

static int cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->obj < b->obj ? -1 : a->obj > b->obj;
}

static bool has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

/*
 * Sections the linker merges or rewrites: the map's address and size of an
 * input piece of them need not be that object's bytes in the image (.eh_frame
 * is rewritten and its CIEs shared, notes and .comment are merged), so they
 * decide nothing about whether an object can run. Debug sections are never
 * mapped, and are listed for completeness.
 */
static bool is_rewritten(const struct build_placed *p)
{
	static const char *const prefixes[] = { ".eh_frame", ".note", ".comment", ".debug",
						".zdebug", ".stab", ".gnu.warning" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (has_prefix(p->section, prefixes[i]) || has_prefix(p->output, prefixes[i]))
			return true;
	return false;
}

/* The first layout node ending above ADDR (n_nodes when none). */
static size_t node_at_or_after(const struct layout_facts *l, uint64_t addr)
{
	size_t lo = 0, hi = l->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->nodes[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What one object's placed sections cover in the layout. */
struct cover {
	uint64_t bytes, reachable;		/* in layout nodes */
	uint64_t weighed, weighed_reachable;	/* of those, outside rewritten sections */
	uint64_t unlocated_weighed;		/* weighing bytes in no layout node */
	uint64_t ignored;
};

static void cover_range(const struct audit *a, const struct build_placed *p, struct cover *c)
{
	const struct layout_facts *l = &a->facts.layout;
	const uint8_t *reached = a->facts.reach.reached;
	bool weighs = !is_rewritten(p);
	uint64_t end = p->addr + p->size, at = p->addr, in = 0;
	size_t i;

	for (i = node_at_or_after(l, p->addr); i < l->n_nodes && l->nodes[i].lo < end; i++) {
		uint64_t lo = l->nodes[i].lo > at ? l->nodes[i].lo : at;
		uint64_t hi = l->nodes[i].hi < end ? l->nodes[i].hi : end;
		bool is_reached = reached[i] != 0;

		if (hi <= lo)
			continue;
		in += hi - lo;
		c->bytes += hi - lo;
		c->reachable += is_reached ? hi - lo : 0;
		if (weighs) {
			c->weighed += hi - lo;
			c->weighed_reachable += is_reached ? hi - lo : 0;
		} else {
			c->ignored += hi - lo;
		}
	}
	if (weighs)
		c->unlocated_weighed += p->size - in;
}

/* The node -> object index: the object whose placed range holds the node's start. */
static void index_nodes(struct audit *a, const struct build *b)
{
	const struct layout_facts *l = &a->facts.layout;
	struct linkage_facts *lf = &a->facts.linkage;
	struct span *s = NULL;
	size_t n = 0, alloc = 0, i, j;

	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];

		if (o->state != LINK_LINKED)
			continue;
		for (j = 0; j < o->n_placed; j++) {
			const struct build_placed *p = &o->placed[j];

			if (!p->size || p->addr + p->size < p->addr || is_rewritten(p))
				continue;
			xgrow(&s, &alloc, n + 1, sizeof(*s));
			s[n++] = (struct span){ p->addr, p->addr + p->size, (uint32_t)i };
		}
	}
	if (n)
		qsort(s, n, sizeof(*s), cmp_span);
	lf->node_object = arena_array(&a->arena, l->n_nodes + 1, sizeof(*lf->node_object));
	for (i = 0; i < l->n_nodes; i++) {
		uint64_t at = l->nodes[i].lo;
		size_t lo = 0, hi = n, k, tries;

		lf->node_object[i] = UINT32_MAX;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s[mid].lo <= at)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* Spans may nest (a merged section): look a few back for one that holds AT. */
		for (k = lo, tries = 0; k > 0 && tries < 8; k--, tries++)
			if (s[k - 1].hi > at) {
				lf->node_object[i] = s[k - 1].obj;
				break;
			}
	}
	free(s);
}

/*
 * The module the size levels give each located object: its OCaml unit when
 * the image has that unit, else the module of its first symbol node.
 */
static void name_modules(struct audit *a, const struct build *b)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct attribution_facts *af = &a->facts.attribution;
	struct linkage_facts *lf = &a->facts.linkage;
	size_t i;

	for (i = 0; i < b->n_objects; i++)
		if (b->objects[i].unit && lf->objects[i].is_located &&
		    strset_find(&a->facts.ocaml.unit_index, b->objects[i].unit) != UINT32_MAX)
			lf->objects[i].module = b->objects[i].unit;
	for (i = 0; af->sym_module && i < l->n_nodes; i++) {
		uint32_t o = lf->node_object[i];

		if (o != UINT32_MAX && l->nodes[i].sym >= 0 && !lf->objects[o].module &&
		    lf->objects[o].is_located)
			lf->objects[o].module = af->sym_module[l->nodes[i].sym];
	}
}

static void group_add(struct linkage_group *g, const struct build_object *o,
		      const struct linkage_object *lo)
{
	g->n_available++;
	g->available_bytes += o->alloc_bytes;
	if (o->state == LINK_LEFT_OUT) {
		g->n_left_out++;
		g->left_out_bytes += o->alloc_bytes;
	} else if (o->state == LINK_UNKNOWN) {
		g->n_unknown++;
	} else {
		g->n_linked++;
		/* Linked and not shown dead counts as reachable: dead only when sure. */
		if (lo->is_dead)
			g->n_dead++;
		else
			g->n_reachable++;
	}
	g->linked_bytes += lo->linked_bytes;
	g->reachable_bytes += lo->reachable_bytes;
	g->dead_bytes += lo->dead_bytes;
}

static int cmp_group(const void *x, const void *y)
{
	const struct linkage_group *a = x, *b = y;

	if (a->linked_bytes != b->linked_bytes)
		return a->linked_bytes > b->linked_bytes ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Objects grouped by NAME_OF (library or package), largest linked first, into *OUT. */
static size_t group_by(struct audit *a, const struct build *b, bool by_package,
		       struct linkage_group **out)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	struct strset names;
	struct linkage_group *g = NULL;
	size_t alloc = 0, i;

	strset_init(&names, &a->arena);
	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];
		const char *name = by_package ? o->package : o->library;
		uint32_t n0 = names.n, id;

		id = strset_intern(&names, name && *name ? name : GROUP_UNKNOWN);
		if (names.n > n0) {
			xgrow(&g, &alloc, names.n, sizeof(*g));
			memset(&g[id], 0, sizeof(*g));
			g[id].name = names.names[id];
		}
		if (by_package && o->version && !g[id].version)
			g[id].version = o->version;
		group_add(&g[id], o, &lf->objects[i]);
	}
	*out = arena_array(&a->arena, names.n + 1, sizeof(**out));
	if (names.n) {
		qsort(g, names.n, sizeof(*g), cmp_group);
		memcpy(*out, g, names.n * sizeof(*g));
	}
	i = names.n;
	strset_release(&names);
	free(g);
	return i;
}

/* Whether object O matches facility FAC of the catalogue (a unit or a defined symbol). */
static bool object_matches(struct catalogue *cat, const struct build_object *o, const char *fac)
{
	struct rule_match m;
	size_t i;

	if (o->unit && rules_match(&cat->match, RULE_UNIT, o->unit, &m) &&
	    !strcmp(m.library, fac))
		return true;
	for (i = 0; i < o->n_defined; i++)
		if (rules_match(&cat->match, RULE_SYMBOL, o->defined[i], &m) &&
		    !strcmp(m.library, fac))
			return true;
	return false;
}

/*
 * The "sealed out" split of each facility the image does not run: never
 * built, left out by the linker, or linked and dead. "Never built" needs the
 * symbols of every available object: with one unread, it is not said.
 */
static void split_facilities(struct audit *a, const struct build *b)
{
	const struct facility_facts *ff = &a->facts.facilities;
	struct linkage_facts *lf = &a->facts.linkage;
	struct catalogue *cat = a->opt.catalogue;
	bool all_known = true;
	size_t i, k;

	/*
	 * A linked object whose symbols were not read has them in the image, where the
	 * facilities matched, unless the linker discarded some of its sections.
	 */
	for (i = 0; i < b->n_objects; i++)
		all_known = all_known && (b->objects[i].symbols_known ||
					  (b->objects[i].state == LINK_LINKED &&
					   !b->objects[i].discarded_bytes));
	lf->n_facilities = ff->n;
	lf->facilities = arena_array(&a->arena, ff->n + 1, sizeof(*lf->facilities));
	for (k = 0; k < ff->n; k++) {
		const struct facility *f = &ff->v[k];
		struct linkage_facility *x = &lf->facilities[k];

		for (i = 0; cat && i < b->n_objects; i++) {
			const struct build_object *o = &b->objects[i];

			if (!object_matches(cat, o, f->name))
				continue;
			x->n_available++;
			if (o->state == LINK_LEFT_OUT) {
				x->n_left_out++;
				x->left_out_bytes += o->alloc_bytes;
			} else if (o->state == LINK_LINKED) {
				x->n_linked++;
				x->n_dead += lf->objects[i].is_dead;
				x->dead_bytes += lf->objects[i].dead_bytes;
			}
		}
		if (f->verdict == VERDICT_DEAD)
			x->how = SEALED_LINKED_DEAD;
		else if (f->verdict != VERDICT_SEALED)
			x->how = SEALED_NOT;
		else if (x->n_linked)
			x->how = SEALED_LINKED_DEAD;
		else if (x->n_left_out)
			x->how = SEALED_LEFT_OUT;
		else if (!x->n_available && all_known)
			x->how = SEALED_NEVER_BUILT;
	}
}

/* The sums every report relies on: a broken one is a bug here, said as an error. */
static int check_sums(struct audit *a)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct linkage_group *sets[] = { lf->libraries, lf->packages };
	const size_t ns[] = { lf->n_libraries, lf->n_packages };
	size_t i, s;

	for (i = 0; i < lf->n_objects; i++) {
		const struct linkage_object *o = &lf->objects[i];

		if (o->linked_bytes != o->reachable_bytes + o->dead_bytes)
			return diag_err(&a->diag, "internal error: linkage of object %zu: %llu "
					"linked bytes are not %llu reachable + %llu dead", i,
					(unsigned long long)o->linked_bytes,
					(unsigned long long)o->reachable_bytes,
					(unsigned long long)o->dead_bytes);
	}
	for (s = 0; s < 2; s++) {
		struct linkage_group sum = { 0 };

		for (i = 0; i < ns[s]; i++) {
			const struct linkage_group *g = &sets[s][i];

			if (g->n_available != g->n_linked + g->n_left_out + g->n_unknown ||
			    g->n_linked != g->n_reachable + g->n_dead ||
			    g->linked_bytes != g->reachable_bytes + g->dead_bytes)
				return diag_err(&a->diag, "internal error: linkage group '%s' "
						"does not add up", g->name);
			sum.n_available += g->n_available;
			sum.linked_bytes += g->linked_bytes;
		}
		if (sum.n_available != lf->total.n_available ||
		    sum.linked_bytes != lf->total.linked_bytes)
			return diag_err(&a->diag, "internal error: linkage groups do not sum to "
					"the total");
	}
	return 0;
}

static int linkage_run(struct audit *a)
{
	const struct build *b = a->opt.build;
	struct linkage_facts *lf = &a->facts.linkage;
	size_t i, j;

	lf->is_done = true;
	lf->has_build = b != NULL;
	if (!b)
		return 0;
	lf->n_objects = b->n_objects;
	lf->objects = arena_array(&a->arena, b->n_objects + 1, sizeof(*lf->objects));
	index_nodes(a, b);
	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];
		struct linkage_object *lo = &lf->objects[i];
		struct cover c = { 0 };

		if (o->state != LINK_LINKED)
			continue;
		for (j = 0; j < o->n_placed; j++)
			if (o->placed[j].size && o->placed[j].addr + o->placed[j].size >=
			    o->placed[j].addr)
				cover_range(a, &o->placed[j], &c);
		lo->linked_bytes = c.bytes;
		lo->reachable_bytes = c.reachable;
		lo->dead_bytes = c.bytes - c.reachable;
		lo->ignored_bytes = c.ignored;
		lo->is_located = c.bytes > 0;
		lo->is_dead = a->facts.reach.is_complete && c.weighed > 0 &&
			      !c.weighed_reachable && !c.unlocated_weighed;
	}
	name_modules(a, b);
	lf->total.name = "total";
	for (i = 0; i < b->n_objects; i++)
		group_add(&lf->total, &b->objects[i], &lf->objects[i]);
	lf->n_libraries = group_by(a, b, false, &lf->libraries);
	lf->n_packages = group_by(a, b, true, &lf->packages);
	if (a->done & AN_BIT(AN_FACILITIES))
		split_facilities(a, b);
	return check_sums(a);
}

const struct analyzer analyzer_linkage = {
	.name = "linkage",
	.id = AN_LINKAGE,
	.needs = AN_BIT(AN_LAYOUT) | AN_BIT(AN_OCAML) | AN_BIT(AN_ATTRIBUTION) |
		 AN_BIT(AN_REACH),
	.run = linkage_run,
};
