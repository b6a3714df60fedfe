// SPDX-License-Identifier: ISC
/*
 * The objects and archives of a build, read with libelf (its archive support):
 * each object's or member's defined and undefined symbols, its OCaml unit and
 * its allocated bytes. With image.c, the only libelf user; every file is
 * hostile and a bad one leaves its objects "symbols unknown", with a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/core/build_priv.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"

/* Symbols of one object: a symbol table larger than this is not an object of a unikernel. */
#define ELF_MAX_SYMBOLS 4000000

/* The names read from one symbol table, pointing into libelf's memory until elf_end(). */
struct names {
	const char **v;
	size_t n, alloc;
};

static void names_add(struct names *s, const char *name)
{
	xgrow(&s->v, &s->alloc, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = name;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* NAMES sorted, without repeats, and without those in WITHOUT (sorted): arena copies. */
static const char **sorted_copy(struct arena *a, struct names *s, const struct names *without,
				size_t *n)
{
	const char **out;
	size_t i, k = 0;

	if (s->n)	/* qsort and bsearch want an array, even of nothing */
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	out = arena_array(a, s->n + 1, sizeof(*out));
	for (i = 0; i < s->n; i++) {
		if (k && !strcmp(out[k - 1], s->v[i]))
			continue;
		if (without && without->n && bsearch(&s->v[i], without->v, without->n, sizeof(*without->v),
				       cmp_str))
			continue;
		out[k++] = arena_strdup(a, s->v[i]);
	}
	*n = k;
	return out;
}

/* The unit U of caml<U>__code_begin (OCaml <= 5.0) or caml<U>.code_begin (5.1+). */
static const char *unit_of(struct arena *a, const char *name)
{
	size_t n = strlen(name);
	size_t tail;

	if (strncmp(name, "caml", 4) || n < 5 || name[4] < 'A' || name[4] > 'Z')
		return NULL;
	if (n > 16 && !strcmp(name + n - 12, "__code_begin"))
		tail = 12;
	else if (n > 15 && !strcmp(name + n - 11, ".code_begin"))
		tail = 11;
	else
		return NULL;
	return arena_strndup(a, name + 4, n - 4 - tail);
}

static int read_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct names *def,
		       struct names *und)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;

	if (!d || sh->sh_entsize == 0)
		return -1;
	n = d->d_size / sh->sh_entsize;
	if (n > ELF_MAX_SYMBOLS)
		return -1;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int bind;

		if (!gelf_getsym(d, (int)i, &sym))
			return -1;
		bind = GELF_ST_BIND(sym.st_info);
		if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !name[0])
			continue;
		names_add(sym.st_shndx == SHN_UNDEF ? und : def, name);
	}
	return 0;
}

/* True when [off, off + size) lies inside a file of LEN bytes (overflow-safe). */
static bool in_file(uint64_t off, uint64_t size, uint64_t len)
{
	return size <= len && off <= len - size;
}

/*
 * The section header table inside the object's SIZE bytes: libelf gives a
 * truncated object no sections at all, which would read as "no symbols".
 */
static bool headers_in_file(Elf *e, size_t nscn, uint64_t size)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(e, &eh) || nscn == 0 || eh.e_shoff == 0 || eh.e_shentsize == 0)
		return false;
	return nscn <= size / eh.e_shentsize && in_file(eh.e_shoff, nscn * eh.e_shentsize, size);
}

/*
 * The symbols, unit and allocated bytes of object E (SIZE bytes) into O; -1
 * when it cannot be read, or a section lies past its end.
 */
static int read_object(struct build *b, Elf *e, uint64_t size, struct build_object *o)
{
	struct names def = { 0 }, und = { 0 };
	Elf_Scn *scn = NULL;
	uint64_t alloc = 0;
	size_t i, nscn;
	int ret = -1, n_symtabs = 0;

	(void)elf_errno();	/* clear an error left by an earlier file */
	if (elf_kind(e) != ELF_K_ELF || elf_getshdrnum(e, &nscn) < 0 ||
	    !headers_in_file(e, nscn, size))
		return -1;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_NOBITS && !in_file(sh.sh_offset, sh.sh_size, size)))
			goto out;
		if (sh.sh_flags & SHF_ALLOC)
			alloc += sh.sh_size;
		if (sh.sh_type == SHT_SYMTAB && n_symtabs++ == 0 &&
		    read_symtab(e, scn, &sh, &def, &und) < 0)
			goto out;
	}
	if (elf_errno())
		goto out;
	o->defined = sorted_copy(&b->arena, &def, NULL, &o->n_defined);
	/* An object referencing a name it also defines (a weak default, say) does not need it. */
	o->undefined = sorted_copy(&b->arena, &und, &def, &o->n_undefined);
	for (i = 0; i < o->n_defined && !o->unit; i++)
		o->unit = unit_of(&b->arena, o->defined[i]);
	o->alloc_bytes = alloc;
	o->symbols_known = true;
	ret = 0;
out:
	free(def.v);
	free(und.v);
	return ret;
}

/* The first of DIRS/PATH that is a regular file, or PATH itself (arena-owned). */
static const char *resolve(struct build *b, const char *path, const char *const *dirs)
{
	struct stat st;
	size_t i;

	if (path[0] == '/' || !dirs)
		return path;
	for (i = 0; dirs[i]; i++) {
		const char *p = arena_printf(&b->arena, "%s/%s", dirs[i], path);

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			return p;
	}
	return path;
}

/* A GNU ld script named like an archive or a library (libm.a, libc.so: "GROUP ( ... )"). */
static bool is_ld_script(int fd)
{
	char head[16] = { 0 };
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);

	return n > 0 && (!strncmp(head, "/* GNU ld script", 15) || !strncmp(head, "GROUP", 5) ||
			 !strncmp(head, "INPUT", 5));
}

/*
 * Read the plain object at index I. The first BUILD_MAX_WARNINGS that cannot
 * be read are one warning each; *N_BAD counts them all.
 */
static void read_plain(struct build *b, size_t i, const char *const *dirs, size_t *n_bad)
{
	const char *path = b->objects[i].path;
	const char *file = resolve(b, path, dirs);
	struct stat st;
	char why[256];
	Elf *e;
	int fd;

	if ((fd = open_regular(file, &st, why, sizeof(why))) < 0) {
		const char *base = strrchr(path, '/');

		/* ocamlopt assembles its startup code to a temporary file and removes it after
		 * the link: expected, so a note (the map still places its sections). */
		if (!strncmp(base ? base + 1 : path, "camlstartup", 11)) {
			build_read_note(b, "object '%s': ocamlopt's temporary startup object, "
					"removed after the link; its symbols are unknown", path);
			return;
		}
		if ((*n_bad)++ < BUILD_MAX_WARNINGS)
			diag_warn(&b->diag, "object '%s': %s; its symbols are unknown", path, why);
		return;
	}
	b->objects[i].file = file;
	if (is_ld_script(fd)) {
		build_read_note(b, "%s: a linker script, not an object", path);
		close(fd);
		return;
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if ((!e || read_object(b, e, (uint64_t)st.st_size, &b->objects[i]) < 0) &&
	    (*n_bad)++ < BUILD_MAX_WARNINGS)
		diag_warn(&b->diag, "object '%s': truncated or not an ELF object; its symbols "
			  "are unknown", path);
	elf_end(e);
	close(fd);
}

static bool is_table(const char *name)
{
	return !strcmp(name, "/") || !strcmp(name, "//") || !strcmp(name, "/SYM64/");
}

/*
 * One member: the object the map named, or a new one. With a complete map, a
 * member it did not name was left out by the linker; without, nobody knows.
 */
static void read_member(struct build *b, const char *path, const char *file, Elf *m,
			const Elf_Arhdr *h, size_t pos, uint64_t *rank, bool *is_bad)
{
	const char *name = h->ar_name;
	ptrdiff_t o = build_find(b, path, name);

	if (o < 0) {
		if ((o = build_object_add(b, path, name)) < 0)
			return;
		b->objects[o].state = b->has_memory_map ? LINK_LEFT_OUT : LINK_UNKNOWN;
	}
	if (b->objects[o].symbols_known)
		return;	/* a second member of the same name: the map cannot tell them apart */
	b->objects[o].file = file;
	rank[o] = pos + 1;
	if (read_object(b, m, h->ar_size, &b->objects[o]) < 0)
		*is_bad = true;
}

/*
 * Members the map names that their archive, read (in OPENED), does not hold:
 * one warning per archive, in one pass over the objects.
 */
static void missing_members(struct build *b, const struct strset *opened)
{
	size_t *count = xcalloc((size_t)opened->n + 1, sizeof(*count)), i;
	const char **first = xcalloc((size_t)opened->n + 1, sizeof(*first));
	uint32_t id;

	for (i = 0; i < b->n_objects; i++) {
		const struct build_object *o = &b->objects[i];

		if (!o->member || o->file || (id = strset_find(opened, o->path)) == UINT32_MAX)
			continue;
		if (count[id]++ == 0)
			first[id] = o->member;
	}
	for (id = 0; id < opened->n; id++)
		if (count[id])
			diag_warn(&b->diag, "archive '%s': %zu members the map names are not in "
				  "it ('%s'...); their symbols are unknown", opened->names[id],
				  count[id], first[id]);
	free(count);
	free(first);
}

/*
 * Every member of archive PATH; -1 when it cannot be read at all. libelf
 * stops at a member whose header is bad or whose size runs past the end, so
 * a walk that ends before the last header could start is a truncated archive.
 */
static int read_archive(struct build *b, const char *path, const char *const *dirs,
			uint64_t **rank, size_t *n_rank)
{
	const char *file = resolve(b, path, dirs);
	Elf_Cmd cmd = ELF_C_READ;
	Elf *ar, *m;
	size_t pos = 0;
	int64_t next = 8;	/* past "!<arch>\n" */
	bool is_bad = false;
	struct stat st;
	char why[256];
	int fd;

	if ((fd = open_regular(file, &st, why, sizeof(why))) < 0) {
		diag_warn(&b->diag, "archive '%s': %s; its members' symbols are unknown", path, why);
		return -1;
	}
	if (is_ld_script(fd)) {
		build_read_note(b, "%s: a linker script, not an archive", path);
		close(fd);
		return 0;
	}
	ar = elf_begin(fd, ELF_C_READ, NULL);
	if (!ar || elf_kind(ar) != ELF_K_AR) {
		diag_warn(&b->diag, "archive '%s': not an ar archive; its members' symbols are "
			  "unknown", path);
		elf_end(ar);
		close(fd);
		return -1;
	}
	while (pos < BUILD_MAX_MEMBERS && (m = elf_begin(fd, cmd, ar))) {
		Elf_Arhdr *h = elf_getarhdr(m);
		int64_t off = elf_getaroff(m);

		if (h && off >= 0)
			next = off + 60 + (int64_t)h->ar_size + (int64_t)(h->ar_size & 1);
		if (h && h->ar_name && !is_table(h->ar_name)) {
			build_grow(rank, n_rank, b->n_objects + 1, sizeof(**rank));
			read_member(b, path, file, m, h, pos++, *rank, &is_bad);
		}
		cmd = elf_next(m);
		elf_end(m);
	}
	if (pos >= BUILD_MAX_MEMBERS)
		diag_warn(&b->diag, "archive '%s': more than %d members, the rest not read", path,
			  BUILD_MAX_MEMBERS);
	else if (next + 60 <= (int64_t)st.st_size)
		is_bad = true;
	if (is_bad)
		diag_warn(&b->diag, "archive '%s': truncated or malformed members; their symbols "
			  "are unknown", path);
	build_read_note(b, "%s: archive, %zu members", path, pos);
	elf_end(ar);
	close(fd);
	return 0;
}

static bool is_archive_path(const char *p)
{
	size_t n = strlen(p);

	return n > 2 && !strcmp(p + n - 2, ".a");
}

/* The archives to read: the link's inputs, then those only the map's members name. */
static const char **archives(struct build *b, size_t *n)
{
	struct strset seen;
	const char **v = NULL;
	size_t i;

	strset_init(&seen, &b->arena);
	*n = 0;
	for (i = 0; i < b->n_inputs + b->n_objects; i++) {
		const char *p = i < b->n_inputs ? b->inputs[i] : b->objects[i - b->n_inputs].path;
		uint32_t before = seen.n;

		if (i < b->n_inputs ? !is_archive_path(p) : !b->objects[i - b->n_inputs].member)
			continue;
		if (strset_intern(&seen, p) == before) {
			v = arena_push(&b->arena, v, *n, sizeof(*v));
			v[(*n)++] = seen.names[before];
		}
	}
	strset_release(&seen);
	return v;
}

void build_elf_read(struct build *b, const char *const *dirs)
{
	uint64_t *rank = NULL;
	size_t n_rank = 0, n_ar, n_plain, n_bad = 0, i;
	struct strset opened;
	const char **ar;

	elf_version(EV_CURRENT);
	n_plain = b->n_objects;
	for (i = 0; i < n_plain; i++)
		if (!b->objects[i].member)
			read_plain(b, i, dirs, &n_bad);
	ar = archives(b, &n_ar);
	strset_init(&opened, &b->arena);
	for (i = 0; i < n_ar; i++) {
		if (read_archive(b, ar[i], dirs, &rank, &n_rank) < 0)
			n_bad++;
		else
			strset_intern(&opened, ar[i]);
	}
	missing_members(b, &opened);
	strset_release(&opened);
	if (n_bad > BUILD_MAX_WARNINGS)
		diag_warn(&b->diag, "%zu objects and archives cannot be read in all (the first %d "
			  "are named); their symbols are unknown", n_bad, BUILD_MAX_WARNINGS);
	build_grow(&rank, &n_rank, b->n_objects + 1, sizeof(*rank));
	build_order_objects(b, rank);
	free(rank);
}
