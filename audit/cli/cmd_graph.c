// SPDX-License-Identifier: ISC
/* mirage-audit graph IMAGE: the image drawn with Graphviz, by module, library or facility. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/catalogue.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"
#include "audit/core/xalloc.h"

static void graph_help(void)
{
	printf("usage: mirage-audit graph [--level module|library|facility] [-f FORMAT] [-n N]\n"
	       "                          [--focus NAME] [--precision conservative|ocaml]\n"
	       "                          [--root SYMBOL] [--catalogue FILE] [--rules FILE]\n"
	       "                          [-o FILE] [-q|-v] IMAGE\n"
	       "\n"
	       "Draw the image with Graphviz. By module or library: the reference graph\n"
	       "condensed to those groups (modules boxed by library), each sized by its\n"
	       "mapped bytes, what no root reaches grey and dashed, an edge where one\n"
	       "group refers to another. By facility: each catalogue facility with its\n"
	       "verdict and bytes; for a reachable one, the shortest chain from the roots\n"
	       "inside the reachable set, which no reference leaves; dead and sealed ones\n"
	       "outside it.\n"
	       "\n"
	       "      --level LEVEL    module (default), library or facility\n"
	       "  -f, --format FORMAT  %s (default: the -o name's extension, else\n"
	       "                       dot); png and pdf need -o FILE\n"
	       CLI_HELP_ROWS
	       "                       (by module or library: the N largest nodes kept, the\n"
	       "                       rest one \"[N others]\" node per library)\n"
	       "      --focus NAME     by module or library: keep NAME and every module or\n"
	       "                       library it refers to or is referred to by; by\n"
	       "                       facility: draw only facility NAME\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root (repeatable)\n"
	       "      --catalogue FILE  by facility: extra facility definitions, read first\n"
	       "      --rules FILE     by module or library: extra attribution rules\n"
	       "  -o, --output FILE    write to FILE (atomically); - is standard output\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n",
	       dot_formats());
}

/* --focus NAME: a condensed node, or a facility; an unknown name is an input error. */
static int resolve_focus(struct audit *a, struct view *v, const char *focus)
{
	const struct facility_facts *ff = &a->facts.facilities;
	size_t i;

	v->graph_focus = -1;
	if (!focus)
		return 0;
	switch (v->graph_level) {
	case GRAPH_MODULE:
		v->graph_focus = condense_find(&a->facts.condense.module, focus);
		if (v->graph_focus < 0)
			return diag_err(&a->diag, "'%s': no such module", focus);
		return 0;
	case GRAPH_LIBRARY:
		v->graph_focus = condense_find(&a->facts.condense.library, focus);
		if (v->graph_focus < 0)
			return diag_err(&a->diag, "'%s': no such library", focus);
		return 0;
	case GRAPH_FACILITY:
		for (i = 0; i < ff->n; i++)
			if (!strcmp(ff->v[i].name, focus))
				v->graph_focus = (ptrdiff_t)i;
		if (v->graph_focus < 0)
			return diag_err(&a->diag, "'%s': no such facility in the catalogue", focus);
		return 0;
	}
	return 0;
}

static int graph_image(const char *path, struct view *v, const char *format, const char *focus)
{
	unsigned want = AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) |
			(v->graph_level == GRAPH_FACILITY ? AN_BIT(AN_FACILITIES) :
							    AN_BIT(AN_CONDENSE));
	struct rules rules;
	struct catalogue cat;
	struct output out;
	struct audit *a = NULL;
	int rc, ret = MA_EXIT_OK;

	catalogue_init(&cat);
	if (cli_load_rules(&rules) < 0) {
		rules_release(&rules);
		return MA_EXIT_ERROR;
	}
	if (cli_load_catalogue(&cat) < 0) {
		ret = MA_EXIT_ERROR;
		goto out;
	}
	a = xcalloc(1, sizeof(*a));
	audit_init(a, &rules);
	a->opt.precision = cli.precision;
	a->opt.roots = cli.roots;
	a->opt.n_roots = cli.n_roots;
	a->opt.catalogue = &cat;
	rc = image_load(&a->image, path, &a->arena, &a->diag);
	if (rc == 0)
		rc = analyzers_run(a, want);
	if (rc == 0)
		rc = resolve_focus(a, v, focus);
	if (rc < 0) {
		cli_error("%s: %s", path,
			a->diag.error ? a->diag.error : "unknown error");
		ret = MA_EXIT_ERROR;
		goto out;
	}
	cli_print_warnings(a);
	/* Opened only now: a bad image leaves no file behind. */
	if (output_open(&out, cli.output) < 0) {
		ret = MA_EXIT_ERROR;
		goto out;
	}
	rc = dot_render(a, v, format, out.f);
	if (rc == 0) {
		if (output_commit(&out) < 0)
			ret = MA_EXIT_ERROR;
	} else {
		output_abort(&out);
		if (rc == -2)
			cli_error("%s: cannot draw the graph as '%s'", path,
				format);
		else
			cli_error("%s: write error",
				cli.output ? cli.output : "standard output");
		ret = MA_EXIT_ERROR;
	}
out:
	if (a) {
		audit_release(a);
		free(a);
	}
	rules_release(&rules);
	catalogue_release(&cat);
	return ret;
}

/* The format -o FILE's extension names, or NULL. */
static const char *format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return NULL;
	if (!strcmp(dot, ".gv"))
		return "dot";
	return dot_format_known(dot + 1) ? dot + 1 : NULL;
}

struct graph_opts {
	struct view view;
	const char *format, *focus;
};

static int graph_opt(int opt, const char *arg, void *ctx)
{
	struct graph_opts *o = ctx;

	switch (opt) {
	case OPT_FORMAT:
		/* graph draws in formats of its own, not the reporters'. */
		if (!dot_format_known(arg)) {
			cli_usage_error(NULL, "format '%s' is not one graph draws (%s)", arg,
					dot_formats());
			return -1;
		}
		o->format = arg;
		return 1;
	case OPT_ROWS:
		return cli_rows_opt(opt, arg, &o->view);
	case OPT_LEVEL:
		if (!strcmp(arg, "module") || !strcmp(arg, "modules")) {
			o->view.graph_level = GRAPH_MODULE;
		} else if (!strcmp(arg, "library") || !strcmp(arg, "libraries")) {
			o->view.graph_level = GRAPH_LIBRARY;
		} else if (!strcmp(arg, "facility") || !strcmp(arg, "facilities")) {
			o->view.graph_level = GRAPH_FACILITY;
		} else {
			cli_usage_error(NULL, "unknown level '%s' (module, library or facility)",
					arg);
			return -1;
		}
		return 1;
	case OPT_FOCUS:
		o->focus = arg;
		return 1;
	default:
		return 0;
	}
}

int cmd_graph(int argc, char **argv)
{
	struct graph_opts o = {
		.view = { .kind = VIEW_GRAPH, .top_n = CLI_ROWS_DEFAULT, .graph_focus = -1 },
	};
	bool by_facility;
	int r = cli_parse(argc, argv, graph_opt, &o, graph_help);

	if (r != CLI_GO)
		return r;
	/* By facility, nothing is attributed or folded; by module or library, no catalogue. */
	by_facility = o.view.graph_level == GRAPH_FACILITY;
	if (cli_only_with(OPT_ROWS, !by_facility, "'--level module' or '--level library'") ||
	    cli_only_with(OPT_RULES, !by_facility, "'--level module' or '--level library'") ||
	    cli_only_with(OPT_CATALOGUE, by_facility, "'--level facility'"))
		return MA_EXIT_ERROR;
	if (argc - optind != 1)
		return cli_usage_error(NULL, argc == optind ? "no image given" :
				       "expected one IMAGE");
	if (!o.format)
		o.format = format_of(cli.output);
	if (!o.format)
		o.format = "dot";
	if ((!strcmp(o.format, "png") || !strcmp(o.format, "pdf")) &&
	    (!cli.output || !strcmp(cli.output, "-")))
		return cli_usage_error(NULL, "format '%s' needs -o FILE", o.format);
	return graph_image(argv[optind], &o.view, o.format, o.focus);
}
