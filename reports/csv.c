// SPDX-License-Identifier: ISC
/* CSV output (RFC 4180 quoting): one row per label, or per path of a nested breakdown. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/report.h"
#include "audit/core/vocab.h"

/*
 * One quoted field (RFC 4180: a quote doubled). Names from the image are
 * escaped as in text output (control and non-ASCII bytes and the backslash as
 * \xNN), so that a row is one line of printable ASCII: a newline or ESC in a
 * symbol name can neither split a row for line-based readers nor reach a
 * terminal.
 */
static void field(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else if (*p == '"')
			fputs("\"\"", out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void tree(FILE *out, const char *image, const struct breakdown_node *n, const char **path,
		 size_t depth, size_t n_levels)
{
	size_t i, k;

	for (i = 0; i < n->n_children; i++) {
		const struct breakdown_node *c = &n->children[i];

		path[depth] = c->name;
		if (depth + 1 == n_levels || !c->n_children) {
			field(out, image);
			fputc(',', out);
			for (k = 0; k < n_levels; k++) {
				field(out, k <= depth ? path[k] : "");
				fputc(',', out);
			}
			fprintf(out, "%" PRIu64 ",%" PRIu64 "\n", c->file_size, c->vm_size);
		} else {
			tree(out, image, c, path, depth + 1, n_levels);
		}
	}
}

/* dead: one row per label with dead bytes, per level, then one per dead function. */
static void dead_csv(const struct audit *a, const struct view *v, FILE *out)
{
	const struct dead_facts *df = &a->facts.dead;
	const struct size_facts *sf = &a->facts.sizes;
	size_t i;
	int l;
	char buf[128];

	if (v->is_first)
		fputs("image,level,name,dead_file_size,dead_vm_size\n", out);
	for (l = 0; l < N_LEVELS; l++)
		for (i = 0; i < df->n_rows[l]; i++) {
			const struct dead_row *r = &df->rows[l][i];

			field(out, a->image.path);
			fprintf(out, ",%s,", level_name(l));
			field(out, sf->labels[l].names[r->label]);
			fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", r->dead_file, r->dead_vm);
		}
	for (i = 0; i < df->n_functions; i++) {
		const struct dead_function *f = &df->functions[i];

		field(out, a->image.path);
		fputs(",function,", out);
		field(out, layout_node_name(a, f->node, buf, sizeof(buf)));
		fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", f->size, f->size);
	}
}

/* why: one row per step of the chain, root first. */
static void why_csv(const struct audit *a, const struct view *v, FILE *out)
{
	const struct refgraph_facts *g = &a->facts.refgraph;
	size_t i;
	char buf[128];

	if (v->is_first)
		fputs("image,step,name,address,kind,at\n", out);
	for (i = 0; i < v->n_why; i++) {
		const struct why_step *st = &v->why_chain[i];

		field(out, a->image.path);
		fprintf(out, ",%zu,", i);
		field(out, layout_node_name(a, st->node, buf, sizeof(buf)));
		fprintf(out, ",0x%" PRIx64 ",", a->facts.layout.nodes[st->node].lo);
		if (i == 0)
			fputs("root,\n", out);
		else
			fprintf(out, "%s,0x%" PRIx64 "\n", edge_kind_name(g->edges[st->edge].kind),
				g->edges[st->edge].at);
	}
}

/* facilities and drivers: one row per facility. */
static void facilities_csv(const struct audit *a, const struct view *v, FILE *out)
{
	const struct facility_facts *ff = &a->facts.facilities;
	size_t i;

	if (v->is_first)
		fputs("image,facility,class,device,verdict,bytes,reachable_bytes,dead_bytes\n", out);
	for (i = 0; i < ff->n; i++) {
		const struct facility *f = &ff->v[i];

		if (v->kind == VIEW_DRIVERS && strcmp(f->klass, "driver"))
			continue;
		field(out, a->image.path);
		fputc(',', out);
		field(out, f->name);
		fprintf(out, ",%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", f->klass,
			f->device ? f->device : "", verdict_name(f->verdict), f->bytes,
			f->reachable_bytes, f->dead_bytes);
	}
}

static int csv_render(const struct audit *a, const struct view *v, FILE *out)
{
	const struct size_facts *sf = &a->facts.sizes;
	size_t i;
	int l;

	if (v->kind == VIEW_DEAD) {
		dead_csv(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_WHY) {
		why_csv(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_FACILITIES || v->kind == VIEW_DRIVERS) {
		facilities_csv(a, v, out);
		return ferror(out) ? -1 : 0;
	}

	if (v->kind == VIEW_SIZE) {
		const char *path[N_SIZE_LEVELS] = { 0 };

		if (v->is_first) {
			fputs("image,", out);
			for (i = 0; i < v->n_levels; i++)
				fprintf(out, "%s,", level_name(v->levels[i]));
			fputs("file_size,vm_size\n", out);
		}
		tree(out, a->image.path, &v->root, path, 0, v->n_levels);
		return ferror(out) ? -1 : 0;
	}
	if (v->is_first)
		fputs("image,level,name,file_size,vm_size\n", out);
	for (l = 0; l < N_LEVELS; l++) {
		for (i = 0; i < sf->n_rows[l]; i++) {
			const struct size_row *r = &sf->rows[l][i];

			field(out, a->image.path);
			fprintf(out, ",%s,", level_name(l));
			field(out, sf->labels[l].names[r->label]);
			fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", r->file_size, r->vm_size);
		}
	}
	return ferror(out) ? -1 : 0;
}

const struct reporter report_csv = {
	.name = "csv",
	.render = csv_render,
	.views = VIEW_AUDIT_ALL,
};
