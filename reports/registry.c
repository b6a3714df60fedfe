// SPDX-License-Identifier: ISC
/* The reporter table: output formats by name. */
#include <stdio.h>
#include <string.h>

#include "audit/core/report.h"

static const struct reporter *const reporters[] = {
	&report_text, &report_json, &report_csv, &report_md, &report_sarif, &report_junit,
};

#define N_REPORTERS (sizeof(reporters) / sizeof(reporters[0]))

const struct reporter *reporter_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_REPORTERS; i++)
		if (!strcmp(reporters[i]->name, name))
			return reporters[i];
	return NULL;
}

const char *reporter_names(void)
{
	return "text|json|csv|md|sarif|junit";
}

const char *reporter_names_for(enum view_kind kind, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < N_REPORTERS; i++)
		if (reporters[i]->views & VIEW_BIT(kind) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
						reporters[i]->name);
	return buf;
}
