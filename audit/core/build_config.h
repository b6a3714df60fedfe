/* SPDX-License-Identifier: ISC */
/*
 * The MirageOS configuration artefacts of a build directory and the package
 * each build object came from (docs/build.md, "Layouts" and "Packages"):
 * the entry points build_load() calls, and the small readers of the text
 * formats involved (opam files, findlib META, dune s-expressions), shared by
 * build_config.c, build_opam.c and build_manifest.c only.
 */
#ifndef MA_BUILD_CONFIG_H
#define MA_BUILD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "audit/core/arena.h"
#include "audit/core/build.h"
#include "audit/core/diag.h"

/* build_read_config() and build_attribute_packages() are declared in build.h. */

/* A node of a parsed document: an atom (a string, an identifier) or a list. */
enum cfg_kind {
	CFG_ATOM,	/* an identifier, number or operator as written */
	CFG_STRING,	/* a quoted string, unescaped */
	CFG_FIELD,	/* opam: "name:" at the top level (s holds the name) */
	CFG_LIST,	/* ( ) in dune and opam groups */
	CFG_BRACKET,	/* [ ] in opam */
	CFG_BRACE,	/* { } in opam */
};

struct cfg_node {
	enum cfg_kind kind;
	const char *s;		/* the atom, string or field name; NULL for lists */
	size_t line;
	struct cfg_node *kids;
	size_t n_kids;
};

/*
 * cfg_parse_sexp / cfg_parse_opam: the top-level items of TEXT (LEN bytes, a
 * dune file or an opam file) as a list node in *OUT, allocated in ARENA (a
 * scratch arena of the caller's). -1 with one line in WHY (SIZE bytes, "line
 * N: reason") on a syntax error or nesting deeper than the bound.
 */
int cfg_parse_sexp(struct arena *arena, const char *text, size_t len, struct cfg_node *out,
		   char *why, size_t size);
int cfg_parse_opam(struct arena *arena, const char *text, size_t len, struct cfg_node *out,
		   char *why, size_t size);

/* One findlib package of a META file: "lwt", "lwt.unix". */
struct cfg_findlib {
	const char *name;
	const char *version;	/* NULL when not given or "[distributed with Ocaml]" */
	bool is_with_ocaml;	/* version says "distributed with OCaml" */
	const char *directory;	/* its directory = "..." relative to the META, or NULL */
	const char **archives;	/* archive(native) values, without ".cmxa" */
	size_t n_archives;
};

/*
 * cfg_parse_meta: the packages of META text named TOP (the directory name),
 * the top package first, each nested "package" after it, into *OUT (ARENA).
 * The count, or -1 with WHY as for cfg_parse_sexp.
 */
ssize_t cfg_parse_meta(struct arena *arena, const char *top, const char *text, size_t len,
		       struct cfg_findlib **out, char *why, size_t size);

/*
 * cfg_read_manifest: the devices of a Solo5 manifest.json, read from PATH
 * (named NAME in messages and in the devices' from) into B->devices. The
 * number of devices, or -1 with one warning in B->diag naming the file.
 */
ssize_t cfg_read_manifest(struct build *b, const char *path, const char *name);

/*
 * cfg_add_device: a device NAME of TYPE (may be NULL) said by FROM; a device
 * already known by that name keeps its entry and gains TYPE when it had none.
 * Returns false (and adds nothing) for a name that is empty or not printable.
 */
bool cfg_add_device(struct build *b, const char *name, const char *type, const char *from);

/*
 * cfg_read_file: the whole of PATH (NAME in messages) into *BUF (heap,
 * NUL-terminated: free() it), at most MAX bytes, as read_bounded() reads; -1
 * with one warning "build file 'NAME': reason" in B->diag.
 */
int cfg_read_file(struct build *b, const char *path, const char *name, size_t max, char **buf,
		  size_t *len);

/*
 * cfg_skip_comment: past the OCaml comment that opens at P ("(*", nested
 * comments counted), LINE advanced by its newlines; NULL when END comes first.
 */
const char *cfg_skip_comment(const char *p, const char *end, size_t *line);

/* cfg_is_word: S is 1 to MAX printable ASCII bytes without spaces or quotes. */
bool cfg_is_word(const char *s, size_t max);

#endif
