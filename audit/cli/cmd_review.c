// SPDX-License-Identifier: ISC
/* mirage-audit review IMAGE [--build DIR] [--baseline OLD] -o review.html: the review page. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/core/analyzer.h"
#include "audit/gates/diff.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"

static void review_help(void)
{
	printf("usage: mirage-audit review [-o FILE] [--baseline OLD] [-n N] [--rules FILE]\n"
	       "                           [--catalogue FILE] [--precision MODE]\n"
	       "                           [--root SYMBOL] [--build DIR] [-M FILE.map]\n"
	       "                           [--external-tcb FILE] [-q|-v] IMAGE\n"
	       "\n"
	       "Write one self-contained HTML page for a security review of IMAGE\n"
	       "(docs/review.md): the verdict summary, the TCB as a treemap, drivers and\n"
	       "facilities with their witnesses, the library and facility graphs, the\n"
	       "hardening checks, the privileged instructions, secrets, the findings and,\n"
	       "with --baseline, what changed. It embeds the report (the document\n"
	       "`mirage-audit report -f json` writes) and every figure names its place in\n"
	       "it. It makes no request: no external script, style, font or image.\n"
	       "\n"
	       "  -o, --output FILE    write to FILE (atomically), e.g. review.html\n"
	       "      --baseline OLD   an image or a saved report to diff with\n"
	       CLI_HELP_ROWS
	       "                       (nodes of the library graph, rows of the diff)\n"
	       "      --rules FILE     extra attribution rules\n"
	       "      --catalogue FILE  extra facility definitions\n"
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more reachability root (repeatable)\n"
	       CLI_HELP_BUILD
	       CLI_HELP_EXTERNAL_TCB
	       "  -q, --quiet          no warnings or progress on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n"
	       "\n"
	       "Progress goes to standard error when it is a terminal.\n"
	       "exit status: 0 written, 2 usage or input error\n");
}

/* A step of a long run, on stderr when it is a terminal (git's rule), unless -q. */
static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	if (cli.verbosity < 0 || !isatty(STDERR_FILENO))
		return;
	fputs("mirage-audit: review: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct review_opts {
	struct view view;
	const char *baseline;
};

static int review_opt(int opt, const char *arg, void *ctx)
{
	struct review_opts *o = ctx;

	if (opt == OPT_ROWS)
		return cli_rows_opt(opt, arg, &o->view);
	if (opt == OPT_BASELINE) {
		o->baseline = arg;
		return 1;
	}
	return 0;
}

static int run(const char *image, struct review_opts *o)
{
	struct snapshot cur, base;
	struct rules rules;
	struct catalogue cat;
	struct audit a;
	struct diff d;
	struct output out;
	bool has_diff = false;
	int rc = MA_EXIT_ERROR;

	snapshot_init(&cur, image);
	snapshot_init(&base, o->baseline);
	catalogue_init(&cat);
	audit_init(&a, NULL);
	if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&cat) < 0 ||
	    cli_load_build(image) < 0 || cli_load_external() < 0)
		goto out;
	a.rules = &rules;
	cli_audit_options(&a, &cat);
	progress("auditing %s", image);
	if (image_load(&a.image, image, &a.arena, &a.diag) < 0 ||
	    analyzers_run(&a, REPORT_ANALYZERS | AN_BIT(AN_CONDENSE) | cli_build_want()) < 0 ||
	    report_prepare(&a, &o->view) < 0) {
		cli_error("%s: %s", image, a.diag.error ? a.diag.error : "unknown error");
		goto out;
	}
	cli_print_warnings(&a);
	if (o->baseline) {
		progress("comparing with %s", o->baseline);
		snapshot_from_audit(&cur, &a);
		if (cli_load_snapshot(&base, o->baseline, &rules, &cat) < 0)
			goto out;
		diff_compute(&d, &base, &cur, false);
		has_diff = true;
		o->view.diff = &d;
	}
	progress("drawing the page");
	if (output_open(&out, cli.output) < 0)
		goto out;
	if (report_html.render(&a, &o->view, out.f) < 0 && !ferror(out.f)) {
		/* Not a write error (output_commit() reports those): no page could be built. */
		cli_error("%s: cannot build the page: out of memory", image);
		output_abort(&out);
		goto out;
	}
	if (output_commit(&out) == 0) {
		rc = MA_EXIT_OK;
		if (cli.output && strcmp(cli.output, "-"))
			progress("wrote %s", cli.output);
	}
out:
	if (has_diff)
		diff_release(&d);
	audit_release(&a);
	snapshot_release(&cur);
	snapshot_release(&base);
	rules_release(&rules);
	catalogue_release(&cat);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	struct review_opts o = {
		.view = { .kind = VIEW_REPORT, .top_n = CLI_ROWS_DEFAULT, .is_first = true,
			  .is_last = true },
	};
	int r = cli_parse(argc, argv, review_opt, &o, review_help);

	if (r != CLI_GO)
		return r;
	if (argc == optind)
		return cli_usage_error(NULL, "no image given");
	if (argc - optind != 1)
		return cli_usage_error(NULL, "expected one IMAGE, not %d", argc - optind);
	if (output_clobbers(cli.output, argv[optind]) ||
	    output_clobbers(cli.output, o.baseline))
		return cli_usage_error(NULL, "'-o %s' would overwrite an input", cli.output);
	return run(argv[optind], &o);
}
