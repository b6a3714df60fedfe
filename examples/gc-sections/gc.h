/* SPDX-License-Identifier: ISC */
/* Declarations shared by the units of the gc-sections example. */
#ifndef MA_EXAMPLES_GC_H
#define MA_EXAMPLES_GC_H

#include <stddef.h>
#include <stdint.h>

/* What the frames seen so far added up to (main.c). */
struct stats {
	unsigned long frames, bytes;
	unsigned long arp, ipv4, ipv6, other;
	unsigned long icmp, tcp, udp, l4_other;
	uint32_t hash;
};
extern struct stats stats;

/* One protocol handler per EtherType; returns 0, or -1 for a malformed packet. */
typedef int (*proto_input_fn)(const uint8_t *pkt, size_t len);
struct proto {
	uint16_t ethertype;
	const char *name;
	proto_input_fn input;
};

/* proto.c: the live table and its handlers. */
extern const struct proto proto_table[];
extern const size_t n_proto_table;
int proto_dispatch(const uint8_t *frame, size_t len);
int handle_arp(const uint8_t *pkt, size_t len);
int handle_ipv4(const uint8_t *pkt, size_t len);
int handle_ipv6(const uint8_t *pkt, size_t len);

/* Called for every frame before dispatch when set (main.c). */
extern void (*frame_hook)(const uint8_t *frame, size_t len);

/* cmd.c: a tiny accumulator machine, one switch over the opcodes. */
enum cmd_op {
	OP_LOAD, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHL, OP_SHR, OP_NEG,
	OP_MIN, OP_MAX, OP_HASH, OP_ROTATE, OP_FOLD, OP_FRAMES, OP_HALT,
	N_OPS
};
struct cmd {
	uint8_t op;
	int32_t arg;
};
long cmd_run(const struct cmd *prog, size_t n);

/* output.c: a report written through a struct of callbacks. */
struct output_ops {
	void (*begin)(const char *title);
	void (*field)(const char *key, unsigned long value);
	void (*end)(void);
};
extern const struct output_ops text_ops;
void report(const struct output_ops *ops, const char *title, long acc);

#endif
