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
	printf("usage: mirage-audit diff [-n N] [--sort vm|file] [-o FILE]\n"
	       "                         [-f text|json|jsonl|md] [--rules FILE]\n"
	       "                         [--catalogue FILE] [--precision MODE]\n"
	       "                         [--root SYMBOL] [-q|-v] OLD NEW\n"
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
	       CLI_HELP_ROWS
	       "                       (text and md: JSON carries every row)\n"
	       "  -s, --sort KEY       vm (default) or file: which delta orders the rows\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  text (default), json (schema mirage-audit/diff), jsonl\n"
	       "                       (the same on one line) or md (a pull-request comment)\n"
	       "      --rules FILE     extra attribution rules, for image sides\n"
	       "      --catalogue FILE  extra facility definitions, for image sides\n"
	       "      --precision MODE  conservative or ocaml (default), for image sides\n"
	       "      --root SYMBOL    one more reachability root, for image sides\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n"
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
	struct frame fr;
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
		frame_begin(&fr, out.f, 1);
		rep->render(NULL, v, frame_doc(&fr));
		frame_doc_end(&fr);
		frame_end(&fr);
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

struct diff_args {
	struct view view;
	bool sort_vm;
};

static int diff_opt(int opt, const char *arg, void *ctx)
{
	struct diff_args *d = ctx;

	if (opt == OPT_ROWS)
		return cli_rows_opt(opt, arg, &d->view);
	if (opt == OPT_SORT)
		return cli_sort_opt(arg, &d->sort_vm);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args d = {
		.view = { .kind = VIEW_DIFF, .top_n = CLI_ROWS_DEFAULT, .is_first = true,
			  .is_last = true },
		.sort_vm = true,	/* diff orders by the VM delta unless told otherwise */
	};
	int r = cli_parse(argc, argv, diff_opt, &d, diff_help);

	if (r != CLI_GO)
		return r;
	if (!cli_reporter(VIEW_DIFF))
		return MA_EXIT_ERROR;
	if (argc - optind != 2)
		return cli_usage_error(NULL, "expected two inputs, OLD and NEW, not %d",
				       argc - optind);
	if (output_clobbers(cli.output, argv[optind]) || output_clobbers(cli.output, argv[optind + 1]))
		return cli_usage_error(NULL, "'-o %s' would overwrite an input", cli.output);
	return run(argv[optind], argv[optind + 1], &d.view, !d.sort_vm);
}
