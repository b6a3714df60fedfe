// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: the build inputs (audit/core/build_map.c, build_log.c,
 * build_elf.c). A first byte with bit 0 clear makes the rest a GNU ld map,
 * loaded as `-M FILE` would (build_load(): the map, then the objects and
 * archives it names, read from the current directory, then build_release());
 * bit 0 set makes the rest a build log (build_log_parse(), the image named
 * "x.spt" when bit 1 is set, else none).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/build_priv.h"
#include "audit/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_log(const uint8_t *data, size_t size, const char *image)
{
	struct build b;
	char *text = xmalloc(size + 1);

	memset(&b, 0, sizeof(b));
	arena_init(&b.arena);
	diag_init(&b.diag);
	memcpy(text, data, size);
	text[size] = '\0';
	build_log_parse(&b, text, size, "fuzz.log", image);
	free(text);
	build_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct build b;
	char path[FUZZ_PATH_MAX];
	int fd;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		fuzz_log(data + 1, size - 1, data[0] & 2 ? "x.spt" : NULL);
		return 0;
	}
	fd = fuzz_file_open(data + 1, size - 1, path);
	build_load(&b, NULL, path, "x.spt");
	build_release(&b);
	fuzz_file_close(fd);
	return 0;
}
