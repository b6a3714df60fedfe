// SPDX-License-Identifier: ISC
/*
 * tests/escape: `dot -Tsvg` for machines without the Graphviz command-line
 * tools: read DOT from stdin with cgraph's agread (Graphviz's own parser),
 * lay it out with dot and write SVG to stdout. Exit 1 when the DOT does not
 * parse or cannot be drawn; Graphviz prints its errors and warnings to stderr.
 */
#include <gvc.h>
#include <stdio.h>

int main(void)
{
	GVC_t *gvc = gvContext();
	Agraph_t *g = agread(stdin, NULL);
	int rc = 1;

	if (!g) {
		fputs("dotsvg: the input does not parse as DOT\n", stderr);
		goto out;
	}
	if (gvLayout(gvc, g, "dot") == 0 && gvRender(gvc, g, "svg", stdout) == 0)
		rc = 0;
	gvFreeLayout(gvc, g);
	agclose(g);
out:
	gvFreeContext(gvc);
	return rc;
}
