// SPDX-License-Identifier: ISC
/* Attribution: each OCaml unit, symbol and DWARF unit to a module, a library and a component. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

struct ctx {
	struct audit *a;
	const char *libc, *libm;	/* what $libc and $libm stand for in this image */
	const char *libc_comp;		/* the component of $libc rules: NULL keeps the rule's */
	bool is_minios;			/* a Mini-OS based Xen PV kernel: $minios rules apply */
	bool is_unprefixed_stdlib;	/* OCaml < 4.07 (Pervasives, no Stdlib): $stdlib applies */
	struct strset cu_base;		/* basenames of DWARF compile units */
	int32_t *base_cu;		/* basename id -> CU index, -1 when two CUs share it */
	struct strset names;	/* dedups label strings; the strings live in the arena */
	size_t n_unmatched_units;
	const char *first_unmatched;
};

static const char *intern(struct ctx *c, const char *s)
{
	uint32_t id = strset_intern(&c->names, s);	/* may move names[] */

	return c->names.names[id];
}

static bool match(struct ctx *c, enum rule_field f, const char *name, const char **lib,
		  const char **comp)
{
	struct rule_match m;

	if (!c->a->rules || !rules_match(c->a->rules, f, name, &m))
		return false;
	*comp = intern(c, m.rule->component);
	if (!strcmp(m.library, "$libc")) {
		*lib = c->libc;
		if (c->libc_comp)
			*comp = c->libc_comp;
	} else if (!strcmp(m.library, "$libm")) {
		*lib = c->libm;
	} else if (!strcmp(m.library, "$xen")) {
		/* The Xen PV glue: Mini-OS's on a Mini-OS kernel, else Solo5's xen bindings. */
		*lib = intern(c, c->is_minios ? "mini-os" : "solo5-bindings");
	} else if (!strcmp(m.library, "$stdlib")) {
		/* List, Hashtbl, ... are the stdlib's only where it has no Stdlib__ prefix. */
		if (!c->is_unprefixed_stdlib)
			return false;
		*lib = intern(c, "stdlib");
	} else if (!strcmp(m.library, "$minios")) {
		/* Names only Mini-OS's are known to be (stack, printk): elsewhere no rule says. */
		if (!c->is_minios)
			return false;
		*lib = intern(c, "mini-os");
	} else {
		*lib = intern(c, m.library);
	}
	return true;
}

static void classify_units(struct ctx *c)
{
	struct ocaml_facts *of = &c->a->facts.ocaml;
	size_t i;

	/*
	 * Before 4.07 the stdlib's units were Pervasives, List, ...; from 4.07
	 * Stdlib and Stdlib__List. One image links one stdlib, and two units of
	 * one name cannot be linked: in an image with Pervasives and no Stdlib,
	 * a unit named List is the stdlib's (or a user's that replaced it).
	 */
	c->is_unprefixed_stdlib = strset_find(&of->unit_index, "Pervasives") != UINT32_MAX &&
				  strset_find(&of->unit_index, "Stdlib") == UINT32_MAX;
	for (i = 0; i < of->n_units; i++) {
		struct ocaml_unit *u = &of->units[i];
		char lower[256];
		size_t k;

		if (match(c, RULE_UNIT, u->name, &u->library, &u->component))
			continue;
		/*
		 * Not in the rules: an unwrapped library module or application code.
		 * It is OCaml code for certain, so the component is known; the
		 * library is named after the unit and the report says so.
		 */
		for (k = 0; u->name[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)u->name[k]);
		lower[k] = '\0';
		u->library = intern(c, lower);
		u->component = intern(c, "ocaml-library");
		if (!c->n_unmatched_units++)
			c->first_unmatched = u->name;
	}
	if (c->n_unmatched_units)
		diag_note(&c->a->diag, "%zu OCaml unit(s) not in the attribution rules (first: '%s'): "
			  "counted as OCaml libraries named after the unit; add rules with --rules",
			  c->n_unmatched_units, c->first_unmatched);
}

/* The unit whose code or data range holds ADDR, or -1. */
static int32_t unit_at(const struct ocaml_facts *of, uint64_t addr)
{
	ptrdiff_t k = claims_find(&of->ranges, addr);

	return k >= 0 ? of->ranges.v[k].id : -1;
}

/*
 * Unit of an OCaml symbol outside every range (caml<U>__frametable sits after
 * data_end): the longest known unit U such that the name is caml<U><sep>...
 */
static int32_t unit_by_name(const struct ocaml_facts *of, const char *name)
{
	char buf[4096];
	size_t len = strlen(name), p;
	int32_t best = -1;

	if (!of->n_units || len < 6 || len >= sizeof(buf) || strncmp(name, "caml", 4))
		return -1;
	memcpy(buf, name, len + 1);
	for (p = 5; p < len; p++) {
		uint32_t id;
		char save;

		if (!(name[p] == '.' || (name[p] == '_' && name[p + 1] == '_')))
			continue;
		save = buf[p];
		buf[p] = '\0';
		id = strset_find(&of->unit_index, buf + 4);
		buf[p] = save;
		if (id != UINT32_MAX)
			best = (int32_t)id;
	}
	return best;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void classify_cus(struct ctx *c)
{
	struct attribution_facts *af = &c->a->facts.attribution;
	const struct image *img = &c->a->image;
	size_t i, j;

	if (!img->n_cus)
		return;
	af->cu_library = arena_array(&c->a->arena, img->n_cus, sizeof(*af->cu_library));
	af->cu_component = arena_array(&c->a->arena, img->n_cus, sizeof(*af->cu_component));
	for (i = 0; i < img->n_cus; i++) {
		match(c, RULE_FILE, img->cus[i].name, &af->cu_library[i], &af->cu_component[i]);
		for (j = 0; j < img->cus[i].n_ranges; j++)
			claims_add(&af->cu_ranges, img->cus[i].ranges[j].lo, img->cus[i].ranges[j].hi,
				   (int32_t)i);
	}
	claims_settle(&af->cu_ranges, NULL, NULL);
	/*
	 * A local symbol's STT_FILE entry names its object's source by basename
	 * ("hello.c"), the compile unit by path: one CU with that basename is the
	 * same object.
	 */
	c->base_cu = arena_array(&c->a->arena, img->n_cus, sizeof(*c->base_cu));
	for (i = 0; i < img->n_cus; i++) {
		uint32_t n = c->cu_base.n, id = strset_intern(&c->cu_base, basename_of(img->cus[i].name));

		c->base_cu[id] = c->cu_base.n > n ? (int32_t)i : -1;
	}
}

static int32_t cu_at(const struct attribution_facts *af, uint64_t addr)
{
	ptrdiff_t k = claims_find(&af->cu_ranges, addr);

	return k >= 0 ? af->cu_ranges.v[k].id : -1;
}

/*
 * ELF mapping symbols of AArch64 and ARM ($x code, $d data, $a, $t, with an
 * optional ".suffix") mark where an object's code or data starts: they are
 * not names, so no symbol rule applies; their STT_FILE entry says whose.
 */
static bool is_mapping_symbol(const char *n)
{
	return n[0] == '$' && n[1] && strchr("xdat", n[1]) && (!n[2] || n[2] == '.');
}

/* The compile unit of a local symbol's STT_FILE name, or -1 (none, or two share it). */
static int32_t cu_of_file(struct ctx *c, const char *file)
{
	uint32_t id;

	if (!c->base_cu)
		return -1;
	id = strset_find(&c->cu_base, basename_of(file));
	return id == UINT32_MAX ? -1 : c->base_cu[id];
}

static void classify_symbol(struct ctx *c, size_t i)
{
	struct audit *a = c->a;
	struct attribution_facts *af = &a->facts.attribution;
	const struct ocaml_facts *of = &a->facts.ocaml;
	const struct image *img = &a->image;
	const struct image_symbol *s = &img->symbols[i];
	const struct image_section *sec = s->section >= 0 ? &img->sections[s->section] : NULL;
	int32_t u = -1, cu = -1;
	const char *lib = NULL, *comp = NULL;

	if (sec && (sec->flags & IMG_SHF_ALLOC) && !(sec->flags & IMG_SHF_TLS))
		u = unit_at(of, s->value);
	if (u < 0 && s->name[0] == 'c')
		u = unit_by_name(of, s->name);
	af->sym_unit[i] = u;
	if (u >= 0) {
		af->sym_library[i] = of->units[u].library;
		af->sym_component[i] = of->units[u].component;
		af->sym_module[i] = of->units[u].name;
		return;
	}
	if (sec && (sec->flags & IMG_SHF_ALLOC))
		cu = cu_at(af, s->value);
	if (cu < 0 && s->file)
		cu = cu_of_file(c, s->file);
	if (!(!is_mapping_symbol(s->name) && match(c, RULE_SYMBOL, s->name, &lib, &comp)) &&
	    !(s->file && match(c, RULE_FILE, s->file, &lib, &comp)) &&
	    !(cu >= 0 && af->cu_library[cu] && (lib = af->cu_library[cu]) &&
	      (comp = af->cu_component[cu])) &&
	    !(sec && match(c, RULE_SECTION, sec->name, &lib, &comp))) {
		lib = intern(c, "[unknown]");
		comp = intern(c, COMPONENT_UNKNOWN);
	}
	af->sym_library[i] = lib;
	af->sym_component[i] = comp;
	if (cu >= 0)
		af->sym_module[i] = intern(c, basename_of(img->cus[cu].name));
	else if (s->file)
		af->sym_module[i] = intern(c, s->file);
	else {
		char buf[300];

		snprintf(buf, sizeof(buf), lib[0] == '[' ? "%s" : "[%s]", lib);
		af->sym_module[i] = intern(c, buf);
	}
}

/*
 * Static linking lays each archive member out contiguously, and archives in
 * link order: a C symbol that no rule names, lying between two symbols of
 * the same library in the same section, belongs to that library (a static
 * function or table of glibc between two glibc functions). Then the local
 * symbols under one STT_FILE come from one object: where the attributed ones
 * agree, the rest follow. Both are inferences, counted in a note.
 */
static void infer_from_layout(struct ctx *c)
{
	struct audit *a = c->a;
	struct attribution_facts *af = &a->facts.attribution;
	const struct image *img = &a->image;
	const char *unknown = intern(c, "[unknown]");
	size_t n = img->n_symbols, i, n_inferred = 0;
	int32_t *prev = xcalloc(n + 1, sizeof(*prev)), *next = xcalloc(n + 1, sizeof(*next));
	int32_t last = -1;
	struct strset files;
	const char **file_lib, **file_comp;

	for (i = 0; i < n; i++) {
		const struct image_symbol *s = &img->symbols[i];

		if (last >= 0 && img->symbols[last].section != s->section)
			last = -1;
		prev[i] = last;
		if (s->section >= 0 && af->sym_library[i] != unknown)
			last = (int32_t)i;
	}
	for (i = n, last = -1; i-- > 0;) {
		const struct image_symbol *s = &img->symbols[i];

		if (last >= 0 && img->symbols[last].section != s->section)
			last = -1;
		next[i] = last;
		if (s->section >= 0 && af->sym_library[i] != unknown)
			last = (int32_t)i;
	}
	for (i = 0; i < n; i++) {
		if (af->sym_library[i] != unknown || prev[i] < 0 || next[i] < 0 ||
		    af->sym_library[prev[i]] != af->sym_library[next[i]])
			continue;
		af->sym_library[i] = af->sym_library[prev[i]];
		af->sym_component[i] = af->sym_component[prev[i]];
		n_inferred++;
	}
	free(prev);
	free(next);
	/* STT_FILE groups: one library per object file when its known symbols agree. */
	strset_init(&files, &a->arena);
	file_lib = xcalloc(n + 1, sizeof(*file_lib));
	file_comp = xcalloc(n + 1, sizeof(*file_comp));
	for (i = 0; i < n; i++) {
		uint32_t f;

		if (!img->symbols[i].file || af->sym_library[i] == unknown)
			continue;
		f = strset_intern(&files, img->symbols[i].file);
		if (!file_lib[f]) {
			file_lib[f] = af->sym_library[i];
			file_comp[f] = af->sym_component[i];
		} else if (file_lib[f] != af->sym_library[i]) {
			file_lib[f] = unknown;	/* disagreement: no inference */
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t f;

		if (!img->symbols[i].file || af->sym_library[i] != unknown)
			continue;
		f = strset_find(&files, img->symbols[i].file);
		if (f == UINT32_MAX || !file_lib[f] || file_lib[f] == unknown)
			continue;
		af->sym_library[i] = file_lib[f];
		af->sym_component[i] = file_comp[f];
		n_inferred++;
	}
	strset_release(&files);
	free(file_lib);
	free(file_comp);
	if (n_inferred)
		diag_note(&a->diag, "%zu C symbol(s) attributed from their neighbours in the static "
			  "link layout or from their object file (no rule names them)", n_inferred);
}

static bool has_symbol(const struct image *img, const char *name)
{
	return image_find_symbol(img, name) != NULL;
}

/*
 * Which C library (and libm) the image links, from symbols only these
 * carry; the rules say $libc and $libm, and this names them.
 */
static void detect_libc(struct ctx *c)
{
	const struct image *img = &c->a->image;
	const char *target = c->a->facts.platform.target;
	const struct platform_facts *pf = &c->a->facts.platform;
	bool start = has_symbol(img, "__libc_start_main");

	c->is_minios = (target && !strcmp(target, "xen-pv")) ||
		       (pf->xen_guest_os && (!strncmp(pf->xen_guest_os, "Mini-OS", 7) ||
					     !strncmp(pf->xen_guest_os, "Mirage", 6)));

	if (start && (has_symbol(img, "_IO_2_1_stdout_") || has_symbol(img, "__libc_setup_tls") ||
		      has_symbol(img, "_dl_relocate_static_pie"))) {
		c->libc = "glibc";
		c->libm = "glibc-libm";
	} else if (start && has_symbol(img, "__init_libc")) {
		c->libc = "musl";
		c->libm = "musl";
	} else if (has_symbol(img, "__dietlibc_errno") || has_symbol(img, "__dietlibc_unlink")) {
		c->libc = "dietlibc";
		c->libm = "openlibm";
	} else if (c->is_minios) {
		/* Mini-OS's lib/ (printf.c, string.c): part of the platform kernel. */
		c->libc = "mini-os";
		c->libm = "openlibm";
		c->libc_comp = intern(c, "platform");
	} else if (has_symbol(img, "solo5_app_main") || (target && strcmp(target, "linux") &&
							strcmp(target, "unknown"))) {
		c->libc = "nolibc";
		c->libm = "openlibm";
	} else {
		c->libc = "libc";
		c->libm = "libm";
	}
	c->libc = intern(c, c->libc);
	c->libm = intern(c, c->libm);
}

static int attribution_run(struct audit *a)
{
	struct attribution_facts *af = &a->facts.attribution;
	size_t n = a->image.n_symbols, i;
	struct ctx c = { .a = a };

	strset_init(&c.names, &a->arena);
	strset_init(&c.cu_base, &a->arena);
	detect_libc(&c);
	classify_units(&c);
	classify_cus(&c);
	af->sym_unit = arena_array(&a->arena, n, sizeof(*af->sym_unit));
	af->sym_library = arena_array(&a->arena, n, sizeof(*af->sym_library));
	af->sym_component = arena_array(&a->arena, n, sizeof(*af->sym_component));
	af->sym_module = arena_array(&a->arena, n, sizeof(*af->sym_module));
	af->libc = c.libc;
	af->libm = c.libm;
	af->sec_library = arena_array(&a->arena, a->image.n_sections + 1, sizeof(*af->sec_library));
	af->sec_component = arena_array(&a->arena, a->image.n_sections + 1,
					sizeof(*af->sec_component));
	for (i = 0; i < a->image.n_sections; i++)
		match(&c, RULE_SECTION, a->image.sections[i].name, &af->sec_library[i],
		      &af->sec_component[i]);
	for (i = 0; i < n; i++)
		classify_symbol(&c, i);
	infer_from_layout(&c);
	strset_release(&c.names);
	strset_release(&c.cu_base);
	af->is_done = true;
	return 0;
}

const struct analyzer analyzer_attribution = {
	.name = "attribution",
	.id = AN_ATTRIBUTION,
	.needs = AN_BIT(AN_OCAML) | AN_BIT(AN_PLATFORM),
	.run = attribution_run,
};
