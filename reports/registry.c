// SPDX-License-Identifier: ISC
/* The reporter table: output formats by name. */
#include <string.h>

#include "audit/report.h"

static const struct reporter *const reporters[] = {
	&report_text, &report_json, &report_csv,
};

const struct reporter *reporter_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reporters) / sizeof(reporters[0]); i++)
		if (!strcmp(reporters[i]->name, name))
			return reporters[i];
	return NULL;
}

const char *reporter_names(void)
{
	return "text|json|csv";
}
