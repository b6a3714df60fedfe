// SPDX-License-Identifier: ISC
/*
 * review-page: the review page (html_page, reports/html.c) of a saved report document, with
 * no drawings, on standard output. tests/review/t-review.sh renders with it reports that
 * carry sections shaped as docs/review.md says (tcb, secrets) before an analyzer fills them.
 *
 *   review-page REPORT.json
 *
 * Exit 0, or 2 with one line when the file cannot be read or the page written.
 */
#include <jansson.h>
#include <stdio.h>

#include "audit/core/report.h"

int main(int argc, char **argv)
{
	struct view v = { .kind = VIEW_REPORT, .top_n = 20, .is_first = true, .is_last = true };
	json_error_t err;
	json_t *doc;
	int rc;

	if (argc != 2) {
		fputs("usage: review-page REPORT.json\n", stderr);
		return 2;
	}
	doc = json_load_file(argv[1], 0, &err);
	if (!doc) {
		fprintf(stderr, "review-page: %s: %s\n", argv[1], err.text);
		return 2;
	}
	rc = html_page(doc, NULL, NULL, &v, stdout);
	json_decref(doc);
	if (rc < 0 || fflush(stdout) != 0) {
		fputs("review-page: write error\n", stderr);
		return 2;
	}
	return 0;
}
