/* SPDX-License-Identifier: ISC */
/* Declarations shared by hello.c and tables.c (the aarch64-hello example). */
#ifndef MA_EXAMPLES_A64_HELLO_H
#define MA_EXAMPLES_A64_HELLO_H

#include <stddef.h>
#include <stdint.h>

enum frame_class { CLASS_ARP, CLASS_IPV4, CLASS_IPV6, CLASS_OTHER, N_CLASSES };

/* What to count in stat_update(): one switch case each. */
enum stat_op {
	STAT_FRAMES, STAT_BYTES, STAT_MAX_LEN, STAT_MIN_LEN, STAT_HASH, STAT_ARP,
	STAT_IPV4, STAT_IPV6, STAT_OTHER, N_STAT_OPS
};

struct counters {
	unsigned long frames, bytes, max_len, min_len;
	unsigned long arp, ipv4, ipv6, other;
	uint32_t hash;
};

/* tables.c (compiled with -mcmodel=large: its addresses come from literal pools). */
extern struct counters counters;
unsigned classify_frame(const uint8_t *frame, size_t len);
int dispatch_frame(unsigned cls, const uint8_t *frame, size_t len);
void stat_update(unsigned op, unsigned long v);

/* The console, behind a struct of callbacks. */
struct console_ops {
	void (*write)(const char *s, size_t n);
	void (*flush)(void);
};
extern const struct console_ops console;

#endif
