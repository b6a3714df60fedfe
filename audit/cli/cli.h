/* SPDX-License-Identifier: ISC */
/* Shared command-line state and the per-image driver used by every cmd_*.c. */
#ifndef MA_CLI_H
#define MA_CLI_H

#include <getopt.h>

#include "audit/core/catalogue.h"
#include "audit/core/report.h"
#include "audit/gates/snapshot.h"

enum ma_exit { MA_EXIT_OK = 0, MA_EXIT_FAIL = 1, MA_EXIT_ERROR = 2 };

struct cli {
	const char *output;		/* -o FILE, NULL = stdout */
	const char *format;		/* -f FORMAT */
	const char *rules_files[16];	/* --rules FILE, in order */
	int n_rules_files;
	int verbosity;			/* -q: -1, -v: 1 */
	enum precision precision;	/* --precision */
	const char *roots[64];		/* --root SYMBOL */
	size_t n_roots;
	const char *catalogues[16];	/* --catalogue FILE */
	int n_catalogues;
	const char *forbid[64];		/* --forbid FACILITY[,...] */
	size_t n_forbid;
	const char *require_sealed[64];	/* --require-sealed FACILITY[,...] */
	size_t n_require_sealed;
	const char *certificate;	/* --certificate FILE (one image only) */
};

extern struct cli cli;

/* Options every command accepts too, so that they may follow the command name. */
#define CLI_COMMON_SHORT "o:f:qvh"
#define CLI_COMMON_LONG \
	{ "output", required_argument, NULL, 'o' }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "rules", required_argument, NULL, 'R' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "precision", required_argument, NULL, 'P' }, \
	{ "root", required_argument, NULL, 'T' }, \
	{ "catalogue", required_argument, NULL, 'C' }, \
	{ "forbid", required_argument, NULL, 'F' }, \
	{ "require-sealed", required_argument, NULL, 'S' }, \
	{ "certificate", required_argument, NULL, 'K' }

/*
 * cli_common_opt: handle option C (from getopt_long) if it is a common one.
 * Returns 1 when handled, 0 when not a common option, -1 on a usage error
 * (message printed).
 */
int cli_common_opt(int c, const char *arg);

/* cli_usage_error: print "mirage-audit: MSG" and a hint to --help; returns MA_EXIT_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Short options that take an argument, in every command (for error messages). */
#define CLI_ARG_OPTS "ofdns"

/*
 * cli_bad_option: after getopt_long returned '?' (opterr is 0), say which
 * option was wrong in the house format; returns MA_EXIT_ERROR.
 */
int cli_bad_option(const char *cmd, char **argv);

/* cli_top_n: -n ARG into *TOP_N; 0, or MA_EXIT_ERROR after a usage message. */
int cli_top_n(const char *cmd, const char *arg, size_t *top_n);
/*
 * cli_listing: a command that takes the common options and -n N only, then
 * audits its images with the analyzers in WANT into VIEW (report, dead).
 */
int cli_listing(int argc, char **argv, const char *cmd, void (*help)(void), struct view *view,
		unsigned want);
/* cli_help_done: the exit status after printing help: 2 if stdout failed. */
int cli_help_done(void);

/* cli_parse_count: a non-negative decimal count; -1 when malformed. */
long long cli_parse_count(const char *s);

/*
 * cli_run: audit each of the N IMAGES: load, run the analyzers in WANT, let
 * PREPARE (may be NULL) complete the view, render with the chosen format to
 * the chosen output. Keeps going over bad images and returns the worst exit
 * status (MA_EXIT_*). Nothing is written to -o FILE unless at least one image
 * was rendered. With --certificate (report, dead, facilities and drivers
 * views only, exactly one image) the facilities analyzer runs too and the
 * certificate is written atomically after the image was rendered.
 */
int cli_run(char **images, int n, unsigned want, struct view *view,
	    int (*prepare)(struct audit *a, struct view *v));

/*
 * cli_load_rules: the --rules files, then the built-in rules, into R (which it
 * initialises). cli_load_catalogue: the --catalogue files, then the built-in
 * catalogue, into C (initialised by the caller). Both print one line and
 * return -1 on a bad file; the caller releases in both cases.
 */
int cli_load_rules(struct rules *r);
int cli_load_catalogue(struct catalogue *c);
/* cli_print_warnings: A's warnings (and notes with -v) on stderr, unless -q. */
void cli_print_warnings(const struct audit *a);

/* cli_audit_options: the audit options (precision, roots, catalogue, policies) from the command line. */
void cli_audit_options(struct audit *a, struct catalogue *cat);

/*
 * cli_load_snapshot: fill S (initialised) from PATH: an ELF image is audited
 * as `report` would (platform, sizes, dead, facilities), anything else is read
 * as a saved JSON report. Prints one line naming PATH and returns -1 on error.
 */
int cli_load_snapshot(struct snapshot *s, const char *path, struct rules *rules,
		      struct catalogue *cat);

/* cli_formats: "text|json|..." the formats that render views of KIND, for help texts. */
const char *cli_formats(enum view_kind kind);
/* cli_reporter: the -f reporter when it renders views of KIND, else NULL (usage error printed). */
const struct reporter *cli_reporter(enum view_kind kind);

int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_size(int argc, char **argv);
int cmd_dead(int argc, char **argv);
int cmd_facilities(int argc, char **argv);
int cmd_drivers(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
