// SPDX-License-Identifier: ISC
/* mirage-audit [report] IMAGE...: the whole audit of each image. */
#include <stdio.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void report_help(void)
{
	printf("usage: mirage-audit [report] [-n N] [-o FILE] [-f FORMAT] [--rules FILE] IMAGE...\n"
	       "\n"
	       "Print what each image is made of: format, target and its evidence, Solo5\n"
	       "devices, Xen notes, OCaml facts, and the largest entries at every level\n"
	       "(segments, sections, components, libraries, modules, symbols).\n"
	       "\n"
	       "  -n N                 rows per level in text output (default 10, 0 = all);\n"
	       "                       JSON and CSV always carry every row\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n",
	       cli_formats(VIEW_REPORT));
}

int cmd_report(int argc, char **argv)
{
	struct view view = { .kind = VIEW_REPORT, .top_n = 10 };

	return cli_listing(argc, argv, "report", report_help, &view,
			   AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
			   AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES));
}
