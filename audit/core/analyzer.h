/* SPDX-License-Identifier: ISC */
/* Analyzers: each turns the model into facts; the pipeline runs what a command needs. */
#ifndef MA_ANALYZER_H
#define MA_ANALYZER_H

#include "audit/core/model.h"

enum analyzer_id {
	AN_PLATFORM, AN_OCAML, AN_ATTRIBUTION, AN_LAYOUT, AN_SIZES, AN_REFGRAPH, AN_REACH, AN_DEAD, AN_RETAINED, AN_FACILITIES,
	AN_CONDENSE, AN_GADGETS, AN_LINKAGE, AN_HARDENING, AN_INSNS, AN_TCB, AN_SECRETS,
	N_ANALYZERS
};

#define AN_BIT(id) (1u << (id))

struct analyzer {
	const char *name;
	enum analyzer_id id;
	unsigned needs;			/* AN_BIT()s that must run first */
	/* run: add facts to A; return 0, or -1 with the reason in a->diag (an input error). */
	int (*run)(struct audit *a);
};

extern const struct analyzer analyzer_platform, analyzer_ocaml, analyzer_attribution,
	analyzer_layout, analyzer_sizes, analyzer_refgraph, analyzer_reach, analyzer_dead, analyzer_retained, analyzer_facilities,
	analyzer_condense, analyzer_gadgets, analyzer_linkage, analyzer_hardening,
	analyzer_insns, analyzer_tcb, analyzer_secrets;

/*
 * refgraph_code_starts: for images without symbols, the addresses where code
 * is entered other than by falling through (the ELF entry, call targets,
 * code addresses in operands and in data words), sorted and unique. *OUT is
 * heap-owned (free it); returns the count (0 when no disassembler applies).
 */
size_t refgraph_code_starts(struct audit *a, uint64_t **out);

/*
 * The instruction-level shape of one code node, enough to recognise a stub
 * (analyzers/facilities.c): what it may do besides computing a constant.
 */
#define SHAPE_MAX_INSNS 64
#define SHAPE_MAX_CALLS 8
enum {
	SHAPE_UNDECODED = 1 << 0,	/* bytes that do not decode, or no disassembler */
	SHAPE_TOO_LONG = 1 << 1,	/* over SHAPE_MAX_INSNS insns or SHAPE_MAX_CALLS callees */
	SHAPE_INDIRECT = 1 << 2,	/* an indirect call or jump, or a call into a middle */
	SHAPE_SYSTEM = 1 << 3,		/* syscall, int, vmcall, hlt, in/out, svc, hvc... */
	SHAPE_UNMODELLED = 1 << 4,	/* an instruction outside the set the summary models */
	SHAPE_STORE_CONST = 1 << 5,	/* a store of a constant to memory, not the stack */
	SHAPE_STORE_OTHER = 1 << 6,	/* a store of a value not known to be constant */
	SHAPE_EXIT_OTHER = 1 << 7,	/* a tail jump to code that returns, or off the end */
	SHAPE_RETURNS = 1 << 8,		/* a return is reachable */
	SHAPE_RET_VARIES = 1 << 9,	/* some return's value is not the one constant */
	SHAPE_NORETURN_EXIT = 1 << 10,	/* a path ends in a noreturn call, or a trap */
	SHAPE_N_FLAGS = 11
};

struct code_shape {
	uint32_t flags;			/* SHAPE_* */
	uint32_t n_insns;		/* non-padding instructions (up to SHAPE_MAX_INSNS + 1) */
	int64_t ret_value;		/* SHAPE_RETURNS without SHAPE_RET_VARIES: the value */
	uint64_t flag_at[SHAPE_N_FLAGS];	/* per flag bit: the first instruction setting it */
	uint32_t calls[SHAPE_MAX_CALLS];	/* direct call targets (layout nodes), distinct */
	size_t n_calls;
};

/*
 * refgraph_shape: disassemble code node NODE (on demand: a few nodes need it)
 * and summarise it into *OUT with a small forward analysis over its
 * instructions (which registers hold constants; where each path ends).
 * Uses refgraph.noreturn. Returns 0, or -1 when NODE is not executable code
 * this machine can decode (then OUT says SHAPE_UNDECODED).
 */
int refgraph_shape(const struct audit *a, uint32_t node, struct code_shape *out);

/*
 * refgraph_system_insn: whether code node NODE has a system or privileged
 * instruction anywhere (syscall, int, vmcall, in/out, ...; svc, hvc, smc, msr
 * on AArch64): 1 with its address in *AT, 0 when none, -1 when NODE is not
 * code this machine can decode in full.
 */
int refgraph_system_insn(const struct audit *a, uint32_t node, uint64_t *at);

/*
 * The stack frame of one code node, as far as the stack protector cares
 * (analyzers/hardening.c): the largest immediate stack allocation, whether a
 * stack slot's address is taken (lea off(%rsp|%rbp) on x86-64, add xN, sp on
 * AArch64: the sign of a local array or an address-taken local, what
 * -fstack-protector-strong guards), and a load of the TLS guard %fs:0x28.
 * The global guard and the __stack_chk_fail call are edges of the graph.
 */
struct code_frame {
	uint64_t frame;			/* bytes: largest sub $N, %rsp / sub sp, sp, #N */
	bool is_addr_taken;
	uint64_t addr_at;		/* the first such instruction */
	bool has_tls_canary;
	uint64_t tls_at;
};

/*
 * refgraph_frame: disassemble code node NODE into *OUT. Returns 0, or -1 when
 * NODE is not code this machine can decode in full.
 */
int refgraph_frame(const struct audit *a, uint32_t node, struct code_frame *out);

/*
 * facilities_wrapper: whether reached code node NODE, of a facility whose
 * node membership and stubs FAC_STUB tells (for a node: -1 not of the
 * facility, 0 of it but no stub, 1 a stub of it), is an OCaml runtime
 * primitive that wraps the facility's stubs (docs/platforms.md): named
 * caml_*, no system instruction, at least one reference to a stub of the
 * facility and none to another node of it. Returns 0, or -1 with the reason
 * in WHY (SIZE bytes).
 */
int facilities_wrapper(const struct audit *a, uint32_t node,
		       int (*fac_stub)(const struct audit *a, uint32_t node, void *ctx), void *ctx,
		       char *why, size_t size);

/*
 * facilities_stub: whether reached code node NODE is a stub (docs/platforms.md):
 * returns its kind, or -1 with the reason in WHY (SIZE bytes).
 */
int facilities_stub(const struct audit *a, uint32_t node, char *why, size_t size);

/*
 * reach_is_ocaml_table: whether symbol NAME is one of the OCaml metadata tables
 * the runtime reads to walk the heap and the stack (caml_globals,
 * caml_frametable, caml<U>__frametable, caml<U>__gc_roots, the code and data
 * segment lists): generated by the compiler, never code.
 */
bool reach_is_ocaml_table(const struct audit *a, const char *name);

/*
 * gadgets_count: ROP/JOP gadgets in the executable code of A's image: every
 * byte offset of an executable segment from which up to GADGET_MAX_INSNS
 * instructions decode and end in a return, an indirect jump or an indirect
 * call (docs/seal.md). Returns 0, or -1 when the machine is not decoded.
 */
#define GADGET_MAX_INSNS 5
int gadgets_count(const struct audit *a, struct gadget_counts *out);

/*
 * analyzers_run: run the analyzers in WANT and everything they need, in
 * dependency order, each at most once per audit. Returns 0 or -1 (diag set).
 */
int analyzers_run(struct audit *a, unsigned want);

#endif
