// SPDX-License-Identifier: ISC
/* The words of the model that reach the reports (vocab.h). */
#include <string.h>

#include "audit/core/vocab.h"

/* The finding rules the facilities analysis raises, with their titles (docs/facilities.md). */
static const struct {
	const char *id, *title;
} finding_rules[] = {
	{ "MA-DRV-001", "a device type is declared but its driver is sealed" },
	{ "MA-DRV-002", "a driver is reachable but no device of its type is declared" },
	{ "MA-DRV-003", "a device is declared but its driver is dead" },
	{ "MA-DRV-004", "a driver is linked, dead and undeclared: strippable" },
	{ "MA-MFT-001", "the manifest breaks one of Solo5's validation rules" },
	{ "MA-FAC-001", "a forbidden facility is reachable" },
	{ "MA-FAC-002", "a forbidden facility is linked but dead" },
	{ "MA-FAC-003", "a forbidden facility is linked and reachable but inert on this target" },
	{ "MA-POL-001", "a facility named by --forbid is reachable" },
	{ "MA-POL-002", "a facility named by --require-sealed is in the image" },
};

const char *finding_title(const char *rule)
{
	size_t i;

	for (i = 0; i < sizeof(finding_rules) / sizeof(finding_rules[0]); i++)
		if (!strcmp(finding_rules[i].id, rule))
			return finding_rules[i].title;
	return rule;
}

const char *stub_kind_name(enum stub_kind k)
{
	return k == STUB_RETURNS_CONST ? "returns constant" :
	       k == STUB_SETS_ERRNO ? "sets errno" : k == STUB_WRAPS ? "wraps stubs" : "aborts";
}
