// SPDX-License-Identifier: ISC
/* The per-image driver shared by the commands: rules, load, analyze, render, exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/core/external.h"
#include "audit/core/catalogue.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"
#include "audit/core/readfile.h"
#include "audit/core/vocab.h"
#include "audit/core/xalloc.h"

struct cli cli = { .precision = PRECISION_OCAML };
const struct cli_command *cli_cmd;

/*
 * The option table: long name (NULL for none), short letter (0 for none), whether it takes
 * a value, and what that value is, for the message when it is missing or malformed.
 */
static const struct cli_option {
	const char *name;
	char letter;
	bool has_arg;
	const char *wants;
} options[N_CLI_OPTS] = {
	[OPT_OUTPUT] = { "output", 'o', true, "a file name, or - for standard output" },
	[OPT_FORMAT] = { "format", 'f', true, "a format name" },
	[OPT_RULES] = { "rules", 0, true, "an attribution rules file" },
	[OPT_PRECISION] = { "precision", 0, true, "conservative or ocaml" },
	[OPT_ROOT] = { "root", 0, true, "a symbol name" },
	[OPT_CATALOGUE] = { "catalogue", 0, true, "a facility catalogue file" },
	[OPT_FORBID] = { "forbid", 0, true, "a facility name or a comma list of them" },
	[OPT_REQUIRE_SEALED] = { "require-sealed", 0, true,
				 "a facility name or a comma list of them" },
	[OPT_CERTIFICATE] = { "certificate", 0, true, "a file name" },
	[OPT_QUIET] = { "quiet", 'q', false, NULL },
	[OPT_VERBOSE] = { "verbose", 'v', false, NULL },
	[OPT_HELP] = { "help", 'h', false, NULL },
	[OPT_ROWS] = { NULL, 'n', true, "a count of rows" },
	[OPT_LEVELS] = { NULL, 'd', true, "a comma list of levels" },
	[OPT_SORT] = { "sort", 's', true, "a sort key, file or vm" },
	[OPT_RETAINED] = { "retained", 0, false, NULL },
	[OPT_LEVEL] = { "level", 0, true, "a level (see the command's --help)" },
	[OPT_FOCUS] = { "focus", 0, true, "a module, library or facility name" },
	[OPT_BUDGET] = { "budget", 0, true, "a budget file" },
	[OPT_BASELINE] = { "baseline", 0, true, "an image or a saved report" },
	[OPT_RATCHET] = { "ratchet", 0, true, "a file name" },
	[OPT_VERSION] = { "version", 0, false, NULL },
	[OPT_KEEP] = { "keep", 0, true, "a symbol name" },
	[OPT_STRIP_DEBUG] = { "strip-debug", 0, false, NULL },
	[OPT_STRIP_ALL] = { "strip-all", 0, false, NULL },
	[OPT_CHECK] = { "check", 0, false, NULL },
	[OPT_BUILD] = { "build", 0, true, "a build directory" },
	[OPT_MAP] = { "map", 'M', true, "a GNU ld -Map file" },
	[OPT_RELINK] = { "relink", 0, false, NULL },
	[OPT_EXTERNAL_TCB] = { "external-tcb", 0, true, "a file listing what the image runs on" },
};

/* A long option's getopt value: past every character, so it never looks like a letter. */
#define OPT_VAL(o) (0x100 + (o))

/* The options given so far, and those given before the command name (replayed by cli_parse). */
static unsigned given;
static struct {
	int opt;
	const char *arg;
	bool is_long;
} stash[64];
static size_t n_stash;

void cli_error(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *esc;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("mirage-audit: out of memory\n", stderr);
		return;
	}
	/* Names from the image or the command line: every byte \xNN but printable ASCII. */
	esc = xmalloc(4 * (size_t)n + 8);
	fprintf(stderr, "mirage-audit: %s\n", escape_text(msg, esc, 4 * (size_t)n + 8));
	free(esc);
	free(msg);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	cli_error("%s", msg ? msg : "out of memory");
	free(msg);
	if (!cmd && cli_cmd)
		cmd = cli_cmd->name;
	fprintf(stderr, "Try 'mirage-audit %s%s--help' for more information.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return MA_EXIT_ERROR;
}

/* The option as the user would write it: --name, or -x when it has no long name or was short. */
static const char *spelling(int opt, bool is_long)
{
	static char buf[40];

	if (options[opt].name && (is_long || !options[opt].letter))
		snprintf(buf, sizeof(buf), "--%s", options[opt].name);
	else
		snprintf(buf, sizeof(buf), "-%c", options[opt].letter);
	return buf;
}

/* getopt_long's view of the table, built once: the short string and the long options. */
static const char *getopt_tables(const struct option **longs)
{
	static char shorts[2 * N_CLI_OPTS + 2];
	static struct option lo[N_CLI_OPTS + 1];
	size_t s = 0, l = 0;
	int o;

	if (!shorts[0]) {
		shorts[s++] = ':';	/* a missing value is ':', not '?' */
		for (o = 0; o < N_CLI_OPTS; o++) {
			if (options[o].letter) {
				shorts[s++] = options[o].letter;
				if (options[o].has_arg)
					shorts[s++] = ':';
			}
			if (options[o].name)
				lo[l++] = (struct option){ options[o].name, options[o].has_arg ?
							   required_argument : no_argument,
							   NULL, OPT_VAL(o) };
		}
	}
	*longs = lo;
	return shorts;
}

static int opt_of(int c)
{
	int o;

	if (c >= OPT_VAL(0) && c < OPT_VAL(N_CLI_OPTS))
		return c - OPT_VAL(0);
	for (o = 0; o < N_CLI_OPTS; o++)
		if (options[o].letter && options[o].letter == c)
			return o;
	return -1;
}

/*
 * next_opt: the next option of ARGV (getopt_long over the whole table) into *OPT, *ARG and
 * *IS_LONG; 1, 0 at the first operand, or -1 after a usage message (unknown option, missing
 * value, a value given to a flag).
 */
static int next_opt(int argc, char **argv, bool stop_at_operand, int *opt, const char **arg,
		    bool *is_long)
{
	const struct option *longs;
	const char *shorts = getopt_tables(&longs);
	char fmt[2 * N_CLI_OPTS + 3];
	int c, li = -1;

	snprintf(fmt, sizeof(fmt), "%s%s", stop_at_operand ? "+" : "", shorts);
	opterr = 0;	/* our own messages, in the house format */
	c = getopt_long(argc, argv, fmt, longs, &li);
	if (c == -1)
		return 0;
	if (c == ':') {
		*opt = opt_of(optopt);
		if (*opt < 0) {
			cli_usage_error(NULL, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		}
		cli_usage_error(NULL, "option '%s' needs a value: %s",
				spelling(*opt, optopt >= OPT_VAL(0)), options[*opt].wants);
		return -1;
	}
	if (c == '?') {
		const char *as = argv[optind - 1];
		int len = (int)strcspn(as, "=");

		/* getopt names a flag given a value by the flag's own value code. */
		if (optopt >= OPT_VAL(0))
			cli_usage_error(NULL, "option '%.*s' takes no value", len, as);
		else if (optopt)
			cli_usage_error(NULL, "unknown option '-%c'", optopt);
		else
			cli_usage_error(NULL, "unknown option '%.*s'", len, as);
		return -1;
	}
	*opt = opt_of(c);
	*arg = optarg;
	*is_long = li >= 0;
	return 1;
}

int cli_stash_top(int argc, char **argv, void (*top_help)(void))
{
	int opt, r;
	const char *arg = NULL;
	bool is_long;

	while ((r = next_opt(argc, argv, true, &opt, &arg, &is_long)) > 0) {
		if (opt == OPT_HELP) {
			top_help();
			return cli_help_done();
		}
		if (opt == OPT_VERSION) {
			printf("mirage-audit %s\n", MA_VERSION);
			return cli_help_done();
		}
		if (n_stash == sizeof(stash) / sizeof(stash[0]))
			return cli_usage_error(NULL, "too many options");
		stash[n_stash].opt = opt;
		stash[n_stash].arg = arg;
		stash[n_stash++].is_long = is_long;
	}
	return r < 0 ? MA_EXIT_ERROR : CLI_GO;
}

bool cli_given(enum cli_opt opt)
{
	return given & OPT_BIT(opt);
}

int cli_only_with(enum cli_opt opt, bool is_used, const char *what)
{
	if (!cli_given(opt) || is_used)
		return 0;
	return cli_usage_error(NULL, "option '%s' is used by %s only with %s",
			       spelling(opt, true), cli_cmd->name, what);
}

static int common_opt(int opt, const char *arg);

/* One option for cli_cmd: refused unless it uses it, then its own handling, then the common. */
static int take(int opt, const char *arg, bool is_long,
		int (*own)(int opt, const char *arg, void *ctx), void *ctx, void (*help)(void))
{
	int r;

	if (!(cli_cmd->uses & OPT_BIT(opt)))
		return cli_usage_error(NULL, "option '%s' is not used by %s",
				       spelling(opt, is_long), cli_cmd->name);
	given |= OPT_BIT(opt);
	if (opt == OPT_HELP) {
		help();
		return cli_help_done();
	}
	r = own ? own(opt, arg, ctx) : 0;
	if (r == 0)
		r = common_opt(opt, arg);
	if (r == 0) {
		/* A broken invariant: the command table names an option nobody reads. */
		fprintf(stderr, "mirage-audit: BUG: %s takes '%s' but nothing handles it\n",
			cli_cmd->name, spelling(opt, is_long));
		abort();
	}
	return r < 0 ? MA_EXIT_ERROR : CLI_GO;
}

int cli_parse(int argc, char **argv, int (*own)(int opt, const char *arg, void *ctx), void *ctx,
	      void (*help)(void))
{
	size_t i;
	int opt, r;
	const char *arg = NULL;
	bool is_long;

	for (i = 0; i < n_stash; i++)
		if ((r = take(stash[i].opt, stash[i].arg, stash[i].is_long, own, ctx, help)) !=
		    CLI_GO)
			return r;
	n_stash = 0;
	optind = 0;
	while ((r = next_opt(argc, argv, false, &opt, &arg, &is_long)) > 0)
		if ((r = take(opt, arg, is_long, own, ctx, help)) != CLI_GO)
			return r;
	return r < 0 ? MA_EXIT_ERROR : CLI_GO;
}

int cli_top_n(const char *arg, size_t *top_n)
{
	long long n = cli_parse_count(arg);

	if (n < 0)
		return cli_usage_error(NULL, "-n wants a count of rows, got '%s'", arg);
	*top_n = (size_t)n;
	return 0;
}

int cli_rows_opt(int opt, const char *arg, void *ctx)
{
	struct view *view = ctx;

	if (opt != OPT_ROWS)
		return 0;
	return cli_top_n(arg, &view->top_n) ? -1 : 1;
}

int cli_listing(int argc, char **argv, void (*help)(void), struct view *view, unsigned want)
{
	int r = cli_parse(argc, argv, cli_rows_opt, view, help);

	if (r != CLI_GO)
		return r;
	return cli_run(argv + optind, argc - optind, want, view, NULL);
}

int cli_sort_opt(const char *arg, bool *sort_vm)
{
	if (!strcmp(arg, "vm") || !strcmp(arg, "file")) {
		*sort_vm = !strcmp(arg, "vm");
		return 1;
	}
	cli_usage_error(NULL, "bad sort key '%s' (file or vm)", arg);
	return -1;
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

/* Optimal string alignment distance (a swap of two neighbours is one edit), capped at 3. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[16][16];

	if (la > 14 || lb > 14)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb] < 3 ? d[la][lb] : 3;
}

const char *cli_suggest(const char *word, const struct cli_command *cmds, size_t n)
{
	const char *best = NULL;
	size_t i, bd = 3;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cmds[i].name);

		if (d < bd) {
			bd = d;
			best = cmds[i].name;
		}
	}
	return best;
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

/* The formats -f accepts: the reporters', and jsonl (one JSON document per line). */
static bool format_known(const char *name)
{
	return !strcmp(name, "jsonl") || reporter_find(name);
}

/* The options every command that has them handles alike: 1 taken, -1 usage error, 0 not one. */
static int common_opt(int opt, const char *arg)
{
	switch (opt) {
	case OPT_OUTPUT:
		cli.output = arg;
		return 1;
	case OPT_FORMAT:
		if (!format_known(arg)) {
			cli_usage_error(NULL, "unknown format '%s' (expected %s|jsonl)", arg,
					reporter_names());
			return -1;
		}
		cli.format = arg;
		return 1;
	case OPT_RULES:
		if (cli.n_rules_files == (int)(sizeof(cli.rules_files) / sizeof(cli.rules_files[0]))) {
			cli_usage_error(NULL, "too many --rules files");
			return -1;
		}
		cli.rules_files[cli.n_rules_files++] = arg;
		return 1;
	case OPT_PRECISION:
		if (precision_parse(arg, &cli.precision) < 0) {
			cli_usage_error(NULL, "unknown precision '%s' (conservative or ocaml)", arg);
			return -1;
		}
		return 1;
	case OPT_ROOT:
		if (cli.n_roots == sizeof(cli.roots) / sizeof(cli.roots[0])) {
			cli_usage_error(NULL, "too many --root options");
			return -1;
		}
		cli.roots[cli.n_roots++] = arg;
		return 1;
	case OPT_CATALOGUE:
		if (cli.n_catalogues == (int)(sizeof(cli.catalogues) / sizeof(cli.catalogues[0]))) {
			cli_usage_error(NULL, "too many --catalogue files");
			return -1;
		}
		cli.catalogues[cli.n_catalogues++] = arg;
		return 1;
	case OPT_FORBID:
		return split_list(arg, cli.forbid, &cli.n_forbid, "--forbid");
	case OPT_REQUIRE_SEALED:
		return split_list(arg, cli.require_sealed, &cli.n_require_sealed, "--require-sealed");
	case OPT_CERTIFICATE:
		cli.certificate = arg;
		return 1;
	case OPT_BUILD:
		cli.build_dir = arg;
		return 1;
	case OPT_MAP:
		cli.map = arg;
		return 1;
	case OPT_EXTERNAL_TCB:
		cli.external_tcb = arg;
		return 1;
	case OPT_QUIET:
		cli.verbosity = -1;
		return 1;
	case OPT_VERBOSE:
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
		cli_error("%s", d.error);
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
		cli_error("%s", d.error);
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
		cli_error("%s: no certificate: reachability was not computed",
			a->image.path);
		output_abort(&o);
		return -1;
	}
	return output_commit(&o);
}

void cli_print_warnings(const struct audit *a)
{
	size_t i;

	if (cli.verbosity < 0)
		return;
	for (i = 0; i < a->diag.n_entries; i++) {
		const struct diag_entry *e = &a->diag.entries[i];

		if (e->kind == DIAG_WARNING || cli.verbosity > 0)
			cli_error("%s: %s: %s", a->image.path,
				diag_kind_name(e->kind), e->msg);
	}
}

/* The run's --external-tcb list: read once, shared read-only by every audit of the run. */
static struct external_list run_external;
static enum { EXTERNAL_NONE, EXTERNAL_READ, EXTERNAL_FAILED } external_state;

static void release_external(void)
{
	external_release(&run_external);
}

int cli_load_external(void)
{
	struct diag d;

	if (external_state != EXTERNAL_NONE || !cli.external_tcb)
		return external_state == EXTERNAL_FAILED ? -1 : 0;
	diag_init(&d);
	if (external_load(&run_external, cli.external_tcb, &d) < 0) {
		cli_error("%s", d.error ? d.error : "cannot read the external TCB list");
		external_release(&run_external);
		diag_release(&d);
		external_state = EXTERNAL_FAILED;
		return -1;
	}
	diag_release(&d);
	atexit(release_external);
	external_state = EXTERNAL_READ;
	return 0;
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
	a->opt.build = cli_build();
	a->opt.external = run_external.v;
	a->opt.n_external = run_external.n;
}

/* The run's build: read once, shared read-only by every audit of the run. */
static struct build run_build;
static enum { BUILD_NONE, BUILD_READ, BUILD_FAILED } build_state;

static void release_build(void)
{
	build_release(&run_build);
}

int cli_load_build(const char *image)
{
	const char *name;
	size_t i;

	if (build_state != BUILD_NONE || (!cli.build_dir && !cli.map))
		return build_state == BUILD_FAILED ? -1 : 0;
	name = image ? strrchr(image, '/') : NULL;
	name = name ? name + 1 : image;
	if (build_load(&run_build, cli.build_dir, cli.map, name) < 0) {
		cli_error("%s", run_build.diag.error ? run_build.diag.error :
			  "cannot read the build");
		build_release(&run_build);
		build_state = BUILD_FAILED;
		return -1;
	}
	atexit(release_build);
	build_state = BUILD_READ;
	for (i = 0; cli.verbosity >= 0 && i < run_build.diag.n_entries; i++) {
		const struct diag_entry *e = &run_build.diag.entries[i];

		if (e->kind == DIAG_WARNING || cli.verbosity > 0)
			cli_error("%s: %s", diag_kind_name(e->kind), e->msg);
	}
	return 0;
}

const struct build *cli_build(void)
{
	return build_state == BUILD_READ ? &run_build : NULL;
}

unsigned cli_build_want(void)
{
	return cli_build() ? AN_BIT(AN_LINKAGE) : 0;
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
		cli_error("%s: %s", path,
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
		cli_error("%s: %s", path, d.error ? d.error : "unknown error");
	diag_release(&d);
	return rc;
}

const char *cli_formats(enum view_kind kind)
{
	static char buf[160];
	char names[128], *save = NULL, *t;
	size_t len = 0;

	reporter_names_for(kind, names, sizeof(names));
	buf[0] = '\0';
	/* jsonl is the json reporter's documents, one per line (see struct frame). */
	for (t = strtok_r(names, "|", &save); t; t = strtok_r(NULL, "|", &save))
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%s", len ? "|" : "", t,
					!strcmp(t, "json") ? "|jsonl" : "");
	return buf;
}

const struct reporter *cli_reporter(enum view_kind kind)
{
	const char *name = cli.format ? cli.format : "text";
	const struct reporter *rep = reporter_find(!strcmp(name, "jsonl") ? "json" : name);

	if (rep && (rep->views & VIEW_BIT(kind)))
		return rep;
	cli_usage_error(NULL, "format '%s' is not offered by %s (%s)", cli.format,
			cli_cmd->name, cli_formats(kind));
	return NULL;
}

/* JSON text without the whitespace outside strings: one line (jansson escapes newlines). */
static void json_compact(const char *s, size_t n, FILE *out)
{
	bool in_string = false;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_string) {
			fputc(c, out);
			if (c == '\\' && i + 1 < n)
				fputc(s[++i], out);
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
			fputc(c, out);
		} else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
			fputc(c, out);
		}
	}
}

/* An in-memory stream that cannot be had: out of memory, as xmalloc() dies. */
static void oom(void)
{
	fputs("mirage-audit: out of memory\n", stderr);
	exit(MA_EXIT_ERROR);
}

void frame_begin(struct frame *fr, FILE *out, int n_images)
{
	const char *format = cli.format ? cli.format : "text";

	memset(fr, 0, sizeof(*fr));
	fr->out = out;
	if (!strcmp(format, "jsonl"))
		fr->kind = FRAME_LINES;
	else if (n_images > 1 && !strcmp(format, "json"))
		fr->kind = FRAME_ARRAY;
	else if (n_images > 1 && !strcmp(format, "sarif"))
		fr->kind = FRAME_SARIF;
}

FILE *frame_doc(struct frame *fr)
{
	if (fr->kind == FRAME_NONE)
		return fr->out;
	fr->mem = open_memstream(&fr->buf, &fr->len);
	if (!fr->mem)
		oom();
	return fr->mem;
}

void frame_doc_end(struct frame *fr)
{
	size_t len;

	if (fr->kind == FRAME_NONE)
		return;
	if (fclose(fr->mem) != 0)
		oom();
	fr->mem = NULL;
	len = fr->len;
	switch (fr->kind) {
	case FRAME_ARRAY:
		/* Each document ends with a newline: the separator goes after it. */
		while (len && fr->buf[len - 1] == '\n')
			len--;
		fputs(fr->n_docs ? ",\n" : "[\n", fr->out);
		fwrite(fr->buf, 1, len, fr->out);
		break;
	case FRAME_LINES:
		json_compact(fr->buf, len, fr->out);
		fputc('\n', fr->out);
		break;
	case FRAME_SARIF:
		fr->docs = xrealloc(fr->docs, (fr->n_docs + 1) * sizeof(*fr->docs));
		fr->lens = xrealloc(fr->lens, (fr->n_docs + 1) * sizeof(*fr->lens));
		fr->docs[fr->n_docs] = fr->buf;
		fr->lens[fr->n_docs] = len;
		fr->buf = NULL;
		break;
	case FRAME_NONE:
		break;
	}
	free(fr->buf);
	fr->buf = NULL;
	fr->n_docs++;
}

int frame_end(struct frame *fr)
{
	int rc = 0;
	size_t i;

	if (fr->kind == FRAME_ARRAY && fr->n_docs)
		fputs("\n]\n", fr->out);
	if (fr->kind == FRAME_SARIF && fr->n_docs)
		rc = sarif_merge(fr->docs, fr->lens, fr->n_docs, fr->out);
	for (i = 0; i < fr->n_docs && fr->docs; i++)
		free(fr->docs[i]);
	free(fr->docs);
	free(fr->lens);
	fr->docs = NULL;
	fr->lens = NULL;
	return rc;
}

int cli_run(char **images, int n, unsigned want, struct view *view,
	    int (*prepare)(struct audit *a, struct view *v))
{
	const struct reporter *rep = cli_reporter(view->kind);
	struct rules rules;
	struct catalogue cat;
	struct output out;
	struct frame fr;
	int worst = MA_EXIT_OK, i, rendered = 0;

	catalogue_init(&cat);
	if (!rep)
		return MA_EXIT_ERROR;
	if (n == 0)
		return cli_usage_error(NULL, "no image given");
	for (i = 0; i < n; i++)
		if (output_clobbers(cli.output, images[i]) ||
		    output_clobbers(cli.certificate, images[i]))
			return cli_usage_error(NULL, "the output would overwrite the input '%s'",
					       images[i]);
	if (cli.certificate && n != 1)
		return cli_usage_error(NULL, "option '--certificate' needs exactly one image, "
				       "not %d", n);
	if (cli.certificate && !strcmp(cli.certificate, "-") &&
	    (!cli.output || !strcmp(cli.output, "-")))
		return cli_usage_error(NULL, "'--certificate -' needs '-o FILE': both would go to "
				       "standard output");
	if (cli.certificate)
		want |= AN_BIT(AN_FACILITIES);
	if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&cat) < 0 ||
	    cli_load_build(images[0]) < 0 || cli_load_external() < 0) {
		rules_release(&rules);
		catalogue_release(&cat);
		return MA_EXIT_ERROR;
	}
	want |= cli_build_want();
	if (output_open(&out, cli.output) < 0) {
		rules_release(&rules);
		catalogue_release(&cat);
		return MA_EXIT_ERROR;
	}
	frame_begin(&fr, out.f, n);
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
			cli_error("%s: %s", images[i],
				a->diag.error ? a->diag.error : "unknown error");
			worst = MA_EXIT_ERROR;
		} else {
			cli_print_warnings(a);
			if ((policy_failed(a) || view->is_failed) && worst == MA_EXIT_OK)
				worst = MA_EXIT_FAIL;
			view->is_first = rendered == 0;
			view->is_last = i == n - 1;
			/* A write error is reported once, by output_commit() below. */
			if (rep->render(a, view, frame_doc(&fr)) < 0)
				worst = MA_EXIT_ERROR;
			frame_doc_end(&fr);
			rendered++;
			if (cli.certificate && write_certificate(a) < 0)
				worst = MA_EXIT_ERROR;
		}
		audit_release(a);
		free(a);
	}
	if (frame_end(&fr) < 0)
		worst = MA_EXIT_ERROR;
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
