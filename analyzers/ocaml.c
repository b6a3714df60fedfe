// SPDX-License-Identifier: ISC
/*
 * OCaml compilation units from their code/data marker symbols; separator and
 * version hints. Without markers (a stripped image), the runtime from its
 * strings, code and tables, and the units those tables keep.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

enum marker { M_CODE_BEGIN, M_CODE_END, M_DATA_BEGIN, M_DATA_END, N_MARKERS };

static const char *const marker_names[N_MARKERS] = {
	"code_begin", "code_end", "data_begin", "data_end",
};

struct unit_tmp {
	uint64_t at[N_MARKERS];
	bool has[N_MARKERS];
};

/*
 * Parse caml<U><sep><marker>: OCaml <= 5.0 writes camlFoo__code_begin, 5.1+
 * camlFoo.code_begin (formats.md 3.1). Returns the marker and sets *sep and
 * the unit's length, or -1.
 */
static int parse_marker(const char *name, size_t *unit_len, const char **sep)
{
	size_t len = strlen(name);
	int m;

	if (len < 5 || strncmp(name, "caml", 4))
		return -1;
	for (m = 0; m < N_MARKERS; m++) {
		size_t ml = strlen(marker_names[m]);

		if (len < 4 + ml + 2)
			continue;
		if (strcmp(name + len - ml, marker_names[m]))
			continue;
		if (name[len - ml - 1] == '.') {
			*sep = ".";
			*unit_len = len - ml - 1 - 4;
		} else if (name[len - ml - 1] == '_' && name[len - ml - 2] == '_') {
			*sep = "__";
			*unit_len = len - ml - 2 - 4;
		} else {
			continue;
		}
		return *unit_len ? m : -1;
	}
	return -1;
}

static int cmp_unit(const void *x, const void *y)
{
	return strcmp(((const struct ocaml_unit *)x)->name, ((const struct ocaml_unit *)y)->name);
}

/* Unit ranges for address lookups: where two overlap, the one that starts first keeps the bytes. */
static void build_ranges(struct audit *a)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	size_t i;

	for (i = 0; i < of->n_units; i++) {
		const struct ocaml_unit *u = &of->units[i];

		if (u->has_code)
			claims_add(&of->ranges, u->code.lo, u->code.hi, (int32_t)i);
		if (u->has_data)
			claims_add(&of->ranges, u->data.lo, u->data.hi, (int32_t)i);
	}
	claims_settle(&of->ranges, NULL, NULL);
}

static void version_evidence(struct audit *a, const char *s)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const char **nv = arena_push(&a->arena, of->version_evidence, of->n_version_evidence,
				     sizeof(*nv));

	nv[of->n_version_evidence++] = s;
	of->version_evidence = nv;
}

static bool has_name(const struct image *img, const char *name)
{
	return image_find_symbol(img, name) != NULL;
}

/*
 * Stdlib.Sys.ocaml_version is a string constant in the data of unit
 * Stdlib__Sys (Sys before 4.07): "4.13.1", "5.2.0+ox". Read it from there.
 */
static const char *version_string(struct audit *a)
{
	const struct ocaml_facts *of = &a->facts.ocaml;
	static const char *const units[] = { "Stdlib__Sys", "Sys" };
	size_t k;

	for (k = 0; k < 2; k++) {
		uint32_t id = strset_find(&of->unit_index, units[k]);
		const struct ocaml_unit *u;
		const unsigned char *p;
		uint64_t len, i;

		if (id == UINT32_MAX)
			continue;
		u = &of->units[id];
		if (!u->has_data)
			continue;
		len = u->data.hi - u->data.lo;
		if (len > 65536)
			len = 65536;
		p = image_vaddr_bytes(&a->image, u->data.lo, &len);
		for (i = 0; p && i + 5 < len; i++) {
			uint64_t j = i;

			/* An OCaml string starts word-aligned after its header. */
			if ((i & 7) || (p[i] != '4' && p[i] != '5') || p[i + 1] != '.')
				continue;
			for (j = i + 2; j < len && ((p[j] >= '0' && p[j] <= '9') || p[j] == '.' ||
						     p[j] == '+' || p[j] == '~' ||
						     (p[j] >= 'a' && p[j] <= 'z')); j++)
				;
			if (j < len && p[j] == 0 && j - i >= 5 && j - i < 32)
				return arena_strndup(&a->arena, (const char *)p + i, j - i);
		}
	}
	return NULL;
}

/*
 * A version range from facts that survive in every image: the symbol
 * separator (changed in 5.1) and the effect-handler primitives (new in 5.0).
 */
static void version_hint(struct audit *a, size_t n_dot, size_t n_uu)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const struct image *img = &a->image;
	bool effects = has_name(img, "caml_perform") || has_name(img, "caml_runstack");

	if (n_dot > n_uu) {
		of->separator = ".";
		of->version_hint = ">= 5.1";
		version_evidence(a, "unit markers use '.' (camlU.code_begin): OCaml 5.1 or later");
	} else if (n_uu) {
		of->separator = "__";
		of->version_hint = effects ? "5.0" : "< 5.0";
		version_evidence(a, "unit markers use '__' (camlU__code_begin): OCaml 5.0 or earlier");
		version_evidence(a, effects ?
			"effect primitives (caml_perform, caml_runstack) present: OCaml 5.0" :
			"no effect primitives (caml_perform, caml_runstack): OCaml 4.x");
	}
	if (has_name(img, "caml_start_program"))
		version_evidence(a, "caml_start_program present: native-code OCaml runtime");
	{
		const char *v = version_string(a);

		if (v) {
			of->version_hint = v;
			version_evidence(a, arena_printf(&a->arena, "Sys.ocaml_version is \"%s\" "
							 "(a string in the data of Stdlib__Sys)", v));
		}
	}
}

/* ---- images without unit markers: the runtime by its strings, code and tables ---- */

/* A PT_LOAD or section's file bytes, with what the loader lets the code do there. */
struct region {
	uint64_t lo, hi;
	const unsigned char *p;
	bool exec, write;
};

struct scan {
	struct audit *a;
	struct region *r;
	size_t n_r;
	unsigned wsz;			/* the word: 8 on ELF64, 4 on ELF32 */
	uint64_t code_lo, code_hi;	/* the span of the executable regions */
	uint64_t *alloc_sites;		/* x86-64 allocation sequences, ascending */
	size_t n_alloc_sites, alloc_cap;
};


/*
 * The allocated bytes, by section when the image has section headers (so
 * that .rodata is not code), else by PT_LOAD. Only file-backed bytes count.
 */
static void scan_regions(struct scan *s)
{
	const struct image *img = &s->a->image;
	size_t alloc = 0, i;

	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *sec = &img->sections[i];
		uint64_t len = sec->size;
		const unsigned char *p;

		if (!(sec->flags & IMG_SHF_ALLOC) || (sec->flags & IMG_SHF_TLS) ||
		    sec->type == IMG_SHT_NOBITS || !sec->size || sec->addr + sec->size < sec->addr)
			continue;
		p = image_vaddr_bytes(img, sec->addr, &len);
		if (!p || !len)
			continue;
		xgrow(&s->r, &alloc, s->n_r + 1, sizeof(*s->r));
		s->r[s->n_r++] = (struct region){ sec->addr, sec->addr + len, p,
						  !!(sec->flags & IMG_SHF_EXECINSTR),
						  !!(sec->flags & IMG_SHF_WRITE) };
	}
	if (s->n_r)
		goto span;
	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *g = &img->segments[i];
		uint64_t len = g->filesz;
		const unsigned char *p;

		if (g->type != IMG_PT_LOAD || !g->filesz)
			continue;
		p = image_vaddr_bytes(img, g->vaddr, &len);
		if (!p || !len)
			continue;
		xgrow(&s->r, &alloc, s->n_r + 1, sizeof(*s->r));
		s->r[s->n_r++] = (struct region){ g->vaddr, g->vaddr + len, p,
						  !!(g->flags & IMG_PF_X), !!(g->flags & IMG_PF_W) };
	}
span:
	s->code_lo = UINT64_MAX;
	for (i = 0; i < s->n_r; i++)
		if (s->r[i].exec) {
			if (s->r[i].lo < s->code_lo)
				s->code_lo = s->r[i].lo;
			if (s->r[i].hi > s->code_hi)
				s->code_hi = s->r[i].hi;
		}
}

/* The region holding [lo, hi] (hi may be its end), or NULL. */
static const struct region *region_of(const struct scan *s, uint64_t lo, uint64_t hi)
{
	size_t i;

	for (i = 0; i < s->n_r; i++)
		if (lo >= s->r[i].lo && lo < s->r[i].hi && hi >= lo && hi <= s->r[i].hi)
			return &s->r[i];
	return NULL;
}

static void runtime_evidence(struct audit *a, const char *s)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const char **nv = arena_push(&a->arena, of->runtime_evidence, of->n_runtime_evidence,
				     sizeof(*nv));

	nv[of->n_runtime_evidence++] = s;
	of->runtime_evidence = nv;
}

/* The address of STR as a whole C string (NUL or nothing on both sides), or 0. */
static uint64_t find_cstring(const struct scan *s, const char *str)
{
	size_t n = strlen(str), i;

	for (i = 0; i < s->n_r; i++) {
		const unsigned char *p = s->r[i].p, *end = p + (s->r[i].hi - s->r[i].lo), *q = p;

		if (s->r[i].exec && s->a->image.n_sections)
			continue;
		while ((q = memmem(q, (size_t)(end - q), str, n)) != NULL) {
			if ((q == p || q[-1] == 0) && (q + n == end || q[n] == 0))
				return s->r[i].lo + (uint64_t)(q - p);
			q++;
		}
	}
	return 0;
}

/*
 * STR as an OCaml string block: word-aligned after a header of tag 252
 * (String_tag) whose size covers it, padded as OCaml pads strings (the last
 * byte of the block is its size in bytes minus 1 minus the length). C string
 * literals never have this shape, so it is evidence of OCaml data. Returns
 * its address or 0.
 */
static uint64_t find_ocaml_string(const struct scan *s, const char *str)
{
	const struct image *img = &s->a->image;
	size_t n = strlen(str), i;

	for (i = 0; i < s->n_r; i++) {
		const unsigned char *p = s->r[i].p, *end = p + (s->r[i].hi - s->r[i].lo), *q = p;

		if (s->r[i].exec && img->n_sections)
			continue;
		while ((q = memmem(q, (size_t)(end - q), str, n)) != NULL) {
			uint64_t at = s->r[i].lo + (uint64_t)(q - p), hdr, bytes;

			q++;
			if ((at % s->wsz) || (uint64_t)(q - 1 - p) < s->wsz)
				continue;
			hdr = image_word(img, q - 1 - s->wsz, s->wsz);
			bytes = (hdr >> 10) * s->wsz;
			if ((hdr & 0xff) != 252 || bytes < n + 1 || bytes > n + s->wsz ||
			    bytes > (uint64_t)(end - (q - 1)))
				continue;
			if (q[-1 + (ptrdiff_t)bytes - 1] == bytes - 1 - n && !q[-1 + (ptrdiff_t)n])
				return at;
		}
	}
	return 0;
}

/*
 * Minor-heap allocation on x86-64, emitted inline by ocamlopt for every
 * allocation: sub $N,%r15 (the allocation pointer) then a compare of %r15
 * with the young limit, held in Caml_state (cmp (%r14),%r15 in 4.14,
 * cmp d(%r14),%r15 in 5.x) or in a global (cmp caml_young_limit(%rip),%r15
 * before 4.10). C compilers do not reserve %r15 and %r14 so.
 */
static void find_alloc_sites(struct scan *s)
{
	size_t i;

	if (s->a->image.machine != IMG_EM_X86_64)
		return;
	for (i = 0; i < s->n_r; i++) {
		const unsigned char *p = s->r[i].p;
		uint64_t len = s->r[i].hi - s->r[i].lo, k;

		if (!s->r[i].exec)
			continue;
		for (k = 0; k + 7 <= len; k++) {
			const unsigned char *c;

			if (p[k] != 0x49 || (p[k + 1] != 0x83 && p[k + 1] != 0x81) || p[k + 2] != 0xef)
				continue;
			c = p + k + (p[k + 1] == 0x83 ? 4 : 7);
			if (c + 3 > p + len)
				continue;
			if (!((c[0] == 0x4d && c[1] == 0x3b &&
			       (c[2] == 0x3e || c[2] == 0x7e || c[2] == 0xbe)) ||
			      (c[0] == 0x4c && c[1] == 0x3b && c[2] == 0x3d)))
				continue;
			xgrow(&s->alloc_sites, &s->alloc_cap, s->n_alloc_sites + 1,
			      sizeof(*s->alloc_sites));
			s->alloc_sites[s->n_alloc_sites++] = s->r[i].lo + k;
		}
	}
}

static int cmp_range(const void *x, const void *y)
{
	const struct image_range *p = x, *q = y;

	return p->lo < q->lo ? -1 : p->lo > q->lo;
}

/* Whether the N ranges are pairwise disjoint (empty ranges allowed). */
static bool disjoint(const struct image_range *v, size_t n)
{
	struct image_range *t = xmalloc((n + 1) * sizeof(*t));
	bool ok = true;
	size_t i;

	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_range);
	for (i = 1; i < n && ok; i++)
		ok = t[i].lo >= t[i - 1].hi;
	free(t);
	return ok;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;

	return p < q ? -1 : p > q;
}

/*
 * How much a candidate table looks like caml_code_segments: first the
 * allocation sequences inside its ranges (only OCaml code allocates so), then
 * the ranges that end where another begins (ocamlopt lays units out back to
 * back). A GOT or a C table of function pointers scores low on both.
 */
static uint64_t table_score(const struct scan *s, const struct image_range *v, size_t n,
			    size_t *sites_in)
{
	struct image_range *t = xmalloc((n + 1) * sizeof(*t));
	uint64_t *b = xmalloc((n + 1) * sizeof(*b));
	size_t i, in = 0, adj = 0;

	for (i = 0; i < n; i++)
		b[i] = v[i].lo;
	qsort(b, n, sizeof(*b), cmp_u64);
	for (i = 0; i < n; i++)
		if (bsearch(&v[i].hi, b, n, sizeof(*b), cmp_u64))
			adj++;
	/* Disjoint and sorted: only the last range to start at or before a site can hold it. */
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_range);
	for (i = 0; i < s->n_alloc_sites; i++) {
		uint64_t x = s->alloc_sites[i];
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (t[mid].lo <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && x < t[lo - 1].hi)
			in++;
	}
	free(t);
	free(b);
	*sites_in = in;
	return ((uint64_t)in << 32) | ((uint64_t)adj << 16) | (n > 0xffff ? 0xffff : n);
}

/*
 * caml_code_segments by shape: word pairs (begin, end), begin <= end, both in
 * one executable region, the ranges disjoint, a zero word after the last
 * pair. ocamlopt's startup file writes it with one pair per unit, "_startup"
 * first, in link order. Of all such tables the one table_score() ranks first.
 * Returns the pairs (heap, free them) and sets *n, *where and *sites_in, or NULL.
 */
static struct image_range *find_code_table(const struct scan *s, size_t *n, uint64_t *where,
					   size_t *sites_in)
{
	const struct image *img = &s->a->image;
	struct image_range *best = NULL;
	uint64_t best_score = 0;
	size_t i;
	unsigned par;

	*n = 0;
	for (i = 0; i < s->n_r; i++) {
		const struct region *r = &s->r[i];
		uint64_t base = (r->lo + s->wsz - 1) / s->wsz * s->wsz;

		if (base >= r->hi)
			continue;
		for (par = 0; par < 2; par++) {
			uint64_t pos = base + par * s->wsz;

			while (pos + s->wsz <= r->hi) {
				struct image_range *v;
				size_t k = 0, j, in;
				bool done = false;
				uint64_t sc;

				/* A later start of the same parity meets the same end: skip it. */
				for (;; k++) {
					uint64_t at = pos + 2 * k * s->wsz, b, e;
					const struct region *q;

					if (at + s->wsz > r->hi)
						break;
					b = image_word(img, r->p + (at - r->lo), s->wsz);
					if (!b) {
						done = true;
						break;
					}
					if (at + 2 * s->wsz > r->hi)
						break;
					e = image_word(img, r->p + (at + s->wsz - r->lo), s->wsz);
					if (b < s->code_lo || e > s->code_hi)
						break;
					q = region_of(s, b, e);
					if (!q || !q->exec)
						break;
				}
				if (done && k >= 2) {
					v = xmalloc(k * sizeof(*v));
					for (j = 0; j < k; j++) {
						const unsigned char *w = r->p + (pos - r->lo) +
									 2 * j * s->wsz;

						v[j].lo = image_word(img, w, s->wsz);
						v[j].hi = image_word(img, w + s->wsz, s->wsz);
					}
					if (disjoint(v, k) &&
					    (sc = table_score(s, v, k, &in)) > best_score) {
						free(best);
						best = v;
						best_score = sc;
						*n = k;
						*where = pos;
						*sites_in = in;
					} else {
						free(v);
					}
				}
				pos += 2 * (k + 1) * s->wsz;
			}
		}
	}
	return best;
}

/*
 * caml_data_segments: the startup file emits it just before
 * caml_code_segments, with the same units, so it is read there (N pairs in
 * writable, non-executable regions, then a zero word at CODE_AT - word) and
 * nowhere else. Returns the pairs (heap) or NULL.
 */
static struct image_range *find_data_table(const struct scan *s, uint64_t code_at, size_t n,
					   uint64_t *where)
{
	const struct image *img = &s->a->image;
	uint64_t span = (2 * (uint64_t)n + 1) * s->wsz, at, len;
	const unsigned char *p;
	struct image_range *v;
	size_t j;

	if (code_at < span)
		return NULL;
	at = code_at - span;
	len = span;
	p = image_vaddr_bytes(img, at, &len);
	if (!p || len < span || image_word(img, p + span - s->wsz, s->wsz))
		return NULL;
	v = xmalloc((n + 1) * sizeof(*v));
	for (j = 0; j < n; j++) {
		const struct region *q;

		v[j].lo = image_word(img, p + 2 * j * s->wsz, s->wsz);
		v[j].hi = image_word(img, p + (2 * j + 1) * s->wsz, s->wsz);
		q = region_of(s, v[j].lo, v[j].hi);
		if (!v[j].lo || !q || !q->write || q->exec)
			goto bad;
	}
	if (!disjoint(v, n))
		goto bad;
	*where = at;
	return v;
bad:
	free(v);
	return NULL;
}

/*
 * caml_globals_map: the startup file's table for Dynlink, an OCaml string
 * holding a marshalled (name, intf crc option, impl crc option, defines)
 * list. The units linked in have an implementation crc; their defines, in
 * order, are the names of caml_code_segments after "_startup". Only the part
 * of the marshal format such a value uses is read: ints, strings, blocks and
 * shared references; anything else (floats, custom blocks, code pointers)
 * rejects the value.
 */
enum { MV_INT, MV_STR, MV_BLOCK };

struct mval {
	uint8_t kind, tag;
	uint32_t size;			/* fields of a block */
	uint32_t first;			/* its first field in mdec.fields */
	const char *str;		/* a string: bytes in the image, not NUL-terminated */
	uint64_t len;
	int64_t ival;
};

struct mdec {
	const unsigned char *p, *end;
	struct mval *v;
	size_t n_v, cap_v;
	uint32_t *fields;		/* field slots of every block, by value index */
	size_t n_fields, cap_fields;
	uint32_t *objs;			/* shareable values in order, for shared references */
	size_t n_objs, cap_objs;
};

static bool mrd(struct mdec *d, unsigned n, uint64_t *out)
{
	uint64_t x = 0;
	unsigned i;

	if ((size_t)(d->end - d->p) < n)
		return false;
	for (i = 0; i < n; i++)
		x = x << 8 | d->p[i];
	d->p += n;
	*out = x;
	return true;
}

static uint32_t mnew(struct mdec *d, uint8_t kind, bool shareable)
{
	xgrow(&d->v, &d->cap_v, d->n_v + 1, sizeof(*d->v));
	memset(&d->v[d->n_v], 0, sizeof(*d->v));
	d->v[d->n_v].kind = kind;
	if (shareable) {
		xgrow(&d->objs, &d->cap_objs, d->n_objs + 1, sizeof(*d->objs));
		d->objs[d->n_objs++] = (uint32_t)d->n_v;
	}
	return (uint32_t)d->n_v++;
}

/* One item: sets *out to a value index; a block's fields are read by the caller. */
static bool mitem(struct mdec *d, uint32_t *out)
{
	uint64_t c, x, sz = 0, tag = 0;
	uint32_t id;

	/* Indexes are 32-bit: a map this large is not one ocamlopt wrote. */
	if (!mrd(d, 1, &c) || d->n_v >= UINT32_MAX / 2 || d->n_fields >= UINT32_MAX / 2)
		return false;
	if (c >= 0x80) {
		tag = c & 0xf;
		sz = (c >> 4) & 7;
		goto block;
	}
	if (c >= 0x40) {
		id = mnew(d, MV_INT, false);
		d->v[id].ival = (int64_t)(c & 0x3f);
		*out = id;
		return true;
	}
	if (c >= 0x20) {
		x = c & 0x1f;
		goto string;
	}
	switch (c) {
	case 0x00: case 0x01: case 0x02: case 0x03:	/* INT8, INT16, INT32, INT64 */
		if (!mrd(d, c == 0 ? 1 : c == 1 ? 2 : c == 2 ? 4 : 8, &x))
			return false;
		id = mnew(d, MV_INT, false);
		d->v[id].ival = (int64_t)x;
		*out = id;
		return true;
	case 0x04: case 0x05: case 0x06: case 0x14:	/* SHARED8, 16, 32, 64 */
		if (!mrd(d, c == 4 ? 1 : c == 5 ? 2 : c == 6 ? 4 : 8, &x) || !x || x > d->n_objs)
			return false;
		*out = d->objs[d->n_objs - x];
		return true;
	case 0x08: case 0x13:				/* BLOCK32, BLOCK64 */
		if (!mrd(d, c == 8 ? 4 : 8, &x))
			return false;
		tag = x & 0xff;
		sz = x >> 10;
		goto block;
	case 0x09: case 0x0a: case 0x15:		/* STRING8, 32, 64 */
		if (!mrd(d, c == 9 ? 1 : c == 0xa ? 4 : 8, &x))
			return false;
		goto string;
	default:
		return false;
	}
string:
	if ((uint64_t)(d->end - d->p) < x)
		return false;
	id = mnew(d, MV_STR, true);
	d->v[id].str = (const char *)d->p;
	d->v[id].len = x;
	d->p += x;
	*out = id;
	return true;
block:
	/* Every field takes at least one byte of the input. */
	if (sz > (uint64_t)(d->end - d->p) || sz > UINT32_MAX / 2)
		return false;
	id = mnew(d, MV_BLOCK, sz > 0);
	d->v[id].tag = (uint8_t)tag;
	d->v[id].size = (uint32_t)sz;
	d->v[id].first = (uint32_t)d->n_fields;
	xgrow(&d->fields, &d->cap_fields, d->n_fields + sz + 1, sizeof(*d->fields));
	d->n_fields += sz;
	*out = id;
	return true;
}

/* Reads one value with an explicit stack (a long list nests as deep as it is long). */
static bool mvalue(struct mdec *d, uint32_t *root)
{
	struct frame { uint32_t id, next; } *st = NULL;
	size_t n_st = 0, cap = 0;
	bool ok = false;
	uint32_t id;

	if (!mitem(d, root))
		return false;
	if (d->v[*root].kind == MV_BLOCK && d->v[*root].size) {
		xgrow(&st, &cap, 1, sizeof(*st));
		st[n_st++] = (struct frame){ *root, 0 };
	}
	while (n_st) {
		struct frame *f = &st[n_st - 1];
		size_t fresh = d->n_v;
		uint32_t slot;

		if (f->next == d->v[f->id].size) {
			n_st--;
			continue;
		}
		slot = d->v[f->id].first + f->next++;
		if (!mitem(d, &id))
			goto out;
		d->fields[slot] = id;
		/* A shared reference names a block read already (or being read). */
		if (id >= fresh && d->v[id].kind == MV_BLOCK && d->v[id].size) {
			xgrow(&st, &cap, n_st + 1, sizeof(*st));
			st[n_st++] = (struct frame){ id, 0 };
		}
	}
	ok = true;
out:
	free(st);
	return ok;
}

static const struct mval *mfield(const struct mdec *d, const struct mval *b, uint32_t i)
{
	return b->kind == MV_BLOCK && i < b->size ? &d->v[d->fields[b->first + i]] : NULL;
}

/*
 * The defines of the units linked in, in order, from a globals map at AT
 * (the string's bytes, LEN long). Returns the count (names arena-owned in
 * *names), or 0 when the bytes are not such a map.
 */
static size_t globals_map_names(struct audit *a, const unsigned char *p, uint64_t len,
				const char ***names)
{
	struct mdec d = { 0 };
	const struct mval *l;
	uint64_t magic, dlen, skip;
	uint32_t root;
	size_t n = 0, cap = 0, steps;
	const char **v = NULL;

	d.p = p;
	d.end = p + len;
	if (!mrd(&d, 4, &magic))
		goto out;
	if (magic == 0x8495A6BEu) {		/* small header: length, objects, sizes */
		if (!mrd(&d, 4, &dlen) || !mrd(&d, 12, &skip))
			goto out;
	} else if (magic == 0x8495A6BFu) {	/* big header: reserved, length, objects, size */
		if (!mrd(&d, 4, &skip) || !mrd(&d, 8, &dlen) || !mrd(&d, 16, &skip))
			goto out;
	} else {
		goto out;
	}
	if (dlen > (uint64_t)(d.end - d.p))
		goto out;
	d.end = d.p + dlen;
	if (!mvalue(&d, &root))
		goto out;
	/* Shared references can make a cycle: no list is longer than the values read. */
	for (l = &d.v[root], steps = 0; l->kind == MV_BLOCK; l = mfield(&d, l, 1)) {
		const struct mval *e, *name, *impl, *defs;

		if (l->tag || l->size != 2 || ++steps > d.n_v)
			goto bad;
		e = mfield(&d, l, 0);
		if (e->kind != MV_BLOCK || e->size != 4)
			goto bad;
		name = mfield(&d, e, 0);
		impl = mfield(&d, e, 2);
		defs = mfield(&d, e, 3);
		if (name->kind != MV_STR || impl->kind == MV_STR)
			goto bad;
		if (impl->kind == MV_INT)		/* None: an interface only */
			continue;
		for (; defs->kind == MV_BLOCK; defs = mfield(&d, defs, 1)) {
			const struct mval *s;

			if (defs->size != 2 || ++steps > d.n_v)
				goto bad;
			s = mfield(&d, defs, 0);
			if (s->kind != MV_STR || !s->len || s->len > 4096 ||
			    memchr(s->str, 0, s->len))
				goto bad;
			xgrow(&v, &cap, n + 1, sizeof(*v));
			v[n++] = arena_strndup(&a->arena, s->str, s->len);
		}
		if (defs->kind != MV_INT || defs->ival)
			goto bad;
	}
	if (l->kind != MV_INT || l->ival)
		goto bad;
	*names = arena_array(&a->arena, n + 1, sizeof(**names));
	if (n)
		memcpy(*names, v, n * sizeof(*v));
	goto out;
bad:
	n = 0;
out:
	free(v);
	free(d.v);
	free(d.fields);
	free(d.objs);
	return n;
}

/* The units the globals map names, from the first OCaml string that holds one. */
static size_t find_globals_map(const struct scan *s, const char ***names, uint64_t *where)
{
	const struct image *img = &s->a->image;
	static const unsigned char magic[3] = { 0x84, 0x95, 0xa6 };
	size_t i, n;

	for (i = 0; i < s->n_r; i++) {
		const unsigned char *p = s->r[i].p, *end = p + (s->r[i].hi - s->r[i].lo), *q = p;

		if (s->r[i].exec && img->n_sections)
			continue;
		while ((q = memmem(q, (size_t)(end - q), magic, sizeof(magic))) != NULL) {
			uint64_t at = s->r[i].lo + (uint64_t)(q - p), hdr, bytes;
			const unsigned char *str = q++;

			if ((at % s->wsz) || (uint64_t)(str - p) < s->wsz || str + 4 > end ||
			    (str[3] != 0xbe && str[3] != 0xbf))
				continue;
			hdr = image_word(img, str - s->wsz, s->wsz);
			bytes = (hdr >> 10) * s->wsz;
			if ((hdr & 0xff) != 252 || !bytes || bytes > (uint64_t)(end - str) ||
			    str[bytes - 1] >= bytes)
				continue;
			n = globals_map_names(s->a, str, bytes - 1 - str[bytes - 1], names);
			if (n) {
				*where = at;
				return n;
			}
		}
	}
	return 0;
}

/* The rarest in other programs first, so that a non-OCaml image is left after three misses. */
static const char *const exn_names[] = {
	"Undefined_recursive_module", "Sys_blocked_io", "Division_by_zero", "Out_of_memory",
	"Sys_error", "Failure", "Invalid_argument", "End_of_file", "Not_found", "Match_failure",
	"Stack_overflow", "Assert_failure",
};

/*
 * Units from the tables: "_startup" (and "_hot" with -function-sections)
 * then the globals map's names, one per code segment; data ranges from the
 * data segment table when it has the same count.
 */
static void stripped_units(struct audit *a, const struct image_range *code, size_t n_code,
			   const struct image_range *data, const char **names, size_t n_names)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	size_t lead = n_code - n_names, i;

	of->n_units = n_code;
	of->units = arena_array(&a->arena, n_code, sizeof(*of->units));
	for (i = 0; i < n_code; i++) {
		struct ocaml_unit *u = &of->units[i];

		u->name = i >= lead ? names[i - lead] : lead == 2 && !i ? "_hot" : "_startup";
		u->has_code = true;
		u->code = code[i];
		u->has_data = data != NULL;
		if (data)
			u->data = data[i];
	}
	of->units_from = "runtime tables";
}

/*
 * No unit markers: look for the runtime itself. Two independent kinds of
 * evidence are needed, one of them OCaml's own data or code shapes (an image
 * that merely quotes the runtime's C strings, as this tool does, is not an
 * OCaml image). Then recover what the runtime's tables keep.
 */
static void ocaml_stripped(struct audit *a)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	struct arena *ar = &a->arena;
	struct scan s = { .a = a, .wsz = a->image.elf_class == 64 ? 8 : 4 };
	struct image_range *code = NULL, *data = NULL;
	size_t n_exn = 0, n_strong = 0, n_weak = 0, n_code = 0, n_names = 0, in = 0, i;
	uint64_t rp, fatal, at_code = 0, at_data = 0, at_map = 0, at_exn = 0;
	const char **names = NULL;
	const char *lost;

	scan_regions(&s);
	/*
	 * ocamlopt emits the predefined exceptions' names in every program's
	 * startup file, since 3.x: without 10 of them there is no OCaml here,
	 * and the scans after this are not made.
	 */
	for (i = 0; i < sizeof(exn_names) / sizeof(exn_names[0]) && i - n_exn < 3; i++) {
		uint64_t at = find_ocaml_string(&s, exn_names[i]);

		if (at && !n_exn++)
			at_exn = at;
	}
	if (n_exn < 10)
		goto out;
	n_strong++;
	runtime_evidence(a, arena_printf(ar, "%zu of the 12 predefined exceptions' names "
					 "(Out_of_memory, Stack_overflow, ...) laid out as OCaml "
					 "strings (header tag 252, OCaml padding; first at 0x%"
					 PRIx64 ")", n_exn, at_exn));
	find_alloc_sites(&s);
	if (s.n_alloc_sites >= 16) {
		n_strong++;
		runtime_evidence(a, arena_printf(ar, "%zu minor-heap allocation sequences in code "
						 "(sub $N,%%r15 then cmp of %%r15 with the young "
						 "limit; first at 0x%" PRIx64 ")",
						 s.n_alloc_sites, s.alloc_sites[0]));
	}
	/* getenv("CAMLRUNPARAM") reads the tail of "OCAMLRUNPARAM" once the linker merges strings. */
	rp = find_cstring(&s, "OCAMLRUNPARAM");
	if (rp) {
		n_weak++;
		runtime_evidence(a, arena_printf(ar, "the runtime's parameter parser: the C string "
						 "\"OCAMLRUNPARAM\" at 0x%" PRIx64, rp));
	}
	fatal = find_cstring(&s, "Fatal error: exception %s\n");
	if (fatal) {
		n_weak++;
		runtime_evidence(a, arena_printf(ar, "the runtime's uncaught-exception message "
						 "\"Fatal error: exception %%s\" (and a newline) at 0x%"
						 PRIx64, fatal));
	}
	code = find_code_table(&s, &n_code, &at_code, &in);
	/* OCaml code allocates; a table whose ranges miss it is something else. */
	if (code && s.n_alloc_sites >= 16 && in * 10 < s.n_alloc_sites * 9) {
		free(code);
		code = NULL;
		n_code = 0;
	}
	if (code) {
		n_strong++;
		runtime_evidence(a, arena_printf(ar, "a table of %zu disjoint code ranges at 0x%"
						 PRIx64 " shaped as caml_code_segments (begin/end "
						 "pairs, zero-terminated); %zu of %zu allocation "
						 "sequences lie inside them", n_code, at_code, in,
						 s.n_alloc_sites));
	}
	if (!n_strong || n_strong + n_weak < 2) {
		if (!a->image.n_symbols)
			diag_note(&a->diag, "some of the OCaml runtime's marks were seen but not "
				  "enough to say it is present (%zu of 5 kinds)", n_strong + n_weak);
		of->n_runtime_evidence = 0;
		goto out;
	}
	of->is_present = true;
	of->is_stripped = true;
	if (code) {
		of->code_segments = arena_array(ar, n_code, sizeof(*code));
		memcpy(of->code_segments, code, n_code * sizeof(*code));
		of->n_code_segments = n_code;
		data = find_data_table(&s, at_code, n_code, &at_data);
		n_names = find_globals_map(&s, &names, &at_map);
	}
	if (n_names && (n_names + 1 == n_code || n_names + 2 == n_code)) {
		stripped_units(a, code, n_code, data, names, n_names);
		runtime_evidence(a, arena_printf(ar, "unit names: %zu from the OCaml string at 0x%"
						 PRIx64 " shaped as caml_globals_map (a marshalled "
						 "list of units), one per code range after the "
						 "startup's", n_names, at_map));
		if (data)
			runtime_evidence(a, arena_printf(ar, "unit data: a table of %zu data ranges "
							 "at 0x%" PRIx64 " shaped as "
							 "caml_data_segments", n_code, at_data));
		diag_note(&a->diag, "no symbol table: %zu OCaml units named from the runtime's "
			  "tables (caml_globals_map, caml_code_segments%s); functions inside units, "
			  "and C code, cannot be named and are attributed by section", of->n_units,
			  data ? ", caml_data_segments" : "; unit data not found");
		goto out;
	}
	if (!code)
		lost = "caml_code_segments was not found by its shape: the units could not be "
		       "counted, named or located";
	else if (!n_names)
		lost = "caml_globals_map was not found or not read: the code segments stay "
		       "anonymous (names and per-unit attribution unknown)";
	else
		lost = "caml_globals_map names a different number of units than caml_code_segments "
		       "has ranges: the code segments stay anonymous (names and per-unit "
		       "attribution unknown)";
	diag_note(&a->diag, "no symbol table: OCaml runtime present; %s", lost);
out:
	free(code);
	free(data);
	free(s.r);
	free(s.alloc_sites);
}

static int ocaml_run(struct audit *a)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const struct image *img = &a->image;
	struct unit_tmp *tmp = NULL;
	size_t n_tmp = 0, alloc = 0, i, n_dot = 0, n_uu = 0;
	struct strset *idx = &of->unit_index;
	char buf[4096];

	for (i = 0; i < img->n_symbols; i++) {
		const struct image_symbol *s = &img->symbols[i];
		size_t ulen;
		const char *sep;
		int m = parse_marker(s->name, &ulen, &sep);
		uint32_t id;

		if (m < 0 || ulen >= sizeof(buf) || s->section < 0)
			continue;
		memcpy(buf, s->name + 4, ulen);
		buf[ulen] = '\0';
		if (sep[0] == '.')
			n_dot++;
		else
			n_uu++;
		id = strset_intern(idx, buf);
		if (id >= n_tmp) {
			xgrow(&tmp, &alloc, (size_t)id + 1, sizeof(*tmp));
			memset(tmp + n_tmp, 0, ((size_t)id + 1 - n_tmp) * sizeof(*tmp));
			n_tmp = (size_t)id + 1;
		}
		if (!tmp[id].has[m]) {
			tmp[id].has[m] = true;
			tmp[id].at[m] = s->value;
		}
	}
	of->n_units = n_tmp;
	of->units = arena_array(&a->arena, n_tmp, sizeof(*of->units));
	for (i = 0; i < n_tmp; i++) {
		struct ocaml_unit *u = &of->units[i];
		const struct unit_tmp *t = &tmp[i];

		u->name = idx->names[i];
		u->has_code = t->has[M_CODE_BEGIN] && t->has[M_CODE_END] &&
			      t->at[M_CODE_END] >= t->at[M_CODE_BEGIN];
		u->code = (struct image_range){ t->at[M_CODE_BEGIN], t->at[M_CODE_END] };
		u->has_data = t->has[M_DATA_BEGIN] && t->has[M_DATA_END] &&
			      t->at[M_DATA_END] >= t->at[M_DATA_BEGIN];
		u->data = (struct image_range){ t->at[M_DATA_BEGIN], t->at[M_DATA_END] };
	}
	free(tmp);
	if (n_tmp)
		of->units_from = "symbols";
	else if (!has_name(img, "caml_program") && !has_name(img, "caml_start_program"))
		ocaml_stripped(a);
	/* Sorted by name; the index is rebuilt to match the new order. */
	qsort(of->units, of->n_units, sizeof(*of->units), cmp_unit);
	strset_release(idx);
	strset_init(idx, &a->arena);
	for (i = 0; i < of->n_units; i++)
		strset_intern(idx, of->units[i].name);
	build_ranges(a);
	if (of->is_stripped) {
		const char *v = version_string(a);

		if (v) {
			of->version_hint = v;
			version_evidence(a, arena_printf(&a->arena, "Sys.ocaml_version is \"%s\" "
							 "(a string in the data of Stdlib__Sys)", v));
		}
		return 0;
	}
	of->is_present = of->n_units > 0 || has_name(img, "caml_program") ||
			 has_name(img, "caml_start_program");
	if (of->is_present)
		version_hint(a, n_dot, n_uu);
	if (img->is_stripped && !img->n_symbols)
		diag_note(&a->diag, "no symbol table: OCaml units, libraries and modules cannot be "
			  "determined; bytes are attributed by section only");
	return 0;
}

const struct analyzer analyzer_ocaml = {
	.name = "ocaml",
	.id = AN_OCAML,
	.needs = 0,
	.run = ocaml_run,
};
