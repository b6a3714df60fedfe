/* SPDX-License-Identifier: ISC */
/*
 * seal --relink: which dead objects of a build a relink may replace by a stub,
 * which it must keep and why, and the stubs' assembly text (docs/seal.md,
 * "Relinking"). The planner reads an audit (reach at ocaml precision, the
 * refgraph, linkage) and its build; running the link is the command's part.
 */
#ifndef MA_RELINK_H
#define MA_RELINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/model.h"

struct build;

enum relink_verdict {
	RELINK_STUB,		/* replaced by its stub */
	RELINK_KEEP,		/* dead, or an OCaml unit nothing uses, but kept: see why */
};

struct relink_object {
	size_t obj;		/* index into build.objects */
	enum relink_verdict verdict;
	const char *name;	/* "path" or "archive(member)" */
	const char *unit;	/* OCaml unit, or NULL */
	const char *why;	/* RELINK_KEEP: one line, "its initialiser calls X" */
	uint64_t bytes;		/* its placed bytes in the image */
	const char *asm_text;	/* RELINK_STUB: the stub's assembly (GNU as) */
	size_t n_traps;		/* RELINK_STUB: trap instructions in the stub */
};

/* Per label of one level: bytes before and after the relink (file bytes). */
struct relink_row {
	const char *name;
	uint64_t before, after;
};

struct relink_plan {
	struct relink_object *objects;	/* every candidate: stubbed and kept, in build order */
	size_t n_objects, n_stubbed;
	uint64_t stubbed_bytes;		/* placed bytes of the stubbed objects */
	const char **force;		/* symbols to keep undefined (-u) so that every object
					   not stubbed is still pulled from its archive */
	size_t n_force;
	const char *trap;		/* "int3" or "brk #0" */
};

/* What seal --relink shows (seal_result.relink). */
struct relink_result {
	const char *input, *output;
	const struct relink_plan *plan;
	const char *link_from;		/* the log line the link was read from */
	uint64_t file_before, file_after;	/* file sizes */
	uint64_t load_before, load_after;	/* PT_LOAD memory bytes (p_memsz) */
	struct relink_row *rows[N_LEVELS];	/* LEVEL_SEGMENT .. LEVEL_MODULE */
	size_t n_rows[N_LEVELS];
};

/* The levels the before/after table has rows for. */
extern const enum level relink_levels[5];

/*
 * relink_plan: decide, for every object the build says was linked, whether a
 * relink may replace it by a stub (A audited at ocaml precision with linkage,
 * B its build), and write each stub's assembly. The OCaml rule (docs/seal.md):
 * nothing outside the unit but the startup's tables references it, and its
 * initialiser reaches nothing outside but the allocation entry points, with no
 * indirect jump or call and no system instruction. Returns 0, or -1 with the
 * reason in a->diag (the machine has no trap, or the build has no symbols).
 */
int relink_plan(struct audit *a, const struct build *b, struct relink_plan *p);

/* relink_rows: per level, the file bytes of every label in BEFORE and AFTER. */
void relink_rows(const struct audit *before, const struct audit *after, struct arena *ar,
		 struct relink_result *r);

#endif
