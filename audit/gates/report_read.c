// SPDX-License-Identifier: ISC
/*
 * Reading a saved JSON report (`mirage-audit -f json IMAGE`) back into a snapshot, for `diff`.
 * Uses jansson: the second exception, after audit/gates/verify.c, to the house rule that <jansson.h>
 * stays in reports/, because this is a reader of our own documents, not a format of output.
 * The file is hostile input: every key used is checked for presence, type and range, and the
 * size levels must sum to their totals, so a diff of a report is exact or refused.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/gates/snapshot.h"
#include "audit/core/readfile.h"
#include "audit/core/vocab.h"

#define SCHEMA_VERSION 1

struct rctx {
	struct snapshot *s;
	struct diag *d;
	char where[160];		/* the key being read, for messages */
};

static int bad(struct rctx *c, const char *what)
{
	return diag_err(c->d, "not a valid mirage-audit report: '%s' %s", c->where, what);
}

static void at(struct rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void at(struct rctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->where, sizeof(c->where), fmt, ap);
	va_end(ap);
}

/* KEY of O: must be there and be of TYPE (JSON_NULL allowed when NULLABLE). */
static const json_t *need(struct rctx *c, const json_t *o, const char *key, json_type type,
			  bool nullable, const char *path)
{
	const json_t *v = json_object_get(o, key);

	at(c, "%s%s%s", path, *path ? "." : "", key);
	if (!v) {
		bad(c, "is missing");
		return NULL;
	}
	if (nullable && json_is_null(v))
		return v;
	if (json_typeof(v) != type) {
		bad(c, type == JSON_OBJECT ? "is not an object" : type == JSON_ARRAY ?
		    "is not an array" : type == JSON_STRING ? "is not a string" :
		    type == JSON_INTEGER ? "is not an integer" : "has the wrong type");
		return NULL;
	}
	return v;
}

static int get_str(struct rctx *c, const json_t *o, const char *key, const char *path,
		   const char **out)
{
	const json_t *v = need(c, o, key, JSON_STRING, false, path);

	if (!v)
		return -1;
	*out = arena_strndup(&c->s->arena, json_string_value(v), json_string_length(v));
	return 0;
}

static int get_size(struct rctx *c, const json_t *o, const char *key, const char *path,
		    uint64_t *out)
{
	const json_t *v = need(c, o, key, JSON_INTEGER, false, path);

	if (!v)
		return -1;
	if (json_integer_value(v) < 0)
		return bad(c, "is negative");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int read_level(struct rctx *c, const json_t *sizes, int l)
{
	struct snapshot *s = c->s;
	const json_t *arr = need(c, sizes, level_name(l), JSON_ARRAY, false, "sizes");
	uint64_t sum_file = 0, sum_vm = 0;
	char path[64];
	size_t i, n;

	if (!arr)
		return -1;
	n = json_array_size(arr);
	s->n_rows[l] = n;
	s->rows[l] = arena_array(&s->arena, n + 1, sizeof(*s->rows[l]));
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(arr, i);
		struct snapshot_row *r = &s->rows[l][i];

		snprintf(path, sizeof(path), "sizes.%s[%zu]", level_name(l), i);
		if (!json_is_object(e)) {
			at(c, "%s", path);
			return bad(c, "is not an object");
		}
		if (get_str(c, e, "name", path, &r->name) < 0 ||
		    get_size(c, e, "file_size", path, &r->file_size) < 0 ||
		    get_size(c, e, "vm_size", path, &r->vm_size) < 0)
			return -1;
		/* Overflow-safe: each addend is below 2^63, and the sums must stay at the totals. */
		sum_file += r->file_size;
		sum_vm += r->vm_size;
		if (sum_file > s->file_total || sum_vm > s->vm_total) {
			at(c, "sizes.%s", level_name(l));
			return bad(c, "sums to more than the totals");
		}
	}
	if (sum_file != s->file_total || sum_vm != s->vm_total) {
		at(c, "sizes.%s", level_name(l));
		return bad(c, "does not sum to file_total and vm_total");
	}
	return 0;
}

static int read_sizes(struct rctx *c, const json_t *root)
{
	const json_t *sizes = need(c, root, "sizes", JSON_OBJECT, false, "");
	int l;

	if (!sizes || get_size(c, sizes, "file_total", "sizes", &c->s->file_total) < 0 ||
	    get_size(c, sizes, "vm_total", "sizes", &c->s->vm_total) < 0)
		return -1;
	for (l = 0; l < N_LEVELS; l++)
		if (read_level(c, sizes, l) < 0)
			return -1;
	return 0;
}

static int read_platform(struct rctx *c, const json_t *root)
{
	struct snapshot *s = c->s;
	const json_t *pf, *solo5, *abi, *m, *valid, *devs;
	size_t i;
	char path[64];

	if (!(pf = need(c, root, "platform", JSON_OBJECT, false, "")) ||
	    get_str(c, pf, "target", "platform", &s->target) < 0 ||
	    !(solo5 = need(c, pf, "solo5", JSON_OBJECT, false, "platform")) ||
	    !(abi = need(c, solo5, "abi", JSON_OBJECT, true, "platform.solo5")))
		return -1;
	if (!json_is_null(abi)) {
		uint64_t v;

		if (get_str(c, abi, "target", "platform.solo5.abi", &s->abi_target) < 0 ||
		    get_size(c, abi, "version", "platform.solo5.abi", &v) < 0)
			return -1;
		if (v > UINT32_MAX)
			return bad(c, "is out of range");
		s->abi_version = (uint32_t)v;
	}
	if (!(m = need(c, solo5, "manifest", JSON_OBJECT, true, "platform.solo5")))
		return -1;
	if (json_is_null(m))
		return 0;
	valid = json_object_get(m, "valid");
	at(c, "platform.solo5.manifest.valid");
	if (!json_is_boolean(valid))
		return bad(c, "is not a boolean");
	if (!json_is_true(valid))
		return 0;
	if (!(devs = need(c, m, "devices", JSON_ARRAY, false, "platform.solo5.manifest")))
		return -1;
	s->has_manifest = true;
	s->n_devices = json_array_size(devs);
	s->devices = arena_array(&s->arena, s->n_devices + 1, sizeof(*s->devices));
	for (i = 0; i < s->n_devices; i++) {
		const json_t *e = json_array_get(devs, i);

		snprintf(path, sizeof(path), "platform.solo5.manifest.devices[%zu]", i);
		if (!json_is_object(e)) {
			at(c, "%s", path);
			return bad(c, "is not an object");
		}
		if (get_str(c, e, "name", path, &s->devices[i].name) < 0 ||
		    get_str(c, e, "type", path, &s->devices[i].type) < 0)
			return -1;
	}
	return 0;
}

/* KEY ("facilities" or "drivers"): absent in reports from before the facilities analysis. */
static int read_facilities(struct rctx *c, const json_t *root, const char *key,
			   struct snapshot_facility **out, size_t *n_out)
{
	const json_t *arr = json_object_get(root, key);
	struct snapshot_facility *v;
	size_t i, n;
	char path[64];

	*n_out = 0;
	if (!arr)
		return 0;
	if (!need(c, root, key, JSON_ARRAY, false, ""))
		return -1;
	n = json_array_size(arr);
	v = arena_array(&c->s->arena, n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(arr, i);
		const char *verdict;
		enum verdict vd;

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_object(e)) {
			at(c, "%s", path);
			return bad(c, "is not an object");
		}
		if (get_str(c, e, "name", path, &v[i].name) < 0 ||
		    get_str(c, e, "class", path, &v[i].klass) < 0 ||
		    get_str(c, e, "verdict", path, &verdict) < 0)
			return -1;
		if (verdict_parse(verdict, &vd) < 0)
			return bad(c, arena_printf(&c->s->arena, "is not one of %s",
						   verdict_list()));
		v[i].verdict = verdict_name(vd);
	}
	*out = v;
	*n_out = n;
	return 1;
}

/*
 * The drivers array repeats the facilities of class "driver": check that it
 * does, so that a report edited in one place only is refused, not half-believed.
 */
static int check_drivers(struct rctx *c, const struct snapshot_facility *drv, size_t n_drv)
{
	const struct snapshot *s = c->s;
	size_t i, k, n_classed = 0;

	for (k = 0; k < s->n_facilities; k++)
		n_classed += !strcmp(s->facilities[k].klass, "driver");
	for (i = 0; i < n_drv; i++) {
		for (k = 0; k < s->n_facilities; k++)
			if (!strcmp(drv[i].name, s->facilities[k].name))
				break;
		at(c, "drivers[%zu]", i);
		if (k == s->n_facilities || strcmp(s->facilities[k].klass, "driver") ||
		    strcmp(drv[i].verdict, s->facilities[k].verdict))
			return bad(c, "does not match its entry in 'facilities'");
	}
	if (n_drv != n_classed) {
		at(c, "drivers");
		return bad(c, "does not list every facility of class driver");
	}
	return 0;
}

/*
 * Dead function names: the `dead` document's list, when a report carries it
 * (top-level "dead_functions" array) and reachability was complete.
 */
static int read_dead(struct rctx *c, const json_t *root)
{
	struct snapshot *s = c->s;
	const json_t *reach = json_object_get(root, "reachability"), *arr, *complete;
	size_t i;
	char path[64];

	if (!reach)
		return 0;
	if (!need(c, root, "reachability", JSON_OBJECT, false, ""))
		return -1;
	complete = json_object_get(reach, "complete");
	at(c, "reachability.complete");
	if (!json_is_boolean(complete))
		return bad(c, "is not a boolean");
	arr = json_object_get(root, "dead_functions");
	if (!arr || !json_is_true(complete))
		return 0;
	if (!need(c, root, "dead_functions", JSON_ARRAY, false, ""))
		return -1;
	s->has_dead = true;
	s->n_dead = json_array_size(arr);
	s->dead = arena_array(&s->arena, s->n_dead + 1, sizeof(*s->dead));
	for (i = 0; i < s->n_dead; i++) {
		const json_t *e = json_array_get(arr, i);

		snprintf(path, sizeof(path), "dead_functions[%zu]", i);
		if (!json_is_object(e)) {
			at(c, "%s", path);
			return bad(c, "is not an object");
		}
		if (get_str(c, e, "name", path, &s->dead[i]) < 0)
			return -1;
	}
	return 0;
}

/* Rows of one level are aggregated by name (docs/report.md): a repeated name is an edit. */
static int check_unique(struct rctx *c)
{
	const struct snapshot *s = c->s;
	size_t i;
	int l;

	for (l = 0; l < N_LEVELS; l++)
		for (i = 1; i < s->n_rows[l]; i++)
			if (!strcmp(s->rows[l][i - 1].name, s->rows[l][i].name)) {
				at(c, "sizes.%s", level_name(l));
				return bad(c, "names a row twice");
			}
	for (i = 1; i < s->n_facilities; i++)
		if (!strcmp(s->facilities[i - 1].name, s->facilities[i].name)) {
			at(c, "facilities");
			return bad(c, "names a facility twice");
		}
	return 0;
}

int report_read(struct snapshot *s, const char *path, struct diag *d)
{
	struct rctx c = { .s = s, .d = d };
	struct snapshot_facility *drv = NULL;
	const json_t *v, *img;
	const char *schema;
	json_error_t err;
	json_t *root;
	char *buf;
	size_t n_drv = 0, len;
	int rc = -1, r;

	s->is_report = true;
	if (read_bounded(path, NULL, INPUT_MAX_REPORT, &buf, &len, d) < 0)
		return -1;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	free(buf);
	if (!root)
		return diag_err(d, "not a JSON report: line %d: %s", err.line, err.text);
	if (!json_is_object(root)) {
		diag_err(d, "not a mirage-audit report: the document is not an object");
		goto out;
	}
	if (get_str(&c, root, "schema", "", &schema) < 0)
		goto out;
	if (strcmp(schema, "mirage-audit/report")) {
		diag_err(d, "not a mirage-audit report: schema is '%s'", schema);
		goto out;
	}
	if (!(v = need(&c, root, "schema_version", JSON_INTEGER, false, "")))
		goto out;
	if (json_integer_value(v) != SCHEMA_VERSION) {
		diag_err(d, "unsupported report schema_version %" JSON_INTEGER_FORMAT " (expected %d)",
			 json_integer_value(v), SCHEMA_VERSION);
		goto out;
	}
	if (!(img = need(&c, root, "image", JSON_OBJECT, false, "")) ||
	    !(v = need(&c, img, "sha256", JSON_STRING, true, "image")))
		goto out;
	if (json_is_string(v))
		s->sha256 = arena_strdup(&s->arena, json_string_value(v));
	if (read_sizes(&c, root) < 0 || read_platform(&c, root) < 0)
		goto out;
	r = read_facilities(&c, root, "facilities", &s->facilities, &s->n_facilities);
	if (r < 0)
		goto out;
	s->has_facilities = r > 0;
	if (read_facilities(&c, root, "drivers", &drv, &n_drv) < 0 ||
	    (s->has_facilities && check_drivers(&c, drv, n_drv) < 0) ||
	    read_dead(&c, root) < 0)
		goto out;
	snapshot_sort(s);
	if (check_unique(&c) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}
