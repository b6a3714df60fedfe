// SPDX-License-Identifier: ISC
/* Shared by the libFuzzer targets: inputs as memfd files, the built-in rules, tiny ELF images. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audit/core/catalogue.h"
#include "audit/cli/cli.h"
#include "audit/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

int fuzz_file_open(const uint8_t *data, size_t size, char path[FUZZ_PATH_MAX])
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0) {
		perror("fuzz: memfd_create");
		abort();
	}
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);

		if (w <= 0) {
			perror("fuzz: write to memfd");
			abort();
		}
		done += (size_t)w;
	}
	snprintf(path, FUZZ_PATH_MAX, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_file_close(int fd)
{
	close(fd);
}

/* The built-in rules and catalogue, as cli_run() loads them without --rules or --catalogue. */
static struct rules rules;
static struct catalogue catalogue;
static bool is_loaded;

struct audit *fuzz_audit_new(enum precision precision)
{
	struct audit *a = xcalloc(1, sizeof(*a));

	if (!is_loaded) {
		catalogue_init(&catalogue);
		if (cli_load_rules(&rules) < 0 || cli_load_catalogue(&catalogue) < 0)
			abort();
		is_loaded = true;
	}
	audit_init(a, &rules);
	a->opt.precision = precision;
	a->opt.catalogue = &catalogue;
	return a;
}

void fuzz_audit_free(struct audit *a)
{
	audit_release(a);
	free(a);
}

FILE *fuzz_null_out(void)
{
	static FILE *f;

	if (!f && !(f = fopen("/dev/null", "w"))) {
		perror("fuzz: /dev/null");
		abort();
	}
	return f;
}

/* Little-endian stores: the image is ELFDATA2LSB whatever the host. */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

#define TEXT_BASE 0x400000u
#define DATA_BASE 0x600000u
#define N_PHDRS 3
#define N_SHDRS 7

static void put_phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
		     uint64_t size, uint64_t align)
{
	put32(p, type);
	put32(p + 4, flags);
	put64(p + 8, off);
	put64(p + 16, vaddr);
	put64(p + 24, vaddr);
	put64(p + 32, size);
	put64(p + 40, size);
	put64(p + 48, align);
}

static void put_shdr(uint8_t *p, uint32_t name, uint32_t type, uint64_t flags, uint64_t addr,
		     uint64_t off, uint64_t size, uint32_t link, uint32_t info, uint64_t align,
		     uint64_t entsize)
{
	put32(p, name);
	put32(p + 4, type);
	put64(p + 8, flags);
	put64(p + 16, addr);
	put64(p + 24, off);
	put64(p + 32, size);
	put32(p + 40, link);
	put32(p + 44, info);
	put64(p + 48, align);
	put64(p + 56, entsize);
}

size_t fuzz_elf_build(const struct fuzz_elf *e, uint8_t **out)
{
	static const char shstr[] = "\0.text\0.data\0.note.solo5.manifest\0.rodata.note\0"
				    ".symtab\0.strtab\0.shstrtab";
	/* Offsets of the names in shstr, in section order 1..6, and of .rodata.note. */
	enum { N_TEXT = 1, N_DATA = 7, N_NOTE = 13, N_RONOTE = 34, N_SYMTAB = 47,
	       N_STRTAB = 55, N_SHSTRTAB = 63 };
	size_t text_off = align_up(64 + N_PHDRS * 56, 16);
	size_t data_off = align_up(text_off + e->text_size, 8);
	size_t note_off = align_up(data_off + e->data_size, 8);
	size_t sym_off = align_up(note_off + e->note_size, 8);
	size_t n_syms = e->has_sections ? e->n_syms : 0;
	size_t str_off = sym_off + (n_syms + 1) * 24, str_size = 1, i;
	size_t shstr_off, sh_off, total;
	uint8_t *b, *s;

	for (i = 0; i < n_syms; i++)
		str_size += strlen(e->syms[i].name) + 1;
	shstr_off = str_off + str_size;
	sh_off = align_up(shstr_off + sizeof(shstr), 8);
	total = e->has_sections ? sh_off + N_SHDRS * 64 : sym_off;
	b = xcalloc(1, total);

	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put16(b + 16, ET_EXEC);
	put16(b + 18, e->machine);
	put32(b + 20, EV_CURRENT);
	put64(b + 24, TEXT_BASE + text_off);
	put64(b + 32, 64);
	put64(b + 40, e->has_sections ? sh_off : 0);
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, e->note_size ? 3 : 2);
	put16(b + 58, 64);
	put16(b + 60, e->has_sections ? N_SHDRS : 0);
	put16(b + 62, e->has_sections ? N_SHDRS - 1 : 0);

	put_phdr(b + 64, PT_LOAD, PF_R | PF_X, 0, TEXT_BASE, text_off + e->text_size, 0x1000);
	put_phdr(b + 64 + 56, PT_LOAD, PF_R | PF_W, data_off, DATA_BASE + data_off,
		 note_off + e->note_size - data_off, 0x1000);
	if (e->note_size)
		put_phdr(b + 64 + 112, PT_NOTE, PF_R, note_off, DATA_BASE + note_off,
			 e->note_size, 4);

	if (e->text_size)
		memcpy(b + text_off, e->text, e->text_size);
	if (e->data_size)
		memcpy(b + data_off, e->data, e->data_size);
	if (e->note_size)
		memcpy(b + note_off, e->note, e->note_size);
	if (!e->has_sections) {
		*out = b;
		return total;
	}

	s = b + str_off + 1;
	for (i = 0; i < n_syms; i++) {
		const struct fuzz_sym *y = &e->syms[i];
		uint8_t *p = b + sym_off + (i + 1) * 24;

		put32(p, (uint32_t)(s - (b + str_off)));
		p[4] = ELF64_ST_INFO(y->bind, y->type);
		put16(p + 6, y->is_data ? 2 : 1);
		put64(p + 8, y->is_data ? DATA_BASE + data_off + y->off : TEXT_BASE + text_off + y->off);
		put64(p + 16, y->size);
		memcpy(s, y->name, strlen(y->name) + 1);
		s += strlen(y->name) + 1;
	}
	memcpy(b + shstr_off, shstr, sizeof(shstr));

	s = b + sh_off + 64;
	put_shdr(s, N_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, TEXT_BASE + text_off,
		 text_off, e->text_size, 0, 0, 16, 0);
	put_shdr(s + 64, N_DATA, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, DATA_BASE + data_off,
		 data_off, e->data_size, 0, 0, 8, 0);
	put_shdr(s + 128, e->is_note_section ? N_NOTE : N_RONOTE,
		 e->is_note_section ? SHT_NOTE : SHT_PROGBITS, SHF_ALLOC, DATA_BASE + note_off,
		 note_off, e->note_size, 0, 0, 4, 0);
	/* sh_info: one past the last local symbol; every symbol here is global or weak. */
	put_shdr(s + 192, N_SYMTAB, SHT_SYMTAB, 0, 0, sym_off, (n_syms + 1) * 24, 5, 1, 8, 24);
	put_shdr(s + 256, N_STRTAB, SHT_STRTAB, 0, 0, str_off, str_size, 0, 0, 1, 0);
	put_shdr(s + 320, N_SHSTRTAB, SHT_STRTAB, 0, 0, shstr_off, sizeof(shstr), 0, 0, 1, 0);
	*out = b;
	return total;
}
