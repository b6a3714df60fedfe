// SPDX-License-Identifier: ISC
/* The words of the model that reach the reports (vocab.h). */
#include <stdio.h>
#include <string.h>

#include "audit/core/vocab.h"

static const char *const verdict_names[] = {
	[VERDICT_SEALED] = "sealed", [VERDICT_DEAD] = "dead", [VERDICT_REACHABLE] = "reachable",
	[VERDICT_UNKNOWN] = "unknown", [VERDICT_INERT] = "inert",
};
#define N_VERDICTS (sizeof(verdict_names) / sizeof(verdict_names[0]))

const char *verdict_name(enum verdict v)
{
	return (size_t)v < N_VERDICTS ? verdict_names[v] : "unknown";
}

int verdict_parse(const char *s, enum verdict *out)
{
	size_t i;

	for (i = 0; s && i < N_VERDICTS; i++)
		if (!strcmp(s, verdict_names[i])) {
			*out = (enum verdict)i;
			return 0;
		}
	return -1;
}

const char *verdict_list(void)
{
	static char list[64];
	size_t i;

	if (!list[0])
		for (i = 0; i < N_VERDICTS; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", verdict_names[i]);
	return list;
}

const char *tcb_class_name(enum tcb_class c)
{
	static const char *const names[N_TCB_CLASSES] = {
		[TCB_OCAML] = "ocaml", [TCB_C] = "c", [TCB_TABLES] = "tables",
		[TCB_UNKNOWN] = "unknown",
	};

	return (size_t)c < N_TCB_CLASSES ? names[c] : "unknown";
}

const char *precision_name(enum precision p)
{
	return p == PRECISION_OCAML ? "ocaml" : "conservative";
}

int precision_parse(const char *s, enum precision *out)
{
	if (s && !strcmp(s, precision_name(PRECISION_OCAML)))
		*out = PRECISION_OCAML;
	else if (s && !strcmp(s, precision_name(PRECISION_CONSERVATIVE)))
		*out = PRECISION_CONSERVATIVE;
	else
		return -1;
	return 0;
}

const char *severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

const char *diag_kind_name(enum diag_kind k)
{
	return k == DIAG_WARNING ? "warning" : "note";
}

const char *machine_name(unsigned m)
{
	switch (m) {
	case IMG_EM_X86_64: return "x86-64";
	case IMG_EM_AARCH64: return "AArch64";
	case IMG_EM_386: return "i386";
	case IMG_EM_ARM: return "ARM";
	case IMG_EM_PPC64: return "PowerPC64";
	case IMG_EM_RISCV: return "RISC-V";
	}
	return NULL;
}

const char *edge_kind_name(enum edge_kind k)
{
	static const char *const names[N_EDGE_KINDS] = {
		"call", "jump", "address", "pointer", "page", "field-store", "field-load",
	};

	return k < N_EDGE_KINDS ? names[k] : "?";
}

/* The finding rules, with their titles (docs/rules.md lists them all). */
static const struct {
	const char *id, *title;
} finding_rules[] = {
	{ "MA-DRV-001", "a device type is declared but its driver is sealed" },
	{ "MA-DRV-002", "a driver is reachable but no device of its type is declared" },
	{ "MA-DRV-003", "a device is declared but its driver is dead" },
	{ "MA-DRV-004", "a driver is linked, dead and undeclared: strippable" },
	{ "MA-MFT-001", "the manifest breaks one of Solo5's validation rules" },
	{ "MA-FAC-001", "a forbidden facility is reachable" },
	{ "MA-FAC-002", "a forbidden facility is linked but dead" },
	{ "MA-FAC-003", "a forbidden facility is linked and reachable but inert on this target" },
	{ "MA-POL-001", "a facility named by --forbid is reachable" },
	{ "MA-POL-002", "a facility named by --require-sealed is in the image" },
	{ "MA-HARD-WX", "a loadable segment is writable and executable" },
	{ "MA-HARD-STACK-EXEC", "the stack is executable or its permissions are not stated" },
	{ "MA-HARD-TEXTREL", "the code is relocated at load time" },
	{ "MA-HARD-DYNAMIC", "the image has a dynamic section" },
	{ "MA-HARD-INTERP", "the image names a program interpreter" },
	{ "MA-HARD-ENTRY", "the entry point is outside executable code" },
	{ "MA-HARD-PIE", "the image is not position-independent" },
	{ "MA-HARD-RELRO", "relocations are not read-only after load" },
	{ "MA-HARD-CANARY", "C functions with a stack buffer have no stack protector" },
	{ "MA-HARD-FORTIFY", "no fortified libc function is linked" },
	{ "MA-HARD-CET", "control-flow protection (CET, BTI) is not enabled" },
	{ "MA-HARD-SYMBOLS", "the symbol table is shipped" },
	{ "MA-HARD-DEBUG", "debug information is shipped" },
	{ "MA-SEC-PRIVATE-KEY", "a private key is embedded in the image" },
	{ "MA-SEC-CERT-EXPIRED", "an embedded certificate has expired" },
	{ "MA-SEC-CREDENTIAL", "a string near a credential keyword looks like a secret" },
	{ "MA-SEC-BUILD-PATH", "a build path names a user's home directory" },
	{ "MA-SEC-TOOLCHAIN", "the OCaml compiler, toplevel or Dynlink is linked in" },
};

const char *finding_title(const char *rule)
{
	size_t i;

	for (i = 0; i < sizeof(finding_rules) / sizeof(finding_rules[0]); i++)
		if (!strcmp(finding_rules[i].id, rule))
			return finding_rules[i].title;
	return rule;
}

const char *stub_kind_name(enum stub_kind k)
{
	return k == STUB_RETURNS_CONST ? "returns constant" :
	       k == STUB_SETS_ERRNO ? "sets errno" : k == STUB_WRAPS ? "wraps stubs" : "aborts";
}

const char *link_state_name(enum link_state s)
{
	return s == LINK_LINKED ? "linked" : s == LINK_LEFT_OUT ? "left out" : "unknown";
}

const char *sealed_how_name(enum sealed_how h)
{
	return h == SEALED_NEVER_BUILT ? "never built" : h == SEALED_LEFT_OUT ? "left out" :
	       h == SEALED_LINKED_DEAD ? "linked, dead" : "not sealed out";
}
