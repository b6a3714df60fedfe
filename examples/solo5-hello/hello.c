// SPDX-License-Identifier: ISC
/*
 * solo5-hello: a C-only Solo5 unikernel. It counts the frames waiting on
 * the net device "service", writes and reads back the first block of
 * "storage", and prints one line.
 */
#include "nolibc.h"
#include "solo5.h"

#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV4 0x0800

/* FNV-1a, 32 bits: a checksum that is easy to recompute by hand. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261U;

	while (n--) {
		h ^= *p++;
		h *= 16777619U;
	}
	return h;
}

/*
 * Deliberately dead: never called and never address-taken. It stays in the
 * image because the link does not use --gc-sections (ground truth for
 * mirage-audit's dead-code analysis; see truth.txt).
 */
uint32_t unused_block_checksum(const uint8_t *block, size_t size);
uint32_t unused_block_checksum(const uint8_t *block, size_t size)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= size; i += 4)
		sum += (uint32_t)block[i] | (uint32_t)block[i + 1] << 8 |
		       (uint32_t)block[i + 2] << 16 | (uint32_t)block[i + 3] << 24;
	return ~sum;
}

static int count_frames(solo5_handle_t h, int *n_arp, int *n_ipv4)
{
	static uint8_t frame[1514];
	size_t len;
	int n = 0;

	while (solo5_net_read(h, frame, sizeof(frame), &len) == SOLO5_R_OK) {
		unsigned type = len >= 14 ? (unsigned)frame[12] << 8 | frame[13] : 0;

		n++;
		if (type == ETHERTYPE_ARP)
			(*n_arp)++;
		else if (type == ETHERTYPE_IPV4)
			(*n_ipv4)++;
	}
	return n;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	static uint8_t block[512], check[512];
	struct solo5_net_info ni;
	struct solo5_block_info bi;
	solo5_handle_t net, disk;
	int n_frames, n_arp = 0, n_ipv4 = 0;
	size_t i;

	(void)si;
	if (solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK) {
		printf("solo5-hello: cannot acquire net device 'service'\n");
		return SOLO5_EXIT_FAILURE;
	}
	if (solo5_block_acquire("storage", &disk, &bi) != SOLO5_R_OK ||
	    bi.block_size != sizeof(block)) {
		printf("solo5-hello: cannot acquire block device 'storage'\n");
		return SOLO5_EXIT_FAILURE;
	}
	n_frames = count_frames(net, &n_arp, &n_ipv4);

	for (i = 0; i < sizeof(block); i++)
		block[i] = (uint8_t)(i * 7 + 1);
	if (solo5_block_write(disk, 0, block, sizeof(block)) != SOLO5_R_OK ||
	    solo5_block_read(disk, 0, check, sizeof(check)) != SOLO5_R_OK ||
	    memcmp(block, check, sizeof(block))) {
		printf("solo5-hello: block 0 of 'storage' does not read back\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("solo5-hello: Hello, World! %d frames (%d arp, %d ipv4), %lu blocks, "
	       "block 0 fnv1a 0x%08x\n", n_frames, n_arp, n_ipv4,
	       (unsigned long)(bi.capacity / bi.block_size), fnv1a(check, sizeof(check)));
	return SOLO5_EXIT_SUCCESS;
}
