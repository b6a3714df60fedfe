// SPDX-License-Identifier: ISC
/*
 * build-dump: load a build (build_load) and print every field of struct build
 * as stable lines, for the tests and for the other parts of issue 13.
 *
 *   build-dump [--map FILE] [--image NAME] [DIR]
 *
 * Exit 0, or 2 with one line naming the file when DIR or FILE cannot be opened.
 */
#include <stdio.h>
#include <string.h>

#include "audit/core/build.h"

static const char *str(const char *s)
{
	return s ? s : "-";
}

static const char *state_name(enum link_state s)
{
	switch (s) {
	case LINK_LINKED:
		return "linked";
	case LINK_LEFT_OUT:
		return "left-out";
	default:
		return "unknown";
	}
}

static void dump_link(const char *what, const struct build_link *l)
{
	size_t i;

	if (!l->is_known) {
		printf("%s unknown\n", what);
		return;
	}
	printf("%s driver=%s cwd=%s output=%s from=%s argc=%zu\n", what, str(l->driver),
	       str(l->cwd), str(l->output), str(l->from), l->argc);
	for (i = 0; i < l->argc; i++)
		printf("%s.argv %zu %s\n", what, i, l->argv[i]);
}

static void dump_object(struct build *b, const struct build_object *o)
{
	const char *name = build_object_name(b, o);
	size_t i;

	printf("object %s %s unit=%s why=%s|%s placed=%zu bytes=%llu defined=%zu undefined=%zu "
	       "discarded=%llu alloc=%llu known=%s library=%s package=%s@%s from=%s file=%s\n",
	       state_name(o->state), name, str(o->unit), str(o->why_file), str(o->why_symbol),
	       o->n_placed, (unsigned long long)o->placed_bytes, o->n_defined, o->n_undefined,
	       (unsigned long long)o->discarded_bytes, (unsigned long long)o->alloc_bytes,
	       o->symbols_known ? "yes" : "no", str(o->library), str(o->package),
	       str(o->version), str(o->package_from), str(o->file));
	for (i = 0; i < o->n_defined; i++)
		printf("def %s %s\n", name, o->defined[i]);
	for (i = 0; i < o->n_undefined; i++)
		printf("undef %s %s\n", name, o->undefined[i]);
	for (i = 0; i < o->n_placed; i++)
		printf("placed %s %s %s 0x%llx 0x%llx\n", name, o->placed[i].section,
		       str(o->placed[i].output), (unsigned long long)o->placed[i].addr,
		       (unsigned long long)o->placed[i].size);
}

static void dump(struct build *b)
{
	size_t i;

	printf("dir %s\nmap %s\nlayout %s\ntarget %s\nmemory_map %s\nlog %s\nstartup_asm %s\n",
	       str(b->dir), str(b->map), str(b->layout), str(b->target),
	       b->has_memory_map ? "yes" : "no", str(b->log), str(b->startup_asm));
	for (i = 0; i < b->n_files_read; i++)
		printf("read %s\n", b->files_read[i]);
	for (i = 0; i < b->n_inputs; i++)
		printf("input %zu %s\n", i, b->inputs[i]);
	dump_link("link", &b->link);
	dump_link("ocaml_link", &b->ocaml_link);
	printf("objects %zu\n", b->n_objects);
	for (i = 0; i < b->n_objects; i++)
		dump_object(b, &b->objects[i]);
	printf("discards %zu\n", b->n_discards);
	for (i = 0; i < b->n_discards; i++)
		printf("discard %s %s %llu\n", b->discards[i].section, b->discards[i].file,
		       (unsigned long long)b->discards[i].size);
	for (i = 0; i < b->n_packages; i++)
		printf("package %s %s direct=%s from=%s\n", b->packages[i].name,
		       str(b->packages[i].version), b->packages[i].is_direct ? "yes" : "no",
		       str(b->packages[i].from));
	for (i = 0; i < b->n_devices; i++)
		printf("device %s %s from=%s\n", str(b->devices[i].name), str(b->devices[i].type),
		       str(b->devices[i].from));
	for (i = 0; i < b->n_functors; i++)
		printf("functor %s = %s(%s) from=%s\n", str(b->functors[i].name),
		       str(b->functors[i].functor), str(b->functors[i].args),
		       str(b->functors[i].from));
	for (i = 0; i < b->diag.n_entries; i++)
		printf("%s %s\n", b->diag.entries[i].kind == DIAG_WARNING ? "warning" : "note",
		       b->diag.entries[i].msg);
}

int main(int argc, char **argv)
{
	const char *map = NULL, *image = NULL, *dir = NULL;
	struct build b;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--map") && i + 1 < argc)
			map = argv[++i];
		else if (!strcmp(argv[i], "--image") && i + 1 < argc)
			image = argv[++i];
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			fprintf(stderr, "usage: build-dump [--map FILE] [--image NAME] [DIR]\n");
			return 2;
		}
	}
	if (!dir && !map) {
		fprintf(stderr, "usage: build-dump [--map FILE] [--image NAME] [DIR]\n");
		return 2;
	}
	if (build_load(&b, dir, map, image) < 0) {
		fprintf(stderr, "build-dump: %s\n", b.diag.error ? b.diag.error : "cannot load");
		rc = 2;
	} else {
		dump(&b);
	}
	build_release(&b);
	if (fflush(stdout) || ferror(stdout))
		rc = 2;
	return rc;
}
