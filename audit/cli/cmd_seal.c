// SPDX-License-Identifier: ISC
/* mirage-audit seal IMAGE -o OUT: dead code replaced by traps; seal --check SEALED [ORIGINAL]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/core/analyzer.h"
#include "audit/core/catalogue.h"
#include "audit/core/seal.h"
#include "audit/core/xalloc.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"

/*
 * Test only (docs/seal.md): plan this reached function as dead, so that a test can show
 * the run check of a sealed image fails when the reachable set is wrong.
 */
#define SEAL_FORCE_DEAD_ENV "MIRAGE_AUDIT_TEST_FORCE_DEAD"

#define SEAL_WANT (AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_DEAD))

struct seal_cmd {
	struct seal_options opt;
	const char *keep[64];
	enum image_strip strip;
	bool is_check, is_relink;
	size_t top_n;
};

static void seal_help(void)
{
	printf("usage: mirage-audit seal [--precision conservative|ocaml] [--root SYMBOL]\n"
	       "                         [--level function|module] [--keep SYMBOL]\n"
	       "                         [--strip-debug|--strip-all] [--rules FILE] [-f FORMAT]\n"
	       "                         [-n N] [--build DIR] [-M FILE.map] [-q|-v] -o OUT IMAGE\n"
	       "       mirage-audit seal --check [-f FORMAT] [-q|-v] SEALED [ORIGINAL]\n"
	       "       mirage-audit seal --relink --build DIR [-f FORMAT] -o OUT IMAGE\n"
	       "\n"
	       "Write a copy of IMAGE to OUT in which every byte of code the dead analysis\n"
	       "proves unreachable is a trap (int3 on x86-64, brk #0 on AArch64), in whole\n"
	       "functions: same size, layout, entry and notes, with a record of the seal\n"
	       "in the non-allocated section .note.mirage-audit.seal. Prints the code bytes\n"
	       "live and trapped per component, library and module, and the ROP/JOP gadgets\n"
	       "before and after. --check re-audits a sealed image against its record (and\n"
	       "against ORIGINAL when given) and exits 1 when the seal does not hold.\n"
	       "See docs/seal.md for what sealing assumes.\n"
	       "\n"
	       "  -o, --output FILE    the sealed image (atomically; never the input)\n"
	       "      --level LEVEL    function (default): every dead function; module: only\n"
	       "                       OCaml modules and C objects whose code is all dead\n"
	       "      --keep SYMBOL    never trap this function (repeatable)\n"
	       "      --strip-debug    drop the .debug sections, as strip --strip-debug\n"
	       "      --strip-all      drop those and the symbol table, as strip --strip-all\n"
	       "      --check          check SEALED (and ORIGINAL) instead of sealing\n"
	       "      --relink         replay the image's link (from --build DIR's build log)\n"
	       "                       with each removable dead object replaced by a stub:\n"
	       "                       a smaller image (docs/seal.md, \"Relinking\")\n"
	       CLI_HELP_ROWS
	       "      --precision MODE  conservative, or ocaml (default)\n"
	       "      --root SYMBOL    one more root (repeatable)\n"
	       "  -f, --format FORMAT  %s (on standard output)\n"
	       "      --rules FILE     extra attribution rules\n"
	       CLI_HELP_BUILD
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n"
	       "\n"
	       "exit status: 0 sealed (or the seal holds), 1 --check found a failure, 2 usage\n"
	       "or input error\n",
	       cli_formats(VIEW_SEAL));
}

static int seal_opt(int opt, const char *arg, void *ctx)
{
	struct seal_cmd *c = ctx;

	switch (opt) {
	case OPT_LEVEL:
		if (!strcmp(arg, "function") || !strcmp(arg, "module")) {
			c->opt.level = !strcmp(arg, "module") ? SEAL_MODULE : SEAL_FUNCTION;
			return 1;
		}
		cli_usage_error(NULL, "unknown level '%s' (function or module)", arg);
		return -1;
	case OPT_KEEP:
		if (c->opt.n_keep == sizeof(c->keep) / sizeof(c->keep[0])) {
			cli_usage_error(NULL, "too many --keep options");
			return -1;
		}
		c->keep[c->opt.n_keep++] = arg;
		return 1;
	case OPT_STRIP_DEBUG:
	case OPT_STRIP_ALL:
		c->strip = opt == OPT_STRIP_ALL ? IMG_STRIP_ALL : IMG_STRIP_DEBUG;
		return 1;
	case OPT_ROWS:
		return cli_top_n(arg, &c->top_n) ? -1 : 1;
	case OPT_CHECK:
		c->is_check = true;
		return 1;
	case OPT_RELINK:
		c->is_relink = true;
		return 1;
	default:
		return 0;
	}
}

/* Load PATH into A and run the analyses a seal needs; prints one line on error. */
static int audit_image(struct audit *a, struct rules *rules, const char *path)
{
	audit_init(a, rules);
	if (cli_load_build(path) < 0)
		return -1;
	cli_audit_options(a, NULL);
	if (image_load(&a->image, path, &a->arena, &a->diag) < 0 ||
	    analyzers_run(a, SEAL_WANT | cli_build_want()) < 0) {
		cli_error("%s: %s", path, a->diag.error ? a->diag.error : "unknown error");
		return -1;
	}
	cli_print_warnings(a);
	return 0;
}

struct note_ctx {
	struct audit *a;
	const struct seal_plan *plan;
};

static const char *note_desc(void *ctx, const char *loaded_sha256, size_t *len)
{
	struct note_ctx *n = ctx;

	return seal_note_desc(n->a, n->plan, n->plan->input_sha256, loaded_sha256, &n->a->arena,
			      len);
}

/* The rendering of RES about A to standard output; 0 or MA_EXIT_ERROR. */
int seal_render(const struct audit *a, struct seal_result *res, size_t top_n)
{
	const struct reporter *rep = cli_reporter(VIEW_SEAL);
	struct view view = { .kind = VIEW_SEAL, .seal = res, .is_first = true, .is_last = true,
			     .top_n = top_n };

	struct frame fr;
	int rc;

	if (!rep)
		return MA_EXIT_ERROR;
	/* -f jsonl: the document on one line, as every command writes it. */
	frame_begin(&fr, stdout, 1);
	rc = rep->render(a, &view, frame_doc(&fr));
	frame_doc_end(&fr);
	if (frame_end(&fr) < 0 || rc < 0 || fflush(stdout) || ferror(stdout)) {
		cli_error("standard output: write error");
		return MA_EXIT_ERROR;
	}
	return MA_EXIT_OK;
}

static int do_seal(struct seal_cmd *c, const char *input, struct rules *rules)
{
	struct audit a, b;
	struct seal_plan plan;
	struct seal_result res = { .output = cli.output, .plan = &plan };
	struct note_ctx nc = { &a, &plan };
	struct image_fill *fills = NULL;
	struct image_edit e = { 0 };
	struct output out;
	struct stat st;
	size_t i;
	int rc = MA_EXIT_ERROR;

	audit_init(&b, rules);
	if (audit_image(&a, rules, input) < 0)
		goto out;
	c->opt.keep = c->keep;
	c->opt.force_dead = getenv(SEAL_FORCE_DEAD_ENV);
	if (c->opt.force_dead && !*c->opt.force_dead)
		c->opt.force_dead = NULL;
	if (seal_plan(&a, &c->opt, &plan) < 0) {
		cli_error("%s: %s", input, a.diag.error ? a.diag.error : "unknown error");
		goto out;
	}
	res.input_sha256 = plan.input_sha256;
	fills = xcalloc(plan.n_ranges + 1, sizeof(*fills));
	for (i = 0; i < plan.n_ranges; i++)
		fills[i] = (struct image_fill){ plan.ranges[i].off,
						plan.ranges[i].hi - plan.ranges[i].lo };
	e = (struct image_edit){ .fills = fills, .n_fills = plan.n_ranges, .pattern = plan.trap,
				 .pattern_len = plan.trap_len, .note_section = SEAL_SECTION,
				 .note_owner = SEAL_NOTE_OWNER, .note_type = SEAL_NOTE_TYPE,
				 .note_desc = note_desc, .ctx = &nc, .strip = c->strip };
	if (output_open(&out, cli.output) < 0)
		goto out;
	/* An image is run: the sealed copy keeps the input's permission bits. */
	if (stat(input, &st) == 0)
		fchmod(fileno(out.f), st.st_mode & 07777);
	if (image_write(&a.image, &e, out.f, &a.diag) < 0) {
		output_abort(&out);
		cli_error("%s: %s", input, a.diag.error ? a.diag.error : "unknown error");
		goto out;
	}
	if (output_commit(&out) < 0)
		goto out;
	/* Gadgets of both images, when the counter decodes this machine. */
	if (gadgets_count(&a, &res.gadgets_before) == 0) {
		if (image_load(&b.image, cli.output, &b.arena, &b.diag) < 0 ||
		    analyzers_run(&b, AN_BIT(AN_PLATFORM)) < 0) {
			cli_error("%s: %s", cli.output, b.diag.error ? b.diag.error : "unknown error");
			goto out;
		}
		res.has_gadgets = gadgets_count(&b, &res.gadgets_after) == 0;
	}
	rc = seal_render(&a, &res, c->top_n);
out:
	free(fills);
	audit_release(&b);
	audit_release(&a);
	return rc;
}

/* seal --relink: the input audited at the chosen precision, with its build. */
static int do_relink(const char *input, struct rules *rules, size_t top_n)
{
	struct audit a;
	int rc = MA_EXIT_ERROR;

	if (audit_image(&a, rules, input) == 0)
		rc = seal_relink(&a, input, rules, top_n);
	audit_release(&a);
	return rc;
}

static int do_check(const char *sealed, const char *original, struct rules *rules)
{
	struct audit s, o;
	struct seal_record r;
	struct seal_result res = { .is_check = true, .original = original };
	struct catalogue cat;
	const char *why;
	int found, rc = MA_EXIT_ERROR;

	catalogue_init(&cat);
	audit_init(&o, rules);
	audit_init(&s, rules);
	if (image_load(&s.image, sealed, &s.arena, &s.diag) < 0) {
		cli_error("%s: %s", sealed, s.diag.error ? s.diag.error : "unknown error");
		goto out;
	}
	found = seal_record_parse(&s.image, &s.arena, &r, &why);
	res.n_checks = 1;
	if (found <= 0) {
		res.failures = arena_alloc(&s.arena, sizeof(*res.failures));
		res.failures[res.n_failures++] = found < 0 ?
			arena_printf(&s.arena, "the seal record is malformed: %s", why) :
			"no seal record (section " SEAL_SECTION ")";
		rc = seal_render(&s, &res, 0) == MA_EXIT_OK ? MA_EXIT_FAIL : MA_EXIT_ERROR;
		goto out;
	}
	/* Both images are audited with the precision the record names. */
	cli.precision = !strcmp(r.precision, "conservative") ? PRECISION_CONSERVATIVE :
			PRECISION_OCAML;
	res.record = &r;
	audit_release(&s);
	if (audit_image(&s, rules, sealed) < 0 ||
	    seal_record_parse(&s.image, &s.arena, &r, &why) != 1)
		goto out;
	if (original) {
		audit_release(&o);
		if (audit_image(&o, rules, original) < 0)
			goto out;
		/* The original's facility verdicts: each dead one must now be traps. */
		o.opt.catalogue = &cat;
		if (cli_load_catalogue(&cat) < 0 || analyzers_run(&o, AN_BIT(AN_FACILITIES)) < 0) {
			cli_error("%s: %s", original, o.diag.error ? o.diag.error : "unknown error");
			goto out;
		}
	}
	seal_check(&s, &r, original ? &o : NULL, &res);
	rc = seal_render(&s, &res, 0);
	if (rc == MA_EXIT_OK && res.n_failures)
		rc = MA_EXIT_FAIL;
out:
	audit_release(&o);
	audit_release(&s);
	catalogue_release(&cat);
	return rc;
}

int cmd_seal(int argc, char **argv)
{
	struct seal_cmd c = { .opt.level = SEAL_FUNCTION, .top_n = CLI_ROWS_DEFAULT };
	struct rules rules;
	int r = cli_parse(argc, argv, seal_opt, &c, seal_help), n, i, rc;

	if (r != CLI_GO)
		return r;
	n = argc - optind;
	if (cli_given(OPT_STRIP_DEBUG) && cli_given(OPT_STRIP_ALL))
		return cli_usage_error(NULL, "'--strip-debug' and '--strip-all' exclude each other");
	if (c.is_check) {
		static const enum cli_opt sealing_only[] = { OPT_OUTPUT, OPT_LEVEL, OPT_KEEP,
			OPT_STRIP_DEBUG, OPT_STRIP_ALL, OPT_PRECISION, OPT_ROOT, OPT_RULES,
			OPT_RELINK };

		/* The record says how the image was sealed: --check takes nothing of that. */
		for (i = 0; i < (int)(sizeof(sealing_only) / sizeof(sealing_only[0])); i++)
			if (cli_only_with(sealing_only[i], false, "sealing, not with '--check'"))
				return MA_EXIT_ERROR;
		if (n < 1 || n > 2)
			return cli_usage_error(NULL, "expected SEALED [ORIGINAL]");
	} else {
		static const enum cli_opt trapping_only[] = { OPT_LEVEL, OPT_KEEP,
			OPT_STRIP_DEBUG, OPT_STRIP_ALL, OPT_ROOT };

		for (i = 0; c.is_relink && i < (int)(sizeof(trapping_only) /
						    sizeof(trapping_only[0])); i++)
			if (cli_only_with(trapping_only[i], false, "trapping, not with '--relink'"))
				return MA_EXIT_ERROR;
		if (c.is_relink && !cli_given(OPT_BUILD))
			return cli_usage_error(NULL, "'--relink' needs '--build DIR' (the build "
					       "log with the link command)");
		if (n != 1)
			return cli_usage_error(NULL, "expected one IMAGE");
		if (!cli.output || !strcmp(cli.output, "-"))
			return cli_usage_error(NULL, "seal needs '-o OUT', a file for the sealed "
					       "image");
		if (output_clobbers(cli.output, argv[optind]))
			return cli_usage_error(NULL, "the output would overwrite the input '%s'",
					       argv[optind]);
	}
	if (!cli_reporter(VIEW_SEAL))
		return MA_EXIT_ERROR;
	if (cli_load_rules(&rules) < 0) {
		rules_release(&rules);
		return MA_EXIT_ERROR;
	}
	rc = c.is_check ? do_check(argv[optind], n == 2 ? argv[optind + 1] : NULL, &rules) :
	     c.is_relink ? do_relink(argv[optind], &rules, c.top_n) : do_seal(&c, argv[optind], &rules);
	rules_release(&rules);
	return rc;
}
