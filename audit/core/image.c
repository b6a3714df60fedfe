// SPDX-License-Identifier: ISC
/* The ELF loader: the only user of libelf and libdw; every file offset is checked before use. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <gelf.h>
#include <libelf.h>
#include <elfutils/libdw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/core/image.h"
#include "audit/core/readfile.h"
#include "audit/core/vocab.h"
#include "audit/core/xalloc.h"

/* Bounds that keep memory proportional to the file on crafted inputs. */
#define MAX_CUS 100000
#define MAX_CU_RANGES 4096

struct image_priv {
	Elf *elf;
	Dwarf *dwarf;
	void *map;
	size_t map_size;
};

/* True when [off, off + size) lies inside a file of LEN bytes (overflow-safe). */
static bool in_file(uint64_t off, uint64_t size, uint64_t len)
{
	return size <= len && off <= len - size;
}

static int map_file(struct image *img, struct image_priv *p, struct diag *d)
{
	struct stat st;
	char why[256];
	int fd;
	void *m;

	if ((fd = open_regular(img->path, &st, why, sizeof(why))) < 0)
		return diag_err(d, "%s", why);
	if (st.st_size == 0) {
		close(fd);
		return diag_err(d, "empty file");
	}
	if ((uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return diag_err(d, "file too large");
	}
	/* Private and copy-on-write: libelf may touch the buffer, the file never changes. */
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return diag_err(d, "cannot map: %s", strerror(errno));
	p->map = m;
	p->map_size = (size_t)st.st_size;
	img->data = m;
	img->size = (size_t)st.st_size;
	return 0;
}

static void hash_file(struct image *img)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	img->sha256[0] = '\0';
	if (!EVP_Digest(img->data, img->size, md, &n, EVP_sha256(), NULL) || n != 32)
		return;
	for (i = 0; i < n; i++)
		snprintf(img->sha256 + 2 * i, 3, "%02x", md[i]);
}

static int load_header(struct image *img, struct image_priv *p, struct diag *d)
{
	GElf_Ehdr eh;
	const unsigned char *b = img->data;

	if (img->size < 4 || memcmp(b, "\177ELF", 4))
		return diag_err(d, "not an ELF file");
	if (img->size < 16)
		return diag_err(d, "truncated ELF header");
	if (b[4] != 1 && b[4] != 2)
		return diag_err(d, "unknown ELF class %u", b[4]);
	if (b[5] != 1 && b[5] != 2)
		return diag_err(d, "unknown ELF data encoding %u", b[5]);
	if (img->size < (b[4] == 2 ? 64u : 52u))
		return diag_err(d, "truncated ELF header");
	p->elf = elf_memory((char *)p->map, p->map_size);
	if (!p->elf || elf_kind(p->elf) != ELF_K_ELF)
		return diag_err(d, "not an ELF file: %s", elf_errmsg(-1));
	if (!gelf_getehdr(p->elf, &eh))
		return diag_err(d, "bad ELF header: %s", elf_errmsg(-1));
	img->elf_class = b[4] == 2 ? 64 : 32;
	img->is_le = b[5] == 1;
	img->osabi = b[7];
	img->type = eh.e_type;
	img->machine = eh.e_machine;
	img->entry = eh.e_entry;
	img->phoff = eh.e_phoff;
	img->shoff = eh.e_shoff;
	img->ehsize = eh.e_ehsize;
	img->phnum_raw = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	img->shentsize = eh.e_shentsize;
	return 0;
}

static int load_segments(struct image *img, struct image_priv *p, struct arena *a,
			 struct diag *d)
{
	size_t n, i;
	uint64_t entsz = img->elf_class == 64 ? 56 : 32;

	/*
	 * The count comes from the ELF header (or, for PN_XNUM, section 0), and
	 * the table must lie inside the file before libelf is asked for it.
	 */
	n = img->phnum_raw;
	if (n == 0xffff && elf_getphdrnum(p->elf, &n) < 0)
		return diag_err(d, "bad program header count: %s", elf_errmsg(-1));
	if (n == 0)
		goto no_load;
	if (img->phentsize != entsz)
		return diag_err(d, "bad program header entry size %u", img->phentsize);
	if (n > img->size / entsz || !in_file(img->phoff, n * entsz, img->size))
		return diag_err(d, "program header table extends past end of file");
	img->segments = arena_array(a, n, sizeof(*img->segments));
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		struct image_segment *s = &img->segments[i];

		if (!gelf_getphdr(p->elf, (int)i, &ph))
			return diag_err(d, "cannot read program header %zu: %s", i, elf_errmsg(-1));
		s->type = ph.p_type;
		s->flags = ph.p_flags;
		s->offset = ph.p_offset;
		s->vaddr = ph.p_vaddr;
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->align = ph.p_align;
		/* A segment with no file bytes (bss only) may name any offset: lld and ld do. */
		if (s->type == IMG_PT_LOAD && s->filesz && !in_file(s->offset, s->filesz, img->size))
			return diag_err(d, "segment %zu (LOAD) extends past end of file", i);
		if ((s->type == IMG_PT_NOTE || s->type == IMG_PT_INTERP) &&
		    !in_file(s->offset, s->filesz, img->size)) {
			/* Not needed to size the image: skip it and say so. */
			diag_warn(d, "segment %zu (%s) ignored: extends past end of file", i,
				  s->type == IMG_PT_NOTE ? "NOTE" : "INTERP");
			s->filesz = 0;
			continue;
		}
		if (s->type == IMG_PT_LOAD && s->filesz > s->memsz)
			return diag_err(d, "segment %zu (LOAD) has file size larger than memory size",
					i);
		if (s->type == IMG_PT_LOAD &&
		    (s->memsz > UINT64_MAX - s->vaddr ||
		     (img->elf_class == 32 && s->vaddr + s->memsz > 0x100000000ull)))
			return diag_err(d, "segment %zu (LOAD) wraps around the address space", i);
		if (s->type == IMG_PT_INTERP && s->filesz && !img->interp)
			img->interp = arena_strndup(a, (const char *)img->data + s->offset,
						    s->filesz);
	}
	img->n_segments = n;
no_load:
	for (i = 0; i < img->n_segments; i++)
		if (img->segments[i].type == IMG_PT_LOAD)
			return 0;
	/* An executable is what the loader maps; without PT_LOAD there is nothing to size. */
	if (img->type == IMG_ET_EXEC || img->type == IMG_ET_DYN)
		return diag_err(d, "no loadable segment (PT_LOAD) in an executable");
	return 0;
}

/*
 * Section headers may lie: allocated sections whose addresses overlap (other
 * than TLS .tbss, which overlaps by design) are reported once. Sizing stays
 * exact: where claims overlap, the section that starts first keeps the bytes.
 */
static void warn_overlaps(struct image *img, struct diag *d)
{
	size_t i, n = 0;
	size_t *idx = xcalloc(img->n_sections + 1, sizeof(*idx));

	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if ((s->flags & IMG_SHF_ALLOC) && s->size &&
		    !((s->flags & IMG_SHF_TLS) && s->type == IMG_SHT_NOBITS))
			idx[n++] = i;
	}
	/* Insertion into address order; n is small in every real image. */
	for (i = 1; i < n && n <= 4096; i++) {
		size_t k = idx[i], j = i;

		while (j > 0 && img->sections[idx[j - 1]].addr > img->sections[k].addr) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = k;
	}
	for (i = 1; i < n && n <= 4096; i++) {
		const struct image_section *a = &img->sections[idx[i - 1]], *b = &img->sections[idx[i]];

		if (b->addr < a->addr + a->size) {
			diag_warn(d, "sections '%s' and '%s' overlap: section headers are not "
				  "trustworthy; sizes follow the section that starts first", a->name,
				  b->name);
			break;
		}
	}
	free(idx);
}

/* An allocated section no PT_LOAD maps: its header is wrong, or the loader never sees it. */
static void warn_outside(struct image *img, struct diag *d)
{
	size_t i;

	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if (!(s->flags & IMG_SHF_ALLOC) || !s->size ||
		    ((s->flags & IMG_SHF_TLS) && s->type == IMG_SHT_NOBITS) || !img->n_segments)
			continue;
		/* some PT_LOAD holds s->addr in [vaddr, vaddr + memsz) */
		if (image_load_at(img, s->addr, IMG_AT_MEM) < 0) {
			diag_warn(d, "allocated section '%s' at 0x%llx lies outside every loadable "
				  "segment: section headers are not trustworthy", s->name,
				  (unsigned long long)s->addr);
			return;
		}
	}
}

static int load_sections(struct image *img, struct image_priv *p, struct arena *a,
			 struct diag *d)
{
	size_t n, strndx, i, kept = 0;
	uint64_t entsz = img->elf_class == 64 ? 64 : 40;
	bool names_ok;

	if (img->shoff == 0)
		return 0;
	if (elf_getshdrnum(p->elf, &n) < 0 || n == 0) {
		diag_warn(d, "section headers ignored: %s", n ? elf_errmsg(-1) : "no sections");
		return 0;
	}
	if (img->shentsize != entsz || n > img->size / entsz ||
	    !in_file(img->shoff, n * entsz, img->size)) {
		diag_warn(d, "section headers ignored: section header table extends past end of file");
		return 0;
	}
	img->shdr_table_size = n * entsz;
	names_ok = elf_getshdrstrndx(p->elf, &strndx) == 0 && strndx < n;
	if (!names_ok)
		diag_warn(d, "section names unreadable: bad section name string table index");
	img->sections = arena_array(a, n, sizeof(*img->sections));
	for (i = 1; i < n; i++) {
		Elf_Scn *scn = elf_getscn(p->elf, i);
		GElf_Shdr sh;
		struct image_section *s;
		const char *name = NULL;

		if (!scn || !gelf_getshdr(scn, &sh)) {
			diag_warn(d, "section %zu ignored: unreadable header", i);
			continue;
		}
		if (names_ok) {
			name = elf_strptr(p->elf, strndx, sh.sh_name);
			if (!name)
				diag_warn(d, "section %zu: name offset %u out of range of the section "
					  "name string table", i, sh.sh_name);
		}
		s = &img->sections[kept];
		s->index = (uint32_t)i;
		s->name = name ? arena_strndup(a, name, 4096) : arena_printf(a, "[section %zu]", i);
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->addr = sh.sh_addr;
		s->offset = sh.sh_offset;
		s->size = sh.sh_size;
		s->entsize = sh.sh_entsize;
		s->align = sh.sh_addralign;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		if (s->type != IMG_SHT_NOBITS && !in_file(s->offset, s->size, img->size)) {
			diag_warn(d, "section '%s' ignored: extends past end of file", s->name);
			continue;
		}
		if ((s->flags & IMG_SHF_ALLOC) && s->size > UINT64_MAX - s->addr) {
			diag_warn(d, "section '%s' ignored: wraps around the address space", s->name);
			continue;
		}
		kept++;
	}
	img->n_sections = kept;
	img->has_section_headers = true;
	warn_overlaps(img, d);
	warn_outside(img, d);
	return 0;
}

const struct image_section *image_section_by_name(const struct image *img, const char *name)
{
	size_t i;

	for (i = 0; i < img->n_sections; i++)
		if (!strcmp(img->sections[i].name, name))
			return &img->sections[i];
	return NULL;
}

static const struct image_section *section_by_index(const struct image *img, size_t index,
						     int32_t *pos)
{
	size_t i;

	/* Sections are kept in index order, possibly with holes: bisect. */
	size_t lo = 0, hi = img->n_sections;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->sections[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	if (i < img->n_sections && img->sections[i].index == index) {
		if (pos)
			*pos = (int32_t)i;
		return &img->sections[i];
	}
	if (pos)
		*pos = -1;
	return NULL;
}

static int cmp_symbol(const void *x, const void *y)
{
	const struct image_symbol *a = x, *b = y;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void load_symbols_from(struct image *img, struct image_priv *p, struct arena *a,
			      struct diag *d, const struct image_section *sec)
{
	Elf_Scn *scn = elf_getscn(p->elf, sec->index);
	Elf_Data *data;
	size_t n, i, kept = 0;
	uint64_t entsz = img->elf_class == 64 ? 24 : 16;
	const char *file = NULL;
	size_t bad_names = 0;

	if (!scn || !(data = elf_getdata(scn, NULL)) || !section_by_index(img, sec->link, NULL)) {
		diag_warn(d, "symbol table '%s' ignored: unreadable", sec->name);
		return;
	}
	if (sec->entsize != entsz)
		diag_warn(d, "symbol table '%s' has entry size %llu, expected %llu", sec->name,
			  (unsigned long long)sec->entsize, (unsigned long long)entsz);
	n = data->d_size / entsz;
	img->symbols = arena_array(a, n, sizeof(*img->symbols));
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		struct image_symbol *s = &img->symbols[kept];
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		name = elf_strptr(p->elf, sec->link, sym.st_name);
		if (!name && !bad_names++)
			diag_warn(d, "symbol %zu: name offset %u out of range of the string table", i,
				  sym.st_name);
		s->name = name ? arena_strndup(a, name, 4096) : "";
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->type = GELF_ST_TYPE(sym.st_info);
		s->bind = GELF_ST_BIND(sym.st_info);
		s->visibility = GELF_ST_VISIBILITY(sym.st_other);
		s->shndx = sym.st_shndx;
		s->section = -1;
		if (s->type == IMG_STT_FILE) {
			file = s->name[0] ? s->name : NULL;
			continue;
		}
		if (s->type == IMG_STT_SECTION)
			continue;
		if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE)
			section_by_index(img, sym.st_shndx, &s->section);
		s->file = s->bind == IMG_STB_LOCAL ? file : NULL;
		kept++;
	}
	img->n_symbols = kept;
	img->symtab_name = sec->name;
	qsort(img->symbols, kept, sizeof(*img->symbols), cmp_symbol);
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Index the defined symbols by name; the first in address order wins. */
static void index_symbols(struct image *img, struct arena *a)
{
	size_t cap = 16, i;

	while (cap < 2 * img->n_symbols)
		cap *= 2;
	img->sym_hash = arena_array(a, cap, sizeof(*img->sym_hash));
	img->sym_hash_cap = cap;
	for (i = 0; i < img->n_symbols; i++) {
		const struct image_symbol *s = &img->symbols[i];
		size_t j;

		if (s->section < 0 || !s->name[0])
			continue;
		for (j = name_hash(s->name) & (cap - 1); img->sym_hash[j]; j = (j + 1) & (cap - 1))
			if (!strcmp(img->symbols[img->sym_hash[j] - 1].name, s->name))
				break;
		if (!img->sym_hash[j])
			img->sym_hash[j] = (uint32_t)i + 1;
	}
}

const struct image_symbol *image_find_symbol(const struct image *img, const char *name)
{
	size_t j;

	if (!img->sym_hash_cap)
		return NULL;
	for (j = name_hash(name) & (img->sym_hash_cap - 1); img->sym_hash[j];
	     j = (j + 1) & (img->sym_hash_cap - 1))
		if (!strcmp(img->symbols[img->sym_hash[j] - 1].name, name))
			return &img->symbols[img->sym_hash[j] - 1];
	return NULL;
}

static void load_symbols(struct image *img, struct image_priv *p, struct arena *a,
			 struct diag *d)
{
	const struct image_section *symtab = NULL, *dynsym = NULL;
	size_t i;

	for (i = 0; i < img->n_sections; i++) {
		if (img->sections[i].type == IMG_SHT_SYMTAB && !symtab)
			symtab = &img->sections[i];
		else if (img->sections[i].type == 11 /* SHT_DYNSYM */ && !dynsym)
			dynsym = &img->sections[i];
	}
	img->is_stripped = !symtab;
	if (symtab)
		load_symbols_from(img, p, a, d, symtab);
	else if (dynsym)
		load_symbols_from(img, p, a, d, dynsym);
	if (img->n_symbols < UINT32_MAX)
		index_symbols(img, a);
}

/*
 * Reading notes stays linear in the file whatever its headers say: the notes
 * already kept are a hash set of offsets (a PT_NOTE and its SHT_NOTE section,
 * or several PT_NOTEs over the same bytes, find the same notes), one budget of
 * note headers read serves the whole image (65535 PT_NOTEs over the same
 * megabyte of notes cannot make the walk quadratic), and notes are matched to
 * sections and segments by sorting, not by scanning every header per note.
 */
#define NOTE_STEPS_MAX (1u << 20)

struct note_walk {
	struct arena *a;
	struct diag *d;
	size_t alloc;			/* capacity of img->notes */
	uint64_t *seen;			/* note offset + 1, open addressing; 0 is empty */
	size_t n_seen, cap_seen;
	size_t steps;			/* note headers read, against NOTE_STEPS_MAX */
	bool is_over;			/* the budget ran out (warned once) */
	struct image_stab *secs;		/* the SHT_NOTE sections, by offset then index */
	size_t n_secs;
};

static size_t note_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

/* Add OFF to the set of kept notes; false when it is there already. */
static bool note_seen_add(struct note_walk *w, uint64_t off)
{
	uint64_t key = off + 1;
	size_t j;

	if (2 * (w->n_seen + 1) > w->cap_seen) {
		size_t cap = w->cap_seen ? 2 * w->cap_seen : 64, i;
		uint64_t *ns = xcalloc(cap, sizeof(*ns));

		for (i = 0; i < w->cap_seen; i++) {
			if (!w->seen[i])
				continue;
			for (j = note_slot(w->seen[i], cap); ns[j]; j = (j + 1) & (cap - 1))
				;
			ns[j] = w->seen[i];
		}
		free(w->seen);
		w->seen = ns;
		w->cap_seen = cap;
	}
	for (j = note_slot(key, w->cap_seen); w->seen[j]; j = (j + 1) & (w->cap_seen - 1))
		if (w->seen[j] == key)
			return false;
	w->seen[j] = key;
	w->n_seen++;
	return true;
}

/* One more note header read; false (and one warning) once the budget is spent. */
static bool note_step(struct note_walk *w)
{
	if (w->steps < NOTE_STEPS_MAX) {
		w->steps++;
		return true;
	}
	if (!w->is_over)
		diag_warn(w->d, "more than %u note headers: the rest of the notes are not read",
			  NOTE_STEPS_MAX);
	w->is_over = true;
	return false;
}

static void add_note(struct image *img, struct note_walk *w, const char *owner, uint32_t type,
		     uint64_t off, uint64_t desc_off, uint64_t descsz, int seg)
{
	struct image_note *n;

	/* A note found through a section too is the same note: keep it once. */
	if (!note_seen_add(w, off))
		return;
	if (img->n_notes == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 8;
		struct image_note *nn = arena_array(w->a, na, sizeof(*nn));

		if (img->n_notes)
			memcpy(nn, img->notes, img->n_notes * sizeof(*nn));
		img->notes = nn;
		w->alloc = na;
	}
	n = &img->notes[img->n_notes++];
	n->owner = arena_strdup(w->a, owner);
	n->type = type;
	n->offset = off;
	n->desc_offset = desc_off;
	n->descsz = descsz;
	n->desc = img->data + desc_off;
	n->segment = seg;
	n->section = NULL;
}

/* True when every note in the chunk parses with the given note type (alignment). */
static bool notes_fit(struct image_priv *p, struct note_walk *w, uint64_t off, uint64_t size,
		      Elf_Type t)
{
	Elf_Data *data = elf_getdata_rawchunk(p->elf, (int64_t)off, size, t);
	size_t pos = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return false;
	while (pos < data->d_size && note_step(w)) {
		size_t next = gelf_getnote(data, pos, &nh, &name_off, &desc_off);

		if (next == 0 || next <= pos)
			return false;
		pos = next;
	}
	return true;
}

static const char *note_where(const struct image *img, struct note_walk *w, uint64_t off,
			      int seg);

/*
 * Walk the notes in [off, off + size) of the file with libelf's gelf_getnote
 * over a raw chunk; every note must fit in the chunk (libelf checks it).
 * WHERE names the chunk in warnings: "PT_NOTE #SEG (section)" when SEG >= 0.
 */
static void walk_notes(struct image *img, struct image_priv *p, struct note_walk *w,
		       uint64_t off, uint64_t size, uint64_t align, int seg, const char *where)
{
	Elf_Data *data;
	size_t pos = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!size || !in_file(off, size, img->size))
		return;
	/*
	 * Solo5's MFT1 note declares 8-byte alignment but lays its descriptor out
	 * at offset 20, as a 4-byte aligned note (formats.md 1.2): readelf rejects
	 * it, Solo5 reads it. When the 8-byte walk fails, walk with 4.
	 */
	if (align == 8 && !notes_fit(p, w, off, size, ELF_T_NHDR8))
		align = 4;
	data = elf_getdata_rawchunk(p->elf, (int64_t)off, size,
				    align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
	if (!data) {
		diag_warn(w->d, "notes at offset 0x%llx unreadable: %s", (unsigned long long)off,
			  elf_errmsg(-1));
		return;
	}
	while (pos < data->d_size && note_step(w)) {
		size_t next = gelf_getnote(data, pos, &nh, &name_off, &desc_off);
		char owner[64];
		size_t nlen;

		if (next == 0 || next <= pos) {
			diag_warn(w->d, "%s: malformed note at offset 0x%llx: name or descriptor "
				  "size runs past the end of its segment",
				  where ? where : note_where(img, w, off, seg),
				  (unsigned long long)(off + pos));
			return;
		}
		nlen = nh.n_namesz < sizeof(owner) ? nh.n_namesz : sizeof(owner) - 1;
		memcpy(owner, (const char *)data->d_buf + name_off, nlen);
		owner[nlen] = '\0';
		add_note(img, w, owner, nh.n_type, off + pos, off + desc_off, nh.n_descsz, seg);
		pos = next;
	}
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int cmp_stab(const void *x, const void *y)
{
	const struct image_stab *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->seg < b->seg ? -1 : a->seg > b->seg;
}

/* OFF + SIZE, or UINT64_MAX when that overflows (a header that lies). */
static uint64_t end_of(uint64_t off, uint64_t size)
{
	return size > UINT64_MAX - off ? UINT64_MAX : off + size;
}

/* The number of entries of V (sorted by lo) whose lo is at most X. */
static size_t upper_bound(const struct image_stab *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].lo <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* "PT_NOTE #3 (.note.solo5.manifest)": the segment and the note section at its start. */
static const char *note_where(const struct image *img, struct note_walk *w, uint64_t off, int seg)
{
	/* the first note section at OFF or after: just past those that start below OFF */
	size_t lo = off ? upper_bound(w->secs, w->n_secs, off - 1) : 0;

	if (lo < w->n_secs && w->secs[lo].lo == off)
		return arena_printf(w->a, "PT_NOTE #%d (%s)", seg, img->sections[w->secs[lo].seg].name);
	return arena_printf(w->a, "PT_NOTE #%d", seg);
}

/* The binary min-heap of the note sweep: positions into secs, ordered by section index. */
static void heap_push(size_t *h, size_t *n, size_t v, const struct image_stab *secs)
{
	size_t k = (*n)++;

	while (k && secs[h[(k - 1) / 2]].seg > secs[v].seg) {
		h[k] = h[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	h[k] = v;
}

static void heap_pop(size_t *h, size_t *n, const struct image_stab *secs)
{
	size_t k = 0, v = h[--*n];

	for (;;) {
		size_t c = 2 * k + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && secs[h[c + 1]].seg < secs[h[c]].seg)
			c++;
		if (secs[v].seg <= secs[h[c]].seg)
			break;
		h[k] = h[c];
		k = c;
	}
	if (*n)
		h[k] = v;
}

/*
 * Each note's section: the first SHT_NOTE section in header order that holds
 * its offset. A sweep over notes and sections sorted by offset, with the
 * sections begun so far in a heap by header index: the top, once the sections
 * that ended are popped, is the answer.
 */
static void note_sections(struct image *img, struct note_walk *w)
{
	struct image_stab *nv = xcalloc(img->n_notes + 1, sizeof(*nv));
	size_t *heap = xcalloc(w->n_secs + 1, sizeof(*heap));
	size_t i, k = 0, nh = 0;

	for (i = 0; i < img->n_notes; i++)
		nv[i] = (struct image_stab){ .lo = img->notes[i].offset, .seg = i };
	qsort(nv, img->n_notes, sizeof(*nv), cmp_stab);
	for (i = 0; i < img->n_notes; i++) {
		uint64_t x = nv[i].lo;

		while (k < w->n_secs && w->secs[k].lo <= x)
			heap_push(heap, &nh, k++, w->secs);
		while (nh && w->secs[heap[0]].hi <= x)
			heap_pop(heap, &nh, w->secs);
		if (nh)
			img->notes[nv[i].seg].section = img->sections[w->secs[heap[0]].seg].name;
	}
	free(nv);
	free(heap);
}

static void load_notes(struct image *img, struct image_priv *p, struct arena *a,
		       struct diag *d)
{
	struct note_walk w = { .a = a, .d = d };
	struct image_stab *segs = xcalloc(img->n_segments + 1, sizeof(*segs));
	size_t n_segs = 0, i, j;

	w.secs = xcalloc(img->n_sections + 1, sizeof(*w.secs));
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];

		if (s->type == IMG_SHT_NOTE)
			w.secs[w.n_secs++] = (struct image_stab){ s->offset, end_of(s->offset, s->size),
							       i };
	}
	qsort(w.secs, w.n_secs, sizeof(*w.secs), cmp_stab);
	/* PT_NOTE first: that is what Solo5's loader reads, and it survives stripping. */
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type != IMG_PT_NOTE)
			continue;
		walk_notes(img, p, &w, s->offset, s->filesz, s->align, (int)i, NULL);
		if (s->filesz)
			segs[n_segs++] = (struct image_stab){ s->offset, end_of(s->offset, s->filesz), i };
	}
	/* Sorted by offset, each end raised to the furthest end so far: one bisection each. */
	qsort(segs, n_segs, sizeof(*segs), cmp_stab);
	for (i = 1; i < n_segs; i++)
		if (segs[i].hi < segs[i - 1].hi)
			segs[i].hi = segs[i - 1].hi;
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *s = &img->sections[i];
		size_t k;

		if (s->type != IMG_SHT_NOTE)
			continue;
		k = upper_bound(segs, n_segs, s->offset);
		/* Already walked through its PT_NOTE (and warned once if it was bad). */
		if (k && segs[k - 1].hi > s->offset)
			continue;
		walk_notes(img, p, &w, s->offset, s->size, s->align, -1,
			   arena_printf(a, "section '%s'", s->name));
	}
	note_sections(img, &w);
	for (j = 0; j < img->n_notes; j++) {
		struct image_note *n = &img->notes[j];

		if (!img->build_id && n->type == 3 /* NT_GNU_BUILD_ID */ &&
		    !strcmp(n->owner, "GNU") && n->descsz > 0 && n->descsz <= 64) {
			char *hex = arena_alloc(a, 2 * n->descsz + 1);
			uint64_t k;

			for (k = 0; k < n->descsz; k++)
				snprintf(hex + 2 * k, 3, "%02x", n->desc[k]);
			img->build_id = hex;
		}
	}
	free(segs);
	free(w.secs);
	free(w.seen);
}

/* Append [lo, lo + 1) to CU's ranges (arena-grown). */
static void cu_add_point(struct arena *a, struct image_cu *cu, size_t *ralloc, uint64_t lo)
{
	if (cu->n_ranges >= MAX_CU_RANGES)
		return;
	if (cu->n_ranges == *ralloc) {
		size_t na = *ralloc ? *ralloc * 2 : 4;
		struct image_range *nr = arena_array(a, na, sizeof(*nr));

		if (cu->n_ranges)
			memcpy(nr, cu->ranges, cu->n_ranges * sizeof(*nr));
		cu->ranges = nr;
		*ralloc = na;
	}
	cu->ranges[cu->n_ranges].lo = lo;
	cu->ranges[cu->n_ranges].hi = lo + 1;
	cu->n_ranges++;
}

/*
 * Static-storage variables of a CU (DW_TAG_variable located by a single
 * DW_OP_addr, at any depth: function statics too) mark the CU's data, which
 * DW_AT_ranges (code only) does not cover. A bounded, iterative walk.
 */
static void cu_variables(struct arena *a, struct image_cu *cu, Dwarf_Die *cu_die, size_t *ralloc)
{
	Dwarf_Die stack[32];
	int depth = 0;
	unsigned budget = 1u << 20;

	if (dwarf_child(cu_die, &stack[0]) != 0)
		return;
	while (depth >= 0 && budget--) {
		Dwarf_Die *die = &stack[depth];
		Dwarf_Attribute attr;
		Dwarf_Op *expr;
		size_t len;
		int tag = dwarf_tag(die);

		if (tag == 0x34 /* DW_TAG_variable */ && dwarf_attr(die, 0x02 /* DW_AT_location */, &attr) &&
		    dwarf_getlocation(&attr, &expr, &len) == 0 && len == 1 &&
		    expr[0].atom == 0x03 /* DW_OP_addr */)
			cu_add_point(a, cu, ralloc, expr[0].number);
		if ((tag == 0x2e /* DW_TAG_subprogram */ || tag == 0x0b /* DW_TAG_lexical_block */) &&
		    dwarf_haschildren(die) && depth + 1 < 32 && dwarf_child(die, &stack[depth + 1]) == 0) {
			depth++;
			continue;
		}
		while (depth >= 0 && dwarf_siblingof(&stack[depth], &stack[depth]) != 0)
			depth--;
	}
}

/*
 * DWARF compile units, where the image ships them: they name the source file
 * of C code that symbol names alone cannot place. Failure here is never an
 * input error: DWARF is optional, and a note says what was skipped.
 */
static void load_cus(struct image *img, struct image_priv *p, struct arena *a, struct diag *d)
{
	Dwarf_Off off = 0, next;
	size_t hsize, alloc = 0;

	if (!image_section_by_name(img, ".debug_info"))
		return;
	p->dwarf = dwarf_begin_elf(p->elf, DWARF_C_READ, NULL);
	if (!p->dwarf) {
		diag_note(d, "DWARF present but unreadable: %s", dwarf_errmsg(-1));
		return;
	}
	while (img->n_cus < MAX_CUS &&
	       dwarf_nextcu(p->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die die;
		Dwarf_Addr base, start, end;
		ptrdiff_t rp = 0;
		struct image_cu *cu;
		const char *name;
		size_t nr = 0, ralloc = 0;
		Dwarf_Attribute attr;

		if (next <= off)
			break;
		if (!dwarf_offdie(p->dwarf, off + hsize, &die)) {
			off = next;
			continue;
		}
		off = next;
		name = dwarf_diename(&die);
		if (!name)
			continue;
		xgrow(&img->cus, &alloc, img->n_cus + 1, sizeof(*img->cus));
		cu = &img->cus[img->n_cus];
		memset(cu, 0, sizeof(*cu));
		cu->name = arena_strndup(a, name, 4096);
		if (dwarf_attr(&die, 0x1b /* DW_AT_comp_dir */, &attr) && dwarf_formstring(&attr))
			cu->comp_dir = arena_strndup(a, dwarf_formstring(&attr), 4096);
		if (dwarf_attr(&die, 0x25 /* DW_AT_producer */, &attr) && dwarf_formstring(&attr))
			cu->producer = arena_strndup(a, dwarf_formstring(&attr), 4096);
		while (nr < MAX_CU_RANGES &&
		       (rp = dwarf_ranges(&die, rp, &base, &start, &end)) > 0) {
			struct image_range *nrng;

			if (end <= start)
				continue;
			if (nr == ralloc) {
				ralloc = ralloc ? ralloc * 2 : 4;
				nrng = arena_array(a, ralloc, sizeof(*nrng));
				if (nr)
					memcpy(nrng, cu->ranges, nr * sizeof(*nrng));
				cu->ranges = nrng;
			}
			cu->ranges[nr].lo = start;
			cu->ranges[nr].hi = end;
			nr++;
		}
		cu->n_ranges = nr;
		cu_variables(a, cu, &die, &ralloc);
		img->n_cus++;
	}
	/* Move the heap array into the arena so that the image owns only arena memory. */
	if (img->n_cus) {
		struct image_cu *cus = arena_array(a, img->n_cus, sizeof(*cus));

		memcpy(cus, img->cus, img->n_cus * sizeof(*cus));
		free(img->cus);
		img->cus = cus;
	} else {
		free(img->cus);
		img->cus = NULL;
	}
}

/*
 * A lookup map of the PT_LOADs (see struct image): a sweep over the distinct
 * interval ends, with the segments begun so far in a heap by header index;
 * the top, once the segments that ended are popped, owns the next piece.
 * O(n log n) for n PT_LOADs; the pieces are arena-owned.
 */
static size_t stab_build(const struct image *img, struct arena *a, enum image_at kind,
			 struct image_stab **out)
{
	struct image_stab *iv = xcalloc(img->n_segments + 1, sizeof(*iv)), *map;
	uint64_t *pts = xcalloc(2 * img->n_segments + 1, sizeof(*pts));
	size_t *heap = xcalloc(img->n_segments + 1, sizeof(*heap));
	size_t n = 0, np = 0, i, j, k = 0, nh = 0, n_map = 0;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];
		uint64_t lo = kind == IMG_AT_OFFSET ? s->offset : s->vaddr;
		uint64_t size = kind == IMG_AT_MEM ? s->memsz : s->filesz;

		/* load_segments checked that neither range wraps */
		if (s->type != IMG_PT_LOAD || !size)
			continue;
		iv[n++] = (struct image_stab){ lo, lo + size, i };
		pts[np++] = lo;
		pts[np++] = lo + size;
	}
	qsort(iv, n, sizeof(*iv), cmp_stab);
	qsort(pts, np, sizeof(*pts), cmp_u64);
	for (i = 0, j = 0; i < np; i++)
		if (!j || pts[i] != pts[j - 1])
			pts[j++] = pts[i];
	np = j;
	map = arena_array(a, np + 1, sizeof(*map));
	for (j = 0; j + 1 < np; j++) {
		uint64_t x = pts[j];

		while (k < n && iv[k].lo <= x)
			heap_push(heap, &nh, k++, iv);
		while (nh && iv[heap[0]].hi <= x)
			heap_pop(heap, &nh, iv);
		if (!nh)
			continue;
		if (n_map && map[n_map - 1].hi == x && map[n_map - 1].seg == iv[heap[0]].seg)
			map[n_map - 1].hi = pts[j + 1];
		else
			map[n_map++] = (struct image_stab){ x, pts[j + 1], iv[heap[0]].seg };
	}
	free(iv);
	free(pts);
	free(heap);
	*out = map;
	return n_map;
}

int image_load(struct image *img, const char *path, struct arena *a, struct diag *d)
{
	struct image_priv *p;

	memset(img, 0, sizeof(*img));
	img->path = path;
	p = xcalloc(1, sizeof(*p));
	img->priv = p;
	elf_version(EV_CURRENT);
	if (map_file(img, p, d) < 0 || load_header(img, p, d) < 0 ||
	    load_segments(img, p, a, d) < 0)
		return -1;
	img->n_stab_vaddr = stab_build(img, a, IMG_AT_VADDR, &img->stab_vaddr);
	img->n_stab_offset = stab_build(img, a, IMG_AT_OFFSET, &img->stab_offset);
	img->n_stab_mem = stab_build(img, a, IMG_AT_MEM, &img->stab_mem);
	if (load_sections(img, p, a, d) < 0)
		return -1;
	if (img->n_segments == 0 && img->n_sections == 0 && img->type != 1 /* ET_REL */)
		diag_warn(d, "no program headers and no sections: only the headers can be sized");
	hash_file(img);
	load_symbols(img, p, a, d);
	load_notes(img, p, a, d);
	load_cus(img, p, a, d);
	return 0;
}

void image_release(struct image *img)
{
	struct image_priv *p = img->priv;

	if (!p)
		return;
	if (p->dwarf)
		dwarf_end(p->dwarf);
	if (p->elf)
		elf_end(p->elf);
	if (p->map)
		munmap(p->map, p->map_size);
	free(p);
	img->priv = NULL;
	img->data = NULL;
}

const char *image_machine_name(const struct image *img, struct arena *a)
{
	const char *name = machine_name(img->machine);

	return name ? name : arena_printf(a, "machine %u", img->machine);
}

/* The piece of MAP (N pieces) holding X, or -1. */
static ptrdiff_t stab_find(const struct image_stab *map, size_t n, uint64_t x)
{
	size_t k = upper_bound(map, n, x);

	return k && x < map[k - 1].hi ? (ptrdiff_t)map[k - 1].seg : -1;
}

ptrdiff_t image_load_at(const struct image *img, uint64_t x, enum image_at how)
{
	if (how == IMG_AT_OFFSET)
		return stab_find(img->stab_offset, img->n_stab_offset, x);
	if (how == IMG_AT_MEM)
		return stab_find(img->stab_mem, img->n_stab_mem, x);
	return stab_find(img->stab_vaddr, img->n_stab_vaddr, x);
}

const unsigned char *image_vaddr_bytes(const struct image *img, uint64_t vaddr, uint64_t *len)
{
	ptrdiff_t i = image_load_at(img, vaddr, IMG_AT_VADDR);
	const struct image_segment *s;
	uint64_t rel;

	if (i < 0) {
		*len = 0;
		return NULL;
	}
	s = &img->segments[i];
	rel = vaddr - s->vaddr;
	if (*len > s->filesz - rel)
		*len = s->filesz - rel;
	return img->data + s->offset + rel;
}

const char *image_segment_label(const struct image *img, size_t i, struct arena *a)
{
	const struct image_segment *s = &img->segments[i];

	return arena_printf(a, "LOAD #%zu [%s%s%s]", i, s->flags & IMG_PF_R ? "R" : "",
			    s->flags & IMG_PF_W ? "W" : "", s->flags & IMG_PF_X ? "X" : "");
}

uint64_t image_word(const struct image *img, const unsigned char *p, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[img->is_le ? i : size - 1 - i] << (8 * i);
	return v;
}

/* ---- writing an edited copy (seal) --------------------------------------- */

/* Fields of the ELF header and a section header, by class: offset and size. */
struct elf_field {
	unsigned off, size;
};

static struct elf_field eh_field(const struct image *img, int which)
{
	/* which: 0 e_shoff, 1 e_shnum, 2 e_shstrndx */
	static const struct elf_field f64[] = { { 0x28, 8 }, { 0x3c, 2 }, { 0x3e, 2 } };
	static const struct elf_field f32[] = { { 0x20, 4 }, { 0x30, 2 }, { 0x32, 2 } };

	return img->elf_class == 64 ? f64[which] : f32[which];
}

enum { SH_NAME, SH_TYPE, SH_FLAGS, SH_ADDR, SH_OFFSET, SH_SIZE, SH_LINK, SH_INFO, SH_ALIGN,
       SH_ENTSIZE, N_SH };

static struct elf_field sh_field(const struct image *img, int which)
{
	static const struct elf_field f64[N_SH] = {
		{ 0, 4 }, { 4, 4 }, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 32, 8 }, { 40, 4 }, { 44, 4 },
		{ 48, 8 }, { 56, 8 } };
	static const struct elf_field f32[N_SH] = {
		{ 0, 4 }, { 4, 4 }, { 8, 4 }, { 12, 4 }, { 16, 4 }, { 20, 4 }, { 24, 4 }, { 28, 4 },
		{ 32, 4 }, { 36, 4 } };

	return img->elf_class == 64 ? f64[which] : f32[which];
}

static void put_word(const struct image *img, unsigned char *p, unsigned size, uint64_t v)
{
	unsigned i;

	for (i = 0; i < size; i++)
		p[img->is_le ? i : size - 1 - i] = (unsigned char)(v >> (8 * i));
}

/* One section header of the input, raw, with where its bytes go in the output. */
struct wsec {
	uint64_t f[N_SH];
	const char *name;
	bool is_kept, is_moved;
	uint32_t new_index;
	uint64_t new_offset;
};

struct wstate {
	const struct image *img;
	struct wsec *secs;
	size_t n, shstrndx;
	uint64_t base_end;		/* end of the loaded part: headers, segments, alloc sections */
};

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool is_debug_section(const char *name)
{
	return has_prefix(name, ".debug") || has_prefix(name, ".zdebug") ||
	       has_prefix(name, ".rela.debug") || has_prefix(name, ".rel.debug") ||
	       has_prefix(name, ".gnu.debuglto");
}

/*
 * The raw section headers of IMG and the end of its loaded part. Only images whose every
 * section header was accepted by image_load() are written: a dropped one would shift the
 * indices that sh_link and the symbols use.
 */
static int wstate_init(struct wstate *w, const struct image *img, struct diag *d)
{
	struct image_priv *p = img->priv;
	const unsigned char *b = img->data;
	size_t i, n, strndx;
	uint64_t end;
	bool grew;

	memset(w, 0, sizeof(*w));
	w->img = img;
	if (!img->has_section_headers || !img->shdr_table_size || !p || !p->elf)
		return diag_err(d, "no section headers: the seal record has no place");
	n = (size_t)(img->shdr_table_size / img->shentsize);
	if (image_word(img, b + eh_field(img, 1).off, 2) != n || n != img->n_sections + 1 ||
	    elf_getshdrstrndx(p->elf, &strndx) < 0 || strndx == 0 || strndx >= n ||
	    image_word(img, b + eh_field(img, 2).off, 2) != strndx)
		return diag_err(d, "section headers not written: extended numbering, a rejected "
				"header or no section name table");
	w->secs = xcalloc(n, sizeof(*w->secs));
	w->n = n;
	w->shstrndx = strndx;
	for (i = 0; i < n; i++) {
		const unsigned char *h = b + img->shoff + i * img->shentsize;
		int k;

		for (k = 0; k < N_SH; k++)
			w->secs[i].f[k] = image_word(img, h + sh_field(img, k).off,
						     sh_field(img, k).size);
		w->secs[i].name = i ? img->sections[i - 1].name : "";
		w->secs[i].is_kept = true;
	}
	if (w->secs[strndx].f[SH_TYPE] != IMG_SHT_STRTAB)
		return diag_err(d, "the section name table is not a string table");
	/* Alignments are laid out with zeros: a huge or odd one is refused, not obeyed. */
	for (i = 1; i < n; i++) {
		uint64_t al = w->secs[i].f[SH_ALIGN];

		if (al > 65536 || (al & (al - 1)))
			return diag_err(d, "section '%s' has alignment %" PRIu64 ", which is not "
					"laid out", w->secs[i].name, al);
	}
	end = img->ehsize;
	if (img->phnum_raw && img->phoff + (uint64_t)img->phnum_raw * img->phentsize > end)
		end = img->phoff + (uint64_t)img->phnum_raw * img->phentsize;
	for (i = 0; i < img->n_segments; i++)
		if (img->segments[i].offset + img->segments[i].filesz > end)
			end = img->segments[i].offset + img->segments[i].filesz;
	for (i = 1; i < n; i++)
		if ((w->secs[i].f[SH_FLAGS] & IMG_SHF_ALLOC) && w->secs[i].f[SH_TYPE] != IMG_SHT_NOBITS &&
		    w->secs[i].f[SH_OFFSET] + w->secs[i].f[SH_SIZE] > end)
			end = w->secs[i].f[SH_OFFSET] + w->secs[i].f[SH_SIZE];
	/* A non-allocated section that starts inside the loaded part stays where it is. */
	do {
		grew = false;
		for (i = 1; i < n; i++) {
			struct wsec *s = &w->secs[i];

			if (s->f[SH_TYPE] == IMG_SHT_NOBITS || s->f[SH_OFFSET] >= end ||
			    s->f[SH_OFFSET] + s->f[SH_SIZE] <= end)
				continue;
			end = s->f[SH_OFFSET] + s->f[SH_SIZE];
			grew = true;
		}
	} while (grew);
	if (end > img->size)
		return diag_err(d, "the loaded part extends past the end of the file");
	w->base_end = end;
	return 0;
}

/* The sha256 of the loaded part BUF[0, END), with the section header fields of the ELF header
 * (e_shoff, e_shnum, e_shstrndx) read as zero: they change when sections are added. */
static void loaded_digest(const struct image *img, const unsigned char *buf, uint64_t end,
			  char hex[65])
{
	unsigned char head[64], md[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;
	size_t hl = end < sizeof(head) ? (size_t)end : sizeof(head);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int k;

	hex[0] = '\0';
	memcpy(head, buf, hl);
	for (k = 0; k < 3; k++)
		if (eh_field(img, k).off + eh_field(img, k).size <= hl)
			put_word(img, head + eh_field(img, k).off, eh_field(img, k).size, 0);
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) || !EVP_DigestUpdate(c, head, hl) ||
	    !EVP_DigestUpdate(c, buf + hl, (size_t)(end - hl)) || !EVP_DigestFinal_ex(c, md, &n) ||
	    n != 32) {
		EVP_MD_CTX_free(c);
		return;
	}
	EVP_MD_CTX_free(c);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int image_loaded_sha256(const struct image *img, char hex[65], struct diag *d)
{
	struct wstate w;
	int rc = wstate_init(&w, img, d);

	if (rc == 0)
		loaded_digest(img, img->data, w.base_end, hex);
	free(w.secs);
	return rc == 0 && hex[0] ? 0 : -1;
}

/* Write N bytes of P, then pad with zeros to ALIGN; *POS follows. */
static void emit(FILE *out, uint64_t *pos, const void *p, size_t n)
{
	fwrite(p, 1, n, out);
	*pos += n;
}

static void pad_to(FILE *out, uint64_t *pos, uint64_t align)
{
	while (align > 1 && *pos % align)
		emit(out, pos, "", 1);
}

/* Which sections go, and every kept section's new index; -1 when stripping would break a link. */
static int plan_sections(struct wstate *w, const struct image_edit *e, struct diag *d)
{
	size_t i;
	uint32_t k = 0;

	for (i = 1; i < w->n; i++) {
		struct wsec *s = &w->secs[i];
		bool alloc = s->f[SH_FLAGS] & IMG_SHF_ALLOC;

		if (!alloc && !strcmp(s->name, e->note_section))
			s->is_kept = false;	/* the previous seal's record: replaced */
		if (!alloc && e->strip != IMG_STRIP_NONE && is_debug_section(s->name))
			s->is_kept = false;
		if (s->f[SH_TYPE] == IMG_SHT_SYMTAB) {
			if (e->strip == IMG_STRIP_ALL && !alloc) {
				s->is_kept = false;
				if (s->f[SH_LINK] > 0 && s->f[SH_LINK] < w->n &&
				    s->f[SH_LINK] != w->shstrndx)
					w->secs[s->f[SH_LINK]].is_kept = false;
			}
		}
	}
	for (i = 0; i < w->n; i++)
		if (w->secs[i].is_kept)
			w->secs[i].new_index = k++;
	/* A kept section that links to a removed one (a .rela of .symtab, a group) blocks it. */
	for (i = 1; i < w->n; i++) {
		const struct wsec *s = &w->secs[i];
		uint64_t info_link = s->f[SH_TYPE] == 4 || s->f[SH_TYPE] == 9 ||
				     (s->f[SH_FLAGS] & 0x40 /* SHF_INFO_LINK */) ? s->f[SH_INFO] : 0;

		if (!s->is_kept)
			continue;
		/*
		 * An allocated section linked to a removed symbol table (.rela.plt's IRELATIVE
		 * relocations name no symbol) loses the link, as strip does; its bytes stay.
		 */
		if ((s->f[SH_FLAGS] & IMG_SHF_ALLOC) && s->f[SH_LINK] < w->n &&
		    !w->secs[s->f[SH_LINK]].is_kept)
			continue;
		if ((s->f[SH_LINK] && (s->f[SH_LINK] >= w->n || !w->secs[s->f[SH_LINK]].is_kept)) ||
		    (info_link && (info_link >= w->n || !w->secs[info_link].is_kept)))
			return diag_err(d, "cannot strip: section '%s' refers to a removed section",
					s->name);
	}
	return 0;
}

/* The symbol table's section indices, renumbered for the kept sections, into BUF. */
static int renumber_symbols(const struct wstate *w, const struct wsec *s, unsigned char *buf,
			    struct diag *d)
{
	uint64_t ent = s->f[SH_ENTSIZE], i;

	if (ent < 16 || s->f[SH_SIZE] % ent)
		return diag_err(d, "cannot strip: symbol table '%s' has a bad entry size", s->name);
	for (i = 0; i < s->f[SH_SIZE] / ent; i++) {
		unsigned char *p = buf + i * ent + 14;	/* st_shndx, in both classes */
		uint64_t x = image_word(w->img, p, 2);

		if (x == 0 || x >= 0xff00)
			continue;
		if (x >= w->n || !w->secs[x].is_kept)
			return diag_err(d, "cannot strip: symbol %" PRIu64 " of '%s' is in a removed "
					"section", i, s->name);
		put_word(w->img, p, 2, w->secs[x].new_index);
	}
	return 0;
}

int image_write(const struct image *img, const struct image_edit *e, FILE *out, struct diag *d)
{
	struct wstate w;
	unsigned char *buf = NULL, *shdr = NULL;
	const unsigned char *b = img->data;
	uint64_t pos, note_off, note_size, shoff, name_off;
	size_t i, nlen, olen = strlen(e->note_owner) + 1, shstr_len, new_shnum;
	const char *desc;
	char hex[65];
	unsigned char nh[12];
	int rc = -1;

	if (wstate_init(&w, img, d) < 0 || plan_sections(&w, e, d) < 0)
		goto out;
	buf = xmalloc(w.base_end + 1);
	memcpy(buf, b, w.base_end);
	for (i = 0; i < e->n_fills; i++) {
		uint64_t k;

		if (e->fills[i].len > w.base_end || e->fills[i].off > w.base_end - e->fills[i].len) {
			diag_err(d, "a trap range lies outside the loaded part of the file");
			goto out;
		}
		for (k = 0; k < e->fills[i].len; k++)
			buf[e->fills[i].off + k] = e->pattern[k % e->pattern_len];
	}
	loaded_digest(img, buf, w.base_end, hex);
	if (!hex[0]) {
		diag_err(d, "cannot compute sha256");
		goto out;
	}
	desc = e->note_desc(e->ctx, hex, &nlen);
	if (!desc) {
		diag_err(d, "cannot build the seal record");
		goto out;
	}
	/* The name of the record's section, appended to the name table unless it is there. */
	{
		const struct wsec *st = &w.secs[w.shstrndx];
		const char *tab = (const char *)b + st->f[SH_OFFSET];
		uint64_t j, nl = strlen(e->note_section) + 1;

		name_off = st->f[SH_SIZE];
		for (j = 0; j + nl <= st->f[SH_SIZE]; j++)
			if (!memcmp(tab + j, e->note_section, nl)) {
				name_off = j;
				break;
			}
		shstr_len = (size_t)(name_off == st->f[SH_SIZE] ? st->f[SH_SIZE] + nl : st->f[SH_SIZE]);
	}
	pos = 0;
	emit(out, &pos, buf, (size_t)w.base_end);
	for (i = 1; i < w.n; i++) {
		struct wsec *s = &w.secs[i];
		unsigned char *copy;

		s->new_offset = s->f[SH_OFFSET];
		if (!s->is_kept || s->f[SH_TYPE] == IMG_SHT_NOBITS || s->f[SH_OFFSET] < w.base_end)
			continue;
		pad_to(out, &pos, s->f[SH_ALIGN]);
		s->new_offset = pos;
		s->is_moved = true;
		copy = xmalloc(s->f[SH_SIZE] + 1);
		memcpy(copy, b + s->f[SH_OFFSET], s->f[SH_SIZE]);
		if (s->f[SH_TYPE] == IMG_SHT_SYMTAB && e->strip != IMG_STRIP_NONE &&
		    renumber_symbols(&w, s, copy, d) < 0) {
			free(copy);
			goto out;
		}
		emit(out, &pos, copy, s->f[SH_SIZE]);
		free(copy);
		if (i == w.shstrndx && shstr_len > s->f[SH_SIZE])
			emit(out, &pos, e->note_section, shstr_len - s->f[SH_SIZE]);
	}
	if (shstr_len > w.secs[w.shstrndx].f[SH_SIZE] && !w.secs[w.shstrndx].is_moved) {
		diag_err(d, "the section name table lies inside the loaded part: cannot add a name");
		goto out;
	}
	/* The record: one ELF note, in the image's byte order, 4-aligned as GNU notes are. */
	pad_to(out, &pos, 4);
	note_off = pos;
	put_word(img, nh, 4, olen);
	put_word(img, nh + 4, 4, nlen);
	put_word(img, nh + 8, 4, e->note_type);
	emit(out, &pos, nh, 12);
	emit(out, &pos, e->note_owner, olen);
	pad_to(out, &pos, 4);
	emit(out, &pos, desc, nlen);
	pad_to(out, &pos, 4);
	note_size = pos - note_off;
	/* The section header table: the kept headers, renumbered, then the record's. */
	pad_to(out, &pos, img->elf_class == 64 ? 8 : 4);
	shoff = pos;
	new_shnum = 2;	/* the null header and the record's */
	for (i = 1; i < w.n; i++)
		new_shnum += w.secs[i].is_kept;
	shdr = xcalloc(new_shnum + 1, img->shentsize);
	for (i = 0; i < w.n; i++) {
		const struct wsec *s = &w.secs[i];
		unsigned char *h = shdr + (size_t)s->new_index * img->shentsize;
		uint64_t f[N_SH];
		int k;

		if (!s->is_kept)
			continue;
		memcpy(h, b + img->shoff + i * img->shentsize, img->shentsize);
		memcpy(f, s->f, sizeof(f));
		if (i) {
			f[SH_OFFSET] = s->new_offset;
			if (f[SH_LINK])
				f[SH_LINK] = w.secs[f[SH_LINK]].is_kept ?
					     w.secs[f[SH_LINK]].new_index : 0;
			if ((f[SH_TYPE] == 4 || f[SH_TYPE] == 9 || (f[SH_FLAGS] & 0x40)) && f[SH_INFO])
				f[SH_INFO] = w.secs[f[SH_INFO]].new_index;
			if (i == w.shstrndx)
				f[SH_SIZE] = shstr_len;
		}
		for (k = 0; k < N_SH; k++)
			put_word(img, h + sh_field(img, k).off, sh_field(img, k).size, f[k]);
	}
	{
		unsigned char *h = shdr + (new_shnum - 1) * img->shentsize;
		uint64_t f[N_SH] = { [SH_NAME] = name_off, [SH_TYPE] = IMG_SHT_NOTE,
				     [SH_OFFSET] = note_off, [SH_SIZE] = note_size, [SH_ALIGN] = 4 };
		int k;

		for (k = 0; k < N_SH; k++)
			put_word(img, h + sh_field(img, k).off, sh_field(img, k).size, f[k]);
	}
	emit(out, &pos, shdr, new_shnum * img->shentsize);
	/* Last, the ELF header's pointers to the new table (outside the loaded digest). */
	put_word(img, buf + eh_field(img, 0).off, eh_field(img, 0).size, shoff);
	put_word(img, buf + eh_field(img, 1).off, eh_field(img, 1).size, new_shnum);
	put_word(img, buf + eh_field(img, 2).off, eh_field(img, 2).size,
		 w.secs[w.shstrndx].new_index);
	if (fseek(out, 0, SEEK_SET) != 0) {
		diag_err(d, "cannot seek the output: %s", strerror(errno));
		goto out;
	}
	fwrite(buf, 1, (size_t)(w.base_end < 64 ? w.base_end : 64), out);
	if (fseek(out, 0, SEEK_END) != 0) {
		diag_err(d, "cannot seek the output: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(buf);
	free(shdr);
	free(w.secs);
	return rc;
}
