// SPDX-License-Identifier: ISC
/* mirage-audit verify IMAGE CERT: re-check a reachability certificate against its image. */
#include <stdio.h>

#include "audit/cli/cli.h"
#include "audit/gates/verify.h"

static void verify_help(void)
{
	printf("usage: mirage-audit verify IMAGE CERT\n"
	       "\n"
	       "Check the certificate CERT, written by 'mirage-audit facilities --certificate\n"
	       "CERT IMAGE' (or report, dead, drivers), against IMAGE. The checker is small\n"
	       "and separate from the reachability analysis: it rebuilds the image's layout,\n"
	       "reference graph and OCaml units, and checks that\n"
	       "  - the image's sha256 is the certificate's, and its precision is known;\n"
	       "  - every root and the ELF entry point are in the reachable set (every\n"
	       "    node, for a machine without code analysis);\n"
	       "  - by the certificate's own catalogue lines, no node of a facility\n"
	       "    certified sealed or dead is in the reachable set, none of a sealed one\n"
	       "    is in the image, and sealed is not said of an image without symbols;\n"
	       "  - every reference out of a reachable node lands in the reachable set,\n"
	       "    except (ocaml precision) those out of OCaml metadata tables, whose\n"
	       "    references into data land in the reachable or retained set, and\n"
	       "    stores into module fields that no reachable code reads, of blocks\n"
	       "    used no other way; references from retained nodes into data land in\n"
	       "    the reachable or retained set.\n"
	       "The first check that fails is reported.\n"
	       "It trusts the reference graph and the stated assumptions; it does not\n"
	       "check that the sets are the smallest possible, nor that the certificate\n"
	       "lists every root the loader uses besides the ELF entry.\n"
	       "\n"
	       "Ranges in the certificate are [lo, hi) pairs of hex address strings.\n"
	       "\n"
	       "  -h, --help  this help\n"
	       "\n"
	       "exit status: 0 verified (one line on standard output), 1 a check failed\n"
	       "(one line on standard error, naming the address where there is one), 2\n"
	       "unreadable files or a malformed certificate\n");
}

int cmd_verify(int argc, char **argv)
{
	struct verify_counts n = { 0, 0, 0 };
	struct diag d;
	int rc = cli_parse(argc, argv, NULL, NULL, verify_help);

	if (rc != CLI_GO)
		return rc;
	if (argc - optind != 2)
		return cli_usage_error("verify", "verify takes IMAGE and CERT, got %d operand%s",
				       argc - optind, argc - optind == 1 ? "" : "s");
	diag_init(&d);
	rc = verify_certificate(argv[optind], argv[optind + 1], &n, &d);
	if (rc != 0)
		cli_error("%s", d.error ? d.error : "verify: unknown error");
	diag_release(&d);
	if (rc < 0)
		return MA_EXIT_ERROR;
	if (rc > 0)
		return MA_EXIT_FAIL;
	printf("verified: %zu roots, %zu reachable ranges, %zu facilities\n", n.n_roots,
	       n.n_ranges, n.n_facilities);
	return cli_help_done();
}
