// SPDX-License-Identifier: ISC
/*
 * Budgets: reading and writing the "mirage-audit/budget" document (docs/ci.md).
 * Uses jansson, the third exception (after audit/gates/verify.c and audit/gates/report_read.c) to the
 * house rule that <jansson.h> stays in reports/: this is a reader and writer of our own
 * document, not an output format of an audit. The file is hostile input.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "audit/gates/budget.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"

#define BUDGET_SCHEMA "mirage-audit/budget"
#define BUDGET_VERSION 1
/* Sizes stay below 2^53, so every figure survives a JSON reader that uses doubles. */
#define BUDGET_MAX_BYTES ((uint64_t)1 << 53)

struct bctx {
	struct budget *b;
	struct diag *d;
	char where[192];
};

static int bad(struct bctx *c, const char *what)
{
	return diag_err(c->d, "not a valid budget: '%s' %s", c->where, what);
}

static void at(struct bctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void at(struct bctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->where, sizeof(c->where), fmt, ap);
	va_end(ap);
}

static int get_bytes(struct bctx *c, const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v))
		return bad(c, "is not an integer (a number of bytes)");
	if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) >= BUDGET_MAX_BYTES)
		return bad(c, "is out of range (0 to 2^53 - 1 bytes)");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_percent(struct bctx *c, const json_t *v, double *out)
{
	double x;

	if (!json_is_number(v))
		return bad(c, "is not a number (a percentage)");
	x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > 1e6)
		return bad(c, "is out of range (0 to 1000000 percent)");
	*out = x;
	return 0;
}

/* An object whose keys are all among KEYS (NULL-terminated); a typo is an error. */
static int known_keys(struct bctx *c, const json_t *o, const char *path, const char *const *keys)
{
	const char *k;
	const json_t *v;

	if (!json_is_object(o)) {
		at(c, "%s", path);
		return bad(c, "is not an object");
	}
	json_object_foreach((json_t *)o, k, v) {
		size_t i;

		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i]) {
			at(c, "%s%s%s", path, *path ? "." : "", k);
			return bad(c, "is not a budget key");
		}
	}
	return 0;
}

/* KEY of O, when present: a byte count into *OUT, with *HAS set. */
static int opt_bytes(struct bctx *c, const json_t *o, const char *path, const char *key,
		     bool *has, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	at(c, "%s.%s", path, key);
	*has = true;
	return get_bytes(c, v, out);
}

static int opt_percent(struct bctx *c, const json_t *o, const char *path, const char *key,
		       bool *has, double *out)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	at(c, "%s.%s", path, key);
	*has = true;
	return get_percent(c, v, out);
}

static int read_limit(struct bctx *c, const json_t *o, const char *path, struct budget_limit *l)
{
	static const char *const keys[] = { "max_file", "max_vm", NULL };

	if (known_keys(c, o, path, keys) < 0 ||
	    opt_bytes(c, o, path, "max_file", &l->has_file, &l->max_file) < 0 ||
	    opt_bytes(c, o, path, "max_vm", &l->has_vm, &l->max_vm) < 0)
		return -1;
	return 0;
}

static int read_level(struct bctx *c, const json_t *o, int l)
{
	struct budget *b = c->b;
	const char *name;
	const json_t *v;
	size_t n = 0;

	if (!json_is_object(o)) {
		at(c, "%s", level_name(l));
		return bad(c, "is not an object (label: limits)");
	}
	b->limits[l] = arena_array(&b->arena, json_object_size(o) + 1, sizeof(*b->limits[l]));
	json_object_foreach((json_t *)o, name, v) {
		struct budget_limit *lim = &b->limits[l][n];
		char *path = arena_printf(&b->arena, "%s.%s", level_name(l), name);

		if (!*name) {
			at(c, "%s", level_name(l));
			return bad(c, "has an empty label");
		}
		lim->name = arena_strdup(&b->arena, name);
		if (read_limit(c, v, path, lim) < 0)
			return -1;
		n++;
	}
	b->n_limits[l] = n;
	return 0;
}

static int read_names(struct bctx *c, const json_t *o, const char *path, const char *key,
		      const char ***out, size_t *n_out)
{
	const json_t *arr = json_object_get(o, key), *e;
	size_t i;

	if (!arr)
		return 0;
	at(c, "%s.%s", path, key);
	if (!json_is_array(arr))
		return bad(c, "is not an array of names");
	*n_out = json_array_size(arr);
	*out = arena_array(&c->b->arena, *n_out + 1, sizeof(**out));
	json_array_foreach(arr, i, e) {
		at(c, "%s.%s[%zu]", path, key, i);
		if (!json_is_string(e) || !json_string_length(e))
			return bad(c, "is not a non-empty string");
		if (strlen(json_string_value(e)) != json_string_length(e))
			return bad(c, "contains a NUL character");
		(*out)[i] = arena_strdup(&c->b->arena, json_string_value(e));
	}
	return 0;
}

static int read_growth(struct bctx *c, const json_t *o)
{
	static const char *const keys[] = {
		"max_file", "max_vm", "max_file_percent", "max_vm_percent", NULL,
	};
	struct budget *b = c->b;

	if (known_keys(c, o, "growth", keys) < 0 ||
	    opt_bytes(c, o, "growth", "max_file", &b->has_growth_file, &b->growth_file) < 0 ||
	    opt_bytes(c, o, "growth", "max_vm", &b->has_growth_vm, &b->growth_vm) < 0 ||
	    opt_percent(c, o, "growth", "max_file_percent", &b->has_growth_file_pct,
			&b->growth_file_pct) < 0 ||
	    opt_percent(c, o, "growth", "max_vm_percent", &b->has_growth_vm_pct,
			&b->growth_vm_pct) < 0)
		return -1;
	return 0;
}

static int read_doc(struct bctx *c, const json_t *root)
{
	static const char *const keys[] = {
		"schema", "schema_version", "comment", "total", "reachable", "tcb", "growth",
		"facilities", "devices", "segments", "sections", "components", "libraries",
		"modules", "symbols", NULL,
	};
	static const char *const fac_keys[] = { "sealed", "unreachable", NULL };
	static const char *const dev_keys[] = { "required", "forbidden", "forbidden_types", NULL };
	static const char *const reach_keys[] = { "max_vm", NULL };
	static const char *const tcb_keys[] = {
		"max_bytes", "max_c_bytes", "max_ocaml_bytes", "max_stack_bytes", NULL,
	};
	struct budget *b = c->b;
	const json_t *v;
	int l;

	if (!json_is_object(root))
		return diag_err(c->d, "not a budget: the document is not an object");
	v = json_object_get(root, "schema");
	if (!json_is_string(v) || strcmp(json_string_value(v), BUDGET_SCHEMA))
		return diag_err(c->d, "not a budget: \"schema\" must be \"%s\"", BUDGET_SCHEMA);
	v = json_object_get(root, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != BUDGET_VERSION)
		return diag_err(c->d, "unsupported budget: \"schema_version\" must be %d",
				BUDGET_VERSION);
	if (known_keys(c, root, "", keys) < 0)
		return -1;
	if ((v = json_object_get(root, "comment"))) {
		at(c, "comment");
		if (!json_is_string(v))
			return bad(c, "is not a string");
		b->comment = arena_strdup(&b->arena, json_string_value(v));
	}
	if ((v = json_object_get(root, "total"))) {
		if (read_limit(c, v, "total", &b->total) < 0)
			return -1;
		b->has_total = true;
	}
	if ((v = json_object_get(root, "reachable")) &&
	    (known_keys(c, v, "reachable", reach_keys) < 0 ||
	     opt_bytes(c, v, "reachable", "max_vm", &b->has_reachable, &b->max_reachable) < 0))
		return -1;
	if ((v = json_object_get(root, "tcb")) &&
	    (known_keys(c, v, "tcb", tcb_keys) < 0 ||
	     opt_bytes(c, v, "tcb", "max_bytes", &b->has_tcb_bytes, &b->tcb_bytes) < 0 ||
	     opt_bytes(c, v, "tcb", "max_c_bytes", &b->has_tcb_c, &b->tcb_c) < 0 ||
	     opt_bytes(c, v, "tcb", "max_ocaml_bytes", &b->has_tcb_ocaml, &b->tcb_ocaml) < 0 ||
	     opt_bytes(c, v, "tcb", "max_stack_bytes", &b->has_tcb_stack, &b->tcb_stack) < 0))
		return -1;
	for (l = 0; l < N_LEVELS; l++)
		if ((v = json_object_get(root, level_name(l))) && read_level(c, v, l) < 0)
			return -1;
	if ((v = json_object_get(root, "growth")) && read_growth(c, v) < 0)
		return -1;
	if ((v = json_object_get(root, "facilities")) &&
	    (known_keys(c, v, "facilities", fac_keys) < 0 ||
	     read_names(c, v, "facilities", "sealed", &b->sealed, &b->n_sealed) < 0 ||
	     read_names(c, v, "facilities", "unreachable", &b->unreachable,
			&b->n_unreachable) < 0))
		return -1;
	if ((v = json_object_get(root, "devices")) &&
	    (known_keys(c, v, "devices", dev_keys) < 0 ||
	     read_names(c, v, "devices", "required", &b->dev_required, &b->n_dev_required) < 0 ||
	     read_names(c, v, "devices", "forbidden", &b->dev_forbidden,
			&b->n_dev_forbidden) < 0 ||
	     read_names(c, v, "devices", "forbidden_types", &b->dev_forbidden_types,
			&b->n_dev_forbidden_types) < 0))
		return -1;
	return 0;
}

int budget_read_mem(struct budget *b, const char *buf, size_t len, struct diag *d)
{
	struct bctx c = { .b = b, .d = d };
	json_error_t err;
	json_t *root;
	int rc;

	memset(b, 0, sizeof(*b));
	arena_init(&b->arena);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return diag_err(d, "not a JSON budget: line %d: %s", err.line, err.text);
	rc = read_doc(&c, root);
	json_decref(root);
	return rc;
}

int budget_read(struct budget *b, const char *path, struct diag *d)
{
	char *buf;
	size_t len;
	int rc;

	/* Initialised first, so that budget_release() is safe whatever fails. */
	memset(b, 0, sizeof(*b));
	arena_init(&b->arena);
	if (read_bounded(path, NULL, INPUT_MAX_TEXT, &buf, &len, d) < 0)
		return -1;
	arena_release(&b->arena);
	rc = budget_read_mem(b, buf, len, d);
	free(buf);
	return rc;
}

void budget_release(struct budget *b)
{
	arena_release(&b->arena);
}

/* ---- writing (the ratchet) ------------------------------------------------ */

static json_t *limit_json(const struct budget_limit *l)
{
	json_t *o = json_object();

	if (l->has_file)
		json_object_set_new(o, "max_file", json_integer((json_int_t)l->max_file));
	if (l->has_vm)
		json_object_set_new(o, "max_vm", json_integer((json_int_t)l->max_vm));
	return o;
}

static json_t *names_json(const char *const *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

int budget_write(const struct budget *b, FILE *out)
{
	json_t *root = json_object(), *o;
	int l, rc;
	size_t i;

	json_object_set_new(root, "schema", json_string(BUDGET_SCHEMA));
	json_object_set_new(root, "schema_version", json_integer(BUDGET_VERSION));
	if (b->comment)
		json_object_set_new(root, "comment", json_string(b->comment));
	if (b->has_total)
		json_object_set_new(root, "total", limit_json(&b->total));
	if (b->has_reachable) {
		o = json_object();
		json_object_set_new(o, "max_vm", json_integer((json_int_t)b->max_reachable));
		json_object_set_new(root, "reachable", o);
	}
	if (b->has_tcb_bytes || b->has_tcb_c || b->has_tcb_ocaml || b->has_tcb_stack) {
		o = json_object();
		if (b->has_tcb_bytes)
			json_object_set_new(o, "max_bytes", json_integer((json_int_t)b->tcb_bytes));
		if (b->has_tcb_c)
			json_object_set_new(o, "max_c_bytes", json_integer((json_int_t)b->tcb_c));
		if (b->has_tcb_ocaml)
			json_object_set_new(o, "max_ocaml_bytes", json_integer((json_int_t)b->tcb_ocaml));
		if (b->has_tcb_stack)
			json_object_set_new(o, "max_stack_bytes", json_integer((json_int_t)b->tcb_stack));
		json_object_set_new(root, "tcb", o);
	}
	for (l = 0; l < N_LEVELS; l++) {
		if (!b->limits[l])
			continue;
		o = json_object();
		for (i = 0; i < b->n_limits[l]; i++)
			json_object_set_new(o, b->limits[l][i].name, limit_json(&b->limits[l][i]));
		json_object_set_new(root, level_name(l), o);
	}
	if (b->has_growth_file || b->has_growth_vm || b->has_growth_file_pct ||
	    b->has_growth_vm_pct) {
		o = json_object();
		if (b->has_growth_file)
			json_object_set_new(o, "max_file", json_integer((json_int_t)b->growth_file));
		if (b->has_growth_vm)
			json_object_set_new(o, "max_vm", json_integer((json_int_t)b->growth_vm));
		if (b->has_growth_file_pct)
			json_object_set_new(o, "max_file_percent", json_real(b->growth_file_pct));
		if (b->has_growth_vm_pct)
			json_object_set_new(o, "max_vm_percent", json_real(b->growth_vm_pct));
		json_object_set_new(root, "growth", o);
	}
	if (b->sealed || b->unreachable) {
		o = json_object();
		if (b->sealed)
			json_object_set_new(o, "sealed", names_json(b->sealed, b->n_sealed));
		if (b->unreachable)
			json_object_set_new(o, "unreachable",
					    names_json(b->unreachable, b->n_unreachable));
		json_object_set_new(root, "facilities", o);
	}
	if (b->dev_required || b->dev_forbidden || b->dev_forbidden_types) {
		o = json_object();
		if (b->dev_required)
			json_object_set_new(o, "required",
					    names_json(b->dev_required, b->n_dev_required));
		if (b->dev_forbidden)
			json_object_set_new(o, "forbidden",
					    names_json(b->dev_forbidden, b->n_dev_forbidden));
		if (b->dev_forbidden_types)
			json_object_set_new(o, "forbidden_types",
					    names_json(b->dev_forbidden_types,
						       b->n_dev_forbidden_types));
		json_object_set_new(root, "devices", o);
	}
	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (rc == 0)
		fputc('\n', out);
	return rc < 0 || ferror(out) ? -1 : 0;
}
