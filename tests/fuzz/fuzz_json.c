// SPDX-License-Identifier: ISC
/*
 * libFuzzer target: every document the tool reads besides images. The first
 * input byte chooses the reader ((byte & 7) % 5), the rest is the file:
 *   0  a saved JSON report (report_read(), as `mirage-audit diff` reads one),
 *      then diffed against an empty side and against itself, rendered as
 *      text and JSON
 *   1  a certificate (verify_certificate(), `mirage-audit verify`) checked
 *      against the image named by $FUZZ_CERT_IMAGE, or else a built-in tiny
 *      image. With bit 3 of the first byte set, a JSON object's image.sha256
 *      is first replaced by the image's, so the checks past the hash run.
 *   2  an attribution rules file (rules_load_file()), then rules_match()
 *   3  a facility catalogue (catalogue_load_file()), then catalogue_find()
 *   4  a budget (budget_read(), `mirage-audit check --budget`); what reads is
 *      written back (budget_write(), the --ratchet output) and read again:
 *      it must parse and write the same bytes
 */
#include <elf.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gates/budget.h"
#include "audit/core/catalogue.h"
#include "audit/gates/diff.h"
#include "audit/core/report.h"
#include "audit/gates/snapshot.h"
#include "audit/gates/verify.h"
#include "audit/core/xalloc.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_report(const char *path)
{
	struct snapshot s, empty;
	struct diag d;
	struct diff df;
	struct view v = { .kind = VIEW_DIFF, .top_n = 4, .is_first = true, .is_last = true };

	diag_init(&d);
	snapshot_init(&s, path);
	snapshot_init(&empty, "empty");
	if (report_read(&s, path, &d) == 0) {
		diff_compute(&df, &empty, &s, true);
		v.diff = &df;
		report_text.render(NULL, &v, fuzz_null_out());
		report_json.render(NULL, &v, fuzz_null_out());
		diff_release(&df);
		diff_compute(&df, &s, &s, false);
		report_text.render(NULL, &v, fuzz_null_out());
		diff_release(&df);
	}
	snapshot_release(&empty);
	snapshot_release(&s);
	diag_release(&d);
}

/* The image certificates are checked against: its path and sha256, found once. */
static char cert_image[FUZZ_PATH_MAX + 4096];
static char cert_sha256[65];

static void cert_image_init(void)
{
	static const uint8_t text[] = { 0xe8, 0x01, 0x00, 0x00, 0x00, 0xc3, 0xeb, 0xfe };
	static const struct fuzz_sym syms[] = {
		{ "_start", false, 0, 5, STT_FUNC, STB_GLOBAL },
		{ "helper", false, 6, 2, STT_FUNC, STB_GLOBAL },
		{ "unused", false, 5, 1, STT_FUNC, STB_GLOBAL },
	};
	const char *env = getenv("FUZZ_CERT_IMAGE");
	struct audit *a = fuzz_audit_new(PRECISION_OCAML);

	if (env && *env) {
		snprintf(cert_image, sizeof(cert_image), "%s", env);
	} else {
		struct fuzz_elf e = { .machine = EM_X86_64, .text = text,
				      .text_size = sizeof(text), .has_sections = true,
				      .syms = syms, .n_syms = sizeof(syms) / sizeof(syms[0]) };
		uint8_t *elf;
		size_t n = fuzz_elf_build(&e, &elf);

		/* Kept open for the life of the process: certificates name it. */
		fuzz_file_open(elf, n, cert_image);
		free(elf);
	}
	if (image_load(&a->image, cert_image, &a->arena, &a->diag) < 0) {
		fprintf(stderr, "fuzz_json: %s: %s\n", cert_image, a->diag.error);
		abort();
	}
	memcpy(cert_sha256, a->image.sha256, sizeof(cert_sha256));
	fuzz_audit_free(a);
}

static void fuzz_certificate(const uint8_t *data, size_t size, bool rehash)
{
	struct verify_counts n;
	struct diag d;
	json_t *doc = NULL, *img;
	char path[FUZZ_PATH_MAX], *text = NULL;
	int fd;

	if (!cert_image[0])
		cert_image_init();
	if (rehash)
		doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (doc && (img = json_object_get(doc, "image")) && json_is_object(img) &&
	    json_object_set_new(img, "sha256", json_string(cert_sha256)) == 0 &&
	    (text = json_dumps(doc, JSON_COMPACT))) {
		fd = fuzz_file_open((const uint8_t *)text, strlen(text), path);
	} else {
		fd = fuzz_file_open(data, size, path);
	}
	diag_init(&d);
	verify_certificate(cert_image, path, &n, &d);
	diag_release(&d);
	fuzz_file_close(fd);
	free(text);
	json_decref(doc);
}

static void fuzz_rules(const char *path)
{
	static const char *const names[] = {
		"camlMirage_crypto__Cipher_block", "Mirage_net__Ethernet", "caml_alloc_shr",
		"solo5_net_write", "memcpy", ".text.unlikely", "lib/libc/string.c", "",
	};
	struct rules r;
	struct rule_match m;
	struct diag d;
	size_t i;
	int f;

	diag_init(&d);
	rules_init(&r);
	if (rules_load_file(&r, path, &d) == 0)
		for (f = 0; f < N_RULE_FIELDS; f++)
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				rules_match(&r, f, names[i], &m);
	rules_release(&r);
	diag_release(&d);
}

static void fuzz_catalogue(const char *path)
{
	struct catalogue c;
	struct rule_match m;
	struct diag d;

	diag_init(&d);
	catalogue_init(&c);
	if (catalogue_load_file(&c, path, &d) == 0) {
		catalogue_find(&c, "net");
		rules_match(&c.match, RULE_UNIT, "Mirage_net__Ethernet", &m);
		rules_match(&c.match, RULE_SYMBOL, "solo5_block_write", &m);
	}
	catalogue_release(&c);
	diag_release(&d);
}

/* A budget that reads writes a budget that reads and writes the same bytes again. */
static void fuzz_budget(const char *path)
{
	struct budget b, again;
	struct diag d;
	char *out1 = NULL, *out2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f;

	diag_init(&d);
	if (budget_read(&b, path, &d) == 0) {
		f = open_memstream(&out1, &n1);
		if (!f || budget_write(&b, f) < 0)
			abort();
		fclose(f);
		if (budget_read_mem(&again, out1, n1, &d) < 0)
			abort();	/* the ratchet wrote what check would refuse */
		f = open_memstream(&out2, &n2);
		if (!f || budget_write(&again, f) < 0)
			abort();
		fclose(f);
		if (n1 != n2 || memcmp(out1, out2, n1))
			abort();	/* a second round trip changed the document */
		budget_release(&again);
		free(out1);
		free(out2);
	}
	budget_release(&b);
	diag_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The readers that take the document's path, by selector; NULL: not by path. */
	static void (*const by_path[5])(const char *path) = {
		fuzz_report, NULL, fuzz_rules, fuzz_catalogue, fuzz_budget,
	};
	char path[FUZZ_PATH_MAX];
	unsigned sel;
	int fd;

	if (size == 0)
		return 0;
	sel = (data[0] & 7) % 5;
	if (sel == 1) {
		fuzz_certificate(data + 1, size - 1, data[0] & 8);
	} else if (by_path[sel]) {
		fd = fuzz_file_open(data + 1, size - 1, path);
		by_path[sel](path);
		fuzz_file_close(fd);
	}
	return 0;
}
