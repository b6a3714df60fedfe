// SPDX-License-Identifier: ISC
/* The per-image driver shared by the commands: rules, load, analyze, render, exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/catalogue.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"

struct cli cli = { .precision = PRECISION_OCAML };

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("mirage-audit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mirage-audit %s%s--help' for more information.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return MA_EXIT_ERROR;
}

int cli_bad_option(const char *cmd, char **argv)
{
	/* A long option's value code is not a letter the user typed: name the option itself. */
	if (optopt && !strchr(CLI_COMMON_SHORT "dns", optopt))
		return cli_usage_error(cmd, "option '%s' requires an argument", argv[optind - 1]);
	if (optopt && strchr(CLI_ARG_OPTS, optopt))
		return cli_usage_error(cmd, "option '-%c' requires an argument", optopt);
	if (optopt)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_top_n(const char *cmd, const char *arg, size_t *top_n)
{
	long long n = cli_parse_count(arg);

	if (n < 0)
		return cli_usage_error(cmd, "bad row count '%s'", arg);
	*top_n = (size_t)n;
	return 0;
}

int cli_listing(int argc, char **argv, const char *cmd, void (*help)(void), struct view *view,
		unsigned want)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "n:", opts, NULL)) != -1) {
		int r = cli_common_opt(c, optarg);

		if (r < 0)
			return MA_EXIT_ERROR;
		if (r)
			continue;
		switch (c) {
		case 'h':
			help();
			return cli_help_done();
		case 'n':
			if (cli_top_n(cmd, optarg, &view->top_n))
				return MA_EXIT_ERROR;
			break;
		default:
			return cli_bad_option(cmd, argv);
		}
	}
	return cli_run(argv + optind, argc - optind, want, view, NULL);
}

int cli_help_done(void)
{
	return fflush(stdout) || ferror(stdout) ? MA_EXIT_ERROR : MA_EXIT_OK;
}

long long cli_parse_count(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -1;
	return v;
}

/* FACILITY[,FACILITY...] into V (pointers into ARG, which lives as long as argv). */
static int split_list(const char *arg, const char **v, size_t *n, const char *opt)
{
	char *copy = xstrdup(arg), *save = NULL, *t;

	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*n == 64) {
			cli_usage_error(NULL, "too many %s facilities", opt);
			free(copy);
			return -1;
		}
		v[(*n)++] = arg + (t - copy);
	}
	/* The names are cut out of ARG: terminate them there (argv is writable). */
	for (t = (char *)arg; *t; t++)
		if (*t == ',')
			*t = '\0';
	free(copy);
	return 1;
}

int cli_common_opt(int c, const char *arg)
{
	switch (c) {
	case 'o':
		cli.output = arg;
		return 1;
	case 'f':
		if (!reporter_find(arg)) {
			cli_usage_error(NULL, "unknown format '%s' (expected %s)", arg,
					reporter_names());
			return -1;
		}
		cli.format = arg;
		return 1;
	case 'R':
		if (cli.n_rules_files == (int)(sizeof(cli.rules_files) / sizeof(cli.rules_files[0]))) {
			cli_usage_error(NULL, "too many --rules files");
			return -1;
		}
		cli.rules_files[cli.n_rules_files++] = arg;
		return 1;
	case 'P':
		if (!strcmp(arg, "conservative")) {
			cli.precision = PRECISION_CONSERVATIVE;
		} else if (!strcmp(arg, "ocaml")) {
			cli.precision = PRECISION_OCAML;
		} else {
			cli_usage_error(NULL, "unknown precision '%s' (conservative or ocaml)", arg);
			return -1;
		}
		return 1;
	case 'T':
		if (cli.n_roots == sizeof(cli.roots) / sizeof(cli.roots[0])) {
			cli_usage_error(NULL, "too many --root options");
			return -1;
		}
		cli.roots[cli.n_roots++] = arg;
		return 1;
	case 'C':
		if (cli.n_catalogues == (int)(sizeof(cli.catalogues) / sizeof(cli.catalogues[0]))) {
			cli_usage_error(NULL, "too many --catalogue files");
			return -1;
		}
		cli.catalogues[cli.n_catalogues++] = arg;
		return 1;
	case 'F':
		return split_list(arg, cli.forbid, &cli.n_forbid, "--forbid");
	case 'S':
		return split_list(arg, cli.require_sealed, &cli.n_require_sealed, "--require-sealed");
	case 'K':
		cli.certificate = arg;
		return 1;
	case 'q':
		cli.verbosity = -1;
		return 1;
	case 'v':
		cli.verbosity = 1;
		return 1;
	default:
		return 0;
	}
}

/* The user's catalogues come first: a facility defined there wins. */
int cli_load_catalogue(struct catalogue *c)
{
	struct diag d;
	int i, rc = 0;

	diag_init(&d);
	for (i = 0; i < cli.n_catalogues && rc == 0; i++)
		rc = catalogue_load_file(c, cli.catalogues[i], &d);
	if (rc == 0)
		rc = catalogue_parse(c, catalogue_default_text, "built-in facilities.catalogue", &d);
	if (rc < 0)
		fprintf(stderr, "mirage-audit: %s\n", d.error);
	diag_release(&d);
	return rc;
}

/* User rules come first: the first matching rule wins, so they override the defaults. */
int cli_load_rules(struct rules *r)
{
	struct diag d;
	int i, rc = 0;

	diag_init(&d);
	rules_init(r);
	for (i = 0; i < cli.n_rules_files && rc == 0; i++)
		rc = rules_load_file(r, cli.rules_files[i], &d);
	if (rc == 0)
		rc = rules_parse(r, rules_default_text, "built-in attribution.rules", &d);
	if (rc < 0)
		fprintf(stderr, "mirage-audit: %s\n", d.error);
	diag_release(&d);
	return rc;
}

/* A --forbid or --require-sealed violation: the command exits 1 (after rendering). */
static bool policy_failed(const struct audit *a)
{
	size_t i;

	for (i = 0; i < a->facts.facilities.n_findings; i++)
		if (!strncmp(a->facts.facilities.findings[i].rule, "MA-POL-", 7))
			return true;
	return false;
}

/* --certificate FILE: written atomically; -1 (message printed) when it could not be. */
static int write_certificate(const struct audit *a)
{
	struct output o;

	if (output_open(&o, cli.certificate) < 0)
		return -1;
	if (certificate_write(a, o.f) < 0 && !ferror(o.f)) {
		fprintf(stderr, "mirage-audit: %s: no certificate: reachability was not computed\n",
			a->image.path);
		output_abort(&o);
		return -1;
	}
	return output_commit(&o);
}

/* The views a certificate may accompany: those that run reachability and facilities. */
static bool certifies(enum view_kind k)
{
	return k == VIEW_REPORT || k == VIEW_DEAD || k == VIEW_FACILITIES || k == VIEW_DRIVERS;
}

void cli_print_warnings(const struct audit *a)
{
	size_t i;

	if (cli.verbosity < 0)
		return;
	for (i = 0; i < a->diag.n_entries; i++) {
		const struct diag_entry *e = &a->diag.entries[i];

		if (e->kind == DIAG_WARNING || cli.verbosity > 0)
			fprintf(stderr, "mirage-audit: %s: %s: %s\n", a->image.path,
				e->kind == DIAG_WARNING ? "warning" : "note", e->msg);
	}
}

void cli_audit_options(struct audit *a, struct catalogue *cat)
{
	a->opt.precision = cli.precision;
	a->opt.roots = cli.roots;
	a->opt.n_roots = cli.n_roots;
	a->opt.catalogue = cat;
	a->opt.forbid = cli.forbid;
	a->opt.n_forbid = cli.n_forbid;
	a->opt.require_sealed = cli.require_sealed;
	a->opt.n_require_sealed = cli.n_require_sealed;
}

/* An ELF image starts with its magic; anything else is read as a JSON report. */
static bool is_elf(const char *path)
{
	unsigned char m[4] = { 0 };
	ssize_t n = read_head(path, m, sizeof(m));

	/* Not a regular file (a FIFO is not waited for): image_load says why. */
	return n < 0 || (n == 4 && !memcmp(m, "\177ELF", 4));
}

/* The same facts as `report` computes, so an image and its saved report agree. */
static int snapshot_image(struct snapshot *s, const char *path, struct rules *rules,
		      struct catalogue *cat)
{
	struct audit a;
	int rc;

	audit_init(&a, rules);
	cli_audit_options(&a, cat);
	rc = image_load(&a.image, path, &a.arena, &a.diag);
	if (rc == 0)
		rc = analyzers_run(&a, AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) |
				   AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES));
	if (rc < 0) {
		fprintf(stderr, "mirage-audit: %s: %s\n", path,
			a.diag.error ? a.diag.error : "unknown error");
	} else {
		cli_print_warnings(&a);
		snapshot_from_audit(s, &a);
	}
	audit_release(&a);
	return rc;
}

int cli_load_snapshot(struct snapshot *s, const char *path, struct rules *rules,
		     struct catalogue *cat)
{
	struct diag d;
	int rc;

	if (is_elf(path))
		return snapshot_image(s, path, rules, cat);
	diag_init(&d);
	rc = report_read(s, path, &d);
	if (rc < 0)
		fprintf(stderr, "mirage-audit: %s: %s\n", path, d.error ? d.error : "unknown error");
	diag_release(&d);
	return rc;
}

const char *cli_formats(enum view_kind kind)
{
	static char buf[128];

	return reporter_names_for(kind, buf, sizeof(buf));
}

const struct reporter *cli_reporter(enum view_kind kind)
{
	static const char *const commands[] = {
		[VIEW_REPORT] = "report", [VIEW_SIZE] = "size", [VIEW_DEAD] = "dead",
		[VIEW_WHY] = "why", [VIEW_FACILITIES] = "facilities", [VIEW_DRIVERS] = "drivers",
		[VIEW_GRAPH] = "graph", [VIEW_DIFF] = "diff", [VIEW_CHECK] = "check",
	};
	const struct reporter *rep = reporter_find(cli.format ? cli.format : "text");
	char names[128];

	if (rep && (rep->views & VIEW_BIT(kind)))
		return rep;
	cli_usage_error(commands[kind], "format '%s' is not offered by %s (%s)", cli.format,
			commands[kind], reporter_names_for(kind, names, sizeof(names)));
	return NULL;
}

int cli_run(char **images, int n, unsigned want, struct view *view,
	    int (*prepare)(struct audit *a, struct view *v))
{
	const struct reporter *rep = cli_reporter(view->kind);
	struct rules rules;
	struct catalogue cat;
	struct output out;

	catalogue_init(&cat);
	int worst = MA_EXIT_OK, i, rendered = 0;

	if (!rep)
		return MA_EXIT_ERROR;
	if (n == 0)
		return cli_usage_error(NULL, "no image given");
	for (i = 0; i < n; i++)
		if (output_clobbers(cli.output, images[i]) ||
		    output_clobbers(cli.certificate, images[i]))
			return cli_usage_error(NULL, "the output would overwrite the input '%s'",
					       images[i]);
	if (cli.certificate && !certifies(view->kind))
		return cli_usage_error(NULL, "option '--certificate' is only for report, dead, "
				       "facilities and drivers");
	if (cli.certificate && n != 1)
		return cli_usage_error(NULL, "option '--certificate' needs exactly one image, "
				       "not %d", n);
	if (cli.certificate && !strcmp(cli.certificate, "-") &&
	    (!cli.output || !strcmp(cli.output, "-")))
		return cli_usage_error(NULL, "'--certificate -' needs '-o FILE': both would go to "
				       "standard output");
	if (cli.certificate)
		want |= AN_BIT(AN_FACILITIES);
	if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&cat) < 0) {
		rules_release(&rules);
		catalogue_release(&cat);
		return MA_EXIT_ERROR;
	}
	if (output_open(&out, cli.output) < 0) {
		rules_release(&rules);
		catalogue_release(&cat);
		return MA_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		struct audit *a = xcalloc(1, sizeof(*a));
		int rc;

		audit_init(a, &rules);
		cli_audit_options(a, &cat);
		rc = image_load(&a->image, images[i], &a->arena, &a->diag);
		if (rc == 0)
			rc = analyzers_run(a, want);
		if (rc == 0 && prepare)
			rc = prepare(a, view);
		if (rc < 0) {
			fprintf(stderr, "mirage-audit: %s: %s\n", images[i],
				a->diag.error ? a->diag.error : "unknown error");
			worst = MA_EXIT_ERROR;
		} else {
			cli_print_warnings(a);
			if (policy_failed(a) && worst == MA_EXIT_OK)
				worst = MA_EXIT_FAIL;
			view->is_first = rendered == 0;
			view->is_last = i == n - 1;
			/* A write error is reported once, by output_commit() below. */
			if (rep->render(a, view, out.f) < 0)
				worst = MA_EXIT_ERROR;
			rendered++;
			if (cli.certificate && write_certificate(a) < 0)
				worst = MA_EXIT_ERROR;
		}
		audit_release(a);
		free(a);
	}
	if (!rendered && cli.output) {
		output_abort(&out);
	} else if (output_commit(&out) < 0) {
		worst = MA_EXIT_ERROR;
	} else if (worst == MA_EXIT_ERROR && rendered && ferror(stdout)) {
		worst = MA_EXIT_ERROR;
	}
	rules_release(&rules);
	catalogue_release(&cat);
	return worst;
}
