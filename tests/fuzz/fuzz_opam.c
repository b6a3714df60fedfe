// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: the configuration artefacts of a build directory
 * (audit/core/build_config.c, build_opam.c, build_manifest.c). The first input
 * byte chooses which file of a MirageOS build directory the rest becomes
 * (byte % 12, the list in files[] below); the directory is made once per
 * process under $TMPDIR (or /tmp) and removed at exit. build_load() then reads
 * it (build_read_config() on every file), a few objects are added whose paths
 * and members exercise every attribution rule, and build_attribute_packages()
 * runs on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/core/build.h"
#include "audit/core/build_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"mirage/x-hvt.opam.locked", "mirage/x-hvt.opam", "mirage/main.ml",
	"mirage/manifest.json", "mirage/context", "dune.build", "dune-workspace",
	"duniverse/p/dune", "_opam/lib/p/META", "_opam/lib/p/dune-package", "x.xl", "Makefile",
};
#define N_FILES (sizeof(files) / sizeof(files[0]))
static const char *const dirs[] = {	/* made in this order, removed in reverse */
	"mirage", "duniverse", "duniverse/p", "_opam", "_opam/lib", "_opam/lib/p",
};
#define N_DIRS (sizeof(dirs) / sizeof(dirs[0]))

static char top[4096];

static void path_of(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", top, rel);
}

static void cleanup(void)
{
	char p[8192];
	size_t i;

	for (i = 0; i < N_FILES; i++) {
		path_of(p, sizeof(p), files[i]);
		unlink(p);
	}
	for (i = N_DIRS; i-- > 0;) {
		path_of(p, sizeof(p), dirs[i]);
		rmdir(p);
	}
	rmdir(top);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[8192];
	size_t i;

	snprintf(top, sizeof(top), "%s/fuzz_opam.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(top))
		abort();
	for (i = 0; i < N_DIRS; i++) {
		path_of(p, sizeof(p), dirs[i]);
		if (mkdir(p, 0700) < 0)
			abort();
	}
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[8192], obj[8192];
	struct build b;
	size_t i;
	FILE *f;

	if (size == 0)
		return 0;
	if (!top[0])
		setup();
	for (i = 0; i < N_FILES; i++) {
		path_of(p, sizeof(p), files[i]);
		unlink(p);
	}
	path_of(p, sizeof(p), files[data[0] % N_FILES]);
	if (!(f = fopen(p, "wb")) || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f))
		abort();
	if (build_load(&b, top, NULL, NULL) == 0) {
		/* one object per attribution rule: duniverse, _opam, unit, runtime, C, none */
		build_object_add(&b, "duniverse/p/p.a", "p__M.o");
		path_of(obj, sizeof(obj), "_opam/lib/p/p.a");
		build_object_add(&b, obj, "p.o");
		build_object_add(&b, "/cache/x.a", "x__Y.o");
		build_object_add(&b, "/nowhere/stdlib.a", "stdlib__List.o");
		build_object_add(&b, "/nowhere/libc.a", "memcpy.o");
		build_object_add(&b, "main.o", NULL);
		build_attribute_packages(&b);
	}
	build_release(&b);
	return 0;
}
