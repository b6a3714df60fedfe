/* SPDX-License-Identifier: ISC */
/*
 * The words that reach the reports: each enum of the model has its names here
 * once, and text read back (saved reports, certificates) is parsed against the
 * same table, so a word cannot drift between the writer and the reader.
 */
#ifndef MA_VOCAB_H
#define MA_VOCAB_H

#include "audit/core/build.h"
#include "audit/core/model.h"

/* tcb_class_name: "ocaml", "c", "tables", "unknown" (docs/tcb.md). */
const char *tcb_class_name(enum tcb_class c);
/* verdict_name: "sealed", "dead", "reachable", "unknown", "inert". */
const char *verdict_name(enum verdict v);
/* verdict_parse: the verdict S names into *OUT: 0, or -1 when S (maybe NULL) names none. */
int verdict_parse(const char *s, enum verdict *out);
/* verdict_list: "sealed, dead, reachable, unknown, inert", for messages. */
const char *verdict_list(void);
/* precision_name: "conservative" or "ocaml"; precision_parse: 0, or -1 for another word. */
const char *precision_name(enum precision p);
int precision_parse(const char *s, enum precision *out);
/* severity_name: "note", "warning", "error" (SARIF's result levels by the same words). */
const char *severity_name(enum severity s);
/* diag_kind_name: "warning" or "note". */
const char *diag_kind_name(enum diag_kind k);
/* machine_name: "x86-64", "AArch64", ... for ELF e_machine M, or NULL when it has no name here. */
const char *machine_name(unsigned m);
/* edge_kind_name: "call", "jump", "address", "pointer", "page", "field-store", "field-load". */
const char *edge_kind_name(enum edge_kind k);
/* finding_title: the one-line title of finding rule RULE ("MA-DRV-001"), or RULE itself. */
const char *finding_title(const char *rule);
/* stub_kind_name: "returns constant", "sets errno", "aborts", "wraps stubs". */
const char *stub_kind_name(enum stub_kind k);
/* link_state_name: "linked", "left out", "unknown" (a build object's link state). */
const char *link_state_name(enum link_state s);
/* sealed_how_name: "never built", "left out", "linked, dead", "not sealed out". */
const char *sealed_how_name(enum sealed_how h);

#endif
