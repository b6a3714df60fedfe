// SPDX-License-Identifier: ISC
/*
 * The certificate checker: re-checks a --certificate against the image from the layout, the
 * reference graph and attribution (a node's OCaml unit), never analyzers/reach.c, so that a bug
 * there cannot vouch for itself. Its own reading of the certificate uses jansson: the one
 * exception to the house rule that <jansson.h> stays in reports/. Facilities are recomputed
 * from the certificate's catalogue lines in certificate order (first match wins, as in the
 * catalogue unless a user one interleaved two facilities' match lines that match one name).
 * Minimality is not checked: a larger reachable set is still sound.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/catalogue.h"
#include "audit/gates/verify.h"
#include "audit/core/readfile.h"
#include "audit/core/vocab.h"
#include "audit/core/xalloc.h"

struct range { uint64_t lo, hi; };
struct rset { struct range *v; size_t n; };

struct vctx {
	const char *path, *precision, *sha256;
	struct rset r, t;		/* reachable, retained: [lo, hi), sorted and merged */
	uint64_t *roots;
	size_t n_roots, n_ranges, n_fac;
	struct {
		const char *name;	/* borrowed from the document */
		enum verdict verdict;
	} *fac;
	const struct audit *a;
	uint8_t *meta, *escaped;	/* per node: OCaml metadata table; block used as a whole */
	uint64_t *keys;			/* block << 32 | offset: fields read */
	size_t n_keys;
	char buf[2][512];		/* node names for messages */
};

/* Ascending uint64_t; struct range too, by lo, its first member. */
static int cmp_u64(const void *x, const void *y)
{
	uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;

	return p < q ? -1 : p > q;
}

static void rset_merge(struct rset *s)
{
	size_t i, k = 0;

	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (i = 0; i < s->n; i++)
		if (k && s->v[i].lo <= s->v[k - 1].hi)
			s->v[k - 1].hi = s->v[i].hi > s->v[k - 1].hi ? s->v[i].hi : s->v[k - 1].hi;
		else
			s->v[k++] = s->v[i];
	s->n = k;
}

/* The last range of S starting at or below X, or -1. */
static ptrdiff_t rset_at(const struct rset *s, uint64_t x)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].lo <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

/* [lo, hi) lies in one range of S. */
static bool covers(const struct rset *s, uint64_t lo, uint64_t hi)
{
	ptrdiff_t k = rset_at(s, lo);

	return k >= 0 && hi <= s->v[k].hi;
}

/* [lo, hi) shares a byte with S (hi == 0: the last byte of the address space). */
static bool overlaps(const struct rset *s, uint64_t lo, uint64_t hi)
{
	ptrdiff_t k = rset_at(s, hi - 1);

	return k >= 0 && s->v[k].hi > lo;
}

static bool parse_hex(const json_t *j, uint64_t *v)
{
	const char *s = json_string_value(j);
	char *end;

	if (!s || strncmp(s, "0x", 2) || !s[2] || !strchr("0123456789abcdefABCDEF", s[2]))
		return false;
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	return !errno && !*end;
}

/* An array of [lo, hi) pairs of hex strings into S, sorted and merged; -1 when malformed. */
static int parse_ranges(const json_t *arr, struct rset *s)
{
	size_t i;

	s->v = xcalloc(json_array_size(arr) + 1, sizeof(*s->v));
	for (i = 0; i < json_array_size(arr); i++, s->n++) {
		const json_t *p = json_array_get(arr, i);

		if (json_array_size(p) != 2 || !parse_hex(json_array_get(p, 0), &s->v[i].lo) ||
		    !parse_hex(json_array_get(p, 1), &s->v[i].hi) || s->v[i].lo >= s->v[i].hi)
			return -1;
	}
	rset_merge(s);
	return json_is_array(arr) ? 0 : -1;
}

/*
 * Whether V claims absence from the reachable set: sealed and dead do; reachable,
 * unknown and inert do not (inert is reached: check_inert re-checks it).
 */
static bool claims(enum verdict v)
{
	return v == VERDICT_SEALED || v == VERDICT_DEAD;
}

static int read_cert(struct vctx *c, const json_t *doc, FILE *catalogue)
{
	const json_t *roots = json_object_get(doc, "roots");
	const json_t *facs = json_object_get(doc, "facilities");
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	size_t i, k;

	c->sha256 = json_string_value(json_object_get(json_object_get(doc, "image"), "sha256"));
	c->precision = json_string_value(json_object_get(doc, "precision"));
	c->n_ranges = json_array_size(json_object_get(doc, "reachable"));
	if (!schema || strcmp(schema, "mirage-audit/certificate") ||
	    json_integer_value(json_object_get(doc, "schema_version")) != 1 || !c->sha256 ||
	    !c->precision || !json_is_array(roots) || !json_is_array(facs) ||
	    parse_ranges(json_object_get(doc, "reachable"), &c->r) < 0 ||
	    parse_ranges(json_object_get(doc, "retained"), &c->t) < 0)
		return -1;
	c->n_roots = json_array_size(roots);
	c->roots = xcalloc(c->n_roots + 1, sizeof(*c->roots));
	for (i = 0; i < c->n_roots; i++)
		if (!parse_hex(json_object_get(json_array_get(roots, i), "address"), &c->roots[i]))
			return -1;
	c->fac = xcalloc(json_array_size(facs) + 1, sizeof(*c->fac));
	for (; c->n_fac < json_array_size(facs); c->n_fac++) {
		const json_t *f = json_array_get(facs, c->n_fac);
		const json_t *pat = json_object_get(f, "patterns");

		c->fac[c->n_fac].name = json_string_value(json_object_get(f, "name"));
		if (!c->fac[c->n_fac].name ||
		    verdict_parse(json_string_value(json_object_get(f, "verdict")),
				  &c->fac[c->n_fac].verdict) < 0 || !json_is_array(pat))
			return -1;
		for (k = 0; k < json_array_size(pat); k++) {
			const char *line = json_string_value(json_array_get(pat, k));

			if (!line || strchr(line, '\n'))
				return -1;
			fprintf(catalogue, "%s\n", line);
		}
	}
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct vctx *c, struct diag *d, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_err(d, "%s: verify: %s", c->path, msg);
	return 1;
}

/* "0x401000 (caml_program)" for node I, in buffer B (0 or 1). */
static const char *node_str(struct vctx *c, size_t i, int b)
{
	char name[400];

	snprintf(c->buf[b], sizeof(c->buf[b]), "0x%" PRIx64 " (%s)", c->a->facts.layout.nodes[i].lo,
		 layout_node_name(c->a, i, name, sizeof(name)));
	return c->buf[b];
}

/* The OCaml runtime's tables: reach.c's list, matched here on its own. */
static bool is_meta(const struct audit *a, const char *n)
{
	static const char *const tables[] = { "caml_globals", "caml_frametable",
		"caml_code_segments", "caml_data_segments", "caml_globals_map" };
	static const char *const suffixes[] = { "frametable", "gc_roots" };
	size_t k, len = strlen(n), u;
	char unit[4096];

	for (k = 0; k < 5; k++)
		if (!strcmp(n, tables[k]))
			return true;
	for (k = 0; k < 2 && !strncmp(n, "caml", 4); k++) {
		u = len - strlen(suffixes[k]);	/* caml<U><sep><suffix>: U is n[4, u - sep) */
		if (len <= 4 + strlen(suffixes[k]) || strcmp(n + u, suffixes[k]))
			continue;
		u -= n[u - 1] == '.' ? 1 : n[u - 1] == '_' && n[u - 2] == '_' ? 2 : u;
		if (u <= 4 || u - 4 >= sizeof(unit))
			continue;
		memcpy(unit, n + 4, u - 4);
		unit[u - 4] = '\0';
		if (!strcmp(unit, "_system") || !strcmp(unit, "_startup") ||
		    strset_find(&a->facts.ocaml.unit_index, unit) != UINT32_MAX)
			return true;
	}
	return false;
}

/* As facilities.c: node I's facility (index into the certificate's) by CAT, or -1. */
static ptrdiff_t facility_of(struct vctx *c, struct catalogue *cat, size_t i)
{
	const struct audit *a = c->a;
	const struct layout_node *n = &a->facts.layout.nodes[i];
	ptrdiff_t u = n->sym >= 0 ? a->facts.attribution.sym_unit[n->sym] : -1, k;
	struct rule_match m;

	if (u < 0 && (k = claims_find(&a->facts.ocaml.ranges, n->lo)) >= 0)
		u = a->facts.ocaml.ranges.v[k].id;
	if (u >= 0 ? !rules_match(&cat->match, RULE_UNIT, a->facts.ocaml.units[u].name, &m) :
	    n->sym < 0 || !rules_match(&cat->match, RULE_SYMBOL, a->image.symbols[n->sym].name, &m))
		return -1;
	for (k = 0; k < (ptrdiff_t)c->n_fac; k++)
		if (!strcmp(c->fac[k].name, m.library))
			return k;
	return -1;
}

/* (b), (c): the precision is known; the roots and the ELF entry are reachable. */
static int check_roots(struct vctx *c, struct diag *d)
{
	const struct audit *a = c->a;
	const struct layout_node *nd = a->facts.layout.nodes;
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t nn = a->facts.layout.n_nodes, i;
	ptrdiff_t f = layout_find(&a->facts.layout, a->image.entry);
	enum precision p;

	if (precision_parse(c->precision, &p) < 0)
		return fail(c, d, "unknown precision '%s'", c->precision);
	for (i = 0; i < c->n_roots; i++)
		if (!overlaps(&c->r, c->roots[i], c->roots[i] + 1))
			return fail(c, d, "root 0x%" PRIx64 " is not in the reachable set",
				    c->roots[i]);
	if (f >= 0 && !covers(&c->r, nd[f].lo, nd[f].hi))
		return fail(c, d, "ELF entry point %s is not in the reachable set",
			    node_str(c, f, 0));
	for (i = 0; i < nn && !g->has_code_analysis; i++)
		if (!covers(&c->r, nd[i].lo, nd[i].hi))
			return fail(c, d, "%s is not in the reachable set, but this machine has no "
				    "code analysis (every byte is kept alive)", node_str(c, i, 0));
	return 0;
}

/* (d): the reachable set is closed under the edges reach.c follows, the retained set too. */
static int check_closure(struct vctx *c, struct diag *d)
{
	const struct audit *a = c->a;
	const struct layout_node *nd = a->facts.layout.nodes;
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t nn = a->facts.layout.n_nodes, i, e;
	enum precision p;
	bool ocaml = !precision_parse(c->precision, &p) && p == PRECISION_OCAML;
	uint64_t key;

	c->meta = xcalloc(nn + 1, 1);
	c->escaped = xcalloc(nn + 1, 1);
	c->keys = xcalloc(g->n_edges + 1, sizeof(*c->keys));
	for (i = 0; i < nn; i++)
		c->meta[i] = ocaml && nd[i].sym >= 0 &&
			     is_meta(a, a->image.symbols[nd[i].sym].name);
	/* Fields reachable code reads, blocks it uses otherwise; metadata tables are no use. */
	for (i = 0; ocaml && i < nn; i++)
		for (e = g->first[i]; !c->meta[i] && overlaps(&c->r, nd[i].lo, nd[i].hi) &&
				      e < g->first[i + 1]; e++)
			if (g->edges[e].kind == EDGE_FIELD_LOAD)
				c->keys[c->n_keys++] = (uint64_t)g->edges[e].dst << 32 |
						       g->edges[e].off;
			else if (g->edges[e].kind < EDGE_FIELD)
				c->escaped[g->edges[e].dst] = 1;
	if (c->n_keys)
		qsort(c->keys, c->n_keys, sizeof(*c->keys), cmp_u64);
	for (i = 0; i < nn; i++) {
		bool in_r = overlaps(&c->r, nd[i].lo, nd[i].hi), used = in_r && !c->meta[i];

		if (!in_r && !overlaps(&c->t, nd[i].lo, nd[i].hi))
			continue;
		for (e = g->first[i]; e < g->first[i + 1]; e++) {
			const struct ref_edge *x = &g->edges[e];
			const struct layout_node *to = &nd[x->dst];

			key = (uint64_t)x->aux << 32 | x->off;
			if (used && ocaml && x->kind == EDGE_FIELD && !c->escaped[x->aux] &&
			    !bsearch(&key, c->keys, c->n_keys, sizeof(*c->keys), cmp_u64))
				continue;	/* a store into a field nothing reachable reads */
			if (covers(&c->r, to->lo, to->hi))
				continue;
			/* Metadata and retained data: read by the runtime, which runs no code. */
			if (!used && ((to->flags & NODE_EXEC) || covers(&c->t, to->lo, to->hi)))
				continue;
			return fail(c, d, "%s edge at 0x%" PRIx64 " from %s %s to %s leaves the "
				    "reachable%s set", edge_kind_name(x->kind), x->at,
				    used ? "reachable" : in_r ? "OCaml metadata" : "retained",
				    node_str(c, i, 0), node_str(c, x->dst, 1),
				    used ? "" : " and retained");
		}
	}
	return 0;
}

/*
 * (e'): the near-miss guard of facilities.c, on its own: nothing certified
 * sealed has a unit, or a symbol outside every unit, that shares one of its
 * near tokens and matches no pattern (docs/facilities.md, "Near misses").
 */
static int check_near(struct vctx *c, struct catalogue *cat, struct diag *d)
{
	const struct audit *a = c->a;
	const struct ocaml_facts *of = &a->facts.ocaml;
	const int32_t *sym_unit = a->facts.attribution.sym_unit;
	bool *want = xcalloc(cat->n + 1, sizeof(*want)), any = false;
	size_t *hit = xcalloc(cat->n + 1, sizeof(*hit)), i, k;
	const char *what = NULL, *name = NULL;
	struct rule_match m;

	for (k = 0; k < cat->n; k++)
		for (i = 0; i < c->n_fac; i++)
			if (!strcmp(c->fac[i].name, cat->v[k].name) &&
			    c->fac[i].verdict == VERDICT_SEALED)
				any = want[k] = true;
	for (i = 0; any && !name && i < of->n_units; i++)
		if (!rules_match(&cat->match, RULE_UNIT, of->units[i].name, &m) &&
		    catalogue_near_hits(cat, RULE_UNIT, of->units[i].name, want, hit, 1))
			what = "unit", name = of->units[i].name;
	for (i = 0; any && !name && i < a->image.n_symbols; i++) {
		const struct image_symbol *s = &a->image.symbols[i];

		if (s->section < 0 || !s->name[0] || (sym_unit && sym_unit[i] >= 0) ||
		    claims_find(&of->ranges, s->value) >= 0 ||
		    rules_match(&cat->match, RULE_SYMBOL, s->name, &m))
			continue;
		if (catalogue_near_hits(cat, RULE_SYMBOL, s->name, want, hit, 1))
			what = "symbol", name = s->name;
	}
	k = hit[0];
	free(want);
	free(hit);
	if (name)
		return fail(c, d, "facility '%s' is certified sealed but %s '%s' shares a name "
			    "token with it and matches no pattern", cat->v[k].name, what, name);
	return 0;
}

/* (e): nothing certified sealed or dead is reachable; nothing certified sealed is there. */
static int check_facilities(struct vctx *c, struct catalogue *cat, struct diag *d)
{
	const struct audit *a = c->a;
	const struct layout_node *nd = a->facts.layout.nodes;
	size_t i, k;
	ptrdiff_t f;

	/* Without symbols no pattern can match: absence proves nothing (facilities.c). */
	for (k = 0; k < c->n_fac && !a->image.n_symbols; k++)
		if (c->fac[k].verdict == VERDICT_SEALED)
			return fail(c, d, "facility '%s' is certified sealed but the image has no "
				    "symbol table to check it against", c->fac[k].name);
	for (i = 0; i < a->facts.layout.n_nodes; i++) {
		if ((f = facility_of(c, cat, i)) < 0 || !claims(c->fac[f].verdict))
			continue;
		if (c->fac[f].verdict == VERDICT_SEALED || overlaps(&c->r, nd[i].lo, nd[i].hi))
			return fail(c, d, "facility '%s' is certified %s but %s matches its "
				    "patterns%s",
				    c->fac[f].name, verdict_name(c->fac[f].verdict),
				    node_str(c, i, 0),
				    c->fac[f].verdict != VERDICT_SEALED ? " and is reachable" : "");
	}
	return check_near(c, cat, d);
}

/* For facilities_wrapper: node's membership in facility ctx->k and whether it is a stub. */
struct vwrap {
	struct vctx *c;
	struct catalogue *cat;
	ptrdiff_t f;
};

static int vfac_stub(const struct audit *a, uint32_t node, void *ctx)
{
	struct vwrap *w = ctx;
	char why[256];

	if (facility_of(w->c, w->cat, node) != w->f)
		return -1;
	return facilities_stub(a, node, why, sizeof(why)) >= 0;
}

/*
 * (f): a facility certified inert is inert on this image: one of the
 * certificate's platform rules for it names the image's target (platform.c's
 * own reading), no symbol of its inert-unless lines is defined, and every node
 * of it in the reachable set is a stub by its code (facilities_stub over
 * refgraph_shape: the same recogniser, re-run on the image, not the
 * certificate's list of stubs).
 */
static int check_inert(struct vctx *c, struct catalogue *cat, struct diag *d)
{
	const struct audit *a = c->a;
	const struct layout_node *nd = a->facts.layout.nodes;
	const char *target = a->facts.platform.target ? a->facts.platform.target : "unknown";
	char why[512], sym[256];
	size_t k, i;
	ptrdiff_t f;
	struct vwrap w = { c, cat, -1 };

	for (k = 0; k < c->n_fac; k++) {
		bool has_rule = false;

		if (c->fac[k].verdict != VERDICT_INERT)
			continue;
		if (!a->facts.refgraph.has_code_analysis)
			return fail(c, d, "facility '%s' is certified inert but this machine "
				    "has no code analysis to recognise stubs", c->fac[k].name);
		for (i = 0; i < cat->n_inert; i++) {
			const struct catalogue_inert *r = &cat->inert[i];
			const char *p = r->symbols;

			if (strcmp(r->facility, c->fac[k].name) ||
			    !catalogue_list_has(r->targets, target))
				continue;
			has_rule |= !p;
			while (p && *p) {
				size_t n = strcspn(p, ",");

				if (n < sizeof(sym)) {
					memcpy(sym, p, n);
					sym[n] = '\0';
					if (image_find_symbol(&a->image, sym))
						return fail(c, d, "facility '%s' is certified "
							    "inert but '%s' is linked: %s",
							    c->fac[k].name, sym, r->text);
				}
				p += n + (p[n] == ',');
			}
		}
		if (!has_rule)
			return fail(c, d, "facility '%s' is certified inert but no platform rule "
				    "of the certificate names target '%s'", c->fac[k].name, target);
	}
	for (i = 0; i < a->facts.layout.n_nodes; i++) {
		if ((f = facility_of(c, cat, i)) < 0 || c->fac[f].verdict != VERDICT_INERT ||
		    !overlaps(&c->r, nd[i].lo, nd[i].hi))
			continue;
		w.f = f;
		if (facilities_stub(a, (uint32_t)i, why, sizeof(why)) < 0 &&
		    facilities_wrapper(a, (uint32_t)i, vfac_stub, &w, why, sizeof(why)) < 0)
			return fail(c, d, "facility '%s' is certified inert but %s is reachable "
				    "and not a stub: it %s", c->fac[f].name, node_str(c, i, 0),
				    why);
	}
	return 0;
}

int verify_certificate(const char *image, const char *cert, struct verify_counts *n,
		       struct diag *d)
{
	struct vctx c = { .path = cert };
	struct rules rules;
	struct catalogue cat;
	struct audit *a = xcalloc(1, sizeof(*a));
	json_error_t jerr;
	json_t *doc = NULL;
	char *lines = NULL, *text;
	size_t len = 0, n_text;
	FILE *m = open_memstream(&lines, &len);
	int rc = -1, bad;

	if (!m)
		xoom();
	rules_init(&rules);
	catalogue_init(&cat);
	audit_init(a, &rules);
	if (read_bounded(cert, "certificate", INPUT_MAX_REPORT, &text, &n_text, d) == 0) {
		doc = json_loadb(text, n_text, JSON_REJECT_DUPLICATES, &jerr);
		free(text);
		if (!doc)
			diag_err(d, "%s: cannot read certificate: %s", cert, jerr.text);
	}
	bad = !doc || read_cert(&c, doc, m) < 0;
	if (fclose(m) != 0 || !lines)
		xoom();
	if (doc && bad)
		diag_err(d, "%s: malformed certificate: a key of schema mirage-audit/certificate "
			 "version 1 is missing or has the wrong type", cert);
	if (bad || catalogue_parse(&cat, lines, cert, d) < 0 ||
	    catalogue_add_default_near(&cat, d) < 0 ||
	    rules_parse(&rules, rules_default_text, "built-in attribution.rules", d) < 0)
		goto out;
	if (image_load(&a->image, image, &a->arena, &a->diag) < 0)
		diag_err(d, "%s: %s", image, a->diag.error ? a->diag.error : "unknown error");
	else if (!a->image.sha256[0] || strcmp(c.sha256, a->image.sha256))
		rc = fail(&c, d, "sha256 %s is not the image's (%s)", c.sha256, a->image.sha256);
	else if (analyzers_run(a, AN_BIT(AN_LAYOUT) | AN_BIT(AN_REFGRAPH) |
			       AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_PLATFORM)) < 0)
		diag_err(d, "%s: %s", image, a->diag.error ? a->diag.error : "unknown error");
	else if (c.a = a, !(rc = check_roots(&c, d)) && !(rc = check_facilities(&c, &cat, d)) &&
		 !(rc = check_inert(&c, &cat, d)) && !(rc = check_closure(&c, d)))
		*n = (struct verify_counts){ c.n_roots, c.n_ranges, c.n_fac };
out:
	free(c.fac);
	free(c.roots);
	free(c.r.v);
	free(c.t.v);
	free(c.meta);
	free(c.escaped);
	free(c.keys);
	free(lines);
	json_decref(doc);
	audit_release(a);
	free(a);
	catalogue_release(&cat);
	rules_release(&rules);
	return rc;
}
