// SPDX-License-Identifier: ISC
/*
 * The privileged and sensitive instruction inventory (docs/instructions.md):
 * the sites the reference graph's sweep met (refgraph.sys_sites), each given
 * its reachability and its attribution labels, and totals per kind.
 */
#include "audit/core/analyzer.h"

/*
 * Per layout node, the first catalogue facility holding it, or -1; NULL when the
 * facilities analysis has not run (it needs a catalogue, which not every command loads).
 */
static int32_t *node_facility(struct audit *a)
{
	const struct facility_facts *ff = &a->facts.facilities;
	size_t n = a->facts.layout.n_nodes, i, k;
	int32_t *m;

	if (!(a->done & AN_BIT(AN_FACILITIES)))
		return NULL;
	m = arena_array(&a->arena, n + 1, sizeof(*m));
	for (i = 0; i < n; i++)
		m[i] = -1;
	for (k = ff->n; k-- > 0;)
		for (i = 0; i < ff->v[k].n_nodes; i++)
			m[ff->v[k].nodes[i]] = (int32_t)k;
	return m;
}

static int insns_run(struct audit *a)
{
	const struct refgraph_facts *rf = &a->facts.refgraph;
	const struct attribution_facts *af = &a->facts.attribution;
	const struct layout_facts *l = &a->facts.layout;
	struct insn_facts *f = &a->facts.insns;
	const int32_t *fac = node_facility(a);
	struct insn_site *v;
	size_t i;

	f->is_decoded = rf->has_code_analysis;
	v = arena_array(&a->arena, rf->n_sys_sites + 1, sizeof(*v));
	for (i = 0; i < rf->n_sys_sites; i++) {
		const struct layout_node *nd;
		struct insn_site *s = &v[i];

		*s = rf->sys_sites[i];
		nd = &l->nodes[s->node];
		/* Retained (read by a table walker) is reached too: its code can run. */
		s->is_reachable = a->facts.reach.reached[s->node] != 0;
		s->module = nd->sym >= 0 ? af->sym_module[nd->sym] : "[unknown]";
		s->library = nd->sym >= 0 ? af->sym_library[nd->sym] : "[unknown]";
		s->component = nd->sym >= 0 ? af->sym_component[nd->sym] : COMPONENT_UNKNOWN;
		s->package = node_package(a, s->node);
		s->facility = fac && fac[s->node] >= 0 ? a->facts.facilities.v[fac[s->node]].name :
			      NULL;
		f->total[s->kind]++;
		f->reachable[s->kind] += s->is_reachable;
	}
	f->sites = v;
	f->n_sites = rf->n_sys_sites;
	f->is_done = true;
	return 0;
}

const struct analyzer analyzer_insns = {
	.name = "insns",
	.id = AN_INSNS,
	.needs = AN_BIT(AN_REFGRAPH) | AN_BIT(AN_REACH) | AN_BIT(AN_ATTRIBUTION),
	.run = insns_run,
};
