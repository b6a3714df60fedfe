// SPDX-License-Identifier: ISC
/* mirage-audit dead IMAGE: what cannot run, by function, module, library and component. */
#include <stdio.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void dead_help(void)
{
	printf("usage: mirage-audit dead [-n N] [--precision conservative|ocaml] [--root SYMBOL]\n"
	       "                         [-o FILE] [-f FORMAT] [--rules FILE] IMAGE...\n"
	       "\n"
	       "List what no chain of references from a root reaches: dead bytes per\n"
	       "component, library and module, and the dead functions, largest first.\n"
	       "\"Dead\" is only said where the analysis is sure; see docs/reachability.md.\n"
	       "\n"
	       "  -n N                 rows per list in text output (default 20, 0 = all)\n"
	       "      --precision MODE  conservative, or ocaml (default): OCaml metadata tables\n"
	       "                       and module fields no reachable code reads are not uses\n"
	       "      --root SYMBOL    one more root (repeatable)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n",
	       cli_formats(VIEW_DEAD));
}

int cmd_dead(int argc, char **argv)
{
	struct view view = { .kind = VIEW_DEAD, .top_n = 20 };

	return cli_listing(argc, argv, "dead", dead_help, &view,
			   AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_DEAD));
}
