// SPDX-License-Identifier: ISC
/* mirage-audit dead IMAGE: what cannot run, by function, module, library and component. */
#include <stdio.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void dead_help(void)
{
	printf("usage: mirage-audit dead [-n N] [--precision conservative|ocaml] [--root SYMBOL]\n"
	       "                         [-o FILE] [-f FORMAT] [--rules FILE]\n"
	       "                         [--certificate FILE [--catalogue FILE]]\n"
	       "                         [--build DIR] [-M FILE.map] [-q|-v] IMAGE...\n"
	       "\n"
	       "List what no chain of references from a root reaches: dead bytes per\n"
	       "component, library and module, and the dead functions, largest first.\n"
	       "\"Dead\" is only said where the analysis is sure; see docs/reachability.md.\n"
	       "\n"
	       CLI_HELP_ROWS
	       "                       (text only: JSON and CSV always carry every row)\n"
	       "      --precision MODE  conservative, or ocaml (default): OCaml metadata tables\n"
	       "                       and module fields no reachable code reads are not uses\n"
	       "      --root SYMBOL    one more root (repeatable)\n"
	       CLI_HELP_BUILD
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n"
	       "      --certificate FILE  write a certificate of the verdicts (one image)\n"
	       "      --catalogue FILE  extra facility definitions for the certificate\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n",
	       cli_formats(VIEW_DEAD));
}

int cmd_dead(int argc, char **argv)
{
	struct view view = { .kind = VIEW_DEAD, .top_n = CLI_ROWS_DEFAULT };
	int r = cli_parse(argc, argv, cli_rows_opt, &view, dead_help);

	if (r != CLI_GO)
		return r;
	/* Facilities are only computed for a certificate's verdicts. */
	if (cli_only_with(OPT_CATALOGUE, cli_given(OPT_CERTIFICATE), "'--certificate'"))
		return MA_EXIT_ERROR;
	return cli_run(argv + optind, argc - optind,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_DEAD), &view, NULL);
}
