/* SPDX-License-Identifier: ISC */
/*
 * The build inputs of an image (--build DIR, -M FILE.map): what was available
 * to the link, what the linker took and why, the final link command, and which
 * package each piece came from. Every file is hostile input: what a missing,
 * truncated or malformed file would have told stays unknown (NULL, LINK_UNKNOWN,
 * is_known false), with one warning naming the file. Read once per run and
 * shared, read-only, by every audit of that run (struct audit_options.build).
 * The layouts understood are in docs/build.md.
 */
#ifndef MA_BUILD_H
#define MA_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/core/diag.h"

enum link_state {
	LINK_UNKNOWN,		/* no map says whether the linker took it */
	LINK_LINKED,		/* in the image: an object on the link line, or a member the map
				   says was included */
	LINK_LEFT_OUT,		/* available (in an archive the link named) but not taken */
};

/* One input section the map's memory map places in the image. */
struct build_placed {
	const char *section;	/* input section name, e.g. ".text.unlikely" or ".text" */
	const char *output;	/* the output section it went to, e.g. ".text" */
	uint64_t addr, size;
};

/*
 * One object: a file on the link line, or a member of an archive. Objects of
 * one archive are consecutive, in archive order; the link line's order first.
 */
struct build_object {
	const char *path;	/* the object's path, or its archive's path (as the map or the
				   link line spells it) */
	const char *member;	/* the member name, or NULL for a plain object */
	const char *name;	/* "path" or "archive(member)", as GNU ld's map spells it */
	const char *unit;	/* OCaml compilation unit it holds ("Lwt_sequence"), from its
				   caml<U>__code_begin (or .code_begin), or NULL */
	bool symbols_known;	/* defined/undefined were read from the object itself */
	const char **defined;	/* global and weak symbols it defines (sorted, unique) */
	size_t n_defined;
	const char **undefined;	/* symbols it references and does not define (sorted) */
	size_t n_undefined;
	uint64_t alloc_bytes;	/* bytes of its SHF_ALLOC sections (0 when not read) */
	enum link_state state;
	const char *why_file;	/* the map: "archive member included to satisfy reference
				   by file (symbol)": FILE; NULL for link-line objects */
	const char *why_symbol;	/* ... and SYMBOL; NULL when the map gives none */
	struct build_placed *placed;	/* where the map put its input sections */
	size_t n_placed;
	uint64_t placed_bytes;	/* sum of placed sizes (0 when nothing or no memory map) */
	uint64_t discarded_bytes;	/* input sections the map lists as discarded */
	const char *library;	/* findlib library or archive basename ("lwt", "libc"), or NULL */
	const char *package;	/* opam package, when the build says it (see docs/build.md) */
	const char *version;	/* its version, when known */
	const char *package_from;	/* the file that said so */
	const char *file;	/* the file read for its symbols (PATH resolved against the link's
				   directory, the build directory or its parents), or NULL */
};

/* One input the map lists under "Discarded input sections". */
struct build_discard {
	const char *section;
	const char *file;	/* "path" or "archive(member)" as the map spells it */
	uint64_t size;
};

/* An opam package the build names. */
struct build_package {
	const char *name;
	const char *version;	/* NULL when only the name is known */
	const char *from;	/* the file that named it: "mirage/x-hvt.opam.locked", ... */
	bool is_direct;		/* a direct dependency (opam depends:, dune libraries) */
};

/* A device the configuration declares (manifest.json, main.ml connect calls, .xl). */
struct build_device {
	const char *name;	/* "service" */
	const char *type;	/* "NET_BASIC", "BLOCK_BASIC", "vif", "disk", or NULL */
	const char *from;
};

/* A functor application of the generated main.ml: module NAME = FUNCTOR(ARGS). */
struct build_functor {
	const char *name, *functor, *args;
	const char *from;	/* "mirage/main.ml:12" */
};

/* The final link command, as a shell would split it. */
struct build_link {
	bool is_known;
	char **argv;		/* arena-owned, NULL-terminated */
	size_t argc;
	const char *cwd;	/* the directory it ran in (dune's "(cd DIR && ...)"), or NULL */
	const char *output;	/* its -o argument, or NULL */
	const char *from;	/* "FILE:LINE" it was read from */
	const char *driver;	/* "ocamlopt", "cc", "ld": what argv[0] is */
};

/*
 * A library the build declares: a dune (library) stanza, a findlib META package
 * or a dune-package entry. What attributes units and archives to packages.
 */
struct build_library {
	const char *name;	/* findlib name ("mirage-crypto.ec"), or the dune name when it
				   has no public_name */
	const char *dune_name;	/* dune (name ...) or main_module_name, lowercase: the prefix of
				   its wrapped units ("mirage_crypto_ec"), or NULL */
	const char *package;	/* opam package (the findlib name before the first '.', "ocaml"
				   for the compiler's own), or NULL */
	const char *version;	/* from the META or dune-package, or NULL */
	const char *dir;	/* the directory of its archives, as the declaring file says */
	const char **archives;	/* native archive names without extension ("lwt" of lwt.cmxa) */
	size_t n_archives;
	const char **units;	/* compilation units it lists ("Lwt_sequence"), sorted */
	size_t n_units;
	const char *from;	/* the file that declared it */
};

struct build_index;

struct build {
	struct arena arena;
	const char *dir;	/* --build DIR, or NULL (-M alone) */
	const char *map;	/* the map read, or NULL */
	bool has_memory_map;	/* the map's memory map was read to its OUTPUT line: placements
				   and left-out members are known */
	const char *layout;	/* "mirage4 (dune)", "mirage3 (ocamlbuild)", "make", "map only",
				   "unknown" */
	const char *target;	/* hvt spt virtio xen ... from mirage/context or file names */
	struct build_object *objects;
	size_t n_objects;
	struct build_discard *discards;
	size_t n_discards;
	struct build_link link;	/* the C-level link (cc/ld), preferred over ocamlopt's */
	struct build_link ocaml_link;	/* the ocamlopt/ocamlfind link, when one is logged */
	const char *startup_asm;	/* a kept OCaml startup file (*.startup.s), or NULL */
	struct build_package *packages;
	size_t n_packages;
	struct build_device *devices;
	size_t n_devices;
	struct build_functor *functors;
	size_t n_functors;
	struct build_library *libraries;	/* dune, META, dune-package (docs/build.md) */
	size_t n_libraries;
	const char *ocaml_version;	/* the compiler's, when the build says it, or NULL */
	const char *dune_context;	/* dune-workspace's cross context ("solo5"), or NULL */
	const char *unikernel;	/* the unikernel's name (opam name:, .xl name), or NULL */
	const char **files_read;	/* every build file read, with what it gave, one line each */
	size_t n_files_read;
	struct diag diag;	/* warnings naming the files that could not be read */
	const char *log;	/* the build log read (_build/log, build.log), or NULL */
	const char **inputs;	/* the map's LOAD lines: the link's inputs in order */
	size_t n_inputs;
	struct build_index *index;	/* object names -> objects (build.c); heap-owned */
};

/*
 * build_load: read the build directory DIR (may be NULL) and the map MAP (may be
 * NULL: then the maps found in DIR, the one whose name matches IMAGE_NAME first).
 * Never fails for bad build files (they become warnings in B->diag and unknowns);
 * returns -1 with the reason in B->diag.error only when DIR or MAP cannot be
 * opened at all.
 */
int build_load(struct build *b, const char *dir, const char *map, const char *image_name);
void build_release(struct build *b);

/*
 * The configuration part (build_config.c), called by build_load():
 * build_read_config reads B->dir's MirageOS artefacts (packages, devices,
 * functors, layout, target); build_attribute_packages then sets each object's
 * package from them. Both only add warnings for bad files.
 */
void build_read_config(struct build *b);
void build_attribute_packages(struct build *b);

/* build_object_name: "path" or "archive(member)", as GNU ld's map spells it (o->name). */
const char *build_object_name(const struct build *b, const struct build_object *o);
/* build_find: the object named PATH (and MEMBER, may be NULL), or -1. */
ptrdiff_t build_find(const struct build *b, const char *path, const char *member);
/*
 * build_find_name: the object spelled NAME as the map spells it, "path" or
 * "archive(member)" (a why_file, a discard's file), or -1.
 */
ptrdiff_t build_find_name(const struct build *b, const char *name);
/* build_package_of: the package entry named NAME, or NULL. */
const struct build_package *build_package_of(const struct build *b, const char *name);

#endif
