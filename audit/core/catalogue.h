/* SPDX-License-Identifier: ISC */
/* The facility catalogue: which units and symbols implement each facility. */
#ifndef MA_CATALOGUE_H
#define MA_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/core/diag.h"
#include "audit/core/rules.h"

struct catalogue_entry {
	char *name, *klass, *device, *description;	/* heap-owned; device may be NULL */
};

/*
 * A near token of a facility (docs/facilities.md, "Near misses"): a unit or
 * symbol whose name has a word matching it, but which matches no pattern, is
 * evidence that the facility may be there under a name the catalogue does not
 * know, so the facility is not called sealed.
 */
struct catalogue_near {
	size_t facility;	/* index into catalogue.v */
	enum rule_field field;	/* RULE_UNIT or RULE_SYMBOL */
	char *text;		/* as written, "tcp*": heap-owned */
	char *word;		/* lowercase, without the stars: heap-owned */
	bool prefix, suffix;	/* "tcp*": a word starting with it; "*tls": ending with it */
};

/*
 * A platform rule: on TARGETS (comma list) FACILITY cannot act, because the
 * platform's interface has no operation that performs it (RULE says which
 * interface). With SYMBOLS (an `inert-unless` line), the rule does not hold
 * when one of those symbols (comma list, exact names) is defined in the image.
 */
struct catalogue_inert {
	char *facility, *targets, *symbols, *text;	/* heap-owned; symbols may be NULL */
};

struct catalogue {
	struct catalogue_entry *v;
	size_t n, alloc;
	struct catalogue_inert *inert;
	size_t n_inert, alloc_inert;
	struct rules match;	/* unit/symbol patterns; a match's library is the facility */
	struct catalogue_near *near;
	size_t n_near, alloc_near;
};

void catalogue_init(struct catalogue *c);
void catalogue_release(struct catalogue *c);

/*
 * catalogue_parse: append the facilities in TEXT (ORIGIN names it in
 * messages). Lines:
 *   facility NAME CLASS DEVICE DESCRIPTION...   (CLASS driver|service|forbidden;
 *                                                DEVICE NET_BASIC|BLOCK_BASIC|-)
 *   match NAME unit|symbol exact|prefix|regex PATTERN
 *   near NAME unit|symbol TOKEN[,TOKEN...]      (TOKEN: word, word*, *word or *word*)
 *   inert NAME TARGET[,TARGET...] RULE...        (NAME of class forbidden)
 *   inert-unless NAME TARGET[,TARGET...] SYMBOL[,SYMBOL...] WHY...
 * A facility may be defined again (a user catalogue overrides the built-in
 * description); its matches add up, the first matching pattern wins.
 * Returns 0, or -1 with "ORIGIN:LINE: problem" in DIAG.
 */
int catalogue_parse(struct catalogue *c, const char *text, const char *origin, struct diag *d);
/* catalogue_load_file: catalogue_parse() of a file's contents. */
int catalogue_load_file(struct catalogue *c, const char *path, struct diag *d);
/* catalogue_list_has: whether comma list LIST names WORD. */
bool catalogue_list_has(const char *list, const char *word);
/* catalogue_find: the entry named NAME, or NULL. */
const struct catalogue_entry *catalogue_find(const struct catalogue *c, const char *name);

/*
 * catalogue_near_hits: the facilities (indexes, distinct, at most MAX) with a
 * near token of FIELD that a word of NAME matches, into OUT; their number.
 * WANT, when not NULL, limits the search to the facilities k with WANT[k].
 * Words: NAME split at every character that is not a letter or digit, before
 * an uppercase letter that follows a lowercase one or that starts a
 * capitalised word after an uppercase run ("HTTPServer": HTTP, Server), and
 * where a letter follows a digit ("Ipv4v6": Ipv4, v6); compared in lowercase.
 * A plain token T matches the word T, T followed by digits (Static1), or T
 * followed by 'v' and digits (Tcpv4); T* a word starting with T; *T a word
 * ending with T; *T* a word containing T.
 */
size_t catalogue_near_hits(const struct catalogue *c, enum rule_field field, const char *name,
			   const bool *want, size_t *out, size_t max);

/*
 * catalogue_add_default_near: the built-in catalogue's near lines for the
 * facilities C defines (verify adds them to a certificate's lines, so that a
 * certificate that leaves them out cannot escape the guard). 0 or -1.
 */
int catalogue_add_default_near(struct catalogue *c, struct diag *d);

/* The catalogue shipped with the tool (analyzers/facilities.catalogue, compiled in). */
extern const char catalogue_default_text[];

#endif
