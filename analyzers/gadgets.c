// SPDX-License-Identifier: ISC
/*
 * ROP/JOP gadgets: how much reusable code an attacker finds in the image,
 * counted as gadget finders count it (docs/seal.md, "Gadget counts"). Every
 * byte offset of executable code (every 4-byte aligned one on AArch64) is
 * decoded once into a memo (length and class of its instruction); a gadget is
 * a start from which the chain of next offsets reaches a return, an indirect
 * jump or an indirect call within GADGET_MAX_INSNS instructions, with no other
 * control transfer before it.
 */
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "audit/core/analyzer.h"
#include "audit/core/xalloc.h"

/*
 * The memo: one byte per decoded offset, the instruction's length in the low
 * nibble (0: does not decode) and its class in the high one.
 */
enum insn_class {
	CL_PLAIN,	/* no control transfer: a gadget goes on through it */
	CL_RET,		/* ret, ret imm, retf; AArch64 ret, retaa, retab */
	CL_JMP,		/* jmp reg/mem, ljmp mem; AArch64 br, braa... */
	CL_CALL,	/* call reg/mem, lcall mem; AArch64 blr, blraa... */
	CL_STOP,	/* any other control transfer or trap: ends the attempt */
};
#define MEMO(len, cl) ((uint8_t)((len) | (cl) << 4))
#define MEMO_LEN(m) ((m) & 0xf)
#define MEMO_CLASS(m) ((m) >> 4)

/*
 * x86-64: jmp and call are indirect when their opcode, after the legacy and
 * REX prefixes, is 0xff (/2 call, /3 lcall, /4 jmp, /5 ljmp); the direct forms
 * are e8, e9 and eb. Deciding by the bytes keeps capstone's detail off, which
 * makes the per-offset decode several times cheaper.
 */
static bool x86_is_indirect(const cs_insn *in)
{
	size_t i = 0;

	while (i < in->size) {
		uint8_t b = in->bytes[i];

		if (b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0 || b == 0x2e ||
		    b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65 || (b & 0xf0) == 0x40)
			i++;
		else
			return b == 0xff;
	}
	return false;
}

static enum insn_class x86_class(const cs_insn *in)
{
	switch (in->id) {
	case X86_INS_RET: case X86_INS_RETF: case X86_INS_RETFQ:
		return CL_RET;
	case X86_INS_JMP: case X86_INS_LJMP:
		return x86_is_indirect(in) ? CL_JMP : CL_STOP;
	case X86_INS_CALL: case X86_INS_LCALL:
		return x86_is_indirect(in) ? CL_CALL : CL_STOP;
	case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB: case X86_INS_JCXZ:
	case X86_INS_JECXZ: case X86_INS_JRCXZ: case X86_INS_JE: case X86_INS_JGE: case X86_INS_JG:
	case X86_INS_JLE: case X86_INS_JL: case X86_INS_JNE: case X86_INS_JNO: case X86_INS_JNP:
	case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP: case X86_INS_JS:
	case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
	case X86_INS_INT: case X86_INS_INT1: case X86_INS_INT3: case X86_INS_INTO:
	case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ:
	case X86_INS_HLT: case X86_INS_UD0: case X86_INS_UD2: case X86_INS_UD2B:
	case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_SYSEXIT: case X86_INS_SYSRET:
		return CL_STOP;
	default:
		return CL_PLAIN;
	}
}

static enum insn_class a64_class(const cs_insn *in)
{
	switch (in->id) {
	case ARM64_INS_RET:
		return CL_RET;
	case ARM64_INS_BR:
		return CL_JMP;
	case ARM64_INS_BLR:
		return CL_CALL;
	case ARM64_INS_B: case ARM64_INS_BL: case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ: case ARM64_INS_TBNZ: case ARM64_INS_BRK: case ARM64_INS_HLT:
	case ARM64_INS_SVC: case ARM64_INS_HVC: case ARM64_INS_SMC: case ARM64_INS_ERET:
	case ARM64_INS_DRPS:
		return CL_STOP;
	default:
		return CL_PLAIN;
	}
}

/*
 * The Armv8.3 pointer-authentication branches by their encoding: capstone 4
 * does not decode them, and a return through retaa is as much a gadget end as
 * ret. Returns the class, or -1 when W is none of them.
 */
static int a64_pac_class(uint32_t w)
{
	if (w == 0xd65f0bff || w == 0xd65f0fff)			/* retaa, retab */
		return CL_RET;
	if (w == 0xd69f0bff || w == 0xd69f0fff)			/* eretaa, eretab */
		return CL_STOP;
	if ((w & 0xfffff81f) == 0xd61f081f)			/* braaz, brabz */
		return CL_JMP;
	if ((w & 0xfffff81f) == 0xd63f081f)			/* blraaz, blrabz */
		return CL_CALL;
	if ((w & 0xfffff800) == 0xd71f0800)			/* braa, brab */
		return CL_JMP;
	if ((w & 0xfffff800) == 0xd73f0800)			/* blraa, blrab */
		return CL_CALL;
	return -1;
}

/* Decode every offset of [0, n) of CODE once (STEP: 1, or 4 on AArch64) into MEMO. */
static void memo_fill(const struct image *img, csh h, cs_insn *in, const uint8_t *code,
		      size_t n, size_t step, uint8_t *memo)
{
	bool is_x86 = img->machine == IMG_EM_X86_64;
	size_t i;

	for (i = 0; i < n; i += step) {
		const uint8_t *p = code + i;
		size_t left = n - i;
		uint64_t addr = i;
		int cl;

		memo[i / step] = 0;
		if (cs_disasm_iter(h, &p, &left, &addr, in)) {
			cl = is_x86 ? x86_class(in) : a64_class(in);
			memo[i / step] = MEMO(in->size, cl);
		} else if (!is_x86 && n - i >= 4 &&
			   (cl = a64_pac_class((uint32_t)image_word(img, code + i, 4))) >= 0) {
			memo[i / step] = MEMO(4, cl);
		}
	}
}

/* Count the gadgets starting in [0, n) from the memo of that range into OUT. */
static void memo_count(const uint8_t *memo, size_t n, size_t step, struct gadget_counts *out)
{
	size_t i, at, k;

	for (i = 0; i < n; i += step) {
		for (at = i, k = 0; k < GADGET_MAX_INSNS && at < n; k++) {
			uint8_t m = memo[at / step];

			if (!MEMO_LEN(m) || MEMO_CLASS(m) == CL_STOP)
				break;
			if (MEMO_CLASS(m) != CL_PLAIN) {
				out->total++;
				if (MEMO_CLASS(m) == CL_RET)
					out->ret++;
				else if (MEMO_CLASS(m) == CL_JMP)
					out->jmp++;
				else
					out->call++;
				break;
			}
			at += MEMO_LEN(m);
		}
	}
}

static int range_cmp(const void *x, const void *y)
{
	const struct image_range *p = x, *q = y;

	return p->lo < q->lo ? -1 : p->lo > q->lo ? 1 : p->hi < q->hi ? -1 : p->hi > q->hi;
}

/*
 * The file bytes of the executable PT_LOADs, clipped to the file, sorted and
 * with overlaps merged, so that no byte is scanned twice however many headers
 * claim it (a hostile file could repeat one segment thousands of times).
 * Segments that merely touch stay apart: a gadget never crosses a segment end.
 */
static size_t exec_ranges(const struct image *img, struct image_range **out)
{
	struct image_range *r = xreallocarray(NULL, img->n_segments + 1, sizeof(*r));
	size_t i, n = 0, m = 0;

	for (i = 0; i < img->n_segments; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->type != IMG_PT_LOAD || !(s->flags & IMG_PF_X) || s->offset >= img->size)
			continue;
		r[n].lo = s->offset;
		r[n].hi = s->offset + (s->filesz < img->size - s->offset ? s->filesz :
				       img->size - s->offset);
		if (r[n].hi > r[n].lo)
			n++;
	}
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n; i++) {
		if (m && r[i].lo < r[m - 1].hi) {
			if (r[i].hi > r[m - 1].hi)
				r[m - 1].hi = r[i].hi;
		} else {
			r[m++] = r[i];
		}
	}
	*out = r;
	return m;
}

int gadgets_count(const struct audit *a, struct gadget_counts *out)
{
	const struct image *img = &a->image;
	bool is_x86 = img->machine == IMG_EM_X86_64;
	struct image_range *r = NULL;
	uint8_t *memo = NULL;
	size_t i, n, step = is_x86 ? 1 : 4, alloc = 0;
	cs_insn *in = NULL;
	csh h;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((!is_x86 && img->machine != IMG_EM_AARCH64) ||
	    cs_open(is_x86 ? CS_ARCH_X86 : CS_ARCH_ARM64,
		    is_x86 ? CS_MODE_64 : img->is_le ? CS_MODE_LITTLE_ENDIAN : CS_MODE_BIG_ENDIAN,
		    &h) != CS_ERR_OK)
		return -1;
	in = cs_malloc(h);
	if (!in)
		goto out;
	n = exec_ranges(img, &r);
	for (i = 0; i < n; i++) {
		/* AArch64: aligned by file offset, which ELF keeps congruent to the address */
		size_t skip = (size_t)(-r[i].lo & (step - 1));
		size_t len = (size_t)(r[i].hi - r[i].lo);

		out->code_bytes += len;
		if (len <= skip)
			continue;
		len -= skip;
		xgrow(&memo, &alloc, len / step + 1, 1);
		memo_fill(img, h, in, img->data + r[i].lo + skip, len, step, memo);
		memo_count(memo, len, step, out);
	}
	rc = 0;
out:
	free(memo);
	free(r);
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	return rc;
}

/* The pipeline's view: the counts as facts reports read (a machine not decoded is not an error). */
static int gadgets_run(struct audit *a)
{
	struct gadget_facts *g = &a->facts.gadgets;

	g->is_done = true;
	g->max_insns = GADGET_MAX_INSNS;
	g->is_counted = gadgets_count(a, &g->n) == 0;
	return 0;
}

const struct analyzer analyzer_gadgets = {
	.name = "gadgets",
	.id = AN_GADGETS,
	.needs = 0,
	.run = gadgets_run,
};
