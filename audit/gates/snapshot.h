/* SPDX-License-Identifier: ISC */
/* The facts `diff` compares, the same whether they came from an image or from a saved report. */
#ifndef MA_SNAPSHOT_H
#define MA_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/core/model.h"

struct snapshot_row {
	const char *name;
	uint64_t file_size, vm_size;
};

struct snapshot_device {
	const char *name, *type;	/* type: "NET_BASIC", "BLOCK_BASIC", ... */
};

struct snapshot_facility {
	const char *name, *klass;	/* klass: driver, service, forbidden */
	const char *verdict;		/* sealed, dead, reachable, unknown */
};

/*
 * One side of a diff. Everything it points to is owned by its arena and freed
 * by snapshot_release(). Rows at each level are sorted by name (strcmp) and
 * names are unique within a level, whichever way the snapshot was made.
 */
struct snapshot {
	struct arena arena;
	const char *source;		/* the path the user gave */
	bool is_report;			/* read from a saved JSON report, not an image */
	const char *sha256;		/* of the image, or NULL when unknown */
	uint64_t file_total, vm_total;
	struct snapshot_row *rows[N_LEVELS];
	size_t n_rows[N_LEVELS];
	const char *target;		/* platform target: hvt, spt, xen, ... */
	const char *abi_target;		/* Solo5 ABI note's target, or NULL without one */
	uint32_t abi_version;		/* the ABI note's version (0 without a note) */
	bool has_manifest;		/* a valid Solo5 manifest */
	struct snapshot_device *devices;	/* sorted by name, then type */
	size_t n_devices;
	bool has_facilities;		/* the facilities analysis ran (or the report has it) */
	struct snapshot_facility *facilities;	/* drivers included (klass "driver"), by name */
	size_t n_facilities;
	bool has_dead;			/* reachability ran and the dead function names are known */
	const char **dead;		/* dead function names, sorted, unique */
	size_t n_dead;
};

/* snapshot_init: an empty snapshot of SOURCE (borrowed; must outlive the snapshot). */
void snapshot_init(struct snapshot *s, const char *source);
/*
 * snapshot_abi: the Solo5 ABI as "hvt v2" into BUF (SIZE bytes), or "none"
 * without an ABI note. Returns BUF or the constant.
 */
const char *snapshot_abi(const struct snapshot *s, char *buf, size_t size);
/* snapshot_release: frees everything the snapshot owns. */
void snapshot_release(struct snapshot *s);

/*
 * snapshot_from_audit: copy A's facts into S (initialised). A must have run
 * the platform, sizes, dead and facilities analyzers; S does not point into A,
 * so A may be released afterwards.
 */
void snapshot_from_audit(struct snapshot *s, const struct audit *a);

/*
 * report_read (audit/gates/report_read.c): fill S (initialised) from the JSON report
 * at PATH (`mirage-audit -f json IMAGE`, schema "mirage-audit/report").
 * Treats the file as hostile: every key used is checked for presence, type and
 * range. Returns 0, or -1 with the reason in D (the caller adds the path).
 */
int report_read(struct snapshot *s, const char *path, struct diag *d);

/* snapshot_sort: sort S's rows, devices, facilities and dead names, merging repeated names. */
void snapshot_sort(struct snapshot *s);

#endif
