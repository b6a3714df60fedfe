/* SPDX-License-Identifier: ISC */
/* The difference between two snapshots: size deltas at every level and the capability diff. */
#ifndef MA_DIFF_H
#define MA_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/gates/snapshot.h"

enum diff_change { DIFF_ADDED, DIFF_REMOVED, DIFF_GROWN, DIFF_SHRUNK };

/* One label whose bytes changed; a label in both sides with no change has no row. */
struct diff_row {
	const char *name;
	uint64_t old_file, new_file, old_vm, new_vm;
	int64_t d_file, d_vm;		/* new - old */
	enum diff_change change;	/* grown/shrunk by the sort domain's delta, else the other */
};

struct diff_level {
	struct diff_row *rows;		/* by absolute delta (sort domain, then the other), name */
	size_t n_rows;
	int64_t d_file, d_vm;		/* the sum of the rows' deltas: the total delta */
};

/* bloat-o-meter's summary over the symbol level's VM sizes. */
struct diff_summary {
	size_t added, removed, grown, shrunk;
	uint64_t up, down;		/* sums of positive deltas and of |negative| ones */
	int64_t net;			/* up - down */
};

/* A facility whose verdict changed; a verdict is NULL when the facility is absent there. */
struct diff_verdict {
	const char *name, *klass;
	const char *old_verdict, *new_verdict;
};

struct diff_device {
	const char *name, *type;
	bool is_added;			/* else removed */
};

struct diff {
	struct arena arena;		/* owns the arrays below */
	const struct snapshot *old, *new;	/* borrowed */
	bool sort_file;			/* sort by the file delta first (default: VM) */
	int64_t d_file, d_vm;		/* new totals - old totals */
	struct diff_level levels[N_LEVELS];
	struct diff_summary summary;
	bool target_changed, abi_changed;
	bool has_verdicts;		/* both sides carry facility verdicts */
	struct diff_verdict *verdicts;	/* changed ones, by name */
	size_t n_verdicts;
	struct diff_device *devices;	/* manifest devices added or removed, by name */
	size_t n_devices;
	bool has_reach;			/* both sides carry dead function lists */
	const char **now_reachable;	/* dead in OLD, in NEW and not dead there; sorted */
	size_t n_now_reachable;
	const char **now_dead;		/* dead in NEW, in OLD and not dead there; sorted */
	size_t n_now_dead;
};

/*
 * diff_compute: compare OLD and NEW (borrowed; they must outlive D) into D.
 * SORT_FILE orders the rows by file delta first. Cannot fail; diff_release()
 * frees what it allocated.
 */
void diff_compute(struct diff *d, const struct snapshot *old, const struct snapshot *new,
		  bool sort_file);
/* diff_release: frees D's arrays; the snapshots are untouched. */
void diff_release(struct diff *d);
/* diff_change_name: "added", "removed", "grown", "shrunk". */
const char *diff_change_name(enum diff_change c);
/* diff_is_empty: no size delta at any level and no capability change. */
bool diff_is_empty(const struct diff *d);

#endif
