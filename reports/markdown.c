// SPDX-License-Identifier: ISC
/*
 * Markdown (GitHub-flavoured): `check` and `diff` as a compact pull-request comment or
 * job summary. Every name is escaped with escape_md, so a crafted symbol name cannot
 * open a link, an HTML tag or a table cell.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/gates/check.h"
#include "audit/gates/diff.h"
#include "audit/core/report.h"
#include "audit/core/vocab.h"

#define CELL 512

static void summary_block(const struct diff *d, FILE *out)
{
	const struct diff_summary *s = &d->summary;

	fprintf(out, "```\nadd/remove: %zu/%zu grow/shrink: %zu/%zu up/down: %" PRIu64 "/-%" PRIu64
		" (%" PRId64 ")\n```\n\n", s->added, s->removed, s->grown, s->shrunk, s->up,
		s->down, s->net);
	fprintf(out, "Total: file %+" PRId64 " bytes, VM %+" PRId64 " bytes%s.\n", d->d_file,
		d->d_vm, diff_is_empty(d) ? " (no change)" : "");
}

/* The rows that changed most at level L: a table of TOP_N rows (0 = all) and the rest summed. */
static void level_table(const struct diff *d, int l, size_t top_n, FILE *out)
{
	const struct diff_level *dl = &d->levels[l];
	size_t n = dl->n_rows, shown = top_n && top_n < n ? top_n : n, i;
	int64_t of = 0, ov = 0;
	char nm[CELL];

	if (!n)
		return;
	fprintf(out, "\n**%s** (largest change first)\n\n| change | %s | file | VM |\n"
		"|---|---|---:|---:|\n", level_name(l), level_name(l));
	for (i = 0; i < shown; i++) {
		const struct diff_row *r = &dl->rows[i];

		fprintf(out, "| %s | %s | %+" PRId64 " | %+" PRId64 " |\n",
			diff_change_name(r->change), escape_md(r->name, nm, sizeof(nm)), r->d_file,
			r->d_vm);
	}
	for (; i < n; i++) {
		of += dl->rows[i].d_file;
		ov += dl->rows[i].d_vm;
	}
	if (shown < n)
		fprintf(out, "| | %zu others | %+" PRId64 " | %+" PRId64 " |\n", n - shown, of, ov);
	fprintf(out, "| | **total** | **%+" PRId64 "** | **%+" PRId64 "** |\n", dl->d_file,
		dl->d_vm);
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

/* Capability changes as a list; nothing at all when there are none. */
static void capabilities(const struct diff *d, FILE *out)
{
	char nm[CELL], a[CELL], b[CELL], x[64], y[64];
	size_t i;
	bool any = d->target_changed || d->abi_changed || d->n_devices || d->n_verdicts ||
		   d->n_now_reachable || d->n_now_dead;

	if (!any)
		return;
	fprintf(out, "\n**Capability changes**\n\n");
	if (d->target_changed)
		fprintf(out, "- target: %s → %s\n", escape_md(or_none(d->old->target), a, sizeof(a)),
			escape_md(or_none(d->new->target), b, sizeof(b)));
	if (d->abi_changed)
		fprintf(out, "- Solo5 ABI: %s → %s\n",
			escape_md(snapshot_abi(d->old, x, sizeof(x)), a, sizeof(a)),
			escape_md(snapshot_abi(d->new, y, sizeof(y)), b, sizeof(b)));
	for (i = 0; i < d->n_devices; i++)
		fprintf(out, "- device %s %s (%s)\n", escape_md(d->devices[i].name, nm, sizeof(nm)),
			d->devices[i].is_added ? "added" : "removed",
			escape_md(d->devices[i].type, a, sizeof(a)));
	for (i = 0; i < d->n_verdicts; i++)
		fprintf(out, "- %s %s: %s → **%s**\n",
			!strcmp(d->verdicts[i].klass, "driver") ? "driver" : "facility",
			escape_md(d->verdicts[i].name, nm, sizeof(nm)),
			or_none(d->verdicts[i].old_verdict), or_none(d->verdicts[i].new_verdict));
	for (i = 0; i < d->n_now_reachable; i++)
		fprintf(out, "- function %s: dead → **reachable**\n",
			escape_md(d->now_reachable[i], nm, sizeof(nm)));
	for (i = 0; i < d->n_now_dead; i++)
		fprintf(out, "- function %s: reachable → dead\n",
			escape_md(d->now_dead[i], nm, sizeof(nm)));
}

static void diff_view(const struct view *v, FILE *out)
{
	const struct diff *d = v->diff;
	char a[CELL], b[CELL];
	int l;

	fprintf(out, "### mirage-audit diff: %s → %s\n\n", escape_md(d->old->source, a, sizeof(a)),
		escape_md(d->new->source, b, sizeof(b)));
	summary_block(d, out);
	for (l = LEVEL_COMPONENT; l < N_LEVELS; l++)
		level_table(d, l, v->top_n, out);
	capabilities(d, out);
}

/* "a → b → c"; when long, the root and the last steps, the gap counted. */
static void chain(const struct audit *a, int32_t node, FILE *out)
{
	uint32_t c[8];
	size_t left_out = 0, n = node >= 0 ? reach_chain_ends(a, (uint32_t)node, c, 8, &left_out) : 0;
	size_t i;
	char buf[128], nm[CELL];

	for (i = 0; i < n; i++) {
		if (i == 1 && left_out)
			fprintf(out, " → \\[%zu step%s left out\\]", left_out, left_out == 1 ? "" : "s");
		fprintf(out, "%s%s", i ? " → " : "",
			escape_md(layout_node_name(a, c[i], buf, sizeof(buf)), nm, sizeof(nm)));
	}
}

static void figure_cells(const struct check_line *l, FILE *out)
{
	if (l->has_bytes && l->is_measured)
		fprintf(out, " %" PRId64 " | %" PRIu64 " |", l->figure, l->limit);
	else if (l->has_bytes)
		fprintf(out, " | %" PRIu64 " |", l->limit);
	else if (l->has_percent && l->is_measured && isfinite(l->pct_figure))
		fprintf(out, " %+.3f%% | %.3f%% |", l->pct_figure, l->pct_limit);
	else if (l->has_percent)
		fprintf(out, " %s | %.3f%% |", l->is_measured ? "∞" : "", l->pct_limit);
	else
		fprintf(out, " %s | |", l->verdict ? l->verdict : "");
}

/*
 * With --build: what was available, linked and can run, the packages, and how the
 * facilities the image does not run were kept out (docs/build.md).
 */
static void build_section(const struct audit *a, size_t top_n, FILE *out)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct linkage_group *t = &lf->total;
	size_t i, n = lf->n_packages, shown = top_n && top_n < n ? top_n : n, how[4] = { 0 };
	char nm[CELL], ver[CELL], s1[32], s2[32], s3[32];

	fprintf(out, "\n#### Build\n\n%zu objects available: %zu linked (%zu reachable, %zu dead), "
		"%zu left out by the linker, %zu unknown. %s linked: %s reachable, %s dead.\n\n",
		t->n_available, t->n_linked, t->n_reachable, t->n_dead, t->n_left_out, t->n_unknown,
		human_size(t->linked_bytes, s1, sizeof(s1)),
		human_size(t->reachable_bytes, s2, sizeof(s2)),
		human_size(t->dead_bytes, s3, sizeof(s3)));
	fprintf(out, "| package | version | objects linked / available | linked | reachable | "
		"dead |\n|---|---|---:|---:|---:|---:|\n");
	for (i = 0; i < shown; i++) {
		const struct linkage_group *g = &lf->packages[i];

		fprintf(out, "| %s | %s | %zu / %zu | %s | %s | %s |\n",
			escape_md(g->name, nm, sizeof(nm)),
			g->version ? escape_md(g->version, ver, sizeof(ver)) : "",
			g->n_linked, g->n_available, human_size(g->linked_bytes, s1, sizeof(s1)),
			human_size(g->reachable_bytes, s2, sizeof(s2)),
			human_size(g->dead_bytes, s3, sizeof(s3)));
	}
	if (shown < n)
		fprintf(out, "| \\[%zu others\\] | | | | | |\n", n - shown);
	for (i = 0; i < lf->n_facilities; i++)
		how[lf->facilities[i].how]++;
	if (lf->n_facilities)
		fprintf(out, "\nSealed out: %zu never built, %zu left out by the linker, %zu linked "
			"but dead.\n", how[SEALED_NEVER_BUILT], how[SEALED_LEFT_OUT],
			how[SEALED_LINKED_DEAD]);
}

static void check_view(const struct audit *a, const struct view *v, FILE *out)
{
	const struct check *c = v->check;
	char nm[CELL], msg[CELL];
	size_t i, n_find = 0;

	fprintf(out, "### mirage-audit check: %s\n\n", c->n_fail ? "❌ **FAIL**" : "✅ pass");
	fprintf(out, "%s against %s", escape_md(c->image, nm, sizeof(nm)),
		escape_md(c->budget, msg, sizeof(msg)));
	if (c->baseline)
		fprintf(out, ", baseline %s", escape_md(c->baseline, nm, sizeof(nm)));
	fprintf(out, ": %zu budget lines, %zu passed, %zu failed, %zu skipped.\n\n", c->n_lines,
		c->n_pass, c->n_fail, c->n_skip);
	if (c->n_lines) {
		fprintf(out, "| | budget line | figure | limit | outcome |\n|---|---|---:|---:|---|\n");
		for (i = 0; i < c->n_lines; i++) {
			const struct check_line *l = &c->lines[i];

			fprintf(out, "| %s | %s |", l->status == CHECK_PASS ? "pass" :
				l->status == CHECK_FAIL ? "❌ **fail**" : "skip",
				escape_md(l->key, nm, sizeof(nm)));
			figure_cells(l, out);
			fprintf(out, " %s", escape_md(l->message, msg, sizeof(msg)));
			if (l->witness >= 0) {
				fputs("<br>via ", out);
				chain(a, l->witness, out);
			}
			fputs(" |\n", out);
		}
	}
	for (i = 0; i < findings_count(a); i++)
		n_find += findings_at(a, i)->severity != SEV_NOTE;
	if (n_find) {
		fprintf(out, "\n**Findings**\n\n| rule | severity | message |\n|---|---|---|\n");
		for (i = 0; i < findings_count(a); i++) {
			const struct finding *f = findings_at(a, i);

			if (f->severity == SEV_NOTE)
				continue;
			fprintf(out, "| %s | %s | %s |\n", f->rule,
				severity_name(f->severity),
				escape_md(f->message, msg, sizeof(msg)));
		}
	}
	if (c->diff) {
		fprintf(out, "\n#### Against the baseline\n\n");
		summary_block(c->diff, out);
		level_table(c->diff, LEVEL_LIBRARY, v->top_n, out);
		level_table(c->diff, LEVEL_SYMBOL, v->top_n, out);
		capabilities(c->diff, out);
	}
	if (a->facts.linkage.has_build)
		build_section(a, v->top_n, out);
	if (c->ratchet)
		fprintf(out, "\nRatchet: %zu limit%s lowered, budget written to %s.\n", c->n_tightened,
			c->n_tightened == 1 ? "" : "s", escape_md(c->ratchet, nm, sizeof(nm)));
}

static int md_render(const struct audit *a, const struct view *v, FILE *out)
{
	if (v->kind == VIEW_DIFF)
		diff_view(v, out);
	else
		check_view(a, v, out);
	return ferror(out) ? -1 : 0;
}

const struct reporter report_md = {
	.name = "md",
	.render = md_render,
	.views = VIEW_BIT(VIEW_DIFF) | VIEW_BIT(VIEW_CHECK),
};
