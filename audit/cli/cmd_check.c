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
	printf("usage: mirage-audit check --budget FILE [--baseline OLD [-n N]] [--ratchet OUT]\n"
	       "                          [-f text|json|jsonl|md|sarif|junit] [-o FILE]\n"
	       "                          [--rules FILE] [--catalogue FILE] [--precision MODE]\n"
	       "                          [--root SYMBOL] [--build DIR] [-M FILE.map]\n"
	       "                          [--external-tcb FILE] [-q|-v] IMAGE\n"
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
	       "  -f, --format FORMAT  text (default), json (schema mirage-audit/check), jsonl\n"
	       "                       (the same on one line), md (a pull-request comment),\n"
	       "                       sarif (2.1.0) or junit (XML, one test case per budget\n"
	       "                       line)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       CLI_HELP_ROWS
	       "                       (what changed most against the baseline)\n"
	       "      --rules FILE     extra attribution rules\n"
	       "      --catalogue FILE  extra facility definitions\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root\n"
	       CLI_HELP_BUILD
	       CLI_HELP_EXTERNAL_TCB
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n"
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
		cli_error("%s: cannot write the ratcheted budget", path);
		return -1;
	}
	return output_commit(&o);
}

static int audit_image(struct audit *a, const char *path, struct catalogue *cat)
{
	if (cli_load_build(path) < 0 || cli_load_external() < 0)
		return -1;
	cli_audit_options(a, cat);
	if (image_load(&a->image, path, &a->arena, &a->diag) == 0 &&
	    analyzers_run(a, AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
			  AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES) | AN_BIT(AN_HARDENING) |
			  AN_BIT(AN_TCB) | cli_build_want()) == 0) {
		cli_print_warnings(a);
		return 0;
	}
	cli_error("%s: %s", path, a->diag.error ? a->diag.error :
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
	struct frame fr;
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
		cli_error("%s: %s", args->budget, dg.error);
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
		cli_error("%s: %s", args->budget, dg.error);
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
		frame_begin(&fr, out.f, 1);
		rep->render(&a, v, frame_doc(&fr));
		frame_doc_end(&fr);
		frame_end(&fr);
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

struct check_opts {
	struct view view;
	struct check_args args;
};

static int check_opt(int opt, const char *arg, void *ctx)
{
	struct check_opts *o = ctx;

	switch (opt) {
	case OPT_ROWS:
		return cli_rows_opt(opt, arg, &o->view);
	case OPT_BUDGET:
		o->args.budget = arg;
		return 1;
	case OPT_BASELINE:
		o->args.baseline = arg;
		return 1;
	case OPT_RATCHET:
		o->args.ratchet = arg;
		return 1;
	default:
		return 0;
	}
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = {
		.view = { .kind = VIEW_CHECK, .top_n = CLI_ROWS_DEFAULT, .is_first = true,
			  .is_last = true },
	};
	struct check_args *args = &o.args;
	const struct reporter *rep;
	int r = cli_parse(argc, argv, check_opt, &o, check_help);

	if (r != CLI_GO)
		return r;
	if (!(rep = cli_reporter(VIEW_CHECK)))
		return MA_EXIT_ERROR;
	/* The rows are of what changed against the baseline. */
	if (cli_only_with(OPT_ROWS, args->baseline != NULL, "'--baseline'"))
		return MA_EXIT_ERROR;
	if (!args->budget)
		return cli_usage_error(NULL, "option '--budget FILE' is required");
	if (argc - optind != 1)
		return cli_usage_error(NULL, "expected one image, not %d", argc - optind);
	args->image = argv[optind];
	if (args->ratchet && cli.output && strcmp(cli.output, "-") &&
	    !strcmp(args->ratchet, cli.output))
		return cli_usage_error(NULL, "'--ratchet' and '-o' name the same file");
	if (output_clobbers(cli.output, args->image) ||
	    output_clobbers(cli.output, args->baseline) ||
	    output_clobbers(cli.output, args->budget))
		return cli_usage_error(NULL, "'-o %s' would overwrite an input", cli.output);
	if (output_clobbers(args->ratchet, args->image) ||
	    output_clobbers(args->ratchet, args->baseline))
		return cli_usage_error(NULL, "'--ratchet %s' would overwrite the image or the "
				       "baseline (the budget itself may be ratcheted)",
				       args->ratchet);
	return run(args, &o.view, rep);
}
