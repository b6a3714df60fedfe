/* SPDX-License-Identifier: ISC */
/* Shared command-line state and the per-image driver used by every cmd_*.c. */
#ifndef MA_CLI_H
#define MA_CLI_H

#include <getopt.h>
#include <stdbool.h>

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
	const char *build_dir;		/* --build DIR */
	const char *map;		/* -M FILE.map */
	const char *external_tcb;	/* --external-tcb FILE */
};

extern struct cli cli;

/*
 * Every option of the tool. Each command uses a subset, said once in the command table
 * (main.c, struct cli_command.uses); any other option is a usage error naming the option
 * and the command, so that nothing given on the command line is silently ignored.
 */
enum cli_opt {
	OPT_OUTPUT, OPT_FORMAT, OPT_RULES, OPT_PRECISION, OPT_ROOT, OPT_CATALOGUE, OPT_FORBID,
	OPT_REQUIRE_SEALED, OPT_CERTIFICATE, OPT_QUIET, OPT_VERBOSE, OPT_HELP, OPT_ROWS,
	OPT_LEVELS, OPT_SORT, OPT_RETAINED, OPT_LEVEL, OPT_FOCUS, OPT_BUDGET, OPT_BASELINE,
	OPT_RATCHET, OPT_VERSION, OPT_KEEP, OPT_STRIP_DEBUG, OPT_STRIP_ALL, OPT_CHECK, OPT_BUILD,
	OPT_MAP, OPT_RELINK, OPT_EXTERNAL_TCB, N_CLI_OPTS
};

#define OPT_BIT(o) (1u << (o))
/* What every command that writes a document takes: where, in which format, how loud. */
#define OPT_DOCUMENT (OPT_BIT(OPT_OUTPUT) | OPT_BIT(OPT_FORMAT) | OPT_BIT(OPT_QUIET) | \
		      OPT_BIT(OPT_VERBOSE) | OPT_BIT(OPT_HELP))
/* How reachability is computed. */
#define OPT_REACH (OPT_BIT(OPT_PRECISION) | OPT_BIT(OPT_ROOT))
/* The build inputs: what was available to the link, what it took and why. */
#define OPT_BUILD_INPUTS (OPT_BIT(OPT_BUILD) | OPT_BIT(OPT_MAP))
#define CLI_HELP_BUILD \
	"      --build DIR      the image's build directory: objects, archives, link map,\n" \
	"                       build log, MirageOS configuration (docs/build.md)\n" \
	"  -M, --map FILE       a GNU ld -Map file of the image's link\n"
#define CLI_HELP_EXTERNAL_TCB \
	"      --external-tcb FILE  what the image runs on (tender, hypervisor): lines\n" \
	"                       'NAME bytes N' or 'NAME elf PATH', added to the TCB's\n" \
	"                       stack figure (docs/tcb.md)\n"
/* The facility policies: their violations make the exit status 1. */
#define OPT_POLICY (OPT_BIT(OPT_FORBID) | OPT_BIT(OPT_REQUIRE_SEALED))

/* -n N: rows per level or list before the rest is folded, the same in every command. */
#define CLI_ROWS_DEFAULT 20
#define CLI_HELP_ROWS \
	"  -n N                 rows per level or list before the rest is folded into\n" \
	"                       \"[N others]\" (default 20, 0 = all)\n"

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	unsigned uses;		/* OPT_BIT()s of the options it takes; -h is one */
};

/* The command being run (set by main before it calls cmd->fn). */
extern const struct cli_command *cli_cmd;

/*
 * cli_error: print "mirage-audit: MSG" on stderr, every byte of MSG that is not printable
 * ASCII as \xNN (names from the image, as the reports write them), once for every message.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_usage_error: print "mirage-audit: MSG" and a hint to --help; returns MA_EXIT_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cli_stash_top: parse the options given before the command name (ARGV up to the first
 * operand) and keep them for the command's cli_parse(); -h and --version are answered at
 * once (TOP_HELP prints the tool's usage). Returns CLI_GO with optind at the first operand,
 * or an exit status.
 */
int cli_stash_top(int argc, char **argv, void (*top_help)(void));

#define CLI_GO (-1)
/*
 * cli_parse: the options of cli_cmd: first those stashed before the command name, then
 * ARGV's. An option cli_cmd does not use is a usage error. OWN (may be NULL) sees each
 * option first: it returns 1 when it took it, 0 to leave it to the common handling (output,
 * format, rules, precision, root, catalogue, policies, certificate, verbosity), -1 after a
 * usage message. HELP prints the command's help for -h. Returns CLI_GO with optind at the
 * first operand, or the exit status to return (0 after the help, 2 after a usage error).
 */
int cli_parse(int argc, char **argv, int (*own)(int opt, const char *arg, void *ctx), void *ctx,
	      void (*help)(void));
/* cli_given: OPT was on the command line (before or after the command name). */
bool cli_given(enum cli_opt opt);
/*
 * cli_only_with: when OPT was given and IS_USED is false, a usage error saying OPT is used
 * by the command only with WHAT (MA_EXIT_ERROR); else 0.
 */
int cli_only_with(enum cli_opt opt, bool is_used, const char *what);

/* cli_top_n: -n ARG into *TOP_N; 0, or MA_EXIT_ERROR after a usage message. */
int cli_top_n(const char *arg, size_t *top_n);
/* cli_rows_opt: a cli_parse() OWN for commands whose only own option is -n (CTX: the view). */
int cli_rows_opt(int opt, const char *arg, void *ctx);
/* cli_sort_opt: --sort ARG (file or vm) into *SORT_VM; 1, or -1 after a usage message. */
int cli_sort_opt(const char *arg, bool *sort_vm);
/*
 * cli_listing: a command that takes the common options and -n N only, then
 * audits its images with the analyzers in WANT into VIEW (report, dead).
 */
int cli_listing(int argc, char **argv, void (*help)(void), struct view *view, unsigned want);
/* cli_help_done: the exit status after printing help: 2 if stdout failed. */
int cli_help_done(void);

/* cli_parse_count: a non-negative decimal count; -1 when malformed. */
long long cli_parse_count(const char *s);

/*
 * cli_suggest: the command WORD is probably a misspelling of (within edit distance 2),
 * or NULL.
 */
const char *cli_suggest(const char *word, const struct cli_command *cmds, size_t n);

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

/*
 * cli_audit_options: the audit options (precision, roots, catalogue, policies, and the
 * build cli_load_build() read) from the command line.
 */
void cli_audit_options(struct audit *a, struct catalogue *cat);

/*
 * cli_load_build: read --build DIR and -M FILE.map once per run (the first call; IMAGE
 * names the image whose map is preferred) and print the build's warnings, unless -q.
 * Returns 0 (also when neither option was given), or -1 after one line saying why the
 * directory or map cannot be read at all. The build is released at exit.
 */
int cli_load_build(const char *image);
/*
 * cli_load_external: read --external-tcb FILE once per run (the first call). Returns 0
 * (also when the option was not given), or -1 after one line naming the file and the
 * problem. The list is released at exit.
 */
int cli_load_external(void);
/* cli_build: the build cli_load_build() read, or NULL. */
const struct build *cli_build(void);
/* cli_build_want: AN_BIT(AN_LINKAGE) when a build was read, else 0. */
unsigned cli_build_want(void);

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

/*
 * Several documents on one output, framed by the driver, which alone knows when the last
 * one was written: with several images, -f json writes one JSON array of the documents and
 * -f sarif one log with a run per image; -f jsonl writes each document on one line (JSON
 * Lines), for one image too. Other formats, and one image, pass through unframed.
 * frame_begin: for N_IMAGES documents to OUT. frame_doc: the FILE to render the next
 * document into; frame_doc_end after it. frame_end: close the frame; -1 if it could not
 * be (a malformed SARIF log; write errors show on OUT).
 */
enum framing { FRAME_NONE, FRAME_ARRAY, FRAME_LINES, FRAME_SARIF };
struct frame {
	enum framing kind;
	FILE *out;
	FILE *mem;		/* the document being rendered */
	char *buf;
	size_t len;
	size_t n_docs;
	char **docs;		/* FRAME_SARIF: every log, merged by frame_end() */
	size_t *lens;
};
void frame_begin(struct frame *fr, FILE *out, int n_images);
FILE *frame_doc(struct frame *fr);
void frame_doc_end(struct frame *fr);
int frame_end(struct frame *fr);

/*
 * why_resolve (cmd_why.c): QUERY as a layout node: an address (0x...), a symbol (an alias
 * that owns no bytes: the node at its address), or an OCaml unit (its shallowest reached
 * node); *WHAT says which ("symbol S", arena-owned). -1 when nothing matches.
 * why_chain_to: V's why chain to node N (root first; none when N is not reached).
 * Returns 0, or -1 (diag set) on a broken reachability tree.
 */
ptrdiff_t why_resolve(struct audit *a, const char *query, const char **what);
/* why_nearer: node I when it is nearer a root than BEST (reached first, then shallower). */
ptrdiff_t why_nearer(const struct audit *a, ptrdiff_t best, size_t i);
int why_chain_to(struct audit *a, struct view *v, size_t n);

/*
 * The analyzers of `report`, which `review` runs too (and AN_CONDENSE for its graphs), so
 * that the page embeds the document `report -f json` writes.
 */
#define REPORT_ANALYZERS (AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_SIZES) | \
			  AN_BIT(AN_DEAD) | AN_BIT(AN_FACILITIES) | AN_BIT(AN_GADGETS) | \
			  AN_BIT(AN_HARDENING) | AN_BIT(AN_INSNS) | AN_BIT(AN_TCB) | \
			  AN_BIT(AN_SECRETS))
/* report_prepare (cmd_report.c): with a build, the report's package level in V. */
int report_prepare(struct audit *a, struct view *v);

int cmd_check(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_size(int argc, char **argv);
int cmd_dead(int argc, char **argv);
int cmd_facilities(int argc, char **argv);
int cmd_drivers(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_why_linked(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_seal(int argc, char **argv);
/* seal_relink: seal --relink of INPUT, audited in A with its build (audit/cli/cmd_relink.c). */
int seal_relink(struct audit *a, const char *input, struct rules *rules, size_t top_n);
struct seal_result;
/* seal_render: the seal view of RES about A on standard output; 0 or MA_EXIT_ERROR. */
int seal_render(const struct audit *a, struct seal_result *res, size_t top_n);

#endif
