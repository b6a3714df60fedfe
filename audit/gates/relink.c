// SPDX-License-Identifier: ISC
/*
 * seal --relink, the plan: which dead objects of the build a relink replaces by
 * a stub, which it keeps and why, and each stub's assembly (docs/seal.md,
 * "Relinking"). Soundness first: an OCaml unit's initialiser runs at startup
 * whether or not anything uses the unit, so a unit is replaced only when its
 * initialiser can have no effect outside the unit.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"
#include "audit/gates/relink.h"

const enum level relink_levels[5] = { LEVEL_SEGMENT, LEVEL_SECTION, LEVEL_COMPONENT,
				      LEVEL_LIBRARY, LEVEL_MODULE };

/* What OCaml's startup file expects of every unit (besides its module block caml<U>). */
static const char *const unit_parts[] = { "entry", "gc_roots", "frametable", "code_begin",
					  "code_end", "data_begin", "data_end" };
#define N_PARTS (sizeof(unit_parts) / sizeof(unit_parts[0]))

/* The startup's tables: their references to a unit are what every linked unit has. */
static const char *const startup_tables[] = { "caml_program", "caml_globals",
					      "caml_frametable", "caml_code_segments",
					      "caml_data_segments", "caml_globals_map" };

/* The allocation entry points an initialiser may call and still have no outside effect. */
static const char *const alloc_entries[] = { "caml_call_gc", "caml_alloc1", "caml_alloc2",
					     "caml_alloc3", "caml_allocN", "caml_alloc_N" };

/* Input sections a dead C object may have: anything else (constructors, TLS, a link set
 * walked through __start_/__stop_ symbols) could act without a reference. */
static const char *const plain_sections[] = { ".text", ".rodata", ".data", ".bss",
					      ".eh_frame", ".gcc_except_table", ".sdata",
					      ".sbss", ".lrodata", ".ldata", ".lbss", ".note",
					      ".comment", ".debug" };
static const char *const active_sections[] = { ".init_array", ".fini_array", ".ctors",
					       ".dtors", ".preinit_array", ".tdata", ".tbss",
					       ".init", ".fini" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* NAME is PREFIX or PREFIX followed by '.' (".text.unlikely" is a ".text"). */
static bool has_prefix(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && (name[n] == '\0' || name[n] == '.');
}

static bool prefix_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (has_prefix(name, list[i]))
			return true;
	return false;
}

struct planner {
	struct audit *a;
	const struct build *b;
	int32_t *owner;			/* per layout node: build object, or -1 */
	const char **outside;		/* per object: a reached node outside it that references
					   it, other than the startup's tables (first found) */
	const char **outside_what;	/* ... and what it references */
	char *startup;			/* the startup file's text, or NULL */
	struct strset startup_refs;	/* caml* names the startup file references */
};

static const char *node_name(const struct audit *a, size_t node)
{
	char buf[96];
	const char *n = layout_node_name(a, node, buf, sizeof(buf));

	return n == buf ? arena_strdup((struct arena *)&a->arena, buf) : n;
}

/* Every layout node overlapping an object's placed input sections belongs to it. */
static void map_owners(struct planner *pl)
{
	const struct layout_facts *l = &pl->a->facts.layout;
	const struct linkage_facts *lk = &pl->a->facts.linkage;
	size_t i, k;

	pl->owner = xcalloc(l->n_nodes + 1, sizeof(*pl->owner));
	for (i = 0; i < l->n_nodes; i++)
		pl->owner[i] = lk->node_object && lk->node_object[i] != UINT32_MAX ?
			       (int32_t)lk->node_object[i] : -1;
	if (lk->node_object)
		return;
	for (i = 0; i < pl->b->n_objects; i++) {
		const struct build_object *o = &pl->b->objects[i];

		for (k = 0; o->state == LINK_LINKED && k < o->n_placed; k++) {
			const struct build_placed *s = &o->placed[k];
			ptrdiff_t n;

			if (!s->size)
				continue;
			for (n = layout_find(l, s->addr); n >= 0 && (size_t)n < l->n_nodes &&
			     l->nodes[n].lo < s->addr + s->size; n++)
				if (pl->owner[n] < 0)
					pl->owner[n] = (int32_t)i;
		}
	}
}

static bool is_table_node(const struct audit *a, size_t node)
{
	int32_t s = a->facts.layout.nodes[node].sym;

	return s >= 0 && in_list(a->image.symbols[s].name, startup_tables,
				 sizeof(startup_tables) / sizeof(startup_tables[0]));
}

/* For every object, a reached node outside it, not a startup table, referencing it. */
static void find_outside_uses(struct planner *pl)
{
	const struct audit *a = pl->a;
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t src, e;

	pl->outside = arena_array(&pl->a->arena, pl->b->n_objects + 1, sizeof(*pl->outside));
	pl->outside_what = arena_array(&pl->a->arena, pl->b->n_objects + 1,
				       sizeof(*pl->outside_what));
	for (src = 0; g->first && src < a->facts.layout.n_nodes; src++) {
		if (!a->facts.reach.reached[src] || is_table_node(a, src))
			continue;
		for (e = g->first[src]; e < g->first[src + 1]; e++) {
			int32_t o = pl->owner[g->edges[e].dst];

			if (o < 0 || o == pl->owner[src] || pl->outside[o])
				continue;
			pl->outside[o] = node_name(a, src);
			pl->outside_what[o] = node_name(a, g->edges[e].dst);
		}
	}
}

/* A character of an assembler symbol as ocamlopt writes OCaml's. */
static bool is_ident(char c)
{
	return c == '_' || c == '$' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The caml* identifiers the startup file names (it references every linked unit). */
static void read_startup(struct planner *pl)
{
	size_t len;
	char *p;

	strset_init(&pl->startup_refs, &pl->a->arena);
	if (!pl->b->startup_asm ||
	    read_bounded(pl->b->startup_asm, NULL, INPUT_MAX_REPORT, &pl->startup, &len,
			 &pl->a->diag) < 0) {
		pl->startup = NULL;
		return;
	}
	for (p = pl->startup; (p = strstr(p, "caml")) != NULL;) {
		char *q = p;

		if (p > pl->startup && is_ident(p[-1])) {
			p += 4;
			continue;
		}
		while (is_ident(*q))
			q++;
		{
			char save = *q;

			*q = '\0';
			strset_intern(&pl->startup_refs, p);
			*q = save;
		}
		p = q;
	}
}

static const char *edge_verb(uint8_t kind)
{
	switch (kind) {
	case EDGE_CALL: return "calls";
	case EDGE_JUMP: return "jumps to";
	case EDGE_FIELD: return "stores into a field of";
	case EDGE_FIELD_LOAD: return "reads a field of";
	case EDGE_DATA: return "points to";
	default: return "takes the address of";
	}
}

static bool defines(const struct build_object *o, const char *name)
{
	return in_list(name, o->defined, o->n_defined);
}

static ptrdiff_t symbol_node(const struct audit *a, const char *name)
{
	const struct image_symbol *s = image_find_symbol(&a->image, name);

	return s && s->shndx != SHN_UNDEF ? layout_find(&a->facts.layout, s->value) : -1;
}

/* The first node of object I the initialiser ENTRY uses, as a reason; NULL when none. */
static const char *init_reach(struct planner *pl, size_t i, size_t entry)
{
	struct audit *a = pl->a;
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t n_nodes = a->facts.layout.n_nodes, top = 0, e;
	uint32_t *stack = xcalloc(n_nodes + 1, sizeof(*stack));
	uint8_t *seen = xcalloc(n_nodes + 1, 1);
	const char *why = NULL;

	stack[top++] = (uint32_t)entry;
	seen[entry] = 1;
	while (top && !why) {
		uint32_t n = stack[--top];

		for (e = g->first[n]; e < g->first[n + 1] && !why; e++) {
			uint32_t d = g->edges[e].dst;

			if (g->edges[e].kind == EDGE_FIELD || pl->owner[d] != (int32_t)i || seen[d])
				continue;
			seen[d] = 1;
			if (a->facts.reach.reached[d] & REACH_USED)
				why = arena_printf(&a->arena, "its initialiser uses %s", node_name(a, d));
			stack[top++] = d;
		}
	}
	free(stack);
	free(seen);
	return why;
}

/*
 * Why the OCaml unit of object I may not be replaced, or NULL when it may: its
 * initialiser leaves the unit only for the allocator (2), has no indirect
 * jump or call and no system instruction (3), and reaches nothing else of
 * the unit (1). Nothing outside the unit uses it (checked by the caller).
 */
static const char *unit_keep_reason(struct planner *pl, size_t i)
{
	struct audit *a = pl->a;
	const struct build_object *o = &pl->b->objects[i];
	const struct refgraph_facts *g = &a->facts.refgraph;
	struct code_shape shape;
	const char *u = o->unit;
	char name[512];
	ptrdiff_t entry;
	size_t k, e;

	if (!pl->startup)
		return "no OCaml startup file (*.startup.s) in the build: what the startup "
		       "expects of the unit is unknown";
	for (k = 0; k < N_PARTS; k++) {
		snprintf(name, sizeof(name), "caml%s__%s", u, unit_parts[k]);
		if (strset_find(&pl->startup_refs, name) != UINT32_MAX && !defines(o, name))
			return arena_printf(&a->arena, "the startup references %s, which the "
					    "object does not define", name);
	}
	snprintf(name, sizeof(name), "caml%s__entry", u);
	entry = symbol_node(a, name);
	if (entry < 0 || pl->owner[entry] != (int32_t)i)
		return arena_printf(&a->arena, "its initialiser %s is not in the image", name);
	/* (2) the initialiser's references leave the unit only for the allocator. */
	for (e = g->first[entry]; e < g->first[entry + 1]; e++) {
		const struct ref_edge *r = &g->edges[e];
		int32_t s = a->facts.layout.nodes[r->dst].sym;
		bool inside = pl->owner[r->dst] == (int32_t)i &&
			      (r->kind != EDGE_FIELD || pl->owner[r->aux] == (int32_t)i);

		if (inside || (s >= 0 && (r->kind == EDGE_CALL || r->kind == EDGE_JUMP) &&
			       in_list(a->image.symbols[s].name, alloc_entries,
				       sizeof(alloc_entries) / sizeof(alloc_entries[0]))))
			continue;
		return arena_printf(&a->arena, "its initialiser %s %s", edge_verb(r->kind),
				    node_name(a, r->kind == EDGE_FIELD &&
					      pl->owner[r->aux] != (int32_t)i ? r->aux : r->dst));
	}
	/* (3) nothing the graph cannot follow, nothing that talks to the platform. */
	if (refgraph_shape(a, (uint32_t)entry, &shape) < 0 || shape.flags & SHAPE_UNDECODED)
		return "its initialiser does not decode";
	if (shape.flags & SHAPE_TOO_LONG)
		return arena_printf(&a->arena, "its initialiser is longer than %d instructions "
				    "or calls more than %d functions", SHAPE_MAX_INSNS,
				    SHAPE_MAX_CALLS);
	if (shape.flags & SHAPE_INDIRECT)
		return arena_printf(&a->arena, "its initialiser has an indirect call or jump "
				    "at 0x%llx", (unsigned long long)
				    shape.flag_at[__builtin_ctz(SHAPE_INDIRECT)]);
	if (shape.flags & SHAPE_SYSTEM)
		return arena_printf(&a->arena, "its initialiser has a system instruction at "
				    "0x%llx", (unsigned long long)
				    shape.flag_at[__builtin_ctz(SHAPE_SYSTEM)]);
	/*
	 * (1) no other node of the unit is used through the initialiser: nodes the
	 * startup's tables reach (the first function through caml_code_segments, the
	 * data through caml_data_segments, the frametable) are not its doing. Storing an
	 * address into a field of the unit's own module block uses nothing (ocaml
	 * precision: the fields nobody reads), so those edges are not followed.
	 */
	return init_reach(pl, i, (size_t)entry);
}

/* Why dead C object I may not be replaced, or NULL. */
static const char *c_keep_reason(struct planner *pl, size_t i)
{
	const struct build_object *o = &pl->b->objects[i];
	size_t k;

	for (k = 0; k < o->n_placed; k++) {
		const char *s = o->placed[k].section;
		const char *out = o->placed[k].output ? o->placed[k].output : s;

		if (prefix_in(s, active_sections, sizeof(active_sections) /
			      sizeof(active_sections[0])) ||
		    prefix_in(out, active_sections, sizeof(active_sections) /
			      sizeof(active_sections[0])))
			return arena_printf(&pl->a->arena, "its section %s runs or is set up "
					    "without a reference", s);
		if (!prefix_in(s, plain_sections, sizeof(plain_sections) /
			       sizeof(plain_sections[0])))
			return arena_printf(&pl->a->arena, "its section %s may be walked as a "
					    "link set (__start_/__stop_)", s);
	}
	return NULL;
}

static bool node_reached_in(const struct planner *pl, size_t i)
{
	const struct layout_facts *l = &pl->a->facts.layout;
	size_t n;

	for (n = 0; n < l->n_nodes; n++)
		if (pl->owner[n] == (int32_t)i && pl->a->facts.reach.reached[n])
			return true;
	return false;
}

/* ---- the stub's assembly --------------------------------------------------- */

struct text {
	char *buf;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 256;
		t->buf = xrealloc(t->buf, t->cap);
	}
	t->len += (size_t)n;
}

/* One global (or weak) symbol at the current position. */
static void label(struct text *t, const char *name, bool is_weak, bool is_func)
{
	put(t, "\t%s \"%s\"\n", is_weak ? ".weak" : ".globl", name);
	if (is_func)
		put(t, "\t.type \"%s\", STT_FUNC\n", name);
	put(t, "\"%s\":\n", name);
}

/*
 * Whether the stub defines NAME, and weakly: a symbol whose image definition lies
 * outside the object was the object's weak (or lost) definition, and is left to the
 * winner; one the image defines weak stays weak.
 */
static int stub_binding(const struct planner *pl, size_t i, const char *name, bool *is_weak)
{
	const struct image_symbol *s = image_find_symbol(&pl->a->image, name);
	ptrdiff_t n;

	*is_weak = !s || s->bind == STB_WEAK;
	if (!s || s->shndx == SHN_UNDEF)
		return 1;
	if (s->shndx == SHN_ABS)
		return 0;
	n = layout_find(&pl->a->facts.layout, s->value);
	return n < 0 || pl->owner[n] == (int32_t)i;
}

/* The colour bits static data gets from the compiler: read from the image's caml<U>. */
static bool module_header(const struct planner *pl, const char *u, uint64_t *hd)
{
	char name[512];
	const struct image_symbol *s;
	const unsigned char *p;
	uint64_t len;

	snprintf(name, sizeof(name), "caml%s", u);
	s = image_find_symbol(&pl->a->image, name);
	if (!s || s->value < 8 || !(p = image_vaddr_bytes(&pl->a->image, s->value - 8, &len)) ||
	    len < 8)
		return false;
	*hd = image_word(&pl->a->image, p, 8) & 0x300;	/* size 0, tag 0, its colour */
	return true;
}

static const char *stub_text(struct planner *pl, size_t i, const char *trap, uint64_t hd,
			     size_t *n_traps)
{
	const struct build_object *o = &pl->b->objects[i];
	bool is_a64 = pl->a->image.machine == EM_AARCH64;
	const char *u = o->unit;
	struct text t = { 0 };
	char name[512];
	const char *res;
	size_t k, j;

	*n_traps = 0;
	put(&t, "# mirage-audit seal --relink: stub of %s%s%s%s\n", o->path,
	    o->member ? "(" : "", o->member ? o->member : "", o->member ? ")" : "");
	put(&t, "\t.section .note.GNU-stack,\"\",%%progbits\n\t.text\n\t.balign 16\n");
	if (u) {
		snprintf(name, sizeof(name), "caml%s__code_begin", u);
		label(&t, name, false, false);
		snprintf(name, sizeof(name), "caml%s__entry", u);
		label(&t, name, false, true);
		put(&t, is_a64 ? "\tmov x0, #1\n\tret\n" : "\tmovq $1, %%rax\n\tret\n");
	}
	for (k = 0; k < o->n_defined; k++) {
		const char *s = o->defined[k];
		bool is_weak, is_part = false;

		for (j = 0; u && j < N_PARTS && !is_part; j++) {
			snprintf(name, sizeof(name), "caml%s__%s", u, unit_parts[j]);
			is_part = !strcmp(s, name);
		}
		snprintf(name, sizeof(name), "caml%s", u ? u : "");
		if (is_part || (u && !strcmp(s, name)) || !stub_binding(pl, i, s, &is_weak))
			continue;
		label(&t, s, is_weak, true);
		put(&t, "\t%s\n", trap);
		++*n_traps;
	}
	if (u) {
		snprintf(name, sizeof(name), "caml%s__code_end", u);
		label(&t, name, false, false);
		put(&t, "\t.data\n\t.balign 8\n");
		snprintf(name, sizeof(name), "caml%s__data_begin", u);
		label(&t, name, false, false);
		put(&t, "\t.8byte 0x%llx\n", (unsigned long long)hd);
		snprintf(name, sizeof(name), "caml%s", u);
		label(&t, name, false, false);
		snprintf(name, sizeof(name), "caml%s__gc_roots", u);
		label(&t, name, false, false);
		put(&t, "\t.8byte 0\n");
		snprintf(name, sizeof(name), "caml%s__data_end", u);
		label(&t, name, false, false);
		put(&t, "\t.8byte 0\n");
		snprintf(name, sizeof(name), "caml%s__frametable", u);
		label(&t, name, false, false);
		put(&t, "\t.8byte 0\n");
	}
	res = arena_strndup(&pl->a->arena, t.buf, t.len);
	free(t.buf);
	return res;
}

/* "path" or "archive(member)", as the map spells an object. */
static const char *object_name(struct arena *ar, const struct build_object *o)
{
	return o->member ? arena_printf(ar, "%s(%s)", o->path, o->member) : o->path;
}

/* Members not stubbed that a stubbed object pulled in: -u keeps them in the link. */
static void plan_forces(struct planner *pl, struct relink_plan *p)
{
	const struct build *b = pl->b;
	struct strset stubbed;
	size_t i;

	strset_init(&stubbed, &pl->a->arena);
	for (i = 0; i < p->n_objects; i++)
		if (p->objects[i].verdict == RELINK_STUB)
			strset_intern(&stubbed, p->objects[i].name);
	p->force = arena_array(&pl->a->arena, b->n_objects + 1, sizeof(*p->force));
	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];
		const char *name = object_name(&pl->a->arena, o);
		const char *sym = o->why_symbol ? o->why_symbol :
				  o->n_defined ? o->defined[0] : NULL;

		if (o->state != LINK_LINKED || !o->member || !o->why_file || !sym ||
		    strset_find(&stubbed, name) != UINT32_MAX ||
		    strset_find(&stubbed, o->why_file) == UINT32_MAX)
			continue;
		p->force[p->n_force++] = sym;
	}
	strset_release(&stubbed);
}

int relink_plan(struct audit *a, const struct build *b, struct relink_plan *p)
{
	struct planner pl = { .a = a, .b = b };
	const struct linkage_facts *lk = &a->facts.linkage;
	size_t i;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	if (a->image.machine == EM_X86_64)
		p->trap = "int3";
	else if (a->image.machine == EM_AARCH64)
		p->trap = "brk #0";
	else
		return diag_err(&a->diag, "relinking %s images is not supported",
				image_machine_name(&a->image, &a->arena));
	if (!a->facts.reach.is_complete || !a->facts.refgraph.first)
		return diag_err(&a->diag, "the image has no code analysis (no symbols?): what "
				"is dead is unknown");
	map_owners(&pl);
	find_outside_uses(&pl);
	read_startup(&pl);
	p->objects = arena_array(&a->arena, b->n_objects + 1, sizeof(*p->objects));
	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];
		struct relink_object *r = &p->objects[p->n_objects];
		bool is_dead;
		uint64_t hd = 0;

		if (o->state != LINK_LINKED || !o->placed_bytes ||
		    (o->path && strstr(o->path, "camlstartup")))
			continue;
		if (o->unit)	/* nothing outside uses it; its initialiser is judged below */
			is_dead = !pl.outside[i];
		else
			is_dead = lk->objects && i < lk->n_objects ? lk->objects[i].is_dead :
				  !node_reached_in(&pl, i);
		if (!is_dead)
			continue;
		*r = (struct relink_object){ .obj = i, .verdict = RELINK_KEEP,
					     .name = object_name(&a->arena, o), .unit = o->unit,
					     .bytes = o->placed_bytes };
		p->n_objects++;
		if (!o->symbols_known)
			r->why = "its symbols are unknown (the object was not read)";
		else if (o->unit)
			r->why = unit_keep_reason(&pl, i);
		else
			r->why = c_keep_reason(&pl, i);
		if (!r->why && o->unit && !module_header(&pl, o->unit, &hd))
			r->why = arena_printf(&a->arena, "its module block caml%s is not in the "
					      "image", o->unit);
		if (r->why)
			continue;
		r->verdict = RELINK_STUB;
		r->asm_text = stub_text(&pl, i, p->trap, hd, &r->n_traps);
		p->n_stubbed++;
		p->stubbed_bytes += o->placed_bytes;
	}
	plan_forces(&pl, p);
	free(pl.owner);
	free(pl.startup);
	strset_release(&pl.startup_refs);
	return rc;
}

/* ---- the before/after table ------------------------------------------------ */

void relink_rows(const struct audit *before, const struct audit *after, struct arena *ar,
		 struct relink_result *r)
{
	size_t k, i;

	for (k = 0; k < sizeof(relink_levels) / sizeof(relink_levels[0]); k++) {
		enum level lv = relink_levels[k];
		const struct size_facts *sb = &before->facts.sizes, *sa = &after->facts.sizes;
		struct strset names;
		struct relink_row *rows;
		size_t n = 0;

		strset_init(&names, ar);
		rows = arena_array(ar, sb->n_rows[lv] + sa->n_rows[lv] + 1, sizeof(*rows));
		for (i = 0; i < sb->n_rows[lv] + sa->n_rows[lv]; i++) {
			bool is_b = i < sb->n_rows[lv];
			const struct size_row *w = is_b ? &sb->rows[lv][i] :
					      &sa->rows[lv][i - sb->n_rows[lv]];
			const char *name = (is_b ? sb : sa)->labels[lv].names[w->label];
			uint32_t id = strset_intern(&names, name);

			if (id == n)
				rows[n++].name = names.names[id];
			if (is_b)
				rows[id].before += w->file_size;
			else
				rows[id].after += w->file_size;
		}
		strset_release(&names);
		r->rows[lv] = rows;
		r->n_rows[lv] = n;
	}
}
