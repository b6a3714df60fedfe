// SPDX-License-Identifier: ISC
/*
 * Facilities and drivers: each catalogue facility gets a verdict, sealed (none
 * of its code or data is in the image), dead (present, unreachable: strippable)
 * or reachable (with the node nearest a root as witness), and the drivers are
 * checked against the devices the Solo5 manifest declares. Policies given on
 * the command line (--forbid, --require-sealed) become findings too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/catalogue.h"
#include "audit/core/vocab.h"
#include "audit/core/xalloc.h"

static void add_finding(struct audit *a, const char *rule, enum severity sev, const char *fac,
			const char *loc, int32_t witness, const char *msg)
{
	struct facility_facts *ff = &a->facts.facilities;
	struct finding *nv = arena_push(&a->arena, ff->findings, ff->n_findings, sizeof(*nv));

	nv[ff->n_findings++] = (struct finding){ rule, sev, fac, loc, msg, witness, NULL };
	ff->findings = nv;
}

/* The facility of node I (index into the catalogue), or -1. */
static ptrdiff_t facility_of(struct audit *a, size_t i, const int32_t *unit_fac)
{
	const struct layout_node *n = &a->facts.layout.nodes[i];
	struct catalogue *cat = a->opt.catalogue;
	const struct attribution_facts *af = &a->facts.attribution;
	struct rule_match m;
	ptrdiff_t u = -1, k;
	size_t first, j;

	if (n->sym >= 0)
		u = af->sym_unit[n->sym];
	if (u < 0 && (k = claims_find(&a->facts.ocaml.ranges, n->lo)) >= 0)
		u = a->facts.ocaml.ranges.v[k].id;
	if (u >= 0)
		return unit_fac[u];
	if (n->sym < 0)
		return -1;
	/* Every name at the node's address counts: glibc's open is __libc_open too. */
	for (first = (size_t)n->sym; first > 0 &&
	     a->image.symbols[first - 1].value == a->image.symbols[n->sym].value; first--)
		;
	for (j = first; j < a->image.n_symbols &&
	     a->image.symbols[j].value == a->image.symbols[n->sym].value; j++) {
		if (a->image.symbols[j].section < 0 ||
		    !rules_match(&cat->match, RULE_SYMBOL, a->image.symbols[j].name, &m))
			continue;
		for (k = 0; k < (ptrdiff_t)cat->n; k++)
			if (!strcmp(cat->v[k].name, m.library))
				return k;
	}
	return -1;
}

/*
 * Called once per OCaml unit, and units are distinct (ocaml.c interns their
 * names): no search for duplicates, which made a facility of N units O(N^2).
 */
static void add_unit(struct audit *a, struct facility *f, const char *unit)
{
	const char **nv;

	nv = arena_push(&a->arena, f->units, f->n_units, sizeof(*nv));
	nv[f->n_units++] = unit;
	f->units = nv;
}

static void add_near(struct audit *a, struct facility *f, const char *name)
{
	const char **nv;
	size_t i;

	for (i = 0; i < f->n_near_misses; i++)
		if (!strcmp(f->near_misses[i], name))
			return;
	if (f->n_near_misses >= FACILITY_MAX_NEAR)
		return;
	nv = arena_push(&a->arena, f->near_misses, f->n_near_misses, sizeof(*nv));
	nv[f->n_near_misses++] = arena_strdup(&a->arena, name);
	f->near_misses = nv;
}

/*
 * The near-miss guard (docs/facilities.md): for each facility with no node,
 * the OCaml units that match no unit pattern and the defined symbols outside
 * every unit that match no symbol pattern, whose names share one of its near
 * tokens. Symbols inside a unit are judged by the unit's name.
 */
static void near_misses(struct audit *a, const int32_t *unit_fac)
{
	struct facility_facts *ff = &a->facts.facilities;
	struct catalogue *cat = a->opt.catalogue;
	const struct ocaml_facts *of = &a->facts.ocaml;
	const int32_t *sym_unit = a->facts.attribution.sym_unit;
	bool *want = xcalloc(ff->n + 1, sizeof(*want)), any = false;
	size_t *hit = xmalloc((ff->n + 1) * sizeof(*hit));
	struct rule_match m;
	size_t i, k, n;

	for (k = 0; k < ff->n; k++)
		any |= want[k] = ff->v[k].verdict == VERDICT_SEALED;
	for (i = 0; any && i < of->n_units; i++) {
		if (unit_fac[i] >= 0 || rules_match(&cat->match, RULE_UNIT, of->units[i].name, &m))
			continue;
		n = catalogue_near_hits(cat, RULE_UNIT, of->units[i].name, want, hit, ff->n);
		for (k = 0; k < n; k++)
			add_near(a, &ff->v[hit[k]], of->units[i].name);
	}
	for (i = 0; any && i < a->image.n_symbols; i++) {
		const struct image_symbol *s = &a->image.symbols[i];

		if (s->section < 0 || !s->name[0] || (sym_unit && sym_unit[i] >= 0) ||
		    claims_find(&of->ranges, s->value) >= 0 ||
		    rules_match(&cat->match, RULE_SYMBOL, s->name, &m))
			continue;
		n = catalogue_near_hits(cat, RULE_SYMBOL, s->name, want, hit, ff->n);
		for (k = 0; k < n; k++)
			add_near(a, &ff->v[hit[k]], s->name);
	}
	free(want);
	free(hit);
}

static const struct facility *by_device(const struct facility_facts *ff, const char *type)
{
	size_t i;

	for (i = 0; i < ff->n; i++)
		if (ff->v[i].device && !strcmp(ff->v[i].device, type))
			return &ff->v[i];
	return NULL;
}

/* Drivers against the devices the manifest declares (Solo5 targets). */
static void check_drivers(struct audit *a)
{
	const struct platform_facts *pf = &a->facts.platform;
	const struct facility_facts *ff = &a->facts.facilities;
	static const char *const types[] = { "NET_BASIC", "BLOCK_BASIC" };
	size_t t, i;

	if (pf->manifest.is_present && !pf->manifest.is_valid)
		add_finding(a, "MA-MFT-001", SEV_ERROR, NULL, "manifest", -1,
			    arena_printf(&a->arena, "invalid Solo5 manifest: %s",
					 pf->manifest.error));
	/*
	 * Xen images declare no devices in the manifest (MirageOS 4 writes an
	 * empty one; devices come from Xenstore at run time): nothing to check.
	 */
	if (!pf->manifest.is_present || !pf->manifest.is_valid ||
	    (pf->target && !strncmp(pf->target, "xen", 3)))
		return;
	for (t = 0; t < 2; t++) {
		const struct facility *f = by_device(ff, types[t]);
		size_t declared = 0;
		const char *first = NULL;

		if (!f)
			continue;
		for (i = 0; i < pf->manifest.n_devices; i++)
			if (!strcmp(pf->manifest.devices[i].type_name, types[t]) && !declared++)
				first = pf->manifest.devices[i].name;
		if (declared && f->verdict == VERDICT_SEALED)
			add_finding(a, "MA-DRV-001", SEV_ERROR, f->name, "manifest", -1,
				    arena_printf(&a->arena, "the manifest declares %s device '%s' but "
						 "no %s code is linked", types[t], first, f->name));
		else if (declared && f->verdict == VERDICT_DEAD)
			add_finding(a, "MA-DRV-003", SEV_WARNING, f->name, "manifest", -1,
				    arena_printf(&a->arena, "the manifest declares %s device '%s' but "
						 "the %s code is never reached: the device is "
						 "declared and unused", types[t], first, f->name));
		else if (!declared && f->verdict == VERDICT_REACHABLE)
			add_finding(a, "MA-DRV-002", SEV_ERROR, f->name, NULL, f->witness,
				    arena_printf(&a->arena, "%s code is reachable but the manifest "
						 "declares no %s device: acquiring it will fail",
						 f->name, types[t]));
		else if (!declared && f->verdict == VERDICT_DEAD)
			add_finding(a, "MA-DRV-004", SEV_NOTE, f->name, NULL, -1,
				    arena_printf(&a->arena, "%s code is linked but never reached and "
						 "no %s device is declared: strippable", f->name,
						 types[t]));
	}
}

static bool listed(const char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

const char *facility_stub_list(const struct audit *a, const struct facility *f, struct arena *ar)
{
	char nm[256];
	const char *s = "";
	size_t i;

	for (i = 0; i < f->n_stubs; i++)
		s = arena_printf(ar, "%s%s%s (%s)", s, i ? ", " : "",
				 layout_node_name(a, f->stubs[i].node, nm, sizeof(nm)),
				 stub_kind_name(f->stubs[i].kind));
	return s;
}

static void check_policy(struct audit *a)
{
	const struct facility_facts *ff = &a->facts.facilities;
	size_t i;

	for (i = 0; i < ff->n; i++) {
		const struct facility *f = &ff->v[i];

		if (!strcmp(f->klass, "forbidden") && f->verdict == VERDICT_REACHABLE)
			add_finding(a, "MA-FAC-001", SEV_WARNING, f->name, NULL, f->witness,
				    arena_printf(&a->arena, "%s is reachable: %s", f->name,
						 f->description));
		else if (!strcmp(f->klass, "forbidden") && f->verdict == VERDICT_DEAD)
			add_finding(a, "MA-FAC-002", SEV_NOTE, f->name, NULL, -1,
				    arena_printf(&a->arena, "%s is linked but never reached "
						 "(strippable): %s", f->name, f->description));
		else if (!strcmp(f->klass, "forbidden") && f->verdict == VERDICT_INERT)
			add_finding(a, "MA-FAC-003", SEV_NOTE, f->name, NULL, f->witness,
				    arena_printf(&a->arena, "%s is reachable but inert on %s "
						 "(stubs: %s): %s", f->name,
						 a->facts.platform.target, facility_stub_list(a, f, &a->arena),
						 f->inert_rule));
		if (listed(a->opt.forbid, a->opt.n_forbid, f->name) &&
		    f->verdict == VERDICT_REACHABLE)
			add_finding(a, "MA-POL-001", SEV_ERROR, f->name, NULL, f->witness,
				    arena_printf(&a->arena, "policy --forbid %s: it is reachable",
						 f->name));
		if (listed(a->opt.require_sealed, a->opt.n_require_sealed, f->name) &&
		    f->verdict != VERDICT_SEALED)
			add_finding(a, "MA-POL-002", SEV_ERROR, f->name, NULL,
				    f->verdict == VERDICT_REACHABLE || f->verdict == VERDICT_INERT ?
				    f->witness : -1,
				    arena_printf(&a->arena, "policy --require-sealed %s: it is %s "
						 "(%llu bytes in the image)", f->name,
						 verdict_name(f->verdict),
						 (unsigned long long)f->bytes));
	}
}

/* ---- inert: reached, but the target's interface cannot perform it ------------ */

/*
 * What a stub may call besides code that never returns: errno's location,
 * and a print (nolibc's stubs warn before they fail or abort). Neither can
 * start a process, open a file or load code.
 */
static const char *const errno_fns[] = {
	"__errno_location", "__errno", "___errno", "__error", "_errno", NULL
};
static const char *const print_fns[] = {
	"printf", "puts", "fputs", "fprintf", "vprintf", "vfprintf", "dprintf", "putchar",
	"fputc", "putc", "perror", "fwrite", "printk", "__printf_chk", "__fprintf_chk",
	"__vfprintf_chk", "_IO_puts", "solo5_console_write", NULL
};

/* One of NODE's names (every symbol at its address) is in NAMES. */
static bool node_named(const struct audit *a, uint32_t node, const char *const *names)
{
	const struct layout_node *n = &a->facts.layout.nodes[node];
	size_t first, j, k;

	if (n->sym < 0)
		return false;
	for (first = (size_t)n->sym; first > 0 &&
	     a->image.symbols[first - 1].value == a->image.symbols[n->sym].value; first--)
		;
	for (j = first; j < a->image.n_symbols &&
	     a->image.symbols[j].value == a->image.symbols[n->sym].value; j++)
		for (k = 0; names[k]; k++)
			if (a->image.symbols[j].section >= 0 &&
			    !strcmp(a->image.symbols[j].name, names[k]))
				return true;
	return false;
}

int facilities_stub(const struct audit *a, uint32_t node, char *why, size_t size)
{
	static const struct {
		uint32_t flag;
		const char *what;
	} bad[] = {
		{ SHAPE_UNDECODED, "has bytes that do not decode" },
		{ SHAPE_TOO_LONG, "is too large for a stub (over 64 instructions or 8 callees)" },
		{ SHAPE_SYSTEM, "has a system or privileged instruction" },
		{ SHAPE_INDIRECT, "has an indirect call or jump" },
		{ SHAPE_UNMODELLED, "has an instruction outside the stub model" },
		{ SHAPE_STORE_OTHER, "stores a value that is not a constant" },
		{ SHAPE_EXIT_OTHER, "leaves other than by a return or a call that never returns" },
		{ SHAPE_RET_VARIES, "returns a value that is not one constant" },
	};
	const uint8_t *nr = a->facts.refgraph.noreturn;
	struct code_shape s;
	char nm[256];
	bool sets_errno;
	size_t k, b;

	if (!(a->facts.layout.nodes[node].flags & NODE_EXEC)) {
		snprintf(why, size, "is data, not code");
		return -1;
	}
	refgraph_shape(a, node, &s);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		if (!(s.flags & bad[k].flag))
			continue;
		for (b = 0; b < SHAPE_N_FLAGS && bad[k].flag != 1u << b; b++)
			;
		snprintf(why, size, "%s (at 0x%llx)", bad[k].what,
			 (unsigned long long)s.flag_at[b]);
		return -1;
	}
	sets_errno = (s.flags & SHAPE_STORE_CONST) != 0;
	for (k = 0; k < s.n_calls; k++) {
		if (nr && nr[s.calls[k]])
			continue;
		if (node_named(a, s.calls[k], errno_fns)) {
			sets_errno = true;
			continue;
		}
		if (node_named(a, s.calls[k], print_fns))
			continue;
		snprintf(why, size, "calls %s, which is no print, no errno location and returns",
			 layout_node_name(a, s.calls[k], nm, sizeof(nm)));
		return -1;
	}
	if (s.flags & SHAPE_RETURNS)
		return sets_errno ? STUB_SETS_ERRNO : STUB_RETURNS_CONST;
	if (s.flags & SHAPE_NORETURN_EXIT)
		return STUB_ABORTS;
	snprintf(why, size, "neither returns nor ends in a call to code that never returns");
	return -1;
}

int facilities_wrapper(const struct audit *a, uint32_t node,
		       int (*fac_stub)(const struct audit *a, uint32_t node, void *ctx), void *ctx,
		       char *why, size_t size)
{
	const struct refgraph_facts *g = &a->facts.refgraph;
	const struct layout_node *n = &a->facts.layout.nodes[node];
	const char *name;
	char nm[256];
	uint64_t at = 0;
	size_t e, n_stubs = 0;
	int rc;

	/*
	 * Only the OCaml runtime's own primitives (runtime/sys.c, unix.c): by the
	 * runtime's source they act on the host only through the libc calls they
	 * make (system, open, stat, ...), which the catalogue lists, so when those
	 * are stubs the primitive cannot act either. Any other C function may do
	 * the work through callees the catalogue does not name.
	 */
	name = n->sym >= 0 ? a->image.symbols[n->sym].name : "";
	if (strncmp(name, "caml_", 5)) {
		snprintf(why, size, "is no OCaml runtime primitive (caml_*) wrapping stubs");
		return -1;
	}
	if ((rc = refgraph_system_insn(a, node, &at)) != 0) {
		if (rc > 0)
			snprintf(why, size, "has a system or privileged instruction (at 0x%llx)",
				 (unsigned long long)at);
		else
			snprintf(why, size, "has bytes that do not decode");
		return -1;
	}
	for (e = g->first[node]; e < g->first[node + 1]; e++) {
		int s = fac_stub(a, g->edges[e].dst, ctx);

		if (s == 0) {
			snprintf(why, size, "refers to %s, of the same facility and no stub",
				 layout_node_name(a, g->edges[e].dst, nm, sizeof(nm)));
			return -1;
		}
		n_stubs += s > 0;
	}
	if (!n_stubs) {
		snprintf(why, size, "is too large for a stub and wraps none");
		return -1;
	}
	return 0;
}

/* Membership and stubs of facility CTX for facilities_wrapper (nodes sorted by index). */
static int fac_stub(const struct audit *a, uint32_t node, void *ctx)
{
	const struct facility *f = ctx;
	size_t lo = 0, hi = f->n_nodes;
	char why[256];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->nodes[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == f->n_nodes || f->nodes[lo] != node)
		return -1;
	return facilities_stub(a, node, why, sizeof(why)) >= 0;
}

/* The inert-unless symbol of a rule for F on TARGET that the image defines, or NULL. */
static const char *inert_withdrawn(struct audit *a, const struct facility *f,
				   const char *target, const char **why)
{
	const struct catalogue *cat = a->opt.catalogue;
	char sym[256];
	size_t i;

	for (i = 0; i < cat->n_inert; i++) {
		const struct catalogue_inert *r = &cat->inert[i];
		const char *p = r->symbols;

		if (!p || strcmp(r->facility, f->name) || !catalogue_list_has(r->targets, target))
			continue;
		while (*p) {
			size_t n = strcspn(p, ",");

			if (n < sizeof(sym)) {
				memcpy(sym, p, n);
				sym[n] = '\0';
				if (image_find_symbol(&a->image, sym)) {
					*why = r->text;
					return arena_strdup(&a->arena, sym);
				}
			}
			p += n + (p[n] == ',');
		}
	}
	return NULL;
}

/*
 * A reached forbidden facility is inert when the catalogue has a platform
 * rule for it on this target, no symbol that withdraws the rule is linked,
 * and every reached node of it is a stub by its code (facilities_stub).
 * Anything else keeps `reachable`, with what prevented inert as evidence.
 * Without code analysis nothing is called inert: no node could be shown a stub.
 */
static void inert_verdicts(struct audit *a)
{
	const struct catalogue *cat = a->opt.catalogue;
	const char *target = a->facts.platform.target;
	struct facility_facts *ff = &a->facts.facilities;
	char why[512], why2[512], nm[256];
	size_t k, i, j;

	if (!target || !a->facts.refgraph.has_code_analysis || !a->facts.reach.is_complete)
		return;
	for (k = 0; k < ff->n; k++) {
		struct facility *f = &ff->v[k];
		const char *rule = NULL, *sym, *unless = NULL;

		if (f->verdict != VERDICT_REACHABLE)
			continue;
		for (i = 0; i < cat->n_inert && !rule; i++)
			if (!cat->inert[i].symbols && !strcmp(cat->inert[i].facility, f->name) &&
			    catalogue_list_has(cat->inert[i].targets, target))
				rule = cat->inert[i].text;
		if (!rule)
			continue;
		f->inert_rule = arena_strdup(&a->arena, rule);
		f->blocker = -1;
		if ((sym = inert_withdrawn(a, f, target, &unless))) {
			f->not_inert = arena_printf(&a->arena, "'%s' is linked: %s", sym, unless);
			continue;
		}
		f->stubs = arena_array(&a->arena, f->n_nodes + 1, sizeof(*f->stubs));
		for (i = 0; i < f->n_nodes && !f->not_inert; i++) {
			uint32_t n = f->nodes[i];
			int kind;

			if (a->facts.reach.reached[n] != REACH_USED)
				continue;
			if ((kind = facilities_stub(a, n, why, sizeof(why))) < 0 &&
			    facilities_wrapper(a, n, fac_stub, f, why2, sizeof(why2)) == 0)
				kind = STUB_WRAPS;
			if (kind < 0) {
				f->blocker = (int32_t)n;
				f->not_inert = arena_printf(&a->arena, "%s is not a stub: it %s; "
							    "nor a wrapper of stubs: it %s",
							    layout_node_name(a, n, nm, sizeof(nm)),
							    why, why2);
			} else {
				j = f->n_stubs++;
				f->stubs[j] = (struct facility_stub){ n, (enum stub_kind)kind };
			}
		}
		if (f->not_inert) {
			f->n_stubs = 0;
			continue;
		}
		f->verdict = VERDICT_INERT;
	}
}

static int facilities_run(struct audit *a)
{
	struct facility_facts *ff = &a->facts.facilities;
	const struct catalogue *cat = a->opt.catalogue;
	const struct layout_facts *l = &a->facts.layout;
	const struct reach_facts *rf = &a->facts.reach;
	const struct ocaml_facts *of = &a->facts.ocaml;
	int32_t *unit_fac, *node_fac;
	size_t i, k;

	if (!cat)
		return diag_err(&a->diag, "no facility catalogue");
	for (i = 0; i < a->opt.n_forbid; i++)
		if (!catalogue_find(cat, a->opt.forbid[i]))
			return diag_err(&a->diag, "--forbid '%s': no such facility in the catalogue",
					a->opt.forbid[i]);
	for (i = 0; i < a->opt.n_require_sealed; i++)
		if (!catalogue_find(cat, a->opt.require_sealed[i]))
			return diag_err(&a->diag, "--require-sealed '%s': no such facility in the "
					"catalogue", a->opt.require_sealed[i]);
	ff->n = cat->n;
	ff->v = arena_array(&a->arena, cat->n + 1, sizeof(*ff->v));
	for (i = 0; i < cat->n; i++) {
		ff->v[i].name = arena_strdup(&a->arena, cat->v[i].name);
		ff->v[i].klass = arena_strdup(&a->arena, cat->v[i].klass);
		ff->v[i].device = cat->v[i].device ? arena_strdup(&a->arena, cat->v[i].device) : NULL;
		ff->v[i].description = arena_strdup(&a->arena, cat->v[i].description);
		ff->v[i].witness = -1;
		ff->v[i].blocker = -1;
	}
	unit_fac = arena_array(&a->arena, of->n_units + 1, sizeof(*unit_fac));
	for (i = 0; i < of->n_units; i++) {
		struct rule_match m;

		unit_fac[i] = -1;
		if (!rules_match((struct rules *)&cat->match, RULE_UNIT, of->units[i].name, &m))
			continue;
		for (k = 0; k < cat->n; k++)
			if (!strcmp(cat->v[k].name, m.library))
				unit_fac[i] = (int32_t)k;
		if (unit_fac[i] >= 0)
			add_unit(a, &ff->v[unit_fac[i]], of->units[i].name);
	}
	node_fac = xmalloc((l->n_nodes + 1) * sizeof(*node_fac));
	for (i = 0; i < l->n_nodes; i++) {
		ptrdiff_t f = facility_of(a, i, unit_fac);

		node_fac[i] = (int32_t)f;
		if (f >= 0)
			ff->v[f].n_nodes++;
	}
	for (k = 0; k < ff->n; k++)
		ff->v[k].nodes = arena_array(&a->arena, ff->v[k].n_nodes + 1, sizeof(uint32_t));
	for (k = 0; k < ff->n; k++)
		ff->v[k].n_nodes = 0;
	for (i = 0; i < l->n_nodes; i++) {
		struct facility *f;
		uint64_t sz = l->nodes[i].hi - l->nodes[i].lo;

		if (node_fac[i] < 0)
			continue;
		f = &ff->v[node_fac[i]];
		f->nodes[f->n_nodes++] = (uint32_t)i;
		f->bytes += sz;
		if (rf->reached[i] == REACH_USED) {
			f->reachable_bytes += sz;
			if (f->witness < 0 || rf->depth[i] < rf->depth[f->witness])
				f->witness = (int32_t)i;
		} else {
			f->dead_bytes += sz;
		}
	}
	free(node_fac);
	for (k = 0; k < ff->n; k++) {
		struct facility *f = &ff->v[k];

		f->verdict = !f->n_nodes ? VERDICT_SEALED :
			     f->witness >= 0 ? VERDICT_REACHABLE : VERDICT_DEAD;
		/* Without code analysis nothing is dead: present means reachable. */
		if (!rf->is_complete && f->n_nodes) {
			f->verdict = VERDICT_REACHABLE;
			f->witness = (int32_t)f->nodes[0];
		}
		/* No symbols, no units: absence proves nothing, so nothing is called sealed. */
		if (!a->image.n_symbols && f->verdict == VERDICT_SEALED)
			f->verdict = VERDICT_UNKNOWN;
	}
	near_misses(a, unit_fac);
	for (k = 0; k < ff->n; k++) {
		struct facility *f = &ff->v[k];

		if (f->verdict != VERDICT_SEALED || !f->n_near_misses)
			continue;
		f->verdict = VERDICT_UNKNOWN;
		diag_note(&a->diag, "facility '%s' matches nothing, but '%s'%s shares a name token "
			  "with it and matches no pattern: not called sealed (verdict unknown; a "
			  "catalogue match line can say whose it is)", f->name, f->near_misses[0],
			  f->n_near_misses > 1 ? " (and others)" : "");
	}
	if (!a->image.n_symbols)
		diag_note(&a->diag, "no symbol table: facilities cannot be matched, so none is "
			  "called sealed (verdict unknown)");
	inert_verdicts(a);
	check_drivers(a);
	check_policy(a);
	ff->is_done = true;
	return 0;
}

const struct analyzer analyzer_facilities = {
	.name = "facilities",
	.id = AN_FACILITIES,
	.needs = AN_BIT(AN_REACH) | AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_PLATFORM),
	.run = facilities_run,
};
