/* SPDX-License-Identifier: ISC */
/*
 * The words that reach the reports: each enum of the model has its names here
 * once, and text read back (saved reports, certificates) is parsed against the
 * same table, so a word cannot drift between the writer and the reader.
 */
#ifndef MA_VOCAB_H
#define MA_VOCAB_H

#include "audit/core/model.h"

/* finding_title: the one-line title of finding rule RULE ("MA-DRV-001"), or RULE itself. */
const char *finding_title(const char *rule);
/* stub_kind_name: "returns constant", "sets errno", "aborts", "wraps stubs". */
const char *stub_kind_name(enum stub_kind k);

#endif
