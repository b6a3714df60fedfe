// SPDX-License-Identifier: ISC
/* check: a query over an audit, its snapshot, a budget and a diff; nothing is printed here. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gates/check.h"
#include "audit/core/vocab.h"

static const struct {
	const char *id, *title;
} rules[N_CHECK_KINDS] = {
	[CHECK_TOTAL] = { "MA-BUD-001", "total image size over budget" },
	[CHECK_REACHABLE] = { "MA-BUD-002", "reachable bytes (TCB) over budget" },
	[CHECK_LABEL] = { "MA-BUD-003", "section, component, library, module or symbol over budget" },
	[CHECK_GROWTH] = { "MA-BUD-004", "growth against the baseline over budget, in bytes" },
	[CHECK_GROWTH_PCT] = { "MA-BUD-005", "growth against the baseline over budget, in percent" },
	[CHECK_SEALED] = { "MA-BUD-006", "facility that must be sealed out is in the image" },
	[CHECK_UNREACHABLE] = { "MA-BUD-007", "facility that must not be reachable may be reached" },
	[CHECK_DEV_REQUIRED] = { "MA-BUD-008", "required manifest device missing" },
	[CHECK_DEV_FORBIDDEN] = { "MA-BUD-009", "forbidden manifest device declared" },
	[CHECK_DEV_TYPE] = { "MA-BUD-010", "manifest device of a forbidden type declared" },
	[CHECK_TCB] = { "MA-BUD-011", "trusted computing base over budget (docs/tcb.md)" },
};

const char *check_rule(enum check_kind kind)
{
	return rules[kind].id;
}

const char *check_rule_title(enum check_kind kind)
{
	return rules[kind].title;
}

const char *check_status_name(enum check_status s)
{
	return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "fail" : "skip";
}

static const char *const level_singular[N_LEVELS] = {
	"segment", "section", "component", "library", "module", "symbol",
};

static struct check_line *add(struct check *c, enum check_kind kind, const char *key,
			      const char *subject)
{
	struct check_line *l;

	c->lines = arena_push(&c->arena, c->lines, c->n_lines, sizeof(*c->lines));
	l = &c->lines[c->n_lines++];
	l->kind = kind;
	l->key = key;
	l->subject = subject;
	l->witness = -1;
	return l;
}

static void settle(struct check *c, struct check_line *l, enum check_status s, const char *msg)
{
	l->status = s;
	l->is_measured = s != CHECK_SKIP;
	l->message = msg;
	if (s == CHECK_PASS)
		c->n_pass++;
	else if (s == CHECK_FAIL)
		c->n_fail++;
	else
		c->n_skip++;
}

/* A byte figure against a maximum: FAIL when over. */
static void bytes_line(struct check *c, enum check_kind kind, const char *key, const char *subject,
		       uint64_t figure, uint64_t limit, const char *note)
{
	struct check_line *l = add(c, kind, key, subject);

	l->has_bytes = true;
	l->figure = (int64_t)figure;
	l->limit = limit;
	if (figure > limit)
		settle(c, l, CHECK_FAIL, arena_printf(&c->arena, "%" PRIu64 " bytes, over the limit "
						      "of %" PRIu64 " by %" PRIu64 "%s", figure,
						      limit, figure - limit, note));
	else
		settle(c, l, CHECK_PASS, arena_printf(&c->arena, "%" PRIu64 " bytes, within the "
						      "limit of %" PRIu64 "%s", figure, limit,
						      note));
}

static const struct snapshot_row *find_row(const struct snapshot *s, int level, const char *name)
{
	size_t lo = 0, hi = s->n_rows[level];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = strcmp(s->rows[level][mid].name, name);

		if (!k)
			return &s->rows[level][mid];
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Without a symbol table the bytes of a component, library, module or symbol
 * are not known (most sit in "unknown"): the line fails, as "within the limit"
 * cannot be shown (docs/ci.md).
 */
static void unmeasured(struct check *c, int l, const struct budget_limit *lim)
{
	int dom;

	for (dom = 0; dom < 2; dom++) {
		struct check_line *ln;

		if (!(dom ? lim->has_vm : lim->has_file))
			continue;
		ln = add(c, CHECK_LABEL, arena_printf(&c->arena, "%s.%s.%s", level_name(l), lim->name,
						      dom ? "max_vm" : "max_file"),
			 arena_printf(&c->arena, "%s %s, %s bytes", level_singular[l], lim->name,
				      dom ? "VM" : "file"));
		ln->has_bytes = true;
		ln->limit = dom ? lim->max_vm : lim->max_file;
		settle(c, ln, CHECK_FAIL, "cannot be measured: the image has no symbol table "
		       "(stripped), so the bytes of this label are not known");
		ln->is_measured = false;
	}
}

static void growth_lines(struct check *c, const struct budget *b, const struct snapshot *cur)
{
	static const char *const skip = "no baseline given (--baseline REPORT.json): nothing to "
					"measure growth against";
	const struct snapshot *base = c->diff ? c->diff->old : NULL;
	int dom;

	for (dom = 0; dom < 2; dom++) {
		bool has = dom ? b->has_growth_vm : b->has_growth_file;
		bool has_pct = dom ? b->has_growth_vm_pct : b->has_growth_file_pct;
		const char *unit = dom ? "VM" : "file";
		int64_t grew = 0;
		uint64_t before = 0;
		double pct = 0;
		struct check_line *l;

		if (base) {
			before = dom ? base->vm_total : base->file_total;
			grew = (int64_t)((dom ? cur->vm_total : cur->file_total) - before);
			pct = before ? 100.0 * (double)grew / (double)before : grew > 0 ? INFINITY : 0;
		}
		if (has) {
			l = add(c, CHECK_GROWTH, dom ? "growth.max_vm" : "growth.max_file",
				arena_printf(&c->arena, "growth of the total %s bytes", unit));
			l->has_bytes = true;
			l->figure = grew;
			l->limit = dom ? b->growth_vm : b->growth_file;
			if (!base)
				settle(c, l, CHECK_SKIP, skip);
			else
				settle(c, l, grew > 0 && (uint64_t)grew > l->limit ? CHECK_FAIL :
				       CHECK_PASS, arena_printf(&c->arena, "%+" PRId64 " bytes against "
				       "the baseline (%" PRIu64 "), limit +%" PRIu64, grew, before,
				       l->limit));
		}
		if (has_pct) {
			l = add(c, CHECK_GROWTH_PCT, dom ? "growth.max_vm_percent" :
				"growth.max_file_percent",
				arena_printf(&c->arena, "growth of the total %s bytes, in percent", unit));
			l->has_percent = true;
			l->pct_figure = pct;
			l->pct_limit = dom ? b->growth_vm_pct : b->growth_file_pct;
			if (!base)
				settle(c, l, CHECK_SKIP, skip);
			else
				settle(c, l, pct > l->pct_limit ? CHECK_FAIL : CHECK_PASS,
				       arena_printf(&c->arena, "%+.3f%% (%+" PRId64 " bytes) against the "
						    "baseline, limit +%.3f%%", pct, grew,
						    l->pct_limit));
		}
	}
}

/*
 * An inert facility's line: "inert (stubs: system (aborts), ...) on hvt: RULE".
 * It passes must_be_unreachable: its reached code is stubs on a target whose
 * interface cannot perform it, so nothing of it can act (docs/platforms.md).
 */
static const char *inert_message(struct check *c, const struct audit *a,
				 const struct facility *f)
{
	return arena_printf(&c->arena, "inert (stubs: %s) on %s: %s",
			    facility_stub_list(a, f, &c->arena),
			    a->facts.platform.target, f->inert_rule);
}

static const struct facility *find_facility(const struct audit *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->facts.facilities.n; i++)
		if (!strcmp(a->facts.facilities.v[i].name, name))
			return &a->facts.facilities.v[i];
	return NULL;
}

/*
 * must_be_sealed: only SEALED passes. must_be_unreachable: SEALED, DEAD and
 * INERT pass (inert: reached stubs that cannot act on this target).
 * UNKNOWN fails both: what cannot be shown is not claimed (docs/ci.md).
 */
static int facility_lines(struct check *c, const struct audit *a, const char *const *names,
			  size_t n, bool sealed, struct diag *d)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct facility *f = find_facility(a, names[i]);
		struct check_line *l;
		bool ok;

		if (!f)
			return diag_err(d, "facilities.%s: '%s' is no facility of the catalogue",
					sealed ? "sealed" : "unreachable", names[i]);
		l = add(c, sealed ? CHECK_SEALED : CHECK_UNREACHABLE,
			arena_printf(&c->arena, "facilities.%s.%s", sealed ? "sealed" : "unreachable",
				     f->name),
			arena_printf(&c->arena, "facility %s %s", f->name,
				     sealed ? "sealed out" : "not reachable"));
		l->verdict = verdict_name(f->verdict);
		ok = f->verdict == VERDICT_SEALED ||
		     (!sealed && (f->verdict == VERDICT_DEAD || f->verdict == VERDICT_INERT));
		if (f->verdict == VERDICT_REACHABLE || f->verdict == VERDICT_INERT)
			l->witness = f->witness;
		settle(c, l, ok ? CHECK_PASS : CHECK_FAIL,
		       f->verdict == VERDICT_INERT ? inert_message(c, a, f) :
		       f->verdict == VERDICT_SEALED ?
		       "sealed: none of its code or data is in the image" :
		       f->verdict == VERDICT_DEAD ?
		       arena_printf(&c->arena, "dead: %" PRIu64 " bytes of it are in the image, "
				    "and no root reaches them", f->bytes) :
		       f->verdict == VERDICT_REACHABLE ?
		       arena_printf(&c->arena, "reachable: %" PRIu64 " of its %" PRIu64 " bytes "
				    "are reached from a root (witness path given)",
				    f->reachable_bytes, f->bytes) :
		       f->n_near_misses ?
		       arena_printf(&c->arena, "unknown: no pattern matches, but '%s'%s shares a "
				    "name token with it, so it cannot be shown absent",
				    f->near_misses[0], f->n_near_misses > 1 ? " (and others)" : "") :
		       "unknown: the image has no symbols to tell, so it cannot be shown absent");
	}
	return 0;
}

/* The type of the device NAME declared by CUR's manifest, or NULL. */
static const char *declared(const struct snapshot *cur, const char *name)
{
	size_t k;

	for (k = 0; k < cur->n_devices; k++)
		if (!strcmp(cur->devices[k].name, name))
			return cur->devices[k].type;
	return NULL;
}

/* Lines for NAMES (devices.<WHAT>): a device is required (REQUIRED) or forbidden. */
static void device_names(struct check *c, const struct snapshot *cur, const char *const *names,
			 size_t n, bool required, const char *none)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *type = declared(cur, names[i]);
		struct check_line *l = add(c, required ? CHECK_DEV_REQUIRED : CHECK_DEV_FORBIDDEN,
					   arena_printf(&c->arena, "devices.%s.%s", required ?
							"required" : "forbidden", names[i]),
					   arena_printf(&c->arena, "device %s %sdeclared", names[i],
							required ? "" : "not "));

		settle(c, l, !type == !required ? CHECK_PASS : CHECK_FAIL,
		       type ? arena_printf(&c->arena, "the manifest declares it (%s)", type) :
		       none ? none : "the manifest does not declare it");
	}
}

static void device_lines(struct check *c, const struct budget *b, const struct snapshot *cur)
{
	const char *none = cur->has_manifest ? NULL :
			   "the image has no valid Solo5 manifest, so it declares no device";
	size_t i, k;

	device_names(c, cur, b->dev_required, b->n_dev_required, true, none);
	device_names(c, cur, b->dev_forbidden, b->n_dev_forbidden, false, none);
	for (i = 0; i < b->n_dev_forbidden_types; i++) {
		struct check_line *l = add(c, CHECK_DEV_TYPE,
					   arena_printf(&c->arena, "devices.forbidden_types.%s",
							b->dev_forbidden_types[i]),
					   arena_printf(&c->arena, "no device of type %s",
							b->dev_forbidden_types[i]));
		const char *names = NULL;

		for (k = 0; k < cur->n_devices; k++)
			if (!strcmp(cur->devices[k].type, b->dev_forbidden_types[i]))
				names = names ? arena_printf(&c->arena, "%s, %s", names,
							     cur->devices[k].name) :
					cur->devices[k].name;
		settle(c, l, names ? CHECK_FAIL : CHECK_PASS,
		       names ? arena_printf(&c->arena, "the manifest declares %s of this type", names) :
		       none ? none : "the manifest declares no device of this type");
	}
}

/* The TCB's bounds (docs/tcb.md): reachable bytes, of them C and OCaml, and the stack. */
static void tcb_lines(struct check *c, const struct audit *a, const struct budget *b)
{
	const struct tcb_facts *t = &a->facts.tcb;
	const char *note = a->facts.reach.is_complete ? "" :
			   " (no code analysis: every byte is counted as reachable)";

	if (b->has_tcb_bytes)
		bytes_line(c, CHECK_TCB, "tcb.max_bytes", "TCB bytes (reachable code and data)",
			   t->reachable_bytes, b->tcb_bytes, note);
	if (b->has_tcb_c)
		bytes_line(c, CHECK_TCB, "tcb.max_c_bytes", "TCB bytes of C and assembly",
			   t->reachable[TCB_C], b->tcb_c, note);
	if (b->has_tcb_ocaml)
		bytes_line(c, CHECK_TCB, "tcb.max_ocaml_bytes", "TCB bytes of OCaml",
			   t->reachable[TCB_OCAML], b->tcb_ocaml, note);
	if (b->has_tcb_stack)
		bytes_line(c, CHECK_TCB, "tcb.max_stack_bytes",
			   "TCB bytes with what the image runs on (--external-tcb)", t->stack_bytes,
			   b->tcb_stack, t->n_external ? note :
			   " (no --external-tcb given: the image's TCB alone)");
}

int check_evaluate(struct check *c, const struct audit *a, const struct snapshot *cur,
		   const struct budget *b, const struct diff *diff, struct diag *d)
{
	size_t i;
	int l;

	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	c->diff = diff;
	c->reach_complete = a->facts.reach.is_complete;
	if (b->has_total && b->total.has_file)
		bytes_line(c, CHECK_TOTAL, "total.max_file", "total file bytes", cur->file_total,
			   b->total.max_file, "");
	if (b->has_total && b->total.has_vm)
		bytes_line(c, CHECK_TOTAL, "total.max_vm", "total VM bytes", cur->vm_total,
			   b->total.max_vm, "");
	if (b->has_reachable)
		bytes_line(c, CHECK_REACHABLE, "reachable.max_vm", "reachable VM bytes (the TCB)",
			   a->facts.reach.reached_bytes, b->max_reachable,
			   a->facts.reach.is_complete ? "" :
			   " (no code analysis: every byte is counted as reachable)");
	tcb_lines(c, a, b);
	for (l = 0; l < N_LEVELS; l++) {
		for (i = 0; i < b->n_limits[l]; i++) {
			const struct budget_limit *lim = &b->limits[l][i];
			const struct snapshot_row *r = find_row(cur, l, lim->name);
			const char *note = r ? "" : " (not in the image)";

			if (l >= LEVEL_COMPONENT && a->image.is_stripped) {
				unmeasured(c, l, lim);
				continue;
			}
			if (lim->has_file)
				bytes_line(c, CHECK_LABEL,
					   arena_printf(&c->arena, "%s.%s.max_file", level_name(l),
							lim->name),
					   arena_printf(&c->arena, "%s %s, file bytes",
							level_singular[l], lim->name),
					   r ? r->file_size : 0, lim->max_file, note);
			if (lim->has_vm)
				bytes_line(c, CHECK_LABEL,
					   arena_printf(&c->arena, "%s.%s.max_vm", level_name(l),
							lim->name),
					   arena_printf(&c->arena, "%s %s, VM bytes",
							level_singular[l], lim->name),
					   r ? r->vm_size : 0, lim->max_vm, note);
		}
	}
	growth_lines(c, b, cur);
	if (facility_lines(c, a, b->sealed, b->n_sealed, true, d) < 0 ||
	    facility_lines(c, a, b->unreachable, b->n_unreachable, false, d) < 0)
		return -1;
	device_lines(c, b, cur);
	return 0;
}

void check_release(struct check *c)
{
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

static size_t lower(uint64_t *limit, uint64_t figure)
{
	if (figure >= *limit)
		return 0;
	*limit = figure;
	return 1;
}

size_t check_ratchet(struct budget *b, const struct audit *a, const struct snapshot *cur)
{
	size_t n = 0, i;
	int l;

	if (b->has_total && b->total.has_file)
		n += lower(&b->total.max_file, cur->file_total);
	if (b->has_total && b->total.has_vm)
		n += lower(&b->total.max_vm, cur->vm_total);
	if (b->has_reachable)
		n += lower(&b->max_reachable, a->facts.reach.reached_bytes);
	if (b->has_tcb_bytes)
		n += lower(&b->tcb_bytes, a->facts.tcb.reachable_bytes);
	if (b->has_tcb_c)
		n += lower(&b->tcb_c, a->facts.tcb.reachable[TCB_C]);
	if (b->has_tcb_ocaml)
		n += lower(&b->tcb_ocaml, a->facts.tcb.reachable[TCB_OCAML]);
	if (b->has_tcb_stack)
		n += lower(&b->tcb_stack, a->facts.tcb.stack_bytes);
	for (l = 0; l < N_LEVELS; l++) {
		for (i = 0; i < b->n_limits[l]; i++) {
			struct budget_limit *lim = &b->limits[l][i];
			const struct snapshot_row *r = find_row(cur, l, lim->name);

			if (lim->has_file)
				n += lower(&lim->max_file, r ? r->file_size : 0);
			if (lim->has_vm)
				n += lower(&lim->max_vm, r ? r->vm_size : 0);
		}
	}
	return n;
}
