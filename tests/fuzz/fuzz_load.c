// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: the ELF loader and the size accounting. The input is a
 * whole file: image_load(), then the platform, OCaml, attribution and sizes
 * analyzers and the secrets scan (PEM and DER through libcrypto on every
 * section's bytes), then the nested breakdown over every level and the text
 * and JSON reporters of `mirage-audit size`, as cli_run() drives them.
 */
#include <stdint.h>
#include <stdio.h>

#include "audit/core/analyzer.h"
#include "audit/core/report.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int levels[] = { LEVEL_SEGMENT, LEVEL_SECTION, LEVEL_COMPONENT,
				      LEVEL_LIBRARY, LEVEL_MODULE, LEVEL_SYMBOL };
	struct audit *a = fuzz_audit_new(PRECISION_OCAML);
	struct view v = { .kind = VIEW_SIZE, .top_n = 4, .n_levels = N_LEVELS,
			  .is_first = true, .is_last = true };
	char path[FUZZ_PATH_MAX];
	int fd = fuzz_file_open(data, size, path);
	size_t i;

	for (i = 0; i < N_LEVELS; i++)
		v.levels[i] = levels[i];
	if (image_load(&a->image, path, &a->arena, &a->diag) == 0 &&
	    analyzers_run(a, AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_ATTRIBUTION) |
			  AN_BIT(AN_SIZES) | AN_BIT(AN_SECRETS)) == 0) {
		breakdown_build(a, v.levels, v.n_levels, v.top_n, size & 1, &v.root);
		report_text.render(a, &v, fuzz_null_out());
		report_json.render(a, &v, fuzz_null_out());
	}
	fuzz_audit_free(a);
	fuzz_file_close(fd);
	return 0;
}
