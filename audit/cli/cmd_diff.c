// SPDX-License-Identifier: ISC
/* mirage-audit diff OLD NEW: size deltas at every level and the capability diff. */
#include <stdio.h>
#include <string.h>

#include "audit/cli/cli.h"
#include "audit/gates/diff.h"
#include "audit/cli/output.h"
#include "audit/gates/snapshot.h"

static void diff_help(void)
{
	printf("usage: mirage-audit diff [-n N] [--sort vm|file] [-o FILE] [-f text|json|md]\n"
	       "                         [--rules FILE] [--catalogue FILE] [--precision MODE]\n"
	       "                         [--root SYMBOL] OLD NEW\n"
	       "\n"
	       "Compare two images, or an image and a saved report (mirage-audit -f json\n"
	       "IMAGE > report.json), or two reports. The first line is bloat-o-meter's\n"
	       "summary over the symbols' VM sizes: add/remove: A/R grow/shrink: G/S\n"
	       "up/down: U/-D (NET). Then the file and VM deltas at every level (segments,\n"
	       "sections, components, libraries, modules, symbols), each row added, removed,\n"
	       "grown or shrunk, largest change first, summing exactly to the total delta;\n"
	       "then the capability diff: target and Solo5 ABI changes, manifest devices\n"
	       "added or removed, facilities and drivers whose verdict changed, and functions\n"
	       "that became reachable or dead (both sides must list their dead functions:\n"
	       "reports without a dead_functions array, from older versions, do not).\n"
	       "\n"
	       "  -n N                 rows per level in text output before \"[N others]\"\n"
	       "                       (default 20, 0 = all); JSON carries every row\n"
	       "  -s, --sort KEY       vm (default) or file: which delta orders the rows\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  text (default), json (schema mirage-audit/diff) or md\n"
	       "                       (a pull-request comment)\n"
	       "      --rules FILE     extra attribution rules, for image sides\n"
	       "      --catalogue FILE  extra facility definitions, for image sides\n"
	       "      --precision MODE  conservative or ocaml (default), for image sides\n"
	       "      --root SYMBOL    one more reachability root, for image sides\n"
	       "\n"
	       "exit status: 0 compared (whatever changed), 2 usage or input error\n");
}

static int run(const char *old_path, const char *new_path, struct view *v, bool sort_file)
{
	const struct reporter *rep = cli_reporter(VIEW_DIFF);
	struct snapshot old, new;
	struct rules rules;
	struct catalogue cat;
	struct diff d;
	struct output out;
	int rc = MA_EXIT_ERROR;

	snapshot_init(&old, old_path);
	snapshot_init(&new, new_path);
	catalogue_init(&cat);
	if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&cat) < 0)
		goto out;
	if (cli_load_snapshot(&old, old_path, &rules, &cat) < 0 ||
	    cli_load_snapshot(&new, new_path, &rules, &cat) < 0)
		goto out;
	diff_compute(&d, &old, &new, sort_file);
	v->diff = &d;
	if (output_open(&out, cli.output) == 0) {
		/* A write error is reported once, by output_commit(). */
		rep->render(NULL, v, out.f);
		if (output_commit(&out) == 0)
			rc = MA_EXIT_OK;
	}
	diff_release(&d);
out:
	snapshot_release(&old);
	snapshot_release(&new);
	rules_release(&rules);
	catalogue_release(&cat);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG,
		{ "sort", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct view view = { .kind = VIEW_DIFF, .top_n = 20, .is_first = true, .is_last = true };
	bool sort_file = false;
	int c;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "n:s:", opts, NULL)) != -1) {
		int r = cli_common_opt(c, optarg);
		if (r < 0)
			return MA_EXIT_ERROR;
		if (r)
			continue;
		switch (c) {
		case 'h':
			diff_help();
			return cli_help_done();
		case 'n':
			if (cli_top_n("diff", optarg, &view.top_n))
				return MA_EXIT_ERROR;
			break;
		case 's':
			if (!strcmp(optarg, "vm"))
				sort_file = false;
			else if (!strcmp(optarg, "file"))
				sort_file = true;
			else
				return cli_usage_error("diff", "bad sort key '%s' (vm or file)", optarg);
			break;
		default:
			return cli_bad_option("diff", argv);
		}
	}
	if (!cli_reporter(VIEW_DIFF))
		return MA_EXIT_ERROR;
	if (cli.certificate || cli.n_forbid || cli.n_require_sealed)
		return cli_usage_error("diff", "options '--certificate', '--forbid' and "
				       "'--require-sealed' are not for diff");
	if (argc - optind != 2)
		return cli_usage_error("diff", "expected two inputs, OLD and NEW, not %d",
				       argc - optind);
	if (output_clobbers(cli.output, argv[optind]) || output_clobbers(cli.output, argv[optind + 1]))
		return cli_usage_error("diff", "'-o %s' would overwrite an input", cli.output);
	return run(argv[optind], argv[optind + 1], &view, sort_file);
}
