/* SPDX-License-Identifier: ISC */
/* The loaded image: segments, sections, symbols, notes, DWARF units; read-only after image_load(). */
#ifndef MA_IMAGE_H
#define MA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/core/arena.h"
#include "audit/core/diag.h"

/* ELF constants the model exposes, so that no other file needs <elf.h>. */
enum {
	IMG_PT_LOAD = 1, IMG_PT_INTERP = 3, IMG_PT_NOTE = 4, IMG_PT_TLS = 7,
	IMG_PF_X = 1, IMG_PF_W = 2, IMG_PF_R = 4,
	IMG_SHT_NOBITS = 8, IMG_SHT_NOTE = 7, IMG_SHT_SYMTAB = 2, IMG_SHT_STRTAB = 3,
	IMG_SHF_WRITE = 1, IMG_SHF_ALLOC = 2, IMG_SHF_EXECINSTR = 4, IMG_SHF_TLS = 0x400,
	IMG_STT_NOTYPE = 0, IMG_STT_OBJECT = 1, IMG_STT_FUNC = 2, IMG_STT_SECTION = 3,
	IMG_STT_FILE = 4, IMG_STT_COMMON = 5, IMG_STT_TLS = 6, IMG_STT_GNU_IFUNC = 10,
	IMG_STB_LOCAL = 0, IMG_STB_GLOBAL = 1, IMG_STB_WEAK = 2,
	IMG_EM_386 = 3, IMG_EM_ARM = 40, IMG_EM_X86_64 = 62, IMG_EM_AARCH64 = 183,
	IMG_EM_PPC64 = 21, IMG_EM_RISCV = 243,
	IMG_ET_EXEC = 2, IMG_ET_DYN = 3,
};

struct image_segment {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct image_section {
	const char *name;		/* arena-owned; "[section N]" when the name is unreadable */
	uint32_t index, type, link, info;
	uint64_t flags, addr, offset, size, entsize, align;
};

struct image_symbol {
	const char *name;		/* arena-owned, never NULL ("" for unnamed) */
	uint64_t value, size;
	uint8_t type, bind, visibility;
	uint32_t shndx;			/* raw section index (SHN_* values included) */
	int32_t section;		/* index into image.sections, or -1 */
	const char *file;		/* name of the STT_FILE before a local symbol, or NULL */
};

struct image_note {
	const char *owner;		/* arena-owned, NUL-terminated copy of the note name */
	uint32_t type;
	const unsigned char *desc;	/* points into the mapped file; descsz bytes, bounds-checked */
	uint64_t descsz;
	uint64_t offset;		/* file offset of the note header */
	uint64_t desc_offset;		/* file offset of the descriptor */
	int segment;			/* index of the PT_NOTE it was found in, or -1 */
	const char *section;		/* name of the SHT_NOTE section covering it, or NULL */
};

struct image_range {
	uint64_t lo, hi;		/* [lo, hi) */
};

/* A DWARF compile unit (libdw), used to attribute C code to its source file. */
struct image_cu {
	const char *name, *comp_dir;	/* arena-owned; comp_dir may be NULL */
	const char *producer;		/* DW_AT_producer or NULL */
	struct image_range *ranges;
	size_t n_ranges;
};

/* One piece of a PT_LOAD lookup map: [lo, hi) belongs to segment SEG. */
struct image_stab {
	uint64_t lo, hi;
	size_t seg;
};

struct image {
	const char *path;		/* as given by the user */
	const unsigned char *data;	/* the whole file, mapped copy-on-write; never written */
	size_t size;
	char sha256[65];

	int elf_class;			/* 32 or 64 */
	bool is_le;
	uint8_t osabi;
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff, shoff;
	uint16_t ehsize, phentsize, shentsize, phnum_raw;

	struct image_segment *segments;
	size_t n_segments;
	struct image_section *sections;	/* only the sections that passed validation */
	size_t n_sections;
	bool has_section_headers;	/* false when absent or rejected */
	uint64_t shdr_table_size;	/* bytes of the section header table in the file, 0 if none */

	struct image_symbol *symbols;	/* sorted by (value, name) */
	size_t n_symbols;
	const char *symtab_name;	/* ".symtab", ".dynsym" or NULL */
	uint32_t *sym_hash;		/* open addressing over defined symbols: index + 1; arena */
	size_t sym_hash_cap;
	bool is_stripped;		/* no .symtab */

	/*
	 * The PT_LOADs as lookup maps, built once by image_load(): disjoint
	 * pieces sorted by start, each owned by the first PT_LOAD in header order
	 * that covers it, so a lookup is a bisection (not a scan of every
	 * segment, which made per-node and per-piece lookups a product of two
	 * counts the file controls). By file bytes [vaddr, vaddr + filesz), by
	 * file offset [offset, offset + filesz), and by memory [vaddr, vaddr + memsz).
	 */
	struct image_stab *stab_vaddr, *stab_offset, *stab_mem;
	size_t n_stab_vaddr, n_stab_offset, n_stab_mem;

	struct image_note *notes;
	size_t n_notes;
	const char *build_id;		/* lowercase hex, or NULL */
	const char *interp;		/* PT_INTERP string, or NULL */

	struct image_cu *cus;
	size_t n_cus;

	void *priv;			/* libelf state, owned by image.c */
};

/*
 * image_load: open and map PATH read-only (copy-on-write, the file is never
 * written), check every header offset and size against the file, and fill
 * IMG. Names and arrays come from ARENA. Returns 0, or -1 with the reason in
 * DIAG (an input error: unreadable, not a regular file, not ELF, truncated,
 * segments past the end of file). Section headers that lie are dropped with a
 * warning; the image is then sized from its program headers.
 * image_release() must be called in both cases.
 */
int image_load(struct image *img, const char *path, struct arena *arena, struct diag *diag);

/* image_release: unmap the file and free libelf's state; arena memory stays with the arena. */
void image_release(struct image *img);

/* image_machine_name: "x86-64", "AArch64", ... or "machine N" (static or arena string). */
const char *image_machine_name(const struct image *img, struct arena *arena);

/* image_word: the SIZE-byte (at most 8) integer at P in the image's byte order. */
uint64_t image_word(const struct image *img, const unsigned char *p, unsigned size);
/*
 * image_vaddr_bytes: file bytes backing [vaddr, vaddr + *len) in a PT_LOAD
 * segment. On return *len is how many bytes are available there (may be less
 * than asked, up to the end of the segment's file part). Returns NULL when
 * vaddr is not backed by file bytes.
 */
const unsigned char *image_vaddr_bytes(const struct image *img, uint64_t vaddr, uint64_t *len);
enum image_at {
	IMG_AT_VADDR,		/* X is a virtual address backed by file bytes: [vaddr, +filesz) */
	IMG_AT_OFFSET,		/* X is a file offset: [offset, +filesz) */
	IMG_AT_MEM,		/* X is a virtual address, bss included: [vaddr, +memsz) */
};

/*
 * image_load_at: the index of the first PT_LOAD (in header order) that holds
 * X as HOW says, or -1. O(log segments).
 */
ptrdiff_t image_load_at(const struct image *img, uint64_t x, enum image_at how);

/*
 * image_find_symbol: the first symbol (in address order) named NAME that is
 * defined in a section, or NULL. Hash lookup, built at load time.
 */
const struct image_symbol *image_find_symbol(const struct image *img, const char *name);

/* image_section_by_name: the first section with that name, or NULL. */
const struct image_section *image_section_by_name(const struct image *img, const char *name);

/* image_segment_label: bloaty-style "LOAD #1 [RX]" for segment index I, arena-owned. */
const char *image_segment_label(const struct image *img, size_t i, struct arena *arena);

/* ---- writing (seal) ------------------------------------------------------ */

enum image_strip {
	IMG_STRIP_NONE,
	IMG_STRIP_DEBUG,	/* the .debug* sections, as strip --strip-debug */
	IMG_STRIP_ALL,		/* those and the symbol table, as strip --strip-all */
};

/* A file range [off, off + len) of the loaded part to overwrite. */
struct image_fill {
	uint64_t off, len;
};

struct image_edit {
	const struct image_fill *fills;	/* inside the loaded part (see image_write) */
	size_t n_fills;
	const unsigned char *pattern;	/* repeated from the start of each fill */
	unsigned pattern_len;
	const char *note_section;	/* the record's section; an old one of that name is dropped */
	const char *note_owner;
	uint32_t note_type;
	/* note_desc: the record's descriptor, given the output's loaded sha256; NULL on error */
	const char *(*note_desc)(void *ctx, const char *loaded_sha256, size_t *len);
	void *ctx;
	enum image_strip strip;
};

/*
 * image_write: a copy of IMG to OUT (a seekable stream) with E's edits. The loaded part of
 * the file (the headers, every segment's file bytes and every allocated section, up to the
 * last of them) keeps its offsets and bytes but for E's fills and the ELF header's e_shoff,
 * e_shnum and e_shstrndx; the non-allocated sections after it follow in header order, at
 * their alignment, less those E's strip removes (indices renumbered, in sh_link, sh_info
 * and the symbols' st_shndx); then one SHT_NOTE section E->note_section holding one note,
 * then the section header table. Returns 0, or -1 with the reason in D (no section headers,
 * a fill outside the loaded part, a strip that would break a link).
 */
int image_write(const struct image *img, const struct image_edit *e, FILE *out, struct diag *d);

/*
 * image_loaded_sha256: the sha256 (hex, into HEX) of IMG's loaded part as image_write
 * defines it, with e_shoff, e_shnum and e_shstrndx read as zero. Returns 0, or -1 (D).
 */
int image_loaded_sha256(const struct image *img, char hex[65], struct diag *d);

#endif
