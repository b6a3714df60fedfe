/* SPDX-License-Identifier: ISC */
/* The audit of one image: the loaded image, the facts analyzers add, and diagnostics. */
#ifndef MA_MODEL_H
#define MA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/core/arena.h"
#include "audit/core/claims.h"
#include "audit/core/diag.h"
#include "audit/core/image.h"
#include "audit/core/rules.h"
#include "audit/core/strset.h"

struct audit;
struct catalogue;
struct seal_record;
struct build;

/* ---- platform (analyzers/platform.c) ---------------------------------- */

enum { MFT_DEV_BLOCK_BASIC = 1, MFT_DEV_NET_BASIC = 2, MFT_RESERVED_FIRST = 1u << 30 };

struct solo5_device {
	const char *name;
	uint32_t type;
	const char *type_name;		/* "NET_BASIC", "BLOCK_BASIC" or "<undefined type>" */
};

struct solo5_manifest {
	bool is_present, is_valid;
	const char *error;		/* why validation failed (Solo5's mft_validate rules) */
	uint32_t version, entries;
	struct solo5_device *devices;	/* entries other than the reserved ones */
	size_t n_devices;
	const char *where;		/* "PT_NOTE #2 (.note.solo5.manifest)" */
};

struct solo5_abi {
	bool is_present;
	uint32_t target, version;
	const char *target_name;	/* "hvt", "spt", ..., "unknown" */
	const char *where;
};

struct xen_note {
	uint32_t type;
	const char *name;		/* "PHYS32_ENTRY", "GUEST_OS", ... or "type N" */
	const char *value;		/* string, or hex address/number */
};

struct platform_facts {
	const char *target;		/* hvt spt virtio muen genode xen xen-pv linux unknown */
	const char **evidence;		/* why, one line each */
	size_t n_evidence;
	struct solo5_manifest manifest;
	struct solo5_abi abi;
	bool has_openbsd_note;
	struct xen_note *xen_notes;
	size_t n_xen_notes;
	bool has_phys32_entry;
	uint64_t phys32_entry;
	const char *xen_guest_os;	/* GUEST_OS from a note or __xen_guest, or NULL */
	const char *xen_legacy_guest;	/* the __xen_guest section string, or NULL */
	bool has_multiboot;
	int multiboot_version;		/* 1 or 2 */
	uint64_t multiboot_offset;	/* file offset of the header */
	uint32_t multiboot_flags;
	const char *interp;
	const struct seal_record *seal;	/* the image was sealed: its record, or NULL */
};

/* ---- OCaml (analyzers/ocaml.c) ------------------------------------------ */

struct ocaml_unit {
	const char *name;		/* the compilation unit, e.g. "Mirage_crypto__Cipher_block" */
	bool has_code, has_data;
	struct image_range code, data;	/* from caml<U>__code_begin/end, __data_begin/end */
	const char *library;		/* from the rules (analyzers/attribution.c) */
	const char *component;
};

struct ocaml_facts {
	bool is_present;
	const char *separator;		/* "__" (OCaml <= 5.0) or "." (5.1+), NULL if unknown */
	const char *version_hint;	/* e.g. "4.x (symbol separator __)" */
	const char **version_evidence;
	size_t n_version_evidence;
	struct ocaml_unit *units;	/* sorted by name */
	size_t n_units;
	struct strset unit_index;	/* name -> index into units */
	/* Code and data ranges of the units, settled (disjoint, sorted); id = unit index. */
	struct claims ranges;
	/*
	 * Images without unit markers (stripped): the runtime recognised by its
	 * strings, code and tables (docs/attribution.md, "Stripped images").
	 */
	bool is_stripped;		/* present, but no caml<U>__code_begin symbols */
	const char *units_from;		/* "symbols", "runtime tables" or NULL (no units) */
	const char **runtime_evidence;
	size_t n_runtime_evidence;
	struct image_range *code_segments;	/* caml_code_segments found by shape, table order */
	size_t n_code_segments;
};

/* ---- attribution (analyzers/attribution.c) ------------------------------ */

struct attribution_facts {
	bool is_done;
	/* Parallel to image.symbols: the unit (index into ocaml.units or -1) and labels. */
	int32_t *sym_unit;
	const char **sym_library, **sym_component, **sym_module;
	/* DWARF compile-unit ranges, settled (disjoint, sorted); id = index into image.cus. */
	struct claims cu_ranges;
	const char **cu_library, **cu_component;	/* parallel to image.cus */
	const char **sec_library, **sec_component;	/* parallel to image.sections; NULL: no rule */
	const char *libc, *libm;			/* the C library and libm detected */
};

/* ---- layout (analyzers/layout.c) ---------------------------------------- */

enum { NODE_EXEC = 1, NODE_WRITE = 2, NODE_NOBITS = 4 };

/*
 * The mapped image cut into disjoint nodes: one per symbol that owns bytes
 * (its size, or the derived size of a size-0 symbol), and one per run of bytes
 * no symbol claims within a section (or outside every section). Sorted by
 * address; together they cover every PT_LOAD byte exactly once.
 */
struct layout_node {
	uint64_t lo, hi;
	int32_t sym;			/* index into image.symbols, or -1 */
	int32_t sec;			/* index into image.sections, or -1 */
	uint32_t flags;			/* NODE_* from the segment and section */
};

struct layout_facts {
	struct layout_node *nodes;	/* heap-owned (audit_release) */
	size_t n_nodes;
	bool is_discovered;		/* stripped: code nodes cut at discovered entry points */
	/* Lookup index: for each 4 KiB page from nodes[0].lo, the first node ending above it. */
	uint32_t *page_first;		/* NULL when the span is too sparse to index */
	size_t n_pages;
};

/* layout_find: the node holding ADDR, or -1. */
ptrdiff_t layout_find(const struct layout_facts *l, uint64_t addr);
/* layout_node_name: the symbol's name, or "[.rodata+0x10]" into BUF for anonymous bytes. */
const char *layout_node_name(const struct audit *a, size_t node, char *buf, size_t size);
/*
 * layout_split: call FN(node, bytes, CTX) for each node that [LO, LO + SIZE)
 * overlaps, in address order, with the bytes of the range inside it; stops at
 * the first byte no node holds. A size piece may span several nodes (code cut
 * at discovered entry points in a stripped image lies inside one piece).
 */
void layout_split(const struct layout_facts *l, uint64_t lo, uint64_t size,
		  void (*fn)(size_t node, uint64_t bytes, void *ctx), void *ctx);

/* ---- privileged and sensitive instructions (analyzers/insns.c) --------- */

/* What an instruction site does; the names are objdump's mnemonics (docs/instructions.md). */
enum insn_kind {
	INSN_VMCALL, INSN_VMMCALL, INSN_IN, INSN_OUT, INSN_INS, INSN_OUTS, INSN_SYSCALL,
	INSN_SYSENTER, INSN_INT, INSN_HYPERCALL, INSN_RDRAND, INSN_RDSEED, INSN_RDMSR,
	INSN_WRMSR, INSN_CLI, INSN_STI, INSN_HLT, INSN_LGDT, INSN_LIDT, INSN_MOV_CR,
	INSN_HVC, INSN_SMC, INSN_SVC, INSN_MSR, INSN_MRS,
	N_INSN_KINDS
};

/* insn_kind_name: "vmcall", ..., "call hypercall_page", "mov cr", ..., "mrs". */
const char *insn_kind_name(enum insn_kind k);

struct insn_site {
	uint64_t at;			/* the instruction's address */
	uint32_t node;			/* the layout node (function) holding it */
	uint8_t kind;			/* enum insn_kind */
	bool is_reachable;		/* insns.c: reach marks the node (used or retained) */
	int32_t hypercall;		/* INSN_HYPERCALL: the number (offset / 32), else -1 */
	const char *module, *library, *component;	/* insns.c: the attribution labels */
	const char *package;		/* insns.c: node_package, NULL without a build */
	const char *facility;		/* insns.c: the first facility holding the node, or NULL
					   (also when the facilities analysis did not run) */
};

struct insn_facts {
	bool is_done;
	bool is_decoded;		/* false: no decoder for this machine, nothing counted */
	const struct insn_site *sites;	/* every site, by address (refgraph's, labelled) */
	size_t n_sites;
	size_t total[N_INSN_KINDS], reachable[N_INSN_KINDS];
};

/* ---- reference graph (analyzers/refgraph.c) ----------------------------- */

enum edge_kind {
	EDGE_CALL,	/* a direct call */
	EDGE_JUMP,	/* a direct jump or conditional branch (tail calls too) */
	EDGE_ADDR,	/* an address operand: lea, mov $imm, a RIP-relative or absolute access */
	EDGE_DATA,	/* a pointer-sized word in data (or a literal pool) */
	EDGE_PAGE,	/* AArch64 adrp whose low bits could not be paired: every node of the page */
	EDGE_FIELD,	/* OCaml: this address is stored into field `off` of module block `aux` */
	EDGE_FIELD_LOAD,	/* OCaml: field `off` of module block `dst` is read */
	N_EDGE_KINDS
};

struct ref_edge {
	uint64_t at;			/* address of the instruction or data word */
	uint32_t dst;			/* layout node */
	uint32_t aux;			/* EDGE_FIELD: the module block's node */
	uint32_t off;			/* EDGE_FIELD, EDGE_FIELD_LOAD: byte offset of the field */
	uint8_t kind;			/* enum edge_kind */
};

struct refgraph_facts {
	bool is_done, has_code_analysis;
	size_t *first;			/* edges of node i: edges[first[i] .. first[i + 1]) */
	struct ref_edge *edges;		/* heap-owned (audit_release), by source node then target */
	size_t n_edges;
	size_t n_insns, n_bad_bytes;	/* instructions decoded; bytes that did not decode */
	size_t n_code_nodes, n_data_nodes;
	uint8_t *noreturn;		/* per node: never returns (fall-through fixpoint) */
	struct insn_site *sys_sites;	/* privileged instructions met on the sweep, by address */
	size_t n_sys_sites;
};

/* ---- reachability (analyzers/reach.c) ---------------------------------- */

enum precision {
	PRECISION_CONSERVATIVE,	/* follow every reference */
	PRECISION_OCAML,	/* OCaml metadata tables and unread module fields are not uses */
};

enum {
	REACH_USED = 1,		/* reachable by references that may run or read it */
	REACH_RETAINED = 2,	/* data read only by the runtime's table walkers (ocaml precision) */
};

struct reach_root {
	uint32_t node;
	const char *why;		/* "ELF entry point", "section .init_array", ... */
};

struct reach_facts {
	bool is_done;
	bool is_complete;		/* false: no code analysis, every node assumed reachable */
	enum precision precision;
	struct reach_root *roots;
	size_t n_roots;
	uint8_t *reached;		/* per layout node: 0 dead, REACH_USED, REACH_RETAINED */
	int32_t *parent;		/* per node: previous node on a shortest path from a root */
	size_t *parent_edge;		/* per node: index into refgraph.edges, SIZE_MAX for roots */
	uint32_t *depth;
	size_t n_reached;
	uint64_t reached_bytes, dead_bytes;	/* VM bytes of reached / unreached nodes */
	const char **assumptions;
	size_t n_assumptions;
	size_t n_metadata_nodes, n_unread_fields;	/* OCaml precision at work */
};

/*
 * reach_chain: the shortest chain of nodes from a root to NODE (root first)
 * into OUT (at most MAX; the nodes nearest NODE are kept when longer).
 * Returns the number written, 0 when NODE is not reached.
 */
size_t reach_chain(const struct audit *a, uint32_t node, uint32_t *out, size_t max);
/*
 * reach_chain_ends: as reach_chain, but a chain longer than MAX (at least 2) keeps its
 * root: OUT[0] is the root, OUT[1..] the MAX - 1 nodes nearest NODE, and *N_LEFT_OUT the
 * number of steps between them left out (0 when the whole chain fits).
 */
size_t reach_chain_ends(const struct audit *a, uint32_t node, uint32_t *out, size_t max,
			size_t *n_left_out);

/* ---- sizes (analyzers/sizes.c) ------------------------------------------ */

enum level {
	LEVEL_SEGMENT, LEVEL_SECTION, LEVEL_COMPONENT, LEVEL_LIBRARY, LEVEL_MODULE, LEVEL_SYMBOL,
	N_LEVELS
};

/* A run of bytes that has one label at every level. */
struct size_piece {
	uint64_t lo, size;		/* file offset or virtual address, and length */
	uint32_t label[N_LEVELS];	/* ids into sizes.labels[level] */
};

struct size_domain {
	struct size_piece *pieces;	/* sorted by lo within each segment; heap-owned */
	size_t n_pieces, alloc;
	uint64_t total;
};

struct size_row {
	uint32_t label;
	uint64_t file_size, vm_size;
};

struct size_facts {
	bool is_done;
	struct size_domain file, vm;
	struct strset labels[N_LEVELS];
	/* Per level: one row per label, sorted by file size then name, summing to the totals. */
	struct size_row *rows[N_LEVELS];
	size_t n_rows[N_LEVELS];
	uint64_t unknown_file, unknown_vm;	/* bytes whose component is "unknown" */
	uint64_t alloc_file;			/* file bytes of SHF_ALLOC sections */
	uint64_t unknown_alloc;			/* unknown file bytes inside those: <= alloc_file */
};

/* ---- dead code (analyzers/dead.c) ---------------------------------------- */

struct dead_row {
	uint32_t label;			/* id into sizes.labels[level] */
	uint64_t dead_file, dead_vm;	/* bytes of unreachable nodes under this label */
	uint64_t live_file, live_vm;	/* bytes of reachable nodes (mapped bytes only) */
};

struct dead_function {
	uint32_t node;
	uint64_t size;
	const char *module, *library, *component;
};

struct dead_facts {
	bool is_done;
	/* Per level, rows with dead bytes, sorted by dead VM bytes then name. */
	struct dead_row *rows[N_LEVELS];
	size_t n_rows[N_LEVELS];
	struct dead_function *functions;	/* executable symbol nodes never reached, largest first */
	size_t n_functions;
	uint64_t dead_code_bytes, dead_data_bytes, live_code_bytes, live_data_bytes;
};

/* ---- retained sizes (analyzers/retained.c) ------------------------------ */

struct retained_facts {
	bool is_done;
	uint64_t *bytes;	/* per layout node: its dominator subtree's bytes (0 if unreached) */
};

/* ---- facilities and drivers (analyzers/facilities.c) ------------------- */

enum verdict {
	VERDICT_SEALED,		/* no code or data of the facility is in the image */
	VERDICT_DEAD,		/* present, but nothing reaches it from a root: strippable */
	VERDICT_REACHABLE,	/* reached; witness is a shortest chain from a root */
	VERDICT_UNKNOWN,	/* no symbols to match (stripped), or near misses: not sealed */
	/*
	 * Reached, but cannot act on this target: the platform's interface has no
	 * operation that performs it (a catalogue `inert` line) and every reached
	 * node of the facility is a stub (docs/platforms.md).
	 */
	VERDICT_INERT,
};

/* How a stub is recognised by its code (analyzers/facilities.c). */
enum stub_kind {
	STUB_RETURNS_CONST,	/* returns a constant */
	STUB_SETS_ERRNO,	/* stores a constant (errno) and returns a constant */
	STUB_ABORTS,		/* every path ends in a call to a function that never returns */
	STUB_WRAPS,		/* an OCaml runtime primitive that acts only through stubs */
};

struct facility_stub {
	uint32_t node;			/* layout node */
	enum stub_kind kind;
};

enum severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

/* A finding: the one struct behind text, JSON, Markdown, HTML and SARIF output. */
struct finding {
	const char *rule;	/* stable id, e.g. "MA-DRV-001" */
	enum severity severity;
	const char *facility;	/* or NULL */
	const char *location;	/* symbol, section or "manifest", or NULL */
	const char *message;
	int32_t witness;	/* node whose reach chain explains it, or -1 */
	const char *advice;	/* what to do, or NULL */
};

/*
 * Every finding of an audit, in report order: facilities, hardening (failed
 * checks), secrets. Each analyzer with findings keeps its own array in its facts; the
 * reports walk them all through these two (rule ids: docs/rules.md).
 */
size_t findings_count(const struct audit *a);
const struct finding *findings_at(const struct audit *a, size_t i);

struct facility {
	const char *name, *klass, *description;	/* klass: driver, service, forbidden */
	const char *device;		/* driver: the manifest type it serves, or NULL */
	enum verdict verdict;
	uint32_t *nodes;		/* layout nodes of the facility, by address */
	size_t n_nodes;
	uint64_t bytes, dead_bytes, reachable_bytes;
	int32_t witness;		/* the reached node nearest a root, or -1 */
	const char **units;		/* OCaml units matched (distinct) */
	size_t n_units;
	/*
	 * Units and symbols that share a near token of the facility but match no
	 * pattern (distinct, at most FACILITY_MAX_NEAR): why a facility with no
	 * node is unknown rather than sealed (docs/facilities.md).
	 */
	const char **near_misses;
	size_t n_near_misses;
	/*
	 * The catalogue's platform rule for this target (an `inert` line), or
	 * NULL. With VERDICT_INERT, STUBS are the reached nodes, all stubs; with
	 * VERDICT_REACHABLE and a rule, NOT_INERT says what prevented inert
	 * (BLOCKER: the node that is not a stub, or -1 for a linked symbol).
	 */
	const char *inert_rule;
	struct facility_stub *stubs;
	size_t n_stubs;
	const char *not_inert;
	int32_t blocker;
};

#define FACILITY_MAX_NEAR 32

/* facility_stub_list: "system (aborts), stat (sets errno)": F's stubs, allocated in AR. */
const char *facility_stub_list(const struct audit *a, const struct facility *f, struct arena *ar);

struct facility_facts {
	bool is_done;
	struct facility *v;
	size_t n;
	struct finding *findings;
	size_t n_findings;
};

/* ---- condensed reference graph (analyzers/condense.c) ------------------- */

/*
 * The reference graph condensed to groups of layout nodes: OCaml units or C
 * modules (object files, compile units), or libraries. A node without a symbol
 * goes to the OCaml unit whose range holds it, else to "[section NAME]" (or
 * "[no section]" for mapped bytes outside every section), so the groups'
 * bytes sum to the mapped total.
 */
struct condense_node {
	const char *name;		/* arena-owned */
	const char *library;		/* the library it belongs to (the name itself by library) */
	uint64_t bytes;			/* VM bytes of its layout nodes */
	uint64_t reachable_bytes;	/* of nodes reach marked (used or retained) */
	uint64_t dead_bytes;		/* of nodes no root reaches */
	uint32_t n_members;		/* layout nodes */
};

struct condense_edge {
	uint32_t src, dst;		/* condensed nodes, never equal */
	uint32_t count;			/* references from src's layout nodes to dst's */
};

struct condense_graph {
	struct condense_node *nodes;	/* arena-owned; largest first, then by name */
	size_t n_nodes;
	struct condense_edge *edges;	/* arena-owned; sorted by src, then dst */
	size_t n_edges;
};

struct condense_facts {
	bool is_done;
	struct condense_graph module, library;
};

/* condense_find: the node of G named NAME, or -1. */
ptrdiff_t condense_find(const struct condense_graph *g, const char *name);

/* ---- ROP/JOP gadgets (analyzers/gadgets.c, gadgets_count) --------------- */

struct gadget_counts {
	uint64_t total, ret, jmp, call;	/* gadgets by their last instruction */
	uint64_t code_bytes;		/* executable bytes scanned */
};

struct gadget_facts {
	bool is_done;
	bool is_counted;		/* false: no decoder for this machine */
	uint32_t max_insns;		/* the longest gadget counted, in instructions */
	struct gadget_counts n;
};

/* ---- linkage (analyzers/linkage.c): the build's three-way view -------- */

/*
 * Per build object (parallel to build.objects): available (every object),
 * linked (state LINK_LINKED), reachable (linked and some byte reached). Bytes
 * are the image bytes its placed input sections cover; a byte of a node reach
 * marks (used or retained) is reachable, the rest of its linked bytes dead.
 */
struct linkage_object {
	uint64_t linked_bytes, reachable_bytes, dead_bytes;
	bool is_dead;			/* linked, placed bytes known, none reached */
	const char *module;		/* the module name the size levels use, or NULL */
	bool is_located;		/* linked, and some placed byte lies in the layout */
	uint64_t ignored_bytes;		/* of linked_bytes: in sections the linker merges or
					   rewrites (.eh_frame, .note.*, ...), not weighed by
					   is_dead */
};

struct linkage_group {
	const char *name;		/* library or package name ("[unknown]" when none) */
	const char *version;		/* package groups: the version when known */
	size_t n_available, n_linked, n_left_out, n_unknown, n_reachable, n_dead;
	uint64_t available_bytes;	/* alloc bytes of every object (read from the objects) */
	uint64_t left_out_bytes;	/* alloc bytes of the objects the linker left out */
	uint64_t linked_bytes, reachable_bytes, dead_bytes;
};

/*
 * How a facility the image does not run was kept out (a facility's "sealed
 * out" split): no available object matches it, only objects the linker left
 * out match it, or what the linker took of it is dead.
 */
enum sealed_how {
	SEALED_NOT,		/* reached, unknown, or some matching object is not dead */
	SEALED_NEVER_BUILT,	/* no available object matches the facility */
	SEALED_LEFT_OUT,	/* only objects the linker left out match it */
	SEALED_LINKED_DEAD,	/* matching objects were linked, and none can run */
};

struct linkage_facility {
	enum sealed_how how;
	size_t n_available, n_linked, n_left_out, n_dead;	/* matching objects */
	uint64_t left_out_bytes;	/* alloc bytes of the matching objects left out */
	uint64_t dead_bytes;		/* dead bytes of the matching objects linked */
};

struct linkage_facts {
	bool is_done;
	bool has_build;			/* --build or -M was given */
	struct linkage_object *objects;	/* parallel to build.objects, arena-owned */
	size_t n_objects;
	struct linkage_group total;
	struct linkage_group *libraries, *packages;	/* largest linked first */
	size_t n_libraries, n_packages;
	uint32_t *node_object;		/* per layout node: its build object, or UINT32_MAX */
	/* Parallel to facilities.v when the facilities ran (n_facilities 0 otherwise). */
	struct linkage_facility *facilities;
	size_t n_facilities;
};

/* ---- hardening (analyzers/hardening.c, docs/hardening.md) -------------- */

enum hard_status { HARD_PASS, HARD_FAIL, HARD_NA, HARD_UNKNOWN };
enum hard_severity { HSEV_INFO, HSEV_LOW, HSEV_MEDIUM, HSEV_HIGH };

/* One check's result: a finding when status is HARD_FAIL. */
struct hard_check {
	const char *rule;		/* "MA-HARD-WX", ... */
	const char *title;
	enum hard_status status;
	enum hard_severity severity;
	const char *location;		/* "LOAD #2 [RWX]", ".note.gnu.property", ... or NULL */
	bool has_address;
	uint64_t address;
	const char *evidence;		/* what the image shows */
	const char *advice;		/* what to do; NULL on a pass */
};

/* Per-function stack protector coverage (MA-HARD-CANARY). */
struct hard_function {
	uint32_t node;			/* layout node */
	uint64_t frame;			/* largest immediate stack allocation, bytes */
	bool has_buffer;		/* a stack slot's address is taken */
	bool has_load, has_check;	/* guard load; call to __stack_chk_fail */
};

struct hardening_facts {
	bool is_done;
	struct hard_check *checks;	/* arena-owned, in rule order */
	size_t n_checks;
	bool is_measured;		/* canary coverage computed (symbols and a decoder) */
	struct hard_function *unprotected;	/* functions with a buffer and no canary */
	size_t n_unprotected;
	size_t n_functions;		/* C functions examined */
	size_t n_buffer;		/* of those: with a stack buffer or a canary */
	size_t n_protected;		/* of those: with a canary (load and check) */
	size_t n_undecoded;		/* functions that did not decode in full */
	size_t n_fortify;		/* __*_chk functions defined */
	struct finding *findings;	/* the failed checks, as findings (arena-owned) */
	size_t n_findings;
};

/* ---- trusted computing base (analyzers/tcb.c, docs/tcb.md) ------------ */

/* Trust classes, in the report's fixed order. */
enum tcb_class { TCB_OCAML, TCB_C, TCB_TABLES, TCB_UNKNOWN, N_TCB_CLASSES };

/* One label's bytes: reachable (split by class) and dead. */
struct tcb_row {
	const char *name;
	uint64_t reachable, dead;
	uint64_t by_class[N_TCB_CLASSES];	/* reachable bytes per class */
};

enum tcb_by { TCB_BY_COMPONENT, TCB_BY_LIBRARY, TCB_BY_PACKAGE, N_TCB_BY };

/* Call and reference sites of one unsafe C primitive of the OCaml runtime. */
struct tcb_unsafe {
	const char *primitive;
	size_t sites, reachable_sites;	/* edges into it; of those, from reached nodes */
};

/* The treemap: library > module > symbol (at most TCB_TREE_SYMBOLS per module). */
#define TCB_TREE_SYMBOLS 40
struct tcb_symbol {
	const char *name;
	uint64_t bytes;
	bool is_reachable;
};

struct tcb_module {
	const char *name;
	uint64_t reachable, dead;
	struct tcb_symbol *symbols;	/* largest first */
	size_t n_symbols;
	size_t n_more;			/* symbols folded into "[N more]" */
	uint64_t more_bytes, more_reachable;
};

struct tcb_library {
	const char *name;
	uint64_t reachable, dead;
	struct tcb_module *modules;	/* most reachable bytes first */
	size_t n_modules;
};

/* What the image runs on (--external-tcb FILE, docs/tcb.md). */
struct tcb_external {
	const char *name;
	uint64_t bytes;
	const char *source;		/* the ELF path as written, or "FILE:LINE" for a stated size */
};

struct tcb_facts {
	bool is_done;
	uint64_t image_bytes;			/* the sizes' VM total */
	uint64_t reachable_bytes, dead_bytes;
	uint64_t reachable[N_TCB_CLASSES], dead[N_TCB_CLASSES];
	struct tcb_unsafe *unsafe;		/* by primitive name; arena-owned */
	size_t n_unsafe;
	struct tcb_row *rows[N_TCB_BY];		/* most reachable bytes first; arena-owned */
	size_t n_rows[N_TCB_BY];
	bool has_packages;			/* a build was given: rows[TCB_BY_PACKAGE] */
	struct tcb_library *tree;
	size_t n_tree;
	const struct tcb_external *external;	/* borrowed from the options */
	size_t n_external;
	uint64_t stack_bytes;			/* reachable_bytes + every external's bytes */
};

/* ---- secrets and surprises (analyzers/secrets.c, docs/secrets.md) ------ */

enum secret_format { SECRET_PEM, SECRET_DER };

/* Where a secret lies: a file offset, and its section, address and symbol when known. */
struct secret_where {
	uint64_t offset;		/* file offset of its first byte */
	bool has_address;
	uint64_t address;		/* in a PT_LOAD's file bytes (or an allocated section) */
	const char *section;		/* or NULL (no section headers) */
	const char *symbol;		/* the symbol whose bytes hold it, or NULL */
};

struct secret_key {
	enum secret_format format;
	const char *algorithm;		/* "RSA", "EC", "ED25519", ..., "encrypted", "unknown" */
	int bits;			/* 0 when unknown */
	uint64_t size;			/* bytes of the PEM block or the DER object */
	struct secret_where where;
};

struct secret_cert {
	enum secret_format format;
	const char *subject, *issuer;	/* one line, X509_NAME_print_ex (docs/secrets.md) */
	const char *not_before, *not_after;	/* ISO 8601, UTC: "2026-01-31T12:00:00Z" */
	bool is_expired;		/* notAfter before the time of the audit */
	bool is_self_signed;		/* subject = issuer and its own key verifies it */
	uint64_t size;
	struct secret_where where;
};

struct secret_credential {
	const char *keyword;		/* the keyword near it, lowercase: "password", "token" */
	const char *text;		/* redacted: its first 4 characters, then "..." */
	double entropy;			/* Shannon entropy, bits per character */
	size_t length;
	struct secret_where where;
};

struct secret_path {
	const char *path;		/* "/home/alice/" */
	const char *user;		/* "alice" */
	size_t count;			/* occurrences in the scanned bytes */
};

struct secret_toolchain {
	const char *what;		/* "OCaml compiler (compiler-libs)", "OCaml toplevel", "Dynlink" */
	const char *evidence;		/* the units seen */
};

struct secret_facts {
	bool is_done;
	uint64_t scanned_bytes;		/* section file bytes scanned (the whole file without them) */
	struct secret_key *keys;	/* by offset; arena-owned like every array here */
	size_t n_keys;
	struct secret_cert *certs;
	size_t n_certs;
	struct secret_credential *credentials;
	size_t n_credentials;
	struct secret_path *paths;	/* by path */
	size_t n_paths;
	struct secret_toolchain *toolchain;
	size_t n_toolchain;
	struct finding *findings;	/* MA-SEC-*: keys, expired certificates, credentials, ... */
	size_t n_findings;
};

struct facts {
	struct platform_facts platform;
	struct ocaml_facts ocaml;
	struct attribution_facts attribution;
	struct layout_facts layout;
	struct refgraph_facts refgraph;
	struct reach_facts reach;
	struct size_facts sizes;
	struct dead_facts dead;
	struct retained_facts retained;
	struct facility_facts facilities;
	struct condense_facts condense;
	struct gadget_facts gadgets;
	struct linkage_facts linkage;
	struct hardening_facts hardening;
	struct insn_facts insns;
	struct tcb_facts tcb;
	struct secret_facts secrets;
};

/* What a command asks of the analyses (set before analyzers_run). */
struct audit_options {
	enum precision precision;
	const char *const *roots;	/* --root SYMBOL, borrowed */
	size_t n_roots;
	struct catalogue *catalogue;	/* facility definitions, borrowed */
	const char *const *forbid;	/* --forbid FACILITY: reachable is a violation */
	size_t n_forbid;
	const char *const *require_sealed;	/* --require-sealed FACILITY: present is one */
	size_t n_require_sealed;
	const struct build *build;	/* --build DIR / -M FILE.map, borrowed; NULL when none */
	const struct tcb_external *external;	/* --external-tcb FILE, borrowed */
	size_t n_external;
};

struct audit {
	struct arena arena;
	struct audit_options opt;
	struct image image;
	struct rules *rules;		/* borrowed: shared by every audit of one run */
	struct facts facts;
	struct diag diag;
	unsigned done;			/* analyzers run (bit per analyzer) */
};

/* audit_init: an empty audit using RULES (borrowed). */
void audit_init(struct audit *a, struct rules *rules);
/* audit_release: frees the image, facts and arena. */
void audit_release(struct audit *a);

/*
 * The package level of `size -d package`: not a label of the size pieces but the
 * package of the build object whose placed bytes hold each piece's node
 * (facts.linkage.node_object), so it exists only with a build (breakdown.c).
 */
#define LEVEL_PACKAGE N_LEVELS
#define N_SIZE_LEVELS (N_LEVELS + 1)

/* level_name: "segments", ..., "symbols", and "packages" for LEVEL_PACKAGE. */
const char *level_name(enum level l);
/* level_parse: "segment(s)", "section(s)", ..., "package(s)" -> level; -1 when unknown. */
int level_parse(const char *s);

/* Labels of the "unknown" component and other fallbacks, shared by analyzers and reports. */
#define COMPONENT_UNKNOWN "unknown"
#define PACKAGE_UNKNOWN "[unknown]"

/*
 * node_package: the package of the build object whose placed bytes hold layout node
 * NODE (facts.linkage.node_object); PACKAGE_UNKNOWN when no object does, NULL without
 * a build.
 */
const char *node_package(const struct audit *a, ptrdiff_t node);

#endif
