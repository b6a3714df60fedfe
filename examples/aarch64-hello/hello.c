// SPDX-License-Identifier: ISC
/*
 * aarch64-hello: a C-only Solo5 hvt unikernel for AArch64. It counts the
 * frames waiting on the net device "service" by class, through tables of
 * function pointers (tables.c), and prints one line through the console
 * callbacks. Its globals are addressed with adrp/add and adrp/ldr pairs
 * (the default small code model), tables.c's through literal pools.
 */
#include "nolibc.h"
#include "solo5.h"
#include "hello.h"

const char greeting[] = "aarch64-hello";
int log_level = 2;
unsigned long frame_bytes;

/* Statics: gcc addresses these from one section anchor plus an offset. */
static unsigned long class_counts[N_CLASSES];
static unsigned long class_bytes[N_CLASSES];
static const char *const class_names[N_CLASSES] = { "arp", "ipv4", "ipv6", "other" };

static void arp_bytes(size_t len)
{
	class_bytes[CLASS_ARP] += len;
}

static void ipv4_bytes(size_t len)
{
	class_bytes[CLASS_IPV4] += len - 14;
}

static void ipv6_bytes(size_t len)
{
	class_bytes[CLASS_IPV6] += len > 54 ? len - 54 : 0;
}

static void other_bytes(size_t len)
{
	class_bytes[CLASS_OTHER] += len | 1;
}

/*
 * Live only through this static table, which gcc addresses from the section
 * anchor of the statics above (adrp/add to the anchor, then add the offset).
 */
static void (*const class_bytes_fn[N_CLASSES])(size_t len) = {
	[CLASS_ARP] = arp_bytes,
	[CLASS_IPV4] = ipv4_bytes,
	[CLASS_IPV6] = ipv6_bytes,
	[CLASS_OTHER] = other_bytes,
};

/* Account LEN bytes to class CLS; returns the class's name. */
static __attribute__((noinline, noclone)) const char *account(unsigned cls, size_t len)
{
	class_bytes_fn[cls](len);
	return class_names[cls];
}

/* Deliberately dead: called only by unused_frame_crc(). */
static __attribute__((noinline, noclone)) uint32_t crc_step(uint32_t crc, uint8_t b)
{
	int k;

	crc ^= b;
	for (k = 0; k < 8; k++)
		crc = crc >> 1 ^ (0xedb88320U & -(crc & 1));
	return crc;
}

/* Deliberately dead: never called, never address-taken. */
uint32_t unused_frame_crc(const uint8_t *frame, size_t len);
uint32_t unused_frame_crc(const uint8_t *frame, size_t len)
{
	uint32_t crc = ~0U;

	while (len--)
		crc = crc_step(crc, *frame++);
	return ~crc;
}

static void print_summary(void)
{
	char line[160];
	int n, i;

	n = fmt_snprintf(line, sizeof(line), "%s: %lu frames, %lu bytes", greeting,
			 counters.frames, frame_bytes);
	for (i = 0; i < N_CLASSES && n < (int)sizeof(line); i++)
		n += fmt_snprintf(line + n, sizeof(line) - (size_t)n, ", %s %lu/%lu", class_names[i],
				  class_counts[i], class_bytes[i]);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	console.write(line, (size_t)n);
	console.flush();
}

int solo5_app_main(const struct solo5_start_info *si)
{
	static uint8_t frame[1514];
	struct solo5_net_info ni;
	solo5_handle_t net;
	size_t len;

	(void)si;
	if (solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK) {
		printf("%s: cannot acquire net device 'service'\n", greeting);
		return SOLO5_EXIT_FAILURE;
	}
	while (solo5_net_read(net, frame, sizeof(frame), &len) == SOLO5_R_OK) {
		unsigned cls = classify_frame(frame, len);
		const char *name;

		frame_bytes += len;
		if (cls >= N_CLASSES)
			cls = CLASS_OTHER;
		class_counts[cls]++;
		name = account(cls, len);
		if (log_level > 2)
			printf("%s: %s frame, %lu bytes\n", greeting, name, (unsigned long)len);
		stat_update(STAT_FRAMES, 1);
		stat_update(STAT_BYTES, len);
		stat_update(STAT_MAX_LEN, len);
		stat_update(STAT_MIN_LEN, len);
		if (dispatch_frame(cls, frame, len) < 0 && log_level > 1)
			printf("%s: malformed frame of %lu bytes\n", greeting, (unsigned long)len);
	}
	print_summary();
	return SOLO5_EXIT_SUCCESS;
}
