/* SPDX-License-Identifier: ISC */
/* What a command asks a reporter to show (the view) and the reporter interface. */
#ifndef MA_REPORT_H
#define MA_REPORT_H

#include <stdio.h>

#include "audit/core/breakdown.h"
#include "audit/core/model.h"

enum view_kind {
	VIEW_REPORT,	/* the whole audit: image, platform, OCaml, sizes per level */
	VIEW_SIZE,	/* a nested breakdown */
	VIEW_DEAD,	/* unreachable functions and bytes per level */
	VIEW_WHY,	/* a witness path from a root to a target */
	VIEW_FACILITIES,	/* every catalogue facility's verdict, findings */
	VIEW_DRIVERS,	/* drivers against the manifest, findings */
	VIEW_GRAPH,	/* a drawing of the condensed reference graph or the facilities */
	VIEW_DIFF,	/* two snapshots compared: v->diff; the audit passed to render is NULL */
	VIEW_CHECK,	/* the image held against a budget: v->check (and v->check->diff) */
	VIEW_SEAL,	/* a seal's plan and before/after table, or a seal check: v->seal */
	VIEW_WHY_LINKED,	/* why the linker took a build object (the map's chain), and the
				   VIEW_WHY chain of why it can run */
};

#define VIEW_BIT(kind) (1u << (kind))
/* The views of one image's audit: every reporter but DOT renders these (graph is dot.c's). */
#define VIEW_AUDIT_ALL (VIEW_BIT(VIEW_REPORT) | VIEW_BIT(VIEW_SIZE) | VIEW_BIT(VIEW_DEAD) | \
			VIEW_BIT(VIEW_WHY) | VIEW_BIT(VIEW_FACILITIES) | VIEW_BIT(VIEW_DRIVERS))

enum graph_level {
	GRAPH_MODULE,	/* facts.condense.module, clustered by library */
	GRAPH_LIBRARY,	/* facts.condense.library */
	GRAPH_FACILITY,	/* facts.facilities: witness chains from the roots, the closed reachable set */
};

struct diff;
struct check;
struct seal_result;

struct why_step {
	uint32_t node;
	size_t edge;			/* edge from the previous step (SIZE_MAX for the root) */
};

struct view {
	enum view_kind kind;
	size_t top_n;			/* rows per level in text output (0 = all) */
	bool sort_vm;
	int levels[N_SIZE_LEVELS];	/* VIEW_SIZE: the -d levels, outermost first */
	size_t n_levels;
	struct breakdown_node root;	/* VIEW_SIZE: built by the command */
	bool show_retained;		/* VIEW_SIZE: --retained */
	bool is_first, is_last;		/* position among several images */
	/* VIEW_WHY */
	const char *why_query;		/* what the user asked for */
	bool why_found;			/* the target resolved to a node */
	const char *why_target;		/* what it resolved to */
	struct why_step *why_chain;	/* root first; n_why == 0 when unreachable */
	size_t n_why;
	size_t why_root;		/* index into reach.roots of the chain's root */
	/* VIEW_WHY_LINKED (and the why_* fields above for the reachability part) */
	ptrdiff_t link_target;		/* the build object asked about, -1 when none matched */
	const char *link_what;		/* how the query named it: "object", "module", "symbol" */
	uint32_t *link_chain;		/* build objects: the target, the one whose reference
					   pulled it in, ..., a link-line object */
	size_t n_link;
	bool is_link_complete;		/* the chain ends at an object on the link line */
	bool is_failed;			/* the command's answer is "no": cli_run exits 1 */
	/* VIEW_GRAPH; top_n: the largest condensed nodes kept (0 = all) */
	enum graph_level graph_level;
	ptrdiff_t graph_focus;		/* condensed node kept with its neighbours, or the only
					   facility drawn; -1 for none */
	/* VIEW_DIFF (text and json only); top_n: rows per level in text output (0 = all) */
	const struct diff *diff;
	/* VIEW_CHECK; top_n: rows of "what grew most" against the baseline */
	const struct check *check;
	/* VIEW_SEAL */
	const struct seal_result *seal;
};

struct reporter {
	const char *name;
	/* render: write A as seen through V to OUT; 0, or -1 on a write error. */
	int (*render)(const struct audit *a, const struct view *v, FILE *out);
	unsigned views;			/* VIEW_BIT()s of the view kinds it renders */
};

extern const struct reporter report_text, report_json, report_csv, report_md, report_sarif,
	report_junit, report_cyclonedx, report_html;

struct json_t;
/*
 * json_report_doc (reports/json.c): A's report document, the one `report -f json` writes
 * (V is read as a VIEW_REPORT), as a jansson tree the caller json_decref()s; NULL when it
 * cannot be built (out of memory). json_diff_doc: D's `diff -f json` document, the same.
 */
struct json_t *json_report_doc(const struct audit *a, const struct view *v);
struct json_t *json_diff_doc(const struct diff *d);
/*
 * html_page (reports/html.c): the review page of the report document DOC, with the diff
 * document DIFF (may be NULL) and the graphs of A (may be NULL: a page without drawings),
 * to OUT. report_html renders A's page through it. Returns 0, or -1 on a write error.
 */
int html_page(struct json_t *doc, struct json_t *diff, const struct audit *a,
	      const struct view *v, FILE *out);

/* reporter_find: the reporter named NAME, or NULL. */
const struct reporter *reporter_find(const char *name);
/* reporter_names: "text|json|csv|...", every format, for usage messages. */
const char *reporter_names(void);
/* reporter_names_for: the formats that render views of KIND, "|"-separated, into BUF. */
const char *reporter_names_for(enum view_kind kind, char *buf, size_t size);

/*
 * certificate_write (reports/certificate.c): the reachability certificate of
 * A as JSON to OUT (schema "mirage-audit/certificate", read back by
 * `mirage-audit verify`). A must have run the facilities analyzer. Returns 0,
 * or -1 on a write error or when the facts are missing.
 */
int certificate_write(const struct audit *a, FILE *out);

/*
 * sarif_merge (reports/sarif.c): the N SARIF logs DOCS[i] (LENS[i] bytes each, as
 * report_sarif renders one image) as one log whose runs are theirs in order, to OUT.
 * Returns 0, or -1 on a log that does not parse or a write error.
 */
int sarif_merge(char *const *docs, const size_t *lens, size_t n, FILE *out);

/*
 * dot_render: draw A's graph at V->graph_level with Graphviz (layout "dot")
 * in FORMAT (one of dot_formats(); "dot" is the graph source, unlaid) to OUT.
 * Names from the image are plain labels: ampersands escaped, and control bytes,
 * non-ASCII bytes and backslashes drawn as \xNN. Returns 0, -1 on a write error, -2 when
 * Graphviz cannot lay out or render (its message is on stderr).
 */
int dot_render(const struct audit *a, const struct view *v, const char *format, FILE *out);
/*
 * dot_render_each: the N drawings of A at VIEWS[i] in FORMAT to OUTS[i], as dot_render() draws
 * each, with one Graphviz context (a process must not use two in turn). Stops at the first
 * failure and returns it (-1 or -2), else 0.
 */
int dot_render_each(const struct audit *a, const struct view *views, size_t n,
		    const char *format, FILE **outs);
/* dot_format_known: FORMAT is one dot_render() draws. */
bool dot_format_known(const char *format);
/* dot_formats: "dot|svg|png|pdf", for usage messages. */
const char *dot_formats(void);

/* Helpers shared by the reporters (audit/core/escape.c). */

/* escape_text: NAME with control and non-ASCII bytes as \xNN, into BUF (always terminated). */
const char *escape_text(const char *name, char *buf, size_t size);
/* escape_md: as escape_text, and ASCII punctuation backslash-escaped (literal in CommonMark/GFM tables). */
const char *escape_md(const char *name, char *buf, size_t size);
/* escape_xml: as escape_text, and < > & " ' as entities (XML 1.0 text and attribute values). */
const char *escape_xml(const char *name, char *buf, size_t size);
/*
 * fputs_xml: NAME escaped as escape_xml() does, whole (never cut), to OUT: the one escaper
 * of the HTML page, for text and attribute values. 0, or -1 on a write error.
 */
int fputs_xml(const char *name, FILE *out);
/* human_size: "1.2 MiB", "512 B", into BUF. */
const char *human_size(uint64_t n, char *buf, size_t size);
/* percent: 100 * part / whole, 0 when whole is 0. */
double percent(uint64_t part, uint64_t whole);

#endif
