// SPDX-License-Identifier: ISC
/* mirage-audit check IMAGE --budget FILE [--baseline REPORT]: the CI gate. */
#include <stdio.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/gates/check.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"

static void check_help(void)
{
	printf("usage: mirage-audit check --budget FILE [--baseline OLD] [--ratchet OUT]\n"
	       "                          [-f text|json|md|sarif|junit] [-o FILE] [-n N]\n"
	       "                          [--rules FILE] [--catalogue FILE] [--precision MODE]\n"
	       "                          [--root SYMBOL] IMAGE\n"
	       "\n"
	       "Hold IMAGE against a budget (JSON, schema mirage-audit/budget, docs/ci.md):\n"
	       "limits on the total file and VM bytes, per section, component, library,\n"
	       "module or symbol, on reachable bytes (the TCB), on growth against a baseline\n"
	       "in bytes and percent; facilities that must be sealed out or must not be\n"
	       "reachable; manifest devices required or forbidden. Each limit is one line of\n"
	       "the verdict, pass, fail or skip, with its figure and its limit.\n"
	       "\n"
	       "      --budget FILE     the budget (required)\n"
	       "      --baseline OLD    an image or a saved report (mirage-audit -f json IMAGE)\n"
	       "                        to measure growth against and to diff with\n"
	       "      --ratchet OUT     write the budget with every byte limit the image is\n"
	       "                        under lowered to the image's figure (atomically; OUT\n"
	       "                        may be the budget itself)\n"
	       "  -f, --format FORMAT  text (default), json (schema mirage-audit/check), md (a\n"
	       "                       pull-request comment), sarif (2.1.0) or junit (XML, one\n"
	       "                       test case per budget line)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -n N                 rows of what changed most against the baseline (default\n"
	       "                       10, 0 = all)\n"
	       "      --rules FILE     extra attribution rules\n"
	       "      --catalogue FILE  extra facility definitions\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root\n"
	       "\n"
	       "exit status: 0 every line holds, 1 a line failed, 2 usage or input error\n");
}

struct check_args {
	const char *image, *budget, *baseline, *ratchet;
};

/* --ratchet: the tightened budget, atomically; -1 (message printed) when it cannot be. */
static int write_ratchet(struct budget *b, const char *path)
{
	struct output o;

	if (output_open(&o, path) < 0)
		return -1;
	if (budget_write(b, o.f) < 0) {
		output_abort(&o);
		fprintf(stderr, "mirage-audit: %s: cannot write the ratcheted budget\n", path);
		return -1;
	}
	return output_commit(&o);
}

static int audit_image(struct audit *a, const char *path, struct catalogue *cat)
{
	cli_audit_options(a, cat);
	if (image_load(&a->image, path, &a->arena, &a->diag) == 0 &&
	    analyzers_run(a, AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
			  AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES)) == 0) {
		cli_print_warnings(a);
		return 0;
	}
	fprintf(stderr, "mirage-audit: %s: %s\n", path, a->diag.error ? a->diag.error :
		"unknown error");
	return -1;
}

static int run(const struct check_args *args, struct view *v, const struct reporter *rep)
{
	struct snapshot cur, base;
	struct rules rules;
	struct catalogue cat;
	struct budget b;
	struct audit a;
	struct diff d;
	struct check c;
	struct output out;
	struct diag dg;
	bool has_diff = false, has_check = false;
	int rc = MA_EXIT_ERROR;

	snapshot_init(&cur, args->image);
	snapshot_init(&base, args->baseline);
	catalogue_init(&cat);
	diag_init(&dg);
	memset(&b, 0, sizeof(b));
	audit_init(&a, NULL);
	if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&cat) < 0)
		goto out;
	a.rules = &rules;
	if (budget_read(&b, args->budget, &dg) < 0) {
		fprintf(stderr, "mirage-audit: %s: %s\n", args->budget, dg.error);
		goto out;
	}
	if (audit_image(&a, args->image, &cat) < 0)
		goto out;
	snapshot_from_audit(&cur, &a);
	if (args->baseline) {
		if (cli_load_snapshot(&base, args->baseline, &rules, &cat) < 0)
			goto out;
		diff_compute(&d, &base, &cur, false);
		has_diff = true;
	}
	if (check_evaluate(&c, &a, &cur, &b, has_diff ? &d : NULL, &dg) < 0) {
		fprintf(stderr, "mirage-audit: %s: %s\n", args->budget, dg.error);
		check_release(&c);
		goto out;
	}
	has_check = true;
	c.image = args->image;
	c.budget = args->budget;
	c.baseline = args->baseline;
	if (args->ratchet) {
		c.n_tightened = check_ratchet(&b, &a, &cur);
		if (write_ratchet(&b, args->ratchet) < 0)
			goto out;
		c.ratchet = args->ratchet;
	}
	v->check = &c;
	if (output_open(&out, cli.output) == 0) {
		/* A write error is reported once, by output_commit(). */
		rep->render(&a, v, out.f);
		if (output_commit(&out) == 0)
			rc = c.n_fail ? MA_EXIT_FAIL : MA_EXIT_OK;
	}
out:
	if (has_check)
		check_release(&c);
	if (has_diff)
		diff_release(&d);
	audit_release(&a);
	budget_release(&b);
	diag_release(&dg);
	snapshot_release(&cur);
	snapshot_release(&base);
	rules_release(&rules);
	catalogue_release(&cat);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG,
		{ "budget", required_argument, NULL, 'b' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "ratchet", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct view view = { .kind = VIEW_CHECK, .top_n = 10, .is_first = true, .is_last = true };
	struct check_args args = { 0 };
	const struct reporter *rep;
	int c;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "n:", opts, NULL)) != -1) {
		int r = cli_common_opt(c, optarg);

		if (r < 0)
			return MA_EXIT_ERROR;
		if (r)
			continue;
		switch (c) {
		case 'h':
			check_help();
			return cli_help_done();
		case 'n':
			if (cli_top_n("check", optarg, &view.top_n))
				return MA_EXIT_ERROR;
			break;
		case 'b':
			args.budget = optarg;
			break;
		case 'B':
			args.baseline = optarg;
			break;
		case 'r':
			args.ratchet = optarg;
			break;
		default:
			return cli_bad_option("check", argv);
		}
	}
	if (!(rep = cli_reporter(VIEW_CHECK)))
		return MA_EXIT_ERROR;
	if (cli.certificate || cli.n_forbid || cli.n_require_sealed)
		return cli_usage_error("check", "options '--certificate', '--forbid' and "
				       "'--require-sealed' are not for check (the budget's "
				       "\"facilities\" says what must be sealed)");
	if (!args.budget)
		return cli_usage_error("check", "option '--budget FILE' is required");
	if (argc - optind != 1)
		return cli_usage_error("check", "expected one image, not %d", argc - optind);
	args.image = argv[optind];
	if (args.ratchet && cli.output && strcmp(cli.output, "-") &&
	    !strcmp(args.ratchet, cli.output))
		return cli_usage_error("check", "'--ratchet' and '-o' name the same file");
	if (output_clobbers(cli.output, args.image) || output_clobbers(cli.output, args.baseline) ||
	    output_clobbers(cli.output, args.budget))
		return cli_usage_error("check", "'-o %s' would overwrite an input", cli.output);
	if (output_clobbers(args.ratchet, args.image) || output_clobbers(args.ratchet, args.baseline))
		return cli_usage_error("check", "'--ratchet %s' would overwrite the image or the "
				       "baseline (the budget itself may be ratcheted)", args.ratchet);
	return run(&args, &view, rep);
}
