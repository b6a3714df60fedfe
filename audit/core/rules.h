/* SPDX-License-Identifier: ISC */
/* Attribution rules: which library and component a unit, symbol, source file or section belongs to. */
#ifndef MA_RULES_H
#define MA_RULES_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/core/diag.h"
#include "audit/core/strset.h"

enum rule_field { RULE_UNIT, RULE_SYMBOL, RULE_FILE, RULE_SECTION, N_RULE_FIELDS };
enum rule_kind { RULE_EXACT, RULE_PREFIX, RULE_REGEX };

struct rule {
	enum rule_field field;
	enum rule_kind kind;
	char *pattern, *library, *component;	/* heap-owned */
	char *origin;				/* "FILE:LINE", heap-owned */
	char **alts;				/* exact/prefix: the comma-separated patterns */
	size_t n_alts;
	regex_t re;				/* RULE_REGEX only */
	bool uses_captures;			/* library holds \N or \lN */
};

struct rule_prefix {
	size_t rule;
	const char *text;
	size_t len;
};

struct rules {
	struct rule *v;		/* in priority order: the first match wins */
	size_t n, alloc;
	/* per field, rule indexes by kind (prefix rules bucketed by first byte) */
	struct arena arena;			/* holds the exact-match keys */
	struct strset exact[N_RULE_FIELDS];	/* pattern -> id */
	size_t *exact_rule[N_RULE_FIELDS];	/* id -> first rule index */
	struct rule_prefix *prefix[N_RULE_FIELDS][256];
	size_t n_prefix[N_RULE_FIELDS][256];
	size_t *regex[N_RULE_FIELDS], n_regex[N_RULE_FIELDS];
	bool is_indexed;
};

struct rule_match {
	const struct rule *rule;
	char library[256];	/* expanded library name */
};

void rules_init(struct rules *r);
void rules_release(struct rules *r);

/*
 * rules_parse: append the rules in TEXT (ORIGIN names it in messages). Lines:
 *   FIELD KIND PATTERN LIBRARY COMPONENT
 * FIELD is unit|symbol|file|section, KIND exact|prefix|regex (POSIX ERE);
 * an exact or prefix PATTERN may list several patterns separated by commas;
 * LIBRARY may use \1..\9 (regex captures) and \l1..\l9 (lowercased).
 * Returns 0, or -1 with "ORIGIN:LINE: problem" in DIAG.
 */
int rules_parse(struct rules *r, const char *text, const char *origin, struct diag *d);
/* rules_load_file: rules_parse() of a file's contents; -1 with the reason in DIAG. */
int rules_load_file(struct rules *r, const char *path, struct diag *d);
/* rules_match: the first rule of FIELD matching NAME; false when none does. */
bool rules_match(struct rules *r, enum rule_field field, const char *name, struct rule_match *m);

/* The rules shipped with the tool (analyzers/attribution.rules, compiled in). */
extern const char rules_default_text[];

#endif
