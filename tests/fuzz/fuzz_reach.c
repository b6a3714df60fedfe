// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: the reference graph, reachability, dead code and
 * facilities on arbitrary code bytes, wrapped as the .text (and .data) of a
 * small valid image (fuzz_elf_build()) with symbols the input places.
 *
 * Input: a 16-byte header, then the body.
 *   byte 0       flags: bit 0 EM_AARCH64 (else EM_X86_64); bit 1 --precision
 *                conservative (else ocaml); bit 2 no section headers (stripped:
 *                code starts are found by disassembly); bit 3 the last quarter
 *                of the body is .data (else .data is empty)
 *   byte 1       the number of symbols, modulo 8
 *   bytes 2-15   seven symbols, two bytes each: (a) bits 0-3 the name (names[]),
 *                bit 4 in .data, bits 5-7 size / 16; (b) the offset, as b/256
 *                of the section
 * Shorter inputs are ignored.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>

#include "audit/core/analyzer.h"
#include "audit/core/report.h"
#include "tests/fuzz/fuzz.h"

#define HEADER 16
/* Far more code than a mutated input needs; keeps one run short. */
#define MAX_BODY (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names the analyzers treat specially: entry points, OCaml unit bounds and tables, libc. */
static const char *const names[16] = {
	"_start", "solo5_app_main", "caml_program", "caml_start_program",
	"camlMain__code_begin", "camlMain__code_end", "camlMain__data_begin",
	"camlMain__data_end", "camlMain__entry", "camlMain__frametable", "camlMain__f_123",
	"caml_globals", "caml_frametable", "caml_code_segments", "memcpy", "_start32",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sym syms[7];
	struct fuzz_elf e = { 0 };
	struct view v = { .kind = VIEW_DEAD, .top_n = 4, .is_first = true, .is_last = true };
	struct audit *a;
	const uint8_t *body = data + HEADER;
	size_t body_size = size - HEADER, data_size, i;
	uint8_t *elf;
	size_t elf_size;
	char path[FUZZ_PATH_MAX];
	int fd;

	if (size < HEADER || body_size > MAX_BODY)
		return 0;
	data_size = data[0] & 8 ? (body_size / 4) & ~(size_t)7 : 0;
	e.machine = data[0] & 1 ? EM_AARCH64 : EM_X86_64;
	e.text = body;
	e.text_size = body_size - data_size;
	e.data = body + e.text_size;
	e.data_size = data_size;
	e.has_sections = !(data[0] & 4);
	e.syms = syms;
	e.n_syms = data[1] % 8;
	for (i = 0; i < e.n_syms; i++) {
		uint8_t x = data[2 + 2 * i], o = data[3 + 2 * i];
		bool is_data = (x & 0x10) && data_size;
		size_t span = is_data ? data_size : e.text_size;
		const char *name = names[x & 15];

		syms[i] = (struct fuzz_sym){
			.name = name, .is_data = is_data, .off = (uint32_t)(span * o / 256),
			.size = (uint32_t)(x >> 5) * 16,
			.type = is_data ? STT_OBJECT : STT_FUNC, .bind = STB_GLOBAL,
		};
	}
	elf_size = fuzz_elf_build(&e, &elf);
	fd = fuzz_file_open(elf, elf_size, path);
	free(elf);

	a = fuzz_audit_new(data[0] & 2 ? PRECISION_CONSERVATIVE : PRECISION_OCAML);
	if (image_load(&a->image, path, &a->arena, &a->diag) == 0 &&
	    analyzers_run(a, AN_BIT(AN_REFGRAPH) | AN_BIT(AN_REACH) | AN_BIT(AN_DEAD) |
			  AN_BIT(AN_FACILITIES) | AN_BIT(AN_RETAINED) | AN_BIT(AN_CONDENSE) |
			  AN_BIT(AN_TCB)) == 0) {
		report_text.render(a, &v, fuzz_null_out());
		certificate_write(a, fuzz_null_out());
	}
	fuzz_audit_free(a);
	fuzz_file_close(fd);
	return 0;
}
