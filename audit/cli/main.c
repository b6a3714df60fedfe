// SPDX-License-Identifier: ISC
/* mirage-audit: global options and the command table. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/cli/cli.h"

/*
 * The commands, and the one place that says which options each takes: any other is a
 * usage error naming it (cli_parse()). Each command's --help lists exactly these, and
 * tests/cli/t-cli.sh holds the two to each other. -q, -v and -h are in OPT_DOCUMENT.
 */
static const struct cli_command cmds[] = {
	{ "report", cmd_report, "what the image is made of: target, devices, sizes (default)",
	  OPT_DOCUMENT | OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_RULES) | OPT_REACH |
	  OPT_BIT(OPT_CATALOGUE) | OPT_POLICY | OPT_BIT(OPT_CERTIFICATE) | OPT_BUILD_INPUTS |
	  OPT_BIT(OPT_EXTERNAL_TCB) },
	{ "size", cmd_size, "nested size breakdown by segment, section, component, library, "
			    "module or symbol",
	  OPT_DOCUMENT | OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_LEVELS) | OPT_BIT(OPT_SORT) |
	  OPT_BIT(OPT_RETAINED) | OPT_BIT(OPT_RULES) | OPT_REACH /* with --retained */ |
	  OPT_BUILD_INPUTS },
	{ "dead", cmd_dead, "what cannot run: unreachable functions and bytes per level",
	  OPT_DOCUMENT | OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_RULES) | OPT_REACH |
	  OPT_BIT(OPT_CERTIFICATE) | OPT_BIT(OPT_CATALOGUE) /* with --certificate */ |
	  OPT_BUILD_INPUTS },
	{ "facilities", cmd_facilities, "every facility sealed, dead or reachable, with evidence",
	  OPT_DOCUMENT | OPT_BIT(OPT_RULES) | OPT_REACH | OPT_BIT(OPT_CATALOGUE) | OPT_POLICY |
	  OPT_BIT(OPT_CERTIFICATE) | OPT_BUILD_INPUTS },
	{ "drivers", cmd_drivers, "device drivers against the devices the manifest declares",
	  OPT_DOCUMENT | OPT_BIT(OPT_RULES) | OPT_REACH | OPT_BIT(OPT_CATALOGUE) | OPT_POLICY |
	  OPT_BIT(OPT_CERTIFICATE) },
	{ "why", cmd_why, "the shortest chain of references from a root to a symbol, module "
			  "or address",
	  OPT_DOCUMENT | OPT_BIT(OPT_RULES) | OPT_REACH },
	{ "why-linked", cmd_why_linked, "why the linker took a symbol, module or object (the "
					"map's chain), and why it can run",
	  OPT_DOCUMENT | OPT_BIT(OPT_RULES) | OPT_REACH | OPT_BUILD_INPUTS },
	{ "graph", cmd_graph, "draw modules, libraries or facilities with Graphviz "
			      "(dot, svg, png, pdf)",
	  OPT_DOCUMENT | OPT_BIT(OPT_LEVEL) | OPT_BIT(OPT_FOCUS) | OPT_REACH |
	  OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_RULES) /* by module or library */ |
	  OPT_BIT(OPT_CATALOGUE) /* by facility */ },
	{ "diff", cmd_diff, "compare two images or saved JSON reports: size deltas at every "
			    "level, capability changes",
	  OPT_DOCUMENT | OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_SORT) | OPT_BIT(OPT_RULES) |
	  OPT_BIT(OPT_CATALOGUE) | OPT_REACH },
	{ "check", cmd_check, "hold an image against a size and capability budget (CI gate, "
			      "exit 1 on a violation)",
	  OPT_DOCUMENT | OPT_BIT(OPT_BUDGET) | OPT_BIT(OPT_BASELINE) | OPT_BIT(OPT_RATCHET) |
	  OPT_BIT(OPT_ROWS) /* with --baseline */ | OPT_BIT(OPT_RULES) | OPT_BIT(OPT_CATALOGUE) |
	  OPT_REACH | OPT_BUILD_INPUTS | OPT_BIT(OPT_EXTERNAL_TCB) },
	{ "seal", cmd_seal, "replace the code proven dead by traps, recorded in the image; "
			    "--check re-audits a sealed image",
	  OPT_DOCUMENT | OPT_BIT(OPT_RULES) | OPT_REACH | OPT_BIT(OPT_LEVEL) | OPT_BIT(OPT_KEEP) |
	  OPT_BIT(OPT_STRIP_DEBUG) | OPT_BIT(OPT_STRIP_ALL) | OPT_BIT(OPT_CHECK) |
	  OPT_BIT(OPT_ROWS) | OPT_BUILD_INPUTS | OPT_BIT(OPT_RELINK) },
	{ "review", cmd_review, "one self-contained HTML page for a security review: verdicts, "
				"TCB, graphs, hardening, findings",
	  OPT_BIT(OPT_OUTPUT) | OPT_BIT(OPT_QUIET) | OPT_BIT(OPT_VERBOSE) | OPT_BIT(OPT_HELP) |
	  OPT_BIT(OPT_ROWS) | OPT_BIT(OPT_RULES) | OPT_REACH | OPT_BIT(OPT_CATALOGUE) |
	  OPT_BIT(OPT_BASELINE) | OPT_BUILD_INPUTS | OPT_BIT(OPT_EXTERNAL_TCB) },
	{ "verify", cmd_verify, "re-check a --certificate against its image (small separate "
				"checker)",
	  OPT_BIT(OPT_HELP) },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

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
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"A first word that is no command and no file, but within two letters of a\n"
		"command, is a misspelt command; any other is the first IMAGE of report.\n"
		"Options go before or after COMMAND; each command takes the options its --help\n"
		"lists and refuses any other (exit 2). Those of report, the default:\n"
		"\n"
		"  -o, --output FILE    write to FILE (atomically) instead of standard output\n"
		"  -f, --format FORMAT  %s (default text); md, sarif and junit\n"
		"                       where a command offers them (see COMMAND --help); with\n"
		"                       several images, json is one array of the documents and\n"
		"                       jsonl one document per line\n"
		CLI_HELP_ROWS
		"                       (in text and Markdown, in size's breakdown in every\n"
		"                       format and in graph's nodes; the same in every command)\n"
		"      --rules FILE     extra attribution rules, tried before the built-in ones\n"
		"      --precision MODE  conservative or ocaml (default): how references are read\n"
		"      --root SYMBOL    one more reachability root (repeatable)\n"
		"      --catalogue FILE  extra facility definitions, read before the built-in ones\n"
		"      --forbid FACILITY  exit 1 when it is reachable (a comma list is allowed)\n"
		"      --require-sealed FACILITY  exit 1 when any of it is in the image\n"
		"      --certificate FILE  write a certificate of the verdicts (one image; see verify)\n"
		CLI_HELP_BUILD
		"  -q, --quiet          no warnings on standard error\n"
		"  -v, --verbose        also print notes on standard error\n"
		"  -h, --help           this help\n"
		"      --version        print the version\n"
		"\n"
		"exit status: 0 ok, 1 a gate or policy failed, 2 usage or input error\n",
		cli_formats(VIEW_SIZE));
}

static void top_help(void)
{
	usage(stdout);
}

static const struct cli_command *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

/*
 * A word where the command goes that is no command and no existing file, but within two
 * edits of a command, is a misspelt command (say so, run nothing); any other word is the
 * first image of the default command.
 */
static bool is_misspelt(const char *word, const char **like)
{
	struct stat st;

	*like = cli_suggest(word, cmds, N_CMDS);
	return *like && stat(word, &st) != 0;
}

static int run(const struct cli_command *cmd, int argc, char **argv)
{
	cli_cmd = cmd;
	return cmd->fn(argc, argv);
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;
	const char *like;
	bool had_options;
	int r;

	r = cli_stash_top(argc, argv, top_help);
	if (r != CLI_GO)
		return r;
	had_options = optind > 1;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		if (had_options)
			return cli_usage_error(NULL, "no image given");
		usage(stderr);
		return MA_EXIT_ERROR;
	}
	if ((cmd = find(argv[0])))
		return run(cmd, argc, argv);
	if (!strcmp(argv[0], "help")) {
		/* "help CMD" is "CMD --help". */
		if (argc > 1 && (cmd = find(argv[1]))) {
			char *hargv[] = { argv[1], (char *)"--help", NULL };

			return run(cmd, 2, hargv);
		}
		if (argc > 1 && (like = cli_suggest(argv[1], cmds, N_CMDS)))
			return cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?",
					       argv[1], like);
		if (argc > 1)
			return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
		usage(stdout);
		return cli_help_done();
	}
	if (is_misspelt(argv[0], &like))
		return cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", argv[0],
				       like);
	/* No command: the arguments are images, and the command is "report". */
	return run(find("report"), argc + 1, argv - 1);
}
