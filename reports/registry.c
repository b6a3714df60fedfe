// SPDX-License-Identifier: ISC
/* The reporter table: output formats by name. */
#include <stdio.h>
#include <string.h>

#include "audit/core/report.h"

static const struct reporter *const reporters[] = {
	&report_text, &report_json, &report_csv, &report_md, &report_sarif, &report_junit,
	&report_cyclonedx, &report_html,
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

/* The names of the reporters rendering any of VIEWS (VIEW_BIT mask), "|"-separated, into BUF. */
static const char *names_of(unsigned views, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < N_REPORTERS; i++)
		if (reporters[i]->views & views && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
						reporters[i]->name);
	return buf;
}

const char *reporter_names(void)
{
	static char buf[128];

	return buf[0] ? buf : names_of(~0u, buf, sizeof(buf));
}

const char *reporter_names_for(enum view_kind kind, char *buf, size_t size)
{
	return names_of(VIEW_BIT(kind), buf, size);
}
