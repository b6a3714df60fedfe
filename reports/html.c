// SPDX-License-Identifier: ISC
/*
 * The review page (docs/review.md): one self-contained HTML file rendered from the report's
 * JSON document, which it embeds, plus the Graphviz drawings inlined as SVG.
 *
 * Every figure is read from the document (json_report_doc()) and written inside an element
 * tagged with its JSON pointer, <span data-json="/sizes/vm_total">, so that what the page
 * shows is, by construction, what the embedded document says, and a reader (or a test) can
 * trace each figure. Every string from the image goes through fputs_xml(). The page makes
 * no request: no external script, style, font or image, and a Content-Security-Policy that
 * forbids them; it reads without JavaScript, and its small script only zooms the treemap,
 * sorts the findings and records its own errors in a DOM attribute.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gates/diff.h"
#include "audit/core/report.h"

struct page {
	FILE *out;
	json_t *doc;		/* the report document */
	json_t *diff;		/* the diff document (--baseline), or NULL */
	const struct audit *a;
	const struct view *v;
};

/* ---- the document, by JSON pointer (RFC 6901) --------------------------- */

static json_t *at(json_t *doc, const char *ptr)
{
	json_t *v = doc;
	char key[256];

	while (v && *ptr == '/') {
		size_t n = 0;

		ptr++;
		while (*ptr && *ptr != '/' && n + 1 < sizeof(key)) {
			if (ptr[0] == '~' && (ptr[1] == '0' || ptr[1] == '1')) {
				key[n++] = ptr[1] == '0' ? '~' : '/';
				ptr += 2;
			} else {
				key[n++] = *ptr++;
			}
		}
		key[n] = '\0';
		if (json_is_array(v)) {
			char *end;
			unsigned long i = strtoul(key, &end, 10);

			v = *key && !*end ? json_array_get(v, i) : NULL;
		} else {
			v = json_object_get(v, key);
		}
	}
	return v;
}

static json_t *atf(json_t *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *atf(json_t *doc, const char *fmt, ...)
{
	char ptr[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ptr, sizeof(ptr), fmt, ap);
	va_end(ap);
	return at(doc, ptr);
}

static const char *sval(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint64_t ival(json_t *v)
{
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : 0;

	return i > 0 ? (uint64_t)i : 0;
}

/* ---- writing ---------------------------------------------------------------- */

static void put(struct page *p, const char *s)
{
	fputs(s, p->out);
}

static void putf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

static void esc(struct page *p, const char *s)
{
	fputs_xml(s ? s : "", p->out);
}

/* A JSON value as the page shows it: integers whole, strings escaped, null as "none". */
static void value(struct page *p, json_t *v)
{
	if (json_is_integer(v))
		putf(p, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		putf(p, "%.2f", json_real_value(v));
	else if (json_is_string(v))
		esc(p, json_string_value(v));
	else if (json_is_true(v))
		put(p, "true");
	else if (json_is_false(v))
		put(p, "false");
	else
		put(p, "none");
}

/* The value at PTR of DOC (the report or the diff), tagged; "not measured" when absent. */
static void show(struct page *p, json_t *doc, const char *ptr)
{
	json_t *v = at(doc, ptr);

	if (!v) {
		put(p, "<span class=\"na\">not measured</span>");
		return;
	}
	put(p, "<span data-json=\"");
	esc(p, ptr);
	put(p, doc == p->diff ? "\" data-doc=\"diff-data\">" : "\">");
	value(p, v);
	put(p, "</span>");
}

/*
 * fig: the figure at the pointer FMT... of DOC; td: the same in a table cell (IS_CELL),
 * numbers aligned right.
 */
static void fig_in(struct page *p, json_t *doc, bool is_cell, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fig_in(struct page *p, json_t *doc, bool is_cell, const char *fmt, ...)
{
	char ptr[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ptr, sizeof(ptr), fmt, ap);
	va_end(ap);
	if (is_cell)
		put(p, json_is_number(at(doc, ptr)) ? "<td class=\"n\">" : "<td>");
	show(p, doc, ptr);
	if (is_cell)
		put(p, "</td>");
}

#define fig(p, ...) fig_in((p), (p)->doc, false, __VA_ARGS__)
#define dfig(p, ...) fig_in((p), (p)->diff, false, __VA_ARGS__)
#define td(p, ...) fig_in((p), (p)->doc, true, __VA_ARGS__)
#define dtd(p, ...) fig_in((p), (p)->diff, true, __VA_ARGS__)

/* " (1.2 MiB)" after a byte count, for the eye; the tagged figure is the exact one. */
static void human(struct page *p, json_t *v)
{
	char buf[32];

	if (json_is_integer(v) && json_integer_value(v) >= 1024)
		putf(p, " <small>(%s)</small>", human_size(ival(v), buf, sizeof(buf)));
}

/*
 * count: how many elements of the array at PTR have KEY equal to WANT (every element when
 * KEY is NULL), tagged so that a reader can recount: data-json-count names the array,
 * data-where and data-equals the filter.
 */
static size_t count_of(json_t *arr, const char *key, const char *want)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(arr); i++) {
		const char *s = key ? sval(json_object_get(json_array_get(arr, i), key)) : NULL;

		n += !key || (s && !strcmp(s, want));
	}
	return n;
}

static void count(struct page *p, const char *ptr, const char *key, const char *want)
{
	json_t *arr = at(p->doc, ptr);

	if (!json_is_array(arr)) {
		put(p, "<span class=\"na\">not measured</span>");
		return;
	}
	put(p, "<span data-json-count=\"");
	esc(p, ptr);
	if (key) {
		put(p, "\" data-where=\"");
		esc(p, key);
		put(p, "\" data-equals=\"");
		esc(p, want);
	}
	putf(p, "\">%zu</span>", count_of(arr, key, want));
}

static void section(struct page *p, const char *id, const char *title)
{
	putf(p, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void not_measured(struct page *p, const char *what)
{
	putf(p, "<p class=\"na\">Not measured: %s.</p>\n", what);
}

/*
 * A section that shows the value at PTR: opened, or, when the document lacks it (or has
 * null), opened with WHY it was not measured and closed again (false).
 */
static bool section_of(struct page *p, const char *id, const char *title, const char *ptr,
		       const char *why)
{
	json_t *v = at(p->doc, ptr);

	section(p, id, title);
	if (v && !json_is_null(v))
		return true;
	not_measured(p, why);
	put(p, "</section>\n");
	return false;
}

/* A column of a table: the key of each row's value, and its heading. */
struct col {
	const char *key, *title;
};

/*
 * table: the array at PTR of DOC as a table of COLS, a row per element (at most MAX, 0 for
 * all), each cell a tagged figure; a row's class is "k-" and its CLASS_KEY value when that is
 * one lowercase word (the CSS shades failed checks). Returns the rows written.
 */
static size_t table(struct page *p, json_t *doc, const char *ptr, const struct col *cols,
		    size_t n_cols, size_t max, const char *class_key)
{
	size_t i, c, n = json_array_size(at(doc, ptr));

	if (max && n > max)
		n = max;
	put(p, "<table><thead><tr>");
	for (c = 0; c < n_cols; c++)
		putf(p, "<th>%s</th>", cols[c].title);
	put(p, "</tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const char *k = class_key ? sval(atf(doc, "%s/%zu/%s", ptr, i, class_key)) : NULL;

		if (k && *k && strspn(k, "abcdefghijklmnopqrstuvwxyz-") == strlen(k))
			putf(p, "<tr class=\"k-%s\">", k);
		else
			put(p, "<tr>");
		for (c = 0; c < n_cols; c++)
			fig_in(p, doc, true, "%s/%zu/%s", ptr, i, cols[c].key);
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table>\n");
	return n;
}

#define N_COLS(c) (sizeof(c) / sizeof((c)[0]))

/* ---- the verdict summary ------------------------------------------------- */

static const char *const verdicts[] = { "reachable", "inert", "dead", "sealed", "unknown" };
static const char *const severities[] = { "error", "warning", "note" };
static const char *const statuses[] = { "fail", "pass", "not-applicable" };

/* "N verdict, ..." over the values of KEY in the array at PTR that occur. */
static void counts_line(struct page *p, const char *ptr, const char *key,
			const char *const *values, size_t n)
{
	json_t *arr = at(p->doc, ptr);
	size_t i;
	bool first = true;

	if (!json_is_array(arr)) {
		put(p, "<span class=\"na\">not measured</span>");
		return;
	}
	count(p, ptr, NULL, NULL);
	put(p, " in all");
	for (i = 0; i < n; i++) {
		if (!count_of(arr, key, values[i]))
			continue;
		put(p, first ? ": " : ", ");
		first = false;
		count(p, ptr, key, values[i]);
		putf(p, " <span class=\"v-%s\">%s</span>", values[i], values[i]);
	}
}

static void summary(struct page *p)
{
	json_t *tcb = at(p->doc, "/tcb"), *sec = at(p->doc, "/secrets");
	json_t *tot = at(p->doc, "/privileged_instructions/totals");
	size_t i;

	section(p, "summary", "Verdict summary");
	put(p, "<table class=\"kv\">\n<tr><th>image</th><td><code>");
	fig(p, "/image/path");
	put(p, "</code></td></tr>\n<tr><th>SHA-256</th><td><code>");
	fig(p, "/image/sha256");
	put(p, "</code></td></tr>\n<tr><th>format</th><td>");
	fig(p, "/image/class");
	put(p, " ");
	fig(p, "/image/machine");
	put(p, " ");
	fig(p, "/image/type");
	put(p, "</td></tr>\n<tr><th>target</th><td>");
	fig(p, "/platform/target");
	put(p, "</td></tr>\n<tr><th>size</th><td>");
	fig(p, "/image/file_size");
	human(p, at(p->doc, "/image/file_size"));
	put(p, " bytes in the file, ");
	fig(p, "/sizes/vm_total");
	human(p, at(p->doc, "/sizes/vm_total"));
	put(p, " in memory</td></tr>\n<tr><th>TCB</th><td>");
	if (tcb) {
		fig(p, "/tcb/reachable_bytes");
		human(p, at(p->doc, "/tcb/reachable_bytes"));
		put(p, " bytes can run or be read, of ");
		fig(p, "/tcb/image_bytes");
		put(p, "; ");
		fig(p, "/tcb/dead_bytes");
		put(p, " dead; with what it runs on: ");
		fig(p, "/tcb/stack_bytes");
		human(p, at(p->doc, "/tcb/stack_bytes"));
	} else {
		put(p, "<span class=\"na\">not measured</span> (no <code>tcb</code> section); "
		    "reachability: ");
		fig(p, "/reachability/reachable_bytes");
		human(p, at(p->doc, "/reachability/reachable_bytes"));
		put(p, " bytes reachable, ");
		fig(p, "/reachability/dead_bytes");
		put(p, " dead");
	}
	put(p, "</td></tr>\n<tr><th>drivers</th><td>");
	counts_line(p, "/drivers", "verdict", verdicts, 5);
	put(p, "</td></tr>\n<tr><th>facilities</th><td>");
	counts_line(p, "/facilities", "verdict", verdicts, 5);
	put(p, "</td></tr>\n<tr><th>findings</th><td>");
	counts_line(p, "/findings", "severity", severities, 3);
	put(p, "</td></tr>\n<tr><th>hardening checks</th><td>");
	counts_line(p, "/hardening/checks", "status", statuses, 3);
	put(p, "</td></tr>\n<tr><th>privileged instructions</th><td>");
	if (!json_is_array(tot)) {
		put(p, "<span class=\"na\">not measured</span>");
	} else if (!json_array_size(tot)) {
		put(p, "none");
	}
	for (i = 0; i < json_array_size(tot); i++) {
		put(p, i ? ", " : "");
		fig(p, "/privileged_instructions/totals/%zu/mnemonic", i);
		put(p, " ");
		fig(p, "/privileged_instructions/totals/%zu/sites", i);
		put(p, " (");
		fig(p, "/privileged_instructions/totals/%zu/reachable", i);
		put(p, " reachable)");
	}
	put(p, "</td></tr>\n<tr><th>secrets</th><td>");
	if (sec) {
		count(p, "/secrets/private_keys", NULL, NULL);
		put(p, " private keys, ");
		count(p, "/secrets/certificates", NULL, NULL);
		put(p, " certificates, ");
		count(p, "/secrets/credentials", NULL, NULL);
		put(p, " credential-like strings, ");
		count(p, "/secrets/build_paths", NULL, NULL);
		put(p, " build paths, ");
		count(p, "/secrets/toolchain", NULL, NULL);
		put(p, " toolchain parts");
	} else {
		put(p, "<span class=\"na\">not measured</span> (no <code>secrets</code> section)");
	}
	put(p, "</td></tr>\n</table>\n</section>\n");
}

/* ---- the treemap ------------------------------------------------------------ */

#define TM_W 960.0
#define TM_H 540.0

struct tm_box {
	double x, y, w, h;
};

struct tm_item {
	json_t *node;
	double value;
};

/* A node's area: its reachable and dead bytes, or its own bytes (a symbol). */
static double tm_value(json_t *n)
{
	json_t *b = json_object_get(n, "bytes");

	if (b)
		return (double)ival(b);
	return (double)ival(json_object_get(n, "reachable_bytes")) +
	       (double)ival(json_object_get(n, "dead_bytes"));
}

static int tm_cmp(const void *a, const void *b)
{
	const struct tm_item *x = a, *y = b;

	return x->value < y->value ? 1 : x->value > y->value ? -1 : 0;
}

/*
 * Lay IT (largest first) out in B: cut the list where its first half of the bytes ends and
 * split the box along its longer side in that ratio, recursively. Near-square boxes without
 * the bookkeeping of a squarified layout.
 */
static void tm_split(const struct tm_item *it, size_t n, struct tm_box b, struct tm_box *out)
{
	double total = 0, left = 0, f;
	size_t i, k;

	if (n == 0)
		return;
	if (n == 1) {
		out[0] = b;
		return;
	}
	for (i = 0; i < n; i++)
		total += it[i].value;
	for (k = 0; k < n - 1; k++) {
		left += it[k].value;
		if (left >= total / 2)
			break;
	}
	k++;
	f = total > 0 ? left / total : 0.5;
	if (b.w >= b.h) {
		tm_split(it, k, (struct tm_box){ b.x, b.y, b.w * f, b.h }, out);
		tm_split(it + k, n - k, (struct tm_box){ b.x + b.w * f, b.y, b.w * (1 - f), b.h },
			 out + k);
	} else {
		tm_split(it, k, (struct tm_box){ b.x, b.y, b.w, b.h * f }, out);
		tm_split(it + k, n - k, (struct tm_box){ b.x, b.y + b.h * f, b.w, b.h * (1 - f) },
			 out + k);
	}
}

static void tm_rect(struct page *p, struct tm_box b, const char *klass)
{
	putf(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\"/>", b.x,
	     b.y, b.w, b.h, klass);
}

static void tm_nodes(struct page *p, json_t *arr, struct tm_box b, int depth);

/* One node: a group that zooms, its box, its name, then its children or its shading. */
static void tm_node(struct page *p, json_t *n, struct tm_box b, int depth)
{
	static const char *const level[] = { "library", "module", "symbol" };
	json_t *kids = json_object_get(n, "children"), *reach = json_object_get(n, "reachable");
	const char *name = sval(json_object_get(n, "name"));
	double r = (double)ival(json_object_get(n, "reachable_bytes"));
	double d = (double)ival(json_object_get(n, "dead_bytes"));
	bool has_kids = json_array_size(kids) > 0 && b.w > 6 && b.h > 20;
	char buf[32];

	putf(p, "<g class=\"tm-%s\" data-box=\"%.1f %.1f %.1f %.1f\"><title>", level[depth],
	     b.x, b.y, b.w, b.h);
	esc(p, name);
	if (json_object_get(n, "bytes"))
		putf(p, ": %s, %s", human_size(ival(json_object_get(n, "bytes")), buf, sizeof(buf)),
		     json_is_true(reach) ? "reachable" : json_is_false(reach) ? "dead" : "mixed");
	else
		putf(p, ": %.0f bytes reachable, %.0f dead", r, d);
	put(p, "</title>");
	if (has_kids) {
		tm_rect(p, b, "c");
	} else if (json_is_boolean(reach)) {
		tm_rect(p, b, json_is_true(reach) ? "r" : "d");
	} else if (r + d > 0) {
		/* Shaded in proportion: the reachable part first. */
		double f = r / (r + d);

		if (b.w >= b.h) {
			tm_rect(p, (struct tm_box){ b.x, b.y, b.w * f, b.h }, "r");
			tm_rect(p, (struct tm_box){ b.x + b.w * f, b.y, b.w * (1 - f), b.h }, "d");
		} else {
			tm_rect(p, (struct tm_box){ b.x, b.y, b.w, b.h * f }, "r");
			tm_rect(p, (struct tm_box){ b.x, b.y + b.h * f, b.w, b.h * (1 - f) }, "d");
		}
		tm_rect(p, b, "o");
	} else {
		tm_rect(p, b, "m");
	}
	if (b.w > 40 && b.h > 12) {
		int chars = (int)(b.w / 6.5);
		char cut[128];

		snprintf(cut, sizeof(cut), "%.*s", chars < 120 ? chars : 120, name ? name : "");
		putf(p, "<text x=\"%.1f\" y=\"%.1f\">", b.x + 3, b.y + 11);
		esc(p, cut);
		put(p, "</text>");
	}
	if (has_kids && depth < 2)
		tm_nodes(p, kids, (struct tm_box){ b.x + 2, b.y + 14, b.w - 4, b.h - 16 },
			 depth + 1);
	put(p, "</g>\n");
}

static void tm_nodes(struct page *p, json_t *arr, struct tm_box b, int depth)
{
	size_t n = json_array_size(arr), i, k = 0;
	struct tm_item *it = calloc(n ? n : 1, sizeof(*it));
	struct tm_box *box = calloc(n ? n : 1, sizeof(*box));

	if (!it || !box) {
		free(it);
		free(box);
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		double v = tm_value(e);

		if (v > 0)
			it[k++] = (struct tm_item){ e, v };
	}
	qsort(it, k, sizeof(*it), tm_cmp);
	tm_split(it, k, b, box);
	for (i = 0; i < k; i++)
		if (box[i].w >= 0.5 && box[i].h >= 0.5)
			tm_node(p, it[i].node, box[i], depth);
	free(it);
	free(box);
}

/* Without a tcb section: each library's reachable and dead bytes from the reachability. */
static json_t *tm_fallback(struct page *p)
{
	json_t *libs = at(p->doc, "/reachability/dead/libraries"), *arr = json_array();
	size_t i;

	for (i = 0; i < json_array_size(libs); i++) {
		json_t *l = json_array_get(libs, i), *e = json_object();

		json_object_set(e, "name", json_object_get(l, "name"));
		json_object_set(e, "reachable_bytes", json_object_get(l, "live_vm_size"));
		json_object_set(e, "dead_bytes", json_object_get(l, "dead_vm_size"));
		json_array_append_new(arr, e);
	}
	if (!json_array_size(arr)) {
		libs = at(p->doc, "/sizes/libraries");
		for (i = 0; i < json_array_size(libs); i++) {
			json_t *l = json_array_get(libs, i), *e = json_object();

			json_object_set(e, "name", json_object_get(l, "name"));
			json_object_set(e, "bytes", json_object_get(l, "vm_size"));
			json_array_append_new(arr, e);
		}
	}
	return arr;
}

static void treemap(struct page *p, json_t *tree)
{
	putf(p, "<svg id=\"treemap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	     "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	     "aria-label=\"treemap of the image by library, module and symbol\">\n",
	     TM_W, TM_H, TM_W, TM_H);
	tm_nodes(p, tree, (struct tm_box){ 0, 0, TM_W, TM_H }, 0);
	put(p, "</svg>\n<p class=\"legend\"><span class=\"sw r\"></span> reachable "
	    "<span class=\"sw d\"></span> dead <span class=\"sw m\"></span> not known. "
	    "Click a box to zoom in, click it again to zoom out (with JavaScript).</p>\n");
}

/* A table of ROWs (docs/review.md: name, reachable, dead, then per trust class). */
static void tcb_rows(struct page *p, const char *key, const char *title)
{
	static const struct col cols[] = {
		{ "name", "name" }, { "reachable_bytes", "reachable" }, { "dead_bytes", "dead" },
		{ "ocaml_bytes", "OCaml" }, { "c_bytes", "C and assembly" },
		{ "tables_bytes", "tables" },
	};
	char ptr[64];

	putf(p, "<h3>%s</h3>\n", title);
	snprintf(ptr, sizeof(ptr), "/tcb/%s", key);
	if (!json_is_array(at(p->doc, ptr)))
		not_measured(p, "needs the build (--build DIR)");
	else
		table(p, p->doc, ptr, cols, N_COLS(cols), 0, NULL);
}

static void tcb_section(struct page *p)
{
	static const struct col libs[] = {
		{ "name", "library" }, { "live_vm_size", "reachable (VM bytes)" },
		{ "dead_vm_size", "dead (VM bytes)" },
	};
	static const struct col classes[] = {
		{ "class", "class" }, { "reachable_bytes", "reachable" }, { "dead_bytes", "dead" },
	};
	static const struct col unsafe[] = {
		{ "primitive", "primitive" }, { "sites", "sites" },
		{ "reachable_sites", "reachable" },
	};
	static const struct col facs[] = {
		{ "name", "facility" }, { "verdict", "verdict" },
		{ "reachable_bytes", "reachable" },
	};
	static const struct col ext[] = {
		{ "name", "name" }, { "bytes", "bytes" }, { "source", "source" },
	};
	json_t *arr;

	section(p, "tcb", "Trusted computing base");
	if (!at(p->doc, "/tcb")) {
		not_measured(p, "this report has no <code>tcb</code> section; the map shows each "
			     "library's reachable and dead bytes from the reachability analysis");
		arr = tm_fallback(p);
		treemap(p, arr);
		json_decref(arr);
		table(p, p->doc, "/reachability/dead/libraries", libs, N_COLS(libs), 0, NULL);
		put(p, "</section>\n");
		return;
	}
	put(p, "<p>Bytes that can run or be read at run time, by trust class (definition: ");
	fig(p, "/tcb/definition");
	put(p, ").</p>\n");
	table(p, p->doc, "/tcb/classes", classes, N_COLS(classes), 0, NULL);
	treemap(p, at(p->doc, "/tcb/tree"));
	put(p, "<h3>Unsafe primitives</h3>\n");
	if (json_array_size(at(p->doc, "/tcb/unsafe")))
		table(p, p->doc, "/tcb/unsafe", unsafe, N_COLS(unsafe), 0, NULL);
	else
		put(p, "<p>None seen.</p>\n");
	tcb_rows(p, "by_component", "By component");
	tcb_rows(p, "by_library", "By library");
	tcb_rows(p, "by_package", "By package");
	put(p, "<h3>By facility</h3>\n");
	table(p, p->doc, "/tcb/by_facility", facs, N_COLS(facs), 0, NULL);
	put(p, "<h3>What the image runs on</h3>\n");
	if (json_array_size(at(p->doc, "/tcb/external")))
		table(p, p->doc, "/tcb/external", ext, N_COLS(ext), 0, NULL);
	else
		put(p, "<p>Not given (<code>--external-tcb FILE</code>).</p>\n");
	put(p, "</section>\n");
}

/* ---- facilities ------------------------------------------------------------- */

/* A witness chain: root first, each step a name (its address in the title). */
static void witness(struct page *p, const char *ptr)
{
	json_t *w = at(p->doc, ptr);
	size_t i;

	if (!json_array_size(w)) {
		put(p, "&#8212;");
		return;
	}
	put(p, "<ol class=\"chain\">");
	for (i = 0; i < json_array_size(w); i++) {
		put(p, "<li title=\"");
		esc(p, sval(json_object_get(json_array_get(w, i), "address")));
		put(p, "\"><code>");
		fig(p, "%s/%zu/name", ptr, i);
		put(p, "</code></li>");
	}
	put(p, "</ol>");
}

static void facility_table(struct page *p, const char *key)
{
	json_t *arr = atf(p->doc, "/%s", key);
	size_t i;
	char ptr[64];

	if (!json_is_array(arr)) {
		not_measured(p, "the facilities analysis did not run");
		return;
	}
	put(p, "<table><thead><tr><th>name</th><th>class</th><th>device</th><th>verdict</th>"
	    "<th>bytes</th><th>reachable</th><th>dead</th><th>witness (root first)</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < json_array_size(arr); i++) {
		const char *v = sval(atf(p->doc, "/%s/%zu/verdict", key, i));

		put(p, "<tr>");
		td(p, "/%s/%zu/name", key, i);
		td(p, "/%s/%zu/class", key, i);
		td(p, "/%s/%zu/device", key, i);
		putf(p, "<td class=\"v-%s\">", v && strspn(v, "abcdefghijklmnopqrstuvwxyz") ==
		     strlen(v) ? v : "unknown");
		fig(p, "/%s/%zu/verdict", key, i);
		put(p, "</td>");
		td(p, "/%s/%zu/bytes", key, i);
		td(p, "/%s/%zu/reachable_bytes", key, i);
		td(p, "/%s/%zu/dead_bytes", key, i);
		put(p, "<td>");
		snprintf(ptr, sizeof(ptr), "/%s/%zu/witness", key, i);
		witness(p, ptr);
		if (sval(atf(p->doc, "/%s/%zu/inert_rule", key, i))) {
			put(p, " inert: ");
			fig(p, "/%s/%zu/inert_rule", key, i);
		}
		if (sval(atf(p->doc, "/%s/%zu/not_inert", key, i))) {
			put(p, " not inert: ");
			fig(p, "/%s/%zu/not_inert", key, i);
		}
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table>\n");
}

static void facilities(struct page *p)
{
	section(p, "facilities", "Drivers and facilities");
	put(p, "<p>Each facility of the catalogue: <em>sealed</em> (not in the image), "
	    "<em>dead</em> (in it, never reached), <em>inert</em>, or <em>reachable</em> with the "
	    "chain of references from a root that proves it.</p>\n<h3>Drivers</h3>\n");
	facility_table(p, "drivers");
	put(p, "<h3>Every facility</h3>\n");
	facility_table(p, "facilities");
	put(p, "</section>\n");
}

/* ---- graphs ------------------------------------------------------------------ */

/*
 * One drawing inlined: Graphviz's SVG in BUF from its <svg> on (no XML prolog, no DOCTYPE),
 * with its comments left out: they repeat names, and a comment is one more place to escape.
 */
static void figure(struct page *p, const char *id, const char *title, const char *buf,
		   size_t len, const char *why_not)
{
	const char *s = buf ? strstr(buf, "<svg") : NULL, *end = s ? buf + len : NULL, *c;

	putf(p, "<figure id=\"%s\">\n<figcaption>%s</figcaption>\n", id, title);
	if (!s)
		putf(p, "<p class=\"na\">Not drawn: %s.</p>\n", why_not);
	while (s && s < end) {
		c = strstr(s, "<!--");
		if (!c) {
			fwrite(s, 1, (size_t)(end - s), p->out);
			break;
		}
		fwrite(s, 1, (size_t)(c - s), p->out);
		s = strstr(c + 4, "-->");
		s = s ? s + 3 : end;
	}
	put(p, "</figure>\n");
}

/* The library graph (needs the condensed graph) and the facility graph, one context. */
static void graphs(struct page *p)
{
	static const char *const ids[] = { "graph-library", "graph-facility" };
	static const char *const titles[] = { "Libraries and their references",
					      "Facilities reached from the roots" };
	struct view views[2];
	FILE *outs[2] = { NULL, NULL };
	char *bufs[2] = { NULL, NULL };
	size_t lens[2] = { 0, 0 }, n = 0, i;
	bool can[2];
	int rc = -1;

	can[0] = p->a && p->a->facts.condense.is_done;
	can[1] = p->a && p->a->facts.facilities.is_done;
	for (i = 0; i < 2; i++) {
		if (!can[i] || !(outs[n] = open_memstream(&bufs[i], &lens[i])))
			continue;
		views[n++] = (struct view){ .kind = VIEW_GRAPH, .graph_focus = -1,
					    .graph_level = i ? GRAPH_FACILITY : GRAPH_LIBRARY,
					    .top_n = p->v->top_n };
	}
	if (n)
		rc = dot_render_each(p->a, views, n, "svg", outs);
	for (i = 0; i < n; i++)
		if (fclose(outs[i]) != 0)
			rc = -1;
	section(p, "graphs", "Graphs");
	put(p, "<p>Drawn by Graphviz from the same audit. The libraries: who refers to whom, "
	    "sized by bytes, grey when dead. The facilities: the witness chains from the roots "
	    "to each reachable facility.</p>\n");
	for (i = 0; i < 2; i++) {
		figure(p, ids[i], titles[i], rc == 0 ? bufs[i] : NULL, lens[i],
		       !p->a ? "the page was made from a saved report" :
		       !can[i] ? "<code>mirage-audit review</code> draws it" :
		       "Graphviz could not draw it");
		free(bufs[i]);
	}
	put(p, "</section>\n");
}

/* ---- hardening, instructions, secrets ---------------------------------------- */

static void hardening(struct page *p)
{
	static const struct col checks[] = {
		{ "rule", "rule" }, { "title", "check" }, { "status", "status" },
		{ "severity", "severity" }, { "location", "location" }, { "address", "address" },
		{ "evidence", "evidence" }, { "advice", "advice" },
	};
	static const struct col unprotected[] = {
		{ "name", "function" }, { "address", "address" }, { "frame", "frame" },
	};

	if (!section_of(p, "hardening", "Hardening", "/hardening/checks",
			"the hardening checks did not run"))
		return;
	table(p, p->doc, "/hardening/checks", checks, N_COLS(checks), 0, "status");
	put(p, "<p>Stack protector: ");
	if (json_is_object(at(p->doc, "/hardening/stack_protector"))) {
		fig(p, "/hardening/stack_protector/protected");
		put(p, " of ");
		fig(p, "/hardening/stack_protector/with_buffer");
		put(p, " functions with a stack buffer carry a canary (");
		fig(p, "/hardening/stack_protector/functions");
		put(p, " functions, ");
		fig(p, "/hardening/stack_protector/undecoded");
		put(p, " not decoded). ");
	} else {
		put(p, "<span class=\"na\">not measured</span>. ");
	}
	put(p, "FORTIFY functions: ");
	fig(p, "/hardening/fortify_functions");
	put(p, ".</p>\n");
	if (json_array_size(at(p->doc, "/hardening/stack_protector/unprotected"))) {
		put(p, "<details><summary>Functions with a stack buffer and no canary</summary>\n");
		table(p, p->doc, "/hardening/stack_protector/unprotected", unprotected,
		      N_COLS(unprotected), 0, NULL);
		put(p, "</details>\n");
	}
	put(p, "</section>\n");
}

static void instructions(struct page *p)
{
	static const struct col totals[] = {
		{ "mnemonic", "mnemonic" }, { "sites", "sites" }, { "reachable", "reachable" },
	};
	static const struct col sites[] = {
		{ "address", "address" }, { "mnemonic", "mnemonic" }, { "function", "function" },
		{ "module", "module" }, { "library", "library" }, { "reachable", "reachable" },
	};

	if (!section_of(p, "instructions", "Privileged and sensitive instructions",
			"/privileged_instructions/totals", "the code was not decoded"))
		return;
	put(p, "<p>The image's own interface to what it runs on: every site of an instruction "
	    "that calls out (hypercalls, port I/O, system calls) or needs privilege.</p>\n");
	table(p, p->doc, "/privileged_instructions/totals", totals, N_COLS(totals), 0, NULL);
	if (json_array_size(at(p->doc, "/privileged_instructions/sites"))) {
		put(p, "<details><summary>Every site</summary>\n");
		table(p, p->doc, "/privileged_instructions/sites", sites, N_COLS(sites), 0, NULL);
		put(p, "</details>\n");
	}
	put(p, "</section>\n");
}

/* One table of the secrets section: the array KEY, its COLS, under TITLE. */
static void secrets_table(struct page *p, const char *key, const char *title,
			  const struct col *cols, size_t n_cols)
{
	char ptr[64];
	json_t *arr;

	snprintf(ptr, sizeof(ptr), "/secrets/%s", key);
	arr = at(p->doc, ptr);
	putf(p, "<h3>%s</h3>\n", title);
	if (json_array_size(arr))
		table(p, p->doc, ptr, cols, n_cols, 0, NULL);
	else
		put(p, json_is_array(arr) ? "<p>None.</p>\n" :
		    "<p class=\"na\">Not measured.</p>\n");
}

static void secrets(struct page *p)
{
	static const struct col keys[] = {
		{ "format", "format" }, { "algorithm", "algorithm" }, { "bits", "bits" },
		{ "offset", "offset" }, { "address", "address" }, { "section", "section" },
		{ "symbol", "symbol" },
	};
	static const struct col certs[] = {
		{ "format", "format" }, { "subject", "subject" }, { "issuer", "issuer" },
		{ "not_before", "not before" }, { "not_after", "not after" },
		{ "expired", "expired" }, { "self_signed", "self-signed" }, { "offset", "offset" },
		{ "address", "address" }, { "section", "section" }, { "symbol", "symbol" },
	};
	static const struct col creds[] = {
		{ "keyword", "keyword" }, { "text", "text (redacted)" }, { "entropy", "entropy" },
		{ "offset", "offset" }, { "address", "address" }, { "section", "section" },
	};
	static const struct col paths[] = {
		{ "path", "path" }, { "user", "user" }, { "count", "count" },
	};
	static const struct col tools[] = { { "what", "what" }, { "evidence", "evidence" } };

	if (!section_of(p, "secrets", "Secrets and surprises", "/secrets",
			"this report has no <code>secrets</code> section"))
		return;
	put(p, "<p>");
	fig(p, "/secrets/scanned_bytes");
	put(p, " bytes scanned.</p>\n");
	secrets_table(p, "private_keys", "Private keys", keys, N_COLS(keys));
	secrets_table(p, "certificates", "Certificates", certs, N_COLS(certs));
	secrets_table(p, "credentials", "Credential-like strings", creds, N_COLS(creds));
	secrets_table(p, "build_paths", "Build paths", paths, N_COLS(paths));
	secrets_table(p, "toolchain", "Compiler or toplevel linked in", tools, N_COLS(tools));
	put(p, "</section>\n");
}

/* ---- findings ------------------------------------------------------------------ */

static int sev_rank(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(severities) / sizeof(severities[0]); i++)
		if (!strcmp(s, severities[i]))
			return 3 - (int)i;
	return 0;
}

struct row_order {
	size_t i;
	int rank;
};

static int by_rank(const void *a, const void *b)
{
	const struct row_order *x = a, *y = b;

	if (x->rank != y->rank)
		return y->rank - x->rank;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void findings(struct page *p)
{
	json_t *arr = at(p->doc, "/findings");
	size_t n = json_array_size(arr), k;
	struct row_order *o;
	char ptr[64];

	if (!section_of(p, "findings", "Findings", "/findings",
			"the facilities analysis did not run"))
		return;
	if (!n) {
		put(p, "<p>None.</p>\n</section>\n");
		return;
	}
	/* Most severe first, in report order within a severity; the script re-sorts. */
	o = calloc(n, sizeof(*o));
	if (!o)
		return;
	for (k = 0; k < n; k++)
		o[k] = (struct row_order){ k, sev_rank(sval(atf(p->doc, "/findings/%zu/severity",
								  k))) };
	qsort(o, n, sizeof(*o), by_rank);
	put(p, "<table id=\"findings-table\"><thead><tr><th>rule</th>"
	    "<th data-sort=\"severity\" aria-sort=\"descending\"><button type=\"button\">"
	    "severity</button></th><th>facility</th><th>location</th><th>message</th>"
	    "<th>advice</th><th>witness</th></tr></thead><tbody>\n");
	for (k = 0; k < n; k++) {
		size_t i = o[k].i;

		putf(p, "<tr data-sev=\"%d\" data-i=\"%zu\">", o[k].rank, i);
		td(p, "/findings/%zu/rule", i);
		td(p, "/findings/%zu/severity", i);
		td(p, "/findings/%zu/facility", i);
		td(p, "/findings/%zu/location", i);
		td(p, "/findings/%zu/message", i);
		if (atf(p->doc, "/findings/%zu/advice", i))
			td(p, "/findings/%zu/advice", i);
		else
			put(p, "<td></td>");
		put(p, "<td>");
		snprintf(ptr, sizeof(ptr), "/findings/%zu/witness", i);
		witness(p, ptr);
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table>\n</section>\n");
	free(o);
}

/* ---- the diff against --baseline --------------------------------------------- */

static void diff_section(struct page *p)
{
	static const char *const levels[] = { "segments", "sections", "components", "libraries",
					      "modules", "symbols" };
	static const struct col verdicts_cols[] = {
		{ "name", "facility" }, { "old", "before" }, { "new", "after" },
	};
	static const struct col rows[] = {
		{ "name", "name" }, { "change", "change" }, { "file_delta", "file delta" },
		{ "vm_delta", "VM delta" }, { "old_vm_size", "VM before" },
		{ "new_vm_size", "VM after" },
	};
	char ptr[64];
	size_t l, n, shown;

	if (!p->diff)
		return;
	section(p, "diff", "Against the baseline");
	put(p, "<p>Baseline <code>");
	dfig(p, "/old/source");
	put(p, "</code> (");
	dfig(p, "/old/kind");
	put(p, "). ");
	dfig(p, "/summary/line");
	put(p, "</p>\n<p>Total change: ");
	dfig(p, "/total/file_delta");
	put(p, " bytes in the file, ");
	dfig(p, "/total/vm_delta");
	put(p, " in memory.</p>\n");
	if (json_array_size(at(p->diff, "/capabilities/verdicts"))) {
		put(p, "<h3>Verdicts that changed</h3>\n");
		table(p, p->diff, "/capabilities/verdicts", verdicts_cols, N_COLS(verdicts_cols), 0,
		      NULL);
	}
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		snprintf(ptr, sizeof(ptr), "/levels/%s/rows", levels[l]);
		n = json_array_size(at(p->diff, ptr));
		if (!n)
			continue;
		putf(p, "<h3>%s</h3>\n", levels[l]);
		shown = table(p, p->diff, ptr, rows, N_COLS(rows), p->v->top_n, NULL);
		if (shown < n)
			putf(p, "<p>%zu more rows in the embedded diff.</p>\n", n - shown);
	}
	put(p, "</section>\n");
}

/* ---- the page ---------------------------------------------------------------- */

/*
 * DOC's text inside <script type="application/json">: a '<' only ever occurs inside a JSON
 * string, where \u003c is the same character, so neither "</script" nor "<!--" can occur.
 */
static int embed(struct page *p, json_t *doc, const char *id)
{
	char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER), *s, *lt;

	if (!text)
		return -1;
	putf(p, "<script type=\"application/json\" id=\"%s\">\n", id);
	for (s = text; (lt = strchr(s, '<')); s = lt + 1) {
		fwrite(s, 1, (size_t)(lt - s), p->out);
		put(p, "\\u003c");
	}
	put(p, s);
	put(p, "\n</script>\n");
	free(text);
	return 0;
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1em;"
	"color:#222}\n"
	"h1{font-size:1.5em}h2{border-bottom:2px solid #456;margin-top:2em}\n"
	"table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:2px 6px;"
	"text-align:left;vertical-align:top}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.kv th{background:#eef}.na{color:#a60;font-style:italic}\n"
	".v-reachable{color:#b00;font-weight:bold}.v-sealed{color:#070}.v-dead{color:#555}"
	".v-inert{color:#660}.v-error{color:#b00;font-weight:bold}.v-warning{color:#a60}"
	".v-fail{color:#b00;font-weight:bold}\n"
	"tr.k-fail td{background:#fee}\n"
	"ol.chain{margin:0;padding:0;list-style:none;display:inline}ol.chain li{display:inline}"
	"ol.chain li+li:before{content:' \\2192  '}\n"
	"#treemap{max-width:100%;height:auto;border:1px solid #888;cursor:zoom-in}\n"
	"#treemap rect{stroke:#fff;stroke-width:.5}#treemap rect.c{fill:#e8e8f0;stroke:#556}"
	"#treemap rect.r{fill:#4a7fb5}#treemap rect.d{fill:#c8c8c8}#treemap rect.m{fill:#9db7d3}"
	"#treemap rect.o{fill:none;stroke:#556}\n"
	"#treemap text{font-size:10px;fill:#111;pointer-events:none}\n"
	".sw{display:inline-block;width:1em;height:1em;vertical-align:middle}"
	".sw.r{background:#4a7fb5}.sw.d{background:#c8c8c8}.sw.m{background:#9db7d3}\n"
	"figure svg{max-width:100%;height:auto}figure{margin:1em 0;overflow:auto}\n"
	"th button{font:inherit;border:0;background:none;cursor:pointer;"
	"text-decoration:underline}\n"
	"nav a{margin-right:1em}\n";

/*
 * The script: it records its own errors (data-js-errors) and that it ran (data-js), checks
 * the tagged figures against the embedded document (data-figure-mismatches), zooms the
 * treemap and sorts the findings by severity. The page reads the same without it.
 */
static const char script[] =
	"(function(){\n"
	"var root=document.documentElement,errs=[];\n"
	"function err(m){errs.push(String(m));\n"
	" root.setAttribute('data-js-errors',errs.join(' | '));}\n"
	"window.addEventListener('error',function(e){err(e.message);});\n"
	"try{\n"
	"var docs={};['report-data','diff-data'].forEach(function(id){\n"
	" var s=document.getElementById(id);if(s)docs[id]=JSON.parse(s.textContent);});\n"
	"function get(d,p){p.split('/').slice(1).forEach(function(k){\n"
	" k=k.replace(/~1/g,'/').replace(/~0/g,'~');d=(d===null||d===undefined)?undefined:d[k];});"
	"return d;}\n"
	"var n=0,bad=0;\n"
	"document.querySelectorAll('[data-json]').forEach(function(el){n++;\n"
	" var v=get(docs[el.getAttribute('data-doc')||'report-data'],\n"
	"  el.getAttribute('data-json'));\n"
	" if(v===undefined)bad++;\n"
	" else if(typeof v==='number'&&Math.abs(Number(el.textContent)-v)>0.01)bad++;});\n"
	"root.setAttribute('data-figures',n);root.setAttribute('data-figure-mismatches',bad);\n"
	"var svg=document.getElementById('treemap');\n"
	"if(svg){var full=svg.getAttribute('viewBox'),cur=full;\n"
	" svg.addEventListener('click',function(e){\n"
	"  var g=e.target.closest?e.target.closest('g[data-box]'):null;\n"
	"  var box=g?g.getAttribute('data-box'):full;\n"
	"  if(g&&box===cur){var up=g.parentNode.closest('g[data-box]');"
	"box=up?up.getAttribute('data-box'):full;}\n"
	"  cur=box;svg.setAttribute('viewBox',box);svg.setAttribute('data-zoom',box);});}\n"
	"var t=document.getElementById('findings-table');\n"
	"if(t){var th=t.querySelector('th[data-sort]'),desc=true;\n"
	" th.addEventListener('click',function(){desc=!desc;var tb=t.tBodies[0];\n"
	"  var rows=Array.prototype.slice.call(tb.rows);\n"
	"  rows.sort(function(a,b){\n"
	"   var d=(+a.getAttribute('data-sev'))-(+b.getAttribute('data-sev'));\n"
	"   if(desc)d=-d;return d||(+a.getAttribute('data-i'))-(+b.getAttribute('data-i'));});\n"
	"  rows.forEach(function(r){tb.appendChild(r);});\n"
	"  th.setAttribute('aria-sort',desc?'descending':'ascending');});}\n"
	"root.setAttribute('data-js','ran');\n"
	"}catch(e){err(e);}\n"
	"})();\n";

int html_page(struct json_t *doc, struct json_t *diff, const struct audit *a,
	      const struct view *v, FILE *out)
{
	struct page p = { .out = out, .doc = doc, .diff = diff, .a = a, .v = v };
	const char *path;
	int rc = 0;

	path = sval(at(p.doc, "/image/path"));
	put(&p, "<!DOCTYPE html>\n<html lang=\"en\" data-js=\"off\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>Security review: ");
	esc(&p, path);
	putf(&p, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
	     "<h1>Security review of <code>", style);
	esc(&p, path);
	put(&p, "</code></h1>\n<p>Written by ");
	fig(&p, "/tool/name");
	put(&p, " ");
	fig(&p, "/tool/version");
	put(&p, " from its report (schema ");
	fig(&p, "/schema");
	put(&p, " version ");
	fig(&p, "/schema_version");
	put(&p, "), which this page embeds whole (section Data): every figure carries the JSON "
	    "pointer of its value (<code>data-json</code>).</p>\n<nav>"
	    "<a href=\"#summary\">Summary</a><a href=\"#tcb\">TCB</a>"
	    "<a href=\"#facilities\">Facilities</a><a href=\"#graphs\">Graphs</a>"
	    "<a href=\"#hardening\">Hardening</a><a href=\"#instructions\">Instructions</a>"
	    "<a href=\"#secrets\">Secrets</a><a href=\"#findings\">Findings</a>");
	if (p.diff)
		put(&p, "<a href=\"#diff\">Diff</a>");
	put(&p, "<a href=\"#data\">Data</a></nav>\n</header>\n<main>\n");
	summary(&p);
	tcb_section(&p);
	facilities(&p);
	graphs(&p);
	hardening(&p);
	instructions(&p);
	secrets(&p);
	findings(&p);
	diff_section(&p);
	section(&p, "data", "Data");
	put(&p, "<p>The report document (<code>mirage-audit report -f json</code>) is in the "
	    "element <code>script#report-data</code> of this file");
	if (p.diff)
		put(&p, ", the diff document (<code>mirage-audit diff -f json</code>) in "
		    "<code>script#diff-data</code>");
	put(&p, "; every <code>&lt;</code> in them is written <code>\\u003c</code>.</p>\n");
	if (embed(&p, p.doc, "report-data") < 0 || (p.diff && embed(&p, p.diff, "diff-data") < 0))
		rc = -1;
	putf(&p, "</section>\n</main>\n<script>\n%s</script>\n</body>\n</html>\n", script);
	if (rc == 0 && ferror(out))
		rc = -1;
	return rc;
}

static int html_render(const struct audit *a, const struct view *v, FILE *out)
{
	json_t *doc = json_report_doc(a, v), *diff = NULL;
	int rc = -1;

	if (doc && (!v->diff || (diff = json_diff_doc(v->diff))))
		rc = html_page(doc, diff, a, v, out);
	json_decref(doc);
	json_decref(diff);
	return rc;
}

const struct reporter report_html = {
	.name = "html",
	.render = html_render,
	.views = VIEW_BIT(VIEW_REPORT),
};
