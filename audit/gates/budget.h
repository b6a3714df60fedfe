/* SPDX-License-Identifier: ISC */
/* A size and capability budget (schema "mirage-audit/budget", docs/ci.md), read from JSON. */
#ifndef MA_BUDGET_H
#define MA_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/core/arena.h"
#include "audit/core/diag.h"
#include "audit/core/model.h"

/* Upper bounds on one thing's bytes; a bound that is absent is not checked. */
struct budget_limit {
	const char *name;		/* a label at its level; NULL for the totals */
	bool has_file, has_vm;
	uint64_t max_file, max_vm;
};

struct budget {
	struct arena arena;		/* owns everything below */
	const char *comment;		/* free text, kept by the ratchet; or NULL */
	bool has_total;
	struct budget_limit total;
	bool has_reachable;		/* a bound on reachable VM bytes (the code and data of the TCB) */
	uint64_t max_reachable;
	/* Bounds on the TCB (docs/tcb.md): reachable bytes, of them C and OCaml, and the stack. */
	bool has_tcb_bytes, has_tcb_c, has_tcb_ocaml, has_tcb_stack;
	uint64_t tcb_bytes, tcb_c, tcb_ocaml, tcb_stack;
	/* Per level (the keys "sections", "components", ...): limits by label, in file order. */
	struct budget_limit *limits[N_LEVELS];
	size_t n_limits[N_LEVELS];
	/* Growth against the baseline, in bytes and in percent of the baseline's total. */
	bool has_growth_file, has_growth_vm, has_growth_file_pct, has_growth_vm_pct;
	uint64_t growth_file, growth_vm;
	double growth_file_pct, growth_vm_pct;
	/* Facility names (the catalogue's): verdict must be sealed / must not be reachable. */
	const char **sealed, **unreachable;
	size_t n_sealed, n_unreachable;
	/* Solo5 manifest devices: names required, names forbidden, types forbidden. */
	const char **dev_required, **dev_forbidden, **dev_forbidden_types;
	size_t n_dev_required, n_dev_forbidden, n_dev_forbidden_types;
};

/*
 * budget_read: parse the budget at PATH into B (which it initialises). The file
 * is hostile input: a regular file of at most 16 MiB, every key known (a typo
 * is an error, not a silently ignored limit), every value of its type and
 * range. Returns 0, or -1 with the reason in D (the caller adds the path and
 * calls budget_release either way).
 */
int budget_read(struct budget *b, const char *path, struct diag *d);

/*
 * budget_read_mem: the same from the LEN bytes at BUF (for tests and fuzzing;
 * budget_read reads the file and calls it).
 */
int budget_read_mem(struct budget *b, const char *buf, size_t len, struct diag *d);

/* budget_write: B as a budget document on OUT; 0, or -1 on a write error. */
int budget_write(const struct budget *b, FILE *out);

void budget_release(struct budget *b);

#endif
