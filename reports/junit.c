// SPDX-License-Identifier: ISC
/*
 * JUnit XML for CI test reports: one test suite per check, one test case per budget line
 * (classname: the rule, name: the budget key), failed lines as <failure>, skipped ones as
 * <skipped>. Every string goes through escape_xml: no raw control byte, no markup.
 */
#include <stdio.h>

#include "audit/gates/check.h"
#include "audit/core/report.h"

#define CELL 1024

static void witness(const struct audit *a, int32_t node, FILE *out)
{
	uint32_t chain[32];
	size_t n = reach_chain(a, (uint32_t)node, chain, 32), i;
	char buf[128], nm[CELL];

	fputs("\nwitness path:", out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? " -&gt; " : " ",
			escape_xml(layout_node_name(a, chain[i], buf, sizeof(buf)), nm, sizeof(nm)));
}

static int junit_render(const struct audit *a, const struct view *v, FILE *out)
{
	const struct check *c = v->check;
	char nm[CELL], key[CELL], msg[CELL];
	size_t i;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"mirage-audit check\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\">\n", c->n_lines, c->n_fail, c->n_skip);
	fprintf(out, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\">\n", escape_xml(c->image, nm, sizeof(nm)), c->n_lines, c->n_fail,
		c->n_skip);
	fprintf(out, "    <properties>\n      <property name=\"budget\" value=\"%s\"/>\n",
		escape_xml(c->budget, nm, sizeof(nm)));
	if (c->baseline)
		fprintf(out, "      <property name=\"baseline\" value=\"%s\"/>\n",
			escape_xml(c->baseline, nm, sizeof(nm)));
	fprintf(out, "    </properties>\n");
	for (i = 0; i < c->n_lines; i++) {
		const struct check_line *l = &c->lines[i];

		escape_xml(l->key, key, sizeof(key));
		escape_xml(l->message, msg, sizeof(msg));
		fprintf(out, "    <testcase classname=\"%s\" name=\"%s\"", check_rule(l->kind), key);
		if (l->status == CHECK_PASS) {
			fputs("/>\n", out);
			continue;
		}
		fputs(">\n", out);
		if (l->status == CHECK_SKIP) {
			fprintf(out, "      <skipped message=\"%s\"/>\n", msg);
		} else {
			fprintf(out, "      <failure type=\"%s\" message=\"%s\">%s: %s",
				check_rule(l->kind), msg, escape_xml(l->subject, nm, sizeof(nm)), msg);
			if (l->witness >= 0)
				witness(a, l->witness, out);
			fputs("</failure>\n", out);
		}
		fputs("    </testcase>\n", out);
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	return ferror(out) ? -1 : 0;
}

const struct reporter report_junit = {
	.name = "junit",
	.render = junit_render,
	.views = VIEW_BIT(VIEW_CHECK),
};
