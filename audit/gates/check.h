/* SPDX-License-Identifier: ISC */
/* `check`: an audited image held against a budget (and a baseline); one line per limit. */
#ifndef MA_CHECK_H
#define MA_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/gates/budget.h"
#include "audit/gates/diff.h"
#include "audit/gates/snapshot.h"

enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

/* What a line compares; each kind has a stable rule id (check_rule). */
enum check_kind {
	CHECK_TOTAL,		/* total.max_file / total.max_vm */
	CHECK_REACHABLE,	/* reachable.max_vm */
	CHECK_LABEL,		/* <level>.<label>.max_file / max_vm */
	CHECK_GROWTH,		/* growth.max_file / growth.max_vm */
	CHECK_GROWTH_PCT,	/* growth.max_file_percent / max_vm_percent */
	CHECK_SEALED,		/* facilities.sealed */
	CHECK_UNREACHABLE,	/* facilities.unreachable */
	CHECK_DEV_REQUIRED,	/* devices.required */
	CHECK_DEV_FORBIDDEN,	/* devices.forbidden */
	CHECK_DEV_TYPE,		/* devices.forbidden_types */
	CHECK_TCB,		/* tcb.max_bytes, max_c_bytes, max_ocaml_bytes, max_stack_bytes */
	N_CHECK_KINDS
};

/* One budget line and how the image measured up to it. */
struct check_line {
	enum check_kind kind;
	enum check_status status;
	const char *key;		/* where in the budget: "libraries.cstruct.max_vm" */
	const char *subject;		/* what is measured: "library cstruct, VM bytes" */
	const char *message;		/* the outcome in a sentence, figure and limit included */
	bool has_bytes;			/* FIGURE and LIMIT are byte counts (the size kinds) */
	bool is_measured;		/* FIGURE (or PCT_FIGURE) was measured: not skipped, not
					   unmeasurable (a stripped image's labels) */
	int64_t figure;			/* bytes measured (a growth may be negative) */
	uint64_t limit;
	bool has_percent;
	double pct_figure, pct_limit;
	const char *verdict;		/* CHECK_SEALED / CHECK_UNREACHABLE: the facility's verdict */
	int32_t witness;		/* a reached node whose reach chain explains a failure, or -1 */
};

struct check {
	struct arena arena;		/* owns LINES and their strings */
	const char *image, *budget, *baseline;	/* paths as given; BASELINE may be NULL */
	struct check_line *lines;	/* in budget order: totals, reachable, tcb, levels, growth,
					   ... */
	size_t n_lines, n_pass, n_fail, n_skip;
	const struct diff *diff;	/* the image against the baseline, or NULL */
	bool reach_complete;		/* reachable bytes come from a code analysis */
	size_t n_tightened;		/* --ratchet: limits lowered to the image's figures */
	const char *ratchet;		/* --ratchet: where the tightened budget went, or NULL */
};

/* check_rule: the stable rule id of KIND, "MA-BUD-001" ...; check_rule_title: its title. */
const char *check_rule(enum check_kind kind);
const char *check_rule_title(enum check_kind kind);
/* check_status_name: "pass", "fail", "skip". */
const char *check_status_name(enum check_status s);

/*
 * check_evaluate: hold A (which ran platform, sizes, dead, facilities and tcb) and
 * CUR (its snapshot) against B; DIFF is CUR against the baseline, or NULL.
 * Returns 0, or -1 with the reason in D when B names a facility the catalogue
 * does not define (an input error, not a violation).
 */
int check_evaluate(struct check *c, const struct audit *a, const struct snapshot *cur,
		   const struct budget *b, const struct diff *diff, struct diag *d);
void check_release(struct check *c);

/*
 * check_ratchet: lower every byte limit of B (total, reachable, per label) that
 * A/CUR are under to the figure measured; nothing is raised, growth limits,
 * facility and device lines are kept. Returns the number of limits lowered.
 */
size_t check_ratchet(struct budget *b, const struct audit *a, const struct snapshot *cur);

#endif
