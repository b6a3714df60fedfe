// SPDX-License-Identifier: ISC
/* mirage-audit size IMAGE -d LEVEL[,LEVEL...]: a nested breakdown, like bloaty -d. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void size_help(void)
{
	printf("usage: mirage-audit size [-d LEVEL[,LEVEL...]] [-n N] [--sort file|vm]\n"
	       "                         [--retained [--precision MODE] [--root SYMBOL]]\n"
	       "                         [--build DIR | -M FILE.map] [-o FILE] [-f FORMAT]\n"
	       "                         [--rules FILE] [-q|-v] IMAGE...\n"
	       "\n"
	       "Break the file and VM sizes down by LEVEL, nested left to right, like\n"
	       "bloaty -d. Every level sums exactly to the file size and to the bytes the\n"
	       "PT_LOAD segments map.\n"
	       "\n"
	       "  -d LEVELS            comma list of segment, section, component, library,\n"
	       "                       module, symbol, package (default: section); package\n"
	       "                       needs the build: the opam package of the object whose\n"
	       "                       placed bytes hold each piece, \"[unknown]\" when no\n"
	       "                       file of the build says\n"
	       CLI_HELP_ROWS
	       "                       (in every format: the breakdown itself is folded)\n"
	       "  -s, --sort KEY       file (default) or vm\n"
	       "      --retained       add the retained size of each symbol: the bytes that\n"
	       "                       would become unreachable without it (dominator tree;\n"
	       "                       shown at the symbol level)\n"
	       "      --precision MODE  conservative or ocaml (default), with --retained\n"
	       "      --root SYMBOL    one more reachability root (repeatable), with --retained\n"
	       CLI_HELP_BUILD
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n",
	       cli_formats(VIEW_SIZE));
}

/* Retained bytes per symbol label: the sum over the nodes that carry that name. */
static void fill_retained(const struct view *v, const uint64_t *by_label,
			  struct breakdown_node *node, size_t depth, const struct strset *names)
{
	size_t i;

	for (i = 0; i < node->n_children; i++) {
		struct breakdown_node *ch = &node->children[i];

		if (v->levels[depth] == LEVEL_SYMBOL && !ch->is_other) {
			uint32_t id = strset_find(names, ch->name);

			ch->has_retained = true;
			ch->retained = id == UINT32_MAX ? 0 : by_label[id];
		}
		if (depth + 1 < v->n_levels)
			fill_retained(v, by_label, ch, depth + 1, names);
	}
}

static int prepare(struct audit *a, struct view *v)
{
	breakdown_build(a, v->levels, v->n_levels, v->top_n, v->sort_vm, &v->root);
	if (v->show_retained) {
		const struct strset *names = &a->facts.sizes.labels[LEVEL_SYMBOL];
		const struct layout_facts *l = &a->facts.layout;
		uint64_t *by_label = arena_array(&a->arena, names->n + 1, sizeof(*by_label));
		size_t i;

		for (i = 0; i < l->n_nodes; i++) {
			uint32_t id;

			if (l->nodes[i].sym < 0)
				continue;
			id = strset_find(names, a->image.symbols[l->nodes[i].sym].name);
			if (id != UINT32_MAX)
				by_label[id] += a->facts.retained.bytes[i];
		}
		fill_retained(v, by_label, &v->root, 0, names);
	}
	return 0;
}

static int parse_levels(struct view *v, const char *arg)
{
	char buf[256], *save = NULL, *t;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	v->n_levels = 0;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int l = level_parse(t);

		if (l < 0 || v->n_levels == N_SIZE_LEVELS)
			return -1;
		v->levels[v->n_levels++] = l;
	}
	return v->n_levels ? 0 : -1;
}

static int size_opt(int opt, const char *arg, void *ctx)
{
	struct view *view = ctx;

	switch (opt) {
	case OPT_LEVELS:
		if (parse_levels(view, arg) < 0) {
			cli_usage_error(NULL, "bad level list '%s' (expected a comma list of "
					"segment, section, component, library, module, symbol, "
					"package)",
					arg);
			return -1;
		}
		return 1;
	case OPT_ROWS:
		return cli_rows_opt(opt, arg, ctx);
	case OPT_RETAINED:
		view->show_retained = true;
		return 1;
	case OPT_SORT:
		return cli_sort_opt(arg, &view->sort_vm);
	default:
		return 0;
	}
}

int cmd_size(int argc, char **argv)
{
	struct view view = { .kind = VIEW_SIZE, .top_n = CLI_ROWS_DEFAULT,
			     .levels = { LEVEL_SECTION }, .n_levels = 1 };
	int r = cli_parse(argc, argv, size_opt, &view, size_help);
	size_t i;

	if (r != CLI_GO)
		return r;
	/* Reachability is computed only for the retained sizes. */
	if (cli_only_with(OPT_PRECISION, view.show_retained, "'--retained'") ||
	    cli_only_with(OPT_ROOT, view.show_retained, "'--retained'"))
		return MA_EXIT_ERROR;
	for (i = 0; i < view.n_levels; i++)
		if (view.levels[i] == LEVEL_PACKAGE && !cli_given(OPT_BUILD) && !cli_given(OPT_MAP))
			return cli_usage_error(NULL, "level 'package' needs the build: --build DIR "
					       "or -M FILE.map");
	return cli_run(argv + optind, argc - optind,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_SIZES) |
		       (view.show_retained ? AN_BIT(AN_RETAINED) : 0), &view, prepare);
}
