/* SPDX-License-Identifier: ISC */
/* Analyzers: each turns the model into facts; the pipeline runs what a command needs. */
#ifndef MA_ANALYZER_H
#define MA_ANALYZER_H

#include "audit/model.h"

enum analyzer_id {
	AN_PLATFORM, AN_OCAML, AN_ATTRIBUTION, AN_LAYOUT, AN_SIZES, AN_REFGRAPH, AN_REACH, AN_DEAD, AN_RETAINED, AN_FACILITIES,
	AN_CONDENSE,
	N_ANALYZERS
};

#define AN_BIT(id) (1u << (id))

struct analyzer {
	const char *name;
	enum analyzer_id id;
	unsigned needs;			/* AN_BIT()s that must run first */
	/* run: add facts to A; return 0, or -1 with the reason in a->diag (an input error). */
	int (*run)(struct audit *a);
};

extern const struct analyzer analyzer_platform, analyzer_ocaml, analyzer_attribution,
	analyzer_layout, analyzer_sizes, analyzer_refgraph, analyzer_reach, analyzer_dead, analyzer_retained, analyzer_facilities,
	analyzer_condense;

/*
 * refgraph_code_starts: for images without symbols, the addresses where code
 * is entered other than by falling through (the ELF entry, call targets,
 * code addresses in operands and in data words), sorted and unique. *OUT is
 * heap-owned (free it); returns the count (0 when no disassembler applies).
 */
size_t refgraph_code_starts(struct audit *a, uint64_t **out);

/*
 * analyzers_run: run the analyzers in WANT and everything they need, in
 * dependency order, each at most once per audit. Returns 0 or -1 (diag set).
 */
int analyzers_run(struct audit *a, unsigned want);

#endif
