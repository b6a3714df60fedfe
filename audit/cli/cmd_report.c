// SPDX-License-Identifier: ISC
/* mirage-audit [report] IMAGE...: the whole audit of each image. */
#include <stdio.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void report_help(void)
{
	printf("usage: mirage-audit [report] [-n N] [-o FILE] [-f FORMAT] [--rules FILE]\n"
	       "                    [--precision MODE] [--root SYMBOL] [--catalogue FILE]\n"
	       "                    [--forbid FACILITY[,...]] [--require-sealed FACILITY[,...]]\n"
	       "                    [--certificate FILE] [--build DIR] [-M FILE.map] [-q|-v]\n"
	       "                    IMAGE...\n"
	       "\n"
	       "Print what each image is made of: format, target and its evidence, Solo5\n"
	       "devices, Xen notes, OCaml facts, and the largest entries at every level\n"
	       "(segments, sections, components, libraries, modules, symbols).\n"
	       "\n"
	       CLI_HELP_ROWS
	       "                       (text only: JSON and CSV always carry every row)\n"
	       CLI_HELP_BUILD
	       "                       (the report gains its Build section: what was\n"
	       "                       available, linked and reachable, per library and package)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root (repeatable)\n"
	       "      --catalogue FILE  extra facility definitions, read first\n"
	       "      --forbid FACILITY  exit 1 when it is reachable (a comma list is allowed)\n"
	       "      --require-sealed FACILITY  exit 1 when any of it is in the image\n"
	       "      --certificate FILE  write a certificate of the verdicts (one image)\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n",
	       cli_formats(VIEW_REPORT));
}

/* With a build, the report's package level: every byte by the package of its object. */
static int prepare(struct audit *a, struct view *v)
{
	if (!a->facts.linkage.has_build)
		return 0;
	v->levels[0] = LEVEL_PACKAGE;
	v->n_levels = 1;
	breakdown_build(a, v->levels, v->n_levels, 0, false, &v->root);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct view view = { .kind = VIEW_REPORT, .top_n = CLI_ROWS_DEFAULT };
	int r = cli_parse(argc, argv, cli_rows_opt, &view, report_help);

	if (r != CLI_GO)
		return r;
	/* An SBOM is of one image, and of its build: without one it would list nothing. */
	if (cli.format && !strcmp(cli.format, "cyclonedx")) {
		if (!cli_given(OPT_BUILD) && !cli_given(OPT_MAP))
			return cli_usage_error(NULL, "-f cyclonedx needs the build: --build DIR or "
					       "-M FILE.map");
		if (argc - optind > 1)
			return cli_usage_error(NULL, "-f cyclonedx takes one image, not %d",
					       argc - optind);
	}
	return cli_run(argv + optind, argc - optind,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
		       AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES) | AN_BIT(AN_GADGETS) |
		       AN_BIT(AN_HARDENING) | AN_BIT(AN_INSNS) | AN_BIT(AN_SECRETS), &view,
		       prepare);
}
