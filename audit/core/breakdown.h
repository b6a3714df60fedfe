/* SPDX-License-Identifier: ISC */
/* Nested size breakdowns (size -d library,module): a query over the size pieces. */
#ifndef MA_BREAKDOWN_H
#define MA_BREAKDOWN_H

#include "audit/core/model.h"

struct breakdown_node {
	const char *name;		/* label; "[N others]" for the folded remainder */
	bool is_other;
	uint64_t file_size, vm_size;
	bool has_retained;		/* symbol rows of `size --retained` */
	uint64_t retained;		/* bytes unreachable without it (dominator subtree) */
	struct breakdown_node *children;
	size_t n_children;
};

/*
 * breakdown_build: group the size pieces of A by LEVELS[0], then within each
 * group by LEVELS[1], and so on. Each level keeps the TOP_N largest rows (by
 * VM size when BY_VM, else file size; 0 keeps all) and folds the rest into one
 * "[N others]" row, so every level still sums to its parent. Nodes are
 * arena-owned (a->arena). Requires the sizes facts.
 */
void breakdown_build(struct audit *a, const int *levels, size_t n_levels, size_t top_n,
		     bool by_vm, struct breakdown_node *root);

#endif
