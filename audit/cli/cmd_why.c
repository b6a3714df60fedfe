// SPDX-License-Identifier: ISC
/* mirage-audit why IMAGE NAME|ADDRESS: a shortest chain of references from a root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void why_help(void)
{
	printf("usage: mirage-audit why [--precision conservative|ocaml] [--root SYMBOL]\n"
	       "                        [-o FILE] [-f FORMAT] [--rules FILE] [-q|-v]\n"
	       "                        IMAGE NAME|ADDRESS\n"
	       "\n"
	       "Print the shortest chain of references from a root (the ELF entry, an\n"
	       "init array, a platform entry, ...) to NAME (a symbol, or an OCaml module:\n"
	       "its nearest reachable part) or to ADDRESS (0x...), one reference per\n"
	       "line with the address of the instruction or data word that makes it, so\n"
	       "each step can be checked with objdump -d. Says so when there is none.\n"
	       "The whole chain is printed, however long.\n"
	       "\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more root (repeatable)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules (the libraries in JSON)\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n",
	       cli_formats(VIEW_WHY));
}

ptrdiff_t why_nearer(const struct audit *a, ptrdiff_t best, size_t i)
{
	const struct reach_facts *rf = &a->facts.reach;

	if (best < 0 || (rf->reached[i] && (!rf->reached[best] || rf->depth[i] < rf->depth[best])))
		return (ptrdiff_t)i;
	return best;
}

ptrdiff_t why_resolve(struct audit *a, const char *query, const char **what)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct image *img = &a->image;
	ptrdiff_t best = -1;
	size_t i;

	if (!strncmp(query, "0x", 2) || !strncmp(query, "0X", 2)) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(query, &end, 16);
		if (!errno && *end == '\0') {
			*what = arena_printf(&a->arena, "address %s", query);
			return layout_find(l, v);
		}
	}
	for (i = 0; i < l->n_nodes; i++)
		if (l->nodes[i].sym >= 0 && !strcmp(img->symbols[l->nodes[i].sym].name, query)) {
			*what = arena_printf(&a->arena, "symbol %s", query);
			return (ptrdiff_t)i;
		}
	/* An alias that owns no bytes of its own: the node holding its address. */
	for (i = 0; i < img->n_symbols; i++)
		if (img->symbols[i].section >= 0 && !strcmp(img->symbols[i].name, query)) {
			*what = arena_printf(&a->arena, "symbol %s", query);
			return layout_find(l, img->symbols[i].value);
		}
	if (strset_find(&a->facts.ocaml.unit_index, query) != UINT32_MAX) {
		const struct attribution_facts *af = &a->facts.attribution;

		for (i = 0; i < l->n_nodes; i++) {
			int32_t s = l->nodes[i].sym;

			if (s < 0 || af->sym_unit[s] < 0 ||
			    strcmp(a->facts.ocaml.units[af->sym_unit[s]].name, query))
				continue;
			best = why_nearer(a, best, i);
		}
		*what = arena_printf(&a->arena, "OCaml module %s", query);
	}
	return best;
}

static int prepare(struct audit *a, struct view *v)
{
	const char *what = NULL;
	ptrdiff_t n = why_resolve(a, v->why_query, &what);

	v->why_found = n >= 0;
	v->n_why = 0;
	if (n < 0)
		return diag_err(&a->diag, "'%s': no such symbol, module or mapped address",
				v->why_query);
	v->why_target = what;
	return why_chain_to(a, v, (size_t)n);
}

int why_chain_to(struct audit *a, struct view *v, size_t n)
{
	const struct reach_facts *rf = &a->facts.reach;
	size_t len = 0, i;
	int32_t p;

	v->n_why = 0;
	if (!rf->reached[n])
		return 0;
	/* Parents form a tree (BFS); the bound only guards against a broken invariant. */
	for (p = (int32_t)n; p >= 0 && len <= a->facts.layout.n_nodes; p = rf->parent[p])
		len++;
	if (len > a->facts.layout.n_nodes)
		return diag_err(&a->diag, "internal error: cycle in the reachability tree");
	v->why_chain = arena_array(&a->arena, len, sizeof(*v->why_chain));
	v->n_why = len;
	for (i = len, p = (int32_t)n; p >= 0 && i > 0; p = rf->parent[p]) {
		i--;
		v->why_chain[i].node = (uint32_t)p;
		v->why_chain[i].edge = rf->parent_edge[p];
	}
	for (i = 0; i < rf->n_roots; i++)
		if (rf->roots[i].node == v->why_chain[0].node)
			v->why_root = i;
	return 0;
}

int cmd_why(int argc, char **argv)
{
	struct view view = { .kind = VIEW_WHY };
	int r = cli_parse(argc, argv, NULL, NULL, why_help);

	if (r != CLI_GO)
		return r;
	if (argc - optind != 2)
		return cli_usage_error(NULL, "expected IMAGE and NAME|ADDRESS");
	view.why_query = argv[optind + 1];
	return cli_run(argv + optind, 1,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_ATTRIBUTION) |
		       AN_BIT(AN_REACH) | AN_BIT(AN_DEAD), &view, prepare);
}
