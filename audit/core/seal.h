/* SPDX-License-Identifier: ISC */
/* Sealing: dead code replaced by traps (docs/seal.md); the plan, its record, and the check. */
#ifndef MA_SEAL_H
#define MA_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/analyzer.h"
#include "audit/core/model.h"

/* The section that records a seal in the image, and its note's owner and type. */
#define SEAL_SECTION ".note.mirage-audit.seal"
#define SEAL_NOTE_OWNER "mirage-audit"
#define SEAL_NOTE_TYPE 1
#define SEAL_FORMAT_VERSION 1

enum seal_level {
	SEAL_FUNCTION,	/* every dead function */
	SEAL_MODULE,	/* only OCaml units and C objects whose code nodes are all dead */
};

/* A run of trapped code: [lo, hi) virtual addresses, file bytes from OFF. */
struct seal_range {
	uint64_t lo, hi, off;
};

/* What a seal note says (parsed by seal_record_parse). */
struct seal_record {
	unsigned version;
	const char *tool;		/* "mirage-audit 0.1.0" */
	const char *input_sha256;	/* of the image first sealed (a re-seal keeps it) */
	const char *loaded_sha256;	/* of the sealed image's loaded part (seal_loaded_sha256) */
	const char *precision, *level, *trap;
	struct seal_range *ranges;	/* sorted, disjoint */
	size_t n_ranges;
	uint64_t trapped_bytes;
	const char *where;		/* the section or segment the note was found in */
};

/* Per label of one level: code bytes, of them reached, dead, and trapped. */
struct seal_row {
	const char *name;
	uint64_t code, live, dead, trapped;
};

struct seal_options {
	enum seal_level level;
	const char *const *keep;	/* --keep SYMBOL: spared, borrowed */
	size_t n_keep;
	const char *force_dead;		/* test only: this reached function is planned as dead */
};

/* The levels the before/after table has rows for. */
#define SEAL_N_LEVELS 3
extern const enum level seal_levels[SEAL_N_LEVELS];

struct seal_plan {
	enum seal_level level;
	struct seal_range *ranges;	/* to trap, sorted, disjoint, coalesced; arena-owned */
	size_t n_ranges;
	size_t n_functions;		/* layout nodes trapped */
	size_t n_spared;		/* dead functions kept: --keep, level, entry, sharing */
	uint64_t code_bytes, live_bytes, dead_bytes, trapped_bytes;
	struct seal_row *rows[SEAL_N_LEVELS];	/* per seal_levels[], by trapped bytes then name */
	size_t n_rows[SEAL_N_LEVELS];
	unsigned char trap[4];		/* the trap instruction's bytes */
	unsigned trap_len;		/* 1 (int3) or 4 (brk #0, whole aligned words only) */
	const char *trap_name;		/* "int3" or "brk #0" */
	/* A re-seal: the ranges of the image's record are kept, and its first input's sha256. */
	const char *input_sha256;
	bool is_reseal;
};

/*
 * seal_plan: the code of A proven dead (facts of the dead analyzer) that sealing at
 * O->level replaces with traps, in whole layout nodes: never a byte of a reached node,
 * of a node without an owner (no symbol), of a non-code node, or of file bytes another
 * segment also maps. Arena memory of A. Returns 0, or -1 with the reason in a->diag (a
 * machine with no trap instruction here, a --keep symbol that is not in the image).
 */
int seal_plan(struct audit *a, const struct seal_options *o, struct seal_plan *out);

/*
 * seal_note_desc: the note descriptor recording a seal of A by PLAN (text, one field a
 * line), into AR. INPUT_SHA256 is the sha256 of the first unsealed input, LOADED_SHA256
 * of the output's loaded part. Returns the text; *LEN its length.
 */
const char *seal_note_desc(const struct audit *a, const struct seal_plan *plan,
			   const char *input_sha256, const char *loaded_sha256, struct arena *ar,
			   size_t *len);

/*
 * seal_record_parse: the seal note of IMG, if any, into *OUT (arena AR). Returns 1 when
 * found and well formed, 0 when the image has no seal note, -1 when the note is
 * malformed (the reason in *WHY).
 */
int seal_record_parse(const struct image *img, struct arena *ar, struct seal_record *out,
		      const char **why);

struct relink_result;

/* What `seal` and `seal --check` show (the VIEW_SEAL view). */
struct seal_result {
	bool is_check;
	/* seal */
	const char *output;		/* the sealed image written */
	const struct seal_plan *plan;
	const char *input_sha256;	/* recorded: the first unsealed input's */
	bool has_gadgets;		/* gadgets_count() counted both images */
	struct gadget_counts gadgets_before, gadgets_after;
	/* seal --check */
	const char *original;		/* or NULL */
	const struct seal_record *record;	/* NULL when the image has none */
	size_t n_checks;
	const char **failures;		/* one line each; none: the seal holds */
	size_t n_failures;
	/* seal --relink (audit/gates/relink.h): set, the view is the relink's */
	const struct relink_result *relink;
};

/*
 * seal_check: hold SEALED (audited with the record's precision) to its seal record R and,
 * when ORIG is not NULL, to the image it was sealed from (audited alike): the record's
 * ranges are all traps and dead in ORIG, no reached node has a trap byte, the loaded bytes
 * are those recorded, reachability, entry, segments and notes are unchanged. Failures go
 * to RES (arena of SEALED), one line each.
 */
void seal_check(struct audit *sealed, const struct seal_record *r, const struct audit *orig,
		struct seal_result *res);

/* seal_range_first: the index of the first of the N sorted ranges R ending above X (N if none). */
size_t seal_range_first(const struct seal_range *r, size_t n, uint64_t x);

/* seal_trim: narrow [*LO, *HI) to the whole trap instructions of TRAP_LEN bytes it holds. */
void seal_trim(unsigned trap_len, uint64_t *lo, uint64_t *hi);

/* seal_level_name: "function" or "module". */
const char *seal_level_name(enum seal_level l);

#endif
