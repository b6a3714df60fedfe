// SPDX-License-Identifier: ISC
/*
 * Graphs drawn with Graphviz (the only user of <gvc.h>): the reference graph
 * condensed to modules (clustered by library) or libraries, and the facilities
 * with the witness chain of each reachable one inside the closed reachable set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "audit/core/report.h"
#include "audit/core/vocab.h"
#include "audit/core/xalloc.h"

#define LABEL_NAME_MAX 72	/* characters of a name shown before "..." */
#define NAME_BUF 512		/* an escaped name: LABEL_NAME_MAX bytes of at most 5 */
#define LABEL_BUF 2048		/* a label: text and at most two escaped names */
#define CHAIN_MAX 12		/* nodes of a witness chain drawn, nearest the facility */
#define OUTSIDE_ROW 5		/* facilities per row outside the reachable set */
#define FONT "Helvetica,Arial,sans-serif"

static const char *const formats[] = { "dot", "svg", "png", "pdf" };

bool dot_format_known(const char *format)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i], format))
			return true;
	return false;
}

const char *dot_formats(void)
{
	return "dot|svg|png|pdf";
}

/* Graphviz takes char *, and copies: our strings are never written through. */
static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

static void declare(Agraph_t *g, int kind, const char *name, const char *def)
{
	agattr(g, kind, (char *)name, (char *)def);
}

/*
 * label_escape: NAME as the text of a plain (never HTML-like) label, into BUF.
 * Graphviz interprets backslash escapes in labels (\N is the node's id, \n a
 * line break) and, in UTF-8 graphs, HTML entities: "&#1;" would become byte 1,
 * which no XML document may hold, and "&lt;" a '<' the name does not have. So
 * an ampersand becomes "&amp;", and a backslash, control and non-ASCII bytes
 * "\\xNN" (drawn as \xNN, as escape_text() writes them in text output): what
 * is drawn is the name, byte for byte, or an unambiguous escape. Quotes need
 * nothing: agwrite() quotes, the SVG writer escapes.
 */
static const char *label_escape(const char *name, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t o = 0, shown = 0;

	for (; *p && shown < LABEL_NAME_MAX && o + 9 < size; p++, shown++) {
		if (*p == '&') {
			memcpy(buf + o, "&amp;", 5);
			o += 5;
		} else if (*p < 0x20 || *p >= 0x7f || *p == '\\') {
			o += (size_t)snprintf(buf + o, size - o, "\\\\x%02x", *p);
		} else {
			buf[o++] = (char)*p;
		}
	}
	if (*p && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The bigger the node, the bigger its box and its name: area roughly follows bytes. */
static void size_node(Agnode_t *n, uint64_t bytes, uint64_t max)
{
	double f = max ? sqrt((double)bytes / (double)max) : 0;
	char b[32];

	snprintf(b, sizeof(b), "%.1f", 9.0 + 13.0 * f);
	set(n, "fontsize", b);
	snprintf(b, sizeof(b), "%.2f", 0.6 + 2.4 * f);
	set(n, "width", b);
}

static void grey_dead(Agnode_t *n)
{
	set(n, "style", "filled,dashed");
	set(n, "fillcolor", "grey90");
	set(n, "fontcolor", "grey50");
	set(n, "color", "grey50");
}

static const char *image_name(const struct audit *a, char *buf, size_t size)
{
	const char *p = a->image.path ? a->image.path : "image", *s = strrchr(p, '/');

	return label_escape(s ? s + 1 : p, buf, size);
}

/* ---- modules and libraries -------------------------------------------------------------- */

/* Edge records: the references an edge stands for (kept nodes and "[N others]" merge). */
struct edge_rec {
	Agrec_t h;
	uint64_t count;
};

#define EDGE_REC "mirage_audit"

static void add_edge(Agraph_t *g, Agnode_t *t, Agnode_t *h, uint64_t count)
{
	struct edge_rec *r;

	if (!t || !h || t == h)
		return;
	r = agbindrec(agedge(g, t, h, NULL, 1), (char *)EDGE_REC, sizeof(*r), 0);
	r->count += count;
}

static void style_edges(Agraph_t *g)
{
	Agnode_t *n;
	Agedge_t *e;
	char b[64];

	for (n = agfstnode(g); n; n = agnxtnode(g, n))
		for (e = agfstout(g, n); e; e = agnxtout(g, e)) {
			struct edge_rec *r = (struct edge_rec *)aggetrec(e, (char *)EDGE_REC, 0);

			if (!r)
				continue;
			snprintf(b, sizeof(b), "%llu reference%s", (unsigned long long)r->count,
				 r->count == 1 ? "" : "s");
			set(e, "tooltip", b);
			snprintf(b, sizeof(b), "%.1f", fmin(0.6 + log10((double)r->count), 3.0));
			set(e, "penwidth", b);
		}
}

/* One library's box: its kept modules and its "[N others]". */
struct lib_box {
	const char *name;
	Agraph_t *cluster;
	size_t n_others;
	uint64_t other_bytes;
	Agnode_t *others;
};

static size_t lib_of(struct lib_box **libs, size_t *n, size_t *alloc, const char *name)
{
	size_t i;

	/* Few libraries and a pass per node: a linear scan is fine (pointers usually match). */
	for (i = 0; i < *n; i++)
		if ((*libs)[i].name == name || !strcmp((*libs)[i].name, name))
			return i;
	xgrow(libs, alloc, *n + 1, sizeof(**libs));
	memset(&(*libs)[*n], 0, sizeof(**libs));
	(*libs)[*n].name = name;
	return (*n)++;
}

static Agraph_t *lib_cluster(Agraph_t *g, struct lib_box *lb, size_t i)
{
	char id[32], l[NAME_BUF];

	if (lb->cluster)
		return lb->cluster;
	snprintf(id, sizeof(id), "cluster_%zu", i);
	lb->cluster = agsubg(g, id, 1);
	set(lb->cluster, "label", label_escape(lb->name, l, sizeof(l)));
	set(lb->cluster, "style", "rounded");
	set(lb->cluster, "color", "grey60");
	set(lb->cluster, "fontcolor", "grey30");
	return lb->cluster;
}

/*
 * Nodes of one box with no edge between them share a rank, side by side: a
 * library of many modules would make the drawing very wide. Invisible edges
 * between pairs that have no edge stack each box's nodes, largest first, in
 * columns about as high as the box is wide.
 */
static void stack_boxes(Agraph_t *g, const struct lib_box *libs, size_t n_libs,
			Agnode_t *const *vis, const size_t *lib, size_t n)
{
	Agnode_t **col = xmalloc((n + n_libs + 1) * sizeof(*col));
	size_t b, i, m, h, j;

	for (b = 0; b < n_libs; b++) {
		for (i = 0, m = 0; i < n; i++)
			if (lib[i] == b && vis[i] && vis[i] != libs[b].others)
				col[m++] = vis[i];
		if (libs[b].others)
			col[m++] = libs[b].others;
		for (h = 1; h * h < m; h++)
			;
		for (j = 1; j < m; j++) {
			if (j % h == 0 || agedge(g, col[j - 1], col[j], NULL, 0) ||
			    agedge(g, col[j], col[j - 1], NULL, 0))
				continue;
			set(agedge(g, col[j - 1], col[j], NULL, 1), "style", "invis");
		}
	}
	free(col);
}

static void condensed_label(const struct condense_node *c, char *buf, size_t size)
{
	char nm[NAME_BUF], s1[32], s2[32];

	label_escape(c->name, nm, sizeof(nm));
	human_size(c->bytes, s1, sizeof(s1));
	if (c->bytes && !c->reachable_bytes)
		snprintf(buf, size, "%s\\n%s, all dead", nm, s1);
	else if (c->dead_bytes)
		snprintf(buf, size, "%s\\n%s, %s dead", nm, s1,
			 human_size(c->dead_bytes, s2, sizeof(s2)));
	else
		snprintf(buf, size, "%s\\n%s", nm, s1);
}

static void draw_condensed(const struct audit *a, const struct view *v, Agraph_t *g)
{
	const bool by_module = v->graph_level == GRAPH_MODULE;
	const struct condense_graph *cg = by_module ? &a->facts.condense.module :
						      &a->facts.condense.library;
	size_t n = cg->n_nodes, i, n_libs = 0, alloc = 0, n_kept = 0;
	bool *keep = xcalloc(n + 1, sizeof(*keep));
	size_t *lib = xcalloc(n + 1, sizeof(*lib));
	Agnode_t **vis = xcalloc(n + 1, sizeof(*vis));
	struct lib_box *libs = NULL;
	uint64_t max = 0;
	char id[48], l[LABEL_BUF], s[32], nm[NAME_BUF], fo[NAME_BUF];

	for (i = 0; i < n; i++)
		keep[i] = !v->top_n || i < v->top_n;
	if (v->graph_focus >= 0 && (size_t)v->graph_focus < n) {
		keep[v->graph_focus] = true;
		for (i = 0; i < cg->n_edges; i++) {
			if (cg->edges[i].src == (uint32_t)v->graph_focus)
				keep[cg->edges[i].dst] = true;
			if (cg->edges[i].dst == (uint32_t)v->graph_focus)
				keep[cg->edges[i].src] = true;
		}
	}
	/* By library, every hidden node goes to one "[N others]", outside any box. */
	for (i = 0; i < n; i++) {
		lib[i] = lib_of(&libs, &n_libs, &alloc, by_module ? cg->nodes[i].library : "");
		n_kept += keep[i];
		if (keep[i] && cg->nodes[i].bytes > max)
			max = cg->nodes[i].bytes;
		if (!keep[i]) {
			libs[lib[i]].n_others++;
			libs[lib[i]].other_bytes += cg->nodes[i].bytes;
		}
	}
	for (i = 0; i < n_libs; i++)
		if (libs[i].other_bytes > max)
			max = libs[i].other_bytes;
	for (i = 0; i < n; i++) {
		const struct condense_node *c = &cg->nodes[i];
		Agraph_t *parent;

		if (!keep[i])
			continue;
		parent = by_module ? lib_cluster(g, &libs[lib[i]], lib[i]) : g;
		snprintf(id, sizeof(id), "n%zu", i);
		vis[i] = agnode(parent, id, 1);
		condensed_label(c, l, sizeof(l));
		set(vis[i], "label", l);
		size_node(vis[i], c->bytes, max);
		if (c->bytes && !c->reachable_bytes)
			grey_dead(vis[i]);
		if ((ptrdiff_t)i == v->graph_focus) {
			set(vis[i], "penwidth", "3");
			set(vis[i], "color", "#1f4e8c");
		}
	}
	for (i = 0; i < n_libs; i++) {
		struct lib_box *lb = &libs[i];

		if (!lb->n_others)
			continue;
		snprintf(id, sizeof(id), "o%zu", i);
		lb->others = agnode(by_module ? lib_cluster(g, lb, i) : g, id, 1);
		snprintf(l, sizeof(l), "[%zu other%s]\\n%s", lb->n_others,
			 lb->n_others == 1 ? "" : "s", human_size(lb->other_bytes, s, sizeof(s)));
		set(lb->others, "label", l);
		set(lb->others, "style", "filled,rounded");
		set(lb->others, "fillcolor", "grey97");
		set(lb->others, "fontcolor", "grey30");
		size_node(lb->others, lb->other_bytes, max);
	}
	for (i = 0; i < n; i++)
		if (!vis[i])
			vis[i] = libs[lib[i]].others;
	for (i = 0; i < cg->n_edges; i++)
		add_edge(g, vis[cg->edges[i].src], vis[cg->edges[i].dst], cg->edges[i].count);
	style_edges(g);
	if (by_module)
		stack_boxes(g, libs, n_libs, vis, lib, n);
	snprintf(l, sizeof(l), "%s: %s%s, %zu of %zu by mapped size%s%s",
		 image_name(a, nm, sizeof(nm)), by_module ? "modules" : "libraries",
		 by_module ? " by library" : "", n_kept, n,
		 v->graph_focus >= 0 ? ", and the neighbours of " : "",
		 v->graph_focus >= 0 ?
		 label_escape(cg->nodes[v->graph_focus].name, fo, sizeof(fo)) : "");
	set(g, "label", l);
	free(keep);
	free(lib);
	free(vis);
	free(libs);
}

/* ---- facilities -------------------------------------------------------------------------- */

static const char *root_why(const struct reach_facts *rf, uint32_t node)
{
	size_t i;

	for (i = 0; i < rf->n_roots; i++)
		if (rf->roots[i].node == node)
			return rf->roots[i].why;
	return "root";
}

/* The shortest chain from the roots to WITNESS, then a dotted "part of" to the facility. */
static void draw_chain(const struct audit *a, Agraph_t *g, Agraph_t *live, Agnode_t *roots,
		       Agnode_t *fac, int32_t witness)
{
	const struct reach_facts *rf = &a->facts.reach;
	const struct refgraph_facts *rg = &a->facts.refgraph;
	uint32_t chain[CHAIN_MAX];
	size_t n = witness >= 0 ? reach_chain(a, (uint32_t)witness, chain, CHAIN_MAX) : 0, k;
	Agnode_t *prev = roots;
	Agedge_t *e;
	char id[32], buf[256], l[NAME_BUF];

	for (k = 0; k < n; k++) {
		Agnode_t *c;

		snprintf(id, sizeof(id), "c%u", chain[k]);
		c = agnode(g, id, 0);
		if (!c) {
			c = agnode(live, id, 1);
			set(c, "label", label_escape(layout_node_name(a, chain[k], buf,
								      sizeof(buf)), l, sizeof(l)));
			set(c, "shape", "ellipse");
			set(c, "fillcolor", "white");
			set(c, "fontsize", "9");
		}
		e = agedge(g, prev, c, NULL, 1);
		if (k == 0 && rf->parent[chain[0]] >= 0) {
			/* Longer than CHAIN_MAX: the steps nearest the root are left out. */
			set(e, "label", "...");
			set(e, "style", "dashed");
		} else if (k == 0) {
			set(e, "label", label_escape(root_why(rf, chain[0]), l, sizeof(l)));
		} else if (rf->parent_edge[chain[k]] < rg->n_edges) {
			set(e, "label", edge_kind_name(rg->edges[rf->parent_edge[chain[k]]].kind));
		}
		prev = c;
	}
	e = agedge(g, prev, fac, NULL, 1);
	set(e, "style", "dotted");
	set(e, "arrowhead", "none");
	set(e, "label", n ? "part of" : "?");
}

static void facility_label(const struct facility *f, char *buf, size_t size)
{
	char nm[NAME_BUF], s1[32], s2[32];

	label_escape(f->name, nm, sizeof(nm));
	human_size(f->bytes, s1, sizeof(s1));
	switch (f->verdict) {
	case VERDICT_SEALED:
		snprintf(buf, size, "%s (%s)\\nsealed: not in the image", nm, f->klass);
		break;
	case VERDICT_DEAD:
		snprintf(buf, size, "%s (%s)\\ndead, %s", nm, f->klass, s1);
		break;
	case VERDICT_UNKNOWN:
		snprintf(buf, size, "%s (%s)\\nunknown: no symbols to match", nm, f->klass);
		break;
	case VERDICT_INERT:
		snprintf(buf, size, "%s (%s)\\ninert: reachable stubs, %s", nm, f->klass, s1);
		break;
	case VERDICT_REACHABLE:
		if (f->dead_bytes)
			snprintf(buf, size, "%s (%s)\\nreachable, %s (%s dead)", nm, f->klass, s1,
				 human_size(f->dead_bytes, s2, sizeof(s2)));
		else
			snprintf(buf, size, "%s (%s)\\nreachable, %s", nm, f->klass, s1);
		break;
	}
}

/* A dashed box outside the reachable set: dead, sealed or unknown facilities. */
struct outside {
	const char *id, *label;
	Agraph_t *box;
	Agnode_t *prev;
	size_t n;
};

/*
 * outside_add: a node in box O (made on first use). Nodes without edges share
 * a rank, in one long column: invisible edges lay them out in rows instead.
 */
static Agnode_t *outside_add(Agraph_t *g, struct outside *o, const char *id)
{
	Agnode_t *n;

	if (!o->box) {
		o->box = agsubg(g, (char *)o->id, 1);
		set(o->box, "label", o->label);
		set(o->box, "style", "rounded,dashed");
		set(o->box, "color", "grey60");
		set(o->box, "fontcolor", "grey30");
	}
	n = agnode(o->box, (char *)id, 1);
	if (o->prev && o->n % OUTSIDE_ROW)
		set(agedge(g, o->prev, n, NULL, 1), "style", "invis");
	o->prev = n;
	o->n++;
	return n;
}

static void draw_facilities(const struct audit *a, const struct view *v, Agraph_t *g)
{
	const struct facility_facts *ff = &a->facts.facilities;
	const struct reach_facts *rf = &a->facts.reach;
	Agraph_t *live = agsubg(g, (char *)"cluster_reachable", 1);
	struct outside dead = { .id = "cluster_dead",
				.label = "dead: in the image, unreachable (strippable)" };
	struct outside sealed = { .id = "cluster_sealed", .label = "sealed: not in the image" };
	struct outside unknown = { .id = "cluster_unknown",
				   .label = "unknown: no symbol table, absence proves nothing" };
	Agnode_t *roots;
	size_t i, n_verdict[VERDICT_INERT + 1] = { 0 };
	uint64_t max = 0;
	char id[32], l[LABEL_BUF], nm[NAME_BUF], inert[48];

	set(live, "label", rf->is_complete ? "reachable set (closed: no reference leaves it)" :
		"reachable set: the whole image (no code analysis, nothing is called dead)");
	set(live, "style", "rounded");
	set(live, "color", "darkgreen");
	set(live, "fontcolor", "darkgreen");
	set(live, "penwidth", "2");
	roots = agnode(live, (char *)"roots", 1);
	snprintf(l, sizeof(l), "roots\\n%zu in all", rf->n_roots);
	set(roots, "label", l);
	set(roots, "shape", "invhouse");
	set(roots, "fillcolor", "#fff2cc");
	for (i = 0; i < ff->n; i++)
		if (ff->v[i].bytes > max)
			max = ff->v[i].bytes;
	for (i = 0; i < ff->n; i++) {
		const struct facility *f = &ff->v[i];
		Agnode_t *fn = NULL;

		if (v->graph_focus >= 0 && (size_t)v->graph_focus != i)
			continue;
		n_verdict[f->verdict]++;
		snprintf(id, sizeof(id), "f%zu", i);
		switch (f->verdict) {
		case VERDICT_REACHABLE:
		case VERDICT_INERT:
			fn = agnode(live, id, 1);
			/* Inert code is reached but cannot act: drawn without the alarm colour. */
			set(fn, "fillcolor", strcmp(f->klass, "forbidden") ? "#d9ead3" :
				f->verdict == VERDICT_INERT ? "#fce5cd" : "#f4cccc");
			if (!strcmp(f->klass, "forbidden") && f->verdict == VERDICT_REACHABLE)
				set(fn, "color", "red3");
			size_node(fn, f->bytes, max);
			draw_chain(a, g, live, roots, fn, f->witness);
			break;
		case VERDICT_DEAD:
			fn = outside_add(g, &dead, id);
			grey_dead(fn);
			size_node(fn, f->bytes, max);
			break;
		case VERDICT_SEALED:
			fn = outside_add(g, &sealed, id);
			set(fn, "style", "dotted");
			set(fn, "fontcolor", "grey40");
			size_node(fn, 0, max);
			break;
		case VERDICT_UNKNOWN:
			fn = outside_add(g, &unknown, id);
			set(fn, "style", "dashed");
			set(fn, "fontcolor", "grey40");
			size_node(fn, 0, max);
			break;
		}
		if (fn) {
			facility_label(f, l, sizeof(l));
			set(fn, "label", l);
		}
	}
	if (dead.box) {
		/* The one thing drawn for the boundary: no edge may cross it, so none is drawn. */
		Agnode_t *note = outside_add(g, &dead, "boundary");

		set(note, "shape", "note");
		set(note, "fillcolor", "white");
		set(note, "label", "boundary: no reference from the reachable set\\n"
		    "leads here; nothing outside it can run");
	}
	snprintf(inert, sizeof(inert), "%zu inert, ", n_verdict[VERDICT_INERT]);
	snprintf(l, sizeof(l), "%s: facilities, %zu reachable, %s%zu dead, %zu sealed%s",
		 image_name(a, nm, sizeof(nm)), n_verdict[VERDICT_REACHABLE],
		 n_verdict[VERDICT_INERT] ? inert : "", n_verdict[VERDICT_DEAD],
		 n_verdict[VERDICT_SEALED],
		 n_verdict[VERDICT_UNKNOWN] ? ", the rest unknown" : "");
	set(g, "label", l);
	set(g, "rankdir", "LR");
}

/* ---- rendering ---------------------------------------------------------------------------- */

/* Graphviz's errors in the house format; its warnings (fonts, sizes) are not ours to show. */
static int graphviz_error(char *msg)
{
	size_t n = strlen(msg);

	if (n && msg[n - 1] == '\n')
		n--;
	fprintf(stderr, "mirage-audit: graphviz: %.*s\n", (int)n, msg);
	return 0;
}

static void declare_defaults(Agraph_t *g)
{
	declare(g, AGRAPH, "label", "");
	declare(g, AGRAPH, "labelloc", "t");
	declare(g, AGRAPH, "fontname", FONT);
	declare(g, AGRAPH, "fontsize", "12");
	declare(g, AGRAPH, "style", "");
	declare(g, AGRAPH, "color", "black");
	declare(g, AGRAPH, "fontcolor", "black");
	declare(g, AGRAPH, "penwidth", "1");
	declare(g, AGRAPH, "rankdir", "TB");
	declare(g, AGRAPH, "nodesep", "0.3");
	declare(g, AGNODE, "shape", "box");
	declare(g, AGNODE, "style", "filled");
	declare(g, AGNODE, "fillcolor", "#dde8f5");
	declare(g, AGNODE, "color", "black");
	declare(g, AGNODE, "fontcolor", "black");
	declare(g, AGNODE, "fontname", FONT);
	declare(g, AGNODE, "fontsize", "10");
	declare(g, AGNODE, "width", "0.75");
	declare(g, AGNODE, "penwidth", "1");
	/* Translucent: dense graphs stay legible. */
	declare(g, AGEDGE, "color", "#40404080");
	declare(g, AGEDGE, "arrowsize", "0.6");
	declare(g, AGEDGE, "fontname", FONT);
	declare(g, AGEDGE, "fontsize", "8");
	declare(g, AGEDGE, "fontcolor", "grey30");
	declare(g, AGEDGE, "label", "");
	declare(g, AGEDGE, "style", "solid");
	declare(g, AGEDGE, "penwidth", "1");
	declare(g, AGEDGE, "arrowhead", "normal");
	declare(g, AGEDGE, "tooltip", "");
}

/* One drawing with the context GVC (see dot_render_each() for why one context). */
static int draw_one(GVC_t *gvc, const struct audit *a, const struct view *v, const char *format,
		    FILE *out)
{
	agusererrf old_errf = agseterrf(graphviz_error);
	agerrlevel_t old_level = agseterr(AGERR);
	Agraph_t *g = agopen((char *)"mirage_audit", Agstrictdirected, NULL);
	int rc = 0;

	declare_defaults(g);
	if (v->graph_level == GRAPH_FACILITY)
		draw_facilities(a, v, g);
	else
		draw_condensed(a, v, g);
	if (!strcmp(format, "dot")) {
		/* The source, unlaid: agwrite() quotes every string it writes. */
		if (agwrite(g, out) != 0)
			rc = -1;
	} else if (gvLayout(gvc, g, "dot") != 0) {
		rc = -2;
	} else {
		char *data = NULL;
		unsigned int len = 0;

		/*
		 * Rendered to memory, then written here: Graphviz's own file
		 * writer exits on a short write, which would leave the -o
		 * temporary file behind and exit 1 instead of 2.
		 */
		if (gvRenderData(gvc, g, format, &data, &len) != 0 || !data)
			rc = -2;
		else if (fwrite(data, 1, len, out) != len)
			rc = -1;
		if (data)
			gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	agclose(g);
	agseterr(old_level);
	agseterrf(old_errf);
	if (rc == 0 && ferror(out))
		rc = -1;
	return rc;
}

int dot_render(const struct audit *a, const struct view *v, const char *format, FILE *out)
{
	return dot_render_each(a, v, 1, format, &out);
}

/*
 * One Graphviz context for every drawing: the pango plugin keeps a pointer into the first
 * context's font cache after gvFreeContext(), so text measured in a second context of the
 * process is compared with freed memory (valgrind shows it when the review page draws two).
 */
int dot_render_each(const struct audit *a, const struct view *views, size_t n,
		    const char *format, FILE **outs)
{
	GVC_t *gvc = gvContext();
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = draw_one(gvc, a, &views[i], format, outs[i]);
	gvFreeContext(gvc);
	return rc;
}
