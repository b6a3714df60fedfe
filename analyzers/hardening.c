// SPDX-License-Identifier: ISC
/*
 * Hardening checks that fit unikernels (docs/hardening.md): W^X per PT_LOAD,
 * the stack's permissions, TEXTREL, the interpreter, a dynamic section, the
 * entry point, stack protector coverage per function, FORTIFY, CET/BTI notes,
 * symbols and debug info shipped. PIE and RELRO mean nothing to a static
 * image that no loader relocates: "not applicable", never a failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

enum {
	PT_DYNAMIC_ = 2, PT_GNU_STACK_ = 0x6474e551, PT_GNU_RELRO_ = 0x6474e552,
	DT_NULL_ = 0, DT_TEXTREL_ = 22, DT_FLAGS_ = 30, DF_TEXTREL_ = 4,
	NT_GNU_PROPERTY_TYPE_0_ = 5,
	GNU_PROPERTY_X86_FEATURE_1_AND_ = 0xc0000002u, GNU_PROPERTY_AARCH64_FEATURE_1_AND_ = 0xc0000000u,
};

/* Solo5's PT_INTERP marker: not an interpreter, a tag tenders check (docs/hardening.md). */
#define SOLO5_INTERP "/nonexistent/solo5/"
#define MAX_NAMED 5			/* unprotected functions named in the evidence */

struct hctx {
	struct audit *a;
	struct hard_check *v;
	size_t n, alloc;
};

static struct hard_check *add(struct hctx *h, const char *rule, const char *title,
			      enum hard_status st, enum hard_severity sev)
{
	struct hard_check *c;

	xgrow(&h->v, &h->alloc, h->n + 1, sizeof(*h->v));
	c = &h->v[h->n++];
	memset(c, 0, sizeof(*c));
	c->rule = rule;
	c->title = title;
	c->status = st;
	c->severity = st == HARD_FAIL ? sev : HSEV_INFO;
	return c;
}

static bool is_solo5(const struct audit *a)
{
	return a->facts.platform.abi.is_present ||
	       (a->image.interp && !strcmp(a->image.interp, SOLO5_INTERP));
}

static const struct image_segment *find_segment(const struct image *img, uint32_t type, size_t *at)
{
	size_t i;

	for (i = 0; i < img->n_segments; i++)
		if (img->segments[i].type == type) {
			if (at)
				*at = i;
			return &img->segments[i];
		}
	return NULL;
}

/* "PT_DYNAMIC #3": a program header that is not a PT_LOAD, by its index. */
static const char *phdr_label(struct audit *a, const char *type, size_t i)
{
	return arena_printf(&a->arena, "%s #%zu", type, i);
}

static void check_wx(struct hctx *h)
{
	const struct image *img = &h->a->image;
	size_t i, n_load = 0, n_bad = 0;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];
		struct hard_check *c;

		if (s->type != IMG_PT_LOAD)
			continue;
		n_load++;
		if ((s->flags & (IMG_PF_W | IMG_PF_X)) != (IMG_PF_W | IMG_PF_X))
			continue;
		n_bad++;
		c = add(h, "MA-HARD-WX", "writable and executable segment", HARD_FAIL, HSEV_HIGH);
		c->location = image_segment_label(img, i, &h->a->arena);
		c->has_address = true;
		c->address = s->vaddr;
		c->evidence = arena_printf(&h->a->arena, "PT_LOAD #%zu at 0x%" PRIx64 " (0x%" PRIx64
					   " bytes in memory) is both writable and executable%s", i,
					   s->vaddr, s->memsz, is_solo5(h->a) ?
					   "; Solo5 tenders refuse to load it" : "");
		c->advice = "link code and data into separate segments (no --omagic/-N, a linker "
			    "script with R+X and R+W PHDRS); old Xen PV kernels are one RWX segment: "
			    "rebuild with a current toolchain";
	}
	if (!n_bad) {
		struct hard_check *c = add(h, "MA-HARD-WX", "writable and executable segment",
					   HARD_PASS, HSEV_INFO);

		c->evidence = arena_printf(&h->a->arena, "none of %zu PT_LOAD segments is both "
					   "writable and executable", n_load);
	}
}

static void check_stack(struct hctx *h)
{
	const struct image *img = &h->a->image;
	size_t at = 0;
	const struct image_segment *s = find_segment(img, PT_GNU_STACK_, &at);
	struct hard_check *c;
	bool solo5 = is_solo5(h->a);

	if (s && !(s->flags & IMG_PF_X)) {
		c = add(h, "MA-HARD-STACK-EXEC", "executable stack", HARD_PASS, HSEV_INFO);
		c->evidence = "PT_GNU_STACK is not executable";
		c->location = phdr_label(h->a, "PT_GNU_STACK", at);
		return;
	}
	if (s) {
		c = add(h, "MA-HARD-STACK-EXEC", "executable stack", HARD_FAIL, HSEV_HIGH);
		c->location = phdr_label(h->a, "PT_GNU_STACK", at);
		c->evidence = "PT_GNU_STACK asks for an executable stack";
		c->advice = "find the object without .note.GNU-stack (an assembly file) or the "
			    "-z execstack in the link and remove it";
		return;
	}
	c = add(h, "MA-HARD-STACK-EXEC", "executable stack", HARD_FAIL, solo5 ? HSEV_LOW : HSEV_MEDIUM);
	c->evidence = solo5 ? "no PT_GNU_STACK: the norm on Solo5 images, whose stack the "
			      "bindings set up in memory the tender maps without execute" :
			      "no PT_GNU_STACK: a loader that honours it may map the stack executable";
	c->advice = "link with -z noexecstack so the image states a non-executable stack";
}

/* The dynamic section's DT_TEXTREL or DF_TEXTREL: 1 when set, 0 not, -1 unreadable. */
static int dynamic_textrel(const struct image *img, const struct image_segment *d)
{
	unsigned w = img->elf_class == 64 ? 8 : 4;
	uint64_t off;

	if (d->offset > img->size || d->filesz > img->size - d->offset)
		return -1;
	for (off = 0; off + 2 * w <= d->filesz; off += 2 * w) {
		const unsigned char *p = img->data + d->offset + off;
		uint64_t tag = image_word(img, p, w), val = image_word(img, p + w, w);

		if (tag == DT_NULL_)
			break;
		if (tag == DT_TEXTREL_ || (tag == DT_FLAGS_ && (val & DF_TEXTREL_)))
			return 1;
	}
	return 0;
}

static void check_dynamic(struct hctx *h)
{
	const struct image *img = &h->a->image;
	size_t at = 0;
	const struct image_segment *d = find_segment(img, PT_DYNAMIC_, &at);
	struct hard_check *c;
	int tr;

	if (!d) {
		c = add(h, "MA-HARD-TEXTREL", "relocations in text", HARD_PASS, HSEV_INFO);
		c->evidence = "no dynamic section: nothing relocates the code at load time";
		c = add(h, "MA-HARD-DYNAMIC", "dynamic section", HARD_PASS, HSEV_INFO);
		c->evidence = "no PT_DYNAMIC";
		return;
	}
	tr = dynamic_textrel(img, d);
	c = add(h, "MA-HARD-TEXTREL", "relocations in text",
		tr > 0 ? HARD_FAIL : tr < 0 ? HARD_UNKNOWN : HARD_PASS, HSEV_HIGH);
	c->location = phdr_label(h->a, "PT_DYNAMIC", at);
	c->evidence = tr > 0 ? "DT_TEXTREL or DF_TEXTREL is set: the loader must write into code" :
		      tr < 0 ? "the dynamic section lies outside the file" :
		      "the dynamic section sets neither DT_TEXTREL nor DF_TEXTREL";
	if (tr > 0)
		c->advice = "compile every object with -fPIC/-fPIE (or link non-PIE): the "
			    "relocated code must be writable at load time";
	c = add(h, "MA-HARD-DYNAMIC", "dynamic section", HARD_FAIL, HSEV_MEDIUM);
	c->location = phdr_label(h->a, "PT_DYNAMIC", at);
	c->has_address = true;
	c->address = d->vaddr;
	c->evidence = "PT_DYNAMIC present: the image expects a loader to relocate or link it, "
		      "which unikernel tenders do not do";
	c->advice = "link the unikernel static (-static, no -shared/-pie) as Solo5's and Xen's "
		    "toolchains do";
}

static void check_interp(struct hctx *h)
{
	const struct image *img = &h->a->image;
	size_t at = 0;
	struct hard_check *c;

	if (!img->interp) {
		c = add(h, "MA-HARD-INTERP", "program interpreter", HARD_PASS, HSEV_INFO);
		c->evidence = "no PT_INTERP";
		return;
	}
	find_segment(img, IMG_PT_INTERP, &at);
	if (!strcmp(img->interp, SOLO5_INTERP)) {
		c = add(h, "MA-HARD-INTERP", "program interpreter", HARD_PASS, HSEV_INFO);
		c->location = phdr_label(h->a, "PT_INTERP", at);
		c->evidence = "PT_INTERP is Solo5's marker " SOLO5_INTERP ", which no loader runs";
		return;
	}
	c = add(h, "MA-HARD-INTERP", "program interpreter", HARD_FAIL, HSEV_HIGH);
	c->location = phdr_label(h->a, "PT_INTERP", at);
	c->evidence = arena_printf(&h->a->arena, "PT_INTERP names '%s': a hosted program, or a "
				   "loader the unikernel's platform does not have", img->interp);
	c->advice = "link with the unikernel's own linker script and flags (-static, "
		    "no --dynamic-linker)";
}

static void check_entry(struct hctx *h)
{
	const struct image *img = &h->a->image;
	struct hard_check *c;
	size_t i;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type == IMG_PT_LOAD && (s->flags & IMG_PF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->filesz) {
			c = add(h, "MA-HARD-ENTRY", "entry point in executable code", HARD_PASS,
				HSEV_INFO);
			c->location = image_segment_label(img, i, &h->a->arena);
			c->has_address = true;
			c->address = img->entry;
			c->evidence = arena_printf(&h->a->arena, "entry 0x%" PRIx64 " lies in the "
						   "file bytes of executable PT_LOAD #%zu",
						   img->entry, i);
			return;
		}
	}
	c = add(h, "MA-HARD-ENTRY", "entry point in executable code", HARD_FAIL, HSEV_HIGH);
	c->has_address = true;
	c->address = img->entry;
	c->evidence = arena_printf(&h->a->arena, "entry 0x%" PRIx64 " lies in no executable "
				   "PT_LOAD's file bytes", img->entry);
	c->advice = "check the linker script's ENTRY and the segment flags: the image cannot "
		    "start as linked";
}

static void check_pie_relro(struct hctx *h)
{
	const struct image *img = &h->a->image;
	bool dyn = find_segment(img, PT_DYNAMIC_, NULL) != NULL;
	size_t at = 0;
	struct hard_check *c;

	if (!dyn) {
		c = add(h, "MA-HARD-PIE", "position-independent executable", HARD_NA, HSEV_INFO);
		c->evidence = "static image without a dynamic section: no loader randomises it";
		c = add(h, "MA-HARD-RELRO", "read-only relocations", HARD_NA, HSEV_INFO);
		c->evidence = "static image without a dynamic section: nothing is relocated at "
			      "load time";
		return;
	}
	c = add(h, "MA-HARD-PIE", "position-independent executable",
		img->type == IMG_ET_DYN ? HARD_PASS : HARD_FAIL, HSEV_LOW);
	c->evidence = img->type == IMG_ET_DYN ? "ET_DYN with a dynamic section" :
		      "ET_EXEC with a dynamic section: loaded at its link address";
	if (img->type != IMG_ET_DYN)
		c->advice = "link with -pie, or static without a dynamic section";
	if (find_segment(img, PT_GNU_RELRO_, &at)) {
		c = add(h, "MA-HARD-RELRO", "read-only relocations", HARD_PASS, HSEV_INFO);
		c->location = phdr_label(h->a, "PT_GNU_RELRO", at);
		c->evidence = "PT_GNU_RELRO present";
	} else {
		c = add(h, "MA-HARD-RELRO", "read-only relocations", HARD_FAIL, HSEV_LOW);
		c->evidence = "a dynamic section and no PT_GNU_RELRO";
		c->advice = "link with -z relro -z now";
	}
}

static ptrdiff_t node_of(const struct audit *a, const char *name)
{
	const struct image_symbol *s = image_find_symbol(&a->image, name);

	return s ? layout_find(&a->facts.layout, s->value) : -1;
}

/* Whether layout node NODE is a C function: a FUNC symbol outside every OCaml unit. */
static bool is_c_function(const struct audit *a, uint32_t node)
{
	const struct layout_node *n = &a->facts.layout.nodes[node];
	const struct image_symbol *s;

	if (n->sym < 0 || !(n->flags & NODE_EXEC) || (n->flags & NODE_NOBITS))
		return false;
	s = &a->image.symbols[n->sym];
	if (s->type != IMG_STT_FUNC)
		return false;
	return !a->facts.attribution.sym_unit || a->facts.attribution.sym_unit[n->sym] < 0;
}

static void measure_canaries(struct hctx *h)
{
	struct audit *a = h->a;
	struct hardening_facts *hf = &a->facts.hardening;
	const struct refgraph_facts *rf = &a->facts.refgraph;
	const struct layout_facts *l = &a->facts.layout;
	ptrdiff_t guard = node_of(a, "__stack_chk_guard");
	ptrdiff_t fail = node_of(a, "__stack_chk_fail");
	ptrdiff_t fail_local = node_of(a, "__stack_chk_fail_local");
	struct hard_function *un = NULL;
	size_t alloc = 0, i, e;

	for (i = 0; i < l->n_nodes; i++) {
		struct code_frame fr;
		struct hard_function f = { .node = (uint32_t)i };

		if (!is_c_function(a, (uint32_t)i) || (ptrdiff_t)i == fail ||
		    (ptrdiff_t)i == fail_local)
			continue;
		hf->n_functions++;
		if (refgraph_frame(a, (uint32_t)i, &fr) < 0) {
			hf->n_undecoded++;
			continue;
		}
		f.frame = fr.frame;
		f.has_buffer = fr.is_addr_taken;
		f.has_load = fr.has_tls_canary;
		for (e = rf->first[i]; e < rf->first[i + 1]; e++) {
			const struct ref_edge *ed = &rf->edges[e];

			if (guard >= 0 && ed->dst == (uint32_t)guard && ed->kind == EDGE_ADDR)
				f.has_load = true;
			if ((ed->kind == EDGE_CALL || ed->kind == EDGE_JUMP) &&
			    ((fail >= 0 && ed->dst == (uint32_t)fail) ||
			     (fail_local >= 0 && ed->dst == (uint32_t)fail_local)))
				f.has_check = true;
		}
		if (!f.has_buffer && !(f.has_load && f.has_check))
			continue;
		hf->n_buffer++;
		if (f.has_load && f.has_check) {
			hf->n_protected++;
			continue;
		}
		xgrow(&un, &alloc, hf->n_unprotected + 1, sizeof(*un));
		un[hf->n_unprotected++] = f;
	}
	hf->unprotected = arena_array(&a->arena, hf->n_unprotected + 1, sizeof(*un));
	if (hf->n_unprotected)
		memcpy(hf->unprotected, un, hf->n_unprotected * sizeof(*un));
	free(un);
	hf->is_measured = true;
}

static void check_canary(struct hctx *h)
{
	struct audit *a = h->a;
	struct hardening_facts *hf = &a->facts.hardening;
	const char *title = "stack protector coverage";
	struct hard_check *c;
	char *named;
	size_t i, o;

	if (a->image.is_stripped || !a->facts.refgraph.has_code_analysis) {
		c = add(h, "MA-HARD-CANARY", title, HARD_UNKNOWN, HSEV_INFO);
		c->evidence = a->image.is_stripped ? "no symbol table: functions cannot be told "
			      "apart" : "no disassembler for this machine";
		return;
	}
	measure_canaries(h);
	if (!hf->n_unprotected) {
		c = add(h, "MA-HARD-CANARY", title, HARD_PASS, HSEV_INFO);
		c->evidence = arena_printf(&a->arena, "%zu of %zu C functions with a stack buffer "
					   "have a canary (%zu C functions examined, %zu undecoded)",
					   hf->n_protected, hf->n_buffer, hf->n_functions,
					   hf->n_undecoded);
		return;
	}
	named = arena_alloc(&a->arena, 512);
	for (i = o = 0; i < hf->n_unprotected && i < MAX_NAMED && o < 400; i++) {
		char buf[128];

		o += (size_t)snprintf(named + o, 512 - o, "%s%s", i ? ", " : "",
				      layout_node_name(a, hf->unprotected[i].node, buf, 96));
	}
	if (hf->n_unprotected > MAX_NAMED && o < 480)
		snprintf(named + o, 512 - o, ", ...");
	c = add(h, "MA-HARD-CANARY", title, HARD_FAIL,
		hf->n_protected ? HSEV_LOW : HSEV_MEDIUM);
	c->location = layout_node_name(a, hf->unprotected[0].node,
				       arena_alloc(&a->arena, 128), 128);
	c->has_address = true;
	c->address = a->facts.layout.nodes[hf->unprotected[0].node].lo;
	c->evidence = arena_printf(&a->arena, "%zu of %zu C functions with a stack buffer have "
				   "no canary (%.1f%%): %s", hf->n_unprotected, hf->n_buffer,
				   100.0 * (double)hf->n_unprotected / (double)hf->n_buffer, named);
	c->advice = "compile the C parts (bindings, libc, runtime) with -fstack-protector-strong; "
		    "Solo5 provides __stack_chk_guard and __stack_chk_fail";
}

static void check_fortify(struct hctx *h)
{
	struct audit *a = h->a;
	const struct image *img = &a->image;
	struct hard_check *c;
	size_t i, n = 0;

	if (img->is_stripped) {
		c = add(h, "MA-HARD-FORTIFY", "fortified libc functions", HARD_UNKNOWN, HSEV_INFO);
		c->evidence = "no symbol table";
		return;
	}
	for (i = 0; i < img->n_symbols; i++) {
		const char *s = img->symbols[i].name;
		size_t len = strlen(s);

		if (img->symbols[i].section >= 0 && img->symbols[i].type == IMG_STT_FUNC &&
		    !strncmp(s, "__", 2) && len > 6 && !strcmp(s + len - 4, "_chk") &&
		    strcmp(s, "__stack_chk_fail") && strcmp(s, "__stack_chk_fail_local") &&
		    (i == 0 || img->symbols[i - 1].value != img->symbols[i].value ||
		     strcmp(img->symbols[i - 1].name, s)))
			n++;
	}
	a->facts.hardening.n_fortify = n;
	c = add(h, "MA-HARD-FORTIFY", "fortified libc functions", n ? HARD_PASS : HARD_FAIL,
		HSEV_INFO);
	c->evidence = n ? arena_printf(&a->arena, "%zu __*_chk functions defined", n) :
		      "no __*_chk function: no C code was built with _FORTIFY_SOURCE, or its "
		      "libc has none";
	if (!n)
		c->advice = "build the C parts with -O2 -D_FORTIFY_SOURCE=2 against a libc that "
			    "provides the checked functions";
}

/* The feature bits of the GNU property note for PR_TYPE, or -1 when absent. */
static int64_t gnu_property(const struct image *img, uint32_t pr_type, const char **where)
{
	unsigned align = img->elf_class == 64 ? 8 : 4;
	size_t i;

	for (i = 0; i < img->n_notes; i++) {
		const struct image_note *n = &img->notes[i];
		uint64_t off = 0;

		if (n->type != NT_GNU_PROPERTY_TYPE_0_ || strcmp(n->owner, "GNU"))
			continue;
		while (off + 8 <= n->descsz) {
			uint32_t type = (uint32_t)image_word(img, n->desc + off, 4);
			uint32_t size = (uint32_t)image_word(img, n->desc + off + 4, 4);

			if (size > n->descsz - off - 8)
				break;
			if (type == pr_type && size >= 4) {
				*where = n->section ? n->section : "PT_NOTE";
				return (int64_t)image_word(img, n->desc + off + 8, 4);
			}
			off += 8 + ((size + align - 1) & ~(uint64_t)(align - 1));
		}
	}
	return -1;
}

static void check_cet(struct hctx *h)
{
	const struct image *img = &h->a->image;
	bool x86 = img->machine == IMG_EM_X86_64, arm = img->machine == IMG_EM_AARCH64;
	const char *title = x86 ? "CET: IBT and shadow stack" : "BTI and pointer authentication";
	const char *where = NULL;
	struct hard_check *c;
	int64_t bits;

	if (!x86 && !arm) {
		c = add(h, "MA-HARD-CET", "control-flow protection notes", HARD_NA, HSEV_INFO);
		c->evidence = "no GNU property for this machine";
		return;
	}
	bits = gnu_property(img, x86 ? GNU_PROPERTY_X86_FEATURE_1_AND_ :
			    GNU_PROPERTY_AARCH64_FEATURE_1_AND_, &where);
	c = add(h, "MA-HARD-CET", title, bits >= 0 && (bits & 3) == 3 ? HARD_PASS : HARD_FAIL,
		HSEV_LOW);
	c->location = where;
	if (bits < 0)
		c->evidence = x86 ? "no .note.gnu.property with X86_FEATURE_1_AND: some object was "
				    "built without -fcf-protection" :
			      "no .note.gnu.property with AARCH64_FEATURE_1_AND: some object was "
			      "built without -mbranch-protection";
	else
		c->evidence = arena_printf(&h->a->arena, "%s: %s %s, %s %s",
					   x86 ? "X86_FEATURE_1_AND" : "AARCH64_FEATURE_1_AND",
					   x86 ? "IBT" : "BTI", (bits & 1) ? "set" : "not set",
					   x86 ? "SHSTK" : "PAC", (bits & 2) ? "set" : "not set");
	if (c->status == HARD_FAIL)
		c->advice = x86 ? "build every object, assembly included, with -fcf-protection=full "
				  "(the note is the AND of all inputs); the platform must also enable "
				  "CET for it to act" :
			    "build every object with -mbranch-protection=standard";
}

static void check_shipped(struct hctx *h)
{
	const struct image *img = &h->a->image;
	const struct image_section *st = image_section_by_name(img, ".symtab");
	struct hard_check *c;
	uint64_t dbg = 0;
	size_t i, n_dbg = 0;

	c = add(h, "MA-HARD-SYMBOLS", "symbol table shipped", st ? HARD_FAIL : HARD_PASS, HSEV_LOW);
	if (st) {
		c->location = ".symtab";
		c->evidence = arena_printf(&h->a->arena, ".symtab of 0x%" PRIx64 " bytes ships "
					   "every function's name and address", st->size);
		c->advice = "ship a stripped copy (strip --strip-all) and keep the unstripped "
			    "image for audits and crash reports";
	} else {
		c->evidence = "no .symtab";
	}
	for (i = 0; i < img->n_sections; i++)
		if (!strncmp(img->sections[i].name, ".debug_", 7) ||
		    !strncmp(img->sections[i].name, ".zdebug_", 8)) {
			n_dbg++;
			dbg += img->sections[i].size;
		}
	c = add(h, "MA-HARD-DEBUG", "debug info shipped", n_dbg ? HARD_FAIL : HARD_PASS, HSEV_LOW);
	if (n_dbg) {
		c->location = ".debug_*";
		c->evidence = arena_printf(&h->a->arena, "%zu .debug_* sections, 0x%" PRIx64
					   " bytes: source paths, types and line tables", n_dbg, dbg);
		c->advice = "ship a copy without debug info (strip --strip-debug, or "
			    "objcopy --only-keep-debug for a separate file)";
	} else {
		c->evidence = "no .debug_* section";
	}
}

/* The failed checks as findings: high is an error, medium a warning, low or info a note. */
static void to_findings(struct audit *a, struct hardening_facts *hf)
{
	size_t i;

	hf->findings = arena_array(&a->arena, hf->n_checks + 1, sizeof(*hf->findings));
	for (i = 0; i < hf->n_checks; i++) {
		const struct hard_check *c = &hf->checks[i];

		if (c->status != HARD_FAIL)
			continue;
		hf->findings[hf->n_findings++] = (struct finding){
			.rule = c->rule,
			.severity = c->severity == HSEV_HIGH ? SEV_ERROR :
				    c->severity == HSEV_MEDIUM ? SEV_WARNING : SEV_NOTE,
			.location = c->location,
			.message = arena_printf(&a->arena, "%s: %s", c->title, c->evidence),
			.witness = -1,
			.advice = c->advice,
		};
	}
}

static int hardening_run(struct audit *a)
{
	struct hctx h = { .a = a };
	struct hardening_facts *hf = &a->facts.hardening;

	check_wx(&h);
	check_stack(&h);
	check_dynamic(&h);
	check_interp(&h);
	check_entry(&h);
	check_canary(&h);
	check_fortify(&h);
	check_cet(&h);
	check_shipped(&h);
	check_pie_relro(&h);
	hf->checks = arena_array(&a->arena, h.n + 1, sizeof(*h.v));
	if (h.n)
		memcpy(hf->checks, h.v, h.n * sizeof(*h.v));
	hf->n_checks = h.n;
	free(h.v);
	to_findings(a, hf);
	hf->is_done = true;
	return 0;
}

const struct analyzer analyzer_hardening = {
	.name = "hardening",
	.id = AN_HARDENING,
	.needs = AN_BIT(AN_PLATFORM) | AN_BIT(AN_ATTRIBUTION) | AN_BIT(AN_LAYOUT) |
		 AN_BIT(AN_REFGRAPH),
	.run = hardening_run,
};
