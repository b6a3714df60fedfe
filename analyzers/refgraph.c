// SPDX-License-Identifier: ISC
/*
 * The reference graph of the whole image, from the image alone: every
 * executable node is disassembled with capstone (the only capstone user), and
 * every other file-backed node is scanned for aligned words that point into
 * the image. An edge says "the bytes of node A mention an address inside node
 * B": a call, a jump, an address operand, or a stored pointer. Reachability
 * over these edges is sound as long as every address the program uses is
 * written somewhere in the image (docs/reachability.md lists the cases that
 * would break this).
 */
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

struct gctx {
	struct audit *a;
	const struct layout_facts *l;
	struct ref_edge *e;		/* edges of the whole graph, appended in source order */
	size_t n, alloc;
	size_t node_first;		/* first edge of the node being scanned */
	uint32_t src;
	const uint8_t *is_block;	/* per node: an OCaml module block (field tracking) */
	bool any_block;			/* is_block names at least one node */
	const uint8_t *arity;		/* per node: OCaml arity from its closure info, 0 unknown */
	uint64_t lo, hi;		/* the span of the layout: no node outside it */
	size_t n_implausible;		/* data nodes with too many pointer-like words */
	struct insn_site *sys;		/* privileged instruction sites met so far (heap) */
	size_t n_sys, alloc_sys;
	uint64_t hcall_lo, hcall_hi;	/* Xen's hypercall_page, or an empty range */
};

/*
 * Plain references (call, jump, address, pointer, page) share one class: one
 * edge per target, or per offset into anonymous data (plain_off).
 */
static uint8_t edge_class(uint8_t kind)
{
	return kind < EDGE_FIELD ? 0 : kind;
}

static bool same_edge(const struct ref_edge *a, const struct ref_edge *b)
{
	return a->dst == b->dst && edge_class(a->kind) == edge_class(b->kind) &&
	       a->aux == b->aux && a->off == b->off;
}

static void edge_node(struct gctx *g, uint32_t dst, uint64_t at, uint8_t kind, uint32_t aux,
		      uint32_t off)
{
	struct ref_edge e = { .at = at, .dst = dst, .aux = aux, .off = off, .kind = kind };
	size_t i;

	if (dst == g->src && kind < EDGE_FIELD)
		return;
	/* One edge per (source, target, class): keep the first place it was seen, for `why`. */
	for (i = g->n; i > g->node_first && i + 8 > g->n; i--)
		if (same_edge(&g->e[i - 1], &e))
			return;
	xgrow(&g->e, &g->alloc, g->n + 1, sizeof(*g->e));
	g->e[g->n++] = e;
}

/*
 * The offset a plain reference names inside an anonymous data node, else 0.
 * Such bytes (string literals, jump tables, constants) carry no symbol: the
 * exact offsets let sizes.c give each referenced piece the library of the
 * code that references it (docs/attribution.md), so they are kept apart, one
 * edge per (source, target, offset). An unpaired adrp (EDGE_PAGE) names no
 * offset.
 */
static uint32_t plain_off(const struct gctx *g, uint32_t dst, uint64_t target, uint8_t kind)
{
	const struct layout_node *n = &g->l->nodes[dst];

	if (kind >= EDGE_PAGE || n->sym >= 0 || (n->flags & NODE_EXEC) || target < n->lo ||
	    target - n->lo > UINT32_MAX)
		return 0;
	return (uint32_t)(target - n->lo);
}

static void edge(struct gctx *g, uint64_t target, uint64_t at, uint8_t kind)
{
	ptrdiff_t dst;

	/* Most words and immediates are not addresses: reject them before the search. */
	if (target < g->lo || target >= g->hi)
		return;
	dst = layout_find(g->l, target);

	if (dst >= 0)
		edge_node(g, (uint32_t)dst, at, kind, 0, plain_off(g, (uint32_t)dst, target, kind));
}

/* Sort and dedupe the current node's edges, keeping the lowest site of each. */
static int cmp_edge(const void *x, const void *y)
{
	const struct ref_edge *a = x, *b = y;

	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	if (edge_class(a->kind) != edge_class(b->kind))
		return edge_class(a->kind) < edge_class(b->kind) ? -1 : 1;
	if (a->aux != b->aux)
		return a->aux < b->aux ? -1 : 1;
	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

static void node_done(struct gctx *g)
{
	size_t i, k = g->node_first;

	if (g->n - g->node_first < 2)
		return;
	qsort(g->e + g->node_first, g->n - g->node_first, sizeof(*g->e), cmp_edge);
	for (i = g->node_first; i < g->n; i++)
		if (i == g->node_first || !same_edge(&g->e[i], &g->e[k - 1]))
			g->e[k++] = g->e[i];
	g->n = k;
}


/* Text as C and OCaml string literals hold it: printable ASCII, tab, newline, return. */
static bool is_text(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
}

/*
 * A string: at least STRING_MIN text bytes and the NUL that ends them. Words
 * below SMALL_WORD have a fourth byte under 0x20, not text: such a word holds
 * at most three text bytes of its own (docs/reachability.md, "Strings").
 */
#define STRING_MIN 4
#define SMALL_WORD 0x20000000u

/* Strings of B[0, len), found in order: the one at or after *cur, as [*s_lo, *s_hi] (NUL). */
struct strings {
	const unsigned char *b;
	uint64_t len, cur, s_lo, s_hi;
	bool have;
};

/* Does [o, o + w) overlap a string? O never decreases between calls: linear in the node. */
static bool in_string(struct strings *t, uint64_t o, unsigned w)
{
	while (!t->have || t->s_hi < o) {
		uint64_t a;

		while (t->cur < t->len && !is_text(t->b[t->cur]))
			t->cur++;
		if (t->cur >= t->len)
			return false;
		a = t->cur;
		while (t->cur < t->len && is_text(t->b[t->cur]))
			t->cur++;
		if (t->cur - a >= STRING_MIN && t->cur < t->len && !t->b[t->cur])
			*t = (struct strings){ t->b, t->len, t->cur + 1, a, t->cur, true };
	}
	return t->s_lo < o + w;
}

/*
 * Aligned pointer-sized words of [lo, hi) that hold an address inside the
 * image, except small words inside strings: on an image linked at 0, the end
 * of "xyzab" and its padding, "ab\0\0\0\0\0\0", is the address 0x6261.
 */
static void scan_words(struct gctx *g, uint64_t lo, uint64_t hi)
{
	const struct image *img = &g->a->image;
	unsigned w = img->elf_class == 64 ? 8 : 4;
	uint64_t p = (lo + w - 1) & ~(uint64_t)(w - 1), len = hi - lo, v;
	const unsigned char *b;
	struct strings t = { 0 };
	size_t n_words = 0, n_found = 0, n_starts = 0;
	ptrdiff_t dst;

	if (p >= hi)
		return;
	b = image_vaddr_bytes(img, lo, &len);
	if (!b || len < p - lo)
		return;
	t.b = b;
	t.len = len;
	for (; p - lo + w <= len; p += w) {
		n_words++;
		v = image_word(img, b + (p - lo), w);
		/* Most words are not addresses: reject them before the search. */
		if (v < g->lo || v >= g->hi || (v < SMALL_WORD && in_string(&t, p - lo, w)))
			continue;
		dst = layout_find(g->l, v);
		if (dst < 0)
			continue;
		n_found++;
		n_starts += g->l->nodes[dst].lo == v;
		edge_node(g, (uint32_t)dst, p, EDGE_DATA, 0,
			  plain_off(g, (uint32_t)dst, v, EDGE_DATA));
	}
	/*
	 * Implausibly many pointers: in a large data node, more than half of the
	 * words land in the image and under a quarter of those at the start of a
	 * node (a symbol, a function). Real tables of pointers point at objects;
	 * small integers and text on an image linked low land anywhere. The
	 * edges stay (sound); the reviewer is told that chains through the node
	 * may be spurious.
	 */
	if (hi - lo > 4096 && 2 * n_found > n_words && 4 * n_starts < n_found &&
	    !(g->l->nodes[g->src].flags & NODE_EXEC)) {
		char buf[128];

		if (g->n_implausible++ < 8)
			diag_note(&g->a->diag, "data node %s: %zu of its %zu words read as "
				  "addresses in the image, %zu at the start of a node: integers "
				  "or text taken for pointers? (kept as references; `why` "
				  "chains through it may be spurious)",
				  layout_node_name(g->a, g->src, buf, sizeof(buf)), n_found,
				  n_words, n_starts);
	}
}

/*
 * x86-64 with OCaml module-field tracking.
 *
 * An address loaded into a register (mov $X, r; lea X(%rip), r) is followed
 * along straight-line code. When X is an OCaml module block, a load through
 * the register at a constant offset reads one field (EDGE_FIELD_LOAD), and a
 * store of another tracked address into it fills one field (EDGE_FIELD).
 * Every other use of the register, any instruction we do not model, and every
 * control transfer turn the address into a plain reference, so nothing that
 * can flow elsewhere is lost; an address overwritten before any use is no
 * reference at all. With no module blocks this gives the plain references.
 */
struct xreg {
	bool live, used;
	uint32_t node;
	uint32_t delta;			/* the address minus the start of its node */
	uint64_t at;			/* the instruction that loaded the address */
};

struct xstate {
	struct xreg r[16];
};

/* Index 0..15 of the 64-bit register behind a capstone register, -1 if not a GPR. */
static int gpr(unsigned reg, bool *partial)
{
	static const unsigned map[][5] = {
		{ X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL, X86_REG_AH },
		{ X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL, X86_REG_CH },
		{ X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL, X86_REG_DH },
		{ X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL, X86_REG_BH },
		{ X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL, X86_REG_INVALID },
		{ X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL, X86_REG_INVALID },
		{ X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL, X86_REG_INVALID },
		{ X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL, X86_REG_INVALID },
		{ X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B, X86_REG_INVALID },
		{ X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B, X86_REG_INVALID },
		{ X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B, X86_REG_INVALID },
		{ X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B, X86_REG_INVALID },
		{ X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B, X86_REG_INVALID },
		{ X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B, X86_REG_INVALID },
		{ X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B, X86_REG_INVALID },
		{ X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B, X86_REG_INVALID },
	};
	int i, k;

	for (i = 0; i < 16; i++)
		for (k = 0; k < 5; k++)
			if (map[i][k] == reg && reg != X86_REG_INVALID) {
				/* 32-bit writes zero the upper half: a full overwrite. */
				*partial = k >= 2;
				return i;
			}
	return -1;
}

/* The tracked address in register I becomes a plain reference (once). */
static void xuse(struct gctx *g, struct xstate *st, int i)
{
	struct xreg *r = &st->r[i];

	if (!r->live || r->used)
		return;
	edge_node(g, r->node, r->at, EDGE_ADDR, 0,
		  plain_off(g, r->node, g->l->nodes[r->node].lo + r->delta, EDGE_ADDR));
	r->used = true;
}

static void xflush(struct gctx *g, struct xstate *st)
{
	int i;

	for (i = 0; i < 16; i++)
		xuse(g, st, i);
	memset(st, 0, sizeof(*st));
}

/* Instructions whose register effects capstone reports completely and that never transfer control. */
static bool x86_simple(unsigned id)
{
	switch (id) {
	case X86_INS_MOV: case X86_INS_MOVABS: case X86_INS_LEA: case X86_INS_ADD:
	case X86_INS_SUB: case X86_INS_AND: case X86_INS_OR: case X86_INS_XOR: case X86_INS_CMP:
	case X86_INS_TEST: case X86_INS_SHL: case X86_INS_SHR: case X86_INS_SAR:
	case X86_INS_INC: case X86_INS_DEC: case X86_INS_NEG: case X86_INS_NOT:
	case X86_INS_MOVZX: case X86_INS_MOVSX: case X86_INS_MOVSXD: case X86_INS_NOP:
	case X86_INS_IMUL: case X86_INS_PUSH: case X86_INS_POP:
		return true;
	default:
		return false;
	}
}

/* The node an immediate or RIP-relative/absolute operand names, or -1. */
static ptrdiff_t x86_target(const struct gctx *g, const cs_insn *in, const cs_x86_op *op)
{
	if (op->type == X86_OP_IMM)
		return layout_find(g->l, (uint64_t)op->imm);
	if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP && op->mem.index == X86_REG_INVALID)
		return layout_find(g->l, in->address + in->size + (uint64_t)op->mem.disp);
	if (op->type == X86_OP_MEM && op->mem.base == X86_REG_INVALID &&
	    op->mem.index == X86_REG_INVALID)
		return layout_find(g->l, (uint64_t)op->mem.disp);
	return -1;
}

/* The address an immediate or RIP-relative/absolute operand names, if it has one. */
static bool x86_abs(const cs_insn *in, const cs_x86_op *op, uint64_t *v)
{
	if (op->type == X86_OP_IMM)
		*v = (uint64_t)op->imm;
	else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP &&
		 op->mem.index == X86_REG_INVALID)
		*v = in->address + in->size + (uint64_t)op->mem.disp;
	else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_INVALID &&
		 op->mem.index == X86_REG_INVALID && op->mem.segment == X86_REG_INVALID)
		*v = (uint64_t)op->mem.disp;
	else
		return false;
	return true;
}

/*
 * The module block and field offset a memory operand addresses, through a
 * register holding a block (base + constant) or at an absolute/RIP-relative
 * address inside a block; false for anything else, and for an offset outside
 * the block (a header read, or bytes of another node). *REG is the base
 * register, -1 for an absolute address.
 */
static bool x86_field(const struct gctx *g, const struct xstate *st, const cs_insn *in,
		      const cs_x86_op *m, uint32_t *blk, uint32_t *off, int *reg)
{
	const struct layout_node *n;
	bool partial;
	int64_t o;
	uint64_t v;
	ptrdiff_t t;

	if (m->type != X86_OP_MEM || m->mem.index != X86_REG_INVALID ||
	    m->mem.segment != X86_REG_INVALID)
		return false;
	if (x86_abs(in, m, &v)) {
		if ((t = layout_find(g->l, v)) < 0 || !g->is_block[t])
			return false;
		*blk = (uint32_t)t;
		*reg = -1;
		o = (int64_t)(v - g->l->nodes[t].lo);
	} else {
		if ((*reg = gpr(m->mem.base, &partial)) < 0 || partial || !st->r[*reg].live ||
		    !g->is_block[st->r[*reg].node])
			return false;
		*blk = st->r[*reg].node;
		o = (int64_t)st->r[*reg].delta + m->mem.disp;
	}
	n = &g->l->nodes[*blk];
	if (o < 0 || (uint64_t)o >= n->hi - n->lo || (o & 7))
		return false;
	*off = (uint32_t)o;
	return true;
}

/*
 * OCaml's allocation entry points (caml_call_gc, caml_alloc1..3, caml_allocN
 * of the amd64 and arm64 runtimes) save every register they do not own and
 * restore it: on amd64 only r15 (the minor heap pointer), r11 and r10
 * (scratch, destroyed at an allocation) change; arm64: arm64_alloc_call. The
 * GC may scan the saved registers, but that only marks data; it runs no code
 * found through them.
 */
static bool ocaml_alloc_call(const struct gctx *g, uint64_t target)
{
	static const char *const names[] = { "caml_call_gc", "caml_alloc1", "caml_alloc2",
					     "caml_alloc3", "caml_allocN" };
	ptrdiff_t t = layout_find(g->l, target);
	const char *n;
	size_t i;

	if (t < 0 || g->l->nodes[t].lo != target || g->l->nodes[t].sym < 0)
		return false;
	n = g->a->image.symbols[g->l->nodes[t].sym].name;
	for (i = 0; n && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

/*
 * A direct call to an OCaml function whose arity N is known from its closure
 * (OCaml passes the first arguments in rax, rbx, rdi, rsi, rdx, rcx, r8, r9,
 * r12, r13, and every register is destroyed by an OCaml call): the addresses
 * held in its N argument registers are uses, the others die. False when the
 * target's arity is unknown (then everything tracked is a use).
 */
static bool ocaml_call_args(struct gctx *g, struct xstate *st, uint64_t target)
{
	static const int args[10] = { 0, 3, 7, 6, 2, 1, 8, 9, 12, 13 };
	ptrdiff_t t = layout_find(g->l, target);
	unsigned n, i;

	if (t < 0 || !g->arity || !(n = g->arity[t]) || n > 10 || g->l->nodes[t].lo != target)
		return false;
	for (i = 0; i < n; i++)
		xuse(g, st, args[i]);
	memset(st, 0, sizeof(*st));
	return true;
}

static void track_x86(struct gctx *g, csh h, const cs_insn *in, struct xstate *st)
{
	const cs_x86 *x = &in->detail->x86;
	bool simple = x86_simple(in->id), partial, alloc = false;
	int def = -1, i;
	ptrdiff_t def_node = -1;
	uint32_t handled = 0, skip_op = 0;
	struct xreg copy = { 0 };
	cs_regs rr, rw;
	uint8_t nr = 0, nw = 0, k;
	uint64_t v;

	if (in->id == X86_INS_RET) {
		/* Only the return registers outlive a return. */
		xuse(g, st, 0);
		xuse(g, st, 2);
		memset(st, 0, sizeof(*st));
	} else if (in->id == X86_INS_CALL && x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
		   ocaml_alloc_call(g, (uint64_t)x->operands[0].imm)) {
		/* The runtime's allocation: every register but r10, r11 and r15 survives it. */
		alloc = true;
	} else if (in->id == X86_INS_CALL && x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
		   ocaml_call_args(g, st, (uint64_t)x->operands[0].imm)) {
		/* An OCaml function of known arity: only its argument registers flow on. */
	} else if (!simple) {
		xflush(g, st);
	}
	/* A def: mov $X, r / movabs $X, r / lea X(%rip), r with a full-width r. */
	if (simple && x->op_count == 2 && x->operands[0].type == X86_OP_REG &&
	    (in->id == X86_INS_MOV || in->id == X86_INS_MOVABS || in->id == X86_INS_LEA)) {
		int r = gpr(x->operands[0].reg, &partial), s;
		bool full = r >= 0 && !partial;
		uint32_t blk, off;

		def_node = x86_target(g, in, &x->operands[1]);
		if (in->id == X86_INS_MOV && x->operands[1].type == X86_OP_MEM && def_node >= 0 &&
		    g->is_block[def_node]) {
			/*
			 * mov X+d(%rip), r loads from a block, it does not take its
			 * address: one field, or (any other offset) a plain reference.
			 */
			if (x86_field(g, st, in, &x->operands[1], &blk, &off, &s)) {
				edge_node(g, blk, in->address, EDGE_FIELD_LOAD, 0, off);
				skip_op |= 2;
			}
		} else if (full && def_node >= 0 && x86_abs(in, &x->operands[1], &v) &&
			   (in->id != X86_INS_LEA || x->operands[1].type == X86_OP_MEM)) {
			def = r;
			copy = (struct xreg){ .live = true, .node = (uint32_t)def_node, .at = in->address,
					      .delta = (uint32_t)(v - g->l->nodes[def_node].lo) };
			skip_op |= 2;
		} else if (full && in->id == X86_INS_MOV && x->operands[1].type == X86_OP_REG &&
			   (s = gpr(x->operands[1].reg, &partial)) >= 0 && !partial && st->r[s].live) {
			/* mov %rs, %rd: both registers hold the address. */
			def = r;
			copy = st->r[s];
			handled |= 1u << s;
		}
	}
	/* Field accesses through a register holding a module block, or at its address. */
	for (k = 0; simple && in->id != X86_INS_LEA && k < x->op_count; k++) {
		const cs_x86_op *m = &x->operands[k];
		int b;
		uint32_t blk, off;

		if ((skip_op & (1u << k)) || !x86_field(g, st, in, m, &blk, &off, &b))
			continue;
		if (b >= 0)
			handled |= 1u << b;
		else
			skip_op |= 1u << k;
		if (m->access & CS_AC_READ)
			edge_node(g, blk, b >= 0 ? st->r[b].at : in->address, EDGE_FIELD_LOAD, 0, off);
		if ((m->access & CS_AC_WRITE) && in->id == X86_INS_MOV && x->op_count == 2) {
			const cs_x86_op *val = &x->operands[!k];
			int vr;

			if (val->type == X86_OP_REG && (vr = gpr(val->reg, &partial)) >= 0 &&
			    !partial && st->r[vr].live) {
				edge_node(g, st->r[vr].node, st->r[vr].at, EDGE_FIELD, blk, off);
				handled |= 1u << vr;
			} else if (val->type == X86_OP_IMM && x86_target(g, in, val) >= 0) {
				edge_node(g, (uint32_t)x86_target(g, in, val), in->address, EDGE_FIELD,
					  blk, off);
				skip_op |= 1u << !k;
			}
		}
	}
	/* Plain references of this instruction's own operands (branch targets included). */
	{
		bool is_call = cs_insn_group(h, in, CS_GRP_CALL);
		bool is_jump = cs_insn_group(h, in, CS_GRP_JUMP);

		for (k = 0; k < x->op_count; k++) {
			const cs_x86_op *op = &x->operands[k];

			if (skip_op & (1u << k))
				continue;
			if (op->type == X86_OP_IMM)
				edge(g, (uint64_t)op->imm, in->address,
				     is_call ? EDGE_CALL : is_jump ? EDGE_JUMP : EDGE_ADDR);
			else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP)
				edge(g, in->address + in->size + (uint64_t)op->mem.disp, in->address,
				     EDGE_ADDR);
			else if (op->type == X86_OP_MEM && op->mem.disp)
				edge(g, (uint64_t)op->mem.disp, in->address, EDGE_ADDR);
		}
	}
	if (alloc) {
		static const int lost[] = { 10, 11, 15 };

		for (k = 0; k < 3; k++) {
			xuse(g, st, lost[k]);
			st->r[lost[k]].live = false;
		}
		return;
	}
	if (!simple)
		return;	/* flushed above; nothing is tracked across it */
	/* Other reads of a tracked register are uses: the address flows on. */
	if (cs_regs_access(h, in, rr, &nr, rw, &nw) != CS_ERR_OK) {
		xflush(g, st);
		return;
	}
	for (k = 0; k < nr; k++)
		if ((i = gpr(rr[k], &partial)) >= 0 && !(handled & (1u << i)))
			xuse(g, st, i);
	for (k = 0; k < nw; k++) {
		if ((i = gpr(rw[k], &partial)) < 0 || !st->r[i].live)
			continue;
		if (partial)
			xuse(g, st, i);
		st->r[i].live = false;
	}
	if (def >= 0)
		st->r[def] = copy;
}


/* Every node that overlaps [lo, lo + len): where an address goes next we cannot tell. */
static void range_edges(struct gctx *g, uint64_t lo, uint64_t len, uint64_t at)
{
	uint64_t p = lo;

	while (p < lo + len && p >= lo) {
		ptrdiff_t k = layout_find(g->l, p);

		if (k < 0) {
			p = (p | 63) + 1;
			continue;
		}
		edge(g, p, at, EDGE_PAGE);
		p = g->l->nodes[k].hi;
	}
}

/*
 * AArch64: addresses are built in registers (adrp + add, adr, section
 * anchors: one base plus several offsets) and followed along straight-line
 * code: an add or sub of an immediate gives a new known address, a load or
 * store at an immediate offset from a known base references that address.
 * When a known register is used any other way, or control leaves the
 * straight line, the value escapes: every node within 4 KiB above it is
 * referenced (the reach of an add immediate from a section anchor). Branches
 * carry their targets; a literal load references the literal and the address
 * it holds.
 */
struct areg {
	bool known, escaped;
	bool exact;			/* v is an address (adr, add), not an adrp page */
	uint64_t v, at;
};

struct astate {
	struct areg r[32];
};

#define ANCHOR_REACH 4096

static int xreg(unsigned reg)
{
	if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28)
		return (int)(reg - ARM64_REG_X0);
	if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30)
		return (int)(reg - ARM64_REG_W0);
	if (reg == ARM64_REG_X29)
		return 29;
	if (reg == ARM64_REG_X30)
		return 30;
	return -1;
}

/* A 64-bit general register (an address fits only there). */
static bool is_xreg(unsigned reg)
{
	return (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) || reg == ARM64_REG_X29 ||
	       reg == ARM64_REG_X30;
}

static void aescape(struct gctx *g, struct astate *st, int i)
{
	struct areg *r = &st->r[i];

	if (!r->known || r->escaped)
		return;
	range_edges(g, r->v, ANCHOR_REACH, r->at);
	r->escaped = true;
}

static void aflush(struct gctx *g, struct astate *st)
{
	int i;

	for (i = 0; i < 32; i++)
		aescape(g, st, i);
	memset(st, 0, sizeof(*st));
}

static bool arm64_is_mem_access(unsigned id)
{
	switch (id) {
	case ARM64_INS_LDR: case ARM64_INS_LDRB: case ARM64_INS_LDRH: case ARM64_INS_LDRSW:
	case ARM64_INS_LDRSB: case ARM64_INS_LDRSH: case ARM64_INS_LDUR: case ARM64_INS_LDP:
	case ARM64_INS_STR: case ARM64_INS_STRB: case ARM64_INS_STRH: case ARM64_INS_STP:
	case ARM64_INS_STUR: case ARM64_INS_LDURB: case ARM64_INS_LDURH: case ARM64_INS_LDURSW:
	case ARM64_INS_STURB: case ARM64_INS_STURH: case ARM64_INS_LDNP: case ARM64_INS_STNP:
		return true;
	default:
		return false;
	}
}

/* The module block and 8-aligned field offset at address V, if V is inside a block. */
static bool block_field(const struct gctx *g, uint64_t v, uint32_t *blk, uint32_t *off)
{
	ptrdiff_t t;

	if (!g->any_block || (t = layout_find(g->l, v)) < 0 || !g->is_block[t] ||
	    ((v - g->l->nodes[t].lo) & 7))
		return false;
	*blk = (uint32_t)t;
	*off = (uint32_t)(v - g->l->nodes[t].lo);
	return true;
}

/*
 * The AArch64 runtime's allocation entry points (caml_call_gc, caml_alloc1..3,
 * caml_allocN) save and restore every register OCaml allocates (x0-x15,
 * x19-x25); the scratch, platform, allocation, trap, domain-state, frame and
 * link registers (x16-x18, x26-x30) may change.
 */
static void arm64_alloc_call(struct gctx *g, struct astate *st)
{
	int i;

	for (i = 16; i < 32; i++)
		if (i <= 18 || i >= 26) {
			aescape(g, st, i);
			st->r[i].known = false;
		}
}

static void track_arm64(struct gctx *g, csh h, const cs_insn *in, struct astate *st)
{
	const cs_arm64 *x = &in->detail->arm64;
	const struct image *img = &g->a->image;
	uint32_t handled = 0, blk, off;
	int def = -1, i;
	struct areg copy = { 0 };
	bool branch = cs_insn_group(h, in, CS_GRP_JUMP) || cs_insn_group(h, in, CS_GRP_CALL) ||
		      cs_insn_group(h, in, CS_GRP_RET) || in->id == ARM64_INS_BR ||
		      in->id == ARM64_INS_BLR || in->id == ARM64_INS_RET;
	bool alloc = in->id == ARM64_INS_BL && x->op_count == 1 &&
		     x->operands[0].type == ARM64_OP_IMM &&
		     ocaml_alloc_call(g, (uint64_t)x->operands[0].imm);
	cs_regs rr, rw;
	uint8_t nr = 0, nw = 0, k;

	/*
	 * With module blocks, an address built by adr or add is a reference when
	 * the register is used (as on x86-64), not when it is built: a closure's
	 * address stored into a block field then lives only through the field.
	 */
	if (in->id == ARM64_INS_ADRP && x->op_count == 2 && x->operands[1].type == ARM64_OP_IMM) {
		def = xreg(x->operands[0].reg);
		copy = (struct areg){ .known = true, .v = (uint64_t)x->operands[1].imm,
				      .at = in->address };
	} else if (in->id == ARM64_INS_ADR && x->op_count == 2 &&
		   x->operands[1].type == ARM64_OP_IMM) {
		def = xreg(x->operands[0].reg);
		copy = (struct areg){ .known = true, .exact = true, .at = in->address,
				      .v = (uint64_t)x->operands[1].imm };
		if (!g->any_block)
			edge(g, copy.v, in->address, EDGE_ADDR);
	} else if ((in->id == ARM64_INS_ADD || in->id == ARM64_INS_SUB) && x->op_count == 3 &&
		   x->operands[1].type == ARM64_OP_REG && x->operands[2].type == ARM64_OP_IMM &&
		   (i = xreg(x->operands[1].reg)) >= 0 && st->r[i].known) {
		uint64_t imm = (uint64_t)x->operands[2].imm;

		if (x->operands[2].shift.type == ARM64_SFT_LSL)
			imm <<= x->operands[2].shift.value;
		def = xreg(x->operands[0].reg);
		copy = (struct areg){ .known = true, .exact = true, .at = st->r[i].at,
				      .v = in->id == ARM64_INS_ADD ? st->r[i].v + imm :
								     st->r[i].v - imm };
		handled |= 1u << i;
		if (!g->any_block)
			edge(g, copy.v, st->r[i].at, EDGE_ADDR);
	} else if (in->id == ARM64_INS_MOV && x->op_count == 2 &&
		   x->operands[0].type == ARM64_OP_REG && x->operands[1].type == ARM64_OP_REG &&
		   x->operands[0].reg != x->operands[1].reg &&
		   is_xreg(x->operands[0].reg) && is_xreg(x->operands[1].reg) &&
		   (i = xreg(x->operands[1].reg)) >= 0 && st->r[i].known) {
		/* mov xd, xs (64-bit): both registers hold the address. */
		def = xreg(x->operands[0].reg);
		copy = st->r[i];
		handled |= 1u << i;
	} else if (arm64_is_mem_access(in->id) && !x->writeback) {
		bool is_ldr = in->id == ARM64_INS_LDR || in->id == ARM64_INS_LDUR;
		bool is_str = (in->id == ARM64_INS_STR || in->id == ARM64_INS_STUR) &&
			      x->op_count == 2 && x->operands[0].type == ARM64_OP_REG;

		for (k = 0; k < x->op_count; k++) {
			const cs_arm64_op *m = &x->operands[k];
			uint64_t at;
			int vr;

			if (m->type != ARM64_OP_MEM || m->mem.index != ARM64_REG_INVALID ||
			    (i = xreg(m->mem.base)) < 0 || !st->r[i].known)
				continue;
			handled |= 1u << i;
			at = st->r[i].v + (uint64_t)(int64_t)m->mem.disp;
			if (is_ldr && block_field(g, at, &blk, &off)) {
				/* ldr r, [base, #d]: one field of a module block. */
				edge_node(g, blk, st->r[i].at, EDGE_FIELD_LOAD, 0, off);
				continue;
			}
			if (is_str && block_field(g, at, &blk, &off) &&
			    is_xreg(x->operands[0].reg)) {
				ptrdiff_t t;

				/* str xv, [base, #d]: xv's address fills one field. */
				vr = xreg(x->operands[0].reg);
				if (vr >= 0 && st->r[vr].known && st->r[vr].exact && vr != i &&
				    (t = layout_find(g->l, st->r[vr].v)) >= 0) {
					edge_node(g, (uint32_t)t, st->r[vr].at, EDGE_FIELD, blk, off);
					handled |= 1u << vr;
				}
				continue;
			}
			edge(g, at, st->r[i].at, EDGE_ADDR);
		}
	}
	/* Branch targets and literal loads (immediate operands). */
	for (k = 0; k < x->op_count; k++) {
		const cs_arm64_op *op = &x->operands[k];

		if (op->type != ARM64_OP_IMM || in->id == ARM64_INS_ADRP || in->id == ARM64_INS_ADR ||
		    ((in->id == ARM64_INS_ADD || in->id == ARM64_INS_SUB) && k == 2))
			continue;
		switch (in->id) {
		case ARM64_INS_BL:
			edge(g, (uint64_t)op->imm, in->address, EDGE_CALL);
			break;
		case ARM64_INS_B: case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
		case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
			edge(g, (uint64_t)op->imm, in->address, EDGE_JUMP);
			break;
		case ARM64_INS_LDR: case ARM64_INS_LDRSW: {
			uint64_t lit = (uint64_t)op->imm, len = 8;
			const unsigned char *b;

			edge(g, lit, in->address, EDGE_ADDR);
			b = image_vaddr_bytes(img, lit, &len);
			if (b && len >= 8)
				edge(g, image_word(img, b, 8), in->address, EDGE_DATA);
			break;
		}
		default:
			edge(g, (uint64_t)op->imm, in->address, EDGE_ADDR);
		}
	}
	if (alloc) {
		/* The runtime's allocation: x0-x15 and x19-x25 survive it. */
		arm64_alloc_call(g, st);
		return;
	}
	if (in->id == ARM64_INS_RET && g->any_block) {
		/*
		 * Only the result registers (x0, x1) outlive a return; the callee-saved
		 * ones hold the caller's values again, which it flushed at its call.
		 */
		aescape(g, st, 0);
		aescape(g, st, 1);
		memset(st, 0, sizeof(*st));
		return;
	}
	if (cs_regs_access(h, in, rr, &nr, rw, &nw) != CS_ERR_OK) {
		aflush(g, st);
		return;
	}
	/* Capstone 4 lists the destination of movz/movn (mov #imm) as read: it is not. */
	if ((in->id == ARM64_INS_MOVZ || in->id == ARM64_INS_MOVN ||
	     (in->id == ARM64_INS_MOV && x->op_count == 2 && x->operands[1].type == ARM64_OP_IMM)) &&
	    x->op_count >= 1 && x->operands[0].type == ARM64_OP_REG &&
	    (i = xreg(x->operands[0].reg)) >= 0)
		handled |= 1u << i;
	for (k = 0; k < nr; k++)
		if ((i = xreg(rr[k])) >= 0 && !(handled & (1u << i)))
			aescape(g, st, i);
	for (k = 0; k < nw; k++)
		if ((i = xreg(rw[k])) >= 0)
			st->r[i].known = false;
	if (branch) {
		aflush(g, st);
		return;
	}
	if (def >= 0)
		st->r[def] = copy;
}

/* How a code node can end, for fall-through and noreturn inference. */
struct exits {
	bool may_return;	/* a ret, an indirect jump, or a jump out of the node */
	bool falls;		/* the last instruction lets control run on */
	int32_t final_call;	/* node called by the last instruction, or -1 */
	uint64_t last_at;
	bool is_code, noreturn;
};

struct disasm {
	csh h;
	cs_insn *in[2];
	bool is_x86;
	unsigned step;			/* bytes to skip over an undecodable instruction */
};

static bool is_padding(const struct disasm *d, const cs_insn *in)
{
	if (d->is_x86)
		return in->id == X86_INS_NOP || in->id == X86_INS_INT3;
	return in->id == ARM64_INS_NOP;
}

/* Control never continues past this instruction to the next address. */
static bool is_terminal(const struct disasm *d, const cs_insn *in)
{
	if (d->is_x86)
		return in->id == X86_INS_RET || in->id == X86_INS_JMP || in->id == X86_INS_UD2 ||
		       in->id == X86_INS_HLT || in->id == X86_INS_LJMP || in->id == X86_INS_IRETQ;
	return in->id == ARM64_INS_RET || in->id == ARM64_INS_BR ||
	       (in->id == ARM64_INS_B && (in->detail->arm64.cc == ARM64_CC_INVALID ||
						 in->detail->arm64.cc == ARM64_CC_AL)) ||
	       in->id == ARM64_INS_ERET;
}

/* Record how instruction IN of node [lo, hi) may leave the node. */
static void note_exit(struct gctx *g, const struct disasm *d, const cs_insn *in, uint64_t lo,
		      uint64_t hi, struct exits *ex)
{
	bool is_call, is_jump, is_ret;
	int64_t target = -1;
	uint8_t n, i;

	if (d->is_x86) {
		const cs_x86 *x = &in->detail->x86;

		is_ret = in->id == X86_INS_RET || in->id == X86_INS_IRETQ;
		is_call = in->id == X86_INS_CALL;
		is_jump = cs_insn_group(d->h, in, CS_GRP_JUMP);
		n = x->op_count;
		for (i = 0; i < n; i++)
			if (x->operands[i].type == X86_OP_IMM)
				target = x->operands[i].imm;
	} else {
		const cs_arm64 *x = &in->detail->arm64;

		is_ret = in->id == ARM64_INS_RET || in->id == ARM64_INS_ERET;
		is_call = in->id == ARM64_INS_BL || in->id == ARM64_INS_BLR;
		is_jump = in->id == ARM64_INS_B || in->id == ARM64_INS_BR || in->id == ARM64_INS_CBZ ||
			  in->id == ARM64_INS_CBNZ || in->id == ARM64_INS_TBZ || in->id == ARM64_INS_TBNZ;
		n = x->op_count;
		for (i = 0; i < n; i++)
			if (x->operands[i].type == ARM64_OP_IMM)
				target = x->operands[i].imm;
	}
	if (is_ret || (is_jump && (target < 0 || (uint64_t)target < lo || (uint64_t)target >= hi)))
		ex->may_return = true;
	if (is_call) {
		ptrdiff_t t = target >= 0 ? layout_find(g->l, (uint64_t)target) : -1;

		ex->final_call = t >= 0 ? (int32_t)t : -1;
	}
}

static int x86_cr_operand(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	uint8_t i;

	for (i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_REG && x->operands[i].reg >= X86_REG_CR0 &&
		    x->operands[i].reg <= X86_REG_CR15)
			return 1;
	return 0;
}

/*
 * The privileged or sensitive kind of IN (enum insn_kind), or -1. A call whose
 * target lies in Xen's hypercall page is one too, its number in *HCALL.
 */
static int sys_kind(const struct gctx *g, const struct disasm *d, const cs_insn *in,
		    int32_t *hcall)
{
	*hcall = -1;
	if (!d->is_x86) {
		switch (in->id) {
		case ARM64_INS_HVC: return INSN_HVC;
		case ARM64_INS_SMC: return INSN_SMC;
		case ARM64_INS_SVC: return INSN_SVC;
		case ARM64_INS_MSR: return INSN_MSR;
		case ARM64_INS_MRS: return INSN_MRS;
		default: return -1;
		}
	}
	switch (in->id) {
	case X86_INS_VMCALL: return INSN_VMCALL;
	case X86_INS_VMMCALL: return INSN_VMMCALL;
	case X86_INS_IN: return INSN_IN;
	case X86_INS_OUT: return INSN_OUT;
	case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD: return INSN_INS;
	case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD: return INSN_OUTS;
	case X86_INS_SYSCALL: return INSN_SYSCALL;
	case X86_INS_SYSENTER: return INSN_SYSENTER;
	case X86_INS_INT: return INSN_INT;
	case X86_INS_RDRAND: return INSN_RDRAND;
	case X86_INS_RDSEED: return INSN_RDSEED;
	case X86_INS_RDMSR: return INSN_RDMSR;
	case X86_INS_WRMSR: return INSN_WRMSR;
	case X86_INS_CLI: return INSN_CLI;
	case X86_INS_STI: return INSN_STI;
	case X86_INS_HLT: return INSN_HLT;
	case X86_INS_LGDT: return INSN_LGDT;
	case X86_INS_LIDT: return INSN_LIDT;
	case X86_INS_MOV: return x86_cr_operand(in) ? INSN_MOV_CR : -1;
	case X86_INS_CALL:
		if (g->hcall_hi > g->hcall_lo && in->detail->x86.op_count == 1 &&
		    in->detail->x86.operands[0].type == X86_OP_IMM) {
			uint64_t t = (uint64_t)in->detail->x86.operands[0].imm;

			if (t >= g->hcall_lo && t < g->hcall_hi) {
				/* Xen's page holds one 32-byte stub per hypercall number. */
				if ((t - g->hcall_lo) % 32 == 0)
					*hcall = (int32_t)((t - g->hcall_lo) / 32);
				return INSN_HYPERCALL;
			}
		}
		return -1;
	default:
		return -1;
	}
}

static void note_sys(struct gctx *g, const struct disasm *d, const cs_insn *in, uint32_t node)
{
	int32_t hcall;
	int k = sys_kind(g, d, in, &hcall);

	if (k < 0)
		return;
	xgrow(&g->sys, &g->alloc_sys, g->n_sys + 1, sizeof(*g->sys));
	g->sys[g->n_sys++] = (struct insn_site){ .at = in->address, .node = node,
						 .kind = (uint8_t)k, .hypercall = hcall };
}

/*
 * The length of a VEX- or EVEX-encoded (AVX, AVX-512) instruction at B (SIZE
 * bytes), or 0. Capstone 4 does not decode all of them (kmovd, vptestmb,
 * vpcmpub with mask registers), and a sweep that steps over them byte by byte
 * reads their payload as `sti`, `in`, `ins`: the length from the encoding
 * keeps the privileged instruction sweep in step (Intel SDM vol. 2, 2.3 and
 * 2.7: prefix, opcode, ModRM, SIB, displacement, an imm8 in map 0F3A and for a
 * few 0F opcodes).
 */
static uint64_t zero_tail(const unsigned char *bytes, uint64_t len);

static size_t vex_len(const uint8_t *b, size_t size)
{
	size_t n;
	unsigned map, mod, rm, op;

	if (size < 4)
		return 0;
	if (b[0] == 0x62) {
		if (size < 6 || (b[1] & 0x08) || !(b[2] & 0x04))
			return 0;
		map = b[1] & 0x07;
		n = 4;
	} else if (b[0] == 0xc4) {
		map = b[1] & 0x1f;
		n = 3;
	} else if (b[0] == 0xc5) {
		map = 1;
		n = 2;
	} else {
		return 0;
	}
	if (map < 1 || map > 6 || map == 4 || n + 2 > size)
		return 0;
	op = b[n];
	mod = b[n + 1] >> 6;
	rm = b[n + 1] & 7;
	n += 2;
	if (mod != 3 && rm == 4) {
		if (n >= size)
			return 0;
		if (mod == 0 && (b[n] & 7) == 5)
			n += 4;
		n++;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;
	if (map == 3 || (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
				      (op >= 0xc4 && op <= 0xc6))))
		n += 1;
	return n <= size ? n : 0;
}

/*
 * The length of an instruction capstone 4 does not decode at B, or 0 when not
 * known: VEX and EVEX ones (vex_len), and the register forms of the 0F 01 and
 * 0F AE groups behind legacy and REX prefixes (CET's incsspq, saveprevssp,
 * setssbsy: ModRM with mod 3, no displacement, no immediate).
 */
static size_t x86_len(const uint8_t *b, size_t size)
{
	size_t p = 0;

	while (p < size && p < 14 && (b[p] == 0x66 || b[p] == 0x67 || b[p] == 0xf2 ||
				      b[p] == 0xf3 || b[p] == 0xf0 || b[p] == 0x2e ||
				      b[p] == 0x3e || b[p] == 0x26 || b[p] == 0x36 ||
				      b[p] == 0x64 || b[p] == 0x65))
		p++;
	if (p < size && (b[p] & 0xf0) == 0x40)
		p++;
	if (!p)
		return vex_len(b, size);
	if (p + 3 <= size && b[p] == 0x0f && (b[p + 1] == 0x01 || b[p + 1] == 0xae) &&
	    (b[p + 2] >> 6) == 3)
		return p + 3;
	return 0;
}

/*
 * Sweep [lo, hi) (a node, or a run of discovered nodes) again for privileged
 * instructions only, stepping over instructions capstone cannot decode by
 * their encoded length where x86_len knows it; other undecodable bytes are stepped over one
 * instruction unit at a time, as objdump -d does (docs/instructions.md).
 */
static void sys_resweep(struct gctx *g, struct disasm *d, uint64_t lo, uint64_t hi)
{
	uint64_t len = hi - lo, addr = lo;
	const uint8_t *code = image_vaddr_bytes(&g->a->image, lo, &len);
	ptrdiff_t node;
	size_t size;

	if (!code)
		return;
	size = (size_t)zero_tail(code, len);
	while (size) {
		size_t skip;

		if (cs_disasm_iter(d->h, &code, &size, &addr, d->in[0])) {
			if (is_padding(d, d->in[0]))
				continue;
			node = layout_find(g->l, d->in[0]->address);
			if (node >= 0)
				note_sys(g, d, d->in[0], (uint32_t)node);
			continue;
		}
		skip = d->is_x86 ? x86_len(code, size) : 0;
		if (!skip)
			skip = d->step < size ? d->step : size;
		code += skip;
		size -= skip;
		addr += skip;
	}
}

/* Length of BYTES[0, len) before its trailing run of zero bytes (0: all zero). */
static uint64_t zero_tail(const unsigned char *bytes, uint64_t len)
{
	while (len && !bytes[len - 1])
		len--;
	return len;
}

static void scan_code(struct gctx *g, struct disasm *d, uint64_t lo, uint64_t hi, bool *bad,
		      struct exits *ex)
{
	const struct image *img = &g->a->image;
	uint64_t len = hi - lo, addr = lo;
	const unsigned char *b = image_vaddr_bytes(img, lo, &len);
	size_t size;
	const uint8_t *code;
	bool ends = false;
	uint64_t last_at = lo, stop;
	struct xstate st;
	struct astate ast;

	if (!b)
		return;
	/*
	 * Zero bytes are no code: they decode as `add %al,(%rax)` (x86-64) or not
	 * at all (AArch64). A node of zeros only (Xen's hypercall page, which Xen
	 * fills at boot with stubs that each end in a return) names nothing and
	 * runs into nothing; it may return to its caller. Trailing zeros after
	 * the last instruction are padding: control leaves by that instruction
	 * (docs/reachability.md, "Zero-filled code").
	 */
	stop = lo + zero_tail(b, len);
	if (stop == lo) {
		ex->may_return = true;
		ex->falls = false;
		ex->last_at = lo;
		return;
	}
	memset(&st, 0, sizeof(st));
	memset(&ast, 0, sizeof(ast));
	code = b;
	size = (size_t)len;
	/* The last instruction may end inside the zeros (`call` with a small displacement). */
	while (size && addr < stop) {
		if (!cs_disasm_iter(d->h, &code, &size, &addr, d->in[0])) {
			size_t skip = d->step < size ? d->step : size;

			xflush(g, &st);
			aflush(g, &ast);
			ends = false;
			*bad = true;
			g->a->facts.refgraph.n_bad_bytes += skip;
			code += skip;
			size -= skip;
			addr += skip;
			continue;
		}
		g->a->facts.refgraph.n_insns++;
		if (!is_padding(d, d->in[0])) {
			const cs_insn *in = d->in[0];

			ends = is_terminal(d, in);
			last_at = in->address;
			ex->final_call = -1;
			note_exit(g, d, in, lo, hi, ex);
			if (!g->l->is_discovered)
				note_sys(g, d, in, g->src);
		}
		if (d->is_x86)
			track_x86(g, d->h, d->in[0], &st);
		else
			track_arm64(g, d->h, d->in[0], &ast);
	}
	/* The end of a node: whatever is still tracked may flow on (fall-through). */
	xflush(g, &st);
	aflush(g, &ast);
	/*
	 * Code that does not end in a return or an unconditional jump runs on
	 * into the next node: assembler labels that are symbols, noreturn calls
	 * the analysis cannot know about, function starts found in stripped code.
	 */
	ex->falls = !ends;
	ex->last_at = last_at;
}

/*
 * Code that does not end in a return or an unconditional jump runs on into
 * the next node (assembler labels that are symbols, function starts found in
 * stripped code), unless its last instruction calls a function that never
 * returns: one with no return, no indirect jump and no jump out of itself
 * (abort, caml_raise_exn, ...), found as a greatest fixpoint. The edges are
 * merged into each node's list, which keeps the graph in source order.
 */
static void add_fallthroughs(struct gctx *g, struct exits *ex)
{
	struct refgraph_facts *rf = &g->a->facts.refgraph;
	size_t n = g->l->n_nodes, i, extra = 0, k;
	struct ref_edge *ne;
	size_t *callers, *next, *work, n_work = 0;

	/*
	 * A worklist, not rounds over every node until nothing changes: a chain
	 * of N functions each ending in a call to the next took N rounds, O(N^2).
	 * A node loses "noreturn" when it falls off its end without a final call
	 * to a noreturn function; when it does, so may the nodes whose final call
	 * it is (callers[] lists them, linked through next[]). Each node enters
	 * the worklist at most once, so this is linear, and it reaches the same
	 * greatest fixpoint as the rounds did.
	 */
	callers = xmalloc((n + 1) * sizeof(*callers));
	next = xmalloc((n + 1) * sizeof(*next));
	work = xmalloc((n + 1) * sizeof(*work));
	for (i = 0; i < n; i++)
		callers[i] = SIZE_MAX;
	for (i = n; i-- > 0;) {
		ex[i].noreturn = ex[i].is_code && !ex[i].may_return;
		if (ex[i].final_call >= 0 && (size_t)ex[i].final_call < n) {
			next[i] = callers[ex[i].final_call];
			callers[ex[i].final_call] = i;
		}
	}
	for (i = 0; i < n; i++)
		if (ex[i].noreturn && ex[i].falls &&
		    !(ex[i].final_call >= 0 && ex[ex[i].final_call].noreturn)) {
			ex[i].noreturn = false;
			work[n_work++] = i;
		}
	while (n_work) {
		size_t c, j = work[--n_work];

		for (c = callers[j]; c != SIZE_MAX; c = next[c])
			if (ex[c].noreturn && ex[c].falls) {
				ex[c].noreturn = false;
				work[n_work++] = c;
			}
	}
	free(callers);
	free(next);
	free(work);
	for (i = 0; i < n; i++)
		ex[i].falls = ex[i].is_code && ex[i].falls && i + 1 < n &&
			      g->l->nodes[i + 1].lo == g->l->nodes[i].hi &&
			      !(ex[i].final_call >= 0 && ex[ex[i].final_call].noreturn);
	for (i = 0; i < n; i++)
		extra += ex[i].falls;
	if (!extra)
		return;
	/* In place, from the back: each node's list moves up by the fall-throughs before it. */
	xgrow(&g->e, &g->alloc, g->n + extra, sizeof(*g->e));
	ne = g->e;
	k = g->n + extra;
	for (i = n; i-- > 0;) {
		size_t e, end = rf->first[i + 1], begin = rf->first[i];
		bool add = ex[i].falls;

		for (e = begin; add && e < end; e++)
			if (ne[e].dst == i + 1 && ne[e].kind < EDGE_FIELD)
				add = false;
		if (add)
			ne[--k] = (struct ref_edge){ .at = ex[i].last_at, .dst = (uint32_t)(i + 1),
						     .kind = EDGE_JUMP };
		for (e = end; e-- > begin;)
			ne[--k] = ne[e];
		rf->first[i + 1] = k + (end - begin) + add;
	}
	/* k is now the number of unused slots at the front: shift down once. */
	if (k) {
		memmove(ne, ne + k, (g->n + extra - k) * sizeof(*ne));
		for (i = 1; i <= n; i++)
			rf->first[i] -= k;
	}
	rf->first[0] = 0;
	g->n = g->n + extra - k;
}

/*
 * OCaml module blocks: the data node of symbol caml<U> for each unit U. If the
 * image carries Dynlink or the toplevel, which reach module blocks through
 * caml_globals, no block is tracked (every field counts as read).
 */
static const uint8_t *module_blocks(struct audit *a)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct ocaml_facts *of = &a->facts.ocaml;
	uint8_t *v = arena_array(&a->arena, l->n_nodes + 1, 1);
	size_t i;

	if (a->image.machine != IMG_EM_X86_64 && a->image.machine != IMG_EM_AARCH64)
		return v;
	for (i = 0; i < of->n_units; i++)
		if (!strncmp(of->units[i].name, "Dynlink", 7) || !strcmp(of->units[i].name, "Toploop") ||
		    !strcmp(of->units[i].name, "Topdirs")) {
			diag_note(&a->diag, "unit '%s' present: module fields are not tracked",
				  of->units[i].name);
			return v;
		}
	for (i = 0; i < l->n_nodes; i++) {
		const char *n;

		if (l->nodes[i].sym < 0 || (l->nodes[i].flags & NODE_EXEC))
			continue;
		n = a->image.symbols[l->nodes[i].sym].name;
		if (!strncmp(n, "caml", 4) && n[4] &&
		    strset_find(&of->unit_index, n + 4) != UINT32_MAX)
			v[i] = 1;
	}
	return v;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static bool in_code(const struct image *img, uint64_t v)
{
	size_t i;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type == IMG_PT_LOAD && (s->flags & IMG_PF_X) && v >= s->vaddr &&
		    v - s->vaddr < s->filesz)
			return true;
	}
	return false;
}

size_t refgraph_code_starts(struct audit *a, uint64_t **out)
{
	const struct image *img = &a->image;
	uint64_t *v = NULL;
	size_t n = 0, alloc = 0, i, k;
	unsigned w = img->elf_class == 64 ? 8 : 4;
	csh h;
	cs_insn *in;

	*out = NULL;
	if ((img->machine != IMG_EM_X86_64 && img->machine != IMG_EM_AARCH64) ||
	    cs_open(img->machine == IMG_EM_X86_64 ? CS_ARCH_X86 : CS_ARCH_ARM64,
		    img->machine == IMG_EM_X86_64 ? CS_MODE_64 : CS_MODE_LITTLE_ENDIAN, &h) != CS_ERR_OK)
		return 0;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	in = cs_malloc(h);
	xgrow(&v, &alloc, 1, sizeof(*v));
	v[n++] = img->entry;
	for (i = 0; in && i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];
		const uint8_t *code;
		size_t size = (size_t)s->filesz;
		uint64_t addr = s->vaddr;

		/*
		 * Only a PT_LOAD with file bytes has an offset checked against the
		 * file: data + offset of any other segment may point nowhere (UB).
		 */
		if (s->type != IMG_PT_LOAD || !s->filesz)
			continue;
		code = img->data + s->offset;
		if (!(s->flags & IMG_PF_X)) {
			/* Code addresses stored in data: closures, tables, vtables. */
			for (k = (w - (addr & (w - 1))) & (w - 1); k + w <= size; k += w) {
				uint64_t x = image_word(img, code + k, w);

				if (in_code(img, x)) {
					xgrow(&v, &alloc, n + 1, sizeof(*v));
					v[n++] = x;
				}
			}
			continue;
		}
		while (size) {
			uint8_t j, cnt;

			if (!cs_disasm_iter(h, &code, &size, &addr, in)) {
				size_t skip = img->machine == IMG_EM_X86_64 ? 1 : 4;

				skip = skip < size ? skip : size;
				code += skip;
				size -= skip;
				addr += skip;
				continue;
			}
			cnt = img->machine == IMG_EM_X86_64 ? in->detail->x86.op_count :
							     in->detail->arm64.op_count;
			for (j = 0; j < cnt; j++) {
				int64_t x = -1;
				bool is_branch_only;

				if (img->machine == IMG_EM_X86_64) {
					const cs_x86_op *op = &in->detail->x86.operands[j];

					if (op->type == X86_OP_IMM)
						x = op->imm;
					else if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP)
						x = (int64_t)(in->address + in->size) + op->mem.disp;
					/* Jump targets are inside functions; calls and addresses start them. */
					is_branch_only = cs_insn_group(h, in, CS_GRP_JUMP);
				} else {
					const cs_arm64_op *op = &in->detail->arm64.operands[j];

					if (op->type == ARM64_OP_IMM)
						x = op->imm;
					is_branch_only = in->id == ARM64_INS_B || in->id == ARM64_INS_CBZ ||
							 in->id == ARM64_INS_CBNZ || in->id == ARM64_INS_TBZ ||
							 in->id == ARM64_INS_TBNZ;
				}
				if (x >= 0 && !is_branch_only && in_code(img, (uint64_t)x)) {
					xgrow(&v, &alloc, n + 1, sizeof(*v));
					v[n++] = (uint64_t)x;
				}
			}
		}
	}
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0, k = 0; i < n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	*out = v;
	return k;
}

/*
 * OCaml arities from static closures (OCaml 4.12+ closure layout): a word
 * holding a function's entry followed by closure info with arity 1, or
 * preceded by closure info of arity N >= 2 after caml_curryN/caml_tuplifyN.
 * Closure info: arity in the top byte (signed), the start of the environment
 * in the next bits, the low bit set. A function seen with two arities, or with
 * none, stays unknown (0).
 */
static const uint8_t *ocaml_arities(struct audit *a)
{
	const struct layout_facts *l = &a->facts.layout;
	const struct image *img = &a->image;
	uint8_t *ar;
	size_t i;

	if (img->machine != IMG_EM_X86_64 || !a->facts.ocaml.is_present)
		return NULL;
	ar = arena_array(&a->arena, l->n_nodes + 1, 1);
	for (i = 0; i < l->n_nodes; i++) {
		const struct layout_node *n = &l->nodes[i];
		uint64_t p = (n->lo + 7) & ~(uint64_t)7, len;
		const unsigned char *b;

		if ((n->flags & (NODE_EXEC | NODE_NOBITS)) || p + 16 > n->hi)
			continue;
		len = n->hi - p;
		b = image_vaddr_bytes(img, p, &len);
		for (; b && len >= 16; b += 8, len -= 8) {
			uint64_t w0 = image_word(img, b, 8), w1 = image_word(img, b + 8, 8);
			int64_t arity = (int64_t)w1 >> 56;
			uint64_t startenv = (w1 << 8) >> 9;
			ptrdiff_t f;

			if (!(w1 & 1) || startenv > 64 || arity == 0)
				continue;
			/* [code][info arity 1] or [caml_curryN][info arity N][code]. */
			if (arity == 1 && (f = layout_find(l, w0)) >= 0 && l->nodes[f].lo == w0 &&
			    (l->nodes[f].flags & NODE_EXEC)) {
				ar[f] = ar[f] && ar[f] != 1 ? 0xff : 1;
			} else if (arity >= 2 && arity <= 10 && len >= 24) {
				uint64_t w2 = image_word(img, b + 16, 8);

				f = layout_find(l, w2);
				if (f >= 0 && l->nodes[f].lo == w2 && (l->nodes[f].flags & NODE_EXEC))
					ar[f] = ar[f] && ar[f] != arity ? 0xff : (uint8_t)arity;
			}
		}
	}
	for (i = 0; i < l->n_nodes; i++)
		if (ar[i] == 0xff)
			ar[i] = 0;
	return ar;
}

/* ---- code shapes: on-demand summaries of single code nodes (stubs) -------- */

enum { CF_NONE, CF_RET, CF_JMP, CF_JCC, CF_CALL, CF_TRAP, CF_STOP };
enum { KV_TOP, KV_CONST, KV_UNKNOWN };
#define SHAPE_NREG 32
#define SRC_NONE (-1)
#define SRC_CONST (-2)
#define SRC_OTHER (-3)

struct kval {
	uint8_t st;
	int64_t v;
};

/* One instruction, summarised once at decode time. */
struct sinsn {
	uint64_t at;
	uint8_t cf;			/* CF_* */
	bool has_target, is_padding;
	uint64_t target;
	uint32_t flags;			/* SHAPE_* this instruction sets by itself */
	uint32_t clobber;		/* registers written (bit per index) */
	int8_t def;			/* register set to DEF_V or copied from DEF_SRC, or -1 */
	int8_t def_src;			/* -1: DEF_V is the constant */
	int64_t def_v;
	int8_t store[2];		/* stored registers, SRC_CONST, SRC_OTHER or SRC_NONE */
};

static bool x86_modelled(unsigned id)
{
	switch (id) {
	case X86_INS_MOV: case X86_INS_MOVABS: case X86_INS_MOVZX: case X86_INS_MOVSX:
	case X86_INS_MOVSXD: case X86_INS_LEA: case X86_INS_XOR: case X86_INS_OR:
	case X86_INS_AND: case X86_INS_ADD: case X86_INS_SUB: case X86_INS_CMP: case X86_INS_TEST:
	case X86_INS_PUSH: case X86_INS_POP: case X86_INS_NOP: case X86_INS_ENDBR64:
	case X86_INS_INC: case X86_INS_DEC: case X86_INS_NEG: case X86_INS_NOT: case X86_INS_SHL:
	case X86_INS_SHR: case X86_INS_SAR: case X86_INS_SETE: case X86_INS_SETNE:
	case X86_INS_CMOVE: case X86_INS_CMOVNE: case X86_INS_INT3:
		return true;
	default:
		return false;
	}
}

/* Instructions that talk to the hypervisor, the host kernel or the hardware. */
static bool x86_system(unsigned id)
{
	switch (id) {
	case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_SYSEXIT: case X86_INS_SYSRET:
	case X86_INS_INT: case X86_INS_INTO: case X86_INS_INT1: case X86_INS_VMCALL:
	case X86_INS_VMMCALL: case X86_INS_VMFUNC: case X86_INS_HLT: case X86_INS_IN:
	case X86_INS_OUT: case X86_INS_INSB: case X86_INS_OUTSB: case X86_INS_WRMSR:
	case X86_INS_RDMSR: case X86_INS_LGDT: case X86_INS_LIDT: case X86_INS_CLI:
	case X86_INS_STI: case X86_INS_IRET: case X86_INS_IRETQ: case X86_INS_RETF:
	case X86_INS_RETFQ: case X86_INS_LJMP: case X86_INS_LCALL:
		return true;
	default:
		return false;
	}
}

/* The same for AArch64: supervisor, hypervisor and monitor calls, system registers. */
static bool arm64_system(unsigned id)
{
	switch (id) {
	case ARM64_INS_SVC: case ARM64_INS_HVC: case ARM64_INS_SMC: case ARM64_INS_MSR:
	case ARM64_INS_SYS: case ARM64_INS_WFI: case ARM64_INS_WFE: case ARM64_INS_HLT:
	case ARM64_INS_ERET:
		return true;
	default:
		return false;
	}
}

static void shape_x86(csh h, const cs_insn *in, struct sinsn *s)
{
	const cs_x86 *x = &in->detail->x86;
	bool partial;
	cs_regs rr, rw;
	uint8_t nr = 0, nw = 0, k;
	int r;

	if (x86_system(in->id)) {
		s->flags |= SHAPE_SYSTEM;
		s->cf = CF_STOP;
		return;
	}
	if (in->id == X86_INS_RET) {
		s->cf = CF_RET;
		return;
	}
	if (in->id == X86_INS_UD2 || in->id == X86_INS_INT3) {
		s->cf = CF_TRAP;
		s->is_padding = in->id == X86_INS_INT3;
		return;
	}
	if (in->id == X86_INS_CALL || in->id == X86_INS_JMP || cs_insn_group(h, in, CS_GRP_JUMP)) {
		s->cf = in->id == X86_INS_CALL ? CF_CALL : in->id == X86_INS_JMP ? CF_JMP : CF_JCC;
		if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
			s->has_target = true;
			s->target = (uint64_t)x->operands[0].imm;
		} else {
			s->flags |= SHAPE_INDIRECT;
			s->cf = CF_STOP;
		}
		return;
	}
	if (!x86_modelled(in->id)) {
		s->flags |= SHAPE_UNMODELLED;
		return;
	}
	s->is_padding = in->id == X86_INS_NOP;
	if (cs_regs_access(h, in, rr, &nr, rw, &nw) != CS_ERR_OK) {
		s->flags |= SHAPE_UNMODELLED;
		return;
	}
	for (k = 0; k < nw; k++)
		if ((r = gpr(rw[k], &partial)) >= 0)
			s->clobber |= 1u << r;
	/* Constants and copies into a full-width register. */
	if (x->op_count == 2 && x->operands[0].type == X86_OP_REG &&
	    (r = gpr(x->operands[0].reg, &partial)) >= 0 && !partial) {
		const cs_x86_op *src = &x->operands[1];
		bool wide = x->operands[0].size == 8;
		int sr;

		if ((in->id == X86_INS_MOV || in->id == X86_INS_MOVABS) &&
		    src->type == X86_OP_IMM) {
			s->def = (int8_t)r;
			s->def_src = -1;
			s->def_v = wide ? src->imm : (int64_t)(int32_t)src->imm;
		} else if ((in->id == X86_INS_XOR || in->id == X86_INS_SUB) &&
			   src->type == X86_OP_REG && src->reg == x->operands[0].reg) {
			s->def = (int8_t)r;
			s->def_src = -1;
			s->def_v = 0;
		} else if (in->id == X86_INS_OR && src->type == X86_OP_IMM && src->imm == -1) {
			s->def = (int8_t)r;
			s->def_src = -1;
			s->def_v = -1;
		} else if (in->id == X86_INS_MOV && src->type == X86_OP_REG &&
			   (sr = gpr(src->reg, &partial)) >= 0 && !partial) {
			s->def = (int8_t)r;
			s->def_src = (int8_t)sr;
		}
	}
	/* Stores: to the stack they change nothing anyone else sees. */
	for (k = 0; k < x->op_count; k++) {
		const cs_x86_op *m = &x->operands[k], *v;

		if (m->type != X86_OP_MEM || !(m->access & CS_AC_WRITE) ||
		    m->mem.base == X86_REG_RSP || in->id == X86_INS_LEA)
			continue;
		v = x->op_count == 2 ? &x->operands[!k] : NULL;
		if (in->id == X86_INS_MOV && v && v->type == X86_OP_IMM)
			s->store[0] = SRC_CONST;
		else if (in->id == X86_INS_MOV && v && v->type == X86_OP_REG &&
			 (r = gpr(v->reg, &partial)) >= 0)
			s->store[0] = (int8_t)r;
		else
			s->store[0] = SRC_OTHER;
	}
}

static bool arm64_modelled(unsigned id)
{
	switch (id) {
	case ARM64_INS_MOV: case ARM64_INS_MOVZ: case ARM64_INS_MOVN: case ARM64_INS_MOVK:
	case ARM64_INS_ORR: case ARM64_INS_EOR: case ARM64_INS_AND: case ARM64_INS_ADD:
	case ARM64_INS_SUB: case ARM64_INS_ADRP: case ARM64_INS_ADR: case ARM64_INS_CMP:
	case ARM64_INS_CMN: case ARM64_INS_TST: case ARM64_INS_CSEL: case ARM64_INS_CSET:
	case ARM64_INS_CSINC: case ARM64_INS_MRS: case ARM64_INS_NOP: case ARM64_INS_HINT:
	case ARM64_INS_LDR: case ARM64_INS_LDRB: case ARM64_INS_LDRH: case ARM64_INS_LDRSW:
	case ARM64_INS_LDRSB: case ARM64_INS_LDRSH: case ARM64_INS_LDUR: case ARM64_INS_LDURB:
	case ARM64_INS_LDURH: case ARM64_INS_LDURSW: case ARM64_INS_LDP:
		return true;
	default:
		return false;
	}
}

static bool arm64_store(unsigned id)
{
	switch (id) {
	case ARM64_INS_STR: case ARM64_INS_STRB: case ARM64_INS_STRH: case ARM64_INS_STUR:
	case ARM64_INS_STURB: case ARM64_INS_STURH: case ARM64_INS_STP: case ARM64_INS_STNP:
		return true;
	default:
		return false;
	}
}

static bool arm64_zr(unsigned reg)
{
	return reg == ARM64_REG_XZR || reg == ARM64_REG_WZR;
}

static void shape_arm64(csh h, const cs_insn *in, struct sinsn *s)
{
	const cs_arm64 *x = &in->detail->arm64;
	cs_regs rr, rw;
	uint8_t nr = 0, nw = 0, k, n_src = 0;
	int r;

	if (arm64_system(in->id)) {
		s->flags |= SHAPE_SYSTEM;
		s->cf = CF_STOP;
		return;
	}
	switch (in->id) {
	case ARM64_INS_RET:
		s->cf = CF_RET;
		return;
	case ARM64_INS_BRK:
		s->cf = CF_TRAP;
		return;
	case ARM64_INS_BR: case ARM64_INS_BLR:
		s->flags |= SHAPE_INDIRECT;
		s->cf = CF_STOP;
		return;
	case ARM64_INS_B: case ARM64_INS_BL: case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
		s->cf = in->id == ARM64_INS_BL ? CF_CALL :
			in->id == ARM64_INS_B &&
			(x->cc == ARM64_CC_INVALID || x->cc == ARM64_CC_AL) ? CF_JMP : CF_JCC;
		for (k = 0; k < x->op_count; k++)
			if (x->operands[k].type == ARM64_OP_IMM) {
				s->has_target = true;
				s->target = (uint64_t)x->operands[k].imm;
			}
		if (!s->has_target) {
			s->flags |= SHAPE_INDIRECT;
			s->cf = CF_STOP;
		}
		return;
	default:
		break;
	}
	if (!arm64_modelled(in->id) && !arm64_store(in->id)) {
		s->flags |= SHAPE_UNMODELLED;
		return;
	}
	s->is_padding = in->id == ARM64_INS_NOP;
	if (cs_regs_access(h, in, rr, &nr, rw, &nw) != CS_ERR_OK) {
		s->flags |= SHAPE_UNMODELLED;
		return;
	}
	for (k = 0; k < nw; k++)
		if ((r = xreg(rw[k])) >= 0)
			s->clobber |= 1u << r;
	if (arm64_store(in->id)) {
		for (k = 0; k < x->op_count; k++)
			if (x->operands[k].type == ARM64_OP_MEM &&
			    x->operands[k].mem.base == ARM64_REG_SP)
				return;	/* the stack */
		for (k = 0; k < x->op_count; k++) {
			const cs_arm64_op *op = &x->operands[k];

			if (op->type != ARM64_OP_REG || n_src >= 2)
				continue;
			s->store[n_src++] = arm64_zr(op->reg) ? SRC_CONST :
					    (r = xreg(op->reg)) >= 0 ? (int8_t)r : SRC_OTHER;
		}
		if (!n_src)
			s->store[0] = SRC_OTHER;
		return;
	}
	if (x->op_count < 2 || x->operands[0].type != ARM64_OP_REG ||
	    (r = xreg(x->operands[0].reg)) < 0)
		return;
	if ((in->id == ARM64_INS_MOV || in->id == ARM64_INS_MOVZ || in->id == ARM64_INS_MOVN) &&
	    x->op_count == 2 && x->operands[1].type == ARM64_OP_IMM) {
		int64_t v = x->operands[1].imm;

		if (x->operands[1].shift.type == ARM64_SFT_LSL)
			v = (int64_t)((uint64_t)v << x->operands[1].shift.value);
		s->def = (int8_t)r;
		s->def_src = -1;
		s->def_v = in->id == ARM64_INS_MOVN ? ~v : v;
	} else if (in->id == ARM64_INS_MOV && x->op_count == 2 &&
		   x->operands[1].type == ARM64_OP_REG) {
		s->def = (int8_t)r;
		s->def_src = arm64_zr(x->operands[1].reg) ? -1 : (int8_t)xreg(x->operands[1].reg);
		if (s->def_src < -1 || (s->def_src == -1 && !arm64_zr(x->operands[1].reg)))
			s->def = -1;
		s->def_v = 0;
	} else if (in->id == ARM64_INS_ORR && x->op_count == 3 &&
		   x->operands[1].type == ARM64_OP_REG && arm64_zr(x->operands[1].reg) &&
		   x->operands[2].type == ARM64_OP_IMM) {
		s->def = (int8_t)r;
		s->def_src = -1;
		s->def_v = x->operands[2].imm;
	}
}

static void kval_join(struct kval *dst, const struct kval *src, bool *changed)
{
	uint8_t st = dst->st;

	if (src->st == KV_TOP || dst->st == KV_UNKNOWN)
		return;
	if (dst->st == KV_TOP)
		*dst = *src;
	else if (src->st == KV_UNKNOWN || src->v != dst->v)
		dst->st = KV_UNKNOWN;
	*changed |= dst->st != st;
}

/* The index of the instruction at AT, or -1 (not an instruction boundary of the node). */
static ptrdiff_t sinsn_at(const struct sinsn *v, size_t n, uint64_t at)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].at == at ? (ptrdiff_t)lo : -1;
}

/* S is a direct call (or jump) to the start of code that never returns. */
static bool calls_noreturn(const struct audit *a, const struct sinsn *s)
{
	const struct layout_facts *l = &a->facts.layout;
	ptrdiff_t t = s->has_target ? layout_find(l, s->target) : -1;

	return t >= 0 && l->nodes[t].lo == s->target && a->facts.refgraph.noreturn &&
	       a->facts.refgraph.noreturn[t];
}

static void shape_flag(struct code_shape *o, uint32_t flag, uint64_t at)
{
	unsigned b;

	for (b = 0; b < SHAPE_N_FLAGS; b++)
		if ((flag & (1u << b)) && !(o->flags & (1u << b)))
			o->flag_at[b] = at;
	o->flags |= flag;
}

/*
 * The node's instructions: static facts (flags, calls, exits) over all of
 * them, wherever control enters; then a forward analysis from the node's
 * start of which registers hold which constant, for the returned value and
 * the stored ones (a join of two different constants is not a constant).
 */
static void shape_summarise(const struct audit *a, const struct sinsn *v, size_t n,
			    uint64_t lo, uint64_t hi, struct code_shape *o)
{
	const struct layout_facts *l = &a->facts.layout;
	struct kval (*st)[SHAPE_NREG] = xcalloc(n + 1, sizeof(*st));
	size_t *work = xmalloc((n + 1) * sizeof(*work)), n_work = 0, i, k;
	bool *queued = xcalloc(n + 1, 1), have_ret = false;
	int64_t ret = 0;

	/* Static facts. */
	for (i = 0; i < n; i++) {
		const struct sinsn *s = &v[i];
		ptrdiff_t t;

		shape_flag(o, s->flags, s->at);
		if (!s->is_padding && s->cf != CF_TRAP)
			o->n_insns++;
		if (!s->has_target)
			continue;
		t = layout_find(l, s->target);
		if (s->cf == CF_CALL) {
			if (t < 0 || l->nodes[t].lo != s->target) {
				shape_flag(o, SHAPE_INDIRECT, s->at);
				continue;
			}
			for (k = 0; k < o->n_calls && o->calls[k] != (uint32_t)t; k++)
				;
			if (k == o->n_calls && k == SHAPE_MAX_CALLS)
				shape_flag(o, SHAPE_TOO_LONG, s->at);
			else if (k == o->n_calls)
				o->calls[o->n_calls++] = (uint32_t)t;
			if (calls_noreturn(a, s))
				shape_flag(o, SHAPE_NORETURN_EXIT, s->at);
		} else if (s->target >= lo && s->target < hi) {
			if (sinsn_at(v, n, s->target) < 0)
				shape_flag(o, SHAPE_EXIT_OTHER, s->at);
		} else if (s->cf == CF_JMP && calls_noreturn(a, s)) {
			shape_flag(o, SHAPE_NORETURN_EXIT, s->at);
		} else {
			shape_flag(o, SHAPE_EXIT_OTHER, s->at);
		}
	}
	/* Running off the end (through trailing padding): into whatever follows. */
	for (k = n; k > 0 && v[k - 1].is_padding && v[k - 1].cf == CF_NONE; k--)
		;
	if (k && (v[k - 1].cf == CF_NONE || v[k - 1].cf == CF_JCC ||
		  (v[k - 1].cf == CF_CALL && !calls_noreturn(a, &v[k - 1]))))
		shape_flag(o, SHAPE_EXIT_OTHER, v[k - 1].at);
	for (i = 0; i < n; i++)
		if (v[i].cf == CF_TRAP && !v[i].is_padding)
			shape_flag(o, SHAPE_NORETURN_EXIT, v[i].at);
	/* Constants in registers: arguments are unknown on entry. */
	for (k = 0; n && k < SHAPE_NREG; k++)
		st[0][k].st = KV_UNKNOWN;
	if (n) {
		work[n_work++] = 0;
		queued[0] = true;
	}
	while (n_work) {
		const struct sinsn *s;
		struct kval out[SHAPE_NREG];
		ptrdiff_t succ[2] = { -1, -1 };
		bool changed;

		i = work[--n_work];
		queued[i] = false;
		s = &v[i];
		memcpy(out, st[i], sizeof(out));
		if (s->cf == CF_CALL) {
			for (k = 0; k < SHAPE_NREG; k++)
				out[k].st = KV_UNKNOWN;
		} else {
			struct kval src = { KV_UNKNOWN, 0 };

			if (s->def >= 0)
				src = s->def_src >= 0 ? st[i][s->def_src] :
				      (struct kval){ KV_CONST, s->def_v };
			for (k = 0; k < SHAPE_NREG; k++)
				if (s->clobber & (1u << k))
					out[k].st = KV_UNKNOWN;
			if (s->def >= 0)
				out[s->def] = src;
		}
		if (s->cf == CF_NONE || s->cf == CF_JCC)
			succ[0] = (ptrdiff_t)i + 1 < (ptrdiff_t)n ? (ptrdiff_t)i + 1 : -1;
		if (s->cf == CF_CALL && !calls_noreturn(a, s))
			succ[0] = (ptrdiff_t)i + 1 < (ptrdiff_t)n ? (ptrdiff_t)i + 1 : -1;
		if ((s->cf == CF_JMP || s->cf == CF_JCC) && s->has_target && s->target >= lo &&
		    s->target < hi)
			succ[1] = sinsn_at(v, n, s->target);
		for (k = 0; k < 2; k++) {
			size_t j;

			if (succ[k] < 0)
				continue;
			changed = false;
			for (j = 0; j < SHAPE_NREG; j++)
				kval_join(&st[succ[k]][j], &out[j], &changed);
			if (changed && !queued[succ[k]]) {
				queued[succ[k]] = true;
				work[n_work++] = (size_t)succ[k];
			}
		}
	}
	/* Returns (register 0 is rax and x0) and stored values, from the settled states. */
	for (i = 0; i < n; i++) {
		const struct sinsn *s = &v[i];

		if (s->cf == CF_RET && st[i][0].st != KV_TOP) {
			shape_flag(o, SHAPE_RETURNS, s->at);
			if (st[i][0].st != KV_CONST || (have_ret && st[i][0].v != ret))
				shape_flag(o, SHAPE_RET_VARIES, s->at);
			have_ret = true;
			ret = st[i][0].v;
		}
		for (k = 0; k < 2; k++) {
			if (s->store[k] == SRC_NONE)
				continue;
			if (s->store[k] == SRC_CONST ||
			    (s->store[k] >= 0 && st[i][s->store[k]].st == KV_CONST))
				shape_flag(o, SHAPE_STORE_CONST, s->at);
			else
				shape_flag(o, SHAPE_STORE_OTHER, s->at);
		}
	}
	if (have_ret && !(o->flags & SHAPE_RET_VARIES))
		o->ret_value = ret;
	free(st);
	free(work);
	free(queued);
}

/*
 * Open capstone on code node NODE: its bytes in *CODE (*LEN of them, the
 * whole node) and its start in *LO. Returns 0, or -1 when NODE is not code
 * with file bytes on a machine capstone decodes here (nothing to close then).
 */
static int node_open(const struct audit *a, uint32_t node, csh *h, const uint8_t **code,
		     uint64_t *len, uint64_t *lo)
{
	const struct image *img = &a->image;
	const struct layout_facts *l = &a->facts.layout;
	bool is_x86 = img->machine == IMG_EM_X86_64;

	if (node >= l->n_nodes || !(l->nodes[node].flags & NODE_EXEC) ||
	    (l->nodes[node].flags & NODE_NOBITS) || (!is_x86 && img->machine != IMG_EM_AARCH64))
		return -1;
	*lo = l->nodes[node].lo;
	*len = l->nodes[node].hi - *lo;
	*code = image_vaddr_bytes(img, *lo, len);
	if (!*code || *len != l->nodes[node].hi - *lo ||
	    cs_open(is_x86 ? CS_ARCH_X86 : CS_ARCH_ARM64,
		    is_x86 ? CS_MODE_64 : img->is_le ? CS_MODE_LITTLE_ENDIAN : CS_MODE_BIG_ENDIAN,
		    h) != CS_ERR_OK)
		return -1;
	return 0;
}

int refgraph_shape(const struct audit *a, uint32_t node, struct code_shape *out)
{
	const struct image *img = &a->image;
	const struct layout_facts *l = &a->facts.layout;
	const struct layout_node *nd;
	struct sinsn *v = NULL;
	size_t n = 0, alloc = 0, size;
	uint64_t lo, len, addr;
	const uint8_t *code;
	bool is_x86 = img->machine == IMG_EM_X86_64;
	csh h;
	cs_insn *in;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->flags = SHAPE_UNDECODED;
	if (node_open(a, node, &h, &code, &len, &lo) < 0)
		return -1;
	nd = &l->nodes[node];
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	in = cs_malloc(h);
	out->flags = 0;
	size = (size_t)len;
	addr = lo;
	while (in && size) {
		struct sinsn *s;

		if (n > 4 * SHAPE_MAX_INSNS) {
			shape_flag(out, SHAPE_TOO_LONG, addr);
			break;
		}
		if (!cs_disasm_iter(h, &code, &size, &addr, in)) {
			shape_flag(out, SHAPE_UNDECODED, addr);
			break;
		}
		xgrow(&v, &alloc, n + 1, sizeof(*v));
		s = &v[n++];
		memset(s, 0, sizeof(*s));
		s->at = in->address;
		s->def = -1;
		s->store[0] = s->store[1] = SRC_NONE;
		if (is_x86)
			shape_x86(h, in, s);
		else
			shape_arm64(h, in, s);
	}
	if (!in)
		shape_flag(out, SHAPE_UNDECODED, lo);
	if (!(out->flags & (SHAPE_UNDECODED | SHAPE_TOO_LONG)))
		shape_summarise(a, v, n, nd->lo, nd->hi, out);
	if (out->n_insns > SHAPE_MAX_INSNS)
		shape_flag(out, SHAPE_TOO_LONG, lo);
	if (out->flags & SHAPE_UNDECODED)
		rc = -1;
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	free(v);
	return rc;
}

static int refgraph_run(struct audit *a)
{
	struct refgraph_facts *rf = &a->facts.refgraph;
	const struct image *img = &a->image;
	struct gctx g = { .a = a, .l = &a->facts.layout };
	struct disasm d = { 0 };
	struct exits *ex;
	size_t i;
	bool have_cs = false;

	if (img->machine == IMG_EM_X86_64 || img->machine == IMG_EM_AARCH64) {
		cs_arch arch = img->machine == IMG_EM_X86_64 ? CS_ARCH_X86 : CS_ARCH_ARM64;
		cs_mode mode = img->machine == IMG_EM_X86_64 ? CS_MODE_64 :
			       img->is_le ? CS_MODE_LITTLE_ENDIAN : CS_MODE_BIG_ENDIAN;

		if (cs_open(arch, mode, &d.h) == CS_ERR_OK) {
			cs_option(d.h, CS_OPT_DETAIL, CS_OPT_ON);
			d.in[0] = cs_malloc(d.h);
			d.in[1] = cs_malloc(d.h);
			d.is_x86 = arch == CS_ARCH_X86;
			d.step = d.is_x86 ? 1 : 4;
			have_cs = d.in[0] && d.in[1];
		}
	}
	rf->has_code_analysis = have_cs;
	if (!have_cs)
		diag_note(&a->diag, "no disassembler for this machine: executable bytes are "
			  "scanned as data words only, so reachability is not computed");
	g.is_block = module_blocks(a);
	for (i = 0; i < g.l->n_nodes && !g.any_block; i++)
		g.any_block = g.is_block[i];
	g.arity = ocaml_arities(a);
	if (g.l->n_nodes) {
		g.lo = g.l->nodes[0].lo;
		g.hi = g.l->nodes[g.l->n_nodes - 1].hi;
	}
	{
		const struct image_symbol *hp = image_find_symbol(img, "hypercall_page");

		if (hp) {
			ptrdiff_t k = layout_find(g.l, hp->value);

			g.hcall_lo = hp->value;
			g.hcall_hi = hp->value + (hp->size ? hp->size :
				     k >= 0 ? g.l->nodes[k].hi - hp->value : 4096);
		}
	}
	ex = xcalloc(g.l->n_nodes + 1, sizeof(*ex));
	rf->first = arena_array(&a->arena, g.l->n_nodes + 1, sizeof(*rf->first));
	for (i = 0; i < g.l->n_nodes; i++) {
		const struct layout_node *n = &g.l->nodes[i];
		bool bad = false;

		rf->first[i] = g.n;
		g.node_first = g.n;
		g.src = (uint32_t)i;
		if (n->flags & NODE_NOBITS)
			continue;
		if ((n->flags & NODE_EXEC) && have_cs) {
			size_t n_sys = g.n_sys;

			rf->n_code_nodes++;
			ex[i].final_call = -1;
			scan_code(&g, &d, n->lo, n->hi, &bad, &ex[i]);
			ex[i].is_code = true;
			/* Only nodes with undecodable bytes are swept twice (sys_resweep). */
			if (bad && !g.l->is_discovered) {
				g.n_sys = n_sys;
				sys_resweep(&g, &d, n->lo, n->hi);
			}
			/*
			 * Bytes that do not decode, or code with no section to say it is
			 * code, may hold data: scan their words too.
			 */
			if (bad || n->sec < 0)
				scan_words(&g, n->lo, n->hi);
		} else {
			rf->n_data_nodes++;
			scan_words(&g, n->lo, n->hi);
		}
		node_done(&g);
	}
	rf->first[g.l->n_nodes] = g.n;
	/*
	 * Discovered entry points may fall inside an instruction (a data word that
	 * looks like a code address): the nodes of a stripped image are swept for
	 * privileged instructions as one run per section, as objdump -d would.
	 */
	for (i = 0; have_cs && g.l->is_discovered && i < g.l->n_nodes;) {
		const struct layout_node *n = &g.l->nodes[i];
		size_t j = i + 1;

		if (!(n->flags & NODE_EXEC) || (n->flags & NODE_NOBITS)) {
			i++;
			continue;
		}
		while (j < g.l->n_nodes && g.l->nodes[j].sec == n->sec &&
		       g.l->nodes[j].lo == g.l->nodes[j - 1].hi &&
		       (g.l->nodes[j].flags & (NODE_EXEC | NODE_NOBITS)) == NODE_EXEC)
			j++;
		sys_resweep(&g, &d, n->lo, g.l->nodes[j - 1].hi);
		i = j;
	}
	if (g.n_implausible > 8)
		diag_note(&a->diag, "%zu more data nodes with implausibly many pointer-like words",
			  g.n_implausible - 8);
	add_fallthroughs(&g, ex);
	rf->noreturn = arena_array(&a->arena, g.l->n_nodes + 1, 1);
	for (i = 0; i < g.l->n_nodes; i++)
		rf->noreturn[i] = ex[i].noreturn;
	free(ex);
	rf->sys_sites = arena_array(&a->arena, g.n_sys + 1, sizeof(*rf->sys_sites));
	if (g.n_sys)
		memcpy(rf->sys_sites, g.sys, g.n_sys * sizeof(*g.sys));
	rf->n_sys_sites = g.n_sys;
	free(g.sys);
	rf->n_edges = g.n;
	/* The edges stay on the heap, trimmed to size: copying them would double the peak. */
	rf->edges = xreallocarray(g.e, g.n + 1, sizeof(*g.e));
	if (have_cs) {
		cs_free(d.in[0], 1);
		cs_free(d.in[1], 1);
		cs_close(&d.h);
	}
	rf->is_done = true;
	return 0;
}

const struct analyzer analyzer_refgraph = {
	.name = "refgraph",
	.id = AN_REFGRAPH,
	.needs = AN_BIT(AN_LAYOUT) | AN_BIT(AN_OCAML),
	.run = refgraph_run,
};

/*
 * node_walk: decode code node NODE in full, calling FN on each instruction
 * (with capstone's detail when DETAIL) until it returns nonzero. Returns FN's
 * nonzero value, 0 when every instruction was seen, or -1 when NODE is not
 * code this machine can decode in full.
 */
static int node_walk(const struct audit *a, uint32_t node, bool detail,
		     int (*fn)(const cs_insn *in, bool is_x86, void *ctx), void *ctx)
{
	bool is_x86 = a->image.machine == IMG_EM_X86_64;
	const uint8_t *code;
	uint64_t len, addr;
	size_t size;
	csh h;
	cs_insn *in;
	int rc = 0;

	if (node_open(a, node, &h, &code, &len, &addr) < 0)
		return -1;
	if (detail)
		cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	in = cs_malloc(h);
	size = (size_t)len;
	/* Undecodable bytes: unknown. */
	while (in && size && !rc) {
		if (!cs_disasm_iter(h, &code, &size, &addr, in))
			rc = -1;
		else
			rc = fn(in, is_x86, ctx);
	}
	if (!in)
		rc = -1;
	else
		cs_free(in, 1);
	cs_close(&h);
	return rc;
}

static int system_1(const cs_insn *in, bool is_x86, void *ctx)
{
	if (!(is_x86 ? x86_system(in->id) : arm64_system(in->id)))
		return 0;
	*(uint64_t *)ctx = in->address;
	return 1;
}

int refgraph_system_insn(const struct audit *a, uint32_t node, uint64_t *at)
{
	uint64_t where = 0;
	/* Without detail: only the instruction ids matter. */
	int rc = node_walk(a, node, false, system_1, &where);

	if (rc > 0)
		*at = where;
	return rc;
}

/* x86-64: whether operand OP is the memory word %fs:0x28, glibc's TLS stack guard. */
static bool x86_tls_guard(const cs_x86_op *op)
{
	return op->type == X86_OP_MEM && op->mem.segment == X86_REG_FS &&
	       op->mem.base == X86_REG_INVALID && op->mem.index == X86_REG_INVALID &&
	       op->mem.disp == 0x28;
}

static void frame_x86(const cs_insn *in, struct code_frame *out)
{
	const cs_x86 *x = &in->detail->x86;
	uint8_t i;

	for (i = 0; i < x->op_count; i++)
		if (x86_tls_guard(&x->operands[i]) && !out->has_tls_canary) {
			out->has_tls_canary = true;
			out->tls_at = in->address;
		}
	if (x->op_count != 2 || x->operands[0].type != X86_OP_REG)
		return;
	if (x->operands[0].reg == X86_REG_RSP && x->operands[1].type == X86_OP_IMM &&
	    (in->id == X86_INS_SUB || in->id == X86_INS_ADD)) {
		int64_t imm = x->operands[1].imm;
		uint64_t n = in->id == X86_INS_SUB ? (uint64_t)imm : (uint64_t)-imm;

		if ((in->id == X86_INS_SUB ? imm > 0 : imm < 0) && n > out->frame)
			out->frame = n;
	}
	/* lea off(%rsp|%rbp), reg: a stack slot's address leaves in a register. */
	if (in->id == X86_INS_LEA && x->operands[1].type == X86_OP_MEM &&
	    (x->operands[1].mem.base == X86_REG_RSP || x->operands[1].mem.base == X86_REG_RBP) &&
	    x->operands[0].reg != X86_REG_RSP && x->operands[0].reg != X86_REG_RBP &&
	    !out->is_addr_taken) {
		out->is_addr_taken = true;
		out->addr_at = in->address;
	}
}

static void frame_arm64(const cs_insn *in, struct code_frame *out)
{
	const cs_arm64 *x = &in->detail->arm64;

	if (x->op_count != 3 || x->operands[0].type != ARM64_OP_REG ||
	    x->operands[1].type != ARM64_OP_REG || x->operands[1].reg != ARM64_REG_SP ||
	    x->operands[2].type != ARM64_OP_IMM)
		return;
	if (in->id == ARM64_INS_SUB && x->operands[0].reg == ARM64_REG_SP &&
	    (uint64_t)x->operands[2].imm > out->frame)
		out->frame = (uint64_t)x->operands[2].imm;
	/* add xN, sp, #imm other than the frame pointer: a stack slot's address. */
	if (in->id == ARM64_INS_ADD && x->operands[0].reg != ARM64_REG_SP &&
	    x->operands[0].reg != ARM64_REG_X29 && !out->is_addr_taken) {
		out->is_addr_taken = true;
		out->addr_at = in->address;
	}
}

static int frame_1(const cs_insn *in, bool is_x86, void *ctx)
{
	if (is_x86)
		frame_x86(in, ctx);
	else
		frame_arm64(in, ctx);
	return 0;
}

int refgraph_frame(const struct audit *a, uint32_t node, struct code_frame *out)
{
	memset(out, 0, sizeof(*out));
	return node_walk(a, node, true, frame_1, out) < 0 ? -1 : 0;
}
