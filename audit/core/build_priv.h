/* SPDX-License-Identifier: ISC */
/* Shared by the readers of build inputs (build.c, build_map.c, build_elf.c, build_log.c). */
#ifndef MA_BUILD_PRIV_H
#define MA_BUILD_PRIV_H

#include "audit/core/build.h"
#include "audit/core/strset.h"

/* Bounds that keep memory and time proportional to the inputs on crafted ones. */
#define BUILD_MAX_OBJECTS 200000	/* objects and members in all */
#define BUILD_MAX_MEMBERS 100000	/* members of one archive */
#define BUILD_MAX_PLACED 2000000	/* input section lines of one map */
#define BUILD_MAX_DISCARDS 1000000
#define BUILD_MAX_INPUTS 100000	/* LOAD lines */
#define BUILD_MAX_ARGS 100000	/* words of one command */
#define BUILD_MAX_WARNINGS 50	/* unreadable objects named one by one; the rest counted */

/* A placement waiting for its object's placed[] array (build_index_place). */
struct build_pending {
	size_t obj;
	struct build_placed p;
};

struct build_index {
	struct strset names;	/* "path" or "archive(member)" */
	size_t *obj_of;		/* name id -> object index + 1 (0: none) */
	size_t alloc;
	struct build_pending *pending;	/* heap-owned until build_index_finish */
	size_t n_pending, alloc_pending;
};

/*
 * build_object_add: the object PATH (MEMBER may be NULL), created LINK_UNKNOWN
 * when new, as an index into B->objects (which may move). -1 when the bound is
 * reached (one warning).
 */
ptrdiff_t build_object_add(struct build *b, const char *path, const char *member);
/* build_object_by_name: the object spelled NAME ("path" or "archive(member)"), created when new. */
ptrdiff_t build_object_by_name(struct build *b, const char *name);
/* build_grow: xgrow() that zeroes the new elements. */
void build_grow(void *pp, size_t *alloc, size_t need, size_t elt);
/*
 * build_order_objects: sort B->objects into the link's order (the order of
 * B->inputs, then objects no input names, in creation order), members of one
 * archive consecutive and in archive order (RANK[i]: position + 1 in its
 * archive, 0 when unknown); the index follows.
 */
void build_order_objects(struct build *b, const uint64_t *rank);
/* build_place: record that the map placed an input section of object OBJ. */
void build_place(struct build *b, size_t obj, const struct build_placed *p);
/* build_read_line: "FILE: what it gave", one line of B->files_read. */
void build_read_note(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * build_map_parse: read the GNU ld map TEXT (LEN bytes, NUL-terminated), named
 * NAME in warnings, into B: objects (state, why), discards, placements, inputs.
 * Malformed lines are skipped; never fails.
 */
void build_map_parse(struct build *b, const char *text, size_t len, const char *name);

/*
 * build_elf_read: read every object's symbols from the files the objects name
 * (archives once, member by member), resolving relative paths against DIRS
 * (NULL-terminated). Unreadable files are warnings; their objects stay
 * symbols_known false.
 */
void build_elf_read(struct build *b, const char *const *dirs);

/* build_log_parse: the commands of build log TEXT (named NAME) into B->link, B->ocaml_link. */
void build_log_parse(struct build *b, const char *text, size_t len, const char *name,
		     const char *image_name);
/*
 * build_shell_split: split the command CMD (LEN bytes) as a POSIX shell would
 * for quoting (single and double quotes, backslash), into arena-owned words.
 * *ARGC words, NULL-terminated; -1 on unbalanced quotes (the words so far are
 * kept) or more than BUILD_MAX_ARGS words.
 */
int build_shell_split(struct arena *a, const char *cmd, size_t len, char ***argv, size_t *argc);

#endif
