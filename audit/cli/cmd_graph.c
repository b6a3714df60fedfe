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

/* Long options without a short form: values past any character. */
enum { OPT_LEVEL = 0x100, OPT_FOCUS };

static void graph_help(void)
{
	printf("usage: mirage-audit graph [--level module|library|facility] [-f FORMAT] [-n N]\n"
	       "                          [--focus NAME] [--precision conservative|ocaml]\n"
	       "                          [--root SYMBOL] [--catalogue FILE] [--rules FILE]\n"
	       "                          [-o FILE] IMAGE\n"
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
	       "  -n N                 by module or library: the N largest kept (default 40,\n"
	       "                       0 = all), the rest one \"[N others]\" node per library\n"
	       "      --focus NAME     by module or library: keep NAME and every module or\n"
	       "                       library it refers to or is referred to by; by\n"
	       "                       facility: draw only facility NAME\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root (repeatable)\n"
	       "      --catalogue FILE  extra facility definitions, read first\n"
	       "      --rules FILE     extra attribution rules\n"
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
		fprintf(stderr, "mirage-audit: %s: %s\n", path,
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
			fprintf(stderr, "mirage-audit: %s: cannot draw the graph as '%s'\n", path,
				format);
		else
			fprintf(stderr, "mirage-audit: %s: write error\n",
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

static int graph_bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	/* getopt_long() names a long option's missing argument by its value: say it plainly. */
	if (optopt && !strncmp(arg, "--", 2))
		return cli_usage_error("graph", strchr(arg, '=') ?
				       "option '%s' takes no argument" :
				       "option '%s' requires an argument", arg);
	return cli_bad_option("graph", argv);
}

int cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "precision", required_argument, NULL, 'P' },
		{ "root", required_argument, NULL, 'T' },
		{ "catalogue", required_argument, NULL, 'C' },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "focus", required_argument, NULL, OPT_FOCUS },
		{ NULL, 0, NULL, 0 },
	};
	struct view view = { .kind = VIEW_GRAPH, .top_n = 40, .graph_focus = -1 };
	const char *format = NULL, *focus = NULL;
	int c;

	/* A global -f names a reporter; graph draws in formats of its own. */
	if (cli.format && !dot_format_known(cli.format))
		return cli_usage_error("graph", "format '%s' is not one graph draws (%s)",
				       cli.format, dot_formats());
	format = cli.format;
	while ((c = getopt_long(argc, argv, "o:f:qvhn:", opts, NULL)) != -1) {
		int r;

		switch (c) {
		case 'h':
			graph_help();
			return cli_help_done();
		case 'f':
			if (!dot_format_known(optarg))
				return cli_usage_error("graph", "unknown format '%s' (expected %s)",
						       optarg, dot_formats());
			format = optarg;
			continue;
		case 'n':
			if (cli_top_n("graph", optarg, &view.top_n))
				return MA_EXIT_ERROR;
			continue;
		case OPT_LEVEL:
			if (!strcmp(optarg, "module") || !strcmp(optarg, "modules"))
				view.graph_level = GRAPH_MODULE;
			else if (!strcmp(optarg, "library") || !strcmp(optarg, "libraries"))
				view.graph_level = GRAPH_LIBRARY;
			else if (!strcmp(optarg, "facility") || !strcmp(optarg, "facilities"))
				view.graph_level = GRAPH_FACILITY;
			else
				return cli_usage_error("graph", "unknown level '%s' (module, "
						       "library or facility)", optarg);
			continue;
		case OPT_FOCUS:
			focus = optarg;
			continue;
		case '?':
			return graph_bad_option(argv);
		}
		r = cli_common_opt(c, optarg);
		if (r < 0)
			return MA_EXIT_ERROR;
		if (!r)
			return graph_bad_option(argv);
	}
	if (argc - optind != 1)
		return cli_usage_error("graph", argc == optind ? "no image given" :
				       "expected one IMAGE");
	if (!format)
		format = format_of(cli.output);
	if (!format)
		format = "dot";
	if ((!strcmp(format, "png") || !strcmp(format, "pdf")) &&
	    (!cli.output || !strcmp(cli.output, "-")))
		return cli_usage_error("graph", "format '%s' needs -o FILE", format);
	return graph_image(argv[optind], &view, format, focus);
}
