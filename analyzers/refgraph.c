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

#include "audit/analyzer.h"
#include "audit/xalloc.h"

struct gctx {
	struct audit *a;
	const struct layout_facts *l;
	struct ref_edge *e;		/* edges of the whole graph, appended in source order */
	size_t n, alloc;
	size_t node_first;		/* first edge of the node being scanned */
	uint32_t src;
};

static void edge(struct gctx *g, uint64_t target, uint64_t at, uint8_t kind)
{
	ptrdiff_t dst = layout_find(g->l, target);
	size_t i;

	if (dst < 0 || (uint32_t)dst == g->src)
		return;
	/* One edge per (source, target): keep the first place it was seen, for `why`. */
	for (i = g->n; i > g->node_first && i > g->n - 8; i--)
		if (g->e[i - 1].dst == (uint32_t)dst)
			return;
	xgrow(&g->e, &g->alloc, g->n + 1, sizeof(*g->e));
	g->e[g->n++] = (struct ref_edge){ .at = at, .dst = (uint32_t)dst, .kind = kind };
}

/* Sort and dedupe the current node's edges by target, keeping the lowest site. */
static int cmp_edge(const void *x, const void *y)
{
	const struct ref_edge *a = x, *b = y;

	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

static void node_done(struct gctx *g)
{
	size_t i, k = g->node_first;

	if (g->n - g->node_first < 2)
		return;
	qsort(g->e + g->node_first, g->n - g->node_first, sizeof(*g->e), cmp_edge);
	for (i = g->node_first; i < g->n; i++)
		if (i == g->node_first || g->e[i].dst != g->e[k - 1].dst)
			g->e[k++] = g->e[i];
	g->n = k;
}

static uint64_t rd(const struct image *img, const unsigned char *p, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[img->is_le ? i : size - 1 - i] << (8 * i);
	return v;
}

/* Aligned pointer-sized words of [lo, hi) that hold an address inside the image. */
static void scan_words(struct gctx *g, uint64_t lo, uint64_t hi)
{
	const struct image *img = &g->a->image;
	unsigned w = img->elf_class == 64 ? 8 : 4;
	uint64_t p = (lo + w - 1) & ~(uint64_t)(w - 1), len;
	const unsigned char *b;

	if (p >= hi)
		return;
	len = hi - p;
	b = image_vaddr_bytes(img, p, &len);
	if (!b)
		return;
	for (; len >= w; p += w, b += w, len -= w)
		edge(g, rd(img, b, w), p, EDGE_DATA);
}

static void scan_x86(struct gctx *g, csh h, const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	bool is_call = cs_insn_group(h, in, CS_GRP_CALL);
	bool is_jump = cs_insn_group(h, in, CS_GRP_JUMP);
	uint8_t i;

	for (i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];

		if (op->type == X86_OP_IMM) {
			uint8_t kind = is_call ? EDGE_CALL : is_jump ? EDGE_JUMP : EDGE_ADDR;

			edge(g, (uint64_t)op->imm, in->address, kind);
		} else if (op->type == X86_OP_MEM) {
			if (op->mem.base == X86_REG_RIP)
				edge(g, in->address + in->size + (uint64_t)op->mem.disp, in->address,
				     EDGE_ADDR);
			else if (op->mem.disp)
				/* Absolute tables (jmp *table(,%rax,8)) and globals. */
				edge(g, (uint64_t)op->mem.disp, in->address, EDGE_ADDR);
		}
	}
}

static bool arm64_is_mem_access(unsigned id)
{
	switch (id) {
	case ARM64_INS_LDR: case ARM64_INS_LDRB: case ARM64_INS_LDRH: case ARM64_INS_LDRSW:
	case ARM64_INS_LDRSB: case ARM64_INS_LDRSH: case ARM64_INS_LDUR: case ARM64_INS_LDP:
	case ARM64_INS_STR: case ARM64_INS_STRB: case ARM64_INS_STRH: case ARM64_INS_STP:
	case ARM64_INS_STUR:
		return true;
	default:
		return false;
	}
}

/* Every node that overlaps [page, page + 4096): where an adrp result goes we cannot tell. */
static void page_edges(struct gctx *g, uint64_t page, uint64_t at)
{
	uint64_t p = page;

	while (p < page + 4096) {
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
 * AArch64: branches carry their target; adr its address; adrp a 4 KiB page
 * whose low 12 bits come from the next instruction. When that instruction is
 * an add or a load/store based on the adrp register and it overwrites that
 * register, the address is exact; otherwise every node of the page is
 * referenced. A literal load (ldr x, label) references the literal and the
 * address the literal holds.
 */
static void scan_arm64(struct gctx *g, const cs_insn *in, const cs_insn *next)
{
	const cs_arm64 *x = &in->detail->arm64;
	const struct image *img = &g->a->image;
	uint8_t i;

	if (in->id == ARM64_INS_ADRP && x->op_count == 2 && x->operands[1].type == ARM64_OP_IMM) {
		uint64_t page = (uint64_t)x->operands[1].imm;
		unsigned rd_reg = x->operands[0].reg;

		if (next) {
			const cs_arm64 *y = &next->detail->arm64;

			if (next->id == ARM64_INS_ADD && y->op_count == 3 &&
			    y->operands[0].type == ARM64_OP_REG && y->operands[0].reg == rd_reg &&
			    y->operands[1].type == ARM64_OP_REG && y->operands[1].reg == rd_reg &&
			    y->operands[2].type == ARM64_OP_IMM && !y->operands[2].shift.value) {
				edge(g, page + (uint64_t)y->operands[2].imm, in->address, EDGE_ADDR);
				return;
			}
			if (arm64_is_mem_access(next->id) && y->op_count == 2 &&
			    y->operands[0].type == ARM64_OP_REG && y->operands[0].reg == rd_reg &&
			    y->operands[1].type == ARM64_OP_MEM && y->operands[1].mem.base == rd_reg &&
			    y->operands[1].mem.index == ARM64_REG_INVALID) {
				edge(g, page + (uint64_t)(int64_t)y->operands[1].mem.disp, in->address,
				     EDGE_ADDR);
				return;
			}
		}
		page_edges(g, page, in->address);
		return;
	}
	for (i = 0; i < x->op_count; i++) {
		const cs_arm64_op *op = &x->operands[i];

		if (op->type != ARM64_OP_IMM)
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
				edge(g, rd(img, b, 8), in->address, EDGE_DATA);
			break;
		}
		default:
			edge(g, (uint64_t)op->imm, in->address, EDGE_ADDR);
		}
	}
}

struct disasm {
	csh h;
	cs_insn *in[2];
	bool is_x86;
	unsigned step;			/* bytes to skip over an undecodable instruction */
};

static void scan_code(struct gctx *g, struct disasm *d, uint64_t lo, uint64_t hi, bool *bad)
{
	const struct image *img = &g->a->image;
	uint64_t len = hi - lo, addr = lo;
	const unsigned char *b = image_vaddr_bytes(img, lo, &len);
	size_t size;
	const uint8_t *code;
	int cur = 0;
	bool have_prev = false;

	if (!b)
		return;
	code = b;
	size = (size_t)len;
	while (size) {
		if (!cs_disasm_iter(d->h, &code, &size, &addr, d->in[cur])) {
			size_t skip = d->step < size ? d->step : size;

			if (have_prev && !d->is_x86)
				scan_arm64(g, d->in[!cur], NULL);
			have_prev = false;
			*bad = true;
			g->a->facts.refgraph.n_bad_bytes += skip;
			code += skip;
			size -= skip;
			addr += skip;
			continue;
		}
		g->a->facts.refgraph.n_insns++;
		if (d->is_x86) {
			scan_x86(g, d->h, d->in[cur]);
		} else {
			/* arm64 looks one instruction ahead (adrp + add/ldr). */
			if (have_prev)
				scan_arm64(g, d->in[!cur], d->in[cur]);
			have_prev = true;
			cur = !cur;
		}
	}
	if (have_prev && !d->is_x86)
		scan_arm64(g, d->in[!cur], NULL);
}

static int refgraph_run(struct audit *a)
{
	struct refgraph_facts *rf = &a->facts.refgraph;
	const struct image *img = &a->image;
	struct gctx g = { .a = a, .l = &a->facts.layout };
	struct disasm d = { 0 };
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
			rf->n_code_nodes++;
			scan_code(&g, &d, n->lo, n->hi, &bad);
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
	rf->n_edges = g.n;
	rf->edges = arena_array(&a->arena, g.n + 1, sizeof(*rf->edges));
	if (g.n)
		memcpy(rf->edges, g.e, g.n * sizeof(*g.e));
	free(g.e);
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
	.needs = AN_BIT(AN_LAYOUT),
	.run = refgraph_run,
};
