// SPDX-License-Identifier: ISC
/*
 * solo5-seeded: a C-only Solo5 unikernel with one device, the net device
 * "service". It counts the frames waiting on it by EtherType and prints one
 * line. Everything in seeded.c is linked and never called.
 */
#include "nolibc.h"
#include "solo5.h"

#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV4 0x0800

int solo5_app_main(const struct solo5_start_info *si)
{
	static uint8_t frame[1514];
	struct solo5_net_info ni;
	solo5_handle_t net;
	int n = 0, n_arp = 0, n_ipv4 = 0;
	size_t len;

	(void)si;
	if (solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK) {
		printf("solo5-seeded: cannot acquire net device 'service'\n");
		return SOLO5_EXIT_FAILURE;
	}
	while (solo5_net_read(net, frame, sizeof(frame), &len) == SOLO5_R_OK) {
		unsigned type = len >= 14 ? (unsigned)frame[12] << 8 | frame[13] : 0;

		n++;
		if (type == ETHERTYPE_ARP)
			n_arp++;
		else if (type == ETHERTYPE_IPV4)
			n_ipv4++;
	}
	printf("solo5-seeded: %d frames (%d arp, %d ipv4)\n", n, n_arp, n_ipv4);
	return SOLO5_EXIT_SUCCESS;
}
