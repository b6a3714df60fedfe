// SPDX-License-Identifier: ISC
/* mirage-audit facilities|drivers IMAGE: sealed, dead or reachable, with the evidence. */
#include <stdio.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/cli/cli.h"

static void help(const char *cmd)
{
	bool is_drivers = !strcmp(cmd, "drivers");

	printf("usage: mirage-audit %s [--catalogue FILE] [--forbid FACILITY[,...]]\n"
	       "       [--require-sealed FACILITY[,...]] [--precision conservative|ocaml]\n"
	       "       [--root SYMBOL] [--certificate FILE] [-o FILE] [-f FORMAT] [--rules FILE]\n"
	       "       %s[-q|-v] IMAGE...\n"
	       "\n"
	       "%s\n"
	       "Each gets a verdict: sealed (none of its code or data is in the image),\n"
	       "dead (present but unreachable from every root: strippable, with its\n"
	       "bytes), reachable (with the shortest chain from a root) or unknown (no\n"
	       "symbols, or near misses: units or symbols sharing its name, no pattern's).\n"
	       "\n"
	       "      --catalogue FILE         extra facility definitions, read first\n"
	       "      --forbid FACILITY        exit 1 if it is reachable\n"
	       "      --require-sealed FACILITY exit 1 unless it is sealed\n"
	       "      --precision MODE         conservative or ocaml (default)\n"
	       "      --root SYMBOL            one more reachability root\n"
	       "      --certificate FILE       write the verdicts and the reachable set they rest\n"
	       "                               on, for mirage-audit verify (one image)\n"
	       "%s"
	       "  -o, --output FILE            write to FILE (atomically)\n"
	       "  -f, --format FORMAT          %s\n"
	       "      --rules FILE             extra attribution rules (the libraries in JSON)\n"
	       "  -q, --quiet                  no warnings on standard error\n"
	       "  -v, --verbose                also print notes on standard error\n",
	       cmd, is_drivers ? "" : "[--build DIR] [-M FILE.map] ", is_drivers ?
	       "Check the device drivers linked into each image against the devices its\n"
	       "Solo5 manifest declares: declared without driver code (MA-DRV-001),\n"
	       "driver reachable but not declared (MA-DRV-002), declared but unused\n"
	       "(MA-DRV-003), driver linked, unused and undeclared (MA-DRV-004)." :
	       "List every facility of the catalogue (devices, platform services, network\n"
	       "stack, protocols, storage, and what a sealed appliance should not have).",
	       is_drivers ? "" :
	       "      --build DIR              the image's build directory (docs/build.md): a\n"
	       "                               facility not in the image is said never built,\n"
	       "                               left out by the linker, or linked but dead\n"
	       "  -M, --map FILE               a GNU ld -Map file of the image's link\n",
	       cli_formats(strcmp(cmd, "drivers") ? VIEW_FACILITIES : VIEW_DRIVERS));
}

static void facilities_help(void)
{
	help("facilities");
}

static void drivers_help(void)
{
	help("drivers");
}

static int run(int argc, char **argv, enum view_kind kind)
{
	struct view view = { .kind = kind };
	int r = cli_parse(argc, argv, NULL, NULL,
			  kind == VIEW_DRIVERS ? drivers_help : facilities_help);

	if (r != CLI_GO)
		return r;
	return cli_run(argv + optind, argc - optind,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
		       AN_BIT(AN_FACILITIES), &view, NULL);
}

int cmd_facilities(int argc, char **argv)
{
	return run(argc, argv, VIEW_FACILITIES);
}

int cmd_drivers(int argc, char **argv)
{
	return run(argc, argv, VIEW_DRIVERS);
}
