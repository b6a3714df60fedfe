// SPDX-License-Identifier: ISC
/* CSV output (RFC 4180 quoting): one row per label, or per path of a nested breakdown. */
#include <inttypes.h>
#include <stdio.h>

#include "audit/report.h"

static void field(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
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

static int csv_render(const struct audit *a, const struct view *v, FILE *out)
{
	const struct size_facts *sf = &a->facts.sizes;
	size_t i;
	int l;

	if (v->kind == VIEW_SIZE) {
		const char *path[N_LEVELS] = { 0 };

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
};
