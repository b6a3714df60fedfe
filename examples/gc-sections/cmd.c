// SPDX-License-Identifier: ISC
/*
 * A tiny accumulator machine: cmd_run() is one switch over fifteen dense
 * opcodes, which gcc compiles to a jump table. unused_cmd_trace() and its
 * table of opcode names are never used.
 */
#include "nolibc.h"
#include "gc.h"

/* FNV-1a over the eight bytes of ACC. */
static __attribute__((noinline, noclone)) long op_hash(long acc)
{
	uint32_t h = 2166136261U;
	int i;

	for (i = 0; i < 8; i++) {
		h ^= (uint8_t)((unsigned long)acc >> (8 * i));
		h *= 16777619U;
	}
	return (long)h;
}

static __attribute__((noinline, noclone)) long op_rotate(long acc, int n)
{
	uint32_t v = (uint32_t)acc;

	n &= 31;
	return n ? (long)(v << n | v >> (32 - n)) : (long)v;
}

static __attribute__((noinline, noclone)) long op_fold(long acc, int bits)
{
	unsigned long v = (unsigned long)acc, mask;

	if (bits <= 0 || bits >= 64)
		return acc;
	mask = (1UL << bits) - 1;
	while (v > mask)
		v = (v & mask) ^ (v >> bits);
	return (long)v;
}

long cmd_run(const struct cmd *prog, size_t n)
{
	long acc = 0;
	size_t pc;

	for (pc = 0; pc < n; pc++) {
		long a = prog[pc].arg;

		switch (prog[pc].op) {
		case OP_LOAD:
			acc = a;
			break;
		case OP_ADD:
			acc += a;
			break;
		case OP_SUB:
			acc -= a;
			break;
		case OP_MUL:
			acc *= a;
			break;
		case OP_XOR:
			acc ^= a;
			break;
		case OP_SHL:
			acc = (long)((unsigned long)acc << (a & 63));
			break;
		case OP_SHR:
			acc = (long)((unsigned long)acc >> (a & 63));
			break;
		case OP_NEG:
			acc = -acc;
			break;
		case OP_MIN:
			if (a < acc)
				acc = a;
			break;
		case OP_MAX:
			if (a > acc)
				acc = a;
			break;
		case OP_HASH:
			acc = op_hash(acc);
			break;
		case OP_ROTATE:
			acc = op_rotate(acc, (int)a);
			break;
		case OP_FOLD:
			acc = op_fold(acc, (int)a);
			break;
		case OP_FRAMES:
			acc = (long)stats.frames;
			break;
		case OP_HALT:
			return acc;
		default:
			return -1;
		}
	}
	return acc;
}

static const char *const op_names[N_OPS] = {
	"load", "add", "sub", "mul", "xor", "shl", "shr", "neg",
	"min", "max", "hash", "rotate", "fold", "frames", "halt",
};

/* Deliberately dead: never called; the only user of op_names. */
void unused_cmd_trace(const struct cmd *prog, size_t n);
void unused_cmd_trace(const struct cmd *prog, size_t n)
{
	size_t pc;

	for (pc = 0; pc < n; pc++)
		printf("%2lu %s %d\n", (unsigned long)pc,
		       prog[pc].op < N_OPS ? op_names[prog[pc].op] : "?", (int)prog[pc].arg);
}
