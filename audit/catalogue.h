/* SPDX-License-Identifier: ISC */
/* The facility catalogue: which units and symbols implement each facility. */
#ifndef MA_CATALOGUE_H
#define MA_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/diag.h"
#include "audit/rules.h"

struct catalogue_entry {
	char *name, *klass, *device, *description;	/* heap-owned; device may be NULL */
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
};

void catalogue_init(struct catalogue *c);
void catalogue_release(struct catalogue *c);

/*
 * catalogue_parse: append the facilities in TEXT (ORIGIN names it in
 * messages). Lines:
 *   facility NAME CLASS DEVICE DESCRIPTION...   (CLASS driver|service|forbidden;
 *                                                DEVICE NET_BASIC|BLOCK_BASIC|-)
 *   match NAME unit|symbol exact|prefix|regex PATTERN
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

/* The catalogue shipped with the tool (analyzers/facilities.catalogue, compiled in). */
extern const char catalogue_default_text[];

#endif
