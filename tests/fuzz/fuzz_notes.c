// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: ELF notes and platform detection (Solo5 MFT1 and ABI1,
 * Xen, OpenBSD and GNU notes, multiboot headers, __xen_guest).
 *
 * Input: a first byte of 0x7f ('\177', as in "\177ELF") makes the input a
 * whole file. Any other first byte is a flags byte, and the rest becomes the
 * PT_NOTE of a fixed valid image (fuzz_elf_build()), so the fuzzer spends its
 * time in the note walker and the platform analyzer:
 *   bit 0  the note bytes are also an SHT_NOTE section (else an SHT_PROGBITS one)
 *   bit 1  EM_AARCH64 (else EM_X86_64)
 *   bit 2  no section headers at all
 * Then the platform analyzer, and the rest of `mirage-audit report` when the
 * image loads (reachability roots come from the notes: PHYS32_ENTRY).
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>

#include "audit/core/analyzer.h"
#include "audit/core/report.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A _start that loops (jmp .), so reachability has its entry. */
	static const uint8_t text_x86[] = { 0xeb, 0xfe };
	static const uint8_t text_a64[] = { 0x00, 0x00, 0x00, 0x14 };
	static const struct fuzz_sym syms[] = {
		{ "_start", false, 0, 4, STT_FUNC, STB_GLOBAL },
		{ "__xen_guest_data", true, 0, 8, STT_OBJECT, STB_GLOBAL },
	};
	static const uint8_t data_words[16] = { 0 };
	struct view v = { .kind = VIEW_REPORT, .top_n = 4, .is_first = true, .is_last = true };
	struct audit *a;
	uint8_t *elf = NULL;
	size_t elf_size;
	char path[FUZZ_PATH_MAX];
	int fd;

	if (size == 0)
		return 0;
	if (data[0] == 0x7f) {
		fd = fuzz_file_open(data, size, path);
	} else {
		bool is_a64 = data[0] & 2;
		struct fuzz_elf e = {
			.machine = is_a64 ? EM_AARCH64 : EM_X86_64,
			.text = is_a64 ? text_a64 : text_x86,
			.text_size = is_a64 ? sizeof(text_a64) : sizeof(text_x86),
			.data = data_words, .data_size = sizeof(data_words),
			.note = data + 1, .note_size = size - 1,
			.has_sections = !(data[0] & 4), .is_note_section = data[0] & 1,
			.syms = syms, .n_syms = sizeof(syms) / sizeof(syms[0]),
		};

		elf_size = fuzz_elf_build(&e, &elf);
		fd = fuzz_file_open(elf, elf_size, path);
		free(elf);
	}
	a = fuzz_audit_new(PRECISION_OCAML);
	if (image_load(&a->image, path, &a->arena, &a->diag) == 0 &&
	    analyzers_run(a, AN_BIT(AN_PLATFORM)) == 0 &&
	    analyzers_run(a, AN_BIT(AN_PLATFORM) | AN_BIT(AN_SIZES) | AN_BIT(AN_DEAD) |
			  AN_BIT(AN_FACILITIES)) == 0) {
		report_text.render(a, &v, fuzz_null_out());
		report_json.render(a, &v, fuzz_null_out());
	}
	fuzz_audit_free(a);
	fuzz_file_close(fd);
	return 0;
}
