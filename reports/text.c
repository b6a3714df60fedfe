// SPDX-License-Identifier: ISC
/* Plain-text output: aligned, human-sized, with percentages; names escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/gates/check.h"
#include "audit/gates/diff.h"
#include "audit/gates/relink.h"
#include "audit/core/report.h"
#include "audit/core/seal.h"
#include "audit/core/vocab.h"

#define NAME_BUF 1024

static void row(FILE *out, int indent, uint64_t file, uint64_t file_total, uint64_t vm,
		uint64_t vm_total, const char *name)
{
	char a[32], b[32], n[NAME_BUF];

	fprintf(out, "%6.1f%% %10s  %6.1f%% %10s  %*s%s\n", percent(file, file_total),
		human_size(file, a, sizeof(a)), percent(vm, vm_total), human_size(vm, b, sizeof(b)),
		indent, "", escape_text(name, n, sizeof(n)));
}

static void header(FILE *out, const char *title)
{
	fprintf(out, "\n%-7s %10s  %-7s %10s  %s\n", "", "FILE SIZE", "", "VM SIZE", title);
}

static void image_block(const struct audit *a, FILE *out)
{
	const struct image *img = &a->image;
	const struct platform_facts *pf = &a->facts.platform;
	const struct ocaml_facts *of = &a->facts.ocaml;
	const struct size_facts *sf = &a->facts.sizes;
	char n[NAME_BUF], s1[32], s2[32];
	size_t i;
	const char *mach = machine_name(img->machine);

	fprintf(out, "image     %s\n", escape_text(img->path, n, sizeof(n)));
	fprintf(out, "format    ELF%d %s", img->elf_class, img->is_le ? "LSB" : "MSB");
	if (mach)
		fprintf(out, " %s", mach);
	else
		fprintf(out, " machine %u", img->machine);
	fprintf(out, ", %s, entry 0x%" PRIx64 ", %s\n",
		img->type == IMG_ET_EXEC ? "EXEC" : img->type == IMG_ET_DYN ? "DYN" : "other type",
		img->entry, img->is_stripped ? "stripped" : "not stripped");
	fprintf(out, "size      %s in the file, %s mapped\n",
		human_size(sf->file.total, s1, sizeof(s1)), human_size(sf->vm.total, s2, sizeof(s2)));
	fprintf(out, "sha256    %s\n", img->sha256);
	if (pf->seal)
		fprintf(out, "sealed    by %s: %" PRIu64 " bytes of dead code trapped (%s, %zu "
			"ranges), precision %s, level %s; input sha256 %s\n",
			escape_text(pf->seal->tool, n, sizeof(n)), pf->seal->trapped_bytes,
			pf->seal->trap, pf->seal->n_ranges, pf->seal->precision, pf->seal->level,
			pf->seal->input_sha256);
	if (img->build_id)
		fprintf(out, "build-id  %s\n", img->build_id);
	fprintf(out, "target    %s\n", pf->target ? pf->target : "unknown");
	for (i = 0; i < pf->n_evidence; i++)
		fprintf(out, "          - %s\n", escape_text(pf->evidence[i], n, sizeof(n)));
	if (pf->manifest.is_present && pf->manifest.is_valid) {
		fprintf(out, "devices   %zu declared in the Solo5 manifest%s", pf->manifest.n_devices,
			pf->manifest.n_devices ? ":" : "");
		for (i = 0; i < pf->manifest.n_devices; i++)
			fprintf(out, "%s %s (%s)", i ? "," : "",
				escape_text(pf->manifest.devices[i].name, n, sizeof(n)),
				pf->manifest.devices[i].type_name);
		fputc('\n', out);
	} else if (pf->manifest.is_present) {
		fprintf(out, "devices   invalid Solo5 manifest: %s\n", pf->manifest.error);
	} else {
		fprintf(out, "devices   no Solo5 manifest\n");
	}
	for (i = 0; i < pf->n_xen_notes; i++)
		fprintf(out, "xen       %s = %s\n", pf->xen_notes[i].name,
			escape_text(pf->xen_notes[i].value, n, sizeof(n)));
	if (of->is_present && of->is_stripped) {
		fprintf(out, "ocaml     OCaml runtime present (stripped: no unit symbols); ");
		if (of->n_units)
			fprintf(out, "%zu units named from the runtime's tables", of->n_units);
		else if (of->n_code_segments)
			fprintf(out, "%zu code segments found, units could not be named",
				of->n_code_segments);
		else
			fprintf(out, "units could not be named or counted");
		fprintf(out, ", version %s\n", of->version_hint ? of->version_hint : "?");
		for (i = 0; i < of->n_runtime_evidence; i++)
			fprintf(out, "          - %s\n",
				escape_text(of->runtime_evidence[i], n, sizeof(n)));
	} else if (of->is_present) {
		fprintf(out, "ocaml     %zu units, symbol separator \"%s\", version %s\n", of->n_units,
			of->separator ? of->separator : "?", of->version_hint ? of->version_hint : "?");
	} else if (!img->n_symbols) {
		fprintf(out, "ocaml     no OCaml native code found (no symbols; no OCaml runtime "
			"strings, allocation code or tables either)\n");
	} else {
		fprintf(out, "ocaml     no OCaml native code found\n");
	}
	/* Both figures are file bytes of the allocated sections: the share is at most 100%. */
	fprintf(out, "unknown   %s of %s allocated file bytes (%.2f%%) not attributed to a component\n",
		human_size(sf->unknown_alloc, s1, sizeof(s1)), human_size(sf->alloc_file, s2, sizeof(s2)),
		percent(sf->unknown_alloc, sf->alloc_file));
	for (i = 0; i < a->diag.n_entries; i++)
		fprintf(out, "%-9s %s\n", diag_kind_name(a->diag.entries[i].kind),
			escape_text(a->diag.entries[i].msg, n, sizeof(n)));
}

/* The report's package level (with a build): the rows of the breakdown the command built. */
static void package_block(const struct audit *a, const struct view *v, FILE *out)
{
	const struct size_facts *sf = &a->facts.sizes;
	const struct breakdown_node *r = &v->root;
	size_t n = r->n_children, shown = v->top_n && v->top_n < n ? v->top_n : n, i;
	uint64_t of = 0, ov = 0;
	char buf[64];

	header(out, level_name(LEVEL_PACKAGE));
	for (i = 0; i < shown; i++)
		row(out, 0, r->children[i].file_size, sf->file.total, r->children[i].vm_size,
		    sf->vm.total, r->children[i].name);
	for (; i < n; i++) {
		of += r->children[i].file_size;
		ov += r->children[i].vm_size;
	}
	if (shown < n) {
		snprintf(buf, sizeof(buf), "[%zu others]", n - shown);
		row(out, 0, of, sf->file.total, ov, sf->vm.total, buf);
	}
	row(out, 0, sf->file.total, sf->file.total, sf->vm.total, sf->vm.total, "TOTAL");
}

static void level_block(const struct audit *a, const struct view *v, enum level l, FILE *out)
{
	const struct size_facts *sf = &a->facts.sizes;
	size_t n = sf->n_rows[l], shown = v->top_n && v->top_n < n ? v->top_n : n, i;
	uint64_t of = 0, ov = 0;

	header(out, level_name(l));
	for (i = 0; i < shown; i++) {
		const struct size_row *r = &sf->rows[l][i];

		row(out, 0, r->file_size, sf->file.total, r->vm_size, sf->vm.total,
		    sf->labels[l].names[r->label]);
	}
	for (; i < n; i++) {
		of += sf->rows[l][i].file_size;
		ov += sf->rows[l][i].vm_size;
	}
	if (shown < n) {
		char buf[64];

		snprintf(buf, sizeof(buf), "[%zu others]", n - shown);
		row(out, 0, of, sf->file.total, ov, sf->vm.total, buf);
	}
	row(out, 0, sf->file.total, sf->file.total, sf->vm.total, sf->vm.total, "TOTAL");
}

static void tree(const struct breakdown_node *node, const struct audit *a, const struct view *v,
		 int depth, FILE *out)
{
	const struct size_facts *sf = &a->facts.sizes;
	size_t i;
	char buf[32];

	for (i = 0; i < node->n_children; i++) {
		const struct breakdown_node *c = &node->children[i];

		if (v->show_retained)
			fprintf(out, "%10s  ", c->has_retained ? human_size(c->retained, buf, sizeof(buf)) :
								"-");
		row(out, 2 * depth, c->file_size, sf->file.total, c->vm_size, sf->vm.total, c->name);
		tree(c, a, v, depth + 1, out);
	}
}

static void reach_block(const struct audit *a, FILE *out)
{
	const struct reach_facts *rf = &a->facts.reach;
	const struct dead_facts *df = &a->facts.dead;
	const struct layout_facts *l = &a->facts.layout;
	char s1[32], s2[32], s3[32], n[NAME_BUF];
	size_t i;

	fprintf(out, "\nreachability (%s precision)\n",
		precision_name(rf->precision));
	if (!rf->is_complete) {
		fprintf(out, "  not computed: no code analysis for this machine; nothing is called dead\n");
		return;
	}
	fprintf(out, "  nodes     %zu of %zu reachable from %zu roots\n", rf->n_reached, l->n_nodes,
		rf->n_roots);
	fprintf(out, "  code      %s reachable, %s dead\n",
		human_size(df->live_code_bytes, s1, sizeof(s1)),
		human_size(df->dead_code_bytes, s2, sizeof(s2)));
	fprintf(out, "  data      %s reachable, %s dead\n",
		human_size(df->live_data_bytes, s1, sizeof(s1)),
		human_size(df->dead_data_bytes, s2, sizeof(s2)));
	fprintf(out, "  functions %zu dead (%s)\n", df->n_functions,
		human_size(df->dead_code_bytes, s3, sizeof(s3)));
	if (rf->precision == PRECISION_OCAML && (rf->n_metadata_nodes || rf->n_unread_fields))
		fprintf(out, "  ocaml     %zu runtime tables read as data only; %zu stores into module "
			"fields no reachable code reads\n", rf->n_metadata_nodes, rf->n_unread_fields);
	for (i = 0; i < rf->n_roots && i < 12; i++) {
		char buf[128];

		fprintf(out, "  root      %s (%s)\n",
			escape_text(layout_node_name(a, rf->roots[i].node, buf, sizeof(buf)), n,
				    sizeof(n)), rf->roots[i].why);
	}
	if (rf->n_roots > 12)
		fprintf(out, "  root      ... %zu more\n", rf->n_roots - 12);
	for (i = 0; i < rf->n_assumptions; i++)
		fprintf(out, "  assumes   %s\n", rf->assumptions[i]);
}

static void gadgets_line(const struct audit *a, FILE *out)
{
	const struct gadget_facts *g = &a->facts.gadgets;

	if (!g->is_counted) {
		fprintf(out, "\ngadgets: not counted (no decoder for this machine)\n");
		return;
	}
	fprintf(out, "\ngadgets: %" PRIu64 " (ret %" PRIu64 ", jmp %" PRIu64 ", call %" PRIu64
		") in %" PRIu64 " code bytes\n", g->n.total, g->n.ret, g->n.jmp, g->n.call,
		g->n.code_bytes);
}

static const char *const hard_status_names[] = { "pass", "FAIL", "n/a", "unknown" };
static const char *const hard_severity_names[] = { "", "low", "medium", "high" };

/* The hardening checks (docs/hardening.md): one line each, a failure's advice under it. */
static void hardening_block(const struct audit *a, FILE *out)
{
	const struct hardening_facts *hf = &a->facts.hardening;
	char n[NAME_BUF];
	size_t i;

	fprintf(out, "\nhardening (docs/hardening.md)\n");
	for (i = 0; i < hf->n_checks; i++) {
		const struct hard_check *c = &hf->checks[i];

		fprintf(out, "  %-19s %-7s %-6s %s", c->rule, hard_status_names[c->status],
			hard_severity_names[c->severity], c->title);
		if (c->location)
			fprintf(out, " [%s]", escape_text(c->location, n, sizeof(n)));
		fprintf(out, "\n  %-34s %s\n", "", escape_text(c->evidence, n, sizeof(n)));
		if (c->advice)
			fprintf(out, "  %-34s advice: %s\n", "", c->advice);
	}
}

/* The privileged instruction inventory: per kind, sites reachable/total, the first functions. */
static void insns_block(const struct audit *a, FILE *out)
{
	const struct insn_facts *f = &a->facts.insns;
	size_t k, i, n = 0, r = 0;

	if (!f->is_decoded) {
		fprintf(out, "\ninstructions: not inventoried (no decoder for this machine)\n");
		return;
	}
	for (k = 0; k < N_INSN_KINDS; k++) {
		n += f->total[k];
		r += f->reachable[k];
	}
	fprintf(out, "\ninstructions: %zu privileged or sensitive sites, %zu reachable "
		"(docs/instructions.md)\n", n, r);
	for (k = 0; k < N_INSN_KINDS; k++) {
		uint32_t shown[3];
		size_t n_shown = 0, j;

		if (!f->total[k])
			continue;
		fprintf(out, "  %-20s %5zu/%-5zu", insn_kind_name((enum insn_kind)k), f->reachable[k],
			f->total[k]);
		for (i = 0; i < f->n_sites && n_shown < 3; i++) {
			char buf[NAME_BUF], esc[NAME_BUF];

			if (f->sites[i].kind != k)
				continue;
			for (j = 0; j < n_shown && shown[j] != f->sites[i].node; j++)
				;
			if (j < n_shown)
				continue;
			shown[n_shown++] = f->sites[i].node;
			fprintf(out, "%s%s", n_shown == 1 ? " " : ", ",
				escape_text(layout_node_name(a, f->sites[i].node, buf, sizeof(buf)), esc,
					    sizeof(esc)));
		}
		if (n_shown == 3 && f->total[k] > 3)
			fprintf(out, ", ...");
		fputc('\n', out);
	}
}

static void tcb_rows(const struct tcb_facts *t, const struct view *v, enum tcb_by by,
		     const char *title, FILE *out)
{
	char s[5][32], n[NAME_BUF];
	size_t i, shown = v->top_n && v->top_n < t->n_rows[by] ? v->top_n : t->n_rows[by];

	fprintf(out, "  %-12s %10s %10s %10s %10s %10s  %s\n", title, "REACHABLE", "OCAML", "C",
		"TABLES", "DEAD", "NAME");
	for (i = 0; i < shown; i++) {
		const struct tcb_row *r = &t->rows[by][i];

		fprintf(out, "  %-12s %10s %10s %10s %10s %10s  %s\n", "",
			human_size(r->reachable, s[0], sizeof(s[0])),
			human_size(r->by_class[TCB_OCAML], s[1], sizeof(s[1])),
			human_size(r->by_class[TCB_C], s[2], sizeof(s[2])),
			human_size(r->by_class[TCB_TABLES], s[3], sizeof(s[3])),
			human_size(r->dead, s[4], sizeof(s[4])), escape_text(r->name, n, sizeof(n)));
	}
	if (shown < t->n_rows[by])
		fprintf(out, "  %-12s [%zu others]\n", "", t->n_rows[by] - shown);
}

/* The TCB (docs/tcb.md): reachable bytes by trust class, unsafe sites, rows, what it runs on. */
static void tcb_block(const struct audit *a, const struct view *v, FILE *out)
{
	const struct tcb_facts *t = &a->facts.tcb;
	char s1[32], s2[32], n[NAME_BUF];
	size_t i, r = 0, all = 0;
	int k;

	fprintf(out, "\ntrusted computing base (docs/tcb.md)\n");
	fprintf(out, "  %-12s %" PRIu64 " bytes (%s, %.1f%% of %s mapped), %" PRIu64 " bytes dead%s\n",
		"reachable", t->reachable_bytes, human_size(t->reachable_bytes, s1, sizeof(s1)),
		percent(t->reachable_bytes, t->image_bytes),
		human_size(t->image_bytes, s2, sizeof(s2)), t->dead_bytes,
		a->facts.reach.is_complete ? "" : " (no code analysis: every byte counts)");
	for (k = 0; k < N_TCB_CLASSES; k++)
		fprintf(out, "  %-12s %" PRIu64 " bytes reachable (%.1f%%), %" PRIu64 " dead\n",
			tcb_class_name(k), t->reachable[k], percent(t->reachable[k],
								   t->reachable_bytes), t->dead[k]);
	for (i = 0; i < t->n_unsafe; i++) {
		r += t->unsafe[i].reachable_sites;
		all += t->unsafe[i].sites;
	}
	fprintf(out, "  %-12s %zu sites of %zu unsafe runtime primitives, %zu reachable%s\n",
		"unsafe", all, t->n_unsafe, r, t->n_unsafe ? ":" : "");
	for (i = 0; i < t->n_unsafe; i++)
		fprintf(out, "  %-12s %5zu/%-5zu %s\n", "", t->unsafe[i].reachable_sites,
			t->unsafe[i].sites, escape_text(t->unsafe[i].primitive, n, sizeof(n)));
	tcb_rows(t, v, TCB_BY_COMPONENT, "components", out);
	tcb_rows(t, v, TCB_BY_LIBRARY, "libraries", out);
	if (t->has_packages)
		tcb_rows(t, v, TCB_BY_PACKAGE, "packages", out);
	for (i = 0; i < t->n_external; i++)
		fprintf(out, "  %-12s %" PRIu64 " bytes (%s) %s, from %s\n", "external",
			t->external[i].bytes, human_size(t->external[i].bytes, s1, sizeof(s1)),
			escape_text(t->external[i].name, n, sizeof(n)), t->external[i].source);
	fprintf(out, "  %-12s %" PRIu64 " bytes (%s): the image's reachable bytes%s\n", "stack",
		t->stack_bytes, human_size(t->stack_bytes, s1, sizeof(s1)),
		t->n_external ? " and what it runs on" : " (no --external-tcb given)");
}

/* Secrets and surprises (docs/secrets.md): one line per thing found. */
static void secrets_block(const struct audit *a, FILE *out)
{
	const struct secret_facts *f = &a->facts.secrets;
	char n1[NAME_BUF], n2[NAME_BUF], n3[NAME_BUF];
	size_t i;

	if (!f->n_keys && !f->n_certs && !f->n_credentials && !f->n_paths && !f->n_toolchain) {
		fprintf(out, "\nsecrets: none in %" PRIu64 " bytes scanned (docs/secrets.md)\n",
			f->scanned_bytes);
		return;
	}
	fprintf(out, "\nsecrets: in %" PRIu64 " bytes scanned (docs/secrets.md)\n",
		f->scanned_bytes);
	for (i = 0; i < f->n_keys; i++) {
		const struct secret_key *k = &f->keys[i];

		fprintf(out, "  private key  %s %s", k->format == SECRET_PEM ? "PEM" : "DER",
			k->algorithm);
		if (k->bits > 0)
			fprintf(out, " %d bits", k->bits);
		fprintf(out, " at offset 0x%" PRIx64 " %s%s%s\n", k->where.offset,
			escape_text(k->where.section ? k->where.section : "", n1, sizeof(n1)),
			k->where.symbol ? " " : "",
			escape_text(k->where.symbol ? k->where.symbol : "", n2, sizeof(n2)));
	}
	for (i = 0; i < f->n_certs; i++) {
		const struct secret_cert *c = &f->certs[i];

		fprintf(out, "  certificate  %s %s\n  %-12s issuer %s\n  %-12s valid %s to %s%s%s\n",
			c->format == SECRET_PEM ? "PEM" : "DER",
			escape_text(c->subject, n1, sizeof(n1)), "",
			escape_text(c->issuer, n2, sizeof(n2)), "", c->not_before, c->not_after,
			c->is_expired ? " (EXPIRED)" : "", c->is_self_signed ? ", self-signed" : "");
		fprintf(out, "  %-12s at offset 0x%" PRIx64 " %s%s%s\n", "", c->where.offset,
			escape_text(c->where.section ? c->where.section : "", n3, sizeof(n3)),
			c->where.symbol ? " " : "",
			escape_text(c->where.symbol ? c->where.symbol : "", n1, sizeof(n1)));
	}
	for (i = 0; i < f->n_credentials; i++) {
		const struct secret_credential *c = &f->credentials[i];

		fprintf(out, "  credential   %s near '%s', %.2f bits/char, at offset 0x%" PRIx64 " %s\n",
			escape_text(c->text, n1, sizeof(n1)), c->keyword, c->entropy, c->where.offset,
			escape_text(c->where.section ? c->where.section : "", n2, sizeof(n2)));
	}
	for (i = 0; i < f->n_paths; i++)
		fprintf(out, "  build path   %s (user %s) %zu times\n",
			escape_text(f->paths[i].path, n1, sizeof(n1)),
			escape_text(f->paths[i].user, n2, sizeof(n2)), f->paths[i].count);
	for (i = 0; i < f->n_toolchain; i++)
		fprintf(out, "  toolchain    %s: %s\n", f->toolchain[i].what,
			escape_text(f->toolchain[i].evidence, n1, sizeof(n1)));
}

static void dead_rows(const struct audit *a, const struct view *v, enum level lv, FILE *out)
{
	const struct dead_facts *df = &a->facts.dead;
	const struct size_facts *sf = &a->facts.sizes;
	size_t n = df->n_rows[lv], shown = v->top_n && v->top_n < n ? v->top_n : n, i;
	char s1[32], s2[32], nm[NAME_BUF];

	fprintf(out, "\n%10s %10s  dead %s\n", "FILE", "VM", level_name(lv));
	for (i = 0; i < shown; i++) {
		const struct dead_row *r = &df->rows[lv][i];

		fprintf(out, "%10s %10s  %s\n", human_size(r->dead_file, s1, sizeof(s1)),
			human_size(r->dead_vm, s2, sizeof(s2)),
			escape_text(sf->labels[lv].names[r->label], nm, sizeof(nm)));
	}
	if (shown < n)
		fprintf(out, "%10s %10s  [%zu others]\n", "", "", n - shown);
}

/* With a build: the objects the linker took of which nothing can run, in build order. */
static void dead_objects(const struct audit *a, const struct view *v, FILE *out)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct build *b = a->opt.build;
	char nm[NAME_BUF], s1[32];
	size_t i, k = 0;

	fprintf(out, "\n%10s  dead objects (build): %zu of %zu linked\n", "SIZE", lf->total.n_dead,
		lf->total.n_linked);
	for (i = 0; i < lf->n_objects; i++) {
		if (!lf->objects[i].is_dead)
			continue;
		if (v->top_n && k++ == v->top_n) {
			fprintf(out, "%10s  [%zu others]\n", "", lf->total.n_dead - v->top_n);
			break;
		}
		fprintf(out, "%10s  %s\n", human_size(lf->objects[i].dead_bytes, s1, sizeof(s1)),
			escape_text(build_object_name(b, &b->objects[i]), nm, sizeof(nm)));
	}
}

static void dead_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct dead_facts *df = &a->facts.dead;
	size_t n = df->n_functions, shown = v->top_n && v->top_n < n ? v->top_n : n, i;
	char nm[NAME_BUF], s1[32], buf[128];

	fprintf(out, "%s\n", escape_text(a->image.path, nm, sizeof(nm)));
	reach_block(a, out);
	if (!a->facts.reach.is_complete)
		return;
	dead_rows(a, v, LEVEL_COMPONENT, out);
	dead_rows(a, v, LEVEL_LIBRARY, out);
	dead_rows(a, v, LEVEL_MODULE, out);
	fprintf(out, "\n%10s  %-40s %s\n", "SIZE", "dead function", "module / library");
	for (i = 0; i < shown; i++) {
		const struct dead_function *f = &df->functions[i];
		char m[NAME_BUF], lib[NAME_BUF];

		/* A library name may hold bytes of a symbol's (a rule's \1): escaped too. */
		fprintf(out, "%10s  %-40s %s / %s\n", human_size(f->size, s1, sizeof(s1)),
			escape_text(layout_node_name(a, f->node, buf, sizeof(buf)), nm, sizeof(nm)),
			escape_text(f->module, m, sizeof(m)), escape_text(f->library, lib, sizeof(lib)));
	}
	if (shown < n)
		fprintf(out, "%10s  [%zu others]\n", "", n - shown);
	if (a->facts.linkage.has_build)
		dead_objects(a, v, out);
}

static void why_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct refgraph_facts *g = &a->facts.refgraph;
	const struct layout_facts *l = &a->facts.layout;
	char nm[NAME_BUF], tg[NAME_BUF], buf[128];
	size_t i;

	if (!v->n_why) {
		fprintf(out, "%s: %s is not reachable from any root%s\n",
			escape_text(a->image.path, nm, sizeof(nm)),
			escape_text(v->why_target, tg, sizeof(tg)),
			a->facts.reach.is_complete ? "" : " (reachability not computed)");
		return;
	}
	fprintf(out, "%s: %s is reachable; a shortest chain from a root:\n",
		escape_text(a->image.path, nm, sizeof(nm)), escape_text(v->why_target, tg, sizeof(tg)));
	for (i = 0; i < v->n_why; i++) {
		const struct why_step *st = &v->why_chain[i];
		const struct layout_node *nd = &l->nodes[st->node];
		const char *name = escape_text(layout_node_name(a, st->node, buf, sizeof(buf)), nm,
					       sizeof(nm));

		if (i == 0) {
			fprintf(out, "  0x%llx %s  (root: %s)\n", (unsigned long long)nd->lo, name,
				a->facts.reach.roots[v->why_root].why);
			continue;
		}
		fprintf(out, "  0x%llx %s  <- %s at 0x%llx\n", (unsigned long long)nd->lo, name,
			edge_kind_name(g->edges[st->edge].kind),
			(unsigned long long)g->edges[st->edge].at);
	}
}

/* ---- the build: three-way view, packages, the facilities' sealed-out split ---- */

static void group_row(const struct linkage_group *g, bool with_version, FILE *out)
{
	char nm[NAME_BUF], ver[NAME_BUF], s1[32], s2[32], s3[32], s4[32];

	snprintf(ver, sizeof(ver), "%s", g->version ? g->version : "-");
	fprintf(out, "  %-28s %-12s %5zu %5zu %5zu %5zu %5zu %10s %10s %10s %10s\n",
		escape_text(g->name, nm, sizeof(nm)),
		with_version ? escape_text(ver, ver, sizeof(ver)) : "",
		g->n_available, g->n_linked, g->n_left_out, g->n_reachable, g->n_dead,
		human_size(g->left_out_bytes, s1, sizeof(s1)),
		human_size(g->linked_bytes, s2, sizeof(s2)),
		human_size(g->reachable_bytes, s3, sizeof(s3)),
		human_size(g->dead_bytes, s4, sizeof(s4)));
}

static void group_table(const char *title, const struct linkage_group *g, size_t n,
			const struct linkage_group *total, bool with_version, size_t top_n,
			FILE *out)
{
	size_t i, shown = top_n && n > top_n ? top_n : n;

	fprintf(out, "\n  %-28s %-12s %5s %5s %5s %5s %5s %10s %10s %10s %10s\n", title,
		with_version ? "VERSION" : "", "AVAIL", "LINK", "OUT", "REACH", "DEAD", "OUT BYTES",
		"LINKED", "REACHABLE", "DEAD BYTES");
	for (i = 0; i < shown; i++)
		group_row(&g[i], with_version, out);
	if (shown < n)
		fprintf(out, "  [%zu others]\n", n - shown);
	group_row(total, false, out);
}

/* The Build section of the report: what was available, linked and can run. */
static void build_block(const struct audit *a, const struct view *v, FILE *out)
{
	const struct build *b = a->opt.build;
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct linkage_group *t = &lf->total;
	char nm[NAME_BUF], s1[32], s2[32], s3[32], s4[32];
	size_t i, n_sealed[4] = { 0 };

	fprintf(out, "\nbuild     %s (%s)\n", escape_text(b->dir ? b->dir : b->map, nm, sizeof(nm)),
		b->layout ? b->layout : "unknown");
	for (i = 0; i < b->n_files_read; i++)
		fprintf(out, "  read    %s\n", escape_text(b->files_read[i], nm, sizeof(nm)));
	fprintf(out, "objects   %zu available: %zu linked (%zu reachable, %zu dead), %zu left out, "
		"%zu unknown\n", t->n_available, t->n_linked, t->n_reachable, t->n_dead,
		t->n_left_out, t->n_unknown);
	fprintf(out, "bytes     %s linked: %s reachable, %s dead; %s left out\n",
		human_size(t->linked_bytes, s1, sizeof(s1)),
		human_size(t->reachable_bytes, s2, sizeof(s2)),
		human_size(t->dead_bytes, s3, sizeof(s3)),
		human_size(t->left_out_bytes, s4, sizeof(s4)));
	group_table("PACKAGE", lf->packages, lf->n_packages, t, true, v->top_n, out);
	group_table("LIBRARY", lf->libraries, lf->n_libraries, t, false, v->top_n, out);
	for (i = 0; i < lf->n_facilities; i++)
		n_sealed[lf->facilities[i].how]++;
	if (lf->n_facilities)
		fprintf(out, "\nsealed out: %zu never built, %zu left out by the linker, "
			"%zu linked but dead (mirage-audit facilities --build for each)\n",
			n_sealed[SEALED_NEVER_BUILT], n_sealed[SEALED_LEFT_OUT],
			n_sealed[SEALED_LINKED_DEAD]);
}

/* A facility's sealed-out split, after its evidence (facilities --build). */
static void sealed_out(const struct audit *a, size_t k, FILE *out)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct linkage_facility *x;
	char s1[32];

	if (k >= lf->n_facilities || lf->facilities[k].how == SEALED_NOT)
		return;
	x = &lf->facilities[k];
	fprintf(out, "; %s", sealed_how_name(x->how));
	if (x->how == SEALED_LEFT_OUT)
		fprintf(out, " (%zu object(s), %s)", x->n_left_out,
			human_size(x->left_out_bytes, s1, sizeof(s1)));
	else if (x->how == SEALED_LINKED_DEAD)
		fprintf(out, " (%zu object(s) linked, %s dead)", x->n_linked,
			human_size(x->dead_bytes, s1, sizeof(s1)));
}

static void why_linked_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct build *b = a->opt.build;
	const struct build_object *t = &b->objects[v->link_target];
	char nm[NAME_BUF], f[NAME_BUF], s[NAME_BUF];
	size_t i;

	fprintf(out, "%s: %s %s is %s\n", escape_text(a->image.path, nm, sizeof(nm)), v->link_what,
		escape_text(build_object_name(b, t), f, sizeof(f)),
		t->state == LINK_LINKED ? "linked" : t->state == LINK_LEFT_OUT ?
		"available but left out by the linker" : "not known to be linked (no map says)");
	for (i = 0; i < v->n_link; i++) {
		const struct build_object *o = &b->objects[v->link_chain[i]];

		escape_text(build_object_name(b, o), nm, sizeof(nm));
		if (o->why_file)
			fprintf(out, "  %s  <- included for a reference by %s (%s)\n", nm,
				escape_text(o->why_file, f, sizeof(f)),
				escape_text(o->why_symbol ? o->why_symbol : "no symbol given", s,
					    sizeof(s)));
		else if (o->state == LINK_LINKED)
			fprintf(out, "  %s  (on the link line)\n", nm);
		else
			fprintf(out, "  %s  (%s)\n", nm, link_state_name(o->state));
	}
	if (v->n_link && !v->is_link_complete && t->state == LINK_LINKED)
		fprintf(out, "  (the map's chain stops here: the next file is not in the build)\n");
	if (t->state != LINK_LINKED)
		return;
	if (!v->why_found) {
		fprintf(out, "no byte of it lies in the image's layout (its sections are empty, "
			"discarded or not placed by the map)\n");
		return;
	}
	why_view(a, v, out);
}

/* An inert facility's evidence: its stubs with their kinds, then the platform rule. */
static void inert_evidence(const struct audit *a, const struct facility *f, FILE *out)
{
	char buf[128], nm[NAME_BUF];
	size_t i;

	fprintf(out, "on %s, stubs", a->facts.platform.target);
	for (i = 0; i < f->n_stubs; i++)
		fprintf(out, "%s %s (%s)", i ? "," : "",
			escape_text(layout_node_name(a, f->stubs[i].node, buf, sizeof(buf)), nm,
				    sizeof(nm)), stub_kind_name(f->stubs[i].kind));
	fprintf(out, "; %s", escape_text(f->inert_rule, nm, sizeof(nm)));
}

/* "root -> a -> b -> node"; when long, the root and the last steps, the gap counted. */
static void chain_line(const struct audit *a, uint32_t node, FILE *out)
{
	uint32_t chain[8];
	size_t left_out, n = reach_chain_ends(a, node, chain, 8, &left_out), i;
	char buf[128], nm[NAME_BUF];

	for (i = 0; i < n; i++) {
		if (i == 1 && left_out)
			fprintf(out, " -> [%zu step%s left out]", left_out, left_out == 1 ? "" : "s");
		fprintf(out, "%s%s", i ? " -> " : "",
			escape_text(layout_node_name(a, chain[i], buf, sizeof(buf)), nm, sizeof(nm)));
	}
}

static void findings_block(const struct audit *a, FILE *out)
{
	char nm[NAME_BUF];
	size_t i, n = findings_count(a);
	int w = 10;			/* the rule column: MA-DRV-001's width at least */

	if (!n) {
		fprintf(out, "\nfindings  none\n");
		return;
	}
	for (i = 0; i < n; i++)
		if ((int)strlen(findings_at(a, i)->rule) > w)
			w = (int)strlen(findings_at(a, i)->rule);
	fprintf(out, "\nfindings\n");
	for (i = 0; i < n; i++) {
		const struct finding *f = findings_at(a, i);

		fprintf(out, "  %-*s %-7s %s\n", w, f->rule, severity_name(f->severity),
			escape_text(f->message, nm, sizeof(nm)));
		if (f->witness >= 0) {
			fputs("                     via ", out);
			chain_line(a, (uint32_t)f->witness, out);
			fputc('\n', out);
		}
	}
}

static void facilities_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct facility_facts *ff = &a->facts.facilities;
	const struct platform_facts *pf = &a->facts.platform;
	char nm[NAME_BUF], s1[32], s2[32];
	size_t i, k;
	bool drivers = v->kind == VIEW_DRIVERS;

	fprintf(out, "%s\n", escape_text(a->image.path, nm, sizeof(nm)));
	if (drivers) {
		fprintf(out, "target    %s\n", pf->target ? pf->target : "unknown");
		if (pf->manifest.is_present && pf->manifest.is_valid) {
			fprintf(out, "manifest  %zu device(s)", pf->manifest.n_devices);
			for (k = 0; k < pf->manifest.n_devices; k++)
				fprintf(out, "%s %s (%s)", k ? "," : ":",
					escape_text(pf->manifest.devices[k].name, nm, sizeof(nm)),
					pf->manifest.devices[k].type_name);
			fputc('\n', out);
		} else {
			fprintf(out, "manifest  %s\n", pf->manifest.is_present ? "invalid" : "none");
		}
	}
	fprintf(out, "\n%-18s %-9s %-10s %10s %10s  %s\n", "FACILITY", "CLASS", "VERDICT", "BYTES",
		"DEAD", drivers ? "DEVICE / EVIDENCE" : "EVIDENCE");
	for (i = 0; i < ff->n; i++) {
		const struct facility *f = &ff->v[i];

		if (drivers && strcmp(f->klass, "driver"))
			continue;
		fprintf(out, "%-18s %-9s %-10s %10s %10s  ", f->name, f->klass,
			verdict_name(f->verdict), human_size(f->bytes, s1, sizeof(s1)),
			human_size(f->dead_bytes, s2, sizeof(s2)));
		if (drivers && f->device)
			fprintf(out, "%s; ", f->device);
		if (f->verdict == VERDICT_REACHABLE && f->witness >= 0)
			chain_line(a, (uint32_t)f->witness, out);
		else if (f->verdict == VERDICT_INERT)
			inert_evidence(a, f, out);
		else if (f->verdict == VERDICT_DEAD)
			fprintf(out, "%zu node(s), none reachable from the %zu roots", f->n_nodes,
				a->facts.reach.n_roots);
		else if (f->verdict == VERDICT_UNKNOWN && f->n_near_misses) {
			fputs("not sealed: matches no pattern but shares a name token:", out);
			for (k = 0; k < f->n_near_misses; k++)
				fprintf(out, "%s %s", k ? "," : "",
					escape_text(f->near_misses[k], nm, sizeof(nm)));
		} else if (f->verdict == VERDICT_UNKNOWN)
			fputs("no symbol table: cannot tell", out);
		else
			fputs("no matching unit or symbol in the image", out);
		if (f->verdict == VERDICT_REACHABLE && f->not_inert)
			fprintf(out, "; not inert on %s: %s", a->facts.platform.target,
				escape_text(f->not_inert, nm, sizeof(nm)));
		sealed_out(a, i, out);
		fputc('\n', out);
	}
	findings_block(a, out);
}

/* ---- diff ---------------------------------------------------------------- */

/* The side's name as given, and what it was read from. */
static void diff_side(const char *label, const struct snapshot *s, FILE *out)
{
	char nm[NAME_BUF];

	fprintf(out, "%-4s %s (%s): %" PRIu64 " bytes in the file, %" PRIu64 " mapped\n", label,
		escape_text(s->source, nm, sizeof(nm)), s->is_report ? "report" : "image",
		s->file_total, s->vm_total);
}

static void diff_level_block(const struct diff *d, const struct view *v, int l, FILE *out)
{
	const struct diff_level *dl = &d->levels[l];
	size_t n = dl->n_rows, shown = v->top_n && v->top_n < n ? v->top_n : n, i;
	int64_t of = 0, ov = 0;
	char nm[NAME_BUF];

	fprintf(out, "\n%-8s %12s %12s  %s\n", "", "FILE DELTA", "VM DELTA", level_name(l));
	if (!n) {
		fprintf(out, "%-8s %12s %12s  (no change)\n", "", "0", "0");
		return;
	}
	for (i = 0; i < shown; i++) {
		const struct diff_row *r = &dl->rows[i];

		fprintf(out, "%-8s %+12" PRId64 " %+12" PRId64 "  %s\n", diff_change_name(r->change),
			r->d_file, r->d_vm, escape_text(r->name, nm, sizeof(nm)));
	}
	for (; i < n; i++) {
		of += dl->rows[i].d_file;
		ov += dl->rows[i].d_vm;
	}
	if (shown < n)
		fprintf(out, "%-8s %+12" PRId64 " %+12" PRId64 "  [%zu others]\n", "", of, ov,
			n - shown);
	fprintf(out, "%-8s %+12" PRId64 " %+12" PRId64 "  TOTAL\n", "", dl->d_file, dl->d_vm);
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

static void diff_capabilities(const struct diff *d, FILE *out)
{
	char nm[NAME_BUF];
	size_t i;
	bool any = false;

	fprintf(out, "\ncapabilities\n");
	if (d->target_changed) {
		fprintf(out, "  target     %s -> %s\n", d->old->target, d->new->target);
		any = true;
	}
	if (d->abi_changed) {
		char a[64], b[64];

		fprintf(out, "  solo5 abi  %s -> %s\n", snapshot_abi(d->old, a, sizeof(a)),
			snapshot_abi(d->new, b, sizeof(b)));
		any = true;
	}
	for (i = 0; i < d->n_devices; i++) {
		fprintf(out, "  device     %s %s (%s)\n", d->devices[i].is_added ? "added" : "removed",
			escape_text(d->devices[i].name, nm, sizeof(nm)), d->devices[i].type);
		any = true;
	}
	if (!d->has_verdicts)
		fprintf(out, "  facilities not compared: %s has no verdicts\n",
			d->old->has_facilities ? "NEW" : "OLD");
	for (i = 0; i < d->n_verdicts; i++) {
		const struct diff_verdict *f = &d->verdicts[i];

		fprintf(out, "  %-10s %s: %s -> %s\n", !strcmp(f->klass, "driver") ? "driver" :
			"facility", f->name, or_none(f->old_verdict), or_none(f->new_verdict));
		any = true;
	}
	if (!d->has_reach)
		fprintf(out, "  functions  not compared: %s has no dead function list\n",
			d->old->has_dead ? "NEW" : "OLD");
	for (i = 0; i < d->n_now_reachable; i++) {
		fprintf(out, "  function   %s: dead -> reachable\n",
			escape_text(d->now_reachable[i], nm, sizeof(nm)));
		any = true;
	}
	for (i = 0; i < d->n_now_dead; i++) {
		fprintf(out, "  function   %s: reachable -> dead\n",
			escape_text(d->now_dead[i], nm, sizeof(nm)));
		any = true;
	}
	if (!any)
		fprintf(out, "  no change\n");
}

static void summary_line(const struct diff_summary *s, FILE *out)
{
	fprintf(out, "add/remove: %zu/%zu grow/shrink: %zu/%zu up/down: %" PRIu64 "/-%" PRIu64
		" (%" PRId64 ")\n", s->added, s->removed, s->grown, s->shrunk, s->up, s->down, s->net);
}

static void diff_view(const struct view *v, FILE *out)
{
	const struct diff *d = v->diff;
	const struct diff_summary *s = &d->summary;
	int l;

	summary_line(s, out);
	diff_side("old", d->old, out);
	diff_side("new", d->new, out);
	fprintf(out, "total file %+" PRId64 ", vm %+" PRId64 "%s\n", d->d_file, d->d_vm,
		diff_is_empty(d) ? " (no change)" : "");
	for (l = 0; l < N_LEVELS; l++)
		diff_level_block(d, v, l, out);
	diff_capabilities(d, out);
}

/* check: one line per budget line, failures first in the eye because of the status column. */
static void check_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct check *c = v->check;
	char nm[NAME_BUF], msg[NAME_BUF];
	size_t i;

	fprintf(out, "check %s", escape_text(c->image, nm, sizeof(nm)));
	fprintf(out, " against %s", escape_text(c->budget, nm, sizeof(nm)));
	if (c->baseline)
		fprintf(out, ", baseline %s", escape_text(c->baseline, nm, sizeof(nm)));
	fprintf(out, "\nverdict: %s (%zu budget lines: %zu passed, %zu failed, %zu skipped)\n\n",
		c->n_fail ? "FAIL" : "PASS", c->n_lines, c->n_pass, c->n_fail, c->n_skip);
	for (i = 0; i < c->n_lines; i++) {
		const struct check_line *l = &c->lines[i];

		fprintf(out, "  %-4s  %-10s  %s: %s\n", l->status == CHECK_PASS ? "pass" :
			l->status == CHECK_FAIL ? "FAIL" : "skip", check_rule(l->kind),
			escape_text(l->key, nm, sizeof(nm)), escape_text(l->message, msg, sizeof(msg)));
		if (l->witness >= 0) {
			fprintf(out, "%20s via ", "");
			chain_line(a, (uint32_t)l->witness, out);
			fputc('\n', out);
		}
	}
	if (!c->n_lines)
		fprintf(out, "  (the budget sets no limit)\n");
	findings_block(a, out);
	if (c->diff) {
		fprintf(out, "\nagainst the baseline\n");
		summary_line(&c->diff->summary, out);
		fprintf(out, "total file %+" PRId64 ", vm %+" PRId64 "%s\n", c->diff->d_file,
			c->diff->d_vm, diff_is_empty(c->diff) ? " (no change)" : "");
		diff_level_block(c->diff, v, LEVEL_LIBRARY, out);
		diff_level_block(c->diff, v, LEVEL_SYMBOL, out);
		diff_capabilities(c->diff, out);
	}
	if (c->ratchet)
		fprintf(out, "\nratchet: %zu limit%s lowered to the image's figures, budget written "
			"to %s\n", c->n_tightened, c->n_tightened == 1 ? "" : "s",
			escape_text(c->ratchet, nm, sizeof(nm)));
}

static void gadget_line(const char *label, const struct gadget_counts *g, FILE *out)
{
	fprintf(out, "gadgets   %-6s %" PRIu64 " (%" PRIu64 " ret, %" PRIu64 " jmp, %" PRIu64
		" call) in %" PRIu64 " bytes of code\n", label, g->total, g->ret, g->jmp, g->call,
		g->code_bytes);
}

/* seal: what was trapped, the before/after table per level, gadgets. */
static void seal_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct seal_result *r = v->seal;
	const struct seal_plan *p = r->plan;
	char n[NAME_BUF], s1[32], s2[32], s3[32], s4[32];
	size_t k, i;

	fprintf(out, "%s", escape_text(a->image.path, n, sizeof(n)));
	fprintf(out, " -> %s: sealed at level %s, precision %s, trap %s%s\n",
		escape_text(r->output, n, sizeof(n)), seal_level_name(p->level),
		a->facts.reach.precision == PRECISION_OCAML ? "ocaml" : "conservative", p->trap_name,
		p->is_reseal ? " (a re-seal: earlier ranges kept)" : "");
	fprintf(out, "code      %s: %s live, %s dead\n", human_size(p->code_bytes, s1, sizeof(s1)),
		human_size(p->live_bytes, s2, sizeof(s2)), human_size(p->dead_bytes, s3, sizeof(s3)));
	fprintf(out, "trapped   %s (%" PRIu64 " bytes, %.1f%% of code) in %zu functions, %zu "
		"ranges; %zu dead functions kept\n", human_size(p->trapped_bytes, s4, sizeof(s4)),
		p->trapped_bytes, percent(p->trapped_bytes, p->code_bytes), p->n_functions,
		p->n_ranges, p->n_spared);
	if (r->has_gadgets) {
		gadget_line("before", &r->gadgets_before, out);
		gadget_line("after", &r->gadgets_after, out);
		fprintf(out, "gadgets   %" PRIu64 " fewer (%.1f%%), sequences of up to %d "
			"instructions\n", r->gadgets_before.total > r->gadgets_after.total ?
			r->gadgets_before.total - r->gadgets_after.total : 0,
			percent(r->gadgets_before.total > r->gadgets_after.total ?
				r->gadgets_before.total - r->gadgets_after.total : 0,
				r->gadgets_before.total), GADGET_MAX_INSNS);
	} else {
		fprintf(out, "gadgets   not counted\n");
	}
	fprintf(out, "record    section %s, input sha256 %s\n", SEAL_SECTION, r->input_sha256);
	for (k = 0; k < SEAL_N_LEVELS; k++) {
		uint64_t rest[4] = { 0 };

		fprintf(out, "\n%10s %10s %10s %10s  %s\n", "CODE", "LIVE", "DEAD", "TRAPPED",
			level_name(seal_levels[k]));
		for (i = 0; i < p->n_rows[k]; i++) {
			const struct seal_row *w = &p->rows[k][i];

			if (v->top_n && i >= v->top_n) {
				rest[0] += w->code;
				rest[1] += w->live;
				rest[2] += w->dead;
				rest[3] += w->trapped;
				continue;
			}
			fprintf(out, "%10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s\n",
				w->code, w->live, w->dead, w->trapped, escape_text(w->name, n, sizeof(n)));
		}
		if (v->top_n && p->n_rows[k] > v->top_n)
			fprintf(out, "%10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
				"  [%zu others]\n", rest[0], rest[1], rest[2], rest[3],
				p->n_rows[k] - v->top_n);
	}
}

static int64_t delta(uint64_t after, uint64_t before)
{
	return (int64_t)after - (int64_t)before;
}

/* seal --relink: the objects stubbed and kept, then bytes before and after per level. */
static void relink_view(const struct view *v, FILE *out)
{
	const struct relink_result *r = v->seal->relink;
	const struct relink_plan *p = r->plan;
	char n[NAME_BUF], m[NAME_BUF];
	size_t k, i;

	fprintf(out, "%s", escape_text(r->input, n, sizeof(n)));
	fprintf(out, " -> %s: relinked, %zu object%s stubbed (%" PRIu64 " placed bytes), "
		"trap %s\n", escape_text(r->output, n, sizeof(n)), p->n_stubbed,
		p->n_stubbed == 1 ? "" : "s", p->stubbed_bytes, p->trap);
	fprintf(out, "link      %s\n", escape_text(r->link_from ? r->link_from : "?", n, sizeof(n)));
	fprintf(out, "file      %" PRIu64 " -> %" PRIu64 " bytes (%+" PRId64 ")\n", r->file_before,
		r->file_after, delta(r->file_after, r->file_before));
	fprintf(out, "loaded    %" PRIu64 " -> %" PRIu64 " bytes (%+" PRId64 ")\n", r->load_before,
		r->load_after, delta(r->load_after, r->load_before));
	for (i = 0; i < p->n_objects; i++) {
		const struct relink_object *o = &p->objects[i];

		if (o->verdict == RELINK_STUB)
			fprintf(out, "stubbed   %10" PRIu64 "  %s%s%s\n", o->bytes,
				escape_text(o->name, n, sizeof(n)), o->unit ? "  unit " : "",
				o->unit ? escape_text(o->unit, m, sizeof(m)) : "");
	}
	for (i = 0; i < p->n_objects; i++) {
		const struct relink_object *o = &p->objects[i];

		if (o->verdict == RELINK_KEEP)
			fprintf(out, "kept      %10" PRIu64 "  %s: %s\n", o->bytes,
				escape_text(o->unit ? o->unit : o->name, n, sizeof(n)),
				escape_text(o->why, m, sizeof(m)));
	}
	for (k = 0; k < sizeof(relink_levels) / sizeof(relink_levels[0]); k++) {
		enum level lv = relink_levels[k];
		uint64_t rest[2] = { 0 };
		size_t shown = 0;

		fprintf(out, "\n%10s %10s %10s  %s\n", "BEFORE", "AFTER", "CHANGE", level_name(lv));
		for (i = 0; i < r->n_rows[lv]; i++) {
			const struct relink_row *w = &r->rows[lv][i];

			if (v->top_n && shown >= v->top_n) {
				rest[0] += w->before;
				rest[1] += w->after;
				continue;
			}
			shown++;
			fprintf(out, "%10" PRIu64 " %10" PRIu64 " %+10" PRId64 "  %s\n", w->before,
				w->after, delta(w->after, w->before), escape_text(w->name, n, sizeof(n)));
		}
		if (v->top_n && r->n_rows[lv] > v->top_n)
			fprintf(out, "%10" PRIu64 " %10" PRIu64 " %+10" PRId64 "  [%zu others]\n",
				rest[0], rest[1], delta(rest[1], rest[0]), r->n_rows[lv] - v->top_n);
	}
}

/* seal --check: one line of verdict, then one line per failure. */
static void seal_check_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct seal_result *r = v->seal;
	char n[NAME_BUF];
	size_t i;

	fprintf(out, "%s: ", escape_text(a->image.path, n, sizeof(n)));
	if (r->n_failures)
		fprintf(out, "seal check failed: %zu failure%s in %zu checks", r->n_failures,
			r->n_failures == 1 ? "" : "s", r->n_checks);
	else
		fprintf(out, "seal holds: %zu checks passed", r->n_checks);
	if (r->original)
		fprintf(out, " against %s", escape_text(r->original, n, sizeof(n)));
	fputc('\n', out);
	if (r->record)
		fprintf(out, "record    %s, precision %s, level %s, %zu ranges, %" PRIu64
			" bytes trapped\n", escape_text(r->record->tool, n, sizeof(n)),
			r->record->precision, r->record->level, r->record->n_ranges,
			r->record->trapped_bytes);
	for (i = 0; i < r->n_failures; i++)
		fprintf(out, "FAIL      %s\n", escape_text(r->failures[i], n, sizeof(n)));
}

static int text_render(const struct audit *a, const struct view *v, FILE *out)
{
	const struct size_facts *sf;
	int l;

	if (v->kind == VIEW_DIFF) {
		diff_view(v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_CHECK) {
		check_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_SEAL) {
		if (v->seal->relink)
			relink_view(v, out);
		else if (v->seal->is_check)
			seal_check_view(a, v, out);
		else
			seal_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	sf = &a->facts.sizes;

	if (!v->is_first)
		fputc('\n', out);
	if (v->kind == VIEW_SIZE) {
		char n[NAME_BUF], title[256];
		size_t i, o = 0;

		fprintf(out, "%s\n", escape_text(a->image.path, n, sizeof(n)));
		for (i = 0; i < v->n_levels && o < sizeof(title) - 32; i++)
			o += (size_t)snprintf(title + o, sizeof(title) - o, "%s%s", i ? " > " : "",
					      level_name(v->levels[i]));
		if (v->show_retained)
			fprintf(out, "\n%10s  %-7s %10s  %-7s %10s  %s\n", "RETAINED", "", "FILE SIZE", "",
				"VM SIZE", title);
		else
			header(out, title);
		tree(&v->root, a, v, 0, out);
		if (v->show_retained)
			fprintf(out, "%10s  ", "");
		row(out, 0, sf->file.total, sf->file.total, sf->vm.total, sf->vm.total, "TOTAL");
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_DEAD) {
		dead_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_WHY) {
		why_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_WHY_LINKED) {
		why_linked_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	if (v->kind == VIEW_FACILITIES || v->kind == VIEW_DRIVERS) {
		facilities_view(a, v, out);
		return ferror(out) ? -1 : 0;
	}
	image_block(a, out);
	if (a->facts.reach.is_done)
		reach_block(a, out);
	if (a->facts.gadgets.is_done)
		gadgets_line(a, out);
	if (a->facts.hardening.is_done)
		hardening_block(a, out);
	if (a->facts.insns.is_done)
		insns_block(a, out);
	if (a->facts.tcb.is_done)
		tcb_block(a, v, out);
	if (a->facts.secrets.is_done)
		secrets_block(a, out);
	if (a->facts.facilities.is_done) {
		size_t i, n_s = 0, n_d = 0, n_r = 0, n_i = 0;

		for (i = 0; i < a->facts.facilities.n; i++) {
			enum verdict vd = a->facts.facilities.v[i].verdict;

			n_s += vd == VERDICT_SEALED;
			n_d += vd == VERDICT_DEAD;
			n_r += vd == VERDICT_REACHABLE;
			n_i += vd == VERDICT_INERT;
		}
		fprintf(out, "\nfacilities %zu reachable, ", n_r);
		if (n_i)
			fprintf(out, "%zu inert, ", n_i);
		fprintf(out, "%zu dead, %zu sealed (mirage-audit facilities for each)\n", n_d, n_s);
		for (i = 0; i < a->facts.facilities.n; i++) {
			const struct facility *f = &a->facts.facilities.v[i];

			if (f->verdict == VERDICT_REACHABLE && !strcmp(f->klass, "driver"))
				fprintf(out, "  driver   %s reachable\n", f->name);
		}
		findings_block(a, out);
	}
	if (a->facts.linkage.has_build)
		build_block(a, v, out);
	for (l = 0; l < N_LEVELS; l++)
		level_block(a, v, l, out);
	if (a->facts.linkage.has_build && v->n_levels == 1 && v->levels[0] == LEVEL_PACKAGE)
		package_block(a, v, out);
	return ferror(out) ? -1 : 0;
}

const struct reporter report_text = {
	.name = "text",
	.render = text_render,
	.views = VIEW_AUDIT_ALL | VIEW_BIT(VIEW_DIFF) | VIEW_BIT(VIEW_CHECK) | VIEW_BIT(VIEW_SEAL) |
		 VIEW_BIT(VIEW_WHY_LINKED),
};
