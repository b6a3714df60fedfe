// SPDX-License-Identifier: ISC
/* mirage-audit: global options and the command table. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/cli/cli.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "report", cmd_report, "what the image is made of: target, devices, sizes (default)" },
	{ "size", cmd_size, "nested size breakdown by segment, section, component, library, "
			    "module or symbol" },
	{ "dead", cmd_dead, "what cannot run: unreachable functions and bytes per level" },
	{ "facilities", cmd_facilities, "every facility sealed, dead or reachable, with evidence" },
	{ "drivers", cmd_drivers, "device drivers against the devices the manifest declares" },
	{ "why", cmd_why, "the shortest chain of references from a root to a symbol, module "
			  "or address" },
	{ "graph", cmd_graph, "draw modules, libraries or facilities with Graphviz "
			      "(dot, svg, png, pdf)" },
	{ "diff", cmd_diff, "compare two images or saved JSON reports: size deltas at every "
			    "level, capability changes" },
	{ "check", cmd_check, "hold an image against a size and capability budget (CI gate, "
			      "exit 1 on a violation)" },
	{ "verify", cmd_verify, "re-check a --certificate against its image (small separate "
				"checker)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: mirage-audit [-o FILE] [-f FORMAT] [--rules FILE] [-q|-v] [COMMAND] [OPTIONS] IMAGE...\n"
		"       mirage-audit COMMAND --help\n"
		"\n"
		"Audit MirageOS/Solo5/Xen unikernel images: what is in them, byte by byte.\n"
		"\n"
		"commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"global options:\n"
		"  -o, --output FILE    write to FILE (atomically) instead of standard output\n"
		"  -f, --format FORMAT  %s (default text); md, sarif and junit\n"
		"                       where a command offers them (see COMMAND --help)\n"
		"      --rules FILE     extra attribution rules, tried before the built-in ones\n"
		"      --precision MODE  conservative or ocaml (default): how references are read\n"
		"      --root SYMBOL    one more reachability root (repeatable)\n"
		"      --catalogue FILE  extra facility definitions, read before the built-in ones\n"
		"      --forbid FACILITY  exit 1 when it is reachable (a comma list is allowed)\n"
		"      --require-sealed FACILITY  exit 1 when any of it is in the image\n"
		"      --certificate FILE  write a certificate of the verdicts (one image; see verify)\n"
		"  -q, --quiet          no warnings on standard error\n"
		"  -v, --verbose        also print notes on standard error\n"
		"  -h, --help           this help\n"
		"      --version        print the version\n"
		"\n"
		"exit status: 0 ok, 1 a gate or policy failed, 2 usage or input error\n",
		cli_formats(VIEW_SIZE));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;
	size_t i;
	bool had_options;

	opterr = 0;	/* our own messages, in the house format */
	while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORT, opts, NULL)) != -1) {
		int r = cli_common_opt(c, optarg);

		if (r < 0)
			return MA_EXIT_ERROR;
		if (r)
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			return fflush(stdout) || ferror(stdout) ? MA_EXIT_ERROR : MA_EXIT_OK;
		case 'V':
			printf("mirage-audit %s\n", MA_VERSION);
			return fflush(stdout) || ferror(stdout) ? MA_EXIT_ERROR : MA_EXIT_OK;
		default:
			return cli_bad_option(NULL, argv);
		}
	}
	had_options = optind > 1;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		if (had_options)
			return cli_usage_error(NULL, "no image given");
		usage(stderr);
		return MA_EXIT_ERROR;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[0], cmds[i].name)) {
			optind = 0;
			return cmds[i].fn(argc, argv);
		}
	}
	if (!strcmp(argv[0], "help")) {
		/* "help CMD" is "CMD --help". */
		for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			if (!strcmp(argv[1], cmds[i].name)) {
				char *hargv[] = { argv[1], (char *)"--help", NULL };

				optind = 0;
				return cmds[i].fn(2, hargv);
			}
		}
		if (argc > 1)
			return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
		usage(stdout);
		return fflush(stdout) || ferror(stdout) ? MA_EXIT_ERROR : MA_EXIT_OK;
	}
	/* No command: the arguments are images, and the command is "report". */
	optind = 0;
	rc = cmd_report(argc + 1, argv - 1);
	return rc;
}
