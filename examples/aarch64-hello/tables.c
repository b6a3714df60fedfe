// SPDX-License-Identifier: ISC
/*
 * Frame handlers of aarch64-hello, reached through tables of function
 * pointers, and the console callbacks. Compiled with -mcmodel=large, so the
 * address of every table and global here is loaded from a literal pool
 * (ldr xN, <literal>) instead of an adrp/add pair.
 */
#include "nolibc.h"
#include "solo5.h"
#include "hello.h"

struct counters counters;

static int on_arp(const uint8_t *frame, size_t len)
{
	if (len < 42)
		return -1;
	stat_update(STAT_ARP, 1);
	stat_update(STAT_HASH, (unsigned long)frame[21]);	/* ARP opcode */
	return 0;
}

static int on_ipv4(const uint8_t *frame, size_t len)
{
	if (len < 34 || frame[14] >> 4 != 4)
		return -1;
	stat_update(STAT_IPV4, 1);
	stat_update(STAT_HASH, (unsigned long)frame[23] << 8);	/* IP protocol */
	return 0;
}

static int on_ipv6(const uint8_t *frame, size_t len)
{
	if (len < 54 || frame[14] >> 4 != 6)
		return -1;
	stat_update(STAT_IPV6, 1);
	return 0;
}

static int on_other(const uint8_t *frame, size_t len)
{
	(void)frame;
	(void)len;
	stat_update(STAT_OTHER, 1);
	return 0;
}

/* Indexed by a class known only at run time: every entry is a use. */
static int (*const handlers[N_CLASSES])(const uint8_t *frame, size_t len) = {
	[CLASS_ARP] = on_arp,
	[CLASS_IPV4] = on_ipv4,
	[CLASS_IPV6] = on_ipv6,
	[CLASS_OTHER] = on_other,
};

unsigned classify_frame(const uint8_t *frame, size_t len)
{
	unsigned type;

	if (len < 14)
		return CLASS_OTHER;
	type = (unsigned)frame[12] << 8 | frame[13];
	return type == 0x0806 ? CLASS_ARP : type == 0x0800 ? CLASS_IPV4 :
	       type == 0x86dd ? CLASS_IPV6 : CLASS_OTHER;
}

int dispatch_frame(unsigned cls, const uint8_t *frame, size_t len)
{
	return handlers[cls < N_CLASSES ? cls : CLASS_OTHER](frame, len);
}

/* Nine dense cases with different bodies: gcc compiles this to a jump table. */
void stat_update(unsigned op, unsigned long v)
{
	switch (op) {
	case STAT_FRAMES:
		counters.frames += v;
		break;
	case STAT_BYTES:
		counters.bytes += v;
		break;
	case STAT_MAX_LEN:
		if (v > counters.max_len)
			counters.max_len = v;
		break;
	case STAT_MIN_LEN:
		if (!counters.min_len || v < counters.min_len)
			counters.min_len = v;
		break;
	case STAT_HASH:
		counters.hash = (counters.hash ^ (uint32_t)v) * 16777619U;
		break;
	case STAT_ARP:
		counters.arp += v;
		break;
	case STAT_IPV4:
		counters.ipv4 += v;
		break;
	case STAT_IPV6:
		counters.ipv6 += v;
		break;
	case STAT_OTHER:
		counters.other += v;
		break;
	default:
		solo5_abort();
	}
}

static size_t console_written;

static void con_write(const char *s, size_t n)
{
	solo5_console_write(s, n);
	console_written += n;
}

static void con_flush(void)
{
	if (console_written)
		solo5_console_write("\n", 1);
	console_written = 0;
}

const struct console_ops console = {
	.write = con_write,
	.flush = con_flush,
};

/*
 * Deliberately dead: null_console is global, so it and its two callbacks
 * are compiled, but nothing refers to it.
 */
static void null_write(const char *s, size_t n)
{
	(void)s;
	console_written += n;
}

static void null_flush(void)
{
	console_written = 0;
}

extern const struct console_ops null_console;
const struct console_ops null_console = {
	.write = null_write,
	.flush = null_flush,
};

/*
 * Deliberately dead: never called, never address-taken. Its literal pool
 * holds the address of a live function (on_arp).
 */
const void *unused_handler_addr(void);
const void *unused_handler_addr(void)
{
	return (const void *)on_arp;
}
