// SPDX-License-Identifier: ISC
/*
 * The layout: the mapped image cut into disjoint nodes, one per symbol that
 * owns bytes and one per run of bytes no symbol claims (per section). Sizes
 * label these nodes; the reference graph connects them.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/claims.h"
#include "audit/core/xalloc.h"

static bool is_candidate(const struct image *img, const struct image_symbol *s)
{
	const struct image_section *sec;

	if (s->section < 0 || !s->name[0])
		return false;
	if (s->type != IMG_STT_NOTYPE && s->type != IMG_STT_OBJECT && s->type != IMG_STT_FUNC &&
	    s->type != IMG_STT_GNU_IFUNC)
		return false;
	sec = &img->sections[s->section];
	return (sec->flags & IMG_SHF_ALLOC) && !(sec->flags & IMG_SHF_TLS);
}

/*
 * Symbols that mark a place rather than own bytes: OCaml unit markers and
 * linker-script boundaries. They never get a derived size; nor do C objects
 * of size 0 (crtstuff's __EH_FRAME_BEGIN__, empty arrays), which a compiler
 * emitted with an exact size.
 */
static bool is_marker(const char *n)
{
	static const char *const exact[] = {
		"_end", "end", "_etext", "etext", "_edata", "edata", "__bss_start", "_stext",
		"_erodata", "_ebss", "_ltdata", "_ltbss", "_text", "_mlstart", "_mlend",
		"__ehdr_start", "__executable_start", "_GLOBAL_OFFSET_TABLE_", "__dso_handle",
	};
	static const char *const suffix[] = {
		"code_begin", "code_end", "data_begin", "data_end", "_start", "_end",
	};
	size_t i, len = strlen(n);

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(n, exact[i]))
			return true;
	if (!strncmp(n, "__start_", 8) || !strncmp(n, "__stop_", 7))
		return true;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t sl = strlen(suffix[i]);

		if (len > sl && !strcmp(n + len - sl, suffix[i]) && i < 4)
			return true;
		if (len > sl && !strcmp(n + len - sl, suffix[i]) && n[0] == '_' && n[1] == '_')
			return true;	/* __init_array_start, __preinit_array_end, ... */
	}
	return false;
}

/* First symbol index with value >= v (symbols are sorted by value). */
static size_t first_symbol(const struct image *img, uint64_t v)
{
	size_t lo = 0, hi = img->n_symbols;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->symbols[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_sym_claim(const void *x, const void *y, void *arg)
{
	const struct claim *a = x, *b = y;
	const struct image *img = arg;
	const struct image_symbol *sa = &img->symbols[a->id], *sb = &img->symbols[b->id];

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi > b->hi ? -1 : 1;
	/* Aliases: a global name is the one people look for. */
	if ((sa->bind == IMG_STB_GLOBAL) != (sb->bind == IMG_STB_GLOBAL))
		return sa->bind == IMG_STB_GLOBAL ? -1 : 1;
	return strcmp(sa->name, sb->name);
}

/* Upper bound of the OCaml unit range holding v, or UINT64_MAX. */
static uint64_t unit_end(const struct ocaml_facts *of, uint64_t v)
{
	ptrdiff_t k = claims_find(&of->ranges, v);

	return k >= 0 ? of->ranges.v[k].hi : UINT64_MAX;
}

/* Text as C and OCaml string literals hold it: printable ASCII, tab, newline, return. */
static bool is_text(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Where the derived claim [lo, end) of a size-0 data symbol meets C string
 * literals: the first p in (lo, end) after a NUL or at a word boundary where
 * at least 4 text bytes and a NUL begin (caml_absf_mask's 16 bytes of mask,
 * then the C compiler's strings). END if there is none. The bytes from p on
 * become anonymous nodes, reached by the addresses that name them
 * (docs/reachability.md, "Size-0 symbols in data").
 */
static uint64_t string_cut(const struct image *img, uint64_t lo, uint64_t end)
{
	uint64_t len = end - lo, i = 0, r, e;
	unsigned w = img->elf_class == 64 ? 8 : 4;
	const unsigned char *b = image_vaddr_bytes(img, lo, &len);

	if (!b)
		return end;
	/* The symbol owns its first bytes, text or not. */
	while (i < len && is_text(b[i]))
		i++;
	while (i < len) {
		if (!is_text(b[i])) {
			i++;
			continue;
		}
		/* A run of text [r, e): a string if e - r >= 4 and b[e] is NUL. */
		for (r = i, e = i; e < len && is_text(b[e]); e++)
			;
		/* Only where a run starts: never inside text, such as an OCaml string block. */
		if (e - r >= 4 && e < len && !b[e] && (!b[r - 1] || !((lo + r) & (w - 1))))
			return lo + r;
		i = e;
	}
	return end;
}

/* caml<U> for a linked unit U: a module block, read field by field (never split). */
static bool is_module_block(const struct audit *a, const char *n)
{
	return !strncmp(n, "caml", 4) && n[4] &&
	       strset_find(&a->facts.ocaml.unit_index, n + 4) != UINT32_MAX;
}

/*
 * Symbol claims in [v0, v1): sized symbols first; then symbols of size 0
 * (most OCaml data labels, old images' NOTYPE symbols) own the bytes up to
 * the next symbol, within their section and unit, where no sized symbol does.
 */
static void symbol_claims(struct audit *a, uint64_t v0, uint64_t v1, struct claims *t,
			  struct claims *d)
{
	const struct image *img = &a->image;
	size_t i, j, k, first = first_symbol(img, v0);
	struct claim *merged = NULL;
	size_t n_merged = 0, alloc = 0;

	t->n = 0;
	d->n = 0;
	for (i = first; i < img->n_symbols && img->symbols[i].value < v1; i++) {
		const struct image_symbol *s = &img->symbols[i];

		if (!is_candidate(img, s) || !s->size)
			continue;
		claims_add(t, s->value, s->size > v1 - s->value ? v1 : s->value + s->size,
			   (int32_t)i);
	}
	claims_settle(t, cmp_sym_claim, (void *)img);
	for (i = first; i < img->n_symbols && img->symbols[i].value < v1; i = j) {
		const struct image_symbol *s = &img->symbols[i];
		const struct image_section *sec;
		uint64_t end;
		bool sized_here = false;
		size_t pick = SIZE_MAX;

		/* All candidates at this address: one of them may take the derived size. */
		for (j = i; j < img->n_symbols && img->symbols[j].value == s->value; j++) {
			const struct image_symbol *x = &img->symbols[j];

			if (!is_candidate(img, x))
				continue;
			if (x->size)
				sized_here = true;
			else if (x->type != IMG_STT_OBJECT && !is_marker(x->name) &&
				 (pick == SIZE_MAX ||
				  (x->bind == IMG_STB_GLOBAL && img->symbols[pick].bind != IMG_STB_GLOBAL)))
				pick = j;
		}
		if (sized_here || pick == SIZE_MAX)
			continue;
		s = &img->symbols[pick];
		sec = &img->sections[s->section];
		end = v1;
		/* Up to the next symbol of any kind in its section, or any candidate. */
		for (k = j; k < img->n_symbols && img->symbols[k].value < v1; k++)
			if (is_candidate(img, &img->symbols[k]) ||
			    (img->symbols[k].section == s->section && img->symbols[k].name[0] &&
			     img->symbols[k].type != IMG_STT_SECTION &&
			     img->symbols[k].type != IMG_STT_FILE)) {
				end = img->symbols[k].value;
				break;
			}
		if (s->value >= sec->addr && sec->addr + sec->size < end)
			end = sec->addr + sec->size;
		if (unit_end(&a->facts.ocaml, s->value) < end)
			end = unit_end(&a->facts.ocaml, s->value);
		/*
		 * In read-only data, a size-0 symbol does not own the C string
		 * literals after it. Not in writable data: OCaml emits its static
		 * data there, where one symbol may own a string block and, after
		 * it, unlabelled blocks that nothing names by address.
		 */
		if (!(sec->flags & (IMG_SHF_EXECINSTR | IMG_SHF_WRITE)) &&
		    sec->type != IMG_SHT_NOBITS && end > s->value && !is_module_block(a, s->name))
			end = string_cut(img, s->value, end);
		claims_add(d, s->value, end, (int32_t)pick);
	}
	claims_settle(d, NULL, NULL);
	/* Derived claims only fill the gaps between sized ones. */
	for (i = 0, j = 0; j < d->n; j++) {
		struct claim x = d->v[j];

		while (x.lo < x.hi) {
			while (i < t->n && t->v[i].hi <= x.lo)
				i++;
			if (i < t->n && t->v[i].lo <= x.lo) {
				x.lo = t->v[i].hi;
				continue;
			}
			xgrow(&merged, &alloc, n_merged + 1, sizeof(*merged));
			merged[n_merged] = x;
			if (i < t->n && t->v[i].lo < x.hi)
				merged[n_merged].hi = t->v[i].lo;
			x.lo = merged[n_merged].hi;
			n_merged++;
		}
	}
	for (j = 0; j < n_merged; j++)
		claims_add(t, merged[j].lo, merged[j].hi, merged[j].id);
	free(merged);
	claims_settle(t, cmp_sym_claim, (void *)img);
}


/* The union of the PT_LOAD ranges, merged: each address gets one node even if segments overlap. */
static void load_ranges(const struct image *img, struct claims *r)
{
	size_t i, k = 0;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type == IMG_PT_LOAD && s->memsz)
			claims_add(r, s->vaddr, s->vaddr + s->memsz, (int32_t)i);
	}
	if (!r->n)
		return;
	claims_settle(r, NULL, NULL);
	/* Merge touching ranges so that a symbol may span two adjacent segments. */
	for (i = 1; i < r->n; i++) {
		if (r->v[i].lo == r->v[k].hi)
			r->v[k].hi = r->v[i].hi;
		else
			r->v[++k] = r->v[i];
	}
	r->n = k + 1;
}

static uint32_t flags_at(const struct image *img, uint64_t addr, int32_t sec)
{
	ptrdiff_t i = image_load_at(img, addr, IMG_AT_MEM);
	uint32_t f = 0;

	if (i >= 0) {
		const struct image_segment *s = &img->segments[i];

		if (s->flags & IMG_PF_X)
			f |= NODE_EXEC;
		if (s->flags & IMG_PF_W)
			f |= NODE_WRITE;
		if (addr - s->vaddr >= s->filesz)
			f |= NODE_NOBITS;
	}
	if (sec >= 0) {
		const struct image_section *x = &img->sections[sec];

		if (x->type == IMG_SHT_NOBITS)
			f |= NODE_NOBITS;
		/* A section's own flags narrow the segment's: .rodata in an RWX segment is data. */
		if (img->n_sections && !(x->flags & IMG_SHF_EXECINSTR))
			f &= ~(uint32_t)NODE_EXEC;
	}
	return f;
}

struct nodes {
	struct layout_node *v;
	size_t n, alloc;
};

static void node_add(struct nodes *ns, const struct image *img, uint64_t lo, uint64_t hi,
		     int32_t sym, int32_t sec)
{
	uint32_t f = flags_at(img, lo, sec);

	if (hi <= lo)
		return;
	/*
	 * ARM and AArch64 mapping symbols: $d starts data inside code (literal
	 * pools), $x and $a start code again (ARM ELF ABI). A $d run is data.
	 */
	if (sym >= 0 && img->symbols[sym].name[0] == '$' && img->symbols[sym].name[1] == 'd' &&
	    (img->symbols[sym].name[2] == '\0' || img->symbols[sym].name[2] == '.'))
		f &= ~(uint32_t)NODE_EXEC;
	xgrow(&ns->v, &ns->alloc, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = (struct layout_node){ lo, hi, sym, sec, f };
}

/* Bytes [lo, hi) that no symbol claims: one node per section run. */
static void gap_nodes(struct nodes *ns, const struct image *img, const struct claims *secs,
		      uint64_t lo, uint64_t hi)
{
	ptrdiff_t k;
	size_t i;

	while (lo < hi) {
		k = claims_find(secs, lo);
		if (k >= 0) {
			uint64_t e = secs->v[k].hi < hi ? secs->v[k].hi : hi;

			node_add(ns, img, lo, e, -1, secs->v[k].id);
			lo = e;
			continue;
		}
		/* Outside every section: up to the next section start (bisected: claims are sorted). */
		uint64_t e = hi;
		size_t a = 0, b = secs->n;

		while (a < b) {
			i = a + (b - a) / 2;
			if (secs->v[i].lo > lo)
				b = i;
			else
				a = i + 1;
		}
		if (a < secs->n && secs->v[a].lo < e)
			e = secs->v[a].lo;
		node_add(ns, img, lo, e, -1, -1);
		lo = e;
	}
}

static int32_t section_at(const struct claims *secs, uint64_t addr)
{
	ptrdiff_t k = claims_find(secs, addr);

	return k >= 0 ? secs->v[k].id : -1;
}

/*
 * Stripped code: no symbol says where functions start, so the executable runs
 * no symbol claims are cut where code is entered other than by falling through
 * (call targets, taken addresses, the entry). The reference graph adds a
 * fall-through edge between the pieces, so cutting never loses a path.
 */
static void split_at_starts(struct audit *a, struct nodes *ns)
{
	uint64_t *st;
	size_t n_st, i, k, n_exec_syms = 0;
	struct nodes out = { 0 };

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].sym >= 0 && (ns->v[i].flags & NODE_EXEC))
			n_exec_syms++;
	if (n_exec_syms)
		return;
	n_st = refgraph_code_starts(a, &st);
	if (!n_st) {
		free(st);
		return;
	}
	for (i = 0, k = 0; i < ns->n; i++) {
		struct layout_node nd = ns->v[i];

		if (!(nd.flags & NODE_EXEC) || nd.sym >= 0) {
			xgrow(&out.v, &out.alloc, out.n + 1, sizeof(*out.v));
			out.v[out.n++] = nd;
			continue;
		}
		while (k < n_st && st[k] <= nd.lo)
			k++;
		while (k < n_st && st[k] < nd.hi) {
			struct layout_node head = nd;

			head.hi = st[k];
			xgrow(&out.v, &out.alloc, out.n + 1, sizeof(*out.v));
			out.v[out.n++] = head;
			nd.lo = st[k];
			k++;
		}
		xgrow(&out.v, &out.alloc, out.n + 1, sizeof(*out.v));
		out.v[out.n++] = nd;
	}
	free(st);
	free(ns->v);
	*ns = out;
	a->facts.layout.is_discovered = true;
}

/*
 * A page index for layout_find(): lookups are the reference graph's inner
 * loop. Built only when the mapped span is not much sparser than the nodes
 * (a crafted image may map two bytes 2^60 apart).
 */
static void build_index(struct audit *a)
{
	struct layout_facts *l = &a->facts.layout;
	uint64_t span, p;
	size_t n_pages, k = 0;

	if (!l->n_nodes || l->n_nodes > UINT32_MAX)
		return;
	span = l->nodes[l->n_nodes - 1].hi - l->nodes[0].lo;
	n_pages = (size_t)(span >> 12) + 1;
	if (span >> 12 > 4 * (uint64_t)l->n_nodes + 65536)
		return;
	l->page_first = arena_array(&a->arena, n_pages, sizeof(*l->page_first));
	l->n_pages = n_pages;
	for (p = 0; p < n_pages; p++) {
		uint64_t at = l->nodes[0].lo + (p << 12);

		while (k + 1 < l->n_nodes && l->nodes[k].hi <= at)
			k++;
		l->page_first[p] = (uint32_t)k;
	}
}

static int layout_run(struct audit *a)
{
	const struct image *img = &a->image;
	struct claims ranges = { 0 }, secs = { 0 }, syms = { 0 }, tmp = { 0 };
	struct nodes ns = { 0 };
	size_t i, r;

	load_ranges(img, &ranges);
	for (i = 0; i < img->n_sections; i++) {
		const struct image_section *x = &img->sections[i];

		if (!(x->flags & IMG_SHF_ALLOC) ||
		    ((x->flags & IMG_SHF_TLS) && x->type == IMG_SHT_NOBITS))
			continue;
		claims_add(&secs, x->addr, x->addr + x->size, (int32_t)i);
	}
	claims_settle(&secs, NULL, NULL);
	for (r = 0; r < ranges.n; r++) {
		uint64_t p = ranges.v[r].lo, v1 = ranges.v[r].hi;

		syms.n = 0;
		symbol_claims(a, p, v1, &syms, &tmp);
		for (i = 0; i < syms.n; i++) {
			gap_nodes(&ns, img, &secs, p, syms.v[i].lo);
			node_add(&ns, img, syms.v[i].lo, syms.v[i].hi, syms.v[i].id,
				 section_at(&secs, syms.v[i].lo));
			p = syms.v[i].hi;
		}
		gap_nodes(&ns, img, &secs, p, v1);
	}
	split_at_starts(a, &ns);
	a->facts.layout.n_nodes = ns.n;
	/* Heap-owned and trimmed (freed by audit_release): no second copy at the peak. */
	a->facts.layout.nodes = xreallocarray(ns.v, ns.n + 1, sizeof(*ns.v));
	build_index(a);
	claims_release(&ranges);
	claims_release(&secs);
	claims_release(&syms);
	claims_release(&tmp);
	return 0;
}

const struct analyzer analyzer_layout = {
	.name = "layout",
	.id = AN_LAYOUT,
	.needs = AN_BIT(AN_OCAML),
	.run = layout_run,
};
