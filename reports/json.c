// SPDX-License-Identifier: ISC
/* JSON output through jansson, following docs/report.schema.json (schema_version 1). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gates/check.h"
#include "audit/gates/diff.h"
#include "audit/gates/relink.h"
#include "audit/core/report.h"
#include "audit/core/seal.h"
#include "audit/core/vocab.h"

#define MA_SCHEMA_VERSION 1

static json_t *hex(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

/* Strings from the image may hold any bytes: invalid UTF-8 is sent escaped, never dropped. */
static json_t *str(const char *s)
{
	json_t *j;
	char buf[4096];

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	return json_string(escape_text(s, buf, sizeof(buf)));
}

static json_t *size(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *image_obj(const struct audit *a)
{
	const struct image *img = &a->image;
	const char *mach = machine_name(img->machine);
	char buf[32];
	json_t *o = json_object();

	json_object_set_new(o, "path", str(img->path));
	json_object_set_new(o, "sha256", str(img->sha256[0] ? img->sha256 : NULL));
	json_object_set_new(o, "file_size", size(img->size));
	json_object_set_new(o, "vm_size", size(a->facts.sizes.vm.total));
	json_object_set_new(o, "class", json_string(img->elf_class == 64 ? "ELF64" : "ELF32"));
	json_object_set_new(o, "endian", json_string(img->is_le ? "little" : "big"));
	if (!mach)
		snprintf(buf, sizeof(buf), "machine %u", img->machine);
	json_object_set_new(o, "machine", json_string(mach ? mach : buf));
	json_object_set_new(o, "e_machine", json_integer(img->machine));
	json_object_set_new(o, "type", json_string(img->type == IMG_ET_EXEC ? "EXEC" :
						   img->type == IMG_ET_DYN ? "DYN" :
						   img->type == 1 ? "REL" : "other"));
	json_object_set_new(o, "entry", hex(img->entry));
	json_object_set_new(o, "stripped", json_boolean(img->is_stripped));
	json_object_set_new(o, "build_id", str(img->build_id));
	json_object_set_new(o, "interp", str(img->interp));
	json_object_set_new(o, "has_section_headers", json_boolean(img->has_section_headers));
	json_object_set_new(o, "symbol_table", str(img->symtab_name));
	json_object_set_new(o, "n_symbols", size(img->n_symbols));
	json_object_set_new(o, "n_segments", size(img->n_segments));
	json_object_set_new(o, "n_sections", size(img->n_sections));
	return o;
}

static json_t *platform_obj(const struct audit *a)
{
	const struct platform_facts *pf = &a->facts.platform;
	json_t *o = json_object(), *ev = json_array(), *solo5 = json_object(), *xen = json_object();
	json_t *notes = json_array();
	size_t i;

	json_object_set_new(o, "target", str(pf->target));
	for (i = 0; i < pf->n_evidence; i++)
		json_array_append_new(ev, str(pf->evidence[i]));
	json_object_set_new(o, "evidence", ev);
	if (pf->manifest.is_present) {
		json_t *m = json_object(), *devs = json_array();

		json_object_set_new(m, "valid", json_boolean(pf->manifest.is_valid));
		json_object_set_new(m, "error", str(pf->manifest.error));
		json_object_set_new(m, "version", json_integer(pf->manifest.version));
		json_object_set_new(m, "entries", json_integer(pf->manifest.entries));
		json_object_set_new(m, "where", str(pf->manifest.where));
		for (i = 0; i < pf->manifest.n_devices; i++) {
			json_t *d = json_object();

			json_object_set_new(d, "name", str(pf->manifest.devices[i].name));
			json_object_set_new(d, "type", str(pf->manifest.devices[i].type_name));
			json_array_append_new(devs, d);
		}
		json_object_set_new(m, "devices", devs);
		json_object_set_new(solo5, "manifest", m);
	} else {
		json_object_set_new(solo5, "manifest", json_null());
	}
	if (pf->abi.is_present) {
		json_t *abi = json_object();

		json_object_set_new(abi, "target", str(pf->abi.target_name));
		json_object_set_new(abi, "target_code", json_integer(pf->abi.target));
		json_object_set_new(abi, "version", json_integer(pf->abi.version));
		json_object_set_new(abi, "where", str(pf->abi.where));
		json_object_set_new(solo5, "abi", abi);
	} else {
		json_object_set_new(solo5, "abi", json_null());
	}
	json_object_set_new(solo5, "openbsd_note", json_boolean(pf->has_openbsd_note));
	json_object_set_new(o, "solo5", solo5);
	for (i = 0; i < pf->n_xen_notes; i++) {
		json_t *n = json_object();

		json_object_set_new(n, "type", json_integer(pf->xen_notes[i].type));
		json_object_set_new(n, "name", str(pf->xen_notes[i].name));
		json_object_set_new(n, "value", str(pf->xen_notes[i].value));
		json_array_append_new(notes, n);
	}
	json_object_set_new(xen, "notes", notes);
	json_object_set_new(xen, "phys32_entry", pf->has_phys32_entry ? hex(pf->phys32_entry) :
						  json_null());
	json_object_set_new(xen, "guest_os", str(pf->xen_guest_os));
	json_object_set_new(xen, "legacy_xen_guest", str(pf->xen_legacy_guest));
	json_object_set_new(o, "xen", xen);
	if (pf->has_multiboot) {
		json_t *mb = json_object();

		json_object_set_new(mb, "version", json_integer(pf->multiboot_version));
		json_object_set_new(mb, "offset", size(pf->multiboot_offset));
		json_object_set_new(mb, "flags", hex(pf->multiboot_flags));
		json_object_set_new(o, "multiboot", mb);
	} else {
		json_object_set_new(o, "multiboot", json_null());
	}
	return o;
}

static json_t *range_obj(bool has, struct image_range r)
{
	json_t *o;

	if (!has)
		return json_null();
	o = json_object();
	json_object_set_new(o, "lo", hex(r.lo));
	json_object_set_new(o, "hi", hex(r.hi));
	return o;
}

static json_t *ocaml_obj(const struct audit *a)
{
	const struct ocaml_facts *of = &a->facts.ocaml;
	json_t *o = json_object(), *units = json_array(), *ev = json_array();
	size_t i;

	json_object_set_new(o, "present", json_boolean(of->is_present));
	json_object_set_new(o, "separator", str(of->separator));
	json_object_set_new(o, "version_hint", str(of->version_hint));
	for (i = 0; i < of->n_version_evidence; i++)
		json_array_append_new(ev, str(of->version_evidence[i]));
	json_object_set_new(o, "version_evidence", ev);
	json_object_set_new(o, "stripped", json_boolean(of->is_stripped));
	json_object_set_new(o, "units_from", str(of->units_from));
	ev = json_array();
	for (i = 0; i < of->n_runtime_evidence; i++)
		json_array_append_new(ev, str(of->runtime_evidence[i]));
	json_object_set_new(o, "runtime_evidence", ev);
	ev = json_array();
	for (i = 0; i < of->n_code_segments; i++)
		json_array_append_new(ev, range_obj(true, of->code_segments[i]));
	json_object_set_new(o, "code_segments", ev);
	json_object_set_new(o, "n_units", size(of->n_units));
	for (i = 0; i < of->n_units; i++) {
		const struct ocaml_unit *u = &of->units[i];
		json_t *j = json_object();

		json_object_set_new(j, "name", str(u->name));
		json_object_set_new(j, "library", str(u->library));
		json_object_set_new(j, "component", str(u->component));
		json_object_set_new(j, "code", range_obj(u->has_code, u->code));
		json_object_set_new(j, "data", range_obj(u->has_data, u->data));
		json_array_append_new(units, j);
	}
	json_object_set_new(o, "units", units);
	return o;
}

/* {"name": NAME, K1: V1, K2: V2}: a row of two byte counts. */
static json_t *named_pair(const char *name, const char *k1, uint64_t v1, const char *k2,
			  uint64_t v2)
{
	json_t *e = json_object();

	json_object_set_new(e, "name", str(name));
	json_object_set_new(e, k1, size(v1));
	json_object_set_new(e, k2, size(v2));
	return e;
}

static json_t *entry(const char *name, uint64_t file, uint64_t vm)
{
	return named_pair(name, "file_size", file, "vm_size", vm);
}

static json_t *sizes_obj(const struct audit *a, const struct view *v,
			 const char *symbols_placeholder)
{
	const struct size_facts *sf = &a->facts.sizes;
	json_t *o = json_object(), *unk = json_object();
	int l;
	size_t i;

	json_object_set_new(o, "file_total", size(sf->file.total));
	json_object_set_new(o, "vm_total", size(sf->vm.total));
	json_object_set_new(o, "allocated_file_bytes", size(sf->alloc_file));
	json_object_set_new(unk, "file_size", size(sf->unknown_file));
	json_object_set_new(unk, "vm_size", size(sf->unknown_vm));
	json_object_set_new(unk, "allocated_file_size", size(sf->unknown_alloc));
	json_object_set_new(unk, "percent_of_allocated", json_real(percent(sf->unknown_alloc,
									      sf->alloc_file)));
	json_object_set_new(o, "unknown", unk);
	for (l = 0; l < N_LEVELS; l++) {
		json_t *arr;

		if (l == LEVEL_SYMBOL && symbols_placeholder) {
			json_object_set_new(o, level_name(l), json_string(symbols_placeholder));
			continue;
		}
		arr = json_array();
		for (i = 0; i < sf->n_rows[l]; i++) {
			const struct size_row *r = &sf->rows[l][i];

			json_array_append_new(arr, entry(sf->labels[l].names[r->label], r->file_size,
							 r->vm_size));
		}
		json_object_set_new(o, level_name(l), arr);
	}
	if (a->facts.linkage.has_build && v->n_levels == 1 && v->levels[0] == LEVEL_PACKAGE) {
		json_t *arr = json_array();

		for (i = 0; i < v->root.n_children; i++)
			json_array_append_new(arr, entry(v->root.children[i].name,
							 v->root.children[i].file_size,
							 v->root.children[i].vm_size));
		json_object_set_new(o, level_name(LEVEL_PACKAGE), arr);
	}
	return o;
}

static json_t *diag_entries_arr(const struct diag *dg)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < dg->n_entries; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "kind", json_string(diag_kind_name(dg->entries[i].kind)));
		json_object_set_new(d, "message", str(dg->entries[i].msg));
		json_array_append_new(arr, d);
	}
	return arr;
}

static json_t *diag_arr(const struct audit *a)
{
	return diag_entries_arr(&a->diag);
}

static json_t *tree_obj(const struct breakdown_node *n)
{
	json_t *o = entry(n->name, n->file_size, n->vm_size);
	size_t i;

	if (n->is_other)
		json_object_set_new(o, "other", json_true());
	if (n->has_retained)
		json_object_set_new(o, "retained", size(n->retained));
	if (n->n_children) {
		json_t *ch = json_array();

		for (i = 0; i < n->n_children; i++)
			json_array_append_new(ch, tree_obj(&n->children[i]));
		json_object_set_new(o, "children", ch);
	}
	return o;
}

static json_t *reach_obj(const struct audit *a)
{
	const struct reach_facts *rf = &a->facts.reach;
	const struct dead_facts *df = &a->facts.dead;
	const struct layout_facts *l = &a->facts.layout;
	json_t *o = json_object(), *roots = json_array(), *as = json_array(), *lv = json_object();
	size_t i;
	int k;
	char buf[128];

	json_object_set_new(o, "precision", json_string(precision_name(rf->precision)));
	json_object_set_new(o, "complete", json_boolean(rf->is_complete));
	for (i = 0; i < rf->n_roots; i++) {
		json_t *r = json_object();
		const struct layout_node *n = &l->nodes[rf->roots[i].node];

		json_object_set_new(r, "name", str(layout_node_name(a, rf->roots[i].node, buf,
								      sizeof(buf))));
		json_object_set_new(r, "address", hex(n->lo));
		json_object_set_new(r, "why", str(rf->roots[i].why));
		json_array_append_new(roots, r);
	}
	json_object_set_new(o, "roots", roots);
	json_object_set_new(o, "nodes", size(l->n_nodes));
	json_object_set_new(o, "nodes_reachable", size(rf->n_reached));
	json_object_set_new(o, "edges", size(a->facts.refgraph.n_edges));
	json_object_set_new(o, "instructions", size(a->facts.refgraph.n_insns));
	json_object_set_new(o, "undecodable_bytes", size(a->facts.refgraph.n_bad_bytes));
	json_object_set_new(o, "reachable_bytes", size(rf->reached_bytes));
	json_object_set_new(o, "dead_bytes", size(rf->dead_bytes));
	json_object_set_new(o, "live_code_bytes", size(df->live_code_bytes));
	json_object_set_new(o, "dead_code_bytes", size(df->dead_code_bytes));
	json_object_set_new(o, "live_data_bytes", size(df->live_data_bytes));
	json_object_set_new(o, "dead_data_bytes", size(df->dead_data_bytes));
	json_object_set_new(o, "dead_functions", size(df->n_functions));
	for (i = 0; i < rf->n_assumptions; i++)
		json_array_append_new(as, str(rf->assumptions[i]));
	json_object_set_new(o, "assumptions", as);
	/* Dead symbols are listed once, as dead_functions; the other levels carry bytes. */
	for (k = 0; k < LEVEL_SYMBOL; k++) {
		json_t *arr = json_array();
		const struct strset *names = &a->facts.sizes.labels[k];

		for (i = 0; i < df->n_rows[k]; i++) {
			const struct dead_row *r = &df->rows[k][i];
			json_t *e = json_object();

			json_object_set_new(e, "name", str(names->names[r->label]));
			json_object_set_new(e, "dead_file_size", size(r->dead_file));
			json_object_set_new(e, "dead_vm_size", size(r->dead_vm));
			json_object_set_new(e, "live_file_size", size(r->live_file));
			json_object_set_new(e, "live_vm_size", size(r->live_vm));
			json_array_append_new(arr, e);
		}
		json_object_set_new(lv, level_name(k), arr);
	}
	json_object_set_new(o, "dead", lv);
	return o;
}

/* Gadget counts by their last instruction (seal's before and after, the report's). */
static json_t *counts_obj(const struct gadget_counts *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "total", size(g->total));
	json_object_set_new(o, "ret", size(g->ret));
	json_object_set_new(o, "jmp", size(g->jmp));
	json_object_set_new(o, "call", size(g->call));
	json_object_set_new(o, "code_bytes", size(g->code_bytes));
	return o;
}

/* The report's gadget counts, or null when the machine has no decoder. */
static json_t *gadgets_obj(const struct audit *a)
{
	const struct gadget_facts *g = &a->facts.gadgets;
	json_t *o;

	if (!g->is_counted)
		return json_null();
	o = counts_obj(&g->n);
	json_object_set_new(o, "max_insns", size(g->max_insns));
	return o;
}

static const char *const hard_status_names[] = { "pass", "fail", "not-applicable", "unknown" };
static const char *const hard_severity_names[] = { "info", "low", "medium", "high" };

/* The report's hardening checks (docs/hardening.md) and the canary coverage behind one. */
static json_t *hardening_obj(const struct audit *a)
{
	const struct hardening_facts *hf = &a->facts.hardening;
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < hf->n_checks; i++) {
		const struct hard_check *c = &hf->checks[i];
		json_t *e = json_object();

		json_object_set_new(e, "rule", str(c->rule));
		json_object_set_new(e, "title", str(c->title));
		json_object_set_new(e, "status", str(hard_status_names[c->status]));
		json_object_set_new(e, "severity", str(hard_severity_names[c->severity]));
		json_object_set_new(e, "location", c->location ? str(c->location) : json_null());
		json_object_set_new(e, "address", c->has_address ? hex(c->address) : json_null());
		json_object_set_new(e, "evidence", str(c->evidence));
		json_object_set_new(e, "advice", c->advice ? str(c->advice) : json_null());
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "checks", arr);
	if (hf->is_measured) {
		json_t *sp = json_object(), *un = json_array();

		json_object_set_new(sp, "functions", size(hf->n_functions));
		json_object_set_new(sp, "with_buffer", size(hf->n_buffer));
		json_object_set_new(sp, "protected", size(hf->n_protected));
		json_object_set_new(sp, "undecoded", size(hf->n_undecoded));
		for (i = 0; i < hf->n_unprotected; i++) {
			const struct hard_function *f = &hf->unprotected[i];
			json_t *e = json_object();
			char buf[128];

			json_object_set_new(e, "name",
					    str(layout_node_name(a, f->node, buf, sizeof(buf))));
			json_object_set_new(e, "address", hex(a->facts.layout.nodes[f->node].lo));
			json_object_set_new(e, "frame", size(f->frame));
			json_object_set_new(e, "guard_load", json_boolean(f->has_load));
			json_object_set_new(e, "check_call", json_boolean(f->has_check));
			json_array_append_new(un, e);
		}
		json_object_set_new(sp, "unprotected", un);
		json_object_set_new(o, "stack_protector", sp);
	} else {
		json_object_set_new(o, "stack_protector", json_null());
	}
	json_object_set_new(o, "fortify_functions", size(hf->n_fortify));
	return o;
}

/* Where a secret lies: offset, address, section, symbol (the last three null when unknown). */
static void secret_where(json_t *e, const struct secret_where *w, bool with_symbol)
{
	json_object_set_new(e, "offset", size(w->offset));
	json_object_set_new(e, "address", w->has_address ? hex(w->address) : json_null());
	json_object_set_new(e, "section", str(w->section));
	if (with_symbol)
		json_object_set_new(e, "symbol", str(w->symbol));
}

/* Secrets and surprises (docs/secrets.md): the `secrets` object of the report. */
static json_t *secrets_obj(const struct audit *a)
{
	const struct secret_facts *f = &a->facts.secrets;
	json_t *o = json_object(), *keys = json_array(), *certs = json_array(),
	       *creds = json_array(), *paths = json_array(), *tools = json_array();
	size_t i;

	json_object_set_new(o, "scanned_bytes", size(f->scanned_bytes));
	for (i = 0; i < f->n_keys; i++) {
		const struct secret_key *k = &f->keys[i];
		json_t *e = json_object();

		json_object_set_new(e, "format", json_string(k->format == SECRET_PEM ? "PEM" : "DER"));
		json_object_set_new(e, "algorithm", str(k->algorithm));
		json_object_set_new(e, "bits", k->bits > 0 ? size((uint64_t)k->bits) : json_null());
		secret_where(e, &k->where, true);
		json_array_append_new(keys, e);
	}
	for (i = 0; i < f->n_certs; i++) {
		const struct secret_cert *c = &f->certs[i];
		json_t *e = json_object();

		json_object_set_new(e, "format", json_string(c->format == SECRET_PEM ? "PEM" : "DER"));
		json_object_set_new(e, "subject", str(c->subject));
		json_object_set_new(e, "issuer", str(c->issuer));
		json_object_set_new(e, "not_before", str(c->not_before));
		json_object_set_new(e, "not_after", str(c->not_after));
		json_object_set_new(e, "expired", json_boolean(c->is_expired));
		json_object_set_new(e, "self_signed", json_boolean(c->is_self_signed));
		secret_where(e, &c->where, true);
		json_array_append_new(certs, e);
	}
	for (i = 0; i < f->n_credentials; i++) {
		const struct secret_credential *c = &f->credentials[i];
		json_t *e = json_object();

		json_object_set_new(e, "keyword", str(c->keyword));
		json_object_set_new(e, "text", str(c->text));
		json_object_set_new(e, "entropy", json_real(c->entropy));
		secret_where(e, &c->where, false);
		json_array_append_new(creds, e);
	}
	for (i = 0; i < f->n_paths; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "path", str(f->paths[i].path));
		json_object_set_new(e, "user", str(f->paths[i].user));
		json_object_set_new(e, "count", size(f->paths[i].count));
		json_array_append_new(paths, e);
	}
	for (i = 0; i < f->n_toolchain; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "what", str(f->toolchain[i].what));
		json_object_set_new(e, "evidence", str(f->toolchain[i].evidence));
		json_array_append_new(tools, e);
	}
	json_object_set_new(o, "private_keys", keys);
	json_object_set_new(o, "certificates", certs);
	json_object_set_new(o, "credentials", creds);
	json_object_set_new(o, "build_paths", paths);
	json_object_set_new(o, "toolchain", tools);
	return o;
}

/* The privileged instruction inventory: totals per kind, then every site; null undecoded. */
static json_t *insns_obj(const struct audit *a)
{
	const struct insn_facts *f = &a->facts.insns;
	json_t *o, *tot, *sites;
	size_t k, i;

	if (!f->is_decoded)
		return json_null();
	o = json_object();
	tot = json_array();
	sites = json_array();
	for (k = 0; k < N_INSN_KINDS; k++) {
		json_t *t;

		if (!f->total[k])
			continue;
		t = json_object();
		json_object_set_new(t, "mnemonic", json_string(insn_kind_name((enum insn_kind)k)));
		json_object_set_new(t, "sites", size(f->total[k]));
		json_object_set_new(t, "reachable", size(f->reachable[k]));
		json_array_append_new(tot, t);
	}
	for (i = 0; i < f->n_sites; i++) {
		const struct insn_site *s = &f->sites[i];
		json_t *e = json_object();
		char buf[1024];

		json_object_set_new(e, "address", hex(s->at));
		json_object_set_new(e, "mnemonic", json_string(insn_kind_name(s->kind)));
		if (s->kind == INSN_HYPERCALL)
			json_object_set_new(e, "hypercall", s->hypercall >= 0 ?
					    size((uint64_t)s->hypercall) : json_null());
		json_object_set_new(e, "function",
				    str(layout_node_name(a, s->node, buf, sizeof(buf))));
		json_object_set_new(e, "function_address", hex(a->facts.layout.nodes[s->node].lo));
		json_object_set_new(e, "module", str(s->module));
		json_object_set_new(e, "library", str(s->library));
		json_object_set_new(e, "component", str(s->component));
		json_object_set_new(e, "package", s->package ? str(s->package) : json_null());
		json_object_set_new(e, "facility", s->facility ? str(s->facility) : json_null());
		json_object_set_new(e, "reachable", json_boolean(s->is_reachable));
		json_array_append_new(sites, e);
	}
	json_object_set_new(o, "totals", tot);
	json_object_set_new(o, "sites", sites);
	return o;
}

static json_t *tcb_row_obj(const struct tcb_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", str(r->name));
	json_object_set_new(o, "reachable_bytes", size(r->reachable));
	json_object_set_new(o, "dead_bytes", size(r->dead));
	json_object_set_new(o, "ocaml_bytes", size(r->by_class[TCB_OCAML]));
	json_object_set_new(o, "c_bytes", size(r->by_class[TCB_C]));
	json_object_set_new(o, "tables_bytes", size(r->by_class[TCB_TABLES]));
	return o;
}

static json_t *tcb_rows(const struct tcb_facts *t, enum tcb_by by)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < t->n_rows[by]; i++)
		json_array_append_new(arr, tcb_row_obj(&t->rows[by][i]));
	return arr;
}

static json_t *tcb_bytes(const char *name, uint64_t reachable, uint64_t dead)
{
	return named_pair(name, "reachable_bytes", reachable, "dead_bytes", dead);
}

/* The treemap: library > module > symbol, the folded symbols as one "[N more]". */
static json_t *tcb_tree(const struct tcb_facts *t)
{
	json_t *libs = json_array();
	size_t i, j, k;
	char buf[64];

	for (i = 0; i < t->n_tree; i++) {
		const struct tcb_library *lib = &t->tree[i];
		json_t *lo = tcb_bytes(lib->name, lib->reachable, lib->dead), *mods = json_array();

		for (j = 0; j < lib->n_modules; j++) {
			const struct tcb_module *m = &lib->modules[j];
			json_t *mo = tcb_bytes(m->name, m->reachable, m->dead), *syms = json_array();

			for (k = 0; k < m->n_symbols; k++) {
				json_t *so = json_object();

				json_object_set_new(so, "name", str(m->symbols[k].name));
				json_object_set_new(so, "bytes", size(m->symbols[k].bytes));
				json_object_set_new(so, "reachable",
						    json_boolean(m->symbols[k].is_reachable));
				json_array_append_new(syms, so);
			}
			if (m->n_more) {
				json_t *so = json_object();

				snprintf(buf, sizeof(buf), "[%zu more]", m->n_more);
				json_object_set_new(so, "name", json_string(buf));
				json_object_set_new(so, "bytes", size(m->more_bytes));
				json_object_set_new(so, "reachable", json_boolean(m->more_reachable));
				json_object_set_new(so, "reachable_bytes", size(m->more_reachable));
				json_array_append_new(syms, so);
			}
			json_object_set_new(mo, "children", syms);
			json_array_append_new(mods, mo);
		}
		json_object_set_new(lo, "children", mods);
		json_array_append_new(libs, lo);
	}
	return libs;
}

static json_t *tcb_obj(const struct audit *a)
{
	const struct tcb_facts *t = &a->facts.tcb;
	json_t *o = json_object(), *arr;
	size_t i;
	int k;

	json_object_set_new(o, "definition", json_string("docs/tcb.md"));
	json_object_set_new(o, "image_bytes", size(t->image_bytes));
	json_object_set_new(o, "reachable_bytes", size(t->reachable_bytes));
	json_object_set_new(o, "dead_bytes", size(t->dead_bytes));
	arr = json_array();
	for (k = 0; k < N_TCB_CLASSES; k++) {
		json_t *c = json_object();

		json_object_set_new(c, "class", json_string(tcb_class_name(k)));
		json_object_set_new(c, "reachable_bytes", size(t->reachable[k]));
		json_object_set_new(c, "dead_bytes", size(t->dead[k]));
		json_array_append_new(arr, c);
	}
	json_object_set_new(o, "classes", arr);
	arr = json_array();
	for (i = 0; i < t->n_unsafe; i++) {
		json_t *u = json_object();

		json_object_set_new(u, "primitive", str(t->unsafe[i].primitive));
		json_object_set_new(u, "sites", size(t->unsafe[i].sites));
		json_object_set_new(u, "reachable_sites", size(t->unsafe[i].reachable_sites));
		json_array_append_new(arr, u);
	}
	json_object_set_new(o, "unsafe", arr);
	json_object_set_new(o, "by_component", tcb_rows(t, TCB_BY_COMPONENT));
	json_object_set_new(o, "by_library", tcb_rows(t, TCB_BY_LIBRARY));
	json_object_set_new(o, "by_package", t->has_packages ? tcb_rows(t, TCB_BY_PACKAGE) :
			    json_null());
	arr = json_array();
	for (i = 0; i < a->facts.facilities.n; i++) {
		const struct facility *f = &a->facts.facilities.v[i];
		json_t *e = json_object();

		json_object_set_new(e, "name", str(f->name));
		json_object_set_new(e, "verdict", json_string(verdict_name(f->verdict)));
		json_object_set_new(e, "reachable_bytes", size(f->reachable_bytes));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "by_facility", arr);
	json_object_set_new(o, "tree", tcb_tree(t));
	arr = json_array();
	for (i = 0; i < t->n_external; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", str(t->external[i].name));
		json_object_set_new(e, "bytes", size(t->external[i].bytes));
		json_object_set_new(e, "source", str(t->external[i].source));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "external", arr);
	json_object_set_new(o, "stack_bytes", size(t->stack_bytes));
	return o;
}

static json_t *dead_function_obj(const struct audit *a, size_t i)
{
	const struct dead_function *f = &a->facts.dead.functions[i];
	json_t *e = json_object();
	char buf[128];

	json_object_set_new(e, "name", str(layout_node_name(a, f->node, buf, sizeof(buf))));
	json_object_set_new(e, "address", hex(a->facts.layout.nodes[f->node].lo));
	json_object_set_new(e, "size", size(f->size));
	json_object_set_new(e, "module", str(f->module));
	json_object_set_new(e, "library", str(f->library));
	json_object_set_new(e, "component", str(f->component));
	return e;
}

static json_t *dead_functions(const struct audit *a)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < a->facts.dead.n_functions; i++)
		json_array_append_new(arr, dead_function_obj(a, i));
	return arr;
}

static json_t *why_obj(const struct audit *a, const struct view *v)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct refgraph_facts *g = &a->facts.refgraph;
	json_t *o = json_object(), *chain = json_array();
	size_t i;
	char buf[128];

	json_object_set_new(o, "query", str(v->why_query));
	json_object_set_new(o, "target", str(v->why_target));
	json_object_set_new(o, "reachable", json_boolean(v->n_why > 0));
	for (i = 0; i < v->n_why; i++) {
		const struct why_step *st = &v->why_chain[i];
		json_t *e = json_object();

		json_object_set_new(e, "name", str(layout_node_name(a, st->node, buf, sizeof(buf))));
		json_object_set_new(e, "address", hex(l->nodes[st->node].lo));
		if (i == 0) {
			json_object_set_new(e, "root", str(a->facts.reach.roots[v->why_root].why));
		} else {
			json_object_set_new(e, "kind", json_string(edge_kind_name(
							g->edges[st->edge].kind)));
			json_object_set_new(e, "at", hex(g->edges[st->edge].at));
		}
		json_array_append_new(chain, e);
	}
	json_object_set_new(o, "chain", chain);
	return o;
}

static json_t *chain_arr(const struct audit *a, int32_t node)
{
	json_t *arr = json_array();
	uint32_t chain[64];
	size_t n, i;
	char buf[128];

	if (node < 0)
		return arr;
	n = reach_chain(a, (uint32_t)node, chain, 64);
	for (i = 0; i < n; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", str(layout_node_name(a, chain[i], buf, sizeof(buf))));
		json_object_set_new(e, "address", hex(a->facts.layout.nodes[chain[i]].lo));
		json_array_append_new(arr, e);
	}
	return arr;
}

/* ---- the build: the three-way view and packages (analyzers/linkage.c) ---- */

/* The "sealed out" split of facility K when a build was given, or NULL. */
static json_t *sealed_out_obj(const struct audit *a, size_t k)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct linkage_facility *x;
	json_t *o;

	if (!lf->has_build || k >= lf->n_facilities)
		return NULL;
	x = &lf->facilities[k];
	o = json_object();
	json_object_set_new(o, "how", x->how == SEALED_NOT ? json_null() :
			    json_string(sealed_how_name(x->how)));
	json_object_set_new(o, "objects_available", size(x->n_available));
	json_object_set_new(o, "objects_linked", size(x->n_linked));
	json_object_set_new(o, "objects_left_out", size(x->n_left_out));
	json_object_set_new(o, "objects_dead", size(x->n_dead));
	json_object_set_new(o, "left_out_bytes", size(x->left_out_bytes));
	json_object_set_new(o, "dead_bytes", size(x->dead_bytes));
	return o;
}

static json_t *group_obj(const struct linkage_group *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", str(g->name));
	json_object_set_new(o, "objects_available", size(g->n_available));
	json_object_set_new(o, "objects_linked", size(g->n_linked));
	json_object_set_new(o, "objects_left_out", size(g->n_left_out));
	json_object_set_new(o, "objects_unknown", size(g->n_unknown));
	json_object_set_new(o, "objects_reachable", size(g->n_reachable));
	json_object_set_new(o, "objects_dead", size(g->n_dead));
	json_object_set_new(o, "available_bytes", size(g->available_bytes));
	json_object_set_new(o, "left_out_bytes", size(g->left_out_bytes));
	json_object_set_new(o, "linked_bytes", size(g->linked_bytes));
	json_object_set_new(o, "reachable_bytes", size(g->reachable_bytes));
	json_object_set_new(o, "dead_bytes", size(g->dead_bytes));
	return o;
}

static json_t *build_object_obj(const struct audit *a, size_t i)
{
	const struct build *b = a->opt.build;
	const struct build_object *o = &b->objects[i];
	const struct linkage_object *lo = &a->facts.linkage.objects[i];
	json_t *e = json_object();

	json_object_set_new(e, "name", str(build_object_name(b, o)));
	json_object_set_new(e, "path", str(o->path));
	json_object_set_new(e, "member", str(o->member));
	json_object_set_new(e, "unit", str(o->unit));
	json_object_set_new(e, "module", str(lo->module));
	json_object_set_new(e, "state", json_string(link_state_name(o->state)));
	json_object_set_new(e, "why_file", str(o->why_file));
	json_object_set_new(e, "why_symbol", str(o->why_symbol));
	json_object_set_new(e, "library", str(o->library));
	json_object_set_new(e, "package", str(o->package));
	json_object_set_new(e, "version", str(o->version));
	json_object_set_new(e, "symbols_known", json_boolean(o->symbols_known));
	json_object_set_new(e, "alloc_bytes", size(o->alloc_bytes));
	json_object_set_new(e, "placed_bytes", size(o->placed_bytes));
	json_object_set_new(e, "discarded_bytes", size(o->discarded_bytes));
	json_object_set_new(e, "linked_bytes", size(lo->linked_bytes));
	json_object_set_new(e, "reachable_bytes", size(lo->reachable_bytes));
	json_object_set_new(e, "dead_bytes", size(lo->dead_bytes));
	json_object_set_new(e, "rewritten_bytes", size(lo->ignored_bytes));
	json_object_set_new(e, "located", json_boolean(lo->is_located));
	json_object_set_new(e, "dead", json_boolean(lo->is_dead));
	return e;
}

static json_t *strings_arr(const char *const *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, str(v[i]));
	return arr;
}

/* The SBOM-like list: one entry per package group, "[unknown]" for what no file attributes. */
static json_t *packages_arr(const struct audit *a)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < lf->n_packages; i++) {
		const struct linkage_group *g = &lf->packages[i];
		const struct build_package *p = build_package_of(a->opt.build, g->name);
		json_t *e = json_object();

		json_object_set_new(e, "name", str(g->name));
		json_object_set_new(e, "version", str(g->version ? g->version :
						      p ? p->version : NULL));
		json_object_set_new(e, "bytes_linked", size(g->linked_bytes));
		json_object_set_new(e, "bytes_reachable", size(g->reachable_bytes));
		json_object_set_new(e, "objects_linked", size(g->n_linked));
		json_object_set_new(e, "objects_available", size(g->n_available));
		json_object_set_new(e, "from", str(p ? p->from : NULL));
		json_array_append_new(arr, e);
	}
	return arr;
}

static json_t *build_obj(const struct audit *a)
{
	const struct build *b = a->opt.build;
	const struct linkage_facts *lf = &a->facts.linkage;
	json_t *o = json_object(), *libs = json_array(), *objs = json_array(), *link = json_null();
	size_t i;

	json_object_set_new(o, "dir", str(b->dir));
	json_object_set_new(o, "map", str(b->map));
	json_object_set_new(o, "layout", str(b->layout));
	json_object_set_new(o, "target", str(b->target));
	json_object_set_new(o, "files_read", strings_arr(b->files_read, b->n_files_read));
	if (b->link.is_known) {
		link = json_object();
		json_object_set_new(link, "from", str(b->link.from));
		json_object_set_new(link, "driver", str(b->link.driver));
		json_object_set_new(link, "cwd", str(b->link.cwd));
		json_object_set_new(link, "output", str(b->link.output));
		json_object_set_new(link, "argv", strings_arr((const char *const *)b->link.argv,
							      b->link.argc));
	}
	json_object_set_new(o, "link", link);
	json_object_set_new(o, "total", group_obj(&lf->total));
	for (i = 0; i < lf->n_libraries; i++)
		json_array_append_new(libs, group_obj(&lf->libraries[i]));
	json_object_set_new(o, "libraries", libs);
	for (i = 0; i < lf->n_objects; i++)
		json_array_append_new(objs, build_object_obj(a, i));
	json_object_set_new(o, "objects", objs);
	json_object_set_new(o, "warnings", diag_entries_arr(&b->diag));
	return o;
}

/* With a build: the linked objects of which nothing can run, in build order. */
static json_t *dead_objects_arr(const struct audit *a)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < lf->n_objects; i++)
		if (lf->objects[i].is_dead)
			json_array_append_new(arr, json_pack("{s:o, s:I}", "name",
				str(build_object_name(a->opt.build,
						      &a->opt.build->objects[i])),
				"dead_bytes", (json_int_t)lf->objects[i].dead_bytes));
	return arr;
}

/* why-linked: the map's chain, target first. */
static json_t *linked_obj(const struct audit *a, const struct view *v)
{
	const struct build *b = a->opt.build;
	const struct build_object *t = &b->objects[v->link_target];
	json_t *o = json_object(), *chain = json_array();
	size_t i;

	json_object_set_new(o, "object", str(build_object_name(b, t)));
	json_object_set_new(o, "state", json_string(link_state_name(t->state)));
	json_object_set_new(o, "complete", json_boolean(v->is_link_complete));
	for (i = 0; i < v->n_link; i++) {
		const struct build_object *x = &b->objects[v->link_chain[i]];
		json_t *e = json_object();

		json_object_set_new(e, "object", str(build_object_name(b, x)));
		json_object_set_new(e, "state", json_string(link_state_name(x->state)));
		json_object_set_new(e, "why_file", str(x->why_file));
		json_object_set_new(e, "why_symbol", str(x->why_symbol));
		json_array_append_new(chain, e);
	}
	json_object_set_new(o, "chain", chain);
	return o;
}

static json_t *facility_obj(const struct audit *a, const struct facility *f)
{
	json_t *o = json_object(), *units = json_array(), *near = json_array(), *stubs, *sealed;
	char buf[256];
	size_t i;

	json_object_set_new(o, "name", str(f->name));
	json_object_set_new(o, "class", str(f->klass));
	json_object_set_new(o, "device", str(f->device));
	json_object_set_new(o, "description", str(f->description));
	json_object_set_new(o, "verdict", json_string(verdict_name(f->verdict)));
	json_object_set_new(o, "bytes", size(f->bytes));
	json_object_set_new(o, "reachable_bytes", size(f->reachable_bytes));
	json_object_set_new(o, "dead_bytes", size(f->dead_bytes));
	json_object_set_new(o, "nodes", size(f->n_nodes));
	for (i = 0; i < f->n_units; i++)
		json_array_append_new(units, str(f->units[i]));
	json_object_set_new(o, "units", units);
	for (i = 0; i < f->n_near_misses; i++)
		json_array_append_new(near, str(f->near_misses[i]));
	json_object_set_new(o, "near_misses", near);
	json_object_set_new(o, "witness",
			    chain_arr(a, f->verdict == VERDICT_REACHABLE ||
					 f->verdict == VERDICT_INERT ? f->witness : -1));
	json_object_set_new(o, "inert_rule", str(f->inert_rule));
	stubs = json_array();
	for (i = 0; i < f->n_stubs; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", str(layout_node_name(a, f->stubs[i].node, buf,
								     sizeof(buf))));
		json_object_set_new(e, "address", hex(a->facts.layout.nodes[f->stubs[i].node].lo));
		json_object_set_new(e, "kind", json_string(stub_kind_name(f->stubs[i].kind)));
		json_array_append_new(stubs, e);
	}
	json_object_set_new(o, "stubs", stubs);
	json_object_set_new(o, "not_inert", str(f->not_inert));
	if ((sealed = sealed_out_obj(a, (size_t)(f - a->facts.facilities.v))))
		json_object_set_new(o, "sealed_out", sealed);
	return o;
}

static json_t *facilities_arr(const struct audit *a, bool drivers_only)
{
	const struct facility_facts *ff = &a->facts.facilities;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < ff->n; i++)
		if (!drivers_only || !strcmp(ff->v[i].klass, "driver"))
			json_array_append_new(arr, facility_obj(a, &ff->v[i]));
	return arr;
}

static json_t *findings_arr(const struct audit *a)
{
	json_t *arr = json_array();
	size_t i, n = findings_count(a);

	for (i = 0; i < n; i++) {
		const struct finding *f = findings_at(a, i);
		json_t *e = json_object();

		json_object_set_new(e, "rule", str(f->rule));
		json_object_set_new(e, "severity", json_string(severity_name(f->severity)));
		json_object_set_new(e, "facility", str(f->facility));
		json_object_set_new(e, "location", str(f->location));
		json_object_set_new(e, "message", str(f->message));
		json_object_set_new(e, "witness", chain_arr(a, f->witness));
		if (f->advice)
			json_object_set_new(e, "advice", str(f->advice));
		json_array_append_new(arr, e);
	}
	return arr;
}

static json_t *tool_obj(void)
{
	json_t *t = json_object();

	json_object_set_new(t, "name", json_string("mirage-audit"));
	json_object_set_new(t, "version", json_string(MA_VERSION));
	return t;
}

/*
 * The symbols array can hold a million rows; as a jansson tree it would cost
 * several times the image. It is written row by row instead, each row still
 * encoded by jansson, in place of a placeholder string that cannot occur in
 * the rest of the document (it carries a per-run random tag).
 */
static json_t *symbol_row_obj(const struct audit *a, size_t i)
{
	const struct size_facts *sf = &a->facts.sizes;
	const struct size_row *r = &sf->rows[LEVEL_SYMBOL][i];

	return entry(sf->labels[LEVEL_SYMBOL].names[r->label], r->file_size, r->vm_size);
}

/* An array written row by row in place of its placeholder string. */
struct streamed {
	const char *placeholder;
	size_t n;
	json_t *(*row)(const struct audit *a, size_t i);
	const char *indent;		/* before each row; the closing bracket gets one less */
};

/* ROOT, with the arrays of ST (N of them, in document order) streamed in place. */
static int dump_streamed(const struct audit *a, json_t *root, const struct streamed *st, size_t n,
			 FILE *out)
{
	char *doc = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER), *pos = doc, *at;
	char quoted[80];
	size_t k, i;
	int rc = 0;

	if (!doc)
		return -1;
	for (k = 0; k < n && rc == 0; k++) {
		snprintf(quoted, sizeof(quoted), "\"%s\"", st[k].placeholder);
		if (!(at = strstr(pos, quoted))) {
			rc = -1;
			break;
		}
		fwrite(pos, 1, (size_t)(at - pos), out);
		fputc('[', out);
		for (i = 0; i < st[k].n && rc == 0; i++) {
			json_t *e = st[k].row(a, i);

			fputs(i ? ",\n" : "\n", out);
			fputs(st[k].indent, out);
			rc = json_dumpf(e, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(e);
		}
		if (i)
			fprintf(out, "\n%.*s]", (int)strlen(st[k].indent) - 1, st[k].indent);
		else
			fputc(']', out);
		pos = at + strlen(quoted);
	}
	if (rc == 0)
		fputs(pos, out);
	free(doc);
	return rc;
}

static void random_tag(char *buf, size_t size)
{
	unsigned char r[12] = { 0 };
	FILE *f = fopen("/dev/urandom", "rb");
	size_t i, o;

	if (f) {
		if (fread(r, 1, sizeof(r), f) != sizeof(r))
			memset(r, 0x5a, sizeof(r));
		fclose(f);
	}
	o = (size_t)snprintf(buf, size, "@@mirage-audit-symbols-");
	for (i = 0; i < sizeof(r) && o + 3 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%02x", r[i]);
}

/* ---- diff ---------------------------------------------------------------- */

static json_t *delta(int64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *side_obj(const struct snapshot *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "source", str(s->source));
	json_object_set_new(o, "kind", json_string(s->is_report ? "report" : "image"));
	json_object_set_new(o, "sha256", str(s->sha256));
	json_object_set_new(o, "file_size", size(s->file_total));
	json_object_set_new(o, "vm_size", size(s->vm_total));
	json_object_set_new(o, "target", str(s->target));
	return o;
}

static json_t *diff_level_obj(const struct diff_level *dl)
{
	json_t *o = json_object(), *rows = json_array();
	size_t i;

	json_object_set_new(o, "file_delta", delta(dl->d_file));
	json_object_set_new(o, "vm_delta", delta(dl->d_vm));
	for (i = 0; i < dl->n_rows; i++) {
		const struct diff_row *r = &dl->rows[i];
		json_t *e = json_object();

		json_object_set_new(e, "name", str(r->name));
		json_object_set_new(e, "change", json_string(diff_change_name(r->change)));
		json_object_set_new(e, "file_delta", delta(r->d_file));
		json_object_set_new(e, "vm_delta", delta(r->d_vm));
		json_object_set_new(e, "old_file_size", size(r->old_file));
		json_object_set_new(e, "new_file_size", size(r->new_file));
		json_object_set_new(e, "old_vm_size", size(r->old_vm));
		json_object_set_new(e, "new_vm_size", size(r->new_vm));
		json_array_append_new(rows, e);
	}
	json_object_set_new(o, "rows", rows);
	return o;
}

static json_t *change_obj(const char *old, const char *new)
{
	json_t *o = json_object();

	json_object_set_new(o, "old", str(old));
	json_object_set_new(o, "new", str(new));
	json_object_set_new(o, "changed", json_boolean(!(old == new || (old && new &&
								     !strcmp(old, new)))));
	return o;
}

static json_t *names_arr(const char *const *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, str(v[i]));
	return arr;
}

static json_t *capabilities_obj(const struct diff *d)
{
	json_t *o = json_object(), *devs = json_array();
	size_t i;

	json_object_set_new(o, "target", change_obj(d->old->target, d->new->target));
	json_object_set_new(o, "solo5_abi", change_obj(d->old->abi_target, d->new->abi_target));
	{
		json_t *v = json_object();

		json_object_set_new(v, "old", d->old->abi_target ?
				    json_integer(d->old->abi_version) : json_null());
		json_object_set_new(v, "new", d->new->abi_target ?
				    json_integer(d->new->abi_version) : json_null());
		json_object_set_new(v, "changed", json_boolean(d->old->abi_version !=
								d->new->abi_version));
		json_object_set_new(o, "solo5_abi_version", v);
	}
	for (i = 0; i < d->n_devices; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", str(d->devices[i].name));
		json_object_set_new(e, "type", str(d->devices[i].type));
		json_object_set_new(e, "change", json_string(d->devices[i].is_added ? "added" :
							    "removed"));
		json_array_append_new(devs, e);
	}
	json_object_set_new(o, "devices", devs);
	if (d->has_verdicts) {
		json_t *arr = json_array();

		for (i = 0; i < d->n_verdicts; i++) {
			const struct diff_verdict *f = &d->verdicts[i];
			json_t *e = json_object();

			json_object_set_new(e, "name", str(f->name));
			json_object_set_new(e, "class", str(f->klass));
			json_object_set_new(e, "old", str(f->old_verdict));
			json_object_set_new(e, "new", str(f->new_verdict));
			json_array_append_new(arr, e);
		}
		json_object_set_new(o, "verdicts", arr);
	} else {
		json_object_set_new(o, "verdicts", json_null());
	}
	if (d->has_reach) {
		json_t *r = json_object();

		json_object_set_new(r, "now_reachable", names_arr(d->now_reachable,
								  d->n_now_reachable));
		json_object_set_new(r, "now_dead", names_arr(d->now_dead, d->n_now_dead));
		json_object_set_new(o, "functions", r);
	} else {
		json_object_set_new(o, "functions", json_null());
	}
	return o;
}

static json_t *diff_doc(const struct diff *d)
{
	const struct diff_summary *s = &d->summary;
	json_t *root = json_object(), *sum = json_object(), *lv = json_object(), *tot = json_object();
	char line[256];
	int l;

	json_object_set_new(root, "schema", json_string("mirage-audit/diff"));
	json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
	json_object_set_new(root, "tool", tool_obj());
	json_object_set_new(root, "command", json_string("diff"));
	json_object_set_new(root, "old", side_obj(d->old));
	json_object_set_new(root, "new", side_obj(d->new));
	json_object_set_new(root, "changed", json_boolean(!diff_is_empty(d)));
	snprintf(line, sizeof(line), "add/remove: %zu/%zu grow/shrink: %zu/%zu up/down: %" PRIu64
		 "/-%" PRIu64 " (%" PRId64 ")", s->added, s->removed, s->grown, s->shrunk, s->up,
		 s->down, s->net);
	json_object_set_new(sum, "line", json_string(line));
	json_object_set_new(sum, "added", size(s->added));
	json_object_set_new(sum, "removed", size(s->removed));
	json_object_set_new(sum, "grown", size(s->grown));
	json_object_set_new(sum, "shrunk", size(s->shrunk));
	json_object_set_new(sum, "up", size(s->up));
	json_object_set_new(sum, "down", size(s->down));
	json_object_set_new(sum, "net", delta(s->net));
	json_object_set_new(root, "summary", sum);
	json_object_set_new(tot, "file_delta", delta(d->d_file));
	json_object_set_new(tot, "vm_delta", delta(d->d_vm));
	json_object_set_new(root, "total", tot);
	for (l = 0; l < N_LEVELS; l++)
		json_object_set_new(lv, level_name(l), diff_level_obj(&d->levels[l]));
	json_object_set_new(root, "levels", lv);
	json_object_set_new(root, "capabilities", capabilities_obj(d));
	return root;
}

/* check: schema mirage-audit/check (docs/check.schema.json). */
static json_t *check_doc(const struct audit *a, const struct view *v)
{
	const struct check *c = v->check;
	json_t *root = json_object(), *lines = json_array(), *counts = json_object();
	size_t i;

	json_object_set_new(root, "schema", json_string("mirage-audit/check"));
	json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
	json_object_set_new(root, "tool", tool_obj());
	json_object_set_new(root, "image", image_obj(a));
	json_object_set_new(root, "budget", str(c->budget));
	json_object_set_new(root, "baseline", str(c->baseline));
	json_object_set_new(root, "verdict", json_string(c->n_fail ? "fail" : "pass"));
	json_object_set_new(counts, "lines", size(c->n_lines));
	json_object_set_new(counts, "passed", size(c->n_pass));
	json_object_set_new(counts, "failed", size(c->n_fail));
	json_object_set_new(counts, "skipped", size(c->n_skip));
	json_object_set_new(root, "counts", counts);
	for (i = 0; i < c->n_lines; i++) {
		const struct check_line *l = &c->lines[i];
		json_t *e = json_object();

		json_object_set_new(e, "rule", json_string(check_rule(l->kind)));
		json_object_set_new(e, "key", str(l->key));
		json_object_set_new(e, "subject", str(l->subject));
		json_object_set_new(e, "status", json_string(check_status_name(l->status)));
		json_object_set_new(e, "message", str(l->message));
		if (l->has_bytes) {
			json_object_set_new(e, "figure", !l->is_measured ? json_null() :
					    delta(l->figure));
			json_object_set_new(e, "limit", size(l->limit));
		}
		if (l->has_percent) {
			json_object_set_new(e, "figure", !l->is_measured ||
					    !isfinite(l->pct_figure) ? json_null() :
					    json_real(l->pct_figure));
			json_object_set_new(e, "limit", json_real(l->pct_limit));
		}
		if (l->verdict)
			json_object_set_new(e, "verdict", json_string(l->verdict));
		json_object_set_new(e, "witness", chain_arr(a, l->witness));
		json_array_append_new(lines, e);
	}
	json_object_set_new(root, "lines", lines);
	json_object_set_new(root, "findings", findings_arr(a));
	if (c->diff) {
		json_t *d = diff_doc(c->diff);

		json_object_del(d, "schema");
		json_object_del(d, "schema_version");
		json_object_del(d, "tool");
		json_object_del(d, "command");
		json_object_set_new(root, "against_baseline", d);
	} else {
		json_object_set_new(root, "against_baseline", json_null());
	}
	if (c->ratchet) {
		json_t *r = json_object();

		json_object_set_new(r, "output", str(c->ratchet));
		json_object_set_new(r, "lowered", size(c->n_tightened));
		json_object_set_new(root, "ratchet", r);
	} else {
		json_object_set_new(root, "ratchet", json_null());
	}
	json_object_set_new(root, "diagnostics", diag_arr(a));
	return root;
}

static json_t *ranges_arr(const struct seal_range *r, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "lo", hex(r[i].lo));
		json_object_set_new(o, "hi", hex(r[i].hi));
		json_object_set_new(o, "size", size(r[i].hi - r[i].lo));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* A seal record: what `report` says of a sealed image and what `seal --check` read. */
static json_t *seal_record_obj(const struct seal_record *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "tool", str(r->tool));
	json_object_set_new(o, "input_sha256", str(r->input_sha256));
	json_object_set_new(o, "loaded_sha256", str(r->loaded_sha256));
	json_object_set_new(o, "precision", str(r->precision));
	json_object_set_new(o, "level", str(r->level));
	json_object_set_new(o, "trap", str(r->trap));
	json_object_set_new(o, "trapped_bytes", size(r->trapped_bytes));
	json_object_set_new(o, "where", str(r->where));
	json_object_set_new(o, "ranges", ranges_arr(r->ranges, r->n_ranges));
	return o;
}

/* seal --relink (schema mirage-audit/seal-relink). */
static json_t *relink_doc(const struct audit *a, const struct view *v)
{
	const struct relink_result *r = v->seal->relink;
	const struct relink_plan *p = r->plan;
	json_t *root = json_object(), *stubbed = json_array(), *kept = json_array(), *lv;
	size_t k, i;

	json_object_set_new(root, "schema", json_string("mirage-audit/seal-relink"));
	json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
	json_object_set_new(root, "tool", tool_obj());
	json_object_set_new(root, "image", image_obj(a));
	json_object_set_new(root, "output", str(r->output));
	json_object_set_new(root, "link_from", str(r->link_from));
	json_object_set_new(root, "trap", str(p->trap));
	json_object_set_new(root, "file_bytes_before", size(r->file_before));
	json_object_set_new(root, "file_bytes_after", size(r->file_after));
	json_object_set_new(root, "loaded_bytes_before", size(r->load_before));
	json_object_set_new(root, "loaded_bytes_after", size(r->load_after));
	json_object_set_new(root, "stubbed_bytes", size(p->stubbed_bytes));
	for (i = 0; i < p->n_objects; i++) {
		const struct relink_object *o = &p->objects[i];
		json_t *e = json_object();

		json_object_set_new(e, "object", str(o->name));
		json_object_set_new(e, "unit", str(o->unit));
		json_object_set_new(e, "bytes", size(o->bytes));
		if (o->verdict == RELINK_STUB) {
			json_object_set_new(e, "traps", size(o->n_traps));
			json_array_append_new(stubbed, e);
		} else {
			json_object_set_new(e, "why", str(o->why));
			json_array_append_new(kept, e);
		}
	}
	json_object_set_new(root, "stubbed", stubbed);
	json_object_set_new(root, "kept", kept);
	lv = json_object();
	for (k = 0; k < sizeof(relink_levels) / sizeof(relink_levels[0]); k++) {
		enum level l = relink_levels[k];
		json_t *rows = json_array();

		for (i = 0; i < r->n_rows[l]; i++) {
			const struct relink_row *w = &r->rows[l][i];
			json_t *o = json_object();

			json_object_set_new(o, "name", str(w->name));
			json_object_set_new(o, "before", size(w->before));
			json_object_set_new(o, "after", size(w->after));
			json_object_set_new(o, "change", json_integer((json_int_t)w->after -
								      (json_int_t)w->before));
			json_array_append_new(rows, o);
		}
		json_object_set_new(lv, level_name(l), rows);
	}
	json_object_set_new(root, "levels", lv);
	json_object_set_new(root, "diagnostics", diag_arr(a));
	return root;
}

/* seal (schema mirage-audit/seal) and seal --check (mirage-audit/seal-check). */
static json_t *seal_doc(const struct audit *a, const struct view *v)
{
	const struct seal_result *r = v->seal;
	const struct seal_plan *p = r->plan;
	json_t *root = json_object(), *lv, *fails;
	size_t k, i;

	json_object_set_new(root, "schema", json_string(r->is_check ? "mirage-audit/seal-check" :
							"mirage-audit/seal"));
	json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
	json_object_set_new(root, "tool", tool_obj());
	json_object_set_new(root, "image", image_obj(a));
	if (r->is_check) {
		json_object_set_new(root, "original", str(r->original));
		json_object_set_new(root, "record", r->record ? seal_record_obj(r->record) :
				    json_null());
		json_object_set_new(root, "ok", json_boolean(r->n_failures == 0));
		json_object_set_new(root, "checks", size(r->n_checks));
		fails = json_array();
		for (i = 0; i < r->n_failures; i++)
			json_array_append_new(fails, str(r->failures[i]));
		json_object_set_new(root, "failures", fails);
		json_object_set_new(root, "diagnostics", diag_arr(a));
		return root;
	}
	json_object_set_new(root, "output", str(r->output));
	json_object_set_new(root, "level", json_string(seal_level_name(p->level)));
	json_object_set_new(root, "precision", json_string(
		a->facts.reach.precision == PRECISION_OCAML ? "ocaml" : "conservative"));
	json_object_set_new(root, "trap", json_string(p->trap_name));
	json_object_set_new(root, "input_sha256", str(r->input_sha256));
	json_object_set_new(root, "reseal", json_boolean(p->is_reseal));
	json_object_set_new(root, "code_bytes", size(p->code_bytes));
	json_object_set_new(root, "live_bytes", size(p->live_bytes));
	json_object_set_new(root, "dead_bytes", size(p->dead_bytes));
	json_object_set_new(root, "trapped_bytes", size(p->trapped_bytes));
	json_object_set_new(root, "trapped_functions", size(p->n_functions));
	json_object_set_new(root, "kept_dead_nodes", size(p->n_spared));
	json_object_set_new(root, "ranges", ranges_arr(p->ranges, p->n_ranges));
	lv = json_object();
	for (k = 0; k < SEAL_N_LEVELS; k++) {
		json_t *rows = json_array();

		for (i = 0; i < p->n_rows[k]; i++) {
			const struct seal_row *w = &p->rows[k][i];
			json_t *o = json_object();

			json_object_set_new(o, "name", str(w->name));
			json_object_set_new(o, "code", size(w->code));
			json_object_set_new(o, "live", size(w->live));
			json_object_set_new(o, "dead", size(w->dead));
			json_object_set_new(o, "trapped", size(w->trapped));
			json_array_append_new(rows, o);
		}
		json_object_set_new(lv, level_name(seal_levels[k]), rows);
	}
	json_object_set_new(root, "levels", lv);
	if (r->has_gadgets) {
		json_t *g = json_object();

		json_object_set_new(g, "max_insns", json_integer(GADGET_MAX_INSNS));
		json_object_set_new(g, "before", counts_obj(&r->gadgets_before));
		json_object_set_new(g, "after", counts_obj(&r->gadgets_after));
		json_object_set_new(root, "gadgets", g);
	} else {
		json_object_set_new(root, "gadgets", json_null());
	}
	json_object_set_new(root, "diagnostics", diag_arr(a));
	return root;
}

static int json_render(const struct audit *a, const struct view *v, FILE *out)
{
	json_t *root;
	int rc;
	char tag[64], dead_tag[80];
	const char *placeholder = NULL;

	if (v->kind == VIEW_DIFF || v->kind == VIEW_CHECK || v->kind == VIEW_SEAL) {
		root = v->kind == VIEW_DIFF ? diff_doc(v->diff) : v->kind != VIEW_SEAL ?
			check_doc(a, v) : v->seal->relink ? relink_doc(a, v) : seal_doc(a, v);
		rc = json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		json_decref(root);
		if (rc < 0 || fputc('\n', out) == EOF)
			return -1;
		return ferror(out) ? -1 : 0;
	}
	root = json_object();

	if (v->kind == VIEW_FACILITIES || v->kind == VIEW_DRIVERS) {
		bool drivers = v->kind == VIEW_DRIVERS;

		json_object_set_new(root, "schema", json_string(drivers ? "mirage-audit/drivers" :
								"mirage-audit/facilities"));
		json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
		json_object_set_new(root, "tool", tool_obj());
		json_object_set_new(root, "image", image_obj(a));
		json_object_set_new(root, "target", str(a->facts.platform.target));
		json_object_set_new(root, "precision",
				    json_string(precision_name(a->facts.reach.precision)));
		json_object_set_new(root, drivers ? "drivers" : "facilities",
				    facilities_arr(a, drivers));
		json_object_set_new(root, "findings", findings_arr(a));
	} else if (v->kind == VIEW_DEAD || v->kind == VIEW_WHY || v->kind == VIEW_WHY_LINKED) {
		json_object_set_new(root, "schema", json_string(v->kind == VIEW_DEAD ?
								"mirage-audit/dead" :
								"mirage-audit/why"));
		json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
		json_object_set_new(root, "tool", tool_obj());
		json_object_set_new(root, "image", image_obj(a));
		json_object_set_new(root, "reachability", reach_obj(a));
		if (v->kind == VIEW_DEAD)
			json_object_set_new(root, "dead_functions", dead_functions(a));
		else
			json_object_set_new(root, "why", why_obj(a, v));
		if (v->kind == VIEW_DEAD && a->facts.linkage.has_build)
			json_object_set_new(root, "dead_objects", dead_objects_arr(a));
		if (v->kind == VIEW_WHY_LINKED)
			json_object_set_new(root, "linked", linked_obj(a, v));
	} else if (v->kind == VIEW_SIZE) {
		json_t *lv = json_array();
		size_t i;

		json_object_set_new(root, "schema", json_string("mirage-audit/size"));
		json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
		json_object_set_new(root, "tool", tool_obj());
		json_object_set_new(root, "image", image_obj(a));
		for (i = 0; i < v->n_levels; i++)
			json_array_append_new(lv, json_string(level_name(v->levels[i])));
		json_object_set_new(root, "levels", lv);
		json_object_set_new(root, "sort", json_string(v->sort_vm ? "vm" : "file"));
		json_object_set_new(root, "tree", tree_obj(&v->root));
	} else {
		random_tag(tag, sizeof(tag));
		placeholder = tag;
		snprintf(dead_tag, sizeof(dead_tag), "%s-dead", tag);
		json_object_set_new(root, "schema", json_string("mirage-audit/report"));
		json_object_set_new(root, "schema_version", json_integer(MA_SCHEMA_VERSION));
		json_object_set_new(root, "tool", tool_obj());
		json_object_set_new(root, "image", image_obj(a));
		json_object_set_new(root, "platform", platform_obj(a));
		json_object_set_new(root, "ocaml", ocaml_obj(a));
		if (a->facts.platform.seal)
			json_object_set_new(root, "sealed", seal_record_obj(a->facts.platform.seal));
		json_object_set_new(root, "sizes", sizes_obj(a, v, placeholder));
		if (a->facts.reach.is_done)
			json_object_set_new(root, "reachability", reach_obj(a));
		if (a->facts.dead.is_done)
			json_object_set_new(root, "dead_functions", json_string(dead_tag));
		if (a->facts.facilities.is_done) {
			json_object_set_new(root, "facilities", facilities_arr(a, false));
			json_object_set_new(root, "drivers", facilities_arr(a, true));
			json_object_set_new(root, "findings", findings_arr(a));
		}
		if (a->facts.gadgets.is_done)
			json_object_set_new(root, "gadgets", gadgets_obj(a));
		if (a->facts.hardening.is_done)
			json_object_set_new(root, "hardening", hardening_obj(a));
		if (a->facts.insns.is_done)
			json_object_set_new(root, "privileged_instructions", insns_obj(a));
		if (a->facts.tcb.is_done)
			json_object_set_new(root, "tcb", tcb_obj(a));
		if (a->facts.secrets.is_done)
			json_object_set_new(root, "secrets", secrets_obj(a));
		if (a->facts.linkage.has_build) {
			json_object_set_new(root, "build", build_obj(a));
			json_object_set_new(root, "packages", packages_arr(a));
		}
	}
	json_object_set_new(root, "diagnostics", diag_arr(a));
	if (placeholder) {
		const struct streamed st[2] = {
			{ placeholder, a->facts.sizes.n_rows[LEVEL_SYMBOL], symbol_row_obj, "   " },
			{ dead_tag, a->facts.dead.n_functions, dead_function_obj, "  " },
		};

		rc = dump_streamed(a, root, st, a->facts.dead.is_done ? 2 : 1, out);
	}
	else
		rc = json_dumpf(root, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return ferror(out) ? -1 : 0;
}

const struct reporter report_json = {
	.name = "json",
	.render = json_render,
	.views = VIEW_AUDIT_ALL | VIEW_BIT(VIEW_DIFF) | VIEW_BIT(VIEW_CHECK) | VIEW_BIT(VIEW_SEAL) |
		 VIEW_BIT(VIEW_WHY_LINKED),
};

/*
 * The report document is built where json_render() builds it, and read back from its own
 * text: the page (reports/html.c) then shows exactly what `report -f json` writes, with the
 * streamed arrays in place, whatever sections json_render() gains.
 */
struct json_t *json_report_doc(const struct audit *a, const struct view *v)
{
	struct view rv = *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	json_t *root = NULL;
	int rc;

	if (!m)
		return NULL;
	rv.kind = VIEW_REPORT;
	rc = json_render(a, &rv, m);
	if (fclose(m) == 0 && rc == 0)
		root = json_loadb(buf, len, 0, NULL);
	free(buf);
	return root;
}

struct json_t *json_diff_doc(const struct diff *d)
{
	return diff_doc(d);
}
