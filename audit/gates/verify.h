/* SPDX-License-Identifier: ISC */
/* The certificate checker behind `mirage-audit verify`: small, separate from analyzers/reach.c. */
#ifndef MA_VERIFY_H
#define MA_VERIFY_H

#include <stddef.h>

#include "audit/core/diag.h"

struct verify_counts {
	size_t n_roots, n_ranges, n_facilities;
};

/*
 * verify_certificate: check the certificate at CERT against the image at
 * IMAGE (see audit/gates/verify.c for what is checked). Returns 0 when every check
 * holds (N filled); 1 when one fails, with "CERT: verify: what failed" in
 * D's error; -1 on an input error (unreadable image or certificate, malformed
 * certificate), with the message, starting with the file, in D's error.
 */
int verify_certificate(const char *image, const char *cert, struct verify_counts *n,
		       struct diag *d);

#endif
