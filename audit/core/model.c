// SPDX-License-Identifier: ISC
/* Lifetime of one audit, and the names of the size levels. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/build.h"
#include "audit/core/model.h"

static const char *const level_names[N_SIZE_LEVELS] = {
	"segments", "sections", "components", "libraries", "modules", "symbols", "packages",
};

/* Singular forms, accepted on the command line too. */
static const char *const level_singular[N_SIZE_LEVELS] = {
	"segment", "section", "component", "library", "module", "symbol", "package",
};

void audit_init(struct audit *a, struct rules *rules)
{
	int l;

	memset(a, 0, sizeof(*a));
	arena_init(&a->arena);
	diag_init(&a->diag);
	a->rules = rules;
	strset_init(&a->facts.ocaml.unit_index, &a->arena);
	for (l = 0; l < N_LEVELS; l++)
		strset_init(&a->facts.sizes.labels[l], &a->arena);
}

void audit_release(struct audit *a)
{
	int l;

	image_release(&a->image);
	strset_release(&a->facts.ocaml.unit_index);
	for (l = 0; l < N_LEVELS; l++) {
		strset_release(&a->facts.sizes.labels[l]);
		free(a->facts.sizes.rows[l]);
		free(a->facts.dead.rows[l]);
	}
	free(a->facts.refgraph.edges);
	claims_release(&a->facts.ocaml.ranges);
	claims_release(&a->facts.attribution.cu_ranges);
	free(a->facts.layout.nodes);
	free(a->facts.sizes.file.pieces);
	free(a->facts.sizes.vm.pieces);
	diag_release(&a->diag);
	arena_release(&a->arena);
}

const char *level_name(enum level l)
{
	return level_names[l];
}

int level_parse(const char *s)
{
	int l;

	for (l = 0; l < N_SIZE_LEVELS; l++)
		if (!strcmp(s, level_names[l]) || !strcmp(s, level_singular[l]))
			return l;
	return -1;
}

ptrdiff_t layout_find(const struct layout_facts *l, uint64_t addr)
{
	size_t lo = 0, hi = l->n_nodes;

	if (!hi || addr < l->nodes[0].lo)
		return -1;
	if (l->page_first) {
		uint64_t page = (addr - l->nodes[0].lo) >> 12;

		if (page >= l->n_pages)
			return -1;
		lo = l->page_first[page];
		hi = page + 1 < l->n_pages ? (size_t)l->page_first[page + 1] + 1 : l->n_nodes;
		if (hi > l->n_nodes)
			hi = l->n_nodes;
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->nodes[mid].hi <= addr)
			lo = mid + 1;
		else if (l->nodes[mid].lo > addr)
			hi = mid;
		else
			return (ptrdiff_t)mid;
	}
	return -1;
}

void layout_split(const struct layout_facts *l, uint64_t lo, uint64_t size,
		  void (*fn)(size_t node, uint64_t bytes, void *ctx), void *ctx)
{
	uint64_t p = lo, end = lo + size;

	while (p < end) {
		ptrdiff_t nd = layout_find(l, p);
		uint64_t stop;

		if (nd < 0)
			return;
		stop = l->nodes[nd].hi < end ? l->nodes[nd].hi : end;
		fn((size_t)nd, stop - p, ctx);
		p = stop;
	}
}

const char *layout_node_name(const struct audit *a, size_t node, char *buf, size_t size)
{
	const struct layout_node *n = &a->facts.layout.nodes[node];

	if (n->sym >= 0)
		return a->image.symbols[n->sym].name;
	if (n->sec >= 0)
		snprintf(buf, size, "[%s+0x%llx]", a->image.sections[n->sec].name,
			 (unsigned long long)(n->lo - a->image.sections[n->sec].addr));
	else
		snprintf(buf, size, "[0x%llx]", (unsigned long long)n->lo);
	return buf;
}

size_t reach_chain(const struct audit *a, uint32_t node, uint32_t *out, size_t max)
{
	const struct reach_facts *rf = &a->facts.reach;
	size_t len = 0, i;
	int32_t p;

	if (!rf->is_done || !rf->reached[node] || !max)
		return 0;
	for (p = (int32_t)node; p >= 0 && len < max; p = rf->parent[p])
		out[len++] = (uint32_t)p;
	for (i = 0; i < len / 2; i++) {
		uint32_t t = out[i];

		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	return len;
}

size_t reach_chain_ends(const struct audit *a, uint32_t node, uint32_t *out, size_t max,
			size_t *n_left_out)
{
	const struct reach_facts *rf = &a->facts.reach;
	size_t len = 0, bound = a->facts.layout.n_nodes;
	int32_t p;

	*n_left_out = 0;
	if (max < 2 || !rf->is_done || !rf->reached[node])
		return reach_chain(a, node, out, max);
	/* Parents form a BFS tree; the bound only guards against a broken invariant. */
	for (p = (int32_t)node; p >= 0 && len <= bound; p = rf->parent[p])
		len++;
	if (len <= max)
		return reach_chain(a, node, out, max);
	reach_chain(a, node, out + 1, max - 1);
	for (p = (int32_t)node; rf->parent[p] >= 0; p = rf->parent[p])
		;
	out[0] = (uint32_t)p;
	*n_left_out = len - max;
	return max;
}

static const char *const insn_kind_names[N_INSN_KINDS] = {
	"vmcall", "vmmcall", "in", "out", "ins", "outs", "syscall", "sysenter", "int",
	"call hypercall_page", "rdrand", "rdseed", "rdmsr", "wrmsr", "cli", "sti", "hlt", "lgdt",
	"lidt", "mov cr", "hvc", "smc", "svc", "msr", "mrs",
};

const char *node_package(const struct audit *a, ptrdiff_t node)
{
	const uint32_t *no = a->facts.linkage.node_object;
	const struct build *b = a->opt.build;
	const char *p;

	if (!b)
		return NULL;
	if (node < 0 || !no || no[node] == UINT32_MAX || no[node] >= b->n_objects)
		return PACKAGE_UNKNOWN;
	p = b->objects[no[node]].package;
	return p && *p ? p : PACKAGE_UNKNOWN;
}

/* The audit's finding arrays in report order (model.h); returns how many. */
static size_t finding_lists(const struct audit *a, const struct finding **v, size_t *n)
{
	size_t k = 0;

	v[k] = a->facts.facilities.findings;
	n[k++] = a->facts.facilities.n_findings;
	v[k] = a->facts.hardening.findings;
	n[k++] = a->facts.hardening.n_findings;
	v[k] = a->facts.secrets.findings;
	n[k++] = a->facts.secrets.n_findings;
	return k;
}

#define MAX_FINDING_LISTS 8

size_t findings_count(const struct audit *a)
{
	const struct finding *v[MAX_FINDING_LISTS];
	size_t n[MAX_FINDING_LISTS], k, i, sum = 0;

	k = finding_lists(a, v, n);
	for (i = 0; i < k; i++)
		sum += n[i];
	return sum;
}

const struct finding *findings_at(const struct audit *a, size_t at)
{
	const struct finding *v[MAX_FINDING_LISTS];
	size_t n[MAX_FINDING_LISTS], k, i;

	k = finding_lists(a, v, n);
	for (i = 0; i < k; i++) {
		if (at < n[i])
			return &v[i][at];
		at -= n[i];
	}
	return NULL;
}

const char *insn_kind_name(enum insn_kind k)
{
	return (unsigned)k < N_INSN_KINDS ? insn_kind_names[k] : "?";
}
