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
static const char *const class_names[N_CLASSES] = { "arp", "ipv4", "ipv6", "other" };

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
		n += fmt_snprintf(line + n, sizeof(line) - (size_t)n, ", %s %lu", class_names[i],
				  class_counts[i]);
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

		frame_bytes += len;
		class_counts[cls < N_CLASSES ? cls : CLASS_OTHER]++;
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
