// SPDX-License-Identifier: ISC
/* The analyzer table and the dependency-ordered runner. */
#include "audit/core/analyzer.h"

static const struct analyzer *const analyzers[N_ANALYZERS] = {
	[AN_PLATFORM] = &analyzer_platform,
	[AN_OCAML] = &analyzer_ocaml,
	[AN_ATTRIBUTION] = &analyzer_attribution,
	[AN_LAYOUT] = &analyzer_layout,
	[AN_SIZES] = &analyzer_sizes,
	[AN_REFGRAPH] = &analyzer_refgraph,
	[AN_REACH] = &analyzer_reach,
	[AN_DEAD] = &analyzer_dead,
	[AN_RETAINED] = &analyzer_retained,
	[AN_FACILITIES] = &analyzer_facilities,
	[AN_CONDENSE] = &analyzer_condense,
	[AN_GADGETS] = &analyzer_gadgets,
	[AN_LINKAGE] = &analyzer_linkage,
	[AN_HARDENING] = &analyzer_hardening,
	[AN_INSNS] = &analyzer_insns,
	[AN_TCB] = &analyzer_tcb,
	[AN_SECRETS] = &analyzer_secrets,
};

static int run_one(struct audit *a, enum analyzer_id id, unsigned depth)
{
	const struct analyzer *an = analyzers[id];
	int dep;

	if (a->done & AN_BIT(id))
		return 0;
	if (depth > N_ANALYZERS)
		return diag_err(&a->diag, "analyzer dependency cycle at '%s'", an->name);
	for (dep = 0; dep < N_ANALYZERS; dep++)
		if ((an->needs & AN_BIT(dep)) && run_one(a, dep, depth + 1) < 0)
			return -1;
	if (an->run(a) < 0)
		return -1;
	a->done |= AN_BIT(id);
	return 0;
}

int analyzers_run(struct audit *a, unsigned want)
{
	int id;

	for (id = 0; id < N_ANALYZERS; id++)
		if ((want & AN_BIT(id)) && run_one(a, id, 0) < 0)
			return -1;
	return 0;
}
