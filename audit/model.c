// SPDX-License-Identifier: ISC
/* Lifetime of one audit, and the names of the size levels. */
#include <stdlib.h>
#include <string.h>

#include "audit/model.h"

static const char *const level_names[N_LEVELS] = {
	"segments", "sections", "components", "libraries", "modules", "symbols",
};

/* Singular forms, accepted on the command line too. */
static const char *const level_singular[N_LEVELS] = {
	"segment", "section", "component", "library", "module", "symbol",
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
	}
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

	for (l = 0; l < N_LEVELS; l++)
		if (!strcmp(s, level_names[l]) || !strcmp(s, level_singular[l]))
			return l;
	return -1;
}
