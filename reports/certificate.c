// SPDX-License-Identifier: ISC
/*
 * The reachability certificate (--certificate FILE): what the analysis
 * concluded, in a form `mirage-audit verify` re-checks against the image
 * without trusting analyzers/reach.c: the roots, the reachable and retained
 * address ranges, and each facility's verdict with the catalogue lines that
 * define it (an inert one also with its platform rule and stubs).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/catalogue.h"
#include "audit/core/report.h"
#include "audit/core/vocab.h"

#define CERT_SCHEMA_VERSION 1

static json_t *hex(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

/* Strings from the image or a catalogue may hold any bytes: invalid UTF-8 is sent escaped. */
static json_t *str(const char *s)
{
	char buf[4096];
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	return j ? j : json_string(escape_text(s, buf, sizeof(buf)));
}

/* Append [lo, hi) to the range list ARR, merging it into the last range when adjacent. */
static void range_add(json_t *arr, uint64_t *last_hi, uint64_t lo, uint64_t hi)
{
	size_t n = json_array_size(arr);
	json_t *r;

	if (n && *last_hi == lo) {
		json_array_set_new(json_array_get(arr, n - 1), 1, hex(hi));
	} else {
		r = json_array();
		json_array_append_new(r, hex(lo));
		json_array_append_new(r, hex(hi));
		json_array_append_new(arr, r);
	}
	*last_hi = hi;
}

/* The layout nodes whose reach state is HOW, as merged [lo, hi) ranges. */
static json_t *reach_ranges(const struct audit *a, uint8_t how)
{
	const struct layout_facts *l = &a->facts.layout;
	json_t *arr = json_array();
	uint64_t last = 0;
	size_t i;

	for (i = 0; i < l->n_nodes; i++)
		if (a->facts.reach.reached[i] == how)
			range_add(arr, &last, l->nodes[i].lo, l->nodes[i].hi);
	return arr;
}

/*
 * The catalogue lines of facility F: its definition, then its match lines in
 * priority order, in the syntax catalogue_parse() reads back.
 */
static json_t *pattern_lines(const struct audit *a, const struct facility *f)
{
	static const char *const fields[] = { "unit", "symbol" };
	static const char *const kinds[] = { "exact", "prefix", "regex" };
	const struct catalogue *cat = a->opt.catalogue;
	json_t *arr = json_array();
	char line[8192];
	size_t i;

	snprintf(line, sizeof(line), "facility %s %s %s %s", f->name, f->klass,
		 f->device ? f->device : "-", f->description);
	json_array_append_new(arr, str(line));
	for (i = 0; cat && i < cat->match.n; i++) {
		const struct rule *r = &cat->match.v[i];

		if (strcmp(r->library, f->name) || r->field > RULE_SYMBOL)
			continue;
		snprintf(line, sizeof(line), "match %s %s %s %s", f->name, fields[r->field],
			 kinds[r->kind], r->pattern);
		json_array_append_new(arr, str(line));
	}
	/* The near tokens too: verify re-runs the near-miss guard on a certified seal. */
	for (i = 0; cat && i < cat->n_near; i++) {
		const struct catalogue_near *t = &cat->near[i];

		if (strcmp(cat->v[t->facility].name, f->name))
			continue;
		snprintf(line, sizeof(line), "near %s %s %s", f->name, fields[t->field], t->text);
		json_array_append_new(arr, str(line));
	}
	/* The platform rules too: verify re-checks an inert verdict against them. */
	for (i = 0; cat && i < cat->n_inert; i++) {
		const struct catalogue_inert *r = &cat->inert[i];

		if (strcmp(r->facility, f->name))
			continue;
		if (r->symbols)
			snprintf(line, sizeof(line), "inert-unless %s %s %s %s", f->name,
				 r->targets, r->symbols, r->text);
		else
			snprintf(line, sizeof(line), "inert %s %s %s", f->name, r->targets,
				 r->text);
		json_array_append_new(arr, str(line));
	}
	return arr;
}

static json_t *facility_obj(const struct audit *a, const struct facility *f)
{
	const struct layout_facts *l = &a->facts.layout;
	json_t *o = json_object(), *units = json_array(), *nodes = json_array();
	uint64_t last = 0;
	size_t i;

	json_object_set_new(o, "name", str(f->name));
	json_object_set_new(o, "class", str(f->klass));
	json_object_set_new(o, "verdict", json_string(verdict_name(f->verdict)));
	for (i = 0; i < f->n_units; i++)
		json_array_append_new(units, str(f->units[i]));
	json_object_set_new(o, "units", units);
	json_object_set_new(o, "patterns", pattern_lines(a, f));
	for (i = 0; i < f->n_nodes; i++)
		range_add(nodes, &last, l->nodes[f->nodes[i]].lo, l->nodes[f->nodes[i]].hi);
	json_object_set_new(o, "nodes", nodes);
	if (f->verdict == VERDICT_INERT) {
		json_t *stubs = json_array();
		char nm[256];

		json_object_set_new(o, "target", str(a->facts.platform.target));
		json_object_set_new(o, "inert_rule", str(f->inert_rule));
		for (i = 0; i < f->n_stubs; i++) {
			json_t *e = json_object();

			json_object_set_new(e, "name", str(layout_node_name(a, f->stubs[i].node, nm,
									     sizeof(nm))));
			json_object_set_new(e, "address", hex(l->nodes[f->stubs[i].node].lo));
			json_object_set_new(e, "kind",
					    json_string(stub_kind_name(f->stubs[i].kind)));
			json_array_append_new(stubs, e);
		}
		json_object_set_new(o, "stubs", stubs);
	}
	return o;
}

int certificate_write(const struct audit *a, FILE *out)
{
	const struct reach_facts *rf = &a->facts.reach;
	const struct facility_facts *ff = &a->facts.facilities;
	json_t *doc, *tool, *img, *assumptions, *roots, *facs;
	size_t i;
	int rc;

	/* The caller runs the facilities analyzer (and so reach) before asking for one. */
	if (!rf->is_done || !ff->is_done)
		return -1;
	doc = json_object();
	tool = json_object();
	img = json_object();
	assumptions = json_array();
	roots = json_array();
	facs = json_array();
	json_object_set_new(doc, "schema", json_string("mirage-audit/certificate"));
	json_object_set_new(doc, "schema_version", json_integer(CERT_SCHEMA_VERSION));
	json_object_set_new(tool, "name", json_string("mirage-audit"));
	json_object_set_new(tool, "version", json_string(MA_VERSION));
	json_object_set_new(doc, "tool", tool);
	json_object_set_new(img, "path", str(a->image.path));
	json_object_set_new(img, "sha256", str(a->image.sha256[0] ? a->image.sha256 : NULL));
	json_object_set_new(img, "file_size", json_integer((json_int_t)a->image.size));
	json_object_set_new(doc, "image", img);
	json_object_set_new(doc, "precision", json_string(precision_name(rf->precision)));
	for (i = 0; i < rf->n_assumptions; i++)
		json_array_append_new(assumptions, str(rf->assumptions[i]));
	json_object_set_new(doc, "assumptions", assumptions);
	for (i = 0; i < rf->n_roots; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "address", hex(a->facts.layout.nodes[rf->roots[i].node].lo));
		json_object_set_new(r, "why", str(rf->roots[i].why));
		json_array_append_new(roots, r);
	}
	json_object_set_new(doc, "roots", roots);
	json_object_set_new(doc, "reachable", reach_ranges(a, REACH_USED));
	json_object_set_new(doc, "retained", reach_ranges(a, REACH_RETAINED));
	for (i = 0; i < ff->n; i++)
		json_array_append_new(facs, facility_obj(a, &ff->v[i]));
	json_object_set_new(doc, "facilities", facs);
	rc = json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return ferror(out) ? -1 : 0;
}
