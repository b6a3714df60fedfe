/* SPDX-License-Identifier: ISC */
/* Shared by the libFuzzer targets: inputs as files, the built-in rules, tiny ELF images. */
#ifndef MA_FUZZ_H
#define MA_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/model.h"

/* One PATH_MAX is far more than "/proc/self/fd/N" needs. */
#define FUZZ_PATH_MAX 64

/*
 * fuzz_file_open: the bytes as a file the tool opens by name: a memfd,
 * named "/proc/self/fd/N" in PATH, so no directory is touched. Returns the
 * descriptor for fuzz_file_close(); aborts when the kernel refuses (that is
 * the harness failing, not the tool).
 */
int fuzz_file_open(const uint8_t *data, size_t size, char path[FUZZ_PATH_MAX]);
void fuzz_file_close(int fd);

/*
 * fuzz_audit_new: an audit as cli_run() sets one up, with the built-in rules
 * and catalogue (parsed once per process, shared) and PRECISION. Free it with
 * fuzz_audit_free().
 */
struct audit *fuzz_audit_new(enum precision precision);
void fuzz_audit_free(struct audit *a);

/* fuzz_null_out: a FILE that discards what reporters write (opened once). */
FILE *fuzz_null_out(void);

/* A symbol of fuzz_elf_build(): at OFF in .text, or in .data when IS_DATA. */
struct fuzz_sym {
	const char *name;
	bool is_data;
	uint32_t off, size;
	uint8_t type, bind;		/* STT_*, STB_* */
};

struct fuzz_elf {
	uint16_t machine;		/* EM_X86_64 or EM_AARCH64 */
	const uint8_t *text, *data, *note;
	size_t text_size, data_size, note_size;	/* note_size 0: no PT_NOTE */
	bool has_sections;		/* false: no section headers, hence no symbols */
	bool is_note_section;		/* the note bytes are also an SHT_NOTE section */
	const struct fuzz_sym *syms;
	size_t n_syms;
};

/*
 * fuzz_elf_build: a small, valid static ELF64 little-endian ET_EXEC: ehdr,
 * PT_LOAD (R X: headers and .text at 0x400000 + offset), PT_LOAD (RW: .data
 * and the note at 0x600000 + offset), PT_NOTE; then .symtab, .strtab,
 * .shstrtab and the section headers. The entry point is the first .text
 * byte. Returns the size; *OUT is heap-owned (free it).
 */
size_t fuzz_elf_build(const struct fuzz_elf *e, uint8_t **out);

#endif
